// QEMU as a second reference for bench:cpu: boots a benchmark guest under qemu-system-i386 (TCG, the same
// Multiboot image) and times it from outside. QEMU has no instruction counter we can read, and its
// firmware takes a while, so a guest's speed is taken as a difference: host time of the run with the
// bench's iterations minus host time of the same guest with iters=1 (boot, firmware, exit alike), over the
// instructions between those two runs as apexvisor counts them (the same code runs the same instructions).
import { spawnSync } from "child_process";
import { median } from "./stats";

/** The QEMU binary used (looked up on PATH). */
export const QEMU_I386 = "qemu-system-i386";

/** The iteration count of the baseline run. */
export const BASELINE_COMMAND_LINE = "iters=1";

/** QEMU's version line, or undefined when it cannot be started here. */
export function qemuVersion(): string | undefined {
  const r = spawnSync(QEMU_I386, ["--version"], { encoding: "utf8" });
  if (r.error !== undefined || r.status !== 0) return undefined;
  return r.stdout.split("\n")[0]?.trim();
}

function args(elfPath: string, commandLine: string | undefined): string[] {
  return [
    "-nodefaults",
    "-machine", "isapc", // no PCI: COM1 and the exit port are all the guests use
    "-cpu", "pentium3", // the guests are built for i686 (cmov)
    "-accel", "tcg",
    "-m", "16",
    "-kernel", elfPath,
    "-serial", "stdio",
    "-display", "none",
    "-no-reboot",
    "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
    ...(commandLine === undefined ? [] : ["-append", commandLine]),
  ];
}

/** One QEMU run: host ms of the whole process, its serial output and whether it exited as the guest meant. */
interface QemuRun {
  readonly ms: number;
  readonly stdout: string;
  readonly ok: boolean;
}

/** isa-debug-exit ends QEMU with (v << 1) | 1; a guest's rt_exit(0) writes v = 0. */
const SUCCESS_EXIT = 1;

function runOnce(elfPath: string, commandLine: string | undefined, timeoutMs: number): QemuRun {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(QEMU_I386, args(elfPath, commandLine), { timeout: timeoutMs, stdio: ["ignore", "pipe", "ignore"] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, stdout: r.stdout === null ? "" : r.stdout.toString("latin1"), ok: r.error === undefined && r.status === SUCCESS_EXIT };
}

/** A guest timed under QEMU: median host ms of the full and the baseline runs, and what went wrong if anything. */
export interface QemuTiming {
  readonly fullMs: number;
  readonly baselineMs: number;
  /** Empty when every run exited successfully and printed `expected`. */
  readonly note: string;
}

/** Runs the guest `runs` times with `commandLine` and `runs` times with iters=1, alternating, one at a time. */
export function timeUnderQemu(elfPath: string, commandLine: string | undefined, runs: number, expected: string, timeoutMs = 300_000): QemuTiming {
  const full: number[] = [];
  const base: number[] = [];
  let note = "";
  for (let i = 0; i < runs; i++) {
    const f = runOnce(elfPath, commandLine, timeoutMs);
    const b = runOnce(elfPath, BASELINE_COMMAND_LINE, timeoutMs);
    if (!f.ok || !b.ok) note = "QEMU RUN FAILED";
    else if (f.stdout !== expected) note = "QEMU OUTPUT DIFFERS FROM NATIVE";
    full.push(f.ms);
    base.push(b.ms);
  }
  return { fullMs: median(full), baselineMs: median(base), note };
}

/** Guest MIPS under QEMU: the instructions between the two runs over the host time between them. */
export function qemuMips(instructions: number, baselineInstructions: number, t: QemuTiming): number | undefined {
  const dt = t.fullMs - t.baselineMs;
  return dt > 0 ? (instructions - baselineInstructions) / (dt * 1000) : undefined;
}
