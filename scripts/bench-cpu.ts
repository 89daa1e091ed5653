// `npm run bench:cpu`: runs the CPU-bound benchmark guests (test/programs/bench) in apexvisor's emulator and
// the same C natively (host gcc -O2, timed in-process by the native shim), several times each, and prints a
// table of instructions, host time, guest MIPS and the slowdown against native; then, when qemu-system-i386
// is installed, the same guests under QEMU interleaved with apexvisor runs (apexvisor's speed as a ratio of
// QEMU's, both from a full run minus an iters=1 run), and the first-run cost
// (MIPS per 10 ms guest-time slice of a fresh process). Measures; asserts nothing.
import { spawnSync } from "child_process";
import { join, resolve } from "path";
import { DEFAULT_CLOCK_HZ, DEFAULT_COST_MODEL } from "../kernel/cpu/cost-model";
import { CPU_BENCH_MANIFEST, measureCpuGuest, mipsOf, timeInEmulator, type CpuBenchRow as Row } from "../kernel/bench/cpu-bench";
import { firstRunFigure, type FirstRunFigure, type FirstRunSample } from "../kernel/bench/first-run";
import { imagePath, readManifest, type GuestImageSpec } from "../kernel/bench/guest-manifest";
import { qemuVersion } from "../kernel/bench/qemu-machine";
import { BASELINE_COMMAND_LINE, qemuMips, timeUnderQemu } from "../kernel/bench/qemu-reference";
import { median } from "../kernel/bench/stats";
import { applyDevSwitches } from "../kernel/cli/dev-switches";

const ROOT = resolve(__dirname, "..", "..");
const MANIFEST = join(ROOT, CPU_BENCH_MANIFEST);
interface Options {
  readonly runs: number;
  readonly processes: number;
  readonly commandLine: string | undefined;
  readonly only: string | undefined;
  readonly qemu: boolean;
  readonly firstRun: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  let runs = 5;
  let processes = 3;
  let commandLine: string | undefined;
  let only: string | undefined;
  let qemu = true;
  let firstRun = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === "--quick") {
      runs = 1;
      processes = 1;
      commandLine = "iters=50";
    } else if (a === "--runs") {
      runs = Number(value());
      if (!Number.isInteger(runs) || runs < 1 || runs > 100) throw new UsageError("--runs takes 1..100");
    } else if (a === "--processes") {
      processes = Number(value());
      if (!Number.isInteger(processes) || processes < 1 || processes > 20) throw new UsageError("--processes takes 1..20");
    } else if (a === "--iters") {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new UsageError("--iters takes a positive integer");
      commandLine = `iters=${n}`;
    } else if (a === "--no-qemu") {
      qemu = false;
    } else if (a === "--no-first-run") {
      firstRun = false;
    } else if (a === "--only") {
      only = value();
    } else if (a === "--help" || a === "-h") {
      throw new UsageError("");
    } else {
      throw new UsageError(`unknown option ${a}`);
    }
  }
  return { runs, processes, commandLine, only, qemu, firstRun };
}

class UsageError extends Error {}

const USAGE = `usage: npm run bench:cpu -- [--quick] [--runs N] [--processes N] [--iters N] [--only NAME] [--no-qemu] [--no-first-run]
  --quick        one run of each guest with iters=50, in this process (a smoke run)
  --runs N       runs per guest and side (default 5; the table shows the median and the range)
  --processes N  fresh node processes the emulator's runs are made in, each making --runs (default 3; 1: this
                 process). One process's median can be far from another's (V8's code differs from process to
                 process, and a shared host's speed drifts); the table shows every process's median and the
                 median of all runs
  --iters N      override every guest's iteration count (boot command line "iters=N")
  --only NAME    run only the guest whose name contains NAME
  --no-qemu      skip the QEMU comparison (it runs when qemu-system-i386 is on PATH)
  --no-first-run skip the first-run cost (a fresh process per guest: MIPS per 10 ms of guest time, and the blocks
                 compiled in each of those slices)
Environment: APEXVISOR_REGIONS=1 (regions of hot blocks) and APEXVISOR_IDLE_SKIP=0 (idle loops run) apply to every
  process of the run, as they do to the apexvisor command; the header names them when set.`;

function fmt(n: number, digits = 1): string {
  return n.toFixed(digits);
}

function printTable(rows: readonly Row[]): void {
  const header = ["guest", "instructions", "host ms (median, min-max)", "process medians", "guest MIPS", "native ms", "slowdown", ""];
  const lines = rows.map((r) => {
    const host = median(r.hostMs);
    const nat = median(r.nativeMs);
    return [
      r.name,
      String(r.instructions),
      `${fmt(host)} (${fmt(Math.min(...r.hostMs))}-${fmt(Math.max(...r.hostMs))})`,
      r.processMs.map((m) => fmt(m, 0)).join(" "),
      fmt(mipsOf(r)),
      fmt(nat, 3),
      `${fmt(host / nat)}x`,
      r.note,
    ];
  });
  render(header, lines);
}

function render(header: readonly string[], lines: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const row = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ").trimEnd();
  process.stdout.write(`${row(header)}\n${row(header.map((_, i) => "-".repeat(widths[i] ?? 0)))}\n`);
  for (const l of lines) process.stdout.write(`${row(l)}\n`);
}

/**
 * The same guests under QEMU, one process at a time, interleaved with apexvisor runs of the same image so
 * that both sides see the same machine load. Both speeds are taken the same way: the instructions between
 * a full run and an iters=1 run over the host time between them (boot, firmware and exit cancel out).
 */
function compareWithQemu(specs: readonly GuestImageSpec[], rows: readonly Row[], opts: Options): void {
  const version = qemuVersion();
  if (version === undefined) {
    process.stdout.write("\nQEMU comparison skipped: qemu-system-i386 is not installed (apt-get install qemu-system-x86)\n");
    return;
  }
  process.stdout.write(
    `\nQEMU comparison (${version}, TCG, -machine isapc -cpu pentium3; ${opts.runs} round(s) per guest, each round a full and an ${BASELINE_COMMAND_LINE} run\n` +
      `under QEMU then under apexvisor, one process at a time): MIPS = (instructions - instructions at ${BASELINE_COMMAND_LINE}) / (host ms of the run -\n` +
      `host ms of the ${BASELINE_COMMAND_LINE} run), medians, on both sides; the instruction counts are apexvisor's (the same image runs the same instructions).\n`,
  );
  const lines: string[][] = [];
  const ratios: number[] = [];
  specs.forEach((spec, i) => {
    const row = rows[i];
    if (row === undefined) return;
    process.stderr.write(`bench:cpu: running ${spec.name} under QEMU and apexvisor\n`);
    const path = imagePath(ROOT, spec, "O2");
    const q = { full: [] as number[], base: [] as number[] };
    const a = { full: [] as number[], base: [] as number[] };
    let note = "";
    let baseInstructions = 0;
    for (let r = 0; r < opts.runs; r++) {
      const t = timeUnderQemu(path, opts.commandLine, 1, row.transcript);
      if (t.note !== "") note = t.note;
      q.full.push(t.fullMs);
      q.base.push(t.baselineMs);
      a.full.push(timeInEmulator(ROOT, spec, opts.commandLine).ms);
      const b = timeInEmulator(ROOT, spec, BASELINE_COMMAND_LINE);
      a.base.push(b.ms);
      baseInstructions = b.instructions;
    }
    const qt = { fullMs: median(q.full), baselineMs: median(q.base), note };
    const at = { fullMs: median(a.full), baselineMs: median(a.base), note: "" };
    const qm = qemuMips(row.instructions, baseInstructions, qt);
    const am = qemuMips(row.instructions, baseInstructions, at);
    const ratio = qm === undefined || am === undefined ? undefined : am / qm;
    if (ratio !== undefined && note === "") ratios.push(ratio);
    const mips = (m: number | undefined): string => (m === undefined ? "n/a" : fmt(m));
    lines.push([spec.name, fmt(qt.fullMs), fmt(qt.baselineMs), mips(qm), fmt(at.fullMs), fmt(at.baselineMs), mips(am), ratio === undefined ? "n/a" : `${ratio.toFixed(2)}x`, note]);
  });
  render(["guest", "QEMU ms", `QEMU ms ${BASELINE_COMMAND_LINE}`, "QEMU MIPS", "apexvisor ms", `apexvisor ms ${BASELINE_COMMAND_LINE}`, "apexvisor MIPS", "apexvisor/QEMU", ""], lines);
  if (ratios.length > 0) process.stdout.write(`median apexvisor/QEMU: ${median(ratios).toFixed(2)}x\n`);
}

const FIRST_SLICES = 6;
/** The first-run tables' column heads for the slices they show. */
const SLICE_HEADS = Array.from({ length: FIRST_SLICES }, (_, k) => `${k * 10}-${k * 10 + 10} ms`);

/** One cell per shown slice of `f`: `cell` of the slice, or "-" where the run had none. */
function sliceCells(f: FirstRunFigure, cell: (s: FirstRunFigure["slices"][number]) => string): string[] {
  return Array.from({ length: FIRST_SLICES }, (_, k) => (f.slices[k] === undefined ? "-" : cell(f.slices[k]!)));
}

/** Each guest booted in a fresh node process: MIPS per 10 ms guest-time slice and when full speed is reached. */
function firstRunCost(specs: readonly GuestImageSpec[], opts: Options): void {
  const script = join(ROOT, "dist", "scripts", "first-run.js");
  const figures: [string, FirstRunFigure][] = [];
  for (const spec of specs) {
    process.stderr.write(`bench:cpu: first run of ${spec.name}\n`);
    const r = spawnSync(process.execPath, [script, imagePath(ROOT, spec, "O2"), ...(opts.commandLine === undefined ? [] : [opts.commandLine])], { encoding: "utf8", maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`first run of ${spec.name} failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { startupMs: number; samples: FirstRunSample[] };
    figures.push([spec.name, firstRunFigure(out.samples, out.startupMs)]);
  }
  process.stdout.write(
    "\nFirst-run cost: each guest booted in a fresh node process (dist/scripts/first-run.js); MIPS of each 10 ms slice of guest time\n" +
      "from the boot on; full speed = median MIPS of the later half of the slices; reached = guest ms at the start of the first slice at >= 90% of it.\n",
  );
  const header = ["guest", "startup ms", ...SLICE_HEADS, "full speed", "reached at", ""];
  const lines = figures.map(([name, f]) => [
    name,
    fmt(f.startupMs, 0),
    ...sliceCells(f, (x) => fmt(x.mips)),
    fmt(f.steadyMips),
    f.fullSpeedAtMs === undefined ? "never" : `${fmt(f.fullSpeedAtMs, 0)} ms`,
    f.fullSpeedAtMs !== undefined && f.fullSpeedAtMs <= 50 ? "" : "later than 50 ms",
  ]);
  render(header, lines);
  process.stdout.write(
    "\nBlocks compiled in each slice (whole, counted and resuming blocks). A slice below full speed that compiled none waits on\n" +
      "the JavaScript engine's optimising compiler for the blocks already there (kernel/cpu/README.md, \"Where a fresh process's time goes\").\n",
  );
  const compiled = figures.map(([name, f]) => [
    name,
    ...sliceCells(f, (x) => String(x.compiled)),
    f.fullSpeedAtMs === undefined ? "-" : String(f.slices.filter((x) => x.guestMs < f.fullSpeedAtMs!).reduce((n, x) => n + x.compiled, 0)),
  ]);
  render(["guest", ...SLICE_HEADS, "before full speed"], compiled);
}

function main(argv: readonly string[]): number {
  let opts: Options;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${e.message === "" ? "" : `bench:cpu: ${e.message}\n`}${USAGE}\n`);
    return e.message === "" ? 0 : 2;
  }
  const built = spawnSync(process.execPath, [join(ROOT, "dist", "scripts", "build-guests.js")], { encoding: "utf8" });
  if (built.status !== 0) {
    process.stderr.write(`bench:cpu: building guests failed:\n${built.stdout}${built.stderr}`);
    return 1;
  }
  const specs = readManifest(ROOT, MANIFEST).filter((s) => opts.only === undefined || s.name.includes(opts.only));
  // This process's runs (--processes 1, the QEMU comparison) and the children it starts read the same switches.
  const switches = applyDevSwitches(process.env, false);
  process.stdout.write(
    (switches.length > 0 ? `bench:cpu: developer switches ${switches.join(" ")} (in every process)\n` : "") +
    `bench:cpu: ${specs.length} guests, ${opts.runs} run(s) each${opts.processes > 1 ? ` in each of ${opts.processes} fresh processes (emulator side)` : ""}, ${opts.commandLine ?? "default iterations"}; ` +
      `cost model ${DEFAULT_COST_MODEL.instruction} cycle/instruction at ${DEFAULT_CLOCK_HZ / 1e6} MHz\n` +
      "host ms = wall time of the whole emulated boot (median and range of all runs); process medians = the median boot of\n" +
      "each fresh process; native ms = the timed work loop of the same C at gcc -O2\n" +
      "(x86-64, free to use SSE vectors, which the -mgeneral-regs-only guest build cannot)\n",
  );
  const rows: Row[] = [];
  for (const spec of specs) {
    process.stderr.write(`bench:cpu: running ${spec.name}\n`);
    rows.push(measureCpuGuest(ROOT, spec, opts.runs, opts.commandLine, opts.processes));
  }
  printTable(rows);
  if (rows.length > 0) process.stdout.write(`overall median: ${fmt(median(rows.map(mipsOf)))} MIPS\n`);
  if (opts.qemu) compareWithQemu(specs, rows, opts);
  if (opts.firstRun) firstRunCost(specs, opts);
  return rows.some((r) => r.note !== "") ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
