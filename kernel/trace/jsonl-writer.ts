// Trace events as JSON lines: one object per line, keys in a fixed order, times as decimal strings
// of nanoseconds (exact for any bigint, whatever parser reads them). Output text only; no I/O.
import type { TraceEvent } from "./trace-event";

type Value = string | number | bigint | undefined;

/** The fields of an event after "t" and "kind", in output order. */
function fields(e: TraceEvent): [string, Value][] {
  switch (e.kind) {
    case "windowStart":
      return [["partition", e.partition], ["window", e.windowId], ["schedule", e.schedule], ["until", e.until]];
    case "windowEnd":
      return [["partition", e.partition], ["window", e.windowId]];
    case "idle":
      return [["until", e.until]];
    case "modeChange":
      return [["partition", e.partition], ["from", e.from], ["to", e.to], ["startCondition", e.startCondition]];
    case "scheduleSwitch":
      return [["from", e.from], ["to", e.to]];
    case "hmEvent":
      return [["partition", e.partition], ["systemState", e.systemState], ["errorId", e.errorId], ["errorCode", e.errorCode], ["level", e.level], ["action", e.action]];
    case "portWrite":
    case "portRead":
    case "portSend":
    case "portReceive":
      return [["partition", e.partition], ["port", e.port], ["length", e.length], ["rc", e.returnCode], ...(e.validity === undefined ? [] : [["validity", e.validity] as [string, Value]])];
    case "hypercall":
      return [["partition", e.partition], ["service", e.service], ["result", e.result]];
    case "console":
      return [["partition", e.partition], ["text", e.text]];
    case "ioreq":
      return [["partition", e.partition], ["phase", e.phase], ["window", e.window], ["id", e.id], ["client", e.client], ["addr", e.addr], ["dir", e.dir], ["data", e.data], ...(e.count === undefined ? [] : [["count", e.count] as [string, Value]]), ...(e.space === undefined ? [] : [["space", e.space] as [string, Value]]), ["outcome", e.outcome]];
    default: {
      const unreachable: never = e;
      throw new Error(`unhandled trace event ${String((unreachable as { kind: unknown }).kind)}`);
    }
  }
}

function encode(v: Value): string {
  if (v === undefined) return "null";
  if (typeof v === "bigint") return `"${v.toString()}"`;
  return JSON.stringify(v);
}

/** One event as one JSON line (no newline). */
export function toJsonLine(e: TraceEvent): string {
  const parts = [`"t":${encode(e.time)}`, `"kind":${encode(e.kind)}`];
  for (const [k, v] of fields(e)) parts.push(`${JSON.stringify(k)}:${encode(v)}`);
  return `{${parts.join(",")}}`;
}

/** Every event, one line each, each line ending in "\n". */
export function writeJsonLines(events: readonly TraceEvent[]): string {
  return events.map((e) => `${toJsonLine(e)}\n`).join("");
}
