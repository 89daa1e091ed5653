// The thin I/O shell of the config reader: reads a file, parses its XML and validates it. Every
// failure, including an unreadable file, comes back as diagnostics; nothing is thrown for bad input.
import * as fs from "node:fs";
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
  let source: string;
  try {
    source = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "";
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (err as Error).message;
    return { ok: false, errors: [{ pos: { file, line: 0, column: 0 }, message: `cannot read the file: ${why}` }] };
  }
  return validateText(source, file);
}
