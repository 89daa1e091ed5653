// `apexvisor bench`: builds the guest images, runs every benchmark (kernel/bench/run-bench.ts) and prints
// the markdown report; writes JSON and markdown files, and an HTML page with --html. No logic beyond that.
import { spawnSync } from "child_process";
import { cpus, release, type } from "os";
import { closeSync, writeSync } from "fs";
import { join, resolve } from "path";
import type { Argv } from "yargs";
import { renderJson, renderMarkdown } from "../../bench/report";
import { renderHtml } from "../../bench/report-html";
import { runBench } from "../../bench/run-bench";
import { ioMessage, openOutput, sameFile } from "../output-files";

/** Exit statuses of `apexvisor bench`. */
export const BENCH_EXIT = { ok: 0, failed: 1, io: 6 } as const;

/** Repo root, from dist/kernel/cli/commands. */
const ROOT = resolve(__dirname, "..", "..", "..", "..");

interface BenchArgs {
  readonly quick: boolean;
  readonly json: string;
  readonly md: string;
  readonly html: string | undefined;
  readonly "skip-mips": boolean;
  readonly "skip-devices": boolean;
}

/** Opens every report file before the benchmark runs; a one-line reason when one cannot be. */
function openReports(paths: readonly string[]): Map<string, number> | string {
  const fds = new Map<string, number>();
  for (const p of paths) {
    const twin = [...fds.keys()].find((q) => sameFile(p, q));
    const o = twin === undefined ? openOutput(p, true) : { ok: false as const, message: `${p} is named twice` };
    if (!o.ok) {
      for (const fd of fds.values()) closeSync(fd);
      return o.message;
    }
    fds.set(p, o.fd);
  }
  return fds;
}

function write(fd: number, path: string, text: string): string | undefined {
  try {
    const data = Buffer.from(text, "utf8");
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off);
    closeSync(fd);
    return undefined;
  } catch (e) {
    return `cannot write ${path}: ${ioMessage(e)}`;
  }
}

/** The machine and date printed on the HTML page. */
function runContext(): { machine: string; date: string } {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return { machine: `${cpu} × ${cpus().length}, ${type()} ${release()}, Node.js ${process.version}`, date: new Date().toISOString().replace(/\.\d+Z$/, "Z") };
}

function run(args: BenchArgs, setExit: (code: number) => void): void {
  const files = openReports([args.json, args.md, ...(args.html === undefined ? [] : [args.html])]);
  if (typeof files === "string") {
    process.stderr.write(`apexvisor bench: ${files}\n`);
    setExit(BENCH_EXIT.io);
    return;
  }
  const built = spawnSync(process.execPath, [join(ROOT, "dist", "scripts", "build-guests.js")], { encoding: "utf8" });
  if (built.status !== 0) {
    process.stderr.write(`apexvisor bench: building guest images failed (an i386 gcc and GNU ld are needed):\n${built.stdout}${built.stderr}`);
    setExit(1);
    return;
  }
  const report = runBench(ROOT, { quick: args.quick, skipMips: args["skip-mips"], skipDevices: args["skip-devices"], progress: (l) => process.stderr.write(`bench: ${l}\n`) });
  const md = renderMarkdown(report);
  process.stdout.write(md);
  const errors = [write(files.get(args.json)!, args.json, renderJson(report)), write(files.get(args.md)!, args.md, md)];
  if (args.html !== undefined) errors.push(write(files.get(args.html)!, args.html, renderHtml(report, runContext())));
  const error = errors.find((e) => e !== undefined);
  if (error !== undefined) {
    process.stderr.write(`apexvisor bench: ${error}\n`);
    setExit(BENCH_EXIT.io);
    return;
  }
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
        .option("skip-mips", { type: "boolean", default: false, describe: "skip the CPU-bound guests (guest MIPS vs native)" })
        .option("skip-devices", { type: "boolean", default: false, describe: "skip the in-kernel vs partition-served device rows (UART section and served ATA, ~1 min in a full run; --quick skips them too)" })
        .epilog(`The report files are created (with missing folders) before the benchmark starts.\n\nExit status:\n  ${BENCH_EXIT.ok}  done\n  ${BENCH_EXIT.failed}  guest images could not be built, or a CPU-bound guest gave a wrong result\n  ${BENCH_EXIT.io}  a report file cannot be created or written (one line says which and why)`),
    (argv) => run(argv as unknown as BenchArgs, setExit),
  );
}
