// `apexvisor boot` and `run --console` console input as a user meets it: a piped session with a
// shell-like guest (COM1 interrupts) and the same through the PS/2 keyboard, an endless pipe that must not
// hold up the start, resets reported with their cause, and interactive sessions on a pseudo-terminal
// (python3's pty).
import { expect } from "chai";
import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import { join } from "path";
import { REPO_ROOT } from "../machine/boot-test-image";

const KERNEL = join(REPO_ROOT, "build", "guests", "test", "kernel", "machine", "pc-guests", "cpupc-test-O2.elf");
const CLI = join(REPO_ROOT, "bin", "apexvisor.js");
const EXPECTED = join(REPO_ROOT, "test", "kernel", "machine", "pc-guests", "expected");
/** One FV partition "term" running the same kernel's shell. */
const MODULE = join(REPO_ROOT, "test", "kernel", "cli", "console-module.xml");

function hasPty(): boolean {
  const probe = spawnSync("python3", ["-c", "import pty, os; os.waitstatus_to_exitcode"], { encoding: "utf8" });
  return probe.error === undefined && probe.status === 0;
}

function boot(args: string[], input: string): { out: string; err: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, "boot", "--kernel", KERNEL, ...args], { input, encoding: "latin1", timeout: 60_000 });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

describe("kernel/cli/console-input: boot's console input", function () {
  it("a shell-like guest reads piped lines through COM1 receive interrupts and echoes them, the same every run", () => {
    const a = boot(["--append", "shell"], "hello\nworld\nexit\n");
    expect(a.out).to.equal(readFileSync(join(EXPECTED, "shell.txt"), "latin1"));
    expect(a.status).to.equal(1);
    expect(boot(["--append", "shell"], "hello\nworld\nexit\n").out).to.equal(a.out);
  });

  it("the same lines typed on the PS/2 keyboard (i8042, scan code set 1)", () => {
    const r = boot(["--append", "kbd"], "Hello kbd\nexit\n");
    expect(r.out).to.equal(readFileSync(join(EXPECTED, "kbd.txt"), "latin1"));
    expect(r.status).to.equal(1);
  });

  it("an endless pipe does not hold up the start", () => {
    const r = spawnSync("sh", ["-c", `yes | "${process.execPath}" "${CLI}" boot --kernel "${KERNEL}" --append cpuid`], { encoding: "latin1", timeout: 60_000 });
    expect(r.stdout).to.equal(readFileSync(join(EXPECTED, "cpuid.txt"), "latin1"));
    expect(r.status).to.equal(1);
  });

  it("a reset through the i8042 ends the run with its cause on stderr; --reboot boots again", () => {
    const r = boot(["--append", "reset"], "");
    expect(r.status).to.equal(14); // BOOT_EXIT.reset
    expect(r.err).to.match(/^apexvisor boot: machine reset: i8042 reset line pulsed \(command 0xfe\) after \d+ instructions \(--reboot boots again\)\n$/);
    const again = boot(["--append", "reset", "--reboot", "--max-instructions", "3000"], "");
    expect(again.out.startsWith("pulsing the reset line\n".repeat(2))).to.equal(true);
    expect(again.err.split("\n").filter((l) => l.includes("i8042 reset line pulsed (command 0xfe); booting again"))).to.have.length(2);
    expect(again.status).to.equal(10);
  });

  it("--reboot with --gdb or --control is refused in one line, and --help says why", () => {
    for (const extra of [["--gdb", "127.0.0.1:0"], ["--control", "/tmp/apexvisor-never.sock"]]) {
      const r = boot(["--append", "reset", "--reboot", ...extra], "");
      expect(r.status).to.equal(2);
      expect(r.err).to.equal("apexvisor boot: --reboot cannot be combined with --gdb or --control (the debugger holds the first machine's vCPU)\n");
    }
    const help = spawnSync(process.execPath, [CLI, "boot", "--help"], { encoding: "utf8" });
    expect(help.stdout).to.contain("--reboot is refused with --gdb or --control: a reboot builds a new machine");
  });

  it("an interactive session on a pseudo-terminal: typed lines echo, Ctrl-A x quits", function () {
    if (!hasPty()) {
      console.log("      (skipped: python3 with the pty module is not installed)");
      this.skip();
    }
    const r = spawnSync("python3", [join(REPO_ROOT, "test", "kernel", "cli", "pty-session.py"), process.execPath, CLI, "boot", "--kernel", KERNEL, "--append", "shell"], { encoding: "latin1", timeout: 90_000 });
    expect(r.stdout).to.contain("you typed: hello pty");
    expect(r.stdout).to.contain("you typed: second line");
    expect(r.stdout).to.contain("apexvisor boot: terminated by Ctrl-A x");
    expect(r.stdout).to.match(/STATUS 0\n$/);
  });
});

describe("kernel/cli/console-input: run --console", function () {
  const run = (args: string[], input: string) => spawnSync(process.execPath, [CLI, "run", MODULE, "--console", "term", ...args], { input, encoding: "latin1", timeout: 60_000 });

  it("piped lines reach the FV partition's shell and echo, the same every run", () => {
    const a = run(["--duration", "20ms"], "hello\nexit\n");
    expect(a.stdout).to.contain("[term] you typed: hello\n").and.to.contain("[term] you typed: exit\n");
    expect(a.stdout).to.contain("partition term stopped itself (debug-exit status 1)");
    expect(a.status).to.equal(0);
    expect(a.stderr).to.equal("");
    expect(run(["--duration", "20ms"], "hello\nexit\n").stdout).to.equal(a.stdout);
  });

  it("an endless pipe is read as a stream: the run starts and ends on time", () => {
    const r = spawnSync("sh", ["-c", `yes | "${process.execPath}" "${CLI}" run "${MODULE}" --console term --duration 5ms`], { encoding: "latin1", timeout: 60_000 });
    expect(r.stdout).to.contain("[term] you typed: y\n");
    expect(r.stdout).to.contain("ran 5 ms of virtual time");
    expect(r.status).to.equal(0);
  });

  it("an interactive session on a pseudo-terminal: raw mode, typed lines echo, Ctrl-A x ends the run with status 0", function () {
    if (!hasPty()) {
      console.log("      (skipped: python3 with the pty module is not installed)");
      this.skip();
    }
    const r = spawnSync("python3", [join(REPO_ROOT, "test", "kernel", "cli", "pty-session.py"), process.execPath, CLI, "run", MODULE, "--console", "term", "--duration", "600s", "--no-color"], {
      encoding: "latin1",
      timeout: 90_000,
      env: { ...process.env, PTY_WAIT: "typed input makes the run non-deterministic" },
    });
    expect(r.stdout).to.contain("reads this terminal in raw mode (Ctrl-A x quits)");
    expect(r.stdout).to.contain("[term] you typed: hello pty");
    expect(r.stdout).to.contain("[term] you typed: second line");
    expect(r.stdout).to.contain("Ctrl-A x on the console of term");
    expect(r.stdout).to.match(/STATUS 0\n$/);
  });
});
