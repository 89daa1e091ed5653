// `npm run bench:x87`: x87 speed. Runs the bench-flops guest (test/programs/bench/flops.c: double matrix
// product, Horner polynomials, FSQRT) in the emulator and natively, several times each, and prints the
// median MFLOPS of both and their ratio; then the x87 model's host time per operation, transcendentals included
// (kernel/bench/x87-ops.ts, in this process). Measures; asserts nothing. Usage: [--runs N] [--iters N].
import { join, resolve } from "path";
import { CPU_BENCH_MANIFEST, measureCpuGuest } from "../kernel/bench/cpu-bench";
import { readManifest } from "../kernel/bench/guest-manifest";
import { median } from "../kernel/bench/stats";
import { measureX87Ops } from "../kernel/bench/x87-ops";

const ROOT = resolve(__dirname, "..", "..");
/** Floating-point operations in one round of flops.c (its header comment counts them). */
const FLOPS_PER_ROUND = 5136;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) {
    process.stderr.write(`bench-x87: ${name} takes a positive integer\n`);
    process.exit(2);
  }
  return v;
}

function main(): void {
  const runs = option("--runs", 5);
  const iters = option("--iters", 400);
  const spec = readManifest(ROOT, join(ROOT, CPU_BENCH_MANIFEST)).find((s) => s.name === "bench-flops");
  if (spec === undefined) throw new Error("bench-flops is missing from the benchmark manifest");
  const row = measureCpuGuest(ROOT, spec, runs, `iters=${iters}`);
  if (row.note !== "") {
    process.stderr.write(`bench-x87: the emulated run failed: ${row.note}\n`);
    process.exit(1);
  }
  const flops = FLOPS_PER_ROUND * iters;
  const emu = flops / (median(row.hostMs) * 1000);
  const native = flops / (median(row.nativeMs) * 1000);
  process.stdout.write(`x87 flops: ${iters} rounds, ${flops} operations, ${row.instructions} guest instructions, ${runs} runs (median)\n`);
  process.stdout.write(`  apexvisor  ${emu.toFixed(2)} MFLOPS  (${median(row.hostMs).toFixed(1)} ms)\n`);
  process.stdout.write(`  native     ${native.toFixed(1)} MFLOPS  (${median(row.nativeMs).toFixed(2)} ms)\n`);
  process.stdout.write(`  slowdown   ${(native / emu).toFixed(0)}x\n`);
  const count = 20_000;
  process.stdout.write(`x87 operations (the FPU model in this process, ${count} per run, median of ${runs} runs): us per operation\n`);
  for (const op of measureX87Ops(runs, count, () => process.hrtime.bigint())) process.stdout.write(`  ${op.name.padEnd(8)} ${op.us.toFixed(2).padStart(6)}\n`);
}

main();
