// Generates kernel/hypercall/generated/abi-layout.ts: start-info, shared-page, .pvabi note and export-entry layouts
// and the ABI's address constants, as TS data for the loader and the hypercall layer. Pure.
import { GENERATED_NOTE } from "./names";
import type { AbiDefinition, FieldType, StructDef } from "./model";

function typeText(t: FieldType): string {
  return t.kind === "char" ? `char[${t.count}]` : t.kind === "u8array" ? `u8[${t.count}]` : t.kind;
}

function layoutConst(s: StructDef): string[] {
  const L = [`/** ${s.doc} */`, `export const ${s.name.toUpperCase()}_LAYOUT = {`, `  size: ${s.size},`, `  fields: {`];
  for (const f of s.fields) L.push(`    ${f.name}: { offset: ${f.offset}, size: ${f.size}, type: "${typeText(f.type)}" },`);
  L.push(`  },`, `} as const satisfies StructLayout;`);
  return L;
}

/** Returns the text of abi-layout.ts. */
export function generateTsLayout(def: AbiDefinition): string {
  const L: string[] = [];
  L.push(`// Byte layouts of the structs shared with PV guests and the ABI's fixed addresses.`, `// ${GENERATED_NOTE}`, "");
  L.push(`/** Offset, size and ABI type name of one field. */`);
  L.push(`export interface FieldLayout {`, `  readonly offset: number;`, `  readonly size: number;`, `  readonly type: string;`, `}`);
  L.push(`/** A struct's total size and fields by name. */`);
  L.push(`export interface StructLayout {`, `  readonly size: number;`, `  readonly fields: Readonly<Record<string, FieldLayout>>;`, `}`, "");
  L.push(`/** Fixed ABI constants (addresses are guest-virtual). */`, `export const PV_CONSTANTS = {`);
  for (const c of def.constants) L.push(`  /** ${c.doc} */`, `  ${c.name}: 0x${c.value.toString(16)},`);
  L.push(`} as const;`);
  for (const s of def.structs) L.push("", ...layoutConst(s));
  L.push("");
  return L.join("\n");
}
