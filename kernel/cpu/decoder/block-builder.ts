// Turns a run of decoded instructions into one JavaScript function (a superblock: it continues past
// not-taken conditional branches, which become side exits, and a branch back to its own start becomes
// a loop inside the function with an exact budget check per pass, as does a branch back to an earlier
// instruction of its main path: inner-loops.ts). Drops lazy-flag stores that a later
// instruction overwrites before anyone reads them, and re-creates the exact flags at every exit.
import type { CostModel } from "../cost-model";
import { STATUS } from "../flags";
import { CURRENT_CF } from "./alu-gen";
import { Ctx, TooLong, type ByteFetch } from "./context";
import { SegMode } from "../seg-mode";
import { EndOfBytes, type Insn } from "./insn";
import { REST_CYCLES, type Branch, type DirectCall, type Out } from "./out";
import { opaqueWrites, RegisterLocals } from "./reg-locals";
import { ALU_HELPERS, BRK_REFRESH, everyMember, FLAG_HELPERS, MEMORY_ACCESSORS, memoryLocals, occurrences, type BlockFn, type RuntimeMember } from "./runtime";
import { forPath, shapeOf, type Shape } from "./block-shape";
import { backSides, innerLoops, pathTarget, READS_FLAG_LOCALS, sideLoops, startsClean, type InnerLoop } from "./inner-loops";
import { translateOne } from "./translate";

/** Longest block, in instructions. */
export const MAX_BLOCK = 48;

export type { BlockFn } from "./runtime";

/** A compiled block and what the run loop needs to account for it. */
export interface Compiled {
  readonly fn: BlockFn;
  /** By instruction index (a fault there: Cpu.blockFault accounts from these) and by position (where fn leaves;
   * block-shape.ts): the EIP, and the cycles and instructions its path ran before it. In a block without side paths prefix[i] is the cycles
   * of instructions 0..i-1 and counts[i] = i. */
  readonly eips: readonly number[];
  readonly prefix: readonly number[];
  readonly counts: readonly number[];
  /** Cycles of the dearest path through the block (what the run loop charges up front). */
  readonly cost: number;
  /** The position fn returns when the main path ends with a near transfer that sets EIP itself (RET, JMP r/m...),
   * whose targets Cpu watches (likelyTarget); -1 otherwise. */
  readonly nearExit: number;
  /** The index of that transfer (the main path's last instruction). */
  readonly nearIndex: number;
  readonly count: number;
  /** Offsets (from the start) of the first byte decoded and one past the last: a superblock that
   * followed a jump backwards starts below 0 (for code-page bookkeeping). */
  readonly lo: number;
  readonly bytes: number;
  readonly source: string;
  /** The Jccs, by index, whose taken side goes on inside the function: the back edge of an inner loop, or one to the
   * start of a looping block. The function leaves at one only when the budget cannot hold the next pass, so Cpu does
   * not watch them as side exits (a block compiled again to inline one would be the same block). */
  readonly loopEdges: readonly number[];
}

/** Compiled block functions by source text, shared by every Cpu of the process: a function depends on
 * nothing but its source (the CPU is its argument), so a block recompiled after invalidation, or the same
 * guest code in another machine, reuses the compiled and already optimised function. */
const SHARED = new Map<string, BlockFn>();
/** Bound on the cached source text (characters): when full the map is emptied, so that host memory
 * stays bounded whatever code guests run (the functions are then kept only by the blocks using them). */
export const MAX_SHARED_CHARS = 4 * 1024 * 1024;
let sharedChars = 0;

export const FIX = "s.fixFlags(lk, la, lb, lr, lc);";

/** Placeholders for the register-local statements (reg-locals.ts), known only once the whole block is renamed. */
const SPILL = "$spill$";
/** `$reload:0,4$`: the locals of registers 0 and 4 are loaded again. */
const RELOAD = (regs: readonly number[]): string => `$reload:${regs.join(",")}$`;

/** Stores the registers, then leaves the block at `eip` at position `n`, storing the local flag record, giving `back`
 * cycles back to the budget and counting `ran` instructions (BlockRuntime.ex): constants at an exit, or the locals an
 * exit set before it broke to the shared epilogue. */
function leave(eip: number | string, n: number | string, back: number | string, ran: number | string): string {
  return `${SPILL} return s.ex(lk, la, lb, lr, lc, ${eip}, ${n}, ${back}, ${ran});`;
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

/** Whether code calls a CPU member other than the plain memory accessors (or assigns EIP, or reads brk after an
 * access's slow path). */
function callsHelper(code: string): boolean {
  return /\bs\.(?!(?:rd|wr)(?:8|16|32)\(|eip\b|brk\b)/.test(code);
}

/** CPU members that never set `brk`: registers, flags and bookkeeping read or written in place, and the flag and
 * ALU helpers, CLI. The memory accessors may (a store into the running block's code, a device's stop); an inline access
 * reads `brk` again after its slow path itself (runtime.ts BRK_REFRESH). */
const BRK_BLIND = new Set<string>([
  "r", "eip", "fl", "fK", "fA", "fB", "fR", "fC", "left", "instructions", "brk", "fi", "tlbR", "tlbW", "m8", "m32",
  ...FLAG_HELPERS, ...ALU_HELPERS, "cli",
] satisfies RuntimeMember[]);
const ACCESSORS = new Set<string>(MEMORY_ACCESSORS);

/** Whether code may change `brk` without reading it again into the block's `bk` after: it names a member that
 * may set it, or calls a memory accessor other than from an inline access's slow path. */
export function mayBreakUnseen(code: string): boolean {
  let accesses = 0;
  const seen = everyMember(code, (name) => {
    if (BRK_BLIND.has(name)) return true;
    accesses++;
    return ACCESSORS.has(name);
  });
  return !seen || accesses > occurrences(code, BRK_REFRESH);
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
    near: o.near ?? false,
    mayBreak: o.mayBreak ?? false,
    cost: costOf(o, cost),
    branch: o.branch,
    call: o.call,
    side: 0,
    guard: -1,
    back: -1,
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

/** How decodeRun may shape a block beyond one straight run of instructions (flat 32-bit code only). */
export interface DecodeOptions {
  /** Superblocks: run through a JMP rel, a CALL rel and a backward Jcc to a target in the fetch window. */
  readonly follow?: boolean;
  /** With follow: the taken side of the Jcc at this offset is inlined as a side path (Cpu's profile: the
   * block was seen leaving there often). */
  readonly inlineJcc?: (off: number) => boolean;
  /** With follow: a forward Jcc at this offset that inlineJcc names too was seen taken on most runs (Cpu's
   * profile): when its taken side cannot be inlined as a side path (it does not come back to the block start),
   * the block follows it to its target instead, leaving at the fall-through, unless keepJcc names it. */
  readonly likelyJcc?: (off: number) => boolean;
  /** A backward Jcc at this offset was seen to fall through too often (Cpu's profile): keep it as an exit. */
  readonly keepJcc?: (off: number) => boolean;
  /** The instruction at this offset reached an MMIO window (Cpu, MmioSplit): it gets a block of its own. */
  readonly alone?: (off: number) => boolean;
  /** With follow: the target a near transfer at this offset (RET, JMP r/m...) went to on most runs (Cpu's
   * profile), or -1: the block goes on there, leaving when the transfer goes anywhere else (Insn.guard). */
  readonly likelyTarget?: (off: number) => number;
}

/** Whether an instruction of out[from..] goes to the block start `eip` (its path loops there). */
function comesBack(out: readonly Insn[], from: number, eip: number): boolean {
  for (let i = from; i < out.length; i++) {
    const x = out[i]!;
    const b = x.branch;
    if (b !== undefined ? b.taken === eip || b.fall === eip : !x.setsEip && ((x.eip + x.len) >>> 0) === eip) return true;
  }
  return false;
}

/** Whether a path's last instruction is a near transfer that sets EIP itself (RET, JMP r/m): a side path ending
 * there leaves the block where the block it would exit to would leave too, one dispatch sooner. */
function setsEipItself(x: Insn): boolean {
  return x.near && x.setsEip && x.branch === undefined && x.call === undefined;
}

/** Instructions a side path gets at most, and at least for it to be worth inlining. At 8, bench-state's parser left
 * its busiest block where a cut side path ended, one state short of coming back (423K of 2.47M dispatches); at 16
 * it dispatches 2.13M times (cachegrind -2.1%), the other guests the same, and a Linux boot compiles as much. */
const SIDE_MAX = 16;
const SIDE_MIN = 2;

/** Decodes up to `max` instructions from `eip`: stops after an unconditional transfer or another
 * block-ending instruction, or at the end of the fetch window; conditional branches do not stop it.
 * With `follow`, a JMP rel, or a Jcc backwards (taken more often than not: a loop's back edge), to a
 * target inside the fetch window not decoded yet is followed: decoding goes on at the target (a
 * superblock; a branch back to the start still becomes a loop, a Jcc not taken leaves the block), unless
 * `keepJcc(offset)` says that Jcc was seen to fall through too often. The taken side of a Jcc that
 * `inlineJcc(offset)` names is decoded too, as a side path listed right after the Jcc (`Insn.side`;
 * block-shape.ts), and kept when it comes back to the block start (a branch that goes either way from pass
 * to pass inside a loop then stays inside the block), ends at a near transfer that sets EIP itself (RET), or, for
 * a Jcc of the main path, goes back to an earlier main-path instruction a loop can start at (named in Insn.back:
 * a side loop, inner-loops.ts). A side path ends where it would come back to the block start (the block loops
 * there), at an instruction already on its way (it leaves there), or as a path ends anyway. An instruction at an
 * offset `alone` accepts gets a block of its own: a path stops before it, or the block after it when it is the
 * first. */
export function decodeRun(fetch: ByteFetch, eip: number, segMode: number, max: number, cost: CostModel, opts: DecodeOptions = {}): Insn[] {
  const out: Insn[] = [];
  const flat32 = SegMode.FlatCS | SegMode.Code32;
  const follow = opts.follow === true && (segMode & flat32) === flat32;
  const inlineJcc = opts.inlineJcc ?? never;
  const likelyJcc = opts.likelyJcc ?? never;
  const keepJcc = opts.keepJcc ?? never;
  const alone = opts.alone ?? never;
  const likelyTarget = opts.likelyTarget ?? ((): number => -1);
  const mainAt = new Map<number, number>(); // EIP -> index in out, main path instructions
  // Whether out[i]'s code is what it is whatever producer came before it: decoded for none, it is the same (a fragment
  // specialised for the producer the decoder knew, INC after TEST writing CF as 0, is wrong on another way in).
  const unspecialised = (i: number): boolean => {
    const x = out[i]!;
    return decodeInsn(fetch, (x.eip - eip) | 0, x.eip, segMode, 0, cost).code === x.code;
  };
  // The index of the earlier main-path instruction a side path of a main-path Jcc at `at`, ending with `x`, goes back
  // to, when a loop can start there (inner-loops.ts sideLoops); -1 otherwise.
  const loopsBack = (x: Insn, at: number): number => {
    const t = pathTarget(x);
    const h = t < 0 || t === eip >>> 0 ? undefined : mainAt.get(t);
    return h !== undefined && h < at && startsClean(out[h]!) && unspecialised(h) ? h : -1;
  };
  // Decodes one path from `off` into `out` while out.length < limit; `seen`: offsets on the way to it.
  const path = (off: number, limit: number, known: number, seen: Set<number> | null, side: boolean): void => {
    let jumped: Insn | null = null;
    // A followed jump must not end a path as a no-op: it becomes a block-ending jump again.
    const unfollow = (): void => {
      if (jumped !== null) out[out.length - 1] = jumped;
    };
    while (out.length < limit) {
      if ((side && (off === 0 || seen!.has(off))) || (out.length > 0 && alone(off))) {
        unfollow();
        break;
      }
      let ins: Insn;
      try {
        ins = decodeInsn(fetch, off, (eip + off) >>> 0, segMode, known, cost);
      } catch (e) {
        if (e instanceof EndOfBytes && (out.length > 0 || side)) {
          unfollow();
          break;
        }
        throw e;
      }
      jumped = null;
      out.push(ins);
      if (!side) mainAt.set(ins.eip, out.length - 1);
      if (out.length === 1 && alone(0)) break;
      seen?.add(off);
      if (ins.producer > 0) known = ins.producer;
      else if (ins.producer === 0) known = 0;
      const b = ins.branch;
      const call = ins.call;
      if (ins.near && ins.setsEip && b === undefined && seen !== null && out.length < limit) {
        const t = likelyTarget(off);
        const to = (t - eip) | 0;
        if (t >= 0 && to !== 0 && !seen.has(to) && inWindow(fetch, to)) {
          out[out.length - 1] = { ...ins, term: false, setsEip: false, guard: t };
          jumped = ins;
          off = to;
          continue;
        }
        // Back to the block start: the path ends there, and the block loops when the transfer goes there.
        if (t >= 0 && to === 0) out[out.length - 1] = { ...ins, guard: t };
      }
      if (call !== undefined && seen !== null && out.length < limit) {
        const to = (call.target - eip) | 0;
        if (!seen.has(to) && inWindow(fetch, to)) {
          out[out.length - 1] = calledThrough(ins, call);
          jumped = ins;
          off = to;
          continue;
        }
      }
      if (b !== undefined && seen !== null && out.length < limit) {
        const to = (b.taken - eip) | 0;
        const jcc = b.cond !== "true";
        if ((!jcc || (to < off && !keepJcc(off))) && to !== 0 && !seen.has(to) && inWindow(fetch, to)) {
          out[out.length - 1] = jcc ? inverted(ins, b) : followed(ins);
          jumped = ins;
          off = to;
          continue;
        }
        const room = Math.min(SIDE_MAX, Math.floor((limit - out.length) / 2));
        if (jcc && inlineJcc(off) && to !== 0 && !seen.has(to) && inWindow(fetch, to)) {
          const at = out.length - 1;
          if (room >= SIDE_MIN) {
            path(to, out.length + room, known, new Set(seen), true);
            // Kept when it comes back to the start (a branch that goes either way inside a loop), or when it ends at
            // a RET or another transfer of its own (a function's early return: the dispatch to the block it would
            // exit to is saved on every run that takes it). A side path that only leaves elsewhere saves no dispatch,
            // and costs V8 compile time (bench-state: 3x TurboFan time).
            // A main-path Jcc's side path is kept too when it goes back to an earlier instruction of the main path that
            // can start a loop (a loop with two ways round: the block runs on there).
            const x = out[out.length - 1]!;
            const back = out.length > at + 1 && !side ? loopsBack(x, at) : -1;
            if (out.length > at + 1 && (comesBack(out, at + 1, eip) || setsEipItself(x) || back >= 0)) out[at] = { ...ins, side: out.length - at - 1, back };
            else out.length = at + 1;
          }
          // A Jcc taken on most runs whose taken side does not come back: the block goes on there instead.
          if (out[at]!.side === 0 && likelyJcc(off) && !keepJcc(off)) {
            out[at] = inverted(ins, b);
            jumped = ins;
            off = to;
            continue;
          }
        }
      }
      off += ins.len;
      if (ins.term && !(b && b.cond !== "true")) break;
    }
  };
  path(0, max, 0, follow ? new Set<number>() : null, false);
  return out;
}

/** CPU members that neither read nor change the budget or the instruction count (memory accessors: a fault
 * they throw goes through the block's handler; flag and ALU helpers; CLI). */
const TIME_BLIND = new Set<string>([
  ...MEMORY_ACCESSORS, "segChk", "tlbR", "tlbW", "m8", "m32",
  "eip", "fl", "fK", "fA", "fB", "fR", "fC", "brk", "fi", ...FLAG_HELPERS, ...ALU_HELPERS, "cli",
] satisfies RuntimeMember[]);

/** Whether code calls or reads no CPU member but TIME_BLIND ones. */
function timeBlind(code: string): boolean {
  return everyMember(code, (name) => TIME_BLIND.has(name));
}

/** Whether no instruction of `insns` reads or changes the budget or the instruction count through the CPU (port I/O,
 * helpers): a block keeps both in locals only then, and only such a block can be a region's member. */
export function runsTimeBlind(insns: readonly Insn[]): boolean {
  return insns.every((x) => timeBlind(x.code) && (x.branch === undefined || timeBlind(x.branch.cond)));
}

/** Puts the register-local statements in place of their placeholders (nothing when no register was renamed).
 * The fault handler stores the locals unless the fault came from inside an opaque instruction (o = 1).
 * `budget`: the block keeps the budget and the instruction count of its passes in locals too (`left`, `ni`),
 * stored wherever the registers are (every exit and the fault handler). */
export function fillRegisterLocals(body: string, regs: RegisterLocals | null, opaques: boolean, budget: boolean): string {
  const on = regs !== null && regs.any;
  const keep = budget ? "s.left = left; s.instructions += ni;" : "";
  const spill = `${on ? regs.spill() : ""}${keep}`;
  const fill: Record<string, string> = {
    $declare$: `${on ? `${regs.declare()}${opaques ? " let o = 0;" : ""}` : ""}${budget ? " let left = s.left, ni = 0;" : ""}`,
    $catch$: on && opaques ? `if (o === 0) { ${regs.spill()} } ${keep}` : spill,
    [SPILL]: spill,
    $o1$: on ? "o = 1;" : "",
    $o0$: on ? "o = 0;" : "",
  };
  return body.replace(/\$(?:declare|catch|spill|o1|o0|reload:([0-7,]*))\$/g, (p: string, reload: string | undefined) =>
    reload !== undefined ? (on ? regs.reload(reload === "" ? [] : reload.split(",").map(Number)) : "") : fill[p]!);
}

/** Whether instruction i can run its flag-free code (Insn.bare: INC/DEC, saving the read of CF through the
 * CPU; ROL/ROR by a constant, saving the helper): a later instruction on its path overwrites every status
 * flag without reading any (not even through the locals) and cannot fault, and the ones in between touch no
 * flag, cannot fault and cannot leave the block (no branch, guard, break or path end), so no one can see the
 * flags i would compute. */
function flagsDead(insns: readonly Insn[], end: readonly boolean[], i: number): boolean {
  const ins = insns[i]!;
  if (ins.bare === "" || ins.mayBreak || end[i]) return false;
  for (let j = i + 1; j < insns.length; j++) {
    const next = insns[j]!;
    if (next.fRead !== 0 || next.branch !== undefined || mayFault(next) || READS_FLAG_LOCALS.test(next.code)) return false;
    if (next.fWrite === STATUS) return true;
    if (next.fWrite !== 0 || next.mayBreak || next.guard >= 0 || end[j]) return false;
  }
  return false;
}

/** How a region (region-builder.ts) has one of its members compiled: the member's code goes on at another member
 * where it would leave for that member's start, instead of returning to the run loop. */
export interface MemberSite {
  /** The index the member's first instruction has among the region's (what the fault handler is told). */
  readonly base: number;
  /** The region's register locals, shared by its members. */
  readonly regs: RegisterLocals;
  /** Code that goes on at the member starting at EIP `t` when the budget holds it (the leaving member's account is
   * settled in the locals before it), or null when no member starts there. */
  readonly enter: (t: number) => string | null;
  /** Code that goes on from the EIP a near transfer stored in s.eip (RET, JMP r/m): at the member starting there
   * when there is one and the budget holds it, else out of the region. It transfers control either way. */
  readonly enterAtEip: string;
}

/** A block's body as emitBlock writes it, and what finishing it into a function needs. */
export interface Emitted {
  readonly parts: readonly string[];
  readonly shape: Shape;
  readonly mainEnd: number;
  readonly lo: number;
  readonly bytes: number;
  readonly regs: RegisterLocals | null;
  readonly opaques: number;
  readonly budget: boolean;
  readonly sharedExit: boolean;
  /** Compiled.loopEdges. */
  readonly loopEdges: readonly number[];
  /** The status flags a pass may read before writing them (through the CPU or the locals): none, and a region may go
   * on into the block without storing its flag record first. */
  readonly liveIn: number;
}

/** Compiles decoded instructions (a tree of paths: block-shape.ts) into a block function (loops allowed unless
 * `single`). `idleLoop(i)`: the main path's instructions from i on start an idle loop the CPU fast-forwards
 * (then they do not become an inner loop). */
export function compileBlock(insns: readonly Insn[], single = false, idleLoop: (i: number) => boolean = never, counted = false): Compiled {
  const e = emitBlock(insns, single, idleLoop, null, counted)!;
  const { shape, regs, opaques, budget, sharedExit, mainEnd, loopEdges } = e;
  const parts = [
    blockPrologue(sharedExit),
    sharedExit ? "try { x: {" : "try {",
    ...e.parts,
  ];
  if (sharedExit) parts.push(`} ${leave("xe", "xd", "xb", "xr")}`);
  parts.push(`} catch (e) { $catch$ ${FIX} s.fi = i; throw e; }`);
  const body = fillRegisterLocals(parts.join("\n"), regs, opaques > 0, budget);
  const source = finishSource(body);
  const fn = sharedFunction(source);
  const n = insns.length;
  const last = insns[mainEnd]!;
  const nearExit = !single && last.near && last.setsEip && last.branch === undefined && last.call === undefined ? shape.after[mainEnd]! : -1;
  return { fn, eips: shape.eips, prefix: shape.cycles, counts: shape.counts, cost: shape.cost, nearExit, nearIndex: mainEnd, count: n, lo: e.lo, bytes: e.bytes, source, loopEdges };
}

/** The locals every block function (and region) declares first: the register array, the local flag record, the index
 * of the instruction running (for the fault handler), `$declare$` for the register locals, and, with a shared exit
 * epilogue, where the exit leaves. */
export function blockPrologue(sharedExit: boolean): string {
  return `const r = s.r; let lk = 0, la = 0, lb = 0, lr = 0, lc = 0; let i = 0;$declare$${sharedExit ? " let xe = 0, xd = 0, xb = 0, xr = 0;" : ""}`;
}

/** A block's or region's whole source from its body: the memory locals and `bk` it uses declared first, compacted. */
export function finishSource(body: string): string {
  return compact(memoryLocals(body) + (/\bbk\b/.test(body) ? "let bk = 0;" : "") + body);
}

/** The function of `source`, from SHARED when another block (or region) compiled the same text. */
export function sharedFunction(source: string): BlockFn {
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
  return fn;
}

/** Writes the body of a block: a looping block's pass loop and the instructions along their paths, each exit
 * breaking to the shared epilogue (label `x`) or returning. With a region `site`, exits to other members' starts go
 * on there instead; null when the member cannot be one (its code reads or changes the budget or instruction count
 * through the CPU: a region keeps both in locals). */
export function emitBlock(insns: readonly Insn[], single: boolean, idleLoop: (i: number) => boolean, site: MemberSite | null, counted = false): Emitted | null {
  const n = insns.length;
  const start = insns[0]!.eip;
  const shape = shapeOf(insns);
  const { end, after, cycles, counts } = shape;
  // Liveness of status flags, backwards along each path. Exits re-create the flags from the locals (FIX), so
  // they need nothing from earlier stores; nothing is live after a path's last instruction, unless it calls a
  // CPU helper (INT n, IRET, HLT...) that may read the stored flags without declaring it.
  const keep: boolean[] = new Array<boolean>(n).fill(true);
  const dead = insns.map((_, i) => flagsDead(insns, end, i));
  const liveIn = (from: number, to: number): number => {
    const order: number[] = [];
    forPath(insns, from, to, (i) => order.push(i));
    let live = 0;
    for (let j = order.length - 1; j >= 0; j--) {
      const i = order[j]!;
      const ins = insns[i]!;
      if (end[i]) live = callsHelper(ins.code) ? STATUS : 0;
      if (dead[i]) {
        keep[i] = false; // computes no flags: reads none, stores none
        continue;
      }
      if (ins.side > 0) live |= liveIn(i + 1, i + 1 + ins.side);
      if (ins.store !== "" && ins.fWrite !== 0 && (live & ins.fWrite) === 0) keep[i] = false;
      live = (live & ~ins.fWrite) | ins.fRead;
    }
    return live;
  };
  const blockLiveIn = liveIn(0, n);
  // Whether a pass can read flags through the CPU before writing them: then a looping block stores its record
  // before it starts the next pass (FIX at the back edge). An INC/DEC that takes CF from the locals when they
  // hold a record (CURRENT_CF) needs no store: the next pass finds the last one's record in the locals.
  const entryReadsCpu = (from: number, to: number, written: number): boolean => {
    let w = written;
    for (let i = from; i < to; i += 1 + insns[i]!.side) {
      const ins = insns[i]!;
      const reads = end[i] && callsHelper(ins.code) ? STATUS : ins.fRead;
      if ((reads & ~w) !== 0 && !ins.code.includes(CURRENT_CF)) return true;
      if (ins.side > 0 && entryReadsCpu(i + 1, i + 1 + ins.side, w | ins.fWrite)) return true;
      w |= ins.fWrite;
    }
    return false;
  };
  const fixAtBackEdge = blockLiveIn !== 0 && entryReadsCpu(0, n, 0);
  // The main path's last instruction, and whether that path loops back to the start (a side path that does is
  // usually the rare way).
  let mainEnd = 0;
  let mainLoops = false;
  forPath(insns, 0, n, (i, last) => {
    mainEnd = i;
    const b = insns[i]!.branch;
    if (b !== undefined && (b.taken === start || (last && b.fall === start))) mainLoops = true;
    if (last && insns[i]!.guard === start) mainLoops = true;
  });
  const next = (i: number): number => (insns[i]!.eip + insns[i]!.len) >>> 0;
  const loops = !single && insns.some((x, i) => {
    const b = x.branch;
    if (b !== undefined) return b.taken === start || (end[i] && b.fall === start);
    if (end[i] && x.guard === start) return true;
    return end[i] && i !== mainEnd && !x.setsEip && next(i) === start;
  });
  // Loops inside the main path (inner-loops.ts), by the index of their first instruction and of their back edge.
  // And loops whose back edge ends a side path (inner-loops.ts sideLoops), nested with those.
  const sides = single ? [] : backSides(insns);
  const plainLoops = single ? [] : innerLoops(insns, shape, (from, to) => entryReadsCpu(from, to, 0), idleLoop, (h, j) => sides.some((x) => h <= x.jcc && x.jcc <= j));
  const inner = single ? [] : [...plainLoops, ...sideLoops(shape, sides, plainLoops, idleLoop)];
  // The loops opening at each instruction, outermost first, and how many close after each.
  const opens = new Map<number, InnerLoop[]>();
  const closes = new Map<number, number>();
  for (const l of inner) {
    opens.set(l.head, [...(opens.get(l.head) ?? []), l].sort((a, b) => b.close - a.close));
    closes.set(l.close, (closes.get(l.close) ?? 0) + 1);
  }
  const innerBack = new Map<number, InnerLoop>(inner.map((x) => [x.back, x]));
  // With inner loops, a pass of the block's own loop starts again through its label (a plain `continue` would
  // start the inner loop's next pass).
  const again = inner.length > 0 ? "continue pass;" : "continue;";
  // Leaves after instruction k for `t`, or, at the block start in a looping block, starts the next pass when
  // the budget holds it (charging this pass: the run loop charged the dearest pass up front).
  // A looping block whose instructions call nothing that reads or changes the budget or the instruction count
  // (TIME_BLIND) keeps both in locals from pass to pass, stored at its exits and in its fault handler: no
  // loads and stores of the CPU object per pass. Others (port I/O giving back REST_CYCLES, helpers) keep them
  // up to date in the CPU.
  // Asked only where it counts: the test reads every instruction's code (2% of a first boot's host time).
  const budget = (site !== null || loops || inner.length > 0) && runsTimeBlind(insns);
  if (site !== null && !budget) return null;
  // Charges a pass of `p` cycles and `n` instructions and goes on with `next` when the budget holds it.
  const charge = (p: number, n: number, fix: string, next: string): string =>
    budget
      ? `if (left >= ${p} && bk === 0) {${fix} left -= ${p}; ni += ${n}; ${next} }`
      : `if (s.left >= ${p} && bk === 0) {${fix} s.left -= ${p}; s.instructions += ${n}; ${next} }`;
  // Leaving at position d, the block settles its own account: the run loop charged the whole cost up front, and
  // the cycles of what the path did not run go back; the instructions it ran are counted. Constants here, where
  // the run loop would have looked them up in prefix and counts on every exit.
  const giveBack = (d: number): number => shape.cost - cycles[d]!;
  const settle = (d: number): string =>
    `${giveBack(d) !== 0 ? `s.left += ${giveBack(d)};` : ""} ${counts[d]! !== 0 ? `s.instructions += ${counts[d]!};` : ""}`;
  // Registers live in locals in a block that loops (reg-locals.ts). Elsewhere loading them at the start and
  // storing them at the exit costs more than it saves: cachegrind, bench-crc (a block left every ~5
  // instructions) 3081M -> 3260M host instructions with locals in every block, 3005M in looping blocks only.
  const regs = site !== null ? site.regs : (loops && mainLoops) || inner.length > 0 ? new RegisterLocals() : null;
  // Where an exit has registers or the budget to store, the exits share one epilogue after the body (labelled
  // `x`): each sets where it leaves and breaks to it. Each exit was about 140 characters of the same stores, a
  // quarter of a looping block's source, and V8 compiles a block at about 100 ns per character.
  const sharedExit = regs !== null || budget;
  // In a region, leaving for a member's start settles this member's account in the locals and goes on there when
  // the budget holds that member; and leaving with EIP as a near transfer set it, likewise for the member there.
  const settleLocal = (d: number): string => `left += ${giveBack(d)}; ni += ${counts[d]!};`;
  const onward = (t: number, d: number): string | null => {
    const go = site?.enter(t) ?? null;
    return go === null ? null : `{ ${settleLocal(d)} ${go} xe = ${t}; xd = ${d}; xb = 0; xr = 0; break x; }`;
  };
  const out = (t: number, d: number): string =>
    onward(t, d) ??
    (sharedExit ? `{ xe = ${t}; xd = ${d}; xb = ${giveBack(d)}; xr = ${counts[d]!}; break x; }` : `{ ${leave(t, d, giveBack(d), counts[d]!)} }`);
  // Leaving with EIP as the instruction set it, at position d.
  const leaveSet = (d: number): string =>
    site !== null
      ? `{ ${settleLocal(d)} ${site.enterAtEip} }`
      : `${SPILL} ${settle(d)} ${FIX} return ${d};`;
  const base = site?.base ?? 0;
  const loopEdges: number[] = [];
  const exitTo = (t: number, k: number): string => {
    if (loops && t === start) {
      loopEdges.push(k);
      const fix = fixAtBackEdge ? ` ${FIX} lk = 0;` : "";
      return `${charge(cycles[after[k]!]!, counts[after[k]!]!, fix, again)} ${out(t, after[k]!)}`;
    }
    // An inner loop's back edge: the pass head..k is charged on top of the block's own pass (the run loop charged
    // that one up front, and gives back what the block's path did not run from where it leaves).
    const loop = innerBack.get(k);
    if (loop !== undefined && t === insns[loop.head]!.eip) {
      loopEdges.push(k);
      return `${charge(loop.cycles, loop.count, "", `continue ${loop.label};`)} ${out(t, after[k]!)}`;
    }
    return out(t, after[k]!);
  };
  const local = (code: string): string => (regs === null ? code : regs.rename(code));
  let opaques = 0;
  const parts: string[] = [loops ? `${inner.length > 0 ? "pass: " : ""}for (;;) { i = ${base};` : ""];
  let lo = 0;
  let bytes = 0;
  const emit = (from: number, to: number): void => forPath(insns, from, to, (i, last) => {
    const ins = insns[i]!;
    const off = (ins.eip - start) | 0;
    lo = Math.min(lo, off);
    bytes = Math.max(bytes, off + ins.len);
    for (const l of opens.get(i) ?? []) parts.push(`${l.label}: for (;;) {`);
    // A counted block (an exact run's tail, linear: `single` too) runs an instruction only while budget is left
    // before it, as a single step would: the run loop charged the whole block up front.
    if (counted && i > 0) parts.push(`if (s.left <= ${cycles[i]! - shape.cost}) { ${leave(ins.eip, i, giveBack(i), counts[i]!)} }`);
    // The catch handler needs the index of the instruction that faulted: only code that calls into the
    // CPU can fault, so pure register and flag arithmetic does not set it.
    if (i > 0 && mayFault(ins)) parts.push(`i = ${base + i};`);
    const b = ins.branch;
    if (b !== undefined) {
      const cond = local(b.cond);
      if (ins.side > 0) {
        // The taken side inlined; when this is also the last instruction of its path, not taken leaves.
        parts.push(`if (${cond}) {`);
        emit(i + 1, i + 1 + ins.side);
        parts.push("}");
        if (last) parts.push(exitTo(b.fall, i));
      } else if (b.cond === "true") parts.push(exitTo(b.taken, i));
      else if (last) parts.push(`if (${cond}) { ${exitTo(b.taken, i)} } else { ${exitTo(b.fall, i)} }`);
      else parts.push(`if (${cond}) { ${exitTo(b.taken, i)} }`);
      for (let c = closes.get(i) ?? 0; c > 0; c--) parts.push("break; }");
      return;
    }
    const rest = String(shape.cost - cycles[i]! - ins.cost);
    const code = dead[i] ? ins.bare : ins.code.includes(REST_CYCLES) ? ins.code.split(REST_CYCLES).join(rest) : ins.code;
    const writes = regs === null ? null : opaqueWrites(code);
    if (writes !== null) {
      // The helper sees and changes the array: it is stored before, and the locals it may change are loaded
      // again after. A fault inside leaves the array as the helper left it (o = 1: the handler stores nothing).
      opaques++;
      parts.push(`${SPILL} $o1$ { ${code} } $o0$ ${RELOAD(writes)}`);
    } else if (code !== "") parts.push(`{ ${local(code)} }`); // a followed JMP (or a NOP) runs nothing
    // The block's checks read its copy of brk: read again after anything that may have set it.
    if (mayBreakUnseen(code)) parts.push(`${BRK_REFRESH};`);
    if (keep[i] && ins.store !== "") parts.push(local(ins.store));
    // A near transfer run through to its usual target: anywhere else, the block leaves with EIP as it set it.
    // One whose usual target is the block start ends its path: the block loops when it goes there.
    if (ins.guard >= 0 && !ins.setsEip) parts.push(`if (s.eip !== ${ins.guard}) ${site !== null ? leaveSet(after[i]!) : `{ ${leaveSet(after[i]!)} }`}`);
    else if (ins.guard === start && loops) parts.push(`if (s.eip === ${start}) { ${exitTo(start, i)} }`);
    if (i === mainEnd) {
      // The main path's last instruction. A single-instruction block that falls through is position-independent,
      // so its function can be shared.
      if (site !== null) parts.push(ins.setsEip ? leaveSet(after[i]!) : out(next(i), after[i]!));
      else {
        if (!ins.setsEip) parts.push(single && n === 1 ? `s.eip = (s.eip + ${ins.len}) >>> 0;` : `s.eip = ${next(i)};`);
        parts.push(leaveSet(after[i]!));
      }
    } else if (last) {
      parts.push(ins.setsEip ? leaveSet(after[i]!) : exitTo(next(i), i));
    } else if (ins.mayBreak) {
      // The instruction after it on its path (a CALL run through goes on at its target).
      parts.push(`if (bk) ${out(insns[i + 1]!.eip, i + 1)}`);
    }
  });
  emit(0, n);
  if (loops) parts.push("}");
  return { parts, shape, mainEnd, lo, bytes, regs, opaques, budget, sharedExit, liveIn: blockLiveIn, loopEdges };
}
