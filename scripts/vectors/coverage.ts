// Which opcode-table rows the committed reference vectors cover: each form's i386 bytes are decoded with
// the table (kernel/cpu/decoder/disasm.ts) and counted against the row they name. Pure; the test
// test/scripts/vectors/coverage.test.ts fails on a row of a vector group that no form covers.
import { decodeInstruction } from "../../kernel/cpu/decoder/disasm";
import type { OpcodeEntry, VectorGroup } from "../../kernel/cpu/decoder/opcodes";
import { OPCODE_TABLE } from "../../kernel/cpu/decoder/opcodes-index";
import { hexBytes } from "./parse";
import type { VectorFile } from "./schema";

/** The groups whose rows must each be covered (every vector group). */
const COVERED_GROUPS: readonly VectorGroup[] = ["alu", "shift", "bit", "muldiv", "string", "misc"];

/** Rows of a vector group and the forms covering them. */
export interface Coverage {
  /** Forms (by their `form` text) per covered row. */
  readonly covered: ReadonlyMap<OpcodeEntry, readonly string[]>;
  /** Rows of a vector group with no form and no `noVectors` reason. */
  readonly missing: readonly OpcodeEntry[];
  /** Rows with a `noVectors` reason that a form covers after all (the reason is stale). */
  readonly stale: readonly OpcodeEntry[];
  /** Forms whose bytes decode to no row, or to a row of another group (the catalogue and the table disagree). */
  readonly stray: readonly string[];
}

/** Coverage of the table's vector-group rows by the forms of `files`. */
export function vectorCoverage(files: readonly VectorFile[]): Coverage {
  const covered = new Map<OpcodeEntry, string[]>();
  const stray: string[] = [];
  for (const file of files) {
    for (const f of file.forms) {
      // A form's vectors may carry other bytes (another immediate, another condition code).
      for (const code of new Set([f.code, ...f.vectors.map((v) => v.c ?? f.code)])) {
        const d = decodeInstruction(hexBytes(code), 0);
        if (d.entry === null || d.entry.vectors !== f.group) {
          stray.push(`${f.group}: ${f.form} (${code}) decodes to ${d.entry === null ? "no row" : `${d.entry.mnemonic}, group ${d.entry.vectors ?? "none"}`}`);
          continue;
        }
        covered.set(d.entry, [...(covered.get(d.entry) ?? []), f.form]);
      }
    }
  }
  const inGroups = OPCODE_TABLE.filter((e) => e.vectors !== null && COVERED_GROUPS.includes(e.vectors));
  return {
    covered,
    missing: inGroups.filter((e) => e.noVectors === null && !covered.has(e)),
    stale: inGroups.filter((e) => e.noVectors !== null && covered.has(e)),
    stray,
  };
}

/** A row as text for reports: map, opcode, /reg, mnemonic and operands. */
export function rowName(e: OpcodeEntry): string {
  const op = `${e.map === "0f" ? "0f " : ""}${e.op.toString(16).padStart(2, "0")}${e.reg === null ? "" : ` /${e.reg}`}`;
  return `${op} ${e.mnemonic} ${e.operands.join(",")}`.trim();
}
