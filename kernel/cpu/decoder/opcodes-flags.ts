// Flag use of decoded instructions from the opcode table, for the lazy-flags liveness of the block
// builder: which status flags an instruction reads and which it replaces (defined or undefined), by the
// Intel SDM. The translator's own per-instruction fRead/fWrite are narrower (a condition evaluated from the
// block locals reads no stored flag); test/kernel/cpu/decoder/opcodes.test.ts checks they agree with these.
import { STATUS } from "../flags";
import { decodeInstruction } from "./disasm";
import type { OpcodeEntry } from "./opcodes";

/** Status flags (CF PF AF ZF SF OF) the instruction of `e` reads. */
export function statusRead(e: OpcodeEntry): number {
  return e.flags.read & STATUS;
}

/** Status flags whose old value does not survive the instruction of `e` (written or left undefined). */
export function statusReplaced(e: OpcodeEntry): number {
  return (e.flags.written | e.flags.undefined) & STATUS;
}

/** Liveness step of a backwards pass: the status flags live before `e`, given those live after it. Flags
 * the row replaces are dead before it unless it reads them; a row the table does not know (null, #UD)
 * keeps everything live. */
export function liveBefore(e: OpcodeEntry | null, liveAfter: number): number {
  if (e === null || e.ud !== null) return STATUS;
  return (liveAfter & ~statusReplaced(e)) | statusRead(e);
}

/** The row of the instruction at the start of `bytes` (32-bit code unless `code32` is false), or null. */
export function rowOfBytes(bytes: ArrayLike<number>, code32 = true): OpcodeEntry | null {
  return decodeInstruction(bytes, 0, code32).entry;
}
