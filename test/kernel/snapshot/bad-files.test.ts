// Bad snapshot files on the command line: missing, truncated, foreign (an ELF that is not a core, a
// file that is not ELF) and of the wrong kind give one line on stderr, nothing on stdout and exit 12 from
// every command that reads a snapshot (resume, boot --restore, snapshot info, snapshot extract).
import { expect } from "chai";
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { BOOT_TEST_ELF, REPO_ROOT } from "../machine/boot-test-image";

const CLI = join(REPO_ROOT, "bin", "apexvisor.js");

function cli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, input: "", encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("kernel/snapshot: bad snapshot files give one line and exit 12", function () {
  this.timeout(300_000);
  let tmp = "";
  before(() => (tmp = mkdtempSync(join(tmpdir(), "apexvisor-badsnap-"))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("missing, truncated, a non-core ELF and a non-ELF file, to each of the four commands", () => {
    const good = join(tmp, "good.core");
    const saved = cli(["boot", "--kernel", BOOT_TEST_ELF, "--append", "initcount", "--save-at-instructions", "1500", "--save", good]);
    expect(saved.status, saved.stderr).to.equal(0);
    const files: Record<string, string> = { missing: join(tmp, "missing.core"), truncated: join(tmp, "truncated.core"), foreign: BOOT_TEST_ELF, text: join(tmp, "text.core") };
    writeFileSync(files["truncated"]!, readFileSync(good).subarray(0, 4000));
    writeFileSync(files["text"]!, "not a snapshot at all, just some text that is longer than an ELF header\n");
    const reasons: Record<string, RegExp> = { missing: /cannot read: ENOENT/, truncated: /truncated/, foreign: /ELF header: e_type 2 is not ET_CORE/, text: /ELF header: bad magic/ };
    for (const [what, file] of Object.entries(files)) {
      for (const cmd of [["resume", file], ["boot", "--restore", file], ["snapshot", "info", file], ["snapshot", "extract", file, "--partition", "boot", "-o", join(tmp, "out.core")]]) {
        const r = cli(cmd);
        const label = `${what}: ${cmd.slice(0, 2).join(" ")}`;
        expect(r.status, label).to.equal(12);
        expect(r.stdout, label).to.equal("");
        expect(r.stderr.trim().split("\n"), label).to.have.length(1);
        expect(r.stderr, label).to.match(reasons[what]!);
      }
    }
  });

  it("the wrong kind: a boot snapshot to resume, an extracted partition to resume and to boot --restore", () => {
    const good = join(tmp, "kind.core");
    expect(cli(["boot", "--kernel", BOOT_TEST_ELF, "--append", "initcount", "--save-at-instructions", "1500", "--save", good]).status).to.equal(0);
    const part = join(tmp, "part.core");
    expect(cli(["snapshot", "extract", good, "--partition", "boot", "-o", part]).status).to.equal(0);
    const cases: readonly [readonly string[], RegExp][] = [
      [["resume", good], /: a boot snapshot; continue it with `apexvisor boot --restore`$/],
      [["resume", part], /: one partition extracted for gdb .*not restorable/],
      [["boot", "--restore", part], /: one partition extracted for gdb .*not restorable/],
    ];
    for (const [cmd, re] of cases) {
      const r = cli(cmd);
      expect(r.status, cmd.join(" ")).to.equal(12);
      expect(r.stderr.trim().split("\n"), cmd.join(" ")).to.have.length(1);
      expect(r.stderr.trim(), cmd.join(" ")).to.match(re);
    }
  });
});
