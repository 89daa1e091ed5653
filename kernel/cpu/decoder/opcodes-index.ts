// The whole opcode table and its lookup: which row an (opcode map, opcode, ModRM) names. Pure; used by
// the disassembler, the vector-coverage and consistency tests and the flag-use adapter (opcodes-flags.ts).
import { TWO_BYTE_ROWS } from "./opcodes-0f";
import { ONE_BYTE_ROWS } from "./opcodes-one";
import { X87_ROWS } from "./opcodes-x87";
import type { OpMap, OpcodeEntry } from "./opcodes";

/** Every row: one-byte, x87, then 0F. */
export const OPCODE_TABLE: readonly OpcodeEntry[] = [...ONE_BYTE_ROWS, ...X87_ROWS, ...TWO_BYTE_ROWS];

const BY_OPCODE: ReadonlyMap<number, readonly OpcodeEntry[]> = (() => {
  const m = new Map<number, OpcodeEntry[]>();
  for (const e of OPCODE_TABLE) {
    const k = keyOf(e.map, e.op);
    const list = m.get(k) ?? [];
    list.push(e);
    m.set(k, list);
  }
  return m;
})();

function keyOf(map: OpMap, op: number): number {
  return (map === "0f" ? 256 : 0) + op;
}

/** Whether opcode `op` of `map` takes a ModRM byte (false when no row has it: then it is #UD anyway). */
export function hasModrm(map: OpMap, op: number): boolean {
  return BY_OPCODE.get(keyOf(map, op))?.[0]?.modrm ?? false;
}

/** The row of `op` in `map` for ModRM byte `modrm` (ignored for opcodes without one), or null: #UD. */
export function findEntry(map: OpMap, op: number, modrm: number): OpcodeEntry | null {
  const rows = BY_OPCODE.get(keyOf(map, op));
  if (rows === undefined) return null;
  const reg = (modrm >> 3) & 7;
  const isReg = modrm >> 6 === 3;
  for (const e of rows) {
    if (!e.modrm) return e;
    if (e.reg !== null && e.reg !== reg) continue;
    if (e.form === "mem" && isReg) continue;
    if (e.form === "reg" && !isReg) continue;
    if (e.rm !== null && (!isReg || e.rm !== (modrm & 7))) continue;
    return e;
  }
  return null;
}
