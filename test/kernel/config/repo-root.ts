// Test helper: the repository root, found from the compiled test's location (dist/test/...).
import * as fs from "node:fs";
import * as path from "node:path";

/** The folder holding package.json above this file (works from both the sources and dist/). */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}
