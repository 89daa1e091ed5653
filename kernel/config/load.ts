// The thin I/O shell of the config reader: reads a file, parses its XML and validates it. Every
// failure, including an unreadable file, comes back as diagnostics; nothing is thrown for bad input.
import { INPUT_LIMITS, readFailure, readLimited } from "../host/read-limited";
import { decodeUtf8 } from "./utf8";
import { parseXmlTree } from "./xml-tree";
import { validateTree } from "./validate";
import type { ValidationResult } from "./validate";

/** Validates XML text as if it were the contents of `file` (pure; used by load and by tests). */
export function validateText(source: string, file: string): ValidationResult {
  const parsed = parseXmlTree(source, file);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  return validateTree(parsed.root, file);
}

/** Reads and validates the module configuration at `file`. */
export function loadConfig(file: string): ValidationResult {
  let bytes: Uint8Array;
  try {
    bytes = readLimited(file, INPUT_LIMITS.xml);
  } catch (err) {
    return { ok: false, errors: [{ pos: { file, line: 0, column: 0 }, message: `cannot read the file: ${readFailure(err)}` }] };
  }
  const text = decodeUtf8(bytes);
  if (!text.ok) return { ok: false, errors: [{ pos: { file, line: text.line, column: text.column }, message: `the file is not valid UTF-8 (byte 0x${text.byte.toString(16).padStart(2, "0")})` }] };
  return validateText(text.value, file);
}
