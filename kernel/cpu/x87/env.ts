// Memory images of the x87 environment and state: FNSTENV/FLDENV (14 or 28 bytes), FNSAVE/FRSTOR
// (94 or 108 bytes) and FXSAVE/FXRSTOR (512 bytes), in the protected-mode layouts of SDM vol. 1
// figures 8-9, 8-10 and vol. 2 table 3-53. Reads and writes go through the CPU's linear accessors.
import { F80 } from "./f80";
import type { X87State } from "./fpu-state";
import { CW_INIT, ES, BUSY, EXC } from "./status";

/** The linear-memory accessors of the CPU (they raise #PF/#GP themselves). */
export interface LinearMem {
  rd16(l: number): number;
  rd32(l: number): number;
  wr16(l: number, v: number): void;
  wr32(l: number, v: number): void;
}

function wrReg(m: LinearMem, a: number, x: F80): void {
  m.wr32(a, Number(x.m & 0xffffffffn) | 0);
  m.wr32((a + 4) | 0, Number(x.m >> 32n) | 0);
  m.wr16((a + 8) | 0, (x.s << 15) | x.e);
}

function rdReg(m: LinearMem, a: number): F80 {
  const lo = m.rd32(a) >>> 0, hi = m.rd32((a + 4) | 0) >>> 0, se = m.rd16((a + 8) | 0);
  return new F80(((se >> 15) & 1) as 0 | 1, se & 0x7fff, hi >>> 0, lo >>> 0);
}

/** Size of the environment image for an operand size. */
export function envSize(o32: boolean): number {
  return o32 ? 28 : 14;
}

/** FNSTENV: writes the environment, then masks all exceptions (as hardware does). */
export function storeEnv(x: X87State, m: LinearMem, a: number, o32: boolean): void {
  if (o32) {
    m.wr32(a, x.cw | 0xffff0000);
    m.wr32((a + 4) | 0, x.status | 0xffff0000);
    m.wr32((a + 8) | 0, x.tagWord() | 0xffff0000);
    m.wr32((a + 12) | 0, x.fip);
    m.wr32((a + 16) | 0, (x.fcs & 0xffff) | ((x.fop & 0x7ff) << 16));
    m.wr32((a + 20) | 0, x.fdp);
    m.wr32((a + 24) | 0, (x.fds & 0xffff) | 0xffff0000);
  } else {
    const w = [x.cw, x.status, x.tagWord(), x.fip & 0xffff, x.fcs, x.fdp & 0xffff, x.fds];
    w.forEach((v, i) => m.wr16((a + 2 * i) | 0, v & 0xffff));
  }
  x.cw |= EXC;
}

/** FLDENV: reads the environment (ES follows the loaded flags and mask). */
export function loadEnv(x: X87State, m: LinearMem, a: number, o32: boolean): void {
  const step = o32 ? 4 : 2;
  const rd = (i: number): number => m.rd16((a + step * i) | 0);
  const cw = rd(0), sw = rd(1), tw = rd(2);
  if (o32) {
    x.fip = m.rd32((a + 12) | 0) >>> 0;
    const csop = m.rd32((a + 16) | 0);
    x.fcs = csop & 0xffff;
    x.fop = (csop >>> 16) & 0x7ff;
    x.fdp = m.rd32((a + 20) | 0) >>> 0;
    x.fds = m.rd16((a + 24) | 0);
  } else {
    x.fip = rd(3);
    x.fcs = rd(4);
    x.fdp = rd(5);
    x.fds = rd(6);
  }
  x.cw = (cw & 0x1f3f) | 0x40;
  x.status = sw;
  x.setTagWord(tw);
  fixSummary(x);
}

/** ES and B mirror the unmasked exception flags after a state load. */
function fixSummary(x: X87State): void {
  if ((x.sw & ~x.cw & EXC) !== 0) x.sw |= ES | BUSY;
  else x.sw &= ~(ES | BUSY);
  x.ferrFollowEs();
}

/** FNSAVE: environment plus ST(0)..ST(7), then the FPU is reinitialised. */
export function save(x: X87State, m: LinearMem, a: number, o32: boolean): void {
  const base = (a + envSize(o32)) | 0;
  const regs = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => x.st(i));
  storeEnv(x, m, a, o32);
  regs.forEach((r, i) => wrReg(m, (base + 10 * i) | 0, r));
  x.init();
}

export function restore(x: X87State, m: LinearMem, a: number, o32: boolean): void {
  const base = (a + envSize(o32)) | 0;
  const regs: F80[] = [];
  for (let i = 0; i < 8; i++) regs.push(rdReg(m, (base + 10 * i) | 0));
  loadEnv(x, m, a, o32);
  regs.forEach((r, i) => x.setReg((x.top + i) & 7, r));
}

/** FXSAVE (x87 part of the 512-byte image; the SSE area is left as it is: this CPU has no SSE). */
export function fxsave(x: X87State, m: LinearMem, a: number): void {
  m.wr16(a, x.cw);
  m.wr16((a + 2) | 0, x.status);
  m.wr16((a + 4) | 0, ~x.emptyMask & 0xff);
  m.wr16((a + 6) | 0, x.fop & 0x7ff);
  m.wr32((a + 8) | 0, x.fip);
  m.wr32((a + 12) | 0, x.fcs & 0xffff);
  m.wr32((a + 16) | 0, x.fdp);
  m.wr32((a + 20) | 0, x.fds & 0xffff);
  m.wr32((a + 24) | 0, 0);
  m.wr32((a + 28) | 0, 0);
  for (let i = 0; i < 8; i++) {
    const p = (a + 32 + 16 * i) | 0;
    wrReg(m, p, x.st(i));
    m.wr16((p + 10) | 0, 0);
    m.wr32((p + 12) | 0, 0);
  }
}

export function fxrstor(x: X87State, m: LinearMem, a: number): void {
  const regs: F80[] = [];
  for (let i = 0; i < 8; i++) regs.push(rdReg(m, (a + 32 + 16 * i) | 0));
  x.cw = (m.rd16(a) & 0x1f3f) | 0x40;
  x.status = m.rd16((a + 2) | 0);
  x.emptyMask = ~m.rd16((a + 4) | 0) & 0xff;
  x.fop = m.rd16((a + 6) | 0) & 0x7ff;
  x.fip = m.rd32((a + 8) | 0) >>> 0;
  x.fcs = m.rd16((a + 12) | 0);
  x.fdp = m.rd32((a + 16) | 0) >>> 0;
  x.fds = m.rd16((a + 20) | 0);
  regs.forEach((r, i) => x.setReg((x.top + i) & 7, r));
  fixSummary(x);
}

export { CW_INIT };
