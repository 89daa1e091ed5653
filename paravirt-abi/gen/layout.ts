// Computes struct field offsets from the definition's field list. Layouts are explicit: every field must
// already sit at its natural alignment (the definition spells out padding as reserved fields), so the
// C compiler, i386 SysV quirks (u64 is 4-aligned in structs) and TypeScript all agree byte for byte.
import type { FieldType, StructDef, StructField } from "./model";

/** Size and natural alignment of a field type. */
export function fieldSizeAlign(t: FieldType): { size: number; align: number } {
  switch (t.kind) {
    case "u8":
      return { size: 1, align: 1 };
    case "u16":
      return { size: 2, align: 2 };
    case "u32":
    case "i32":
      return { size: 4, align: 4 };
    case "u64":
    case "i64":
      return { size: 8, align: 8 };
    case "char":
    case "u8array":
      return { size: t.count, align: 1 };
    default: {
      const never: never = t;
      throw new Error(`unknown field type ${JSON.stringify(never)}`);
    }
  }
}

/** Parses a field type string (u32, char[32], u8[248]); null when malformed. */
export function parseFieldType(s: string): FieldType | null {
  if (s === "u8" || s === "u16" || s === "u32" || s === "u64" || s === "i32" || s === "i64") return { kind: s };
  const m = /^(char|u8)\[([1-9][0-9]*)\]$/.exec(s);
  if (m === null || m[1] === undefined || m[2] === undefined) return null;
  return { kind: m[1] === "char" ? "char" : "u8array", count: Number(m[2]) };
}

/** Lays out fields in order; returns problems (implicit padding, tail not aligned) instead of a struct when any. */
export function layoutStruct(
  name: string,
  doc: string,
  fields: readonly { name: string; type: FieldType; doc: string }[],
): StructDef | string[] {
  const problems: string[] = [];
  const out: StructField[] = [];
  let offset = 0;
  let maxAlign = 1;
  for (const f of fields) {
    const { size, align } = fieldSizeAlign(f.type);
    if (offset % align !== 0) problems.push(`struct ${name}: field ${f.name} at offset ${offset} is not ${align}-aligned; add a reserved field`);
    maxAlign = Math.max(maxAlign, align);
    out.push({ name: f.name, type: f.type, offset, size, doc: f.doc });
    offset += size;
  }
  const tail = Math.max(maxAlign, 4);
  if (offset % tail !== 0) problems.push(`struct ${name}: size ${offset} is not a multiple of ${tail}; add a reserved field`);
  return problems.length > 0 ? problems : { name, doc, fields: out, size: offset };
}
