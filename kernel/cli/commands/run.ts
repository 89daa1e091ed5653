// `apexvisor run MODULE.xml`: validates the module, loads every partition's image, runs the schedule
// in virtual time and prints each partition's console with a prefix, then a summary. Optional trace
// files. The work is kernel/module/run-module.ts; this file parses, calls and prints.
import chalk from "chalk";
import { readFileSync, writeFileSync } from "fs";
import type { Argv } from "yargs";
import { formatDiagnostic } from "../../config/diagnostic";
import type { SystemConfig } from "../../config/model";
import { ModuleClock } from "../../module/clock";
import { defaultBuilders } from "../../module/default-builders";
import { parseDuration } from "../../module/duration";
import { runModule, type RunLength } from "../../module/run-module";
import { ConsoleFormatter, noticeLine, summaryLines, type Paint } from "../../module/run-report";
import { writeChromeTrace } from "../../trace/chrome-trace-writer";
import { writeJsonLines } from "../../trace/jsonl-writer";
import { MemoryTracer, NULL_SINK } from "../../trace/tracer";

/** Exit statuses of `apexvisor run`. */
export const RUN_EXIT = { ok: 0, invalid: 1, usage: 2, loadError: 4, shutdown: 5 } as const;

const EPILOG = `The module runs in virtual time: the same XML and images give the same output and trace on any
machine. Each partition's console line is printed as "[name] text"; kernel notices (HM events,
partitions that stop) as "-- <time>: text". A summary table per partition closes the run.

Input: --console NAME feeds stdin to the COM1 receiver and PS/2 keyboard of FV partition NAME. stdin must be
a pipe or a file; it is read to its end before the run starts and then delivered one byte per character time
of the guest's COM1 settings, in the partition's virtual time, once the guest raised DTR or enabled the
receive interrupt, so a run with input is as deterministic as one without.

Length: --duration (e.g. 2s, 150ms, 250us; default: one major frame) or --frames N.
Traces: --trace FILE writes one JSON event per line (window start/end, mode changes, schedule switches,
HM events, port traffic, hypercalls, console lines, times in ns); --chrome-trace FILE writes
Chrome trace-event JSON that Perfetto (ui.perfetto.dev) and chrome://tracing open.

Exit status:
  ${RUN_EXIT.ok}  the module ran for the requested time
  ${RUN_EXIT.invalid}  the XML is invalid (every problem listed as file:line:column) or a partition has no image
  ${RUN_EXIT.usage}  bad command-line options
  ${RUN_EXIT.loadError}  a partition image is missing or cannot be loaded
  ${RUN_EXIT.shutdown}  the health monitor shut the module down`;

interface RunArgs {
  module: string;
  duration: string | undefined;
  frames: number | undefined;
  trace: string | undefined;
  "chrome-trace": string | undefined;
  console: string | undefined;
  color: boolean;
}

/** stdin as bytes when it is a pipe or file (read to its end before the run: runs stay deterministic). */
function readStdin(): Uint8Array {
  if (process.stdin.isTTY) return new Uint8Array(0);
  try {
    return new Uint8Array(readFileSync(0));
  } catch {
    return new Uint8Array(0);
  }
}

/** Why `--console NAME` does not fit the module, or undefined when it does. */
export function consoleProblem(config: SystemConfig, name: string): string | undefined {
  const p = config.partitions.find((q) => q.name === name);
  if (p === undefined) return `--console ${name}: no partition of that name (partitions: ${config.partitions.map((q) => q.name).join(", ")})`;
  if (p.guest.kind !== "FV") return `--console ${name}: only full-virtualized (FV) partitions have a COM1 to attach; ${name} is ${p.guest.kind}`;
  return undefined;
}

const COLOURS = [chalk.cyan, chalk.magenta, chalk.yellow, chalk.green, chalk.blue, chalk.red];

function lengthOf(args: RunArgs): RunLength | string {
  if (args.duration !== undefined && args.frames !== undefined) return "give --duration or --frames, not both";
  if (args.frames !== undefined) {
    if (!Number.isSafeInteger(args.frames) || args.frames <= 0) return `--frames must be a positive whole number, got ${args.frames}`;
    return { kind: "frames", count: args.frames };
  }
  if (args.duration === undefined) return { kind: "frames", count: 1 };
  const d = parseDuration(args.duration);
  return d.ok ? { kind: "duration", value: d.value } : d.message;
}

function execute(args: RunArgs, setExit: (code: number) => void): void {
  const length = lengthOf(args);
  if (typeof length === "string") {
    process.stderr.write(`apexvisor run: ${length}\n`);
    setExit(RUN_EXIT.usage);
    return;
  }
  const input = args.console === undefined ? undefined : { partition: args.console, bytes: readStdin() };
  const tracing = args.trace !== undefined || args["chrome-trace"] !== undefined;
  const tracer = new MemoryTracer();
  const paint: Paint = args.color && chalk.supportsColor !== false ? (i, t) => (COLOURS[i % COLOURS.length] ?? chalk.white)(t) : (_i, t) => t;
  let formatter: ConsoleFormatter | undefined;
  const out = (line: string): void => {
    process.stdout.write(line + "\n");
  };
  const outcome = runModule({
    file: args.module,
    length,
    builders: (config) => defaultBuilders(config, input),
    trace: tracing ? tracer : NULL_SINK,
    onValid: (config) => {
      formatter = new ConsoleFormatter(config, paint);
      return args.console === undefined ? undefined : consoleProblem(config, args.console);
    },
    onConsoleLine: (name, line) => out(formatter === undefined ? `[${name}] ${line}` : formatter.line(name, line)),
    onNotice: (time, text) => out(noticeLine(time, text)),
  });
  switch (outcome.kind) {
    case "invalid":
      process.stderr.write(outcome.diagnostics.map(formatDiagnostic).join("\n") + "\n");
      process.stderr.write(`apexvisor run: ${args.module}: ${outcome.diagnostics.length} problem(s); nothing was run\n`);
      setExit(RUN_EXIT.invalid);
      return;
    case "loadError":
      process.stderr.write(`${outcome.error.message}\n`);
      setExit(RUN_EXIT.loadError);
      return;
    case "refused":
      process.stderr.write(`apexvisor run: ${outcome.message}\n`);
      setExit(RUN_EXIT.usage);
      return;
    case "ran": {
      const clock = new ModuleClock(outcome.config.ext.clockHz);
      out("");
      for (const l of summaryLines(outcome.config, outcome.result, clock)) out(l);
      const names = new Map(outcome.config.partitions.map((p) => [p.id as number, p.name]));
      if (args.trace !== undefined) writeFileSync(args.trace, writeJsonLines(tracer.events));
      if (args["chrome-trace"] !== undefined) writeFileSync(args["chrome-trace"], writeChromeTrace(tracer.events, names));
      setExit(outcome.result.end.kind === "shutdown" ? RUN_EXIT.shutdown : RUN_EXIT.ok);
      return;
    }
    default: {
      const never: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(never)}`);
    }
  }
}

/** Registers the run command. */
export function register(cli: Argv, setExit: (code: number) => void): void {
  cli.command(
    "run <module>",
    "Run an ARINC 653 module: every partition in its windows, in virtual time",
    (y) =>
      y
        .positional("module", { type: "string", describe: "the ARINC_653_Module XML file", demandOption: true })
        .option("duration", { type: "string", describe: "virtual time to run (2s, 150ms, 250us)" })
        .option("frames", { type: "number", describe: "major frames of the initial schedule to run (default 1)" })
        .option("trace", { type: "string", describe: "write the trace as JSON lines to this file" })
        .option("chrome-trace", { type: "string", describe: "write the trace as Chrome trace-event JSON (Perfetto)" })
        .option("console", { type: "string", describe: "feed stdin (a pipe or file, read before the run, delivered at COM1's baud rate) to this FV partition's COM1 and keyboard" })
        .option("color", { type: "boolean", default: true, describe: "colour partition prefixes on a terminal (--no-color to turn off)" })
        .epilog(EPILOG),
    (args) => execute(args as unknown as RunArgs, setExit),
  );
}
