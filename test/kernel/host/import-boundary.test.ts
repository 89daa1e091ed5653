// The kernel's import boundaries. (1) Nothing under kernel/ imports from scripts/ or test/. (2) The
// kernel core, which the web page bundles for the browser, imports no Node builtin and touches no Node
// global: files, stdin and timers reach it through kernel/host interfaces. The core is all of kernel/
// except the host shells listed in HOST_SHELLS.
import { expect } from "chai";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import { repoRoot } from "../config/repo-root";
import { importsOf, tsFilesUnder, type ImportRef } from "./import-scan";

/**
 * Host shells: the CLI, the benchmark (host clocks, process memory, native reference programs) and the
 * Node implementations of the host interfaces. Everything else under kernel/ is core.
 */
export const HOST_SHELLS: readonly string[] = ["kernel/cli/", "kernel/bench/", "kernel/host/node/"];

/** Node globals that do not exist in a browser or a Web Worker. */
const NODE_GLOBALS = /\b(Buffer|__dirname|__filename)\b|\bprocess\.[A-Za-z]|\brequire\s*\(/;

const root = repoRoot();
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Where a relative import lands, relative to the repository root. */
export function landing(ref: ImportRef): string | undefined {
  if (!ref.specifier.startsWith(".")) return undefined;
  return path.posix.normalize(path.posix.join(path.posix.dirname(ref.file), ref.specifier));
}

/** Imports of `refs` that leave kernel/ for scripts/ or test/. */
export function crossings(refs: readonly ImportRef[]): ImportRef[] {
  return refs.filter((r) => {
    const to = landing(r);
    return to !== undefined && (to.startsWith("scripts/") || to.startsWith("test/"));
  });
}

/** Imports of `refs` that name a Node builtin. */
export function builtinImports(refs: readonly ImportRef[]): ImportRef[] {
  return refs.filter((r) => builtins.has(r.specifier));
}

function show(refs: readonly ImportRef[]): string {
  return refs.map((r) => `${r.file}:${r.line}: ${r.specifier}`).join("\n");
}

function isCore(file: string): boolean {
  return !HOST_SHELLS.some((s) => file.startsWith(s));
}

describe("kernel import boundaries", () => {
  const files = tsFilesUnder(root, "kernel");
  const refs = files.flatMap((f) => importsOf(f, fs.readFileSync(path.join(root, f), "utf8")));

  it("scans the whole kernel (the scan finds files and imports)", () => {
    expect(files.length).to.be.greaterThan(100);
    expect(refs.length).to.be.greaterThan(500);
  });

  it("nothing under kernel/ imports from scripts/ or test/", () => {
    expect(show(crossings(refs))).to.equal("");
  });

  it("the kernel core imports no Node builtin", () => {
    expect(show(builtinImports(refs.filter((r) => isCore(r.file))))).to.equal("");
  });

  it("the kernel core uses no Node global (Buffer, process, __dirname, require)", () => {
    const hits: string[] = [];
    for (const f of files.filter(isCore)) {
      const text = fs.readFileSync(path.join(root, f), "utf8");
      text.split("\n").forEach((l, i) => {
        const code = l.replace(/\/\/.*$/, "").replace(/^\s*\*.*$/, "");
        if (NODE_GLOBALS.test(code)) hits.push(`${f}:${i + 1}: ${l.trim()}`);
      });
    }
    expect(hits.join("\n")).to.equal("");
  });

  it("the checks catch what they guard against", () => {
    const sample = importsOf(
      "kernel/module/x.ts",
      `import { a } from "../../scripts/lib/y";\nimport * as fs from "node:fs";\nimport { b } from "path";\n// import { c } from "../../test/z";\nconst t = require("../../test/w");\n`,
    );
    expect(crossings(sample).map((r) => r.specifier)).to.deep.equal(["../../scripts/lib/y", "../../test/w"]);
    expect(builtinImports(sample).map((r) => r.specifier)).to.deep.equal(["node:fs", "path"]);
    expect(NODE_GLOBALS.test("const b = Buffer.from(x);")).to.equal(true);
    expect(isCore("kernel/module/run-module.ts")).to.equal(true);
    expect(isCore("kernel/cli/main.ts")).to.equal(false);
  });
});
