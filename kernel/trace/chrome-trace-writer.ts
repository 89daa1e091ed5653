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

interface Row {
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

function encodeRow(r: Row): string {
  const parts: string[] = [`"name":${str(r.name)}`, `"cat":${str(r.cat)}`, `"ph":"${r.ph}"`, `"ts":${microsText(r.time)}`];
  if (r.ph === "X") parts.push(`"dur":${microsText((r.end ?? r.time) - r.time)}`);
  if (r.scope !== undefined) parts.push(`"s":"${r.scope}"`);
  parts.push(`"pid":${r.pid}`, `"tid":${r.pid}`);
  parts.push(`"args":{${r.args.map(([k, v]) => `${str(k)}:${v}`).join(",")}}`);
  return `{${parts.join(",")}}`;
}

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
    switch (e.kind) {
      case "windowStart": {
        const r: Row = { name: `window ${e.windowId}`, cat: "window", ph: "X", time: e.time, end: e.until, pid: e.partition, scope: undefined, args: [["window", String(e.windowId)], ["schedule", String(e.schedule)]] };
        openWindow.set(e.partition, r);
        rows.push(r);
        break;
      }
      case "windowEnd": {
        const r = openWindow.get(e.partition);
        if (r !== undefined) r.end = e.time;
        openWindow.delete(e.partition);
        break;
      }
      case "idle":
        rows.push({ name: "idle", cat: "window", ph: "X", time: e.time, end: e.until, pid: modulePid, scope: undefined, args: [] });
        break;
      case "modeChange":
        rows.push(row(`mode ${e.to}`, "mode", e.time, e.partition, [["from", str(e.from)], ["to", str(e.to)], ["startCondition", str(e.startCondition)]]));
        break;
      case "scheduleSwitch":
        rows.push({ ...row(`schedule ${e.from} -> ${e.to}`, "schedule", e.time, modulePid, [["from", String(e.from)], ["to", String(e.to)]]), scope: "g" });
        break;
      case "hmEvent":
        rows.push(row(e.action, "hm", e.time, e.partition ?? modulePid, [["systemState", String(e.systemState)], ["errorId", String(e.errorId)], ["errorCode", str(e.errorCode)], ["level", str(e.level)]]));
        break;
      case "portWrite":
      case "portRead":
      case "portSend":
      case "portReceive":
        rows.push(
          row(`${e.kind} ${e.port}`, "port", e.time, e.partition, [["length", String(e.length)], ["rc", String(e.returnCode)], ...(e.validity === undefined ? [] : [["validity", str(e.validity)] as [string, Json]])]),
        );
        break;
      case "hypercall":
        rows.push(row(e.service, "hypercall", e.time, e.partition, [["result", typeof e.result === "number" ? String(e.result) : str(e.result)]]));
        break;
      case "console":
        rows.push(row("console", "console", e.time, e.partition, [["text", str(e.text)]]));
        break;
      default: {
        const unreachable: never = e;
        throw new Error(`unhandled trace event ${String((unreachable as { kind: unknown }).kind)}`);
      }
    }
  }
  const meta = [...sorted.map((p): [number, string] => [p, names?.get(p) ?? `P${p}`]), [modulePid, "module"] as [number, string]].map(
    ([pid, name]) => `{"name":"process_name","ph":"M","pid":${pid},"tid":${pid},"args":{"name":${str(name)}}}`,
  );
  const lines = [...meta, ...rows.map(encodeRow)];
  return `{"displayTimeUnit":"ns","traceEvents":[\n${lines.join(",\n")}\n]}\n`;
}
