// Diagnostics of the config reader: one located, user-actionable error message each, plus the
// sorting and formatting every consumer shares. No reading or checking of XML here.
import type { SourcePos } from "./model";

/** One problem found in a configuration file. `pos.line` 0 means "the file as a whole". */
export interface Diagnostic {
  readonly pos: SourcePos;
  readonly message: string;
}

/** Collects diagnostics while reading; the validator's only side channel. */
export class DiagnosticSink {
  private readonly items: Diagnostic[] = [];

  /** Records an error at `pos`. */
  error(pos: SourcePos, message: string): void {
    this.items.push({ pos, message });
  }

  /** Number of errors recorded so far (callers compare counts to see whether a part read cleanly). */
  get count(): number {
    return this.items.length;
  }

  /** Every error, sorted by position then message, without exact duplicates. */
  sorted(): readonly Diagnostic[] {
    return sortDiagnostics(this.items);
  }
}

/** Sorts by file, line, column, then message, and drops exact duplicates: a deterministic order. */
export function sortDiagnostics(items: readonly Diagnostic[]): readonly Diagnostic[] {
  const sorted = [...items].sort(
    (a, b) =>
      cmp(a.pos.file, b.pos.file) ||
      a.pos.line - b.pos.line ||
      a.pos.column - b.pos.column ||
      cmp(a.message, b.message),
  );
  return sorted.filter((d, i) => {
    const prev = i > 0 ? sorted[i - 1] : undefined;
    return !prev || formatDiagnostic(prev) !== formatDiagnostic(d);
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `file:line:column: error: message`, `file:line: error: message` when only the line is known (column 0,
 * as from the XSD checker), or `file: error: message` for whole-file problems.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.pos.line > 0 ? (d.pos.column > 0 ? `${d.pos.file}:${d.pos.line}:${d.pos.column}` : `${d.pos.file}:${d.pos.line}`) : d.pos.file;
  return `${where}: error: ${d.message}`;
}
