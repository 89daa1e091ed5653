// `npm run bench:cpu`: runs the CPU-bound benchmark guests (test/programs/bench) in apexvisor's emulator and
// the same C natively (host gcc -O2, timed in-process by the native shim), several times each, and prints a
// table of instructions, host time, guest MIPS and the slowdown against native. Measures; asserts nothing.
import { spawnSync } from "child_process";
import { join, resolve } from "path";
import { DEFAULT_CLOCK_HZ, DEFAULT_COST_MODEL } from "../kernel/cpu/cost-model";
import { CPU_BENCH_MANIFEST, measureCpuGuest, mipsOf, type CpuBenchRow as Row } from "../kernel/bench/cpu-bench";
import { readManifest } from "../kernel/bench/guest-manifest";
import { median } from "../kernel/bench/stats";

const ROOT = resolve(__dirname, "..", "..");
const MANIFEST = join(ROOT, CPU_BENCH_MANIFEST);
interface Options {
  readonly runs: number;
  readonly commandLine: string | undefined;
  readonly only: string | undefined;
}

function parseArgs(argv: readonly string[]): Options {
  let runs = 5;
  let commandLine: string | undefined;
  let only: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === "--quick") {
      runs = 1;
      commandLine = "iters=50";
    } else if (a === "--runs") {
      runs = Number(value());
      if (!Number.isInteger(runs) || runs < 1 || runs > 100) throw new UsageError("--runs takes 1..100");
    } else if (a === "--iters") {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new UsageError("--iters takes a positive integer");
      commandLine = `iters=${n}`;
    } else if (a === "--only") {
      only = value();
    } else if (a === "--help" || a === "-h") {
      throw new UsageError("");
    } else {
      throw new UsageError(`unknown option ${a}`);
    }
  }
  return { runs, commandLine, only };
}

class UsageError extends Error {}

const USAGE = `usage: npm run bench:cpu -- [--quick] [--runs N] [--iters N] [--only NAME]
  --quick     one run of each guest with iters=50 (a smoke run)
  --runs N    runs per guest and side (default 5; the table shows the median and the range)
  --iters N   override every guest's iteration count (boot command line "iters=N")
  --only NAME run only the guest whose name contains NAME`;

function fmt(n: number, digits = 1): string {
  return n.toFixed(digits);
}

function printTable(rows: readonly Row[]): void {
  const header = ["guest", "instructions", "host ms (median, min-max)", "guest MIPS", "native ms", "slowdown", ""];
  const lines = rows.map((r) => {
    const host = median(r.hostMs);
    const nat = median(r.nativeMs);
    return [
      r.name,
      String(r.instructions),
      `${fmt(host)} (${fmt(Math.min(...r.hostMs))}-${fmt(Math.max(...r.hostMs))})`,
      fmt(mipsOf(r)),
      fmt(nat, 3),
      `${fmt(host / nat)}x`,
      r.note,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const render = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ").trimEnd();
  process.stdout.write(`${render(header)}\n${render(header.map((_, i) => "-".repeat(widths[i] ?? 0)))}\n`);
  for (const l of lines) process.stdout.write(`${render(l)}\n`);
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
  process.stdout.write(
    `bench:cpu: ${specs.length} guests, ${opts.runs} run(s) each, ${opts.commandLine ?? "default iterations"}; ` +
      `cost model ${DEFAULT_COST_MODEL.instruction} cycle/instruction at ${DEFAULT_CLOCK_HZ / 1e6} MHz\n` +
      "host ms = wall time of the whole emulated boot; native ms = the timed work loop of the same C at gcc -O2\n" +
      "(x86-64, free to use SSE vectors, which the -mgeneral-regs-only guest build cannot)\n",
  );
  const rows: Row[] = [];
  for (const spec of specs) {
    process.stderr.write(`bench:cpu: running ${spec.name}\n`);
    rows.push(measureCpuGuest(ROOT, spec, opts.runs, opts.commandLine));
  }
  printTable(rows);
  if (rows.length > 0) process.stdout.write(`overall median: ${fmt(median(rows.map(mipsOf)))} MIPS\n`);
  return rows.some((r) => r.note !== "") ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
