// The CPU benchmark's measuring pieces, shared by `npm run bench:cpu` and `apexvisor bench`: runs one
// CPU-bound guest in the emulator and the same C natively (host gcc -O2), several times each.
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
  readonly hostMs: readonly number[];
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

function emulatorSide(root: string, spec: GuestImageSpec, runs: number, commandLine: string | undefined, expected: string): { instructions: number; ms: number[]; note: string } {
  const path = imagePath(root, spec, "O2");
  const ms: number[] = [];
  let instructions = 0;
  let note = "";
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = runInEmulator(path, { ...(commandLine === undefined ? {} : { commandLine }), maxInstructions: MAX_INSTRUCTIONS });
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    instructions = r.instructions;
    if (r.end.kind !== "debugExit" || r.end.status !== SUCCESS_STATUS) note = describeEnd(r.end);
    else if (r.stdout.toString("latin1") !== expected) note = "OUTPUT DIFFERS FROM NATIVE";
  }
  return { instructions, ms, note };
}

/** Runs `spec` natively then in the emulator, `runs` times each, with an optional boot command line. */
export function measureCpuGuest(root: string, spec: GuestImageSpec, runs: number, commandLine: string | undefined): CpuBenchRow {
  const native = nativeSide(root, spec, runs, commandLine);
  const emu = emulatorSide(root, spec, runs, commandLine, native.transcript);
  return { name: spec.name, instructions: emu.instructions, hostMs: emu.ms, nativeMs: native.ms, note: emu.note, transcript: native.transcript };
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
