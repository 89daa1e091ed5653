// `apexvisor resume FILE`: continues a module saved by `run --save` in this process, from the saved
// instant, for --frames / --duration more; prints like `run`. The work is kernel/module/run-module.ts.
import type { Argv } from "yargs";
import { readSnapshotFile } from "../../host/node/snapshot-io";
import type { SnapshotContent } from "../../snapshot/snapshot-file";
import { execute, RUN_EXIT } from "./run";

const EPILOG = `The snapshot names its module XML and records the SHA-256 of the XML and of every guest image: resume
refuses (exit ${RUN_EXIT.snapshot}) when one changed, and when the file is corrupt, truncated, of another format version
or edited, with one line naming the part that failed (checksum, note, field). Nothing runs then.

Incremental: --save FILE2 --incremental stores only the RAM pages written since FILE was restored, with the
rest of the state, as a delta that names FILE (relative to FILE2's folder) by its checksum. Resuming FILE2
reads FILE too (and FILE's own base, for a chain); a missing base, or one whose checksum is not the one
recorded, is refused with one line (exit ${RUN_EXIT.snapshot}).

Input: a module saved with --console NAME records how many bytes of stdin partition NAME had read, with
their SHA-256, and where the pacing of its serial line stood. resume reads stdin for NAME again and takes
it to be the same input, given again from its start (the same file, or the same command piped in): its
first bytes must be those the saved run read (they are skipped, not fed twice), and an input that had
ended must end there too; otherwise resume refuses (exit ${RUN_EXIT.snapshot}) before anything runs. --fresh-input
feeds stdin to NAME as new input from the saved instant instead. A terminal is always new input.

Length: --frames N or --duration T more, counted from the saved instant (default: one major frame).
The output continues the saved run's: the console lines and trace events of run(k) + resume(N-k)
are those of one run(N).`;

interface ResumeArgs {
  snapshot: string;
  duration: string | undefined;
  frames: number | undefined;
  trace: string | undefined;
  "chrome-trace": string | undefined;
  save: string | undefined;
  incremental: boolean;
  color: boolean;
  "raw-console": boolean;
  progress: boolean;
  "fresh-input": boolean;
}

/** The partition whose console input the snapshot records (`run --console NAME`), if any. */
function consoleOf(c: SnapshotContent): string | undefined {
  return c.machines.find((m) => typeof m.extra === "object" && m.extra !== null && !Array.isArray(m.extra) && m.extra["input"] !== undefined && m.extra["input"] !== null)?.name;
}

function resume(args: ResumeArgs, setExit: (code: number) => void): void {
  const read = readSnapshotFile(args.snapshot);
  if (!read.ok) {
    process.stderr.write(`apexvisor resume: ${args.snapshot}: ${read.error}\n`);
    setExit(RUN_EXIT.snapshot);
    return;
  }
  const c = read.content;
  const module = c.params["module"];
  if (c.kind !== "module" || typeof module !== "string") {
    const why = c.kind === "boot" ? "a boot snapshot; continue it with `apexvisor boot --restore`" : c.kind === "partition" ? "one partition extracted for gdb (`snapshot extract`), not restorable; resume the module snapshot it came from" : "header note: field params.module: expected the module's path";
    process.stderr.write(`apexvisor resume: ${args.snapshot}: ${why}\n`);
    setExit(RUN_EXIT.snapshot);
    return;
  }
  if (args.incremental && args.save === undefined) {
    process.stderr.write("apexvisor resume: --incremental needs --save FILE2\n");
    setExit(RUN_EXIT.usage);
    return;
  }
  const base = args.incremental && c.checksum !== undefined ? { file: args.snapshot, checksum: c.checksum } : undefined;
  execute({ module, save: args.save, duration: args.duration, frames: args.frames, trace: args.trace, "chrome-trace": args["chrome-trace"], console: consoleOf(c), "fresh-input": args["fresh-input"], color: args.color, "raw-console": args["raw-console"], progress: args.progress, gdb: undefined, "gdb-partition": undefined, control: undefined }, setExit, c, base);
}

/** Registers the resume command. */
export function register(cli: Argv, setExit: (code: number) => void): void {
  cli.command(
    "resume <snapshot>",
    "Continue a module saved by `run --save` (in a new process, bit for bit)",
    (y) =>
      y
        .positional("snapshot", { type: "string", describe: "the snapshot file", demandOption: true })
        .option("duration", { type: "string", describe: "virtual time to run on (2s, 150ms, 250us)" })
        .option("frames", { type: "number", describe: "major frames of the initial schedule to run on (default 1)" })
        .option("trace", { type: "string", describe: "write the trace of the continued run as JSON lines to this file" })
        .option("chrome-trace", { type: "string", describe: "write the trace as Chrome trace-event JSON (Perfetto)" })
        .option("save", { type: "string", describe: "write a snapshot again at the end" })
        .option("incremental", { type: "boolean", default: false, describe: "with --save: write a delta holding only the RAM pages written since SNAPSHOT (which it names)" })
        .option("color", { type: "boolean", default: true, describe: "colour partition prefixes on a terminal (--no-color to turn off)" })
        .option("raw-console", { type: "boolean", default: false, describe: "print guest console bytes as they are (default: control and escape characters shown as ^[ or \\x9b)" })
        .option("progress", { type: "boolean", default: true, describe: "show progress on stderr during long runs when stderr is a terminal (--no-progress to turn off)" })
        .option("fresh-input", { type: "boolean", default: false, describe: "stdin is new input for the saved --console partition (default: the saved run's input again, its consumed bytes skipped)" })
        .epilog(EPILOG),
    (args) => resume(args as unknown as ResumeArgs, setExit),
  );
}
