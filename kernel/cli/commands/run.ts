// `apexvisor run MODULE.xml`: validates the module, loads every partition's image, runs the schedule
// in virtual time and prints each partition's console with a prefix, then a summary. Optional trace
// files. The work is kernel/module/run-module.ts; this file parses, calls and prints.
import chalk from "chalk";
import type { Argv } from "yargs";
import { formatDiagnostic } from "../../config/diagnostic";
import type { SystemConfig } from "../../config/model";
import { ModuleClock } from "../../module/clock";
import { NODE_HOST } from "../../host/node/node-files";
import { defaultBuilders } from "../../module/default-builders";
import { OpenDisks } from "../../disk/open-disks";
import { nodeDiskWriteBack } from "../../host/node/node-disk-writer";
import { parseDuration } from "../../module/duration";
import { sanitizeLine } from "../../module/console-sanitize";
import { prepareModule, runModule, type RunLength, type RunModuleOptions, type RunModuleOutcome, type RunProgress } from "../../module/run-module";
import { commonMajorFrame } from "../../module/run-pieces";
import { parseGdbAddress } from "../../host/node/gdb-server";
import { serveModule } from "../../introspect/module-driver";
import { ConsoleFormatter, noticeLine, summaryLines, type Paint } from "../../module/run-report";
import type { SnapshotBase, SnapshotContent } from "../../snapshot/snapshot-file";
import { writeSnapshotFile } from "../../host/node/snapshot-io";
import type { TraceEvent } from "../../trace/trace-event";
import { NULL_SINK, type TraceSink } from "../../trace/tracer";
import { RunProgressBar } from "../run-progress";
import { stdinSource } from "../console-input";
import { USER_QUIT } from "../../module/partition-vm";
import { TraceFiles } from "../trace-files";
import { STDOUT_CLOSED_EXIT, stopIfStdoutClosed } from "../stdout-closed";

/** Exit statuses of `apexvisor run`. */
export const RUN_EXIT = { ok: 0, invalid: 1, usage: 2, loadError: 4, shutdown: 5, io: 6, snapshot: 12 } as const;

const EPILOG = `The module runs in virtual time: the same XML and images give the same output and trace on any
machine. Each partition's console line is printed as "[name] text"; kernel notices (HM events,
partitions that stop) as "-- <time>: text". A summary table per partition closes the run.

Guest console text is shown safely: control characters and escape sequences appear as ^[ (C0, DEL)
or \\x9b (C1) instead of acting on the terminal; --raw-console passes the bytes through unchanged.

Input: --console NAME feeds stdin to the COM1 receiver and PS/2 keyboard of FV partition NAME, one byte per
character time of the guest's COM1 settings, in the partition's virtual time, while the guest asserts DTR and
RTS and, once it used the receive interrupt, keeps that on. A pipe or file is read as a stream, a chunk at a time when the line wants a
byte (an endless pipe does not hold up the start), so a run with piped input is as deterministic as one
without. A terminal is put in raw mode, as \`boot\` does: typed keys go to the guest, Ctrl-A x ends the run
(exit status 0), Ctrl-A a sends Ctrl-A; it is the one non-deterministic input, and stderr says so.

Progress: a run that takes more than a moment shows virtual time, frames, guest MIPS (executed guest
cycles per host microsecond) and an ETA on stderr when stderr is a terminal; never otherwise.

Length: --duration (e.g. 2s, 150ms, 250us; default: one major frame) or --frames N.
Traces: --trace FILE writes one JSON event per line (window start/end, mode changes, schedule switches,
HM events, port traffic with bytes, return code and validity, every hypercall with its service and
result, console lines, times in ns); --chrome-trace FILE writes Chrome trace-event JSON that Perfetto
(ui.perfetto.dev) and chrome://tracing open. Both files are opened before the run starts and written
as it goes (a killed run keeps what was written so far); they must be two different files.

Exit status:
  ${RUN_EXIT.ok}  the module ran for the requested time
  ${RUN_EXIT.invalid}  the XML is invalid (every problem listed as file:line:column) or a partition has no image
  ${RUN_EXIT.usage}  bad command-line options
  ${RUN_EXIT.loadError}  a partition image is missing or cannot be loaded
  ${RUN_EXIT.shutdown}  the health monitor shut the module down
  ${RUN_EXIT.io}  a trace file cannot be opened or written (one line says which and why)
  ${RUN_EXIT.snapshot} --save FILE cannot be written
  ${STDOUT_CLOSED_EXIT} stdout's reader went away (e.g. \`| head\`): the run stops there, traces keep what was written

Suspend: --save FILE writes the whole module at the end of the run (kernel state, every partition's
RAM, vCPU and devices) to FILE, an ELF32 core; \`apexvisor resume FILE\` continues it. With --console,
the file records how many bytes of stdin the partition has read (and their SHA-256): resume FILE reads
the same input again from its start, skips those bytes (checking them) and goes on from there.`;

/** Options of `run` (and of `resume`, which has no module, console or colour of its own). */
export interface RunArgs {
  module: string;
  save: string | undefined;
  duration: string | undefined;
  frames: number | undefined;
  trace: string | undefined;
  "chrome-trace": string | undefined;
  console: string | undefined;
  color: boolean;
  "raw-console": boolean;
  progress: boolean;
  gdb: string | undefined;
  "gdb-partition": string | undefined;
  control: string | undefined;
  /** resume: stdin is new input for the saved console partition, not the saved run's input again. */
  "fresh-input"?: boolean;
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

/** Runs (or, with `resume`, continues) a module and prints its consoles, summary and traces. */
export function execute(args: RunArgs, setExit: (code: number) => void, resume?: SnapshotContent, base?: SnapshotBase): void | Promise<void> {
  const command = resume === undefined ? "run" : "resume";
  const gdb = args.gdb === undefined ? undefined : parseGdbAddress(args.gdb);
  if (gdb !== undefined && !gdb.ok) {
    process.stderr.write(`apexvisor ${command}: ${gdb.message}\n`);
    setExit(RUN_EXIT.usage);
    return;
  }
  if ((gdb === undefined) !== (args["gdb-partition"] === undefined)) {
    process.stderr.write(`apexvisor ${command}: --gdb and --gdb-partition NAME go together\n`);
    setExit(RUN_EXIT.usage);
    return;
  }
  const length = lengthOf(args);
  if (typeof length === "string") {
    process.stderr.write(`apexvisor ${command}: ${length}\n`);
    setExit(RUN_EXIT.usage);
    return;
  }
  if (args.save !== undefined && (gdb !== undefined || args.control !== undefined)) {
    process.stderr.write(`apexvisor ${command}: --save cannot be combined with --gdb or --control\n`);
    setExit(RUN_EXIT.usage);
    return;
  }
  const stdin = args.console === undefined ? undefined : stdinSource();
  if (stdin?.interactive === true) process.stderr.write(`apexvisor ${command}: --console ${args.console} reads this terminal in raw mode (Ctrl-A x quits); typed input makes the run non-deterministic\n`);
  const input = args.console === undefined || stdin === undefined ? undefined : { partition: args.console, source: stdin, fresh: args["fresh-input"] === true };
  const tracing = args.trace !== undefined || args["chrome-trace"] !== undefined;
  let files: TraceFiles | undefined;
  let ioError: string | undefined;
  const tracer: TraceSink = { emit: (e: TraceEvent) => files?.emit(e) };
  const paint: Paint = args.color && chalk.supportsColor !== false ? (i, t) => (COLOURS[i % COLOURS.length] ?? chalk.white)(t) : (_i, t) => t;
  let formatter: ConsoleFormatter | undefined;
  let progress: RunProgressBar | undefined;
  const out = (line: string): void => {
    if (process.stdout.isTTY) progress?.beforeOutput();
    process.stdout.write(line + "\n");
    stopIfStdoutClosed(() => files?.close());
  };
  const served = gdb !== undefined || args.control !== undefined;
  // FV disks (apx:Device Name="ata" Image=...): Persist="true" ones are written back once the run ends, however it ends.
  const disks = new OpenDisks(NODE_HOST.files, nodeDiskWriteBack);
  const runOpts: RunModuleOptions = {
    file: args.module,
    length,
    host: NODE_HOST,
    builders: (config) => defaultBuilders(config, NODE_HOST, input, disks),
    trace: tracing ? tracer : NULL_SINK,
    onValid: (config) => {
      formatter = new ConsoleFormatter(config, paint);
      const gp = args["gdb-partition"];
      if (gp !== undefined && !config.partitions.some((q) => q.name === gp)) {
        return `--gdb-partition ${gp}: no partition of that name (partitions: ${config.partitions.map((q) => q.name).join(", ")})`;
      }
      const bad = args.console === undefined ? undefined : consoleProblem(config, args.console);
      if (bad !== undefined) return bad;
      if (tracing) {
        const names = new Map(config.partitions.map((p) => [p.id as number, p.name]));
        const opened = TraceFiles.open(args.trace, args["chrome-trace"], config.partitions.map((p) => p.id as number), names);
        if (typeof opened === "string") return (ioError = opened);
        files = opened;
      }
      if (args.progress && !served) progress = new RunProgressBar({ stream: process.stderr, nowMs: () => Date.now() }, commonMajorFrame(config));
      return undefined;
    },
    onConsoleLine: (name, raw) => {
      const line = args["raw-console"] ? raw : sanitizeLine(raw);
      out(formatter === undefined ? `[${name}] ${line}` : formatter.line(name, line));
    },
    onNotice: (time, text) => out(noticeLine(time, text)),
    ...(args.save !== undefined ? { save: true } : {}),
    ...(resume !== undefined ? { resume } : {}),
    ...(args.progress && !served && process.stderr.isTTY ? { onProgress: (p: RunProgress) => progress?.update(p) } : {}),
  };
  const report = (outcome: RunModuleOutcome): void => {
    stdin?.close(); // a terminal leaves raw mode before the summary
    // A run that never started (a partition failed to load, a bad snapshot) leaves no trace file behind.
    let closeError: string | undefined;
    if (outcome.kind === "ran") closeError = files?.close();
    else files?.discard();
    reportOutcome(command, args, outcome, { ioError, closeError }, out, setExit, base);
    const diskErrors = disks.flushAll();
    for (const e of diskErrors) process.stderr.write(`apexvisor ${command}: ${e}\n`);
    if (diskErrors.length > 0) setExit(RUN_EXIT.io);
  };
  if (!served) {
    const outcome = runModule(runOpts);
    progress?.stop();
    report(outcome);
    return;
  }
  const prep = prepareModule(runOpts);
  if (prep.kind !== "ready") {
    report(prep);
    return;
  }
  const serve = {
    ...(gdb !== undefined ? { gdbPort: gdb.port, gdbPartition: args["gdb-partition"] ?? "" } : {}),
    ...(args.control !== undefined ? { controlPath: args.control } : {}),
    onListening: (what: string) => process.stderr.write(`apexvisor ${command}: ${what}\n`),
  };
  return serveModule(prep, serve).then(
    (result) => report({ kind: "ran", config: prep.config, result, until: prep.until }),
    (e: unknown) => {
      if (!(e instanceof Error) || !("code" in e)) throw e;
      process.stderr.write(`apexvisor ${command}: cannot listen: ${e.message}\n`);
      setExit(RUN_EXIT.usage);
    },
  );
}

/** Trace-file problems of a run: one that refused it before it started, one met while writing or closing. */
interface TraceIo {
  readonly ioError: string | undefined;
  readonly closeError: string | undefined;
}

function reportOutcome(command: string, args: RunArgs, outcome: RunModuleOutcome, traces: TraceIo, out: (line: string) => void, setExit: (code: number) => void, base: SnapshotBase | undefined): void {
  switch (outcome.kind) {
    case "invalid":
      process.stderr.write(outcome.diagnostics.map(formatDiagnostic).join("\n") + "\n");
      process.stderr.write(`apexvisor ${command}: ${args.module}: ${outcome.diagnostics.length} problem(s); nothing was run\n`);
      setExit(RUN_EXIT.invalid);
      return;
    case "loadError":
      process.stderr.write(`${outcome.error.message}\n`);
      setExit(RUN_EXIT.loadError);
      return;
    case "refused":
      process.stderr.write(`apexvisor ${command}: ${outcome.message}\n`);
      setExit(traces.ioError !== undefined ? RUN_EXIT.io : RUN_EXIT.usage);
      return;
    case "badSnapshot":
      process.stderr.write(`apexvisor resume: ${outcome.message}\n`);
      setExit(RUN_EXIT.snapshot);
      return;
    case "ran": {
      const clock = new ModuleClock(outcome.config.ext.clockHz);
      out("");
      for (const l of summaryLines(outcome.config, outcome.result, clock)) out(l);
      if (args.save !== undefined && outcome.snapshot !== undefined) {
        const w = writeSnapshotFile(args.save, base === undefined ? outcome.snapshot : { ...outcome.snapshot, base });
        if (!w.ok) {
          process.stderr.write(`apexvisor ${command}: ${args.save}: ${w.error}\n`);
          setExit(RUN_EXIT.snapshot);
          return;
        }
        process.stderr.write(`apexvisor ${command}: saved ${args.save}${base === undefined ? "" : ` (a delta on ${base.file})`} at ${outcome.result.time} ns (${w.bytes} bytes)\n`);
      }
      if (traces.closeError !== undefined) {
        process.stderr.write(`apexvisor ${command}: ${traces.closeError}\n`);
        setExit(RUN_EXIT.io);
        return;
      }
      const end = outcome.result.end;
      setExit(end.kind === "shutdown" && !end.reason.startsWith(USER_QUIT) ? RUN_EXIT.shutdown : RUN_EXIT.ok);
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
        .option("console", { type: "string", describe: "feed stdin (a pipe or file read as a stream, or a terminal in raw mode: Ctrl-A x quits) to this FV partition's COM1 and keyboard at COM1's baud rate" })
        .option("raw-console", { type: "boolean", default: false, describe: "print guest console bytes as they are (default: control and escape characters shown as ^[ or \\x9b)" })
        .option("gdb", { type: "string", describe: "serve the gdb remote protocol for --gdb-partition on 127.0.0.1:PORT; the module waits for gdb before the first window" })
        .option("gdb-partition", { type: "string", describe: "the partition gdb debugs (its windows pass idle while gdb holds it; the others keep their schedule)" })
        .option("control", { type: "string", describe: "serve the VM tree on this Unix-domain socket (see `apexvisor ctl`)" })
        .option("color", { type: "boolean", default: true, describe: "colour partition prefixes on a terminal (--no-color to turn off)" })
        .option("save", { type: "string", describe: "write a snapshot of the whole module at the end to this file (continue it with `apexvisor resume`)" })
        .option("progress", { type: "boolean", default: true, describe: "show progress on stderr during long runs when stderr is a terminal (--no-progress to turn off)" })
        .epilog(EPILOG),
    (args) => execute(args as unknown as RunArgs, setExit),
  );
}
