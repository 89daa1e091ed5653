// Runs every benchmark of `apexvisor bench` in one process (so that host-time ratios hold) and returns
// the report. Owns the iteration counts of --quick and of a full run; rendering is report.ts's business.
import { readFileSync } from "fs";
import { join } from "path";
import { DEFAULT_COST_MODEL } from "../cpu/cost-model";
import { LIBPV_IMAGE } from "../module/repo-paths";
import { CPU_BENCH_MANIFEST, measureCpuGuest, mipsOf } from "./cpu-bench";
import { readManifest } from "./guest-manifest";
import { measureCallPaths, type CallImages } from "./call-paths";
import type { CallImage } from "./pv-run";
import { costAssumptions } from "./cost-assumptions";
import { dirtyLogNote, measureDirtyLogCost } from "./dirty-log-cost";
import { measureHostRefs } from "./host-refs";
import { measurePortIoCost, portIoNote } from "./port-io-cost";
import { measureMemory, measureSimSpeed, measureSwitching, type FvGuest } from "./module-scale";
import type { BenchReport, MipsRow } from "./report";
import { measureSnapshots } from "./snapshot-bench";
import { measureAta } from "./ata-bench";
import { measureDeviceModels, withMmio } from "./device-model-bench";
import { measureServedAta } from "./served-ata-bench";
import { measureMmioModels } from "./mmio-bench";
import { median } from "./stats";

/** What to run. */
export interface BenchOptions {
  /** Tiny counts: checks that everything runs and gives the exact counts; host times mean nothing. */
  readonly quick: boolean;
  /** Skip the CPU-bound guests (MIPS), e.g. in tests that only need the call paths. */
  readonly skipMips?: boolean;
  /** Skip the in-kernel vs partition-served device-model section (kernel/bench/device-model-bench.ts). */
  readonly skipDevices?: boolean;
  /** Progress lines (stderr). */
  readonly progress?: (line: string) => void;
}

interface Plan {
  readonly calls: number;
  readonly runs: number;
  readonly refRuns: number;
  readonly refCalls: number;
  readonly mipsRuns: number;
  readonly mipsCommandLine: string | undefined;
  readonly switches: number;
  readonly simVirtualNs: number;
  readonly memoryPartitions: number;
}

const FULL: Plan = { calls: 100_000, runs: 11, refRuns: 5, refCalls: 20_000_000, mipsRuns: 3, mipsCommandLine: undefined, switches: 100_000, simVirtualNs: 200_000_000, memoryPartitions: 20 };
const QUICK: Plan = { calls: 50, runs: 1, refRuns: 1, refCalls: 10_000, mipsRuns: 1, mipsCommandLine: "iters=50", switches: 2_000, simVirtualNs: 10_000_000, memoryPartitions: 2 };

/** The partition counts of the switch benchmark. */
export const SWITCH_COUNTS: readonly number[] = [2, 10, 100, 1000];

const KERNEL_NOTE =
  "Call paths ran on the kernel's PV machine (createPvVm, kernel/pv/pv-vm.ts) under the ModuleRunner: real dispatcher, resolver, " +
  "sampling ports and service costs (kernel/hypercall/service-costs.ts). One PV partition with a SOURCE sampling port BENCH_OUT (8 bytes), binding trap, jumptable or jumptable-eager.";

function bytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

function callImages(root: string): CallImages {
  const dir = join(root, "build", "guests", "partitions", "bench");
  const libpv = bytes(join(root, LIBPV_IMAGE));
  const image = (name: string, jumpTable: boolean): CallImage => {
    const path = join(dir, `${name}-O2.elf`);
    return { bytes: bytes(path), path, jumpTable, libpv };
  };
  return { trap: image("callpaths-trap", false), jmptab: image("callpaths-jmptab", true), linked: image("callpaths-linked", false) };
}

function fvGuest(root: string, rel: string, commandLine: string): FvGuest {
  const path = join(root, rel);
  return { path, image: new Uint8Array(readFileSync(path)), commandLine };
}

function mipsRows(root: string, plan: Plan, progress: (l: string) => void): MipsRow[] {
  return readManifest(root, join(root, CPU_BENCH_MANIFEST)).map((spec) => {
    progress(`cpu guest ${spec.name}`);
    const r = measureCpuGuest(root, spec, plan.mipsRuns, plan.mipsCommandLine);
    return { name: r.name, instructions: r.instructions, mips: mipsOf(r), slowdown: median(r.hostMs) / median(r.nativeMs), note: r.note };
  });
}

/** Runs the benchmarks; guest images must already be built under `root`/build/guests. */
export function runBench(root: string, opts: BenchOptions): BenchReport {
  const plan = opts.quick ? QUICK : FULL;
  const progress = opts.progress ?? ((): void => undefined);
  const hello = fvGuest(root, "build/guests/partitions/hello/hello-O2.elf", "");
  // Memory first, before other benchmarks leave garbage behind.
  progress("memory");
  const memory = measureMemory(hello, plan.memoryPartitions, (globalThis as { gc?: () => void }).gc);
  progress("call paths");
  const callPaths = measureCallPaths(callImages(root), { calls: plan.calls, runs: plan.runs });
  progress("host references");
  const hostRefs = measureHostRefs(join(root, "scripts", "host-ref"), plan.refRuns, plan.refCalls);
  const mips = opts.skipMips === true ? [] : mipsRows(root, plan, progress);
  progress("partition switching");
  const switching = measureSwitching(SWITCH_COUNTS, plan.switches, plan.runs);
  progress("simulation speed");
  const busy = fvGuest(root, "build/guests/test/programs/bench/bench-list-O2.elf", "");
  const simSpeed = measureSimSpeed([busy, hello, hello], plan.simVirtualNs, Math.min(plan.runs, 3));
  progress("snapshots");
  const bootTest = join(root, "build", "guests", "test", "kernel", "machine", "guests", "boot-test-O2.elf");
  const snapshots = measureSnapshots(join(root, "test", "scenarios", "demo", "module.xml"), { bytes: bytes(bootTest), path: bootTest }, Math.min(plan.runs, 5));
  progress("disk controller");
  const diskGuest = join(root, "build", "guests", "partitions", "io", "disk-guest", "disk-guest-O2.elf");
  const ata = measureAta(bytes(diskGuest), opts.quick ? 512 : 8192, Math.min(plan.runs, 5));
  // The served controller over the same 4 MiB region as the in-kernel rows (8192 sectors, a few seconds of host
  // time: data moves in batched REP INSW/OUTSW requests); --skip-devices leaves it out.
  // --quick leaves the device rows out (test/kernel/bench/device-model-bench.test.ts runs them on their own).
  const devices = opts.skipDevices !== true && !opts.quick;
  if (devices) ata.push(...measureServedAta(root, 8192));
  progress("device models (in-kernel vs partition-served UART)");
  const deviceModels = devices ? withMmio(measureDeviceModels(root, 5, (globalThis as { gc?: () => void }).gc), measureMmioModels(root, 5, 2_000_000)) : undefined;
  progress("dirty-page log");
  const dirtyLog = measureDirtyLogCost(opts.quick ? 10_000 : 20_000_000, Math.min(plan.runs, 5));
  progress("port I/O exits");
  const portIo = measurePortIoCost(opts.quick ? 10_000 : 5_000_000, Math.min(plan.runs, 5));
  return {
    quick: opts.quick,
    callPathMachine: "the kernel's PV machine, createPvVm",
    notes: [
      KERNEL_NOTE,
      "Per-call figures: (run of N+1 calls - run of 1 call) / N, minus the same for an empty loop. First call: lazy 1-call run - eager 1-call run + one eager call; its host time from repeated windows of one warm partition, the guest restarted with its slots unbound again each time.",
      "Host ns: median over runs after one warm-up, loop overhead (empty loop median) subtracted; all in this process.",
      "A binding's own cost is 'jump table, later calls' against 'linked library': both run the same libpv body, one through a slot, one by a plain call. The empty-function row is only the floor of any call.",
      `Modeled cycles use the default cost model (${DEFAULT_COST_MODEL.instruction} cycle/instruction); plus the cycles the kernel charges for each service (TRAP_BASE_CYCLES + SERVICE_CYCLES + copied bytes / 4; window_yield's own cost excluded).`,
      "Simulation speed: P1 runs the CPU-bound bench-list guest, P2 and P3 the hello guest, 5 ms windows.",
      dirtyLogNote(dirtyLog),
      portIoNote(portIo),
    ],
    costModel: costAssumptions(),
    callPaths,
    hostRefs,
    mips,
    switching,
    simSpeed,
    memory,
    snapshots,
    ata,
    ...(deviceModels === undefined ? {} : { deviceModels }),
  };
}
