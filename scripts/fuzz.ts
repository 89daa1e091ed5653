// `npm run fuzz -- --campaign NAME|all --iterations N --seed S`: seeded fuzz campaigns with bounded
// defaults; prints one report line per campaign and exits 1 when any found a host exception or an
// isolation break. Campaigns: scripts/fuzz/campaigns.ts.
import { resolve } from "path";
import { CAMPAIGNS } from "./fuzz/campaigns";

const ROOT = resolve(__dirname, "..", "..");

function main(argv: readonly string[]): number {
  let campaign = "all";
  let iterations = 200;
  let seed = 1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === "--campaign" && v !== undefined) campaign = v;
    else if (a === "--iterations" && v !== undefined) iterations = Number(v);
    else if (a === "--seed" && v !== undefined) seed = Number(v);
    else {
      process.stderr.write(`fuzz: unknown argument ${a}; use --campaign ${Object.keys(CAMPAIGNS).join("|")}|all --iterations N --seed S\n`);
      return 2;
    }
    i++;
  }
  if (!Number.isSafeInteger(iterations) || iterations <= 0 || !Number.isSafeInteger(seed)) {
    process.stderr.write("fuzz: --iterations must be a whole number above 0 and --seed a whole number\n");
    return 2;
  }
  const names = campaign === "all" ? Object.keys(CAMPAIGNS) : [campaign];
  let bad = 0;
  for (const name of names) {
    const run = CAMPAIGNS[name];
    if (run === undefined) {
      process.stderr.write(`fuzz: no campaign ${name} (campaigns: ${Object.keys(CAMPAIGNS).join(", ")})\n`);
      return 2;
    }
    const r = run(ROOT, seed, iterations);
    process.stdout.write(`${r.campaign}: seed ${r.seed}, ${r.iterations} iterations, ${r.work} ${name.endsWith("bytes") ? "instructions" : name === "hypercalls" ? "hypercalls" : "files"}, ${r.hostExceptions} host exceptions, ${r.isolationBreaks} isolation breaks\n`);
    for (const f of r.findings) process.stdout.write(`  ${f}\n`);
    bad += r.hostExceptions + r.isolationBreaks;
  }
  return bad > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
