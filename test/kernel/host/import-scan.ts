// Test helper: lists kernel/ source files and the module specifiers each one imports (static imports,
// re-exports, dynamic import() and require()), so the boundary tests can judge them. Comments are skipped.
import * as fs from "node:fs";
import * as path from "node:path";

/** One import of one source file. */
export interface ImportRef {
  /** Path of the importing file relative to the repository root, with "/" separators. */
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
}

/** Every .ts file under `dir` (recursively), relative to `root`, sorted. */
export function tsFilesUnder(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith(".ts")) out.push(path.relative(root, full).split(path.sep).join("/"));
    }
  };
  walk(path.join(root, dir));
  return out.sort();
}

const PATTERNS: readonly RegExp[] = [
  /\bfrom\s+["']([^"']+)["']/g,
  /^\s*import\s+["']([^"']+)["']/g,
  /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
];

/** The imports in TypeScript `source` (line comments and block comments are blanked first). */
export function importsOf(file: string, source: string): ImportRef[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " ")).replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
  const refs: ImportRef[] = [];
  text.split("\n").forEach((lineText, i) => {
    for (const re of PATTERNS) {
      for (const m of lineText.matchAll(re)) {
        if (m[1] !== undefined) refs.push({ file, line: i + 1, specifier: m[1] });
      }
    }
  });
  return refs;
}
