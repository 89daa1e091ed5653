// Inner loops of a block (issue 14). A Jcc in the middle of a block's main path that jumps back to an earlier
// instruction of that path (not the block start: that is the block's own loop) would leave the block on every
// pass it takes, and the next block would start there: two dispatches per round of a loop nested in another
// (bench-kloop's polling loop inside its round). compileBlock turns such a stretch into a loop of its own inside
// the block function, with the same exact budget check per pass as the block's own loop. A loop with two ways
// round, whose second way is an inlined side path going back to an earlier main-path instruction, becomes a side
// loop around it (sideLoops). Pure: it reads the decoded instructions and their shape.
import { STATUS } from "../flags";
import { CURRENT_CF } from "./alu-gen";
import type { Insn } from "./insn";
import { fallsThrough, forPath, type Shape } from "./block-shape";

/** Instructions head..back of the main path run again while the Jcc at `back` is taken; or, for a side loop, the
 * main path from head to a Jcc whose inlined taken side ends at `back` going back to head. */
export interface InnerLoop {
  /** Index of the loop's first instruction (where the back edge goes). */
  readonly head: number;
  /** Index of the instruction that goes back to it: the Jcc, or the side path's last instruction. */
  readonly back: number;
  /** Cycles and instructions of one pass head..back: what each extra pass is charged. */
  readonly cycles: number;
  readonly count: number;
  /** Index of the main-path instruction after which the loop's body ends (its fall-through leaves the loop). */
  readonly close: number;
  /** The JavaScript label the back edge continues. */
  readonly label: string;
}

/**
 * The inner loops of a block, disjoint and in order. A stretch head..back qualifies when:
 * - back is a Jcc of the main path whose fall-through is the next instruction (not the path's last instruction,
 *   not a followed Jcc), head an earlier instruction of that path, not the block start, and no side path is
 *   inlined in between unless `sidesInside(head, back)` (a side loop's Jcc is there: the loop is needed for it to
 *   nest in; elsewhere a loop with side paths measured slower, bench-kloop +4.7% host instructions);
 * - `readsOnEntry(head, back + 1)` is false: a pass reads nothing from the CPU's flags that it has not written
 *   itself, so nothing needs the flag record stored into the CPU at the back edge;
 * - the flag producer the decoder knew before head is the one it knows after back: a fragment specialised for
 *   that producer must find it on both ways in. Reading the flag locals is not the only way to depend on it:
 *   DEC after TEST compiles CF to the constant 0, SBB after ADD compares the ADD's operands;
 * - `idle(head)` is false: a polling loop the CPU fast-forwards (idle-loop.ts) stays the start of a block of its
 *   own, where it is recognised.
 */
export function innerLoops(
  insns: readonly Insn[],
  shape: Shape,
  readsOnEntry: (from: number, to: number) => boolean,
  idle: (head: number) => boolean,
  sidesInside: (head: number, back: number) => boolean = (): boolean => false,
): InnerLoop[] {
  const n = insns.length;
  const start = insns[0]!.eip;
  const main: number[] = [];
  forPath(insns, 0, n, (i) => main.push(i));
  const at = new Map<number, number>(); // EIP -> its latest main-path position so far
  const known: number[] = []; // the decoder's known producer before each main-path position (decodeRun)
  const found: InnerLoop[] = [];
  let k = 0;
  let free = 0; // first main-path position a new loop may start at (loops stay disjoint)
  for (let p = 0; p < main.length; p++) {
    const j = main[p]!;
    const ins = insns[j]!;
    known.push(k);
    if (ins.producer > 0) k = ins.producer;
    else if (ins.producer === 0) k = 0;
    at.set(ins.eip, p);
    const b = ins.branch;
    if (b === undefined || b.cond === "true" || b.taken === start || shape.end[j] || ins.side > 0) continue;
    if (!fallsThrough(insns, j)) continue; // followed: its next instruction is its target
    const q = at.get(b.taken);
    if (q === undefined || q >= p || q < free) continue;
    const h = main[q]!;
    if ((j - h !== p - q && !sidesInside(h, j)) || readsOnEntry(h, j + 1) || known[q] !== k || idle(h)) continue;
    // Side paths inside (where sidesInside allows them) are part of a pass: one that leaves, leaves the block.
    found.push({ head: h, back: j, cycles: shape.cycles[j]! + ins.cost - shape.cycles[h]!, count: shape.counts[j]! + 1 - shape.counts[h]!, close: j, label: `in${h}` });
    free = p + 1;
  }
  return found;
}

/** Whether flag-local names appear in `code` other than as the targets of assignments (the record a
 * producer writes last): a fragment that reads them depends on the previous producer (decodeInsn's `known`). */
export const READS_FLAG_LOCALS = /\bl[kabrc]\b(?!\s*=[^=])/;

/** Whether instruction `x` can start a loop that is entered from more than one place: it writes every status flag
 * and reads none, in the CPU or in the block's flag locals, so what follows it does not depend on the flag record
 * the way in left. Its own code must not have been specialised for the producer before it either: decodeRun checks
 * that by decoding it again for none (INC after TEST writes CF as 0, and has no flag to read). */
export function startsClean(x: Insn): boolean {
  return x.fWrite === STATUS && x.fRead === 0 && x.side === 0 && !x.setsEip && !READS_FLAG_LOCALS.test(x.code) && !x.code.includes(CURRENT_CF);
}

/** Where a path ending with `x` goes next when that is not decided at run time: the target of a JMP rel, or the next
 * instruction for one that falls through; -1 otherwise. */
export function pathTarget(x: Insn): number {
  const b = x.branch;
  if (b !== undefined) return b.cond === "true" ? b.taken : -1;
  return x.setsEip || x.term ? -1 : (x.eip + x.len) >>> 0;
}

/** Whether [a.head, a.close] and [b.head, b.close] are disjoint or one holds the other (loops nest as blocks do). */
function nests(a: InnerLoop, b: InnerLoop): boolean {
  return a.close < b.head || b.close < a.head || (a.head <= b.head && b.close <= a.close) || (b.head <= a.head && a.close <= b.close);
}

/** A main-path Jcc (`jcc`) whose inlined taken side ends (`last`) going back to an earlier main-path instruction
 * (`head`, not the block start) that starts clean. */
export interface BackSide {
  readonly jcc: number;
  readonly last: number;
  readonly head: number;
}

/** The side paths of the main path that go back to an earlier instruction of it: decodeRun keeps those, and names
 * that instruction (Insn.back) once it checked that a loop can start there. */
export function backSides(insns: readonly Insn[]): BackSide[] {
  const found: BackSide[] = [];
  forPath(insns, 0, insns.length, (c) => {
    const jcc = insns[c]!;
    if (jcc.side === 0 || jcc.back < 0) return;
    let last = c + 1;
    forPath(insns, c + 1, c + 1 + jcc.side, (i) => {
      last = i;
    });
    found.push({ jcc: c, last, head: jcc.back });
  });
  return found;
}

/**
 * Side loops: a Jcc of the main path whose inlined taken side goes back to an earlier main-path instruction H (not
 * the block start: that is the block's own loop), as a loop with two ways round does (bench-list's merge: one side
 * goes on at the compare, the other at the test before it). The block runs the main path from H on again instead of
 * leaving, with the exact budget check per pass. Qualifies (`sides`: backSides) when `idle(H)` is false and the loop
 * nests with the inner loops and the side loops found before: its body runs from H to the Jcc, or to the end of an
 * inner loop holding the Jcc that starts at H or after. H starts clean (startsClean): a pass that comes round either
 * way finds no flag state it depends on.
 */
export function sideLoops(shape: Shape, sides: readonly BackSide[], inner: readonly InnerLoop[], idle: (head: number) => boolean): InnerLoop[] {
  const found: InnerLoop[] = [];
  for (const { jcc: c, last, head: h } of sides) {
    if (idle(h)) continue;
    const holder = inner.find((l) => l.head <= c && c <= l.close);
    const close = holder !== undefined && holder.head >= h ? holder.close : c;
    const end = shape.after[last]!;
    const loop: InnerLoop = { head: h, back: last, cycles: shape.cycles[end]! - shape.cycles[h]!, count: shape.counts[end]! - shape.counts[h]!, close, label: `sl${c}` };
    if (inner.every((l) => nests(l, loop)) && found.every((l) => nests(l, loop))) found.push(loop);
  }
  return found;
}
