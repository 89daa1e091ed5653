// First-run cost: how soon a fresh process runs a guest at full speed. sampleFirstRun boots one benchmark
// guest and records, after every run slice (10 ms of guest time at 100 MHz), the instructions and the host
// time so far; firstRunFigure turns the samples into MIPS per slice and the guest time at which the run
// first reaches most of its later speed. The fresh process itself is the caller's (scripts/first-run.ts).
import { BootSession } from "../machine/pc-boot";
import { median } from "./stats";

/** Where a run stood after one slice, counted from the boot's start. */
export interface FirstRunSample {
  readonly guestNs: number;
  readonly instructions: number;
  readonly hostNs: number;
  /** Blocks the CPU compiled so far (Cpu.compiledBlocks: whole, counted and resuming blocks). */
  readonly compiled: number;
}

/** One guest's first-run figures. */
export interface FirstRunFigure {
  /** Host ms from process start to the first guest instruction (module loading, machine build, image load). */
  readonly startupMs: number;
  /** MIPS of each slice with the guest time at its start, and the blocks compiled during it. A slice below full speed
   * that compiled none waits on the host's JavaScript engine (kernel/cpu/README.md, "Where a fresh process's time
   * goes"). */
  readonly slices: readonly { readonly guestMs: number; readonly mips: number; readonly compiled: number }[];
  /** Median MIPS of the later half of the slices: the run's full speed. */
  readonly steadyMips: number;
  /** Guest ms at the start of the first slice at `threshold` of full speed or faster; undefined if none. */
  readonly fullSpeedAtMs: number | undefined;
  readonly threshold: number;
}

/** Boots `elf` and samples it slice by slice until it ends (or `maxGuestNs` passes). */
export function sampleFirstRun(elf: Uint8Array, elfPath: string, commandLine: string | undefined, now: () => bigint, maxGuestNs = 2_000_000_000): FirstRunSample[] {
  const created = BootSession.create({ elf, elfPath, ...(commandLine === undefined ? {} : { commandLine }), stdout: () => undefined });
  if (!created.ok) throw new Error(`first run: ${created.message}`);
  const s = created.session;
  const t0 = now();
  const samples: FirstRunSample[] = [];
  for (;;) {
    const r = s.slice();
    const guestNs = Number(s.clock.now());
    const last = samples[samples.length - 1];
    // The slice that reports the ending runs nothing: no sample for it.
    if (last === undefined || guestNs > last.guestNs) samples.push({ guestNs, instructions: s.pc.cpu.instructions, hostNs: Number(now() - t0), compiled: s.pc.cpu.compiledBlocks });
    if (r !== null || guestNs >= maxGuestNs) return samples;
  }
}

/** MIPS per slice, full speed and when it was reached. */
export function firstRunFigure(samples: readonly FirstRunSample[], startupMs: number, threshold = 0.9): FirstRunFigure {
  const slices: { guestMs: number; mips: number; compiled: number }[] = [];
  let prev: FirstRunSample = { guestNs: 0, instructions: 0, hostNs: 0, compiled: 0 };
  for (const s of samples) {
    const dt = s.hostNs - prev.hostNs;
    // A reset's new CPU counts its compiles from 0 again: a count that went down is the new CPU's.
    const compiled = s.compiled >= prev.compiled ? s.compiled - prev.compiled : s.compiled;
    if (s.instructions > prev.instructions && dt > 0) slices.push({ guestMs: prev.guestNs / 1e6, mips: ((s.instructions - prev.instructions) / dt) * 1000, compiled });
    prev = s;
  }
  const later = slices.slice(Math.floor(slices.length / 2)).map((x) => x.mips);
  const steadyMips = later.length === 0 ? 0 : median(later);
  const first = slices.find((x) => x.mips >= threshold * steadyMips);
  return { startupMs, slices, steadyMips, fullSpeedAtMs: first?.guestMs, threshold };
}
