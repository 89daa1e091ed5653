// Decoder hook for the x87 escapes D8..DF (and FXSAVE/FXRSTOR, 0F AE /0 /1): turns one instruction
// into a JavaScript fragment calling the FPU object `s.x87` (fpu.ts); FLD and FST m64 write its register fields
// themselves on their first path. Executes nothing.
import { CR0_EM, CR0_TS, CS } from "../cpu-state";
import { BIAS } from "./f80";
import { C1, ES, PE } from "./status";
import { CF, OF, PF, SF, ZF, AF, STATUS } from "../flags";
import type { Ctx, ModRm } from "../decoder/context";
import { undef, type CostClass, type Out } from "../decoder/out";

/** Cost classes of x87 instructions (see cost-model.ts). */
export type X87Class = Extract<CostClass, "x87mem" | "x87arith" | "x87div" | "x87trans" | "x87ctl">;


/** Linear address of an x87 memory operand of `bytes` bytes. */
function lin(c: Ctx, m: ModRm, bytes: number, write: boolean): string {
  const seg = c.segOf(m);
  if ((c.segMode & (1 << seg)) !== 0 && !(write && seg === CS)) return m.off;
  return `s.segChk(${seg}, ${m.off}, ${bytes}, ${write ? 1 : 0})`;
}

// An instruction's head: x.check (#NM, then a pending exception for a waiting form) is called only when CR0 or the
// status word says it has something to do, and the last-instruction pointers are written in place, not by a call:
// three calls per instruction were a third of bench-flops' time in the x87 model.
function head(c: Ctx, op: number, m: ModRm, wait: boolean, control: boolean): string {
  const es = wait ? ` | (x.sw & ${ES})` : "";
  let h = `const x = s.x87; if (((s.cr0 & ${CR0_EM | CR0_TS})${es}) !== 0) x.check(s.cr0, ${wait});`;
  if (!control) {
    const fop = ((op & 7) << 8) | (m.mod << 6) | (m.reg << 3) | m.rm;
    const dp = m.isReg ? "0" : `(${m.off}) >>> 0`;
    const ds = m.isReg ? "0" : `s.segSel[${c.segOf(m)}]`;
    h += ` x.fip = ${c.eip >>> 0}; x.fcs = s.segSel[1]; x.fop = ${fop}; x.fdp = ${dp}; x.fds = ${ds};`;
  }
  return h;
}

/**
 * FLD m64 of a normal double into an empty register, written into the block (what transfer.ts ldF64 does with
 * convert.ts's f64Exp/f64Hi/f64Lo on its first path, through the register fields X87State exposes); anything else
 * (a zero, a denormal, a NaN or an infinity, a full stack) calls x.ldF64. The load is the commonest x87 instruction,
 * and its call was a tenth of bench-flops' host time. `lo` and `hi` are read once, in that order.
 */
function inlineLdF64(lo: string, hi: string): string {
  return `const lo = ${lo}, hi = ${hi}, p = (x.top - 1) & 7, ex = (hi >>> 20) & 0x7ff; ` +
    `if (ex !== 0 && ex !== 0x7ff && (x.emptyMask & (1 << p)) !== 0) { ` +
    `x.sw &= ${~C1}; x.top = p; x.emptyMask &= ~(1 << p); x.regS[p] = hi >>> 31; x.regE[p] = ex + ${BIAS - 1023}; ` +
    `x.regHi[p] = ${0x80000000 | 0} | ((hi & 0xfffff) << 11) | (lo >>> 21); x.regLo[p] = lo << 11; } else x.ldF64(lo, hi);`;
}

/**
 * FST/FSTP m64's first path written into the block, into x.w0/x.w1 and `ok` (the caller writes the words and pops):
 * a normal ST(0) that stays a normal double (convert.ts fitsF64), rounded to nearest with #P masked (the control
 * word FNINIT leaves), as convert.ts normalToF64 rounds it: the 53 kept bits under the exponent field, the 11 below
 * deciding, ties to even, and C1 and PE as commitStore sets them. Any other value or control word calls x.stF64.
 */
function inlineStF64(): string {
  return `let ok = true; const p = x.top, e = x.regE[p], hi = x.regHi[p]; ` +
    `if ((x.emptyMask & (1 << p)) === 0 && hi < 0 && e >= ${BIAS - 1022} && e <= ${BIAS + 1022} && (x.cw & ${0xc00 | PE}) === ${PE}) { ` +
    `const lo = x.regLo[p], rem = lo & 0x7ff; ` +
    `let w0 = (hi << 21) | (lo >>> 11), w1 = (x.regS[p] << 31) | ((e - ${BIAS - 1023}) << 20) | ((hi >>> 11) & 0xfffff); ` +
    `const up = rem > 0x400 || (rem === 0x400 && (w0 & 1) === 1); ` +
    `if (up) { w0 = (w0 + 1) | 0; if (w0 === 0) w1 = (w1 + 1) | 0; } ` +
    `x.sw = (up ? x.sw | ${C1} : x.sw & ${~C1}) | (rem !== 0 ? ${PE} : 0); x.w0 = w0; x.w1 = w1; } else ok = x.stF64();`;
}

function out(code: string, cls: X87Class, extra: Partial<Out> = {}): Out {
  return { code: `{ ${code} }`, mayBreak: true, cls, ...extra };
}

const ARITH_CLS: readonly X87Class[] = ["x87arith", "x87arith", "x87arith", "x87arith", "x87arith", "x87arith", "x87div", "x87div"];

/** Decodes D8..DF with its ModRM. */
export function translateX87(c: Ctx, op: number): Out {
  const m = c.modrm();
  return m.isReg ? regForm(c, op, m) : memForm(c, op, m);
}

function memForm(c: Ctx, op: number, m: ModRm): Out {
  const r = m.reg;
  const h = (wait = true, control = false): string => head(c, op, m, wait, control);
  const rd = (bytes: number): string => `const ea = ${lin(c, m, bytes, false)};`;
  const wr = (bytes: number): string => `const ea = ${lin(c, m, bytes, true)};`;
  // 32-bit halves through the block's inline accesses (rdExpr/wrStmt: a RAM page in the TLB is read or written at
  // once, anything else calls s.rd32/s.wr32); 16- and 8-bit parts call the accessors.
  const lo = c.rd(32, "ea");
  const hi = c.rd(32, "((ea + 4) | 0)");
  const w2 = `${c.wr(32, "ea", "x.w0")} ${c.wr(32, "((ea + 4) | 0)", "x.w1")}`;
  const pop = (p: boolean): string => (p ? " x.pop();" : "");
  const arith = (load: string, com: string): Out => {
    if (r === 2 || r === 3) return out(`${h()} ${com.replace("$P", String(r - 2))}`, "x87arith");
    return out(`${h()} ${load.replace("$O", String(r))}`, ARITH_CLS[r]!);
  };
  switch (op) {
    case 0xd8: return arith(`${rd(4)} x.arF32($O, ${lo});`, `${rd(4)} x.comF32(${lo}, $P);`);
    case 0xdc: return arith(`${rd(8)} x.arF64($O, ${lo}, ${hi});`, `${rd(8)} x.comF64(${lo}, ${hi}, $P);`);
    case 0xda: return arith(`${rd(4)} x.arI32($O, ${lo});`, `${rd(4)} x.comI32(${lo}, $P);`);
    case 0xde: return arith(`${rd(2)} x.arI16($O, s.rd16(ea));`, `${rd(2)} x.comI16(s.rd16(ea), $P);`);
    case 0xd9:
      switch (r) {
        case 0: return out(`${h()} ${rd(4)} x.ldF32(${lo});`, "x87mem");
        case 2: case 3: return out(`${h()} ${wr(4)} if (x.stF32()) { ${c.wr(32, "ea", "x.w0")}${pop(r === 3)} }`, "x87mem");
        case 4: return out(`${h(true, true)} ${rd(c.o32 ? 28 : 14)} x.fldenv(s, ea, ${c.o32});`, "x87ctl");
        case 5: return out(`${h(true, true)} ${rd(2)} x.fldcw(s.rd16(ea));`, "x87ctl");
        case 6: return out(`${h(false, true)} ${wr(c.o32 ? 28 : 14)} x.fnstenv(s, ea, ${c.o32});`, "x87ctl");
        case 7: return out(`${h(false, true)} ${wr(2)} s.wr16(ea, x.cw);`, "x87ctl");
        default: return x87Undef(c);
      }
    case 0xdb:
      switch (r) {
        case 0: return out(`${h()} ${rd(4)} x.ldI32(${lo});`, "x87mem");
        case 1: case 2: case 3: return out(`${h()} ${wr(4)} if (x.stInt(32, ${r === 1})) { ${c.wr(32, "ea", "x.w0")}${pop(r !== 2)} }`, "x87mem");
        case 5: return out(`${h()} ${rd(10)} x.ldF80(${lo}, ${hi}, s.rd16((ea + 8) | 0));`, "x87mem");
        case 7: return out(`${h()} ${wr(10)} if (x.stF80()) { ${w2} s.wr16((ea + 8) | 0, x.w2); x.pop(); }`, "x87mem");
        default: return x87Undef(c);
      }
    case 0xdd:
      switch (r) {
        case 0: return out(`${h()} ${rd(8)} ${inlineLdF64(lo, hi)}`, "x87mem");
        case 1: return out(`${h()} ${wr(8)} if (x.stInt(64, true)) { ${w2} x.pop(); }`, "x87mem");
        case 2: case 3: return out(`${h()} ${wr(8)} ${inlineStF64()} if (ok) { ${w2}${pop(r === 3)} }`, "x87mem");
        case 4: return out(`${h(true, true)} ${rd(c.o32 ? 108 : 94)} x.frstor(s, ea, ${c.o32});`, "x87ctl");
        case 6: return out(`${h(false, true)} ${wr(c.o32 ? 108 : 94)} x.fnsave(s, ea, ${c.o32});`, "x87ctl");
        case 7: return out(`${h(false, true)} ${wr(2)} s.wr16(ea, x.status);`, "x87ctl");
        default: return x87Undef(c);
      }
    case 0xdf:
      switch (r) {
        case 0: return out(`${h()} ${rd(2)} x.ldI16(s.rd16(ea));`, "x87mem");
        case 1: case 2: case 3: return out(`${h()} ${wr(2)} if (x.stInt(16, ${r === 1})) { s.wr16(ea, x.w0);${pop(r !== 2)} }`, "x87mem");
        case 4: return out(`${h()} ${rd(10)} const b = []; for (let k = 0; k < 10; k++) b.push(s.rd8((ea + k) | 0)); x.ldBcd(b);`, "x87mem");
        case 5: return out(`${h()} ${rd(8)} x.ldI64(${lo}, ${hi});`, "x87mem");
        case 6: return out(`${h()} ${wr(10)} if (x.stBcd()) { for (let k = 0; k < 10; k++) s.wr8((ea + k) | 0, x.bytes[k]); x.pop(); }`, "x87mem");
        case 7: return out(`${h()} ${wr(8)} if (x.stInt(64, false)) { ${w2} x.pop(); }`, "x87mem");
        default: return x87Undef(c);
      }
    default: return x87Undef(c);
  }
}

/** An unassigned x87 encoding: #NM when CR0.EM/TS would trap it, else #UD. */
function x87Undef(c: Ctx): Out {
  void c;
  return undef();
}

const UNARY: Record<number, string> = {
  0xe0: "x.sign('chs');", 0xe1: "x.sign('abs');", 0xe4: "x.ftst();", 0xe5: "x.fxam();",
  0xf0: "x.unary('f2xm1');", 0xf1: "x.binary('fyl2x');", 0xf2: "x.fptan();", 0xf3: "x.binary('fpatan');",
  0xf4: "x.fxtract();", 0xf5: "x.fprem(true);", 0xf6: "x.incTop(-1);", 0xf7: "x.incTop(1);",
  0xf8: "x.fprem(false);", 0xf9: "x.binary('fyl2xp1');", 0xfa: "x.unary('sqrt');", 0xfb: "x.fsincos();",
  0xfc: "x.unary('rndint');", 0xfd: "x.fscale();", 0xfe: "x.unary('sin');", 0xff: "x.unary('cos');",
};

function unaryClass(b: number): X87Class {
  if (b === 0xfa || b === 0xf5 || b === 0xf8) return "x87div";
  if (b === 0xf0 || b === 0xf1 || b === 0xf2 || b === 0xf3 || b === 0xf9 || b === 0xfb || b === 0xfe || b === 0xff) return "x87trans";
  return "x87arith";
}

const FCMOV_CC = [2, 4, 6, 10];
const EFL = ZF | PF | CF | OF | SF | AF;

function regForm(c: Ctx, op: number, m: ModRm): Out {
  const r = m.reg, i = m.rm;
  const byte = 0xc0 | (r << 3) | i;
  const h = (wait = true, control = false): string => head(c, op, m, wait, control);
  switch (op) {
    case 0xd8:
      if (r === 2 || r === 3) return out(`${h()} x.comR(${i}, false, ${r - 2});`, "x87arith");
      return out(`${h()} x.arR(${r}, 0, ${i}, false);`, ARITH_CLS[r]!);
    case 0xdc: case 0xde: {
      const pop = op === 0xde;
      if (r === 2 || r === 3) {
        if (pop && r === 3 && i !== 1) return x87Undef(c);
        return out(`${h()} x.comR(${i}, false, ${pop && r === 3 ? 2 : r - 2});`, "x87arith");
      }
      const o = r >= 4 ? r ^ 1 : r;
      return out(`${h()} x.arR(${o}, ${i}, 0, ${pop});`, ARITH_CLS[r]!);
    }
    case 0xd9:
      switch (r) {
        case 0: return out(`${h()} x.ldSt(${i});`, "x87mem");
        case 1: return out(`${h()} x.fxch(${i});`, "x87mem");
        case 2: return i === 0 ? out(h(), "x87ctl") : x87Undef(c);
        case 3: return out(`${h()} x.stSt(${i}, true);`, "x87mem");
        case 5: return i < 7 ? out(`${h()} x.ldConst(${i});`, "x87mem") : x87Undef(c);
        default: {
          const u = UNARY[byte];
          return u === undefined ? x87Undef(c) : out(`${h()} ${u}`, unaryClass(byte));
        }
      }
    case 0xda:
      if (r < 4) return out(`${h()} x.fcmov(s.cond(${FCMOV_CC[r]}), ${i});`, "x87mem", { fRead: STATUS });
      if (byte === 0xe9) return out(`${h()} x.comR(1, true, 2);`, "x87arith");
      return x87Undef(c);
    case 0xdb:
      if (r < 4) return out(`${h()} x.fcmov(!s.cond(${FCMOV_CC[r]}), ${i});`, "x87mem", { fRead: STATUS });
      if (r === 5 || r === 6) return out(`lk = 0; ${h()} { const f = x.comi(${i}, ${r === 5}, false); if (f >= 0) s.setStatus(${EFL}, f); }`, "x87arith", { fRead: STATUS });
      if (r === 4) {
        switch (i) {
          case 0: case 1: case 4: return out(h(false, true), "x87ctl"); // FENI/FDISI/FSETPM: no-ops since the 387
          case 2: return out(`${h(false, true)} x.fnclex();`, "x87ctl");
          case 3: return out(`${h(false, true)} x.init();`, "x87ctl");
        }
      }
      return x87Undef(c);
    case 0xdd:
      switch (r) {
        case 0: return out(`${h()} x.ffree(${i}, false);`, "x87ctl");
        case 1: return out(`${h()} x.fxch(${i});`, "x87mem");
        case 2: case 3: return out(`${h()} x.stSt(${i}, ${r === 3});`, "x87mem");
        case 4: case 5: return out(`${h()} x.comR(${i}, true, ${r - 4});`, "x87arith");
        default: return x87Undef(c);
      }
    case 0xdf:
      switch (r) {
        case 0: return out(`${h()} x.ffree(${i}, true);`, "x87ctl");
        case 1: return out(`${h()} x.fxch(${i});`, "x87mem");
        case 2: case 3: return out(`${h()} x.stSt(${i}, true);`, "x87mem");
        case 4: return i === 0 ? out(`${h(false, true)} r[0] = (r[0] & -65536) | x.status;`, "x87ctl") : x87Undef(c);
        case 5: case 6: return out(`lk = 0; ${h()} { const f = x.comi(${i}, ${r === 5}, true); if (f >= 0) s.setStatus(${EFL}, f); }`, "x87arith", { fRead: STATUS });
        default: return x87Undef(c);
      }
    default: return x87Undef(c);
  }
}

/** 0F AE /0 FXSAVE, /1 FXRSTOR (memory only; 16-byte alignment or #GP(0)). */
export function translateFxsr(c: Ctx, m: ModRm): Out | null {
  if (m.isReg || m.reg > 1) return null;
  const write = m.reg === 0;
  const check = `if (s.cr0 & 12) s.raise(7); const ea = ${lin(c, m, 512, write)}; if ((${m.off} & 15) !== 0) s.raise(13, 0);`;
  return out(`const x = s.x87; ${check} ${write ? "x.fxsave(s, ea);" : "x.fxrstor(s, ea);"}`, "x87ctl");
}
