// Boots Debian's i386 kernels (686 and rt-686-pae) with the example initramfs to /init and the busybox shell,
// and uses that shell the ways a user does: commands piped into `apexvisor boot`, and typed on a terminal.
// Not part of `npm test` (a boot is ~6 G guest instructions, many minutes of host time under load): run
// `npm run fetch:linux` once, then `npm run test:linux`. Skips with a message when build/linux/ has not been
// fetched; it never downloads anything itself.
//   - 686: the CLI from scratch with piped commands (the README's command line), ending with `poweroff -f`;
//   - rt-686-pae: booted in process to the shell prompt, which is saved as build/linux/rt-prompt.core;
//   - that prompt restored by the CLI twice: piped commands, then a pseudo-terminal session (python3's pty).
//     Both run on the last saved prompt (`--grep restored` reruns them in a minute or two).
import { expect } from "chai";
import { spawnSync } from "child_process";
import { existsSync, readFileSync, writeFileSync } from "fs";
import { join, resolve } from "path";
import { writeSnapshotFile } from "../../kernel/host/node/snapshot-io";
import { BootSession } from "../../kernel/machine/pc-boot";
import { saveMachine } from "../../kernel/snapshot/machine-state";
import { linuxCacheFiles } from "../../scripts/linux/cache";
import { INIT_BANNER, INIT_DONE } from "../../scripts/linux/initramfs";

const ROOT = resolve(__dirname, "..", "..", "..");
const CLI = join(ROOT, "bin", "apexvisor.js");
const PTY_HELPER = join(ROOT, "test", "linux", "pty-shell.py");
const files = linuxCacheFiles(ROOT);
const APPEND = "console=ttyS0 acpi=off";
/** Generous bound: the kernels reach the shell after ~6 G instructions. */
const MAX_INSTRUCTIONS = 20_000_000_000;
/** What no boot may print (QEMU's log of the same files has none of these). */
const BAD = /Oops|Kernel panic|BUG:|general protection fault|unchecked MSR access|WARNING:/;
/** Each boot's console, kept beside the kernels for comparing with QEMU's log (build/linux is never committed). */
const logFile = (flavour: string): string => join(ROOT, "build", "linux", `console-${flavour}.log`);
/** The shell's prompt once /init has started it on the console, then busybox's cursor-position query (ESC [6n). */
const PROMPT = /\/ # (\x1b\[6n)?$/;

function haveFiles(ctx: Mocha.Context, kernel: string): void {
  if (!existsSync(kernel) || !existsSync(files.initrd)) {
    console.log(`    skipped: ${kernel} or ${files.initrd} missing; run \`npm run fetch:linux\` (needs apt and Debian's i386 archive)`);
    ctx.skip();
  }
}

/** The /init output every boot shows (see scripts/linux/initramfs.ts). */
function expectInit(c: string, flavour: "686" | "rt-686-pae"): void {
  expect(c).to.contain("Linux version 6.1.0");
  expect(c).to.contain("Run /init as init process");
  expect(c).to.contain(INIT_BANNER);
  expect(c).to.match(flavour === "686" ? /Linux \(none\) 6\.1\.0-\d+-686 #1 SMP PREEMPT_DYNAMIC .* i686 GNU\/Linux/ : /Linux \(none\) 6\.1\.0-\d+-rt-686-pae #1 SMP PREEMPT_RT .* i686 GNU\/Linux/);
  expect(c).to.match(/cmdline: console=ttyS0 acpi=off/);
  expect(c).to.contain(INIT_DONE);
  // The keyboard answers its probe as on QEMU's PC (an IRQ1 edge per byte).
  expect(c).to.contain("input: AT Translated Set 2 keyboard");
  expect(c).to.not.match(BAD);
}

describe("Debian i386 Linux on apexvisor boot (build/linux)", function () {
  this.timeout(0);
  const prompt = join(ROOT, "build", "linux", "rt-prompt.core");

  it("686: `apexvisor boot` with piped commands reaches /init and the shell, runs them, and `poweroff -f` halts", function () {
    haveFiles(this, files.kernel686);
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [CLI, "boot", "--kernel", files.kernel686, "--initrd", files.initrd, "--memory", "128M", "--append", APPEND], {
      input: "uname -a\necho piped-$((6*7))\nls /\npoweroff -f\n",
      encoding: "latin1",
      maxBuffer: 64 << 20,
    });
    const c = r.stdout;
    writeFileSync(logFile("686"), c, "latin1");
    expectInit(c, "686");
    // Every piped byte reached the shell: the piped `uname -a` printed a second uname line, nothing is "not found".
    expect(c.match(/Linux \(none\) 6\.1\.0-\d+-686 /g)).to.have.length(2);
    expect(c).to.not.contain("not found");
    expect(c).to.contain("piped-42");
    expect(c.slice(c.lastIndexOf("ls /"))).to.contain("sbin"); // the listing of / (busybox may colour it)
    // No ACPI, no APM: Linux halts the CPU with interrupts off, which ends the run (exit status 8, "halted").
    expect(c).to.contain("reboot: System halted");
    const halted = /^apexvisor boot: guest halted: cli; hlt after (\d+) instructions\n$/.exec(r.stderr);
    expect(halted, r.stderr).to.not.equal(null);
    expect(r.status).to.equal(8);
    console.log(`    686: /init output, piped commands and poweroff -f after ${halted?.[1]} instructions, ${((Date.now() - t0) / 1000).toFixed(0)} s host time (/init's ${/uptime: [\d.]+/.exec(c)?.[0] ?? "no uptime line"} s)`);
  });

  it("rt-686-pae: boots to /init and the shell prompt (PAE with NX), saved there as a snapshot", function () {
    haveFiles(this, files.kernelRt);
    const t0 = Date.now();
    const out: string[] = [];
    const dec = new TextDecoder();
    let initAt = 0;
    let session: BootSession | undefined;
    const created = BootSession.create({
      elf: new Uint8Array(readFileSync(files.kernelRt)),
      elfPath: files.kernelRt,
      memoryBytes: 128 << 20,
      commandLine: APPEND,
      modules: [{ data: new Uint8Array(readFileSync(files.initrd)), string: files.initrd }],
      stdout: (b) => {
        out.push(dec.decode(b, { stream: true }));
        if (initAt === 0 && out.join("").includes("Run /init")) initAt = session?.pc.cpu.instructions ?? 0;
      },
      maxInstructions: MAX_INSTRUCTIONS,
    });
    if (!created.ok) expect.fail(created.message);
    const s = (session = created.session);
    let c = "";
    for (;;) {
      const r = s.slice();
      c = out.join("");
      if (c.includes(INIT_DONE) && PROMPT.test(c)) break;
      if (r !== null) expect.fail(`the boot ended before the shell prompt: ${JSON.stringify(r === "paused" ? r : r.end)}\n${c.slice(-2000)}`);
    }
    writeFileSync(logFile("rt-686-pae"), c);
    expectInit(c, "rt-686-pae");
    expect(c).to.contain("NX (Execute Disable) protection: active");
    const instructions = s.pc.cpu.instructions;
    const machine = saveMachine("boot", "pc", s.pc.memory, s.pc.cpu, s.pc, 0, { idleCycles: s.clock.idleCycles });
    const p = s.params;
    const w = writeSnapshotFile(prompt, {
      kind: "boot",
      params: { kernel: files.kernelRt, append: APPEND, memoryBytes: p.memoryBytes, clockHz: p.clockHz, debugConsole: p.debugConsole, serialConsole: true, instructions },
      machines: [machine],
      kernel: null,
    });
    if (!w.ok) expect.fail(w.error);
    console.log(`    rt-686-pae: "Run /init" after ${initAt} instructions, the prompt after ${instructions} (${((Date.now() - t0) / 1000).toFixed(0)} s host time)`);
  });

  it("piped commands at the restored rt shell run, and `exit` powers off through port 0xF4 (status 1)", function () {
    if (!existsSync(prompt)) this.skip();
    const r = spawnSync(process.execPath, [CLI, "boot", "--restore", prompt], { input: "echo piped-$((6*7))\nuname -r\ncat /proc/sys/kernel/osrelease\nexit\n", encoding: "latin1" });
    expect(r.stdout).to.contain("piped-42");
    // uname -r and osrelease. The tty echoes typed-ahead bytes while a command runs, so the outputs may share a
    // line with echoed input (as on a real serial terminal): count the release strings, not whole lines.
    expect(r.stdout.match(/6\.1\.0-\d+-rt-686-pae/g)).to.have.length(2);
    expect(r.stdout).to.not.match(BAD);
    expect(r.stderr).to.equal("");
    expect(r.status).to.equal(1);
  });

  it("an interactive session on a terminal at the restored rt shell: `ls /` and `echo hi` answer, Ctrl-A x quits", function () {
    if (!existsSync(prompt)) this.skip();
    const probe = spawnSync("python3", ["-c", "import pty, os; os.waitstatus_to_exitcode"], { encoding: "utf8" });
    if (probe.error !== undefined || probe.status !== 0) {
      console.log("    skipped: python3 with the pty module is not installed");
      this.skip();
    }
    // The terminal keeps ONLCR in raw mode (libuv), so the guest's "hi\r\n" shows as "hi\r\r\n".
    const steps = [["ls /", "sbin"], ["echo hi", "\nhi\r"]];
    // The prompt is already on the screen in the snapshot: start typing at once.
    const r = spawnSync("python3", [PTY_HELPER, JSON.stringify(steps), process.execPath, CLI, "boot", "--restore", prompt], { encoding: "latin1", env: { ...process.env, PTY_WAIT: "" } });
    const screen = r.stdout;
    expect(screen.slice(screen.indexOf("ls /"))).to.contain("sbin");
    expect(screen).to.contain("\nhi\r");
    expect(screen).to.contain("apexvisor boot: terminated by Ctrl-A x");
    expect(screen).to.match(/STATUS 0\n$/);
  });
});
