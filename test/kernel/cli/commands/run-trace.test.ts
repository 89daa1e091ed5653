import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../config/repo-root";
import { scratchDir } from "../../../support/scratch-dir";

const root = repoRoot();
const MODULE = "partitions/demo/module.xml";
function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, "bin", "apexvisor.js"), ...args], { cwd: root, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("kernel/cli/commands/run: trace outputs", () => {
  const dir = scratchDir("apexvisor-trace-");

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

  it("a partition that fails to load leaves no new trace file and an older one untouched", () => {
    // The sensor's image is a Multiboot program linked at 1 MiB: a PV partition cannot load it.
    const xml = readFileSync(path.join(root, MODULE), "utf8")
      .replace("../../build/guests/partitions/demo/apps/sensor-trap-O2.elf", path.join(root, "build/guests/test/programs/crc-O2.elf"))
      .replace(/\.\.\/\.\.\/build/g, path.join(root, "build"));
    const m = path.join(dir, "unloadable.xml");
    writeFileSync(m, xml);
    const fresh = path.join(dir, "fresh.jsonl");
    const older = path.join(dir, "older.json");
    writeFileSync(older, "kept\n");
    const r = run("run", m, "--trace", fresh, "--chrome-trace", older);
    expect(r.status, r.stderr).to.equal(4);
    expect(existsSync(fresh)).to.equal(false);
    expect(readFileSync(older, "utf8")).to.equal("kept\n");
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
