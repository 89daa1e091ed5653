// QEMU as a second reference for bench:cpu: boots a benchmark guest under qemu-system-i386 (TCG, the same
// Multiboot image) and times it from outside. QEMU has no instruction counter we can read, and its
// firmware takes a while, so a guest's speed is taken as a difference: host time of the run with the
// bench's iterations minus host time of the same guest with iters=1 (boot, firmware, exit alike), over the
// instructions between those two runs as apexvisor counts them (the same code runs the same instructions).
import { spawnSync } from "child_process";
import { QEMU_I386, QEMU_SUCCESS_EXIT, qemuArgs, serialFile } from "./qemu-machine";
import { median } from "./stats";

/** The iteration count of the baseline run. */
export const BASELINE_COMMAND_LINE = "iters=1";

/** One QEMU run: host ms of the whole process, its serial output and whether it exited as the guest meant. */
interface QemuRun {
  readonly ms: number;
  readonly stdout: string;
  readonly ok: boolean;
}

function runOnce(elfPath: string, commandLine: string | undefined, timeoutMs: number): QemuRun {
  const serial = serialFile();
  try {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(QEMU_I386, qemuArgs(elfPath, serial.path, commandLine), { timeout: timeoutMs, stdio: "ignore" });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    return { ms, stdout: serial.read().toString("latin1"), ok: r.error === undefined && r.status === QEMU_SUCCESS_EXIT };
  } finally {
    serial.remove();
  }
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
