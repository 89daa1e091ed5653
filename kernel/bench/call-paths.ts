// The call-path benchmark: the same services reached through every binding (direct call, linked libpv,
// jump table lazy and eager, trap), counted exactly (guest instructions, modeled cycles) and timed on the
// host. Owns the measurement plan and the arithmetic; running a guest on the kernel is pv-run.ts's business.
import { median, spread, type Spread } from "./stats";
import { CallOp, runCallGuest, timeWarmFirstCalls, type CallImage } from "./pv-run";

/** The ways a guest reaches a service, in table order. */
export type CallPath = "direct" | "linked" | "jmptabFirst" | "jmptabLater" | "jmptabEager" | "trapKernel" | "trapNull";

/** Table labels of the call paths. */
export const CALL_PATH_LABELS: Readonly<Record<CallPath, string>> = {
  direct: "plain call to an empty guest function (the call's floor, not the service)",
  linked: "linked library (libpv in the image)",
  jmptabFirst: "jump table, first call (lazy resolution)",
  jmptabLater: "jump table, later calls",
  jmptabEager: "jump table, eager binding",
  trapKernel: "trap (int $0x82), service in the kernel",
  trapNull: "trap, null service (entry/exit only)",
};

/** The services measured: one libpv serves in the partition, one that must enter the kernel. */
export type BenchService = "time_get" | "sampling_port_write";

/** One row of the call-path table. */
export interface CallPathRow {
  readonly service: BenchService;
  readonly path: CallPath;
  /** Guest instructions per call, the loop's own instructions subtracted. Exact. */
  readonly instructions: number;
  /** Modeled CPU cycles per call (cost model), the loop subtracted. Exact. */
  readonly cycles: number;
  /** Host nanoseconds per call over the runs. */
  readonly hostNs: Spread;
}

/** The three images of partitions/bench/guest.json. */
export interface CallImages {
  readonly trap: CallImage;
  readonly jmptab: CallImage;
  readonly linked: CallImage;
}

/** How much to run: calls per timed loop and timed runs per path (after one warm-up run). */
export interface CallPathOptions {
  readonly calls: number;
  readonly runs: number;
}

/** Calls in the loops that give the exact per-call counts (any N >= 1 gives the same figures). */
const COUNT_CALLS = 64;

interface Variant {
  readonly image: CallImage;
  readonly op: CallOp;
  readonly eager: boolean;
}

function perCall(v: Variant, field: "instructions" | "cycles"): number {
  const one = runCallGuest(v.image, v.op, 1, v.eager)[field];
  const many = runCallGuest(v.image, v.op, COUNT_CALLS + 1, v.eager)[field];
  return (many - one) / COUNT_CALLS;
}

function timed(v: Variant, calls: number, runs: number): number[] {
  runCallGuest(v.image, v.op, calls, v.eager); // warm-up: the host JIT and the CPU's block compiler
  const out: number[] = [];
  for (let r = 0; r < runs; r++) out.push(runCallGuest(v.image, v.op, calls, v.eager).hostNs / calls);
  return out;
}

function subtract(xs: readonly number[], base: number): number[] {
  return xs.map((x) => x - base);
}

/** Measures every path for both services; deterministic counts, host times as spreads. */
export function measureCallPaths(images: CallImages, opts: CallPathOptions): CallPathRow[] {
  const empty: Variant = { image: images.trap, op: CallOp.Empty, eager: false };
  const emptyIns = perCall(empty, "instructions");
  const emptyCyc = perCall(empty, "cycles");
  const emptyNs = spread(timed(empty, opts.calls, opts.runs)).median;
  const rows: CallPathRow[] = [];
  const add = (service: BenchService, path: CallPath, v: Variant): CallPathRow => {
    const row: CallPathRow = {
      service,
      path,
      instructions: perCall(v, "instructions") - emptyIns,
      cycles: perCall(v, "cycles") - emptyCyc,
      hostNs: spread(subtract(timed(v, opts.calls, opts.runs), emptyNs)),
    };
    rows.push(row);
    return row;
  };
  const services: readonly [BenchService, CallOp][] = [["time_get", CallOp.TimeGet], ["sampling_port_write", CallOp.Sampling]];
  for (const [service, op] of services) {
    add(service, "direct", { image: images.trap, op: CallOp.Direct, eager: false });
    add(service, "linked", { image: images.linked, op, eager: false });
    const firstAt = rows.length;
    add(service, "jmptabLater", { image: images.jmptab, op, eager: false });
    const eager = add(service, "jmptabEager", { image: images.jmptab, op, eager: true });
    rows.splice(firstAt, 0, firstCall(service, images.jmptab, op, eager, opts.runs));
    add(service, "trapKernel", { image: images.trap, op, eager: false });
    add(service, "trapNull", { image: images.trap, op: CallOp.TrapNull, eager: false });
  }
  return rows;
}

/**
 * The first call through a lazy slot: what a lazy one-call run costs beyond an eager one-call run (the
 * resolver stub, the resolve trap and its service), plus one bound call. Host time from repeated runs on
 * one warm machine whose slots are unbound again before each run (block compilation excluded).
 */
function firstCall(service: BenchService, image: CallImage, op: CallOp, eager: CallPathRow, runs: number): CallPathRow {
  const reps = Math.max(runs, 5) * 20;
  const bound = median(timeWarmFirstCalls(image, op, true, reps));
  const ns = timeWarmFirstCalls(image, op, false, reps).map((t) => t - bound + eager.hostNs.median);
  const lazyRun = runCallGuest(image, op, 1, false);
  const eagerRun = runCallGuest(image, op, 1, true);
  if (lazyRun.resolves !== 1) throw new Error(`first call resolved ${lazyRun.resolves} times`);
  return {
    service,
    path: "jmptabFirst",
    instructions: lazyRun.instructions - eagerRun.instructions + eager.instructions,
    cycles: lazyRun.cycles - eagerRun.cycles + eager.cycles,
    hostNs: spread(ns),
  };
}
