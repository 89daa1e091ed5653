import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { joinNegativeValues } from "../../../../kernel/cli/main";
import { repoRoot } from "../../config/repo-root";

const root = repoRoot();
function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, "bin", "apexvisor.js"), ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectUsage(r: { status: number | null; stdout: string; stderr: string }, text: string): void {
  expect(r.status, r.stderr).to.equal(2);
  expect(r.stderr).to.contain(text);
  expect(r.stderr).not.to.contain("    at ");
  expect(r.stdout).to.equal("");
}

describe("kernel/cli: argument validation", () => {
  it("test --limit-ms takes a whole number above 0", () => {
    for (const v of ["abc", "1.5", "0", "-1"]) expectUsage(run("test", "--limit-ms", v), "--limit-ms must be a whole number");
  });

  it("test --group names an existing group, and lists them when not", () => {
    const r = run("test", "--group", "nope");
    expectUsage(r, "--group nope: no such group (groups: core");
  });

  it("run --duration -5ms is read as a (bad) duration, not as flags", () => {
    expectUsage(run("run", "partitions/demo/module.xml", "--duration", "-5ms"), 'duration "-5ms" is negative');
    expect(joinNegativeValues(["run", "m.xml", "--duration", "-5ms", "--frames", "2"])).to.deep.equal(["run", "m.xml", "--duration=-5ms", "--frames", "2"]);
  });

  it("run --duration garbage and --frames garbage are one-line usage errors", () => {
    expectUsage(run("run", "partitions/demo/module.xml", "--duration", "abc"), 'duration "abc" is not a number');
    expectUsage(run("run", "partitions/demo/module.xml", "--frames", "abc"), "--frames must be a positive whole number");
  });
});
