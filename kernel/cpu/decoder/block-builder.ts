// Turns a run of decoded instructions into one JavaScript function: drops lazy-flag stores that a
// later instruction in the block overwrites before anyone reads them, re-creates the exact flags on
// a fault or an early exit, and records per-instruction EIPs and costs for the run loop.
import type { CostModel } from "../cost-model";
import { STATUS } from "../flags";
import { Ctx, TooLong, type ByteFetch } from "./context";
import { EndOfBytes, type Insn } from "./insn";
import type { Out } from "./out";
import { translateOne } from "./translate";

/** Longest block, in instructions. */
export const MAX_BLOCK = 48;

/** A compiled block function: runs the block, returns how many instructions completed (early exit on brk). */
export type BlockFn = (s: unknown) => number;

/** A compiled block and what the run loop needs to account for it. */
export interface Compiled {
  readonly fn: BlockFn;
  /** EIP of each instruction, then the EIP after the block's fall-through end. */
  readonly eips: readonly number[];
  /** prefix[i] = cycles of instructions 0..i-1 (prefix[count] = total). */
  readonly prefix: readonly number[];
  readonly count: number;
  /** Bytes decoded from the start (for page bookkeeping). */
  readonly bytes: number;
  readonly source: string;
}

const FIX = "if (lk !== 0) { s.fK = lk; s.fA = la; s.fB = lb; s.fR = lr; s.fC = lc; }";

function costOf(o: Out, m: CostModel): number {
  switch (o.cls ?? "plain") {
    case "md": return m.multiplyDivide;
    case "str": return m.stringIteration;
    case "io": return m.io;
    case "plain": return m.instruction;
  }
}

/** Decodes one instruction at `offset` of the fetch window. Throws EndOfBytes when it does not fit. */
export function decodeInsn(fetch: ByteFetch, offset: number, eip: number, segMode: number, known: number, cost: CostModel): Insn {
  const c = new Ctx(fetch, offset, eip >>> 0, segMode);
  let o: Out;
  try {
    o = translateOne(c, known);
  } catch (e) {
    if (!(e instanceof TooLong)) throw e;
    o = { code: "s.raise(13, 0);", term: true, setsEip: true };
  }
  return {
    eip: eip >>> 0,
    len: c.len,
    code: o.code,
    store: o.store ?? "",
    producer: o.producer ?? (o.fRead === STATUS ? 0 : -1),
    fRead: o.fRead ?? 0,
    fWrite: o.fWrite ?? 0,
    term: o.term ?? false,
    setsEip: o.setsEip ?? false,
    mayBreak: o.mayBreak ?? false,
    cost: costOf(o, cost),
  };
}

/** Decodes up to `max` instructions from `eip` (stops at a terminator or the end of the fetch window). */
export function decodeRun(fetch: ByteFetch, eip: number, segMode: number, max: number, cost: CostModel): Insn[] {
  const out: Insn[] = [];
  let off = 0;
  let known = 0;
  while (out.length < max) {
    let ins: Insn;
    try {
      ins = decodeInsn(fetch, off, (eip + off) >>> 0, segMode, known, cost);
    } catch (e) {
      if (e instanceof EndOfBytes && out.length > 0) break;
      throw e;
    }
    out.push(ins);
    off += ins.len;
    if (ins.producer > 0) known = ins.producer;
    else if (ins.producer === 0) known = 0;
    if (ins.term) break;
  }
  return out;
}

/** Compiles decoded instructions into a block function. */
export function compileBlock(insns: readonly Insn[]): Compiled {
  const n = insns.length;
  const keep: boolean[] = new Array<boolean>(n).fill(true);
  let live = STATUS;
  for (let i = n - 1; i >= 0; i--) {
    const ins = insns[i]!;
    if (ins.store !== "" && ins.fWrite !== 0 && (live & ins.fWrite) === 0) keep[i] = false;
    live = (live & ~ins.fWrite) | ins.fRead;
  }
  const parts: string[] = ["const r = s.r; let lk = 0, la = 0, lb = 0, lr = 0, lc = 0; let i = 0;", "try {"];
  const eips: number[] = [];
  const prefix: number[] = [0];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const ins = insns[i]!;
    eips.push(ins.eip);
    prefix.push(prefix[i]! + ins.cost);
    bytes += ins.len;
    const next = (ins.eip + ins.len) >>> 0;
    if (i > 0) parts.push(`i = ${i};`);
    parts.push(`{ ${ins.code} }`);
    if (keep[i] && ins.store !== "") parts.push(ins.store);
    if (i === n - 1) {
      if (!ins.setsEip) parts.push(`s.eip = ${next};`);
    } else if (ins.mayBreak) {
      parts.push(`if (s.brk !== 0) { ${FIX} s.eip = ${next}; return ${i + 1}; }`);
    }
  }
  const last = insns[n - 1]!;
  eips.push((last.eip + last.len) >>> 0);
  parts.push(`} catch (e) { ${FIX} s.fi = i; throw e; }`);
  parts.push(`return ${n};`);
  const source = parts.join("\n");
  const fn = new Function("s", source) as BlockFn;
  return { fn, eips, prefix, count: n, bytes, source };
}
