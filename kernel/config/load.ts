// The thin I/O shell of the config reader: reads a file through the host, parses its XML and validates
// it. Every failure, including an unreadable file, comes back as diagnostics; nothing is thrown for bad input.
import { describeFailure, utf8Text, type HostFiles } from "../host/files";
import { parseXmlTree } from "./xml-tree";
import { validateTree } from "./validate";
import type { ValidationResult } from "./validate";

/** Validates XML text as if it were the contents of `file` (pure; used by load and by tests). */
export function validateText(source: string, file: string): ValidationResult {
  const parsed = parseXmlTree(source, file);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  return validateTree(parsed.root, file);
}

/** Reads and validates the module configuration at `file` in `files`. */
export function loadConfig(file: string, files: HostFiles): ValidationResult {
  const read = files.read(file);
  if (!read.ok) return { ok: false, errors: [{ pos: { file, line: 0, column: 0 }, message: `cannot read the file: ${describeFailure(read)}` }] };
  return validateText(utf8Text(read.bytes), file);
}
