// Boots the test kernel under qemu-system-i386 and under apexvisor and compares COM1 output and exit
// status. QEMU is installed by hand on development machines only: without it the test skips and says so.
import { expect } from "chai";
import { spawnSync } from "child_process";
import { writeFileSync } from "fs";
import { join } from "path";
import { bootTestImage, BOOT_TEST_ELF, REPO_ROOT } from "./boot-test-image";
import { scratchDir } from "../../support/scratch-dir";

const QEMU = "qemu-system-i386";

function qemuAvailable(): boolean {
  const r = spawnSync(QEMU, ["--version"], { encoding: "utf8" });
  return r.error === undefined && r.status === 0;
}

function run(cmd: string, args: string[]): { out: string; status: number | null } {
  const r = spawnSync(cmd, args, { input: "", encoding: "latin1", timeout: 60_000 });
  return { out: r.stdout, status: r.status };
}

describe("kernel/machine: same kernel, same output as QEMU", function () {
  before(function () {
    if (!qemuAvailable()) {
      console.log(`      (skipped: ${QEMU} is not installed; it is only on hand-set-up development machines)`);
      this.skip();
    }
    bootTestImage();
  });
  it("--append mods --initrd with two modules", function () {
    const dir = scratchDir("apexvisor-initrd-");
    writeFileSync(join(dir, "m1.bin"), "module one data");
    writeFileSync(join(dir, "m2.bin"), "x".repeat(5000));
    const initrd = `${join(dir, "m1.bin")} arg1 arg2,${join(dir, "m2.bin")}`;
    const q = run(QEMU, ["-kernel", BOOT_TEST_ELF, "-append", "mods", "-initrd", initrd, "-m", "64", "-serial", "stdio", "-display", "none", "-nodefaults", "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]);
    const ours = run(process.execPath, [join(REPO_ROOT, "bin", "apexvisor.js"), "boot", "--kernel", BOOT_TEST_ELF, "--append", "mods", "--initrd", initrd]);
    expect(ours.out).to.contain("mods=2");
    expect(ours.out).to.equal(q.out);
    expect(ours.status).to.equal(q.status);
  });
  for (const [append, memory] of [["", "64"], ["exit 5", "64"], ["timer", "64"], ["", "512"], ["hlt", "64"]] as const) {
    it(`--append "${append}" --memory ${memory}M`, function () {
      const qemuArgs = ["-kernel", BOOT_TEST_ELF, "-append", append, "-m", memory, "-serial", "stdio", "-display", "none", "-nodefaults", "-no-reboot"];
      qemuArgs.push("-device", "isa-debug-exit,iobase=0xf4,iosize=4");
      const cli = join(REPO_ROOT, "bin", "apexvisor.js");
      const ours = run(process.execPath, [cli, "boot", "--kernel", BOOT_TEST_ELF, "--append", append, "--memory", `${memory}M`, "--max-instructions", "50000000"]);
      if (append === "hlt") {
        // QEMU sits in cli; hlt forever: compare the output it printed before it was stopped.
        const q = spawnSync(QEMU, qemuArgs, { input: "", encoding: "latin1", timeout: 3_000 });
        expect(ours.out).to.equal(q.stdout);
        return;
      }
      const q = run(QEMU, qemuArgs);
      expect(ours.out).to.equal(q.out);
      expect(ours.status).to.equal(q.status);
    });
  }
});
