// The CPU benchmark's measuring pieces, shared by `npm run bench:cpu` and `apexvisor bench`: runs one
// CPU-bound guest in the emulator and the same C natively (host gcc -O2), several times each.
import { spawnSync } from "child_process";
import { join } from "path";
import { describeEnd, runInEmulator } from "./emulator-run";
import { imagePath, type GuestImageSpec } from "./guest-manifest";
import { buildNative, runNative } from "./native-reference";
import { median } from "./stats";

/** A guest that has not exited after this many instructions is reported as runaway. */
const MAX_INSTRUCTIONS = 20_000_000_000;
const SUCCESS_STATUS = 1;

/** Manifest of the CPU-bound benchmark guests, relative to the repo root. */
export const CPU_BENCH_MANIFEST = join("test", "programs", "bench", "guest.json");

/** One guest's figures: emulator and native host times in ms, one per run. */
export interface CpuBenchRow {
  readonly name: string;
  readonly instructions: number;
  /** Every emulated boot's host ms (all processes), and the median of each process's boots. */
  readonly hostMs: readonly number[];
  readonly processMs: readonly number[];
  readonly nativeMs: readonly number[];
  /** Empty when the emulated run succeeded with the native output; otherwise what went wrong. */
  readonly note: string;
  /** The native run's output: what every other run of the guest must print too. */
  readonly transcript: string;
}

function nativeSide(root: string, spec: GuestImageSpec, runs: number, commandLine: string | undefined): { transcript: string; ms: number[] } {
  const b = buildNative(root, spec, "O2");
  if (b.kind === "buildError") throw new Error(`native build of ${spec.name} failed:\n${b.message}`);
  const ms: number[] = [];
  let transcript = "";
  for (let i = 0; i < runs; i++) {
    const r = runNative(b.binary, commandLine);
    if (r.status !== 0) throw new Error(`native ${spec.name} exited with ${String(r.status ?? r.signal)}`);
    const m = /native_ns (\d+)/.exec(r.stderr);
    if (m === null) throw new Error(`native ${spec.name} reported no time`);
    ms.push(Number(m[1]) / 1e6);
    transcript = r.stdout.toString("latin1");
  }
  return { transcript, ms };
}

/** `runs` timed boots of the image at `path` in this process: host ms and console output of each whole boot, the
 * instructions of the last, and how a failing boot ended ("" when every boot reported success). */
export interface BootTimes {
  readonly instructions: number;
  readonly ms: readonly number[];
  readonly stdouts: readonly string[];
  readonly end: string;
}

export function timeBoots(path: string, runs: number, commandLine: string | undefined): BootTimes {
  const ms: number[] = [];
  const stdouts: string[] = [];
  let instructions = 0;
  let end = "";
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = runInEmulator(path, { ...(commandLine === undefined ? {} : { commandLine }), maxInstructions: MAX_INSTRUCTIONS });
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    instructions = r.instructions;
    stdouts.push(r.stdout.toString("latin1"));
    if (r.end.kind !== "debugExit" || r.end.status !== SUCCESS_STATUS) end = describeEnd(r.end);
  }
  return { instructions, ms, stdouts, end };
}

/** The child script that runs timeBoots in a fresh process and prints it as one JSON line. */
export const BOOT_TIMES_SCRIPT = join("dist", "scripts", "boot-times.js");

/** timeBoots in `processes` fresh node processes one after the other (one process: in this one). On a shared host
 * bench-state's median boot was ~110 ms in some processes and ~200 ms in others, with the same guest execution:
 * V8's optimised code differs from process to process, and the host's speed drifts (test/programs/README.md). */
function emulatorSide(root: string, spec: GuestImageSpec, runs: number, commandLine: string | undefined, expected: string, processes: number): { instructions: number; ms: number[]; processMs: number[]; note: string } {
  const path = imagePath(root, spec, "O2");
  const all: BootTimes[] = [];
  if (processes === 1) all.push(timeBoots(path, runs, commandLine));
  else {
    for (let p = 0; p < processes; p++) {
      const r = spawnSync(process.execPath, [join(root, BOOT_TIMES_SCRIPT), path, String(runs), ...(commandLine === undefined ? [] : [commandLine])], { encoding: "utf8", maxBuffer: 64 << 20 });
      if (r.status !== 0) throw new Error(`${BOOT_TIMES_SCRIPT} ${spec.name} failed (${String(r.status ?? r.signal)}): ${r.stderr}`);
      all.push(JSON.parse(r.stdout) as BootTimes);
    }
  }
  const bad = all.find((t) => t.end !== "");
  const note = bad !== undefined ? bad.end : all.some((t) => t.stdouts.some((out) => out !== expected)) ? "OUTPUT DIFFERS FROM NATIVE" : "";
  return { instructions: all[all.length - 1]!.instructions, ms: all.flatMap((t) => t.ms), processMs: all.map((t) => median(t.ms)), note };
}

/** Runs `spec` natively then in the emulator, `runs` times each (in each of `processes` fresh processes for the
 * emulator; 1: in this process), with an optional boot command line. */
export function measureCpuGuest(root: string, spec: GuestImageSpec, runs: number, commandLine: string | undefined, processes = 1): CpuBenchRow {
  const native = nativeSide(root, spec, runs, commandLine);
  const emu = emulatorSide(root, spec, runs, commandLine, native.transcript, processes);
  return { name: spec.name, instructions: emu.instructions, hostMs: emu.ms, processMs: emu.processMs, nativeMs: native.ms, note: emu.note, transcript: native.transcript };
}

/** Guest instructions per host microsecond over the median run. */
export function mipsOf(r: CpuBenchRow): number {
  return r.instructions / (median(r.hostMs) * 1000);
}

/** One timed boot of `spec` in the emulator: host ms of the whole boot and the instructions it ran. */
export function timeInEmulator(root: string, spec: GuestImageSpec, commandLine: string | undefined): { readonly ms: number; readonly instructions: number } {
  const t0 = process.hrtime.bigint();
  const r = runInEmulator(imagePath(root, spec, "O2"), { ...(commandLine === undefined ? {} : { commandLine }), maxInstructions: MAX_INSTRUCTIONS });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, instructions: r.instructions };
}
