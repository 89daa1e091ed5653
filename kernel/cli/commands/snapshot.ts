// `apexvisor snapshot info FILE` prints what a snapshot holds; `snapshot extract FILE --partition NAME
// -o P.core` writes one partition's machine as a core file of its own for gdb. Reads and checks the
// whole file first (kernel/snapshot); prints only.
import type { Argv } from "yargs";
import type { Json, SnapshotContent, SnapshotMachine } from "../../snapshot/snapshot-file";
import { APEXVISOR_VERSION, SNAPSHOT_FORMAT_VERSION } from "../../snapshot/snapshot-file";
import { readSnapshotFile, writeSnapshotFile } from "../../host/node/snapshot-io";

/** Exit statuses of `apexvisor snapshot`. */
export const SNAPSHOT_EXIT = { ok: 0, usage: 2, snapshot: 12 } as const;

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

function field(v: Json, key: string): Json {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v[key] ?? null) : null;
}

/** The lines `snapshot info` prints. */
export function infoLines(file: string, c: SnapshotContent): string[] {
  const out = [`${file}: apexvisor ${c.kind} snapshot, format ${SNAPSHOT_FORMAT_VERSION} (apexvisor ${APEXVISOR_VERSION}), checksum OK`];
  if (c.chain !== undefined) out.push(`  incremental: a delta on ${c.chain.join(" <- ")} (every base found and checked; RAM below is the applied chain)`);
  for (const [k, v] of Object.entries(c.params)) if (k !== "images") out.push(`  ${k}: ${JSON.stringify(v)}`);
  for (const m of c.machines) out.push(...machineLines(m));
  if (c.kind === "module") {
    const k = c.kernel;
    out.push(`kernel: time ${String(field(k, "now"))} ns, schedule ${JSON.stringify(field(field(k, "schedule"), "currentId"))}, pending switch ${JSON.stringify(field(field(k, "schedule"), "pending"))}`);
    const parts = field(k, "partitions");
    if (Array.isArray(parts)) for (const p of parts) out.push(`  partition ${String(field(p, "id"))}: ${String(field(p, "mode"))} (${String(field(p, "startCondition"))})`);
    const entries = field(field(k, "hmLog"), "entries");
    out.push(`  HM log: ${Array.isArray(entries) ? entries.length : 0} entries`);
    const queues = field(field(k, "ports"), "queues");
    const queued = Array.isArray(queues) ? queues.reduce((s: number, q) => s + (Array.isArray(field(q, "messages")) ? (field(q, "messages") as Json[]).length : 0), 0) : 0;
    out.push(`  ports: ${queued} queued messages`);
  }
  return out;
}

function machineLines(m: SnapshotMachine): string[] {
  const c = m.cpu;
  return [
    `machine ${m.name} (${m.kind}): ${m.ramBytes / 1024} KiB RAM (${m.ram.length} bytes stored), eip ${hex(c.eip)} esp ${hex(c.regs[4] ?? 0)} cpl ${c.cpl}${c.halted ? " halted" : ""}, ${c.instructions} instructions`,
    ...(m.devices.length > 0 ? [`  devices: ${m.devices.map((d) => d.unit).join(", ")}`] : []),
  ];
}

interface SnapshotArgs {
  action: string;
  file: string;
  partition: string | undefined;
  o: string | undefined;
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
    process.stdout.write(infoLines(args.file, c).join("\n") + "\n");
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
        .epilog(`Exit status: 0 ok, ${SNAPSHOT_EXIT.usage} bad options, ${SNAPSHOT_EXIT.snapshot} unreadable, corrupt, wrong-version or edited snapshot (one line names the part).`),
    (args) => run(args as unknown as SnapshotArgs, setExit),
  );
}
