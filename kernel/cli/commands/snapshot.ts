// `apexvisor snapshot info FILE` prints what a snapshot holds; `snapshot extract FILE --partition NAME
// -o P.core` writes one partition's machine as a core file of its own for gdb. Reads and checks the
// whole file first (kernel/snapshot); prints only.
import type { Argv } from "yargs";
import { snapshotInfoJson, snapshotInfoLines } from "../../snapshot/snapshot-info";
import { readSnapshotFile, writeSnapshotFile } from "../../host/node/snapshot-io";

/** Exit statuses of `apexvisor snapshot`. */
export const SNAPSHOT_EXIT = { ok: 0, usage: 2, snapshot: 12 } as const;

interface SnapshotArgs {
  action: string;
  file: string;
  partition: string | undefined;
  o: string | undefined;
  json: boolean;
}

function run(args: SnapshotArgs, setExit: (code: number) => void): void {
  const read = readSnapshotFile(args.file);
  if (!read.ok) {
    process.stderr.write(`apexvisor snapshot: ${args.file}: ${read.error}\n`);
    setExit(SNAPSHOT_EXIT.snapshot);
    return;
  }
  const c = read.content;
  if (args.action === "info") {
    process.stdout.write(args.json ? `${JSON.stringify(snapshotInfoJson(c), null, 1)}\n` : snapshotInfoLines(args.file, c).join("\n") + "\n");
    setExit(SNAPSHOT_EXIT.ok);
    return;
  }
  const m = c.machines.find((x) => x.name === args.partition);
  if (args.partition === undefined || args.o === undefined || m === undefined) {
    process.stderr.write(`apexvisor snapshot extract: give --partition NAME (one of ${c.machines.map((x) => x.name).join(", ")}) and -o FILE\n`);
    setExit(SNAPSHOT_EXIT.usage);
    return;
  }
  const w = writeSnapshotFile(args.o, { kind: "partition", params: { from: args.file, partition: m.name }, machines: [m], kernel: null });
  if (!w.ok) {
    process.stderr.write(`apexvisor snapshot extract: ${args.o}: ${w.error}\n`);
    setExit(SNAPSHOT_EXIT.snapshot);
    return;
  }
  process.stderr.write(`apexvisor snapshot extract: wrote ${args.o} (${w.bytes} bytes); open it with gdb IMAGE.elf ${args.o}\n`);
  setExit(SNAPSHOT_EXIT.ok);
}

/** Registers the snapshot command. */
export function register(cli: Argv, setExit: (code: number) => void): void {
  cli.command(
    "snapshot <action> <file>",
    "Inspect a snapshot (info) or write one partition of it as a core file for gdb (extract)",
    (y) =>
      y
        .positional("action", { choices: ["info", "extract"], describe: "info: print what is inside; extract: one partition to -o", demandOption: true })
        .positional("file", { type: "string", describe: "the snapshot file", demandOption: true })
        .option("partition", { type: "string", describe: "extract: the partition (machine) name" })
        .option("o", { type: "string", describe: "extract: the core file to write" })
        .option("json", { type: "boolean", default: false, describe: "info: print every note in full as one JSON document (RAM as its size)" })
        .epilog(`info lists every note (header, NT_PRSTATUS, machine, cpu, device, kernel; kernel/snapshot/FORMAT.md) field by field, long values shortened; --json prints them whole.

Exit status: 0 ok, ${SNAPSHOT_EXIT.usage} bad options, ${SNAPSHOT_EXIT.snapshot} unreadable, corrupt, wrong-version or edited snapshot (one line names the part).`),
    (args) => run(args as unknown as SnapshotArgs, setExit),
  );
}
