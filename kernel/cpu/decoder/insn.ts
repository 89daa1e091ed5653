// The decoded form of one instruction as the block compiler sees it: a fragment of JavaScript plus
// what it needs to know to schedule it (flags read and written, whether it ends the block, its cost).
import type { Branch, DirectCall } from "./out";

/** Names in scope for every fragment: s (the Cpu), r (its Int32Array of registers), lk/la/lb/lr/lc (the
 * block-local lazy-flags record of the last flag producer). */
export interface Insn {
  /** EIP of the instruction and its length in bytes. */
  readonly eip: number;
  readonly len: number;
  /** Statements executing the instruction (a lazy producer assigns lk/la/lb/lr/lc last, after any fault). */
  readonly code: string;
  /** Statement storing the local lazy record into the CPU (dropped when no later reader needs it). */
  readonly store: string;
  /** The code computing no flags, for where the instruction's flags are dead ("" when it has none). */
  readonly bare: string;
  /** Packed lazy kind this instruction always produces into the locals (0: none or not statically known). */
  readonly producer: number;
  /** Status flags read (STATUS bits; helpers that touch flags read all). */
  readonly fRead: number;
  /** Status flags always overwritten (only for lazy producers whose store may be elided). */
  readonly fWrite: number;
  /** Ends the block; `setsEip` tells whether the fragment assigns s.eip itself. */
  readonly term: boolean;
  readonly setsEip: boolean;
  /** A near transfer (Out.near). */
  readonly near: boolean;
  /** May write memory or call out (then a pending brk is honoured right after it). */
  readonly mayBreak: boolean;
  /** Cycles charged (cost model). */
  readonly cost: number;
  /** Direct branch description (the code is then empty; the block compiler emits the transfer). */
  readonly branch: Branch | undefined;
  /** CALL rel (the code pushes and sets EIP; a block may run through it instead: decodeRun). */
  readonly call: DirectCall | undefined;
  /** For a forward Jcc whose taken side the block inlines: how many instructions after it in the list form
   * that side path (with the side paths nested in it); 0 otherwise (block-shape.ts). */
  readonly side: number;
  /** For a near transfer the block runs through (decodeRun's likelyTarget): the target it goes on at, the block
   * leaving when the transfer goes anywhere else; -1 otherwise. */
  readonly guard: number;
  /** For a main-path Jcc whose inlined side path goes back to an earlier main-path instruction that can start a loop
   * (decodeRun checked it): that instruction's index (inner-loops.ts sideLoops); -1 otherwise. */
  readonly back: number;
}

/** Thrown by the byte fetcher when an instruction runs past the bytes available to the decoder. */
export class EndOfBytes {
  readonly endOfBytes = true;
}
