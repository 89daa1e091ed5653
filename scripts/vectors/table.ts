// What the vector catalogue takes from the opcode table (kernel/cpu/decoder/opcodes*.ts): the rows of a
// group by opcode and ModRM.reg, so groups/*.ts generate forms for the table's mnemonics and encodings and
// mask the flags the table calls undefined, instead of keeping lists of their own.
import type { OpMap, OpcodeEntry } from "../../kernel/cpu/decoder/opcodes";
import { OPCODE_TABLE } from "../../kernel/cpu/decoder/opcodes-index";

/** The recordable rows (vector group set, no `noVectors` reason) of opcode `op`, in ModRM.reg order. */
function recordableRows(map: OpMap, op: number): OpcodeEntry[] {
  return OPCODE_TABLE.filter((e) => e.map === map && e.op === op && e.vectors !== null && e.noVectors === null).sort((a, b) => (a.reg ?? 0) - (b.reg ?? 0));
}

/** [mnemonic, ModRM.reg] of the recordable rows of a group opcode (e.g. 80 → add/0 .. cmp/7). */
export function groupOps(map: OpMap, op: number): Array<[string, number]> {
  return recordableRows(map, op).map((e) => [e.mnemonic, e.reg ?? 0]);
}

/** The one row of (map, op, reg); throws when the table has none (the catalogue names an unknown encoding). */
function rowOf(map: OpMap, op: number, reg: number | null = null): OpcodeEntry {
  const e = OPCODE_TABLE.find((x) => x.map === map && x.op === op && (reg === null || x.reg === reg));
  if (e === undefined) throw new RangeError(`no opcode-table row for ${map} ${op.toString(16)} /${reg ?? "-"}`);
  return e;
}

/** Flags the table calls undefined for (map, op, reg). */
export function undefinedFlags(map: OpMap, op: number, reg: number | null = null): number {
  return rowOf(map, op, reg).flags.undefined;
}
