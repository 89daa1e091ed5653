// Runs an I/O-partition module (partitions/io-partition) for a test: its console lines, trace events, HM
// count, final modes and snapshot; a save at a cut resumed from the file's bytes; XML variants that give the
// server (and client) a command line. Shared by io-partition.test.ts and io-mmio.test.ts.
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { NODE_HOST, REPO_ROOT } from "../../kernel/host/node/node-files";
import { nanos } from "../../kernel/mem/types";
import { defaultBuilders } from "../../kernel/module/default-builders";
import { runModule } from "../../kernel/module/run-module";
import { decodeSnapshot, encodeSnapshot, type SnapshotContent } from "../../kernel/snapshot/snapshot-file";
import type { TraceEvent } from "../../kernel/trace/trace-event";
import { MemoryTracer } from "../../kernel/trace/tracer";

/** What one run gave: "[name] line" console lines and "-- notice" lines, in order. */
export interface IoRun {
  readonly lines: string[];
  readonly events: TraceEvent[];
  readonly hm: number;
  readonly modes: string[];
  readonly snapshot?: SnapshotContent;
}

/** Runs `file` for `ns` of virtual time, optionally saving at the end or resuming from a snapshot. */
export function runIoModule(file: string, ns: bigint, split?: { save?: true; resume?: SnapshotContent }): IoRun {
  const lines: string[] = [];
  const tracer = new MemoryTracer();
  const out = runModule({
    file,
    length: { kind: "duration", value: nanos(ns) },
    ...(split?.save === true ? { save: true } : {}),
    ...(split?.resume === undefined ? {} : { resume: split.resume }),
    host: NODE_HOST,
    builders: (c) => defaultBuilders(c, NODE_HOST),
    trace: tracer,
    onConsoleLine: (n, l) => lines.push(`[${n}] ${l}`),
    onNotice: (_t, text) => lines.push(`-- ${text}`),
  });
  if (out.kind !== "ran") throw new Error(`${out.kind}: ${JSON.stringify(out).slice(0, 400)}`);
  return { lines, events: [...tracer.events], hm: out.result.hmLog.length, modes: out.result.partitions.map((p) => `${p.name}:${p.mode}`), ...(out.snapshot === undefined ? {} : { snapshot: out.snapshot }) };
}

/** Runs `file` to `cut`, saves, decodes the snapshot's bytes and runs the rest to `total`: both halves. */
export function runIoModuleSplit(file: string, cut: bigint, total: bigint): { first: IoRun; rest: IoRun } {
  const first = runIoModule(file, cut, { save: true });
  const decoded = decodeSnapshot(encodeSnapshot(first.snapshot!));
  if (!decoded.ok) throw new Error(decoded.error);
  return { first, rest: runIoModule(file, total - cut, { resume: decoded.content }) };
}

/**
 * The module `xml` with absolute image paths and a server command line (and, with `client`, a command line for
 * the client image of that file name), written to `dir`; returns the new file's path.
 */
export function ioVariant(xml: string, dir: string, serverCommandLine: string, client?: { image: string; commandLine: string }): string {
  let text = readFileSync(xml, "utf8")
    .replaceAll('"../../build/', `"${join(REPO_ROOT, "build")}/`)
    .replace('Binding="trap"/>', `Binding="trap" CommandLine="${serverCommandLine}"/>`);
  if (client !== undefined) text = text.replace(`${client.image}">`, `${client.image}" CommandLine="${client.commandLine}">`);
  const file = join(dir, `${serverCommandLine.replace(/[^a-z0-9]/g, "_")}-${client?.commandLine ?? ""}.xml`);
  writeFileSync(file, text);
  return file;
}
