import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { repoRoot } from "../../config/repo-root";

const root = repoRoot();
function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, "bin", "apexvisor.js"), ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("kernel/cli/commands/bench: report paths checked before the benchmark", () => {
  for (const [flag, bad] of [["--json", "/proc/apexvisor-no/x.json"], ["--md", "/etc/passwd/x.md"], ["--html", "/"]] as const) {
    it(`${flag} ${bad}: one line, exit 6, nothing benchmarked`, () => {
      const r = run("bench", "--quick", flag, bad);
      expect(r.status, r.stderr).to.equal(6);
      expect(r.stdout).to.equal("");
      expect(r.stderr.trim().split("\n")).to.have.length(1);
      expect(r.stderr).to.match(/^apexvisor bench: cannot write /);
    });
  }
});
