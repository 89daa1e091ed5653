// A block that is not compiled whole yet: it runs its instructions one at a time through
// single-instruction functions (shared process-wide by source) and compiles itself whole after it has
// run a few times. Most blocks of a boot run once or a few times and never pay for their own function.
import { compileBlock, loopsToStart, type BlockFn, type Compiled, type Layout } from "./block-builder";
import type { Insn } from "./insn";
import type { BlockRuntime } from "./runtime";

/** What a warm block needs from its CPU. */
export interface WarmHost {
  /** Decodes instruction `k` of the block again with no flag producer known (a single instruction cannot
   * read the block-local lazy record that the block decode let it read). */
  redecode(k: number): Insn;
  /** Installs the whole-block function in place of the warm one (called once). */
  promote(c: Compiled): void;
}

/** Characters the whole block's source will have, about (fragments plus the per-instruction and fixed
 * frame compileBlock adds): the block cache charges a warm block before it is compiled. */
export function warmSourceChars(insns: readonly Insn[]): number {
  let chars = 160;
  for (const ins of insns) chars += ins.code.length + ins.store.length + 8;
  return chars;
}

/** Whether instruction `k` was decoded knowing the producer before it (so its code may read the locals). */
function knownBefore(insns: readonly Insn[]): boolean[] {
  const out: boolean[] = [];
  let known = 0;
  for (const ins of insns) {
    out.push(known !== 0);
    if (ins.producer > 0) known = ins.producer;
    else if (ins.producer === 0) known = 0;
  }
  return out;
}

/** Runs a followed JMP (compiled to nothing inside a block): goes to the next instruction of the block. */
function goTo(eip: number): BlockFn {
  return (s: BlockRuntime): number => {
    s.eip = eip;
    return 1;
  };
}

/** A block function for `insns` (laid out as `layout`) that runs `runs` times (entries plus passes of its
 * loop) instruction by instruction, then compiles the whole block, installs it through `host.promote` and
 * runs it from then on. Exits,
 * cycles, instruction counts and fault indices are those of the compiled block: single instructions are
 * what budget tails and stepping run, each exit of the compiled block is matched by the check after the
 * instruction that takes it (leaving the straight path, the loop back to the start with its budget
 * check, a pending stop after an instruction that may set one), and IN/OUT give back the cycles the run
 * loop charged for the rest of the block. */
export function warmBlockFn(insns: readonly Insn[], layout: Layout, runs: number, host: WarmHost): BlockFn {
  const n = insns.length;
  const { eips, prefix } = layout;
  const start = eips[0]!;
  const loops = loopsToStart(insns);
  const known = knownBefore(insns);
  const singles: (BlockFn | null)[] = new Array<BlockFn | null>(n).fill(null);
  // Branches whose exit to the start is the compiled block's loop (exitTo in compileBlock).
  const loopAt = insns.map((x, k) => loops && x.branch !== undefined && (x.branch.taken === start || (k === n - 1 && x.branch.fall === start)));
  const single = (k: number): BlockFn => {
    const ins = insns[k]!;
    if (ins.code === "" && ins.branch === undefined && k < n - 1) return goTo(eips[k + 1]!);
    const one = known[k] ? host.redecode(k) : ins;
    return compileBlock([one], true, prefix[n]! - prefix[k + 1]!).fn;
  };
  let left = runs;
  const promote = (s: BlockRuntime): number => {
    const whole = compileBlock(insns);
    host.promote(whole);
    return whole.fn(s);
  };
  return (s: BlockRuntime): number => {
    if (--left < 0) return promote(s);
    let k = 0;
    for (;;) {
      const f = singles[k] ?? (singles[k] = single(k));
      try {
        f(s);
      } catch (e) {
        s.fi = k;
        throw e;
      }
      const ins = insns[k]!;
      if (loopAt[k] && s.eip === start) {
        const p = prefix[k + 1]!;
        if (s.left < p || s.brk !== 0) return k + 1;
        s.left -= p;
        s.instructions += k + 1;
        // A pass of the loop counts as a run: the compiled function goes on from the start, as its own
        // loop would.
        if (--left < 0) return promote(s);
        k = 0;
        continue;
      }
      if (k === n - 1 || s.eip !== eips[k + 1] || (ins.mayBreak && s.brk !== 0)) return k + 1;
      k++;
    }
  };
}
