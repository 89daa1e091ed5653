// Trace events in the Chrome trace-event JSON format, which Perfetto and chrome://tracing open.
// Windows become complete ("X") events on one track per partition (pid = tid = partition id); idle
// gaps and schedule switches go to a "module" track; everything else is an instant ("i") event.
// Timestamps are microseconds written from integer ns with exactly three decimals (exact, no float
// arithmetic). Output is text only, one event per line, in input order after the metadata.
import type { Nanos } from "../mem/types";
import type { TraceEvent } from "./trace-event";

/** Microseconds from ns, as exact JSON number text: 1234567n -> "1234.567". */
export function microsText(ns: bigint): string {
  if (ns < 0n) throw new RangeError(`negative time ${ns}`);
  return `${ns / 1000n}.${(ns % 1000n).toString().padStart(3, "0")}`;
}

type Json = string; // already-encoded JSON text

const str = (s: string): Json => JSON.stringify(s);

/** One output event before encoding. */
export interface Row {
  name: string;
  cat: string;
  ph: "X" | "i";
  time: Nanos;
  /** For "X": end time, filled in when the window ends. */
  end: bigint | undefined;
  pid: number;
  scope: "p" | "g" | undefined;
  args: [string, Json][];
}

function row(name: string, cat: string, time: Nanos, pid: number, args: [string, Json][]): Row {
  return { name, cat, ph: "i", time, end: undefined, pid, scope: "p", args };
}

/** One row as JSON text. */
export function encodeRow(r: Row): string {
  const parts: string[] = [`"name":${str(r.name)}`, `"cat":${str(r.cat)}`, `"ph":"${r.ph}"`, `"ts":${microsText(r.time)}`];
  if (r.ph === "X") parts.push(`"dur":${microsText((r.end ?? r.time) - r.time)}`);
  if (r.scope !== undefined) parts.push(`"s":"${r.scope}"`);
  parts.push(`"pid":${r.pid}`, `"tid":${r.pid}`);
  parts.push(`"args":{${r.args.map(([k, v]) => `${str(k)}:${v}`).join(",")}}`);
  return `{${parts.join(",")}}`;
}

/** What one event contributes: a row to write, the end of a partition's open window, or nothing. */
export type RowStep = { kind: "row"; row: Row } | { kind: "windowStart"; row: Row } | { kind: "windowEnd"; partition: number; time: bigint };

/** The row (or window end) for one event; `modulePid` is the module track. */
export function rowOf(e: TraceEvent, modulePid: number): RowStep {
  switch (e.kind) {
    case "windowStart":
      return { kind: "windowStart", row: { name: `window ${e.windowId}`, cat: "window", ph: "X", time: e.time, end: e.until, pid: e.partition, scope: undefined, args: [["window", String(e.windowId)], ["schedule", String(e.schedule)]] } };
    case "windowEnd":
      return { kind: "windowEnd", partition: e.partition, time: e.time };
    case "idle":
      return { kind: "row", row: { name: "idle", cat: "window", ph: "X", time: e.time, end: e.until, pid: modulePid, scope: undefined, args: [] } };
    case "modeChange":
      return { kind: "row", row: row(`mode ${e.to}`, "mode", e.time, e.partition, [["from", str(e.from)], ["to", str(e.to)], ["startCondition", str(e.startCondition)]]) };
    case "scheduleSwitch":
      return { kind: "row", row: { ...row(`schedule ${e.from} -> ${e.to}`, "schedule", e.time, modulePid, [["from", String(e.from)], ["to", String(e.to)]]), scope: "g" } };
    case "hmEvent":
      return { kind: "row", row: row(e.action, "hm", e.time, e.partition ?? modulePid, [["systemState", String(e.systemState)], ["errorId", String(e.errorId)], ["errorCode", str(e.errorCode)], ["level", str(e.level)]]) };
    case "portWrite":
    case "portRead":
    case "portSend":
    case "portReceive":
      return {
        kind: "row",
        row: row(`${e.kind} ${e.port}`, "port", e.time, e.partition, [["length", String(e.length)], ["rc", String(e.returnCode)], ...(e.validity === undefined ? [] : [["validity", str(e.validity)] as [string, Json]])]),
      };
    case "hypercall":
      return { kind: "row", row: row(e.service, "hypercall", e.time, e.partition, [["result", typeof e.result === "number" ? String(e.result) : str(e.result)]]) };
    case "console":
      return { kind: "row", row: row("console", "console", e.time, e.partition, [["text", str(e.text)]]) };
    case "ioreq":
      return { kind: "row", row: row(`ioreq ${e.phase} ${e.id}`, "ioreq", e.time, e.partition, [["client", String(e.client)], ["window", String(e.window)], ["addr", String(e.addr)], ...(e.space === undefined ? [] : [["space", str(e.space)] as [string, Json]]), ["dir", str(e.dir)], ["data", String(e.data)], ["outcome", str(e.outcome)]]) };
    default: {
      const unreachable: never = e;
      throw new Error(`unhandled trace event ${String((unreachable as { kind: unknown }).kind)}`);
    }
  }
}

/** The metadata lines naming each partition track and the module track. */
export function metadataLines(partitions: readonly number[], modulePid: number, names?: ReadonlyMap<number, string>): string[] {
  return [...partitions.map((p): [number, string] => [p, names?.get(p) ?? `P${p}`]), [modulePid, "module"] as [number, string]].map(
    ([pid, name]) => `{"name":"process_name","ph":"M","pid":${pid},"tid":${pid},"args":{"name":${str(name)}}}`,
  );
}

/** Opening and closing text of the document around the comma-separated lines. */
export const CHROME_HEAD = `{"displayTimeUnit":"ns","traceEvents":[\n`;
export const CHROME_TAIL = `\n]}\n`;

/**
 * The whole trace as a Chrome trace JSON document. `names` labels partition tracks (default "P<id>").
 * The module track's pid is one above the highest partition id seen, so it never collides.
 */
export function writeChromeTrace(events: readonly TraceEvent[], names?: ReadonlyMap<number, string>): string {
  const partitions = new Set<number>();
  for (const e of events) if ("partition" in e && e.partition !== undefined) partitions.add(e.partition);
  const sorted = [...partitions].sort((a, b) => a - b);
  const modulePid = (sorted[sorted.length - 1] ?? -1) + 1;
  const rows: Row[] = [];
  const openWindow = new Map<number, Row>();
  for (const e of events) {
    const step = rowOf(e, modulePid);
    if (step.kind === "windowEnd") {
      const r = openWindow.get(step.partition);
      if (r !== undefined) r.end = step.time;
      openWindow.delete(step.partition);
      continue;
    }
    if (step.kind === "windowStart") openWindow.set(step.row.pid, step.row);
    rows.push(step.row);
  }
  const lines = [...metadataLines(sorted, modulePid, names), ...rows.map(encodeRow)];
  return `${CHROME_HEAD}${lines.join(",\n")}${CHROME_TAIL}`;
}
