// Issue 9's cut "with bytes in a UART FIFO" while host input is being paced in: run(N) with piped input ==
// run(k) + save + resume(N-k) in a new process fed the same input, for `boot` and for a module with
// `--console`. The guest (boot-test.c slowecho) reads COM1 in bursts, so bytes wait in the FIFO at the cut,
// and prints each burst's length: a pacing that restarted at the cut would split the bursts differently.
import { expect } from "chai";
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { readSnapshotFile } from "../../../kernel/host/node/snapshot-io";
import type { SnapshotMachine } from "../../../kernel/snapshot/snapshot-file";
import { BOOT_TEST_ELF, REPO_ROOT } from "../machine/boot-test-image";

const CLI = join(REPO_ROOT, "bin", "apexvisor.js");
const MODULE = join(REPO_ROOT, "test", "kernel", "snapshot", "console-input.xml");
const INPUT = "hello world, this is a paced line of input, long enough for bursts. and more after\n";

function cli(args: readonly string[], input: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, input, encoding: "utf8", timeout: 120_000, env: { ...process.env, FORCE_COLOR: "0" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The PC machine of a snapshot file: its UART FIFO and its recorded input position. */
function inputAtCut(file: string): { fifo: number; consumed: number; due: unknown } {
  const read = readSnapshotFile(file);
  if (!read.ok) throw new Error(read.error);
  const m = read.content.machines.find((x: SnapshotMachine) => x.kind === "pc");
  const uart = m?.devices.find((d) => d.unit.startsWith("uart16550"))?.state as { receiveFifo: number[] };
  const input = (m?.extra as { input: { consumed: number; dueInNs: unknown } | null }).input;
  if (input === null) throw new Error("no input position in the snapshot");
  return { fifo: uart.receiveFifo.length, consumed: input.consumed, due: input.dueInNs };
}

/** Console lines of `run`/`resume` output: everything before the summary's blank line. */
const body = (stdout: string): string => stdout.slice(0, Math.max(0, stdout.indexOf("\n\n") + 1));

describe("kernel/snapshot: a cut while console input is paced in resumes bit for bit with the same input", function () {
  this.timeout(300_000);
  let tmp = "";
  before(() => (tmp = mkdtempSync(join(tmpdir(), "apexvisor-input-"))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("boot: bytes in the FIFO at the cut; --restore fed the same input continues it; other input is refused; --fresh-input takes the rest as new input", () => {
    const boot = ["boot", "--kernel", BOOT_TEST_ELF, "--append", "slowecho"];
    const full = cli(boot, INPUT);
    expect(full.status, full.stderr).to.equal(33); // debug-exit(0x10) after the burst with the '.'
    expect(full.stdout).to.match(/\[1[0-9]\]/); // bursts of more than one byte: they waited in the FIFO
    const file = join(tmp, "boot.core");
    const first = cli([...boot, "--save-at-instructions", "160000", "--save", file], INPUT);
    expect(first.status, first.stderr).to.equal(0);
    const cut = inputAtCut(file);
    expect(cut.fifo, "bytes in the receive FIFO").to.be.greaterThan(0);
    expect(cut.consumed, "bytes read from stdin").to.be.within(1, INPUT.length - 1);
    expect(cut.due, "the pacing's next look is armed").to.not.equal(null);

    const second = cli(["boot", "--restore", file], INPUT);
    expect(second.status, second.stderr).to.equal(33);
    expect(first.stdout + second.stdout).to.equal(full.stdout);

    const other = cli(["boot", "--restore", file], INPUT.toUpperCase());
    expect(other.status).to.equal(12);
    expect(other.stderr.trim().split("\n")).to.have.length(1);
    expect(other.stderr).to.contain(`input: its first ${cut.consumed} bytes are not those the saved run read`);
    const short = cli(["boot", "--restore", file], INPUT.slice(0, 3));
    expect(short.status).to.equal(12);
    expect(short.stderr).to.contain("input: ended after 3 bytes");

    // New input that is the unread rest of the old one: the same continuation, the stream position now the user's.
    const fresh = cli(["boot", "--restore", file, "--fresh-input"], INPUT.slice(cut.consumed));
    expect(fresh.status, fresh.stderr).to.equal(33);
    expect(first.stdout + fresh.stdout).to.equal(full.stdout);
  });

  it("run --console: a mid-window cut with bytes in the FIFO; resume fed the same input prints what one uncut run prints", () => {
    const run = ["run", MODULE, "--console", "echo", "--no-color"];
    const full = cli([...run, "--duration", "30ms"], INPUT);
    expect(full.status, full.stderr).to.equal(0);
    expect(full.stdout).to.contain("[echo] done\n");
    const file = join(tmp, "module.core");
    const k = 6_500_001n; // inside the window [6 ms, 7 ms)
    const first = cli([...run, "--duration", `${k}ns`, "--save", file], INPUT);
    expect(first.status, first.stderr).to.equal(0);
    const cut = inputAtCut(file);
    expect(cut.fifo, "bytes in the receive FIFO").to.be.greaterThan(0);
    expect(cut.consumed, "bytes read from stdin").to.be.within(1, INPUT.length - 1);

    const second = cli(["resume", file, "--duration", `${30_000_000n - k}ns`, "--no-color"], INPUT);
    expect(second.status, second.stderr).to.equal(0);
    expect(body(first.stdout) + body(second.stdout)).to.equal(body(full.stdout));

    const other = cli(["resume", file, "--duration", "1ms"], "x");
    expect(other.status).to.equal(12);
    expect(other.stderr).to.match(/^apexvisor resume: machine note echo: input: ended after 1 bytes/);
  });
});
