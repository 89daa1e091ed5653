// `npm run bench:x87`: x87 speed. Runs the bench-flops guest (test/programs/bench/flops.c: double matrix
// product, Horner polynomials, FSQRT) in the emulator and natively, several times each, and prints the
// median MFLOPS of both and their ratio; then the x87 model's host time per operation, transcendentals included
// (kernel/bench/x87-ops.ts, in this process). Measures; asserts nothing. --help says how to run it.
import { join, resolve } from "path";
import { CPU_BENCH_MANIFEST, measureCpuGuest } from "../kernel/bench/cpu-bench";
import { readManifest } from "../kernel/bench/guest-manifest";
import { median } from "../kernel/bench/stats";
import { measureX87Ops } from "../kernel/bench/x87-ops";

const ROOT = resolve(__dirname, "..", "..");
/** Floating-point operations in one round of flops.c (its header comment counts them). */
const FLOPS_PER_ROUND = 5136;

const USAGE = `usage: npm run bench:x87 -- [--runs N] [--iters N] [--ops-only]
  Runs the bench-flops guest (double matrix products, Horner polynomials, FSQRT) emulated and natively and prints
  both speeds in MFLOPS, then the x87 model's host time per operation (FMUL, FSQRT, FRNDINT, 64-bit FIST/FILD,
  FSCALE, FXTRACT, FPREM and each transcendental), run in this process on fixed operands.
  --runs N     runs of each side, and of each operation's timing (default 5; medians are printed)
  --iters N    rounds of bench-flops per run (default 400; 5,136 operations a round)
  --ops-only   only the per-operation table (a few seconds; needs no guest image)
Exit status: 0 done, 1 the emulated run failed, 2 bad arguments.`;

interface Options {
  runs: number;
  iters: number;
  opsOnly: boolean;
}

/** The options in `args`, or a message saying what is wrong with them ("" for --help). */
function parse(args: readonly string[]): Options | string {
  const o: Options = { runs: 5, iters: 400, opsOnly: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--help" || a === "-h") return "";
    if (a === "--ops-only") o.opsOnly = true;
    else if (a === "--runs" || a === "--iters") {
      const v = Number(args[++i]);
      if (!Number.isInteger(v) || v < 1) return `${a} takes a positive integer`;
      if (a === "--runs") o.runs = v;
      else o.iters = v;
    } else return `unknown argument ${a}`;
  }
  return o;
}

function main(args: readonly string[]): number {
  const o = parse(args);
  if (typeof o === "string") {
    process.stderr.write(`${o === "" ? "" : `bench-x87: ${o}\n`}${USAGE}\n`);
    return o === "" ? 0 : 2;
  }
  const { runs, iters } = o;
  if (!o.opsOnly) {
    const spec = readManifest(ROOT, join(ROOT, CPU_BENCH_MANIFEST)).find((s) => s.name === "bench-flops");
    if (spec === undefined) throw new Error("bench-flops is missing from the benchmark manifest");
    const row = measureCpuGuest(ROOT, spec, runs, `iters=${iters}`);
    if (row.note !== "") {
      process.stderr.write(`bench-x87: the emulated run failed: ${row.note}\n`);
      return 1;
    }
    const flops = FLOPS_PER_ROUND * iters;
    const emu = flops / (median(row.hostMs) * 1000);
    const native = flops / (median(row.nativeMs) * 1000);
    process.stdout.write(`x87 flops: ${iters} rounds, ${flops} operations, ${row.instructions} guest instructions, ${runs} runs (median)\n`);
    process.stdout.write(`  apexvisor  ${emu.toFixed(2)} MFLOPS  (${median(row.hostMs).toFixed(1)} ms)\n`);
    process.stdout.write(`  native     ${native.toFixed(1)} MFLOPS  (${median(row.nativeMs).toFixed(2)} ms)\n`);
    process.stdout.write(`  slowdown   ${(native / emu).toFixed(0)}x\n`);
  }
  const count = 20_000;
  process.stdout.write(`x87 operations (the FPU model in this process, ${count} per run, median of ${runs} runs): us per operation\n`);
  for (const op of measureX87Ops(runs, count, () => process.hrtime.bigint())) process.stdout.write(`  ${op.name.padEnd(12)} ${op.us.toFixed(2).padStart(6)}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
