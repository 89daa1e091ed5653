// `apexvisor bench`: builds the guest images, runs every benchmark (kernel/bench/run-bench.ts) and prints
// the markdown report; writes JSON and markdown files, and an HTML page with --html. No logic beyond that.
import { spawnSync } from "child_process";
import { cpus, release, type } from "os";
import { mkdirSync, writeFileSync } from "fs";
import { dirname, join, resolve } from "path";
import type { Argv } from "yargs";
import { renderJson, renderMarkdown } from "../../bench/report";
import { renderHtml } from "../../bench/report-html";
import { runBench } from "../../bench/run-bench";

/** Repo root, from dist/kernel/cli/commands. */
const ROOT = resolve(__dirname, "..", "..", "..", "..");

interface BenchArgs {
  readonly quick: boolean;
  readonly json: string;
  readonly md: string;
  readonly html: string | undefined;
  readonly "skip-mips": boolean;
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** The machine and date printed on the HTML page. */
function runContext(): { machine: string; date: string } {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return { machine: `${cpu} × ${cpus().length}, ${type()} ${release()}, Node.js ${process.version}`, date: new Date().toISOString().replace(/\.\d+Z$/, "Z") };
}

function run(args: BenchArgs, setExit: (code: number) => void): void {
  const built = spawnSync(process.execPath, [join(ROOT, "dist", "scripts", "build-guests.js")], { encoding: "utf8" });
  if (built.status !== 0) {
    process.stderr.write(`apexvisor bench: building guest images failed (an i386 gcc and GNU ld are needed):\n${built.stdout}${built.stderr}`);
    setExit(1);
    return;
  }
  const report = runBench(ROOT, { quick: args.quick, skipMips: args["skip-mips"], progress: (l) => process.stderr.write(`bench: ${l}\n`) });
  const md = renderMarkdown(report);
  process.stdout.write(md);
  write(args.json, renderJson(report));
  write(args.md, md);
  if (args.html !== undefined) write(args.html, renderHtml(report, runContext()));
  process.stderr.write(`bench: wrote ${args.json} and ${args.md}${args.html === undefined ? "" : ` and ${args.html}`}\n`);
  setExit(report.mips.some((m) => m.note !== "") ? 1 : 0);
}

/** Registers `bench` on the CLI. */
export function register(cli: Argv, setExit: (code: number) => void): void {
  cli.command(
    "bench",
    "Benchmark the call paths (direct, linked, jump table, trap), CPU speed, partition switching, scale and snapshots",
    (y) =>
      y
        .option("quick", { type: "boolean", default: false, describe: "tiny counts: exact figures only, host times meaningless" })
        .option("json", { type: "string", default: "build/bench/bench.json", describe: "where to write the JSON results" })
        .option("md", { type: "string", default: "build/bench/bench.md", describe: "where to write the markdown report" })
        .option("html", { type: "string", describe: "also write a self-contained HTML page: every table, a chart per section, machine and date" })
        .option("skip-mips", { type: "boolean", default: false, describe: "skip the CPU-bound guests (guest MIPS vs native)" }),
    (argv) => run(argv as unknown as BenchArgs, setExit),
  );
}
