// Ring-0 test kernels for the CPU and PC pieces a third-party kernel needs (test/kernel/machine/pc-guests):
// each test boots the kernel with one command-line word, compares COM1 with the expected text kept in
// the repo and, when qemu-system-i386 is installed, with QEMU (the same output, byte for byte).
// QEMU 7.2's TCG is wrong where real processors are strict, so two tests are compared with the
// expected text only (the lines QEMU gets wrong are named below).
import { expect } from "chai";
import { spawnSync } from "child_process";
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { bootMultiboot } from "../../../kernel/machine/pc-boot";
import { REPO_ROOT } from "./boot-test-image";

const KERNEL = join(REPO_ROOT, "build", "guests", "test", "kernel", "machine", "pc-guests", "cpupc-test-O2.elf");
const EXPECTED = join(REPO_ROOT, "test", "kernel", "machine", "pc-guests", "expected");
const QEMU = "qemu-system-i386";

/** The tests; `qemu: false` with the reason QEMU's output differs. */
const TESTS: readonly { name: string; qemu: true | string }[] = [
  { name: "cpuid", qemu: true },
  // QEMU accepts PAT memory types 2/3 and reserved IA32_APIC_BASE bits, ignores a TSC write in RDTSC and
  // leaves CPUID.APIC clear after the APIC is enabled again.
  { name: "msr", qemu: "QEMU skips reserved-bit #GPs, TSC writes and CPUID.APIC after re-enable" },
  // QEMU keeps the APIC window at 0xFEE00000 whatever IA32_APIC_BASE says.
  { name: "apicreloc", qemu: "QEMU does not relocate the APIC window" },
  { name: "sysenter", qemu: true },
  { name: "desc", qemu: true },
  { name: "bcd", qemu: true },
  { name: "pit", qemu: true },
  { name: "task", qemu: true },
  // QEMU 7.2 aborts when FERR# raises IRQ13 from the CPU thread (tcg_handle_interrupt asserts that the
  // iothread lock is held; later QEMU takes it in fpu_check_raise_ferr_irq).
  { name: "ferr", qemu: "QEMU 7.2 aborts on FERR# (iothread-lock assertion)" },
];

function kernel(): Uint8Array {
  if (!existsSync(KERNEL)) throw new Error(`${KERNEL} is missing: run \`npm run build:guests\``);
  return new Uint8Array(readFileSync(KERNEL));
}

function ours(name: string): { out: string; end: string } {
  const chunks: Uint8Array[] = [];
  const r = bootMultiboot({ elf: kernel(), elfPath: KERNEL, commandLine: name, maxInstructions: 200_000_000, stdout: (b) => chunks.push(b.slice()) });
  return { out: Buffer.concat(chunks).toString("latin1"), end: r.end.kind === "debugExit" ? `exit ${r.end.status}` : r.end.kind };
}

let qemuChecked: boolean | undefined;
function qemuAvailable(): boolean {
  if (qemuChecked === undefined) {
    const r = spawnSync(QEMU, ["--version"], { encoding: "utf8" });
    qemuChecked = r.error === undefined && r.status === 0;
  }
  return qemuChecked;
}

describe("kernel/machine: CPU and PC test kernels (expected output, QEMU when installed)", function () {
  for (const t of TESTS) {
    it(`${t.name}: COM1 output is the expected text`, () => {
      const r = ours(t.name);
      expect(r.end).to.equal("exit 1"); // isa-debug-exit status (0 << 1) | 1
      expect(r.out).to.equal(readFileSync(join(EXPECTED, `${t.name}.txt`), "latin1"));
    });
  }
  for (const t of TESTS) {
    it(`${t.name}: same output as ${QEMU}`, function () {
      if (t.qemu !== true) {
        console.log(`      (not compared: ${t.qemu})`);
        this.skip();
      }
      if (!qemuAvailable()) {
        console.log(`      (skipped: ${QEMU} is not installed; it is only on hand-set-up development machines)`);
        this.skip();
      }
      // QEMU's default qemu32 CPU has no MTRR bit; apexvisor implements MTRRcap/MTRRdefType.
      const q = spawnSync(QEMU, ["-cpu", "qemu32,+mtrr", "-kernel", KERNEL, "-append", t.name, "-m", "64", "-serial", "stdio", "-display", "none", "-nodefaults", "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=4"], { input: "", encoding: "latin1", timeout: 30_000 });
      expect(ours(t.name).out).to.equal(q.stdout);
    });
  }
});
