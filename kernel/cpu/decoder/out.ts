// What an opcode handler returns before the decoder turns it into an Insn, plus small builders for
// the common shapes (plain statement, flag-touching helper call, block-ending transfer, #UD).
import { STATUS } from "../flags";
import type { FlagFrag } from "./alu-gen";

/** Cost class of an instruction (see cost-model.ts). */
export type CostClass = "plain" | "md" | "str" | "io" | "x87mem" | "x87arith" | "x87div" | "x87trans" | "x87ctl";

/** A handler's result. Missing fields default to "no flags, not a terminator, plain cost". */
export interface Out {
  code: string;
  store?: string;
  /** A producer's code computing no flags (FlagFrag.bare). */
  bare?: string;
  producer?: number;
  fRead?: number;
  fWrite?: number;
  term?: boolean;
  setsEip?: boolean;
  /** A near transfer within the code segment (RET, JMP/CALL r/m, LOOP, JCXZ, CALL rel): it sets EIP and changes
   * nothing about the mode, so a block may go on at its usual target behind a guard (decodeRun's likelyTarget). */
  near?: boolean;
  mayBreak?: boolean;
  lockOk?: boolean;
  cls?: CostClass;
  /** Direct branch: condition expression ("true" for JMP), taken target, fall-through EIP. */
  branch?: Branch;
  /** CALL rel: its target and the statement pushing the return address, for a block that runs through it. */
  call?: DirectCall;
}

/** A CALL rel the block compiler may run through: push the return address, go on at `target`. */
export interface DirectCall {
  readonly target: number;
  readonly push: string;
}

/** A direct (possibly conditional) branch the block compiler may turn into a side exit or a loop. */
export interface Branch {
  readonly cond: string;
  readonly taken: number;
  readonly fall: number;
}

/** Placeholder in a fragment for the cycles its block charges after the instruction (block cost minus the
 * cost up to and including it). The block compiler substitutes the number, so a helper that lets a device
 * read the clock mid-block (IN/OUT) can give them back for the exact time. */
export const REST_CYCLES = "$rest$";

/** A direct branch (Jcc or JMP rel). */
export function branch(cond: string, taken: number, fall: number, fRead: number): Out {
  return { code: "", term: true, setsEip: true, fRead, branch: { cond, taken, fall } };
}

/** A statement that neither reads nor writes flags. */
export function plain(code: string, mayBreak = false): Out {
  return { code, mayBreak };
}

/** A helper call that reads and/or writes flags through the CPU object (the local record is then stale). */
export function flagsHelper(code: string, extra: Partial<Out> = {}): Out {
  return { code: `lk = 0; ${code}`, fRead: STATUS, mayBreak: true, ...extra };
}

/** A lazy flag producer. */
export function producer(f: FlagFrag, extra: Partial<Out> = {}): Out {
  return { code: f.code, store: f.store, producer: f.producer, fRead: f.fRead, fWrite: f.fWrite, ...(f.bare === undefined ? {} : { bare: f.bare }), ...extra };
}

/** A block-ending instruction that sets s.eip itself. */
export function jump(code: string, extra: Partial<Out> = {}): Out {
  return { code, term: true, setsEip: true, mayBreak: true, ...extra };
}

/** The extra of a near transfer's `jump` (Out.near). */
export const NEAR: Partial<Out> = { near: true };

/** Invalid opcode: raises #UD when executed. */
export function undef(): Out {
  return { code: "s.raise(6);", term: true, setsEip: true };
}
