// Inner loops of a block (issue 14). A Jcc in the middle of a block's main path that jumps back to an earlier
// instruction of that path (not the block start: that is the block's own loop) would leave the block on every
// pass it takes, and the next block would start there: two dispatches per round of a loop nested in another
// (bench-kloop's polling loop inside its round). compileBlock turns such a stretch into a loop of its own inside
// the block function, with the same exact budget check per pass as the block's own loop. Pure: it reads the
// decoded instructions and their shape.
import type { Insn } from "./insn";
import { fallsThrough, forPath, type Shape } from "./block-shape";

/** Instructions head..back of the main path run again while the Jcc at `back` is taken. */
export interface InnerLoop {
  /** Index of the loop's first instruction (the Jcc's target). */
  readonly head: number;
  /** Index of the Jcc back to it. */
  readonly back: number;
  /** Cycles and instructions of one pass head..back: what each extra pass is charged. */
  readonly cycles: number;
  readonly count: number;
}

/**
 * The inner loops of a block, disjoint and in order. A stretch head..back qualifies when:
 * - it is one run of the main path (no side path inside it), back is a Jcc there whose fall-through is the
 *   next instruction (not the path's last instruction, not a followed Jcc) and head is not the block start;
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
    if (j - h !== p - q || readsOnEntry(h, j + 1) || known[q] !== k || idle(h)) continue;
    found.push({ head: h, back: j, cycles: shape.cycles[j]! + ins.cost - shape.cycles[h]!, count: j + 1 - h });
    free = p + 1;
  }
  return found;
}
