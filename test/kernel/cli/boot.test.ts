import { expect } from "chai";
import { spawnSync } from "child_process";
import { writeFileSync } from "fs";
import { join } from "path";
import { BOOT_EXIT, exitStatusOf, parseInitrd, parseMemorySize } from "../../../kernel/cli/commands/boot";
import { bootTestImage, BOOT_TEST_ELF, REPO_ROOT } from "../machine/boot-test-image";
import { scratchDir } from "../../support/scratch-dir";

const CLI = join(REPO_ROOT, "bin", "apexvisor.js");

function cli(args: string[], input = ""): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("kernel/cli/commands/boot", () => {
  it("parses --memory sizes the way QEMU's -m does, capped at 512M", () => {
    expect(parseMemorySize("64M")).to.deep.equal({ ok: true, bytes: 64 * 1048576 });
    expect(parseMemorySize("512m")).to.deep.equal({ ok: true, bytes: 512 * 1048576 });
    expect(parseMemorySize("128")).to.deep.equal({ ok: true, bytes: 128 * 1048576 });
    expect(parseMemorySize("4096K")).to.deep.equal({ ok: true, bytes: 4 * 1048576 });
    expect(parseMemorySize("64MiB")).to.deep.equal({ ok: true, bytes: 64 * 1048576 });
    const big = parseMemorySize("1G");
    expect(!big.ok && big.message).to.match(/at most 512M/);
    expect(parseMemorySize("1M").ok).to.equal(false);
    expect(parseMemorySize("lots").ok).to.equal(false);
    expect(parseMemorySize("4095K").ok).to.equal(false);
  });
  it("splits --initrd entries as QEMU does: the path is the first word, the string the whole entry", () => {
    expect(parseInitrd("/a/m1.bin x=1 y,  /b/m2.bin ,")).to.deep.equal([
      { path: "/a/m1.bin", string: "/a/m1.bin x=1 y" },
      { path: "/b/m2.bin", string: "/b/m2.bin" },
    ]);
    expect(parseInitrd("")).to.deep.equal([]);
  });
  it("keeps its own exit statuses even so they never look like a debug-exit status", () => {
    for (const s of Object.values(BOOT_EXIT)) expect(s % 2).to.equal(0);
    expect(exitStatusOf({ kind: "debugExit", status: 0x1ff })).to.equal(0xff);
    expect(exitStatusOf({ kind: "tripleFault", eip: 0 })).to.equal(BOOT_EXIT.tripleFault);
  });
  it("runs a kernel: COM1 to stdout, exit status from isa-debug-exit, stdin to COM1", () => {
    bootTestImage();
    const r = cli(["boot", "--kernel", BOOT_TEST_ELF, "--append", "echo"], "abc\n");
    expect(r.stdout).to.contain("args=echo\necho:ABC\ndone\n");
    expect(r.stderr).to.equal("");
    expect(r.status).to.equal(0x21);
  });
  it("ends with one line on stderr and a non-zero status for each failure", () => {
    const dir = scratchDir("apexvisor-boot-");
    const junk = join(dir, "junk.elf");
    writeFileSync(junk, "#!/bin/sh\n");
    const cases: [string[], number, RegExp][] = [
      [["--kernel", junk], BOOT_EXIT.loadError, /junk\.elf: neither an ELF file nor a Multiboot kernel/],
      [["--kernel", join(dir, "missing.elf")], BOOT_EXIT.loadError, /cannot read .*missing\.elf: no such file/],
      [["--kernel", BOOT_TEST_ELF, "--memory", "1G"], BOOT_EXIT.usage, /at most 512M/],
      [["--kernel", BOOT_TEST_ELF, "--initrd", join(dir, "nomod.bin") + " arg"], BOOT_EXIT.loadError, /cannot read module .*nomod\.bin: no such file/],
      [["--kernel", BOOT_TEST_ELF, "--append", "hlt"], BOOT_EXIT.halted, /halted: cli; hlt/],
      [["--kernel", BOOT_TEST_ELF, "--append", "triple"], BOOT_EXIT.tripleFault, /triple fault/],
      [["--kernel", BOOT_TEST_ELF, "--append", "spin", "--max-instructions", "5000"], BOOT_EXIT.instructionLimit, /instruction limit \(5000 instructions\)/],
    ];
    for (const [args, status, message] of cases) {
      const r = cli(["boot", ...args]);
      expect(r.status, args.join(" ")).to.equal(status);
      expect(r.stderr.trimEnd().split("\n"), args.join(" ")).to.have.length(1);
      expect(r.stderr).to.match(message);
    }
  });
  it("documents defaults and exit statuses in --help", () => {
    const r = cli(["boot", "--help"]);
    expect(r.stdout).to.contain('[default: "64M"]');
    expect(r.stdout).to.contain("Exit status");
    expect(r.stdout).to.contain("(v << 1) | 1");
  });
});
