// The shape of a block as a tree of paths (issue 14). decodeRun lists a block's instructions in the order the
// compiler emits them: the main path, and right after a forward Jcc whose taken side the block inlines
// (`Insn.side` > 0) the instructions of that side path, after which the Jcc's own path goes on. Each path
// ends with an instruction that leaves (or loops back to the block start). This file works out, for the
// run loop's exact accounting, the cycles and instructions each path has run before each instruction, and
// numbers the places a pass can end.
import type { Insn } from "./insn";

/** Where each instruction sits in its block's tree of paths, and what a pass that stops there has run. */
export interface Shape {
  /** Whether instruction i is the last of its path (nothing after it on that path: it leaves). */
  readonly end: readonly boolean[];
  /** Position the run loop is told when a pass stops right after instruction i (BlockFn's result): i + 1
   * within a path, a position past the instructions (n, n + 1, ...) for the last instruction of a path. */
  readonly after: readonly number[];
  /** Indexed by instruction (fault) or by position (after): cycles and instructions run so far in the pass,
   * and the EIP there (for a position past the instructions: the EIP after its path's last instruction). */
  readonly cycles: readonly number[];
  readonly counts: readonly number[];
  readonly eips: readonly number[];
  /** Cycles of the dearest path: what the run loop charges before a pass (the rest is given back). */
  readonly cost: number;
}

/** Calls `visit(i, end)` for the instructions of the path spanning [from, to), in order, skipping the side
 * paths nested in it (`end`: the last one of this path). */
export function forPath(insns: readonly Insn[], from: number, to: number, visit: (i: number, end: boolean) => void): void {
  for (let i = from; i < to; ) {
    const next = i + 1 + insns[i]!.side;
    visit(i, next >= to);
    i = next;
  }
}

export function shapeOf(insns: readonly Insn[]): Shape {
  const n = insns.length;
  // Packed arrays (no holes): the run loop reads cycles and counts on every block exit.
  const end = insns.map(() => false);
  const after = insns.map(() => 0);
  const cycles = insns.map(() => 0);
  const counts = insns.map(() => 0);
  const eips = insns.map((x) => x.eip);
  let cost = 0;
  const walk = (from: number, to: number, c0: number, k0: number): void => {
    let c = c0;
    let k = k0;
    forPath(insns, from, to, (i, last) => {
      const ins = insns[i]!;
      cycles[i] = c;
      counts[i] = k;
      c += ins.cost;
      k += 1;
      const side = ins.side;
      if (side > 0) walk(i + 1, i + 1 + side, c, k);
      end[i] = last;
      if (!last) after[i] = i + 1;
      else {
        // A position of its own past the instructions (the first: n, as a block without side paths has).
        after[i] = cycles.length;
        cycles.push(c);
        counts.push(k);
        eips.push((ins.eip + ins.len) >>> 0);
        cost = Math.max(cost, c);
      }
    });
  };
  walk(0, n, 0, 0);
  return { end, after, cycles, counts, eips, cost };
}

/** Whether the instruction after `i` in `insns` is the one after it in memory (a Jcc there is an exit when taken;
 * one the block runs through to its target is followed by that target instead). */
export function fallsThrough(insns: readonly Insn[], i: number): boolean {
  const ins = insns[i]!;
  return insns[i + 1]?.eip === ((ins.eip + ins.len) >>> 0);
}

/** The main path alone: side paths dropped, their Jccs ordinary exits again (a linear block). */
export function mainPath(insns: readonly Insn[]): readonly Insn[] {
  if (insns.every((x) => x.side === 0)) return insns; // already linear: no copy on every compile
  const out: Insn[] = [];
  forPath(insns, 0, insns.length, (i) => {
    const ins = insns[i]!;
    out.push(ins.side === 0 ? ins : { ...ins, side: 0 });
  });
  return out;
}

/** The Jccs in the middle of a path that are not inlined, by index: `followed`, those the block runs through to
 * their target (decodeRun follows a backward Jcc: the next instruction on its path is not the one after it),
 * null when there are none; `exits`, those it leaves at when taken (what Cpu watches to choose the ones worth
 * inlining). Both in increasing order (forPath visits a side path before the rest of its Jcc's path). */
export function midPathJccs(insns: readonly Insn[]): { followed: number[] | null; exits: number[] } {
  const followed: number[] = [];
  const exits: number[] = [];
  const visit = (from: number, to: number): void => forPath(insns, from, to, (i, last) => {
    const ins = insns[i]!;
    if (ins.side > 0) visit(i + 1, i + 1 + ins.side);
    else if (!last && ins.branch !== undefined && ins.branch.cond !== "true") {
      (fallsThrough(insns, i) ? exits : followed).push(i);
    }
  });
  visit(0, insns.length);
  return { followed: followed.length === 0 ? null : followed, exits };
}
