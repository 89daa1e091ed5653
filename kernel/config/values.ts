// Lexical rules of the ARINC 653 schema's simple types other than time: DecOrHexValueType integers,
// xs:boolean and NameType. Pure parsers returning a value or a reason; no diagnostics here.

export type ValueParse<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const DEC_OR_HEX = /^([+-]?)(?:0[xX]([0-9a-fA-F]+)|([0-9]+))$/;

/** Maximum length of a NameType (APEX MAX_NAME_LENGTH). */
export const MAX_NAME_LENGTH = 30;

/** Parses a DecOrHexValueType (optional sign, then decimal digits or 0x-hex) within [min, max]. */
export function parseDecOrHex(raw: string, min: number, max: number): ValueParse<number> {
  const m = DEC_OR_HEX.exec(raw.trim());
  if (!m) return { ok: false, reason: 'is not an integer (write decimal like "4096" or hex like "0x1000")' };
  const magnitude = m[2] !== undefined ? BigInt("0x" + m[2]) : BigInt(m[3] ?? "0");
  const value = m[1] === "-" ? -magnitude : magnitude;
  if (value < BigInt(min) || value > BigInt(max)) return { ok: false, reason: `is out of range ${min}..${max}` };
  return { ok: true, value: Number(value) };
}

/** Parses an xs:boolean: true, false, 1 or 0. */
export function parseBoolean(raw: string): ValueParse<boolean> {
  switch (raw.trim()) {
    case "true":
    case "1":
      return { ok: true, value: true };
    case "false":
    case "0":
      return { ok: true, value: false };
    default:
      return { ok: false, reason: 'is not a boolean (write "true" or "false")' };
  }
}

/** Checks a NameType: 1 to 30 characters. */
export function parseName(raw: string): ValueParse<string> {
  if (raw.length === 0) return { ok: false, reason: "is empty; names need 1 to 30 characters" };
  if (raw.length > MAX_NAME_LENGTH) {
    return { ok: false, reason: `is ${raw.length} characters long; names may have at most ${MAX_NAME_LENGTH}` };
  }
  return { ok: true, value: raw };
}
