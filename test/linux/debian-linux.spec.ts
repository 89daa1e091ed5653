// Boots Debian's i386 kernels (686 and rt-686-pae) with the example initramfs to the busybox shell, feeds the
// shell piped commands and checks /init's output. Not part of `npm test` (a boot is ~6.5 G guest instructions,
// minutes of host time): run `npm run fetch:linux` once, then `npm run test:linux`. Skips with a message when
// build/linux/ has not been fetched; it never downloads anything itself.
import { expect } from "chai";
import { existsSync, readFileSync } from "fs";
import { resolve } from "path";
import { bootMultiboot } from "../../kernel/machine/pc-boot";
import { linuxCacheFiles } from "../../scripts/linux/cache";
import { INIT_BANNER, INIT_DONE } from "../../scripts/linux/initramfs";

const ROOT = resolve(__dirname, "..", "..", "..");
const files = linuxCacheFiles(ROOT);
/** Generous bound: the 686 kernel reaches the shell after ~6.5 G instructions. */
const MAX_INSTRUCTIONS = 20_000_000_000;

function bootToShell(kernel: string): { console: string; status: number | null; instructions: number } {
  const out: string[] = [];
  const dec = new TextDecoder();
  const r = bootMultiboot({
    elf: new Uint8Array(readFileSync(kernel)),
    elfPath: kernel,
    memoryBytes: 128 << 20,
    commandLine: "console=ttyS0 acpi=off",
    modules: [{ data: new Uint8Array(readFileSync(files.initrd)), string: files.initrd }],
    stdout: (b) => out.push(dec.decode(b, { stream: true })),
    // Typed at the shell as a pipe would: arithmetic proves the shell ran it; exit powers off through port 0xF4.
    stdin: new TextEncoder().encode("echo piped-$((6*7)); cat /proc/sys/kernel/osrelease\nexit\n"),
    maxInstructions: MAX_INSTRUCTIONS,
  });
  return { console: out.join(""), status: r.end.kind === "debugExit" ? r.end.status : null, instructions: r.instructions };
}

describe("Debian i386 Linux on apexvisor boot (build/linux)", function () {
  this.timeout(4 * 3600 * 1000);
  for (const [flavour, kernel] of [["686", files.kernel686], ["rt-686-pae", files.kernelRt]] as const) {
    it(`${flavour}: boots to /init and the busybox shell, runs piped commands, powers off`, function () {
      if (!existsSync(kernel) || !existsSync(files.initrd)) {
        console.log(`    skipped: ${kernel} or ${files.initrd} missing; run \`npm run fetch:linux\` (needs apt and Debian's i386 archive)`);
        this.skip();
      }
      const r = bootToShell(kernel);
      const c = r.console;
      expect(c).to.contain("Linux version 6.1.0");
      expect(c).to.contain("Run /init as init process");
      expect(c).to.contain(INIT_BANNER);
      expect(c).to.match(/Linux \(none\) 6\.1\.0-\d+-(rt-)?686(-pae)? .* i686 GNU\/Linux/);
      expect(c).to.contain(INIT_DONE);
      expect(c).to.contain("piped-42");
      if (flavour === "rt-686-pae") expect(c).to.contain("NX (Execute Disable) protection: active");
      expect(c).to.not.match(/Oops|Kernel panic|BUG:|general protection fault|unchecked MSR access/);
      expect(r.status).to.equal(1); // /init wrote 0 to isa-debug-exit
      console.log(`    ${flavour}: ${r.instructions} instructions to power-off`);
    });
  }
});

