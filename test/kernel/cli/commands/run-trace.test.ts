import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { repoRoot } from "../../config/repo-root";

const root = repoRoot();
const MODULE = "partitions/demo/module.xml";
function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, "bin", "apexvisor.js"), ...args], { cwd: root, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("kernel/cli/commands/run: trace outputs", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "apexvisor-trace-"));

  it("refuses an unwritable trace path before the run, in one line, exit 6", () => {
    for (const bad of [dir, path.join(dir, "no", "such", "dir", "t.jsonl")]) {
      const r = run("run", MODULE, "--trace", bad);
      expect(r.status, r.stderr).to.equal(6);
      expect(r.stdout).to.equal(""); // nothing ran
      expect(r.stderr.trim().split("\n")).to.have.length(1);
      expect(r.stderr).to.match(/^apexvisor run: cannot write /);
    }
  });

  it("refuses --trace and --chrome-trace naming the same file", () => {
    const f = path.join(dir, "same.json");
    const r = run("run", MODULE, "--trace", f, "--chrome-trace", path.join(dir, ".", "same.json"));
    expect(r.status).to.equal(6);
    expect(r.stderr).to.contain("name the same file");
  });

  it("writes both traces as complete documents", () => {
    const j = path.join(dir, "t.jsonl");
    const c = path.join(dir, "t.json");
    const r = run("run", MODULE, "--trace", j, "--chrome-trace", c);
    expect(r.status, r.stderr).to.equal(0);
    const lines = readFileSync(j, "utf8").trim().split("\n");
    expect(lines.length).to.be.greaterThan(3);
    for (const l of lines) JSON.parse(l);
    const doc = JSON.parse(readFileSync(c, "utf8")) as { traceEvents: unknown[] };
    expect(doc.traceEvents.length).to.be.greaterThan(3);
  });
});
