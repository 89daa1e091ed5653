// Idle-loop recognition (issue 14): a block whose first instructions are a polling loop back to its own
// start that changes nothing but flags it recomputes from the same inputs (conditional exits out of the
// loop are allowed: a pass that takes one is simply not skipped). Pure: it reads the decoded
// instructions and their bytes; the CPU (cpu.ts, idlePass) decides at run time whether to fast-forward.
import { DS, SS } from "./cpu-state";
import type { Insn } from "./decoder/insn";

/** A memory operand of the loop body: linear address = segment base + (base register or 0) + disp. */
export interface IdleRead {
  readonly seg: number;
  /** Base register (EAX..EDI encoding), or -1 for an absolute disp32. */
  readonly base: number;
  readonly disp: number;
  readonly size: 1 | 4;
}

/** A recognised idle loop: instructions 0..n-1 of the block are one pass, the last of them a branch back
 * to the block start; a pass costs `pass` cycles and reads only `reads` (plus registers and flags). */
export interface IdleLoop {
  readonly n: number;
  readonly pass: number;
  readonly reads: readonly IdleRead[];
}

/** Body instructions allowed (no prefix): CMP/TEST forms that only read registers, memory and immediates,
 * by opcode → [has ModRM, operand size, immediate bytes, required ModRM reg field or -1]. */
const BODY: ReadonlyMap<number, readonly [boolean, 1 | 4, number, number]> = new Map([
  [0x38, [true, 1, 0, -1]], [0x39, [true, 4, 0, -1]], [0x3a, [true, 1, 0, -1]], [0x3b, [true, 4, 0, -1]], // cmp
  [0x84, [true, 1, 0, -1]], [0x85, [true, 4, 0, -1]], // test r/m, r
  [0x3c, [false, 1, 1, -1]], [0x3d, [false, 4, 4, -1]], [0xa8, [false, 1, 1, -1]], [0xa9, [false, 4, 4, -1]], // cmp/test al/eax, imm
  [0x80, [true, 1, 1, 7]], [0x81, [true, 4, 4, 7]], [0x83, [true, 4, 1, 7]], // cmp r/m, imm
  [0xf6, [true, 1, 1, 0]], [0xf7, [true, 4, 4, 0]], // test r/m, imm
]);

const NOP = 0x90, REP = 0xf3;

let skipByDefault = true;

/** Sets whether CPUs created without an explicit `idleSkip` option fast-forward idle loops (the CLI maps
 * APEXVISOR_IDLE_SKIP=0 to false: the kernel core reads no environment itself). */
export function setIdleSkipDefault(on: boolean): void {
  skipByDefault = on;
}

/** Whether CPUs fast-forward idle loops unless told otherwise. */
export function idleSkipDefault(): boolean {
  return skipByDefault;
}

/** Byte `off` (from the block start) as the decoder saw it; -1 outside the fetch window. */
export type IdleFetch = (off: number) => number;

/** One body instruction's memory operand (null: registers only); undefined when the form is not allowed. */
function bodyRead(fetch: IdleFetch, off: number, len: number): IdleRead | null | undefined {
  let p = off;
  let op = fetch(p++);
  if (op === REP) {
    // PAUSE (F3 90) is the only prefixed form.
    return fetch(p) === NOP && len === 2 ? null : undefined;
  }
  if (op === NOP) return len === 1 ? null : undefined;
  const form = BODY.get(op);
  if (form === undefined) return undefined;
  const [hasModrm, size, imm, reg] = form;
  if (!hasModrm) return len === 1 + imm ? null : undefined;
  const m = fetch(p++);
  if (m < 0) return undefined;
  const mod = m >> 6, rm = m & 7;
  if (reg >= 0 && ((m >> 3) & 7) !== reg) return undefined;
  let read: IdleRead | null = null;
  if (mod === 3) read = null;
  else if (rm === 4) return undefined; // SIB forms are left out: keep the recogniser small
  else if (mod === 0 && rm === 5) {
    read = { seg: DS, base: -1, disp: le32(fetch, p), size };
    p += 4;
  } else if (mod === 0) read = { seg: DS, base: rm, disp: 0, size };
  else {
    const d = mod === 1 ? (fetch(p) << 24) >> 24 : le32(fetch, p);
    p += mod === 1 ? 1 : 4;
    read = { seg: rm === 5 ? SS : DS, base: rm, disp: d, size };
  }
  op = p + imm - off;
  return op === len ? read : undefined;
}

/** Jcc rel8/rel32, JMP rel8/rel32 (not LOOP/JECXZ, which change or test ECX). */
function isJump(fetch: IdleFetch, off: number): boolean {
  const op = fetch(off);
  if ((op >= 0x70 && op <= 0x7f) || op === 0xeb || op === 0xe9) return true;
  return op === 0x0f && fetch(off + 1) >= 0x80 && fetch(off + 1) <= 0x8f;
}

function le32(fetch: IdleFetch, p: number): number {
  return (fetch(p) | (fetch(p + 1) << 8) | (fetch(p + 2) << 16) | (fetch(p + 3) << 24)) | 0;
}

/** The idle loop at the start of `insns` (decoded from `fetch`, offsets from insns[0].eip), or null. */
export function recogniseIdleLoop(insns: readonly Insn[], fetch: IdleFetch): IdleLoop | null {
  if (insns.length === 0) return null;
  const start = insns[0]!.eip;
  const reads: IdleRead[] = [];
  let pass = 0;
  for (let i = 0; i < insns.length; i++) {
    const ins = insns[i]!;
    pass += ins.cost;
    const b = ins.branch;
    if (b !== undefined) {
      if (ins.code !== "" || !isJump(fetch, (ins.eip - start) | 0)) return null;
      // A conditional exit elsewhere is a way out of the loop (a pass that takes it is not skipped).
      if (b.taken !== start) {
        if (b.cond === "true") return null;
        continue;
      }
      return pass > 0 ? { n: i + 1, pass, reads } : null;
    }
    if (ins.term || ins.setsEip) return null;
    const off = (ins.eip - start) | 0;
    const r = bodyRead(fetch, off, ins.len);
    if (r === undefined) return null;
    if (r !== null) reads.push(r);
  }
  return null;
}
