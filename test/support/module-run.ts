// Runs a module for a test, as `apexvisor run` would: its console lines, trace events, HM log, final modes and
// snapshot; a save at a cut resumed from the file's bytes; and I/O-partition XML variants that give the server
// (and client) a command line. Shared by the end-to-end tests under test/partitions/.
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { NODE_HOST, REPO_ROOT } from "../../kernel/host/node/node-files";
import { nanos } from "../../kernel/mem/types";
import { defaultBuilders } from "../../kernel/module/default-builders";
import type { HmLogEntry } from "../../kernel/health/hm-log";
import { runModule } from "../../kernel/module/run-module";
import { decodeSnapshot, encodeSnapshot, type SnapshotContent } from "../../kernel/snapshot/snapshot-file";
import type { TraceEvent } from "../../kernel/trace/trace-event";
import { MemoryTracer } from "../../kernel/trace/tracer";

/** What one run gave: "[name] line" console lines and "-- notice" lines, in order; hm is hmLog's length. */
export interface ModuleRun {
  readonly lines: string[];
  readonly events: TraceEvent[];
  readonly hm: number;
  readonly hmLog: readonly HmLogEntry[];
  readonly modes: string[];
  readonly snapshot?: SnapshotContent;
}

/** Runs `file` for `ns` of virtual time, optionally saving at the end or resuming from a snapshot. */
export function runTestModule(file: string, ns: bigint, split?: { save?: true; resume?: SnapshotContent }): ModuleRun {
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
  return { lines, events: [...tracer.events], hm: out.result.hmLog.length, hmLog: out.result.hmLog, modes: out.result.partitions.map((p) => `${p.name}:${p.mode}`), ...(out.snapshot === undefined ? {} : { snapshot: out.snapshot }) };
}

/** Runs `file` to `cut`, saves, decodes the snapshot's bytes and runs the rest to `total`: both halves. */
export function runTestModuleSplit(file: string, cut: bigint, total: bigint): { first: ModuleRun; rest: ModuleRun } {
  const first = runTestModule(file, cut, { save: true });
  const decoded = decodeSnapshot(encodeSnapshot(first.snapshot!));
  if (!decoded.ok) throw new Error(decoded.error);
  return { first, rest: runTestModule(file, total - cut, { resume: decoded.content }) };
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
