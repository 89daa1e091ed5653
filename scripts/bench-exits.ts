// `npm run bench:exits`: the exit costs of issue 14 (null trap, jump-table later call against a direct call of
// the same libpv body, FV port-I/O exit, partition switch at 2 and 1,000 partitions, kloop guest MIPS) as one
// table of medians. Bounded defaults (a few tens of seconds); measures, asserts nothing. Guest images must be built.
import { readFileSync } from "fs";
import { join, resolve } from "path";
import { formatExitCosts, measureExitCosts, type ExitCostPlan } from "../kernel/bench/exit-costs";
import type { CallImage } from "../kernel/bench/pv-run";
import { LIBPV_IMAGE } from "../kernel/module/repo-paths";

const ROOT = resolve(__dirname, "..", "..");
const USAGE = `usage: npm run bench:exits -- [--runs N] [--calls N] [--kloop-iters N]
  --runs N          timed runs per figure after one warm-up (default 7, at most 101); the table shows medians
  --calls N         calls per timed call-path loop (default 1000000, at most 10000000)
  --kloop-iters N   iterations of the kloop guest (default: the guest's own, 400000)
Exit status: 0 done, 2 bad arguments, 1 an image is missing (run node dist/scripts/build-guests.js).
`;

function count(flag: string, v: string | undefined, max: number): number {
  const n = Number(v);
  if (v === undefined || !Number.isSafeInteger(n) || n < 1 || n > max) {
    process.stderr.write(`bench:exits: ${flag} needs a whole number from 1 to ${max}\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

function parseArgs(argv: readonly string[]): ExitCostPlan {
  let runs = 7;
  let calls = 1_000_000;
  let kloopCommandLine: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") {
      process.stdout.write(USAGE);
      process.exit(0);
    } else if (a === "--runs") runs = count(a, argv[++i], 101);
    else if (a === "--calls") calls = count(a, argv[++i], 10_000_000);
    else if (a === "--kloop-iters") kloopCommandLine = `iters=${count(a, argv[++i], 100_000_000)}`;
    else {
      process.stderr.write(`bench:exits: unknown argument ${String(a)}\n${USAGE}`);
      process.exit(2);
    }
  }
  return { runs, calls, portAccesses: 2_000_000, switches: 100_000, kloopCommandLine };
}

function image(name: string, jumpTable: boolean): CallImage {
  const path = join(ROOT, "build", "guests", "partitions", "bench", `${name}-O2.elf`);
  try {
    return { bytes: new Uint8Array(readFileSync(path)), path, jumpTable, libpv: new Uint8Array(readFileSync(join(ROOT, LIBPV_IMAGE))) };
  } catch (e) {
    process.stderr.write(`bench:exits: cannot read ${path} or libpv: ${(e as Error).message}\n(run node dist/scripts/build-guests.js)\n`);
    process.exit(1);
  }
}

function main(): void {
  const plan = parseArgs(process.argv.slice(2));
  const images = { trap: image("callpaths-trap", false), jmptab: image("callpaths-jmptab", true), linked: image("callpaths-linked", false) };
  process.stdout.write(`bench:exits: ${plan.runs} run(s) per figure, medians; host times of this process\n`);
  const rows = measureExitCosts(ROOT, images, plan, (l) => process.stderr.write(`bench:exits: ${l}\n`));
  process.stdout.write(formatExitCosts(rows));
}

main();
