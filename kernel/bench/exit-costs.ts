// The exit-cost figures of issue 14 in one table: null trap round trip, jump-table later call against a
// direct call of the same libpv body, FV port-I/O exit to an in-kernel device, partition switch at 2 and
// 1,000 partitions and the kernel-style loop guest's MIPS. Reuses `apexvisor bench`'s pieces; decides no targets.
import { CPU_BENCH_MANIFEST, timeInEmulator } from "./cpu-bench";
import { readManifest } from "./guest-manifest";
import { measurePortIoCost } from "./port-io-cost";
import { measureSwitching } from "./module-scale";
import { CallOp, runCallGuest, runWarmCalls, type CallImage } from "./pv-run";
import { median } from "./stats";
import { join } from "path";

/** How much to run; every count is bounded so that a default run takes well under a minute. */
export interface ExitCostPlan {
  /** Timed runs per figure (after one warm-up); the table shows their median. */
  readonly runs: number;
  /** Calls per timed call-path loop. */
  readonly calls: number;
  /** OUT instructions per port-I/O loop. */
  readonly portAccesses: number;
  /** Window switches per switch run. */
  readonly switches: number;
  /** Boot command line of the kloop guest ("iters=N"), or undefined for its default. */
  readonly kloopCommandLine: string | undefined;
}

/** One row: a figure's median over the runs, its unit, the issue's target and the exact counts behind it. */
export interface ExitCostRow {
  readonly name: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly unit: "ns" | "x" | "MIPS";
  readonly target: string;
  readonly note: string;
}

/** The call-path images (partitions/bench) a run needs. */
export interface ExitCostImages {
  readonly trap: CallImage;
  readonly jmptab: CallImage;
  /** libpv linked into the image: the direct call the jump table is compared with. */
  readonly linked: CallImage;
}

function row(name: string, xs: readonly number[], unit: ExitCostRow["unit"], target: string, note: string): ExitCostRow {
  return { name, median: median(xs), min: Math.min(...xs), max: Math.max(...xs), unit, target, note };
}

/** Host ns per call of `op` beyond the empty loop, one sample per run (the runs of both interleaved). */
function callNs(image: CallImage, op: CallOp, plan: ExitCostPlan): { ns: number[]; instructions: number } {
  const empty = (): number => runWarmCalls(image, CallOp.Empty, plan.calls).hostNs / plan.calls;
  const call = (): number => runWarmCalls(image, op, plan.calls).hostNs / plan.calls;
  const ns: number[] = [];
  for (let r = 0; r < plan.runs; r++) {
    const e = empty();
    ns.push(call() - e);
  }
  const one = runCallGuest(image, op, 1, false).instructions - runCallGuest(image, CallOp.Empty, 1, false).instructions;
  const two = runCallGuest(image, op, 2, false).instructions - runCallGuest(image, CallOp.Empty, 2, false).instructions;
  return { ns, instructions: two - one };
}

/**
 * Host ns per call of two variants beyond their own image's empty loop, interleaved run by run so that a
 * run pair shares the host's load; instructions per call exact, as in callNs.
 */
function callPairNs(a: readonly [CallImage, CallOp], b: readonly [CallImage, CallOp], plan: ExitCostPlan): [{ ns: number[]; instructions: number }, { ns: number[]; instructions: number }] {
  const once = ([image, op]: readonly [CallImage, CallOp]): number =>
    (runWarmCalls(image, op, plan.calls).hostNs - runWarmCalls(image, CallOp.Empty, plan.calls).hostNs) / plan.calls;
  const per = ([image, op]: readonly [CallImage, CallOp]): number =>
    runCallGuest(image, op, 2, false).instructions - runCallGuest(image, op, 1, false).instructions -
    (runCallGuest(image, CallOp.Empty, 2, false).instructions - runCallGuest(image, CallOp.Empty, 1, false).instructions);
  const as: number[] = [];
  const bs: number[] = [];
  for (let r = 0; r < plan.runs; r++) {
    as.push(once(a));
    bs.push(once(b));
  }
  return [{ ns: as, instructions: per(a) }, { ns: bs, instructions: per(b) }];
}

/** Guest MIPS of the kloop guest: one warm-up boot, then `runs` timed boots in this process. */
function kloopMips(root: string, plan: ExitCostPlan): { mips: number[]; instructions: number } {
  const spec = readManifest(root, join(root, CPU_BENCH_MANIFEST)).find((s) => s.name === "bench-kloop");
  if (spec === undefined) throw new Error(`bench-kloop is not in ${CPU_BENCH_MANIFEST}`);
  timeInEmulator(root, spec, plan.kloopCommandLine);
  const mips: number[] = [];
  let instructions = 0;
  for (let r = 0; r < plan.runs; r++) {
    const t = timeInEmulator(root, spec, plan.kloopCommandLine);
    instructions = t.instructions;
    mips.push(t.instructions / (t.ms * 1000));
  }
  return { mips, instructions };
}

/** Measures every row; `progress` gets a line before each. */
export function measureExitCosts(root: string, images: ExitCostImages, plan: ExitCostPlan, progress: (l: string) => void): ExitCostRow[] {
  const rows: ExitCostRow[] = [];
  progress("null trap");
  const trap = callNs(images.trap, CallOp.TrapNull, plan);
  rows.push(row("null trap round trip (int 0x82, null service)", trap.ns, "ns", "<= 200", `${trap.instructions} guest instructions per call`));
  progress("direct and jump-table calls");
  // One service body, pv_time_get's, reached two ways: a plain `call` into libpv linked into the image,
  // and `call` to the import's stub, `jmp *slot`, into the mapped libpv. The ratio is the binding's cost.
  const [direct, later] = callPairNs([images.linked, CallOp.TimeGet], [images.jmptab, CallOp.TimeGet], plan);
  rows.push(row("direct call (pv_time_get, libpv linked in)", direct.ns, "ns", "-", `${direct.instructions} guest instructions per call`));
  rows.push(row("jump table, later call (pv_time_get)", later.ns, "ns", "-", `${later.instructions} guest instructions per call`));
  rows.push(row("jump-table later call / direct call", later.ns.map((x, i) => x / (direct.ns[i] ?? NaN)), "x", "<= 1.5", "same body both ways; ratio per run pair"));
  progress("port I/O exits");
  const io: number[] = [];
  measurePortIoCost(Math.min(plan.portAccesses, 10_000), 1);
  for (let r = 0; r < plan.runs; r++) io.push(measurePortIoCost(plan.portAccesses, 1).nsPerExit);
  rows.push(row("FV port-I/O exit to an in-kernel device (out 0x80)", io, "ns", "<= 150", `${plan.portAccesses} OUTs less the same loop with mov al, al`));
  progress("partition switches");
  for (const s of measureSwitching([2, 1000], plan.switches, plan.runs)) {
    const h = s.hostNsPerSwitch;
    rows.push({ name: `partition switch, ${s.partitions} partitions`, median: h.median, min: h.min, max: h.max, unit: "ns", target: "<= 500", note: `${s.windows} windows of ${s.windowNs} ns, round robin` });
  }
  progress("kloop guest");
  const k = kloopMips(root, plan);
  rows.push(row("kloop guest (xchg lock, pushf/cli/popf, polling in, pause)", k.mips, "MIPS", ">= 400", `${k.instructions} instructions per boot, whole boot timed`));
  return rows;
}

function fmt(x: number, unit: ExitCostRow["unit"]): string {
  return unit === "x" ? x.toFixed(2) : x.toFixed(unit === "MIPS" ? 1 : 0);
}

/** The printed table: one line per row, medians with the range. */
export function formatExitCosts(rows: readonly ExitCostRow[]): string {
  const w = Math.max(...rows.map((r) => r.name.length));
  const head = `${"figure".padEnd(w)}  ${"median".padStart(8)}  ${"min-max".padStart(15)}  unit  target   counts`;
  const lines = rows.map((r) => `${r.name.padEnd(w)}  ${fmt(r.median, r.unit).padStart(8)}  ${`${fmt(r.min, r.unit)}-${fmt(r.max, r.unit)}`.padStart(15)}  ${r.unit.padEnd(4)}  ${r.target.padEnd(7)}  ${r.note}`);
  return [head, "-".repeat(head.length + 20), ...lines].join("\n") + "\n";
}
