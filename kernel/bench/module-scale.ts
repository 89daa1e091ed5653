// Kernel-level figures: host cost of a window switch as the partition count grows, simulation speed of a
// demo-like module (virtual seconds per host second) and host memory per partition at rest. Measures
// with the real ModuleRunner; the switch benchmark uses synthetic VMs so that only the kernel is timed.
import type { PartitionConfig, SystemConfig } from "../config/model";
import { createFvVm } from "../machine/fv-vm";
import { nanos, type Nanos } from "../mem/types";
import { ModuleRunner } from "../module/module-runner";
import type { PartitionVm, VmSlice } from "../module/partition-vm";
import { NULL_SINK } from "../trace/tracer";
import { benchModule, benchPartition } from "./bench-config";
import { spread, type Spread } from "./stats";

/** A VM that runs its whole budget at once: what is left to time is the kernel's own work per window. */
class SpinVm implements PartitionVm {
  run(budget: number): VmSlice {
    return { exit: { kind: "budget" }, cycles: budget };
  }
  restart(): void {}
  instructionBytes(): Uint8Array {
    return new Uint8Array(0);
  }
}

/** Host time per window switch for one partition count. */
export interface SwitchRow {
  readonly partitions: number;
  readonly windowNs: number;
  readonly windows: number;
  readonly hostNsPerSwitch: Spread;
}

function roundRobin(n: number, windowNs: number): SystemConfig {
  return benchModule(Array.from({ length: n }, (_, i) => benchPartition(i + 1)), windowNs);
}

/** Window switches of `windowNs` each, round robin over `n` partitions, `switches` of them per run. */
export function measureSwitching(counts: readonly number[], switches: number, runs: number, windowNs = 1000): SwitchRow[] {
  return counts.map((n) => {
    const config = roundRobin(n, windowNs);
    const ns: number[] = [];
    for (let r = 0; r <= runs; r++) {
      const runner = new ModuleRunner({ config, createVm: () => new SpinVm(), trace: NULL_SINK, onConsoleLine: () => undefined });
      const t0 = process.hrtime.bigint();
      runner.runUntil(nanos(switches * windowNs));
      const dt = Number(process.hrtime.bigint() - t0);
      if (r > 0) ns.push(dt / switches); // run 0 warms the JIT
    }
    return { partitions: n, windowNs, windows: switches, hostNsPerSwitch: spread(ns) };
  });
}

/** Whether a switch curve is flat: the largest median within `tolerance` of the smallest. */
export function isFlat(rows: readonly SwitchRow[], tolerance = 0.5): boolean {
  const m = rows.map((r) => r.hostNsPerSwitch.median);
  return m.length > 0 && Math.max(...m) <= Math.min(...m) * (1 + tolerance);
}

/** An FV partition running a Multiboot image. */
export interface FvGuest {
  readonly path: string;
  readonly image: Uint8Array;
  readonly commandLine: string;
}

/** Private RAM of every benchmark FV partition (the default FV size would make memory figures mostly RAM). */
export const BENCH_FV_RAM_BYTES = 4 * 1024 * 1024;

function fvPartition(id: number, g: FvGuest): PartitionConfig {
  const base = benchPartition(id, { kind: "FV", image: g.path, commandLine: g.commandLine });
  const ram = { name: "ram", type: "DATA", sizeBytes: BENCH_FV_RAM_BYTES, physicalAddress: undefined, access: "READ_WRITE", shared: undefined, pos: base.pos } as const;
  return { ...base, memory: [ram] };
}

/** Simulation speed of a module: virtual ns run and host ns taken. */
export interface SimSpeed {
  readonly partitions: number;
  readonly virtualNs: number;
  readonly hostNs: Spread;
  /** Virtual seconds per host second (median host time). */
  readonly ratio: number;
}

function fvModule(guests: readonly FvGuest[], windowNs: number): { config: SystemConfig; vm: (p: PartitionConfig) => PartitionVm } {
  const config = benchModule(guests.map((g, i) => fvPartition(i + 1, g)), windowNs);
  const vm = (p: PartitionConfig): PartitionVm => {
    const g = guests[p.id - 1];
    if (g === undefined) throw new Error(`no guest for partition ${p.id}`);
    return createFvVm({ partition: p, configDir: ".", console: () => undefined, clockHz: config.ext.clockHz, image: g.image, imagePath: g.path });
  };
  return { config, vm };
}

/** Runs the module of `guests` (one window each, `windowNs` long) for `virtualNs`, `runs` times. */
export function measureSimSpeed(guests: readonly FvGuest[], virtualNs: number, runs: number, windowNs = 5_000_000): SimSpeed {
  const { config, vm } = fvModule(guests, windowNs);
  const ns: number[] = [];
  for (let r = 0; r <= runs; r++) {
    const runner = new ModuleRunner({ config, createVm: vm, trace: NULL_SINK, onConsoleLine: () => undefined });
    const t0 = process.hrtime.bigint();
    runner.runUntil(nanos(virtualNs) as Nanos);
    if (r > 0) ns.push(Number(process.hrtime.bigint() - t0));
  }
  const hostNs = spread(ns);
  return { partitions: guests.length, virtualNs, hostNs, ratio: virtualNs / hostNs.median };
}

/** Host memory per partition at rest, and how it was measured. */
export interface MemoryFigure {
  readonly partitions: number;
  readonly bytesPerPartition: number;
  readonly method: string;
}

/** Several forced collections: array buffers of dead machines are released over more than one. */
function settle(gc: (() => void) | undefined): void {
  for (let i = 0; i < 4; i++) gc?.();
}

function footprint(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

/** Builds a module of `n` copies of `guest`, runs one major frame so every machine is booted, then weighs it. */
export function measureMemory(guest: FvGuest, n: number, gc: (() => void) | undefined): MemoryFigure {
  const { config, vm } = fvModule(Array.from({ length: n }, () => guest), 1_000_000);
  settle(gc);
  const before = footprint();
  const runner = new ModuleRunner({ config, createVm: vm, trace: NULL_SINK, onConsoleLine: () => undefined });
  runner.runUntil(nanos(n * 1_000_000));
  settle(gc);
  const after = footprint();
  // Read the runner after weighing so that it (and its machines) cannot be collected before.
  if (runner.moduleClock.clockHz <= 0) throw new Error("module clock lost");
  const how = gc === undefined ? "without --expose-gc (no forced collection: noisy)" : "after a forced gc (--expose-gc)";
  return {
    partitions: n,
    bytesPerPartition: Math.round((after - before) / n),
    method: `process.memoryUsage() heapUsed + external + arrayBuffers, ${n} booted FV partitions of ${BENCH_FV_RAM_BYTES / 1048576} MiB RAM each (RAM included), delta / ${n}, ${how}`,
  };
}
