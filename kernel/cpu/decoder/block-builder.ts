// Turns a run of decoded instructions into one JavaScript function (a superblock: it continues past
// not-taken conditional branches, which become side exits, and a branch back to its own start becomes
// a loop inside the function with an exact budget check per pass). Drops lazy-flag stores that a later
// instruction overwrites before anyone reads them, and re-creates the exact flags at every exit.
import type { CostModel } from "../cost-model";
import { STATUS } from "../flags";
import { Ctx, TooLong, type ByteFetch } from "./context";
import { SegMode } from "../seg-mode";
import { EndOfBytes, type Insn } from "./insn";
import { REST_CYCLES, type Branch, type DirectCall, type Out } from "./out";
import { opaqueWrites, RegisterLocals } from "./reg-locals";
import { memoryLocals, type BlockFn } from "./runtime";
import { translateOne } from "./translate";

/** Longest block, in instructions. */
export const MAX_BLOCK = 48;

export type { BlockFn } from "./runtime";

/** A compiled block and what the run loop needs to account for it. */
export interface Compiled {
  readonly fn: BlockFn;
  /** EIP of each instruction, then the EIP after the last one. */
  readonly eips: readonly number[];
  /** prefix[i] = cycles of instructions 0..i-1 (prefix[count] = total). */
  readonly prefix: readonly number[];
  readonly count: number;
  /** Offsets (from the start) of the first byte decoded and one past the last: a superblock that
   * followed a jump backwards starts below 0 (for code-page bookkeeping). */
  readonly lo: number;
  readonly bytes: number;
  readonly source: string;
}

/** Compiled block functions by source text, shared by every Cpu of the process: a function depends on
 * nothing but its source (the CPU is its argument), so a block recompiled after invalidation, or the same
 * guest code in another machine, reuses the compiled and already optimised function. */
const SHARED = new Map<string, BlockFn>();
/** Bound on the cached source text (characters): when full the map is emptied, so that host memory
 * stays bounded whatever code guests run (the functions are then kept only by the blocks using them). */
export const MAX_SHARED_CHARS = 4 * 1024 * 1024;
let sharedChars = 0;

const FIX = "s.fixFlags(lk, la, lb, lr, lc);";

/** Placeholders for the register-local statements (reg-locals.ts), known only once the whole block is renamed. */
const SPILL = "$spill$";
/** `$reload:0,4$`: the locals of registers 0 and 4 are loaded again. */
const RELOAD = (regs: readonly number[]): string => `$reload:${regs.join(",")}$`;

/** Leaves the block at `eip` after `n` instructions, storing the registers and the local flag record
 * (BlockRuntime.ex). */
function leave(eip: number, n: number): string {
  return `{ ${SPILL} return s.ex(lk, la, lb, lr, lc, ${eip}, ${n}); }`;
}

/** The spaces compact() drops, as one alternation: each branch keeps its character in its own group. */
const COMPACT = / (=) |(;) |(\{) | (\})|(,) | ([&|^]) /g;

/** Drops the spaces the fragment generators write for readability (V8 keeps every block's source text,
 * so they cost host memory per block). Only spaces next to `=` (alone), `;`, `,`, braces and the bitwise
 * operators go: none of them can join two tokens into a different one, and generated code has no strings
 * with spaces. One pass over the source (it was six, one per pattern). */
export function compact(source: string): string {
  return source.replace(COMPACT, "$1$2$3$4$5$6");
}

/** Whether code calls a CPU member other than the plain memory accessors (or assigns EIP). */
function callsHelper(code: string): boolean {
  return /\bs\.(?!(?:rd|wr)(?:8|16|32)\(|eip\b)/.test(code);
}

/** Whether an instruction's code may throw a fault: anything that calls into the CPU object may. */
function mayFault(ins: Insn): boolean {
  return ins.code.includes("s.");
}

function costOf(o: Out, m: CostModel): number {
  switch (o.cls ?? "plain") {
    case "md": return m.multiplyDivide;
    case "str": return m.stringIteration;
    case "io": return m.io;
    case "plain": return m.instruction;
    case "x87mem": return m.x87LoadStore;
    case "x87arith": return m.x87Arith;
    case "x87div": return m.x87DivSqrt;
    case "x87trans": return m.x87Transcendental;
    case "x87ctl": return m.x87Control;
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
    bare: o.bare ?? "",
    producer: o.producer ?? (o.fRead === STATUS ? 0 : -1),
    fRead: o.fRead ?? 0,
    fWrite: o.fWrite ?? 0,
    term: o.term ?? false,
    setsEip: o.setsEip ?? false,
    mayBreak: o.mayBreak ?? false,
    cost: costOf(o, cost),
    branch: o.branch,
    call: o.call,
  };
}

function inWindow(fetch: ByteFetch, off: number): boolean {
  try {
    return fetch(off) >= 0;
  } catch (e) {
    if (e instanceof EndOfBytes) return false;
    throw e;
  }
}

const never = (): boolean => false;

/** A JMP rel the block runs through: it keeps its place (EIP, length, cost) but compiles to nothing. */
function followed(jmp: Insn): Insn {
  return { ...jmp, term: false, setsEip: false, branch: undefined, code: "" };
}

/** A CALL rel the block runs through: it pushes the return address and the block goes on at the target. */
function calledThrough(call: Insn, c: DirectCall): Insn {
  return { ...call, term: false, setsEip: false, call: undefined, code: c.push };
}

/** A backward Jcc the block runs through to its target (a loop's back edge, usually taken): its place is
 * kept, the condition inverted, so that the block leaves to the fall-through when it is not taken. */
function inverted(jcc: Insn, b: Branch): Insn {
  return { ...jcc, branch: { cond: `!(${b.cond})`, taken: b.fall, fall: b.taken } };
}

/** Decodes up to `max` instructions from `eip`: stops after an unconditional transfer or another
 * block-ending instruction, or at the end of the fetch window; conditional branches do not stop it.
 * With `follow`, a JMP rel, or a Jcc backwards (taken more often than not: a loop's back edge), to a
 * target inside the fetch window not decoded yet is followed: decoding goes on at the target (a
 * superblock; a branch back to the start still becomes a loop, a Jcc not taken leaves the block), unless
 * `keepJcc(offset)` says that Jcc was seen to fall through too often (Cpu's profile). An instruction at an
 * offset `alone` accepts (one that reached an MMIO window: Cpu, MmioSplit) gets a block of its own: the run
 * stops before it, or after it when it is the first. */
export function decodeRun(
  fetch: ByteFetch, eip: number, segMode: number, max: number, cost: CostModel, follow = false,
  keepJcc: (off: number) => boolean = never, alone: (off: number) => boolean = never,
): Insn[] {
  const out: Insn[] = [];
  const flat32 = SegMode.FlatCS | SegMode.Code32;
  const seen = follow && (segMode & flat32) === flat32 ? new Set<number>() : null;
  let off = 0;
  let known = 0;
  let jumped: Insn | null = null;
  while (out.length < max) {
    if (out.length > 0 && alone(off)) {
      if (jumped !== null) out[out.length - 1] = jumped;
      break;
    }
    let ins: Insn;
    try {
      ins = decodeInsn(fetch, off, (eip + off) >>> 0, segMode, known, cost);
    } catch (e) {
      if (e instanceof EndOfBytes && out.length > 0) {
        // A followed jump must not end the block as a no-op: it becomes a block-ending jump again.
        if (jumped !== null) out[out.length - 1] = jumped;
        break;
      }
      throw e;
    }
    jumped = null;
    out.push(ins);
    if (out.length === 1 && alone(0)) break;
    seen?.add(off);
    if (ins.producer > 0) known = ins.producer;
    else if (ins.producer === 0) known = 0;
    const b = ins.branch;
    const call = ins.call;
    if (call !== undefined && seen !== null && out.length < max) {
      const to = (call.target - eip) | 0;
      if (!seen.has(to) && inWindow(fetch, to)) {
        out[out.length - 1] = calledThrough(ins, call);
        jumped = ins;
        off = to;
        continue;
      }
    }
    if (b !== undefined && seen !== null && out.length < max) {
      const to = (b.taken - eip) | 0;
      const jcc = b.cond !== "true";
      if ((!jcc || (to < off && !keepJcc(off))) && to !== 0 && !seen.has(to) && inWindow(fetch, to)) {
        out[out.length - 1] = jcc ? inverted(ins, b) : followed(ins);
        jumped = ins;
        off = to;
        continue;
      }
    }
    off += ins.len;
    if (ins.term && !(b && b.cond !== "true")) break;
  }
  return out;
}

/** Puts the register-local statements in place of their placeholders (nothing when no register was renamed).
 * The fault handler stores the locals unless the fault came from inside an opaque instruction (o = 1). */
function fillRegisterLocals(body: string, regs: RegisterLocals | null, opaques: boolean): string {
  const on = regs !== null && regs.any;
  const spill = on ? regs.spill() : "";
  const fill: Record<string, string> = {
    $declare$: on ? `${regs.declare()}${opaques ? " let o = 0;" : ""}` : "",
    $catch$: !on ? "" : opaques ? `if (o === 0) { ${spill} }` : spill,
    [SPILL]: spill,
    $o1$: on ? "o = 1;" : "",
    $o0$: on ? "o = 0;" : "",
  };
  return body.replace(/\$(?:declare|catch|spill|o1|o0|reload:([0-7,]*))\$/g, (p: string, reload: string | undefined) =>
    !on ? "" : reload !== undefined ? regs.reload(reload === "" ? [] : reload.split(",").map(Number)) : fill[p]!);
}

/** Whether flag-local names appear in `code` other than as the targets of assignments (the record a
 * producer writes last): a fragment that reads them depends on the previous producer (decodeInsn's `known`). */
const READS_FLAG_LOCALS = /\bl[kabrc]\b(?!\s*=[^=])/;

/** Whether instruction i can run its flag-free code (Insn.bare, INC/DEC: saves reading CF through the CPU):
 * the next instruction overwrites every status flag without reading any (not even through the locals) and
 * cannot fault, and nothing leaves the block in between, so no one can see the flags i would compute. */
function flagsDead(insns: readonly Insn[], i: number): boolean {
  const ins = insns[i]!;
  const next = insns[i + 1];
  if (ins.bare === "" || ins.mayBreak || next === undefined) return false;
  return next.fWrite === STATUS && next.fRead === 0 && next.branch === undefined && !mayFault(next) &&
    !READS_FLAG_LOCALS.test(next.code);
}

/** Compiles decoded instructions into a block function (loops allowed unless `single`). */
export function compileBlock(insns: readonly Insn[], single = false): Compiled {
  const n = insns.length;
  const start = insns[0]!.eip;
  // Liveness of status flags, backwards. Side exits re-create the flags from the locals (FIX), so
  // they need nothing from earlier stores.
  const keep: boolean[] = new Array<boolean>(n).fill(true);
  const dead = insns.map((_, i) => flagsDead(insns, i));
  // The block's end stores them too, so nothing is live after the last instruction, unless it calls a
  // CPU helper (INT n, IRET, HLT...) that may read the stored flags without declaring it.
  let live = callsHelper(insns[n - 1]!.code) ? STATUS : 0;
  for (let i = n - 1; i >= 0; i--) {
    const ins = insns[i]!;
    if (dead[i]) {
      keep[i] = false; // computes no flags: reads none, stores none
      continue;
    }
    if (ins.store !== "" && ins.fWrite !== 0 && (live & ins.fWrite) === 0) keep[i] = false;
    live = (live & ~ins.fWrite) | ins.fRead;
  }
  const liveIn = live;
  const prefix: number[] = [0];
  for (let i = 0; i < n; i++) prefix.push(prefix[i]! + insns[i]!.cost);
  const loops = !single && insns.some((x) => x.branch !== undefined && x.branch.taken === start);
  const exitTo = (t: number, k: number): string => {
    if (loops && t === start) {
      const p = prefix[k + 1]!;
      const fix = liveIn !== 0 ? ` ${FIX} lk = 0;` : "";
      return `if (s.left >= ${p} && s.brk === 0) {${fix} s.left -= ${p}; s.instructions += ${k + 1}; continue; } ${leave(t, k + 1)}`;
    }
    return leave(t, k + 1);
  };
  // Registers live in locals in a block that loops (reg-locals.ts). Elsewhere loading them at the start and
  // storing them at the exit costs more than it saves: cachegrind, bench-crc (a block left every ~5
  // instructions) 3081M -> 3260M host instructions with locals in every block, 3005M in looping blocks only.
  const regs = loops ? new RegisterLocals() : null;
  const local = (code: string): string => (regs === null ? code : regs.rename(code));
  let opaques = 0;
  const parts: string[] = ["const r = s.r; let lk = 0, la = 0, lb = 0, lr = 0, lc = 0; let i = 0;$declare$", "try {", loops ? "for (;;) { i = 0;" : ""];
  const eips: number[] = [];
  let lo = 0;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const ins = insns[i]!;
    eips.push(ins.eip);
    const off = (ins.eip - start) | 0;
    lo = Math.min(lo, off);
    bytes = Math.max(bytes, off + ins.len);
    const next = (ins.eip + ins.len) >>> 0;
    const last = i === n - 1;
    // The catch handler needs the index of the instruction that faulted: only code that calls into the
    // CPU can fault, so pure register and flag arithmetic does not set it.
    if (i > 0 && mayFault(ins)) parts.push(`i = ${i};`);
    if (ins.branch) {
      const b = ins.branch;
      const cond = local(b.cond);
      if (b.cond === "true") parts.push(exitTo(b.taken, i));
      else if (last) parts.push(`if (${cond}) { ${exitTo(b.taken, i)} } else { ${exitTo(b.fall, i)} }`);
      else parts.push(`if (${cond}) { ${exitTo(b.taken, i)} }`);
      continue;
    }
    const code = dead[i] ? ins.bare : ins.code.includes(REST_CYCLES) ? ins.code.split(REST_CYCLES).join(String(prefix[n]! - prefix[i + 1]!)) : ins.code;
    const writes = regs === null ? null : opaqueWrites(code);
    if (writes !== null) {
      // The helper sees and changes the array: it is stored before, and the locals it may change are loaded
      // again after. A fault inside leaves the array as the helper left it (o = 1: the handler stores nothing).
      opaques++;
      parts.push(`${SPILL} $o1$ { ${code} } $o0$ ${RELOAD(writes)}`);
    } else if (code !== "") parts.push(`{ ${local(code)} }`); // a followed JMP (or a NOP) runs nothing
    if (keep[i] && ins.store !== "") parts.push(local(ins.store));
    if (last) {
      // A single-instruction block that falls through is position-independent, so its function can be shared.
      if (!ins.setsEip) parts.push(single ? `s.eip = (s.eip + ${ins.len}) >>> 0;` : `s.eip = ${next};`);
    } else if (ins.mayBreak) {
      // The instruction after it in block order (a CALL run through goes on at its target).
      parts.push(`if (s.brk) ${leave(insns[i + 1]!.eip, i + 1)}`);
    }
  }
  const lastIns = insns[n - 1]!;
  eips.push((lastIns.eip + lastIns.len) >>> 0);
  parts.push(`${SPILL} ${FIX} return ${n};`);
  if (loops) parts.push("}");
  parts.push(`} catch (e) { $catch$ ${FIX} s.fi = i; throw e; }`);
  const body = fillRegisterLocals(parts.join("\n"), regs, opaques > 0);
  const source = compact(memoryLocals(body) + body);
  let fn = SHARED.get(source);
  if (fn === undefined) {
    fn = new Function("s", source) as BlockFn;
    if (sharedChars + source.length > MAX_SHARED_CHARS) {
      SHARED.clear();
      sharedChars = 0;
    }
    SHARED.set(source, fn);
    sharedChars += source.length;
  }
  return { fn, eips, prefix, count: n, lo, bytes, source };
}
