// Text of a module run for people: console lines with a partition prefix, kernel notices stamped
// with virtual time, and the closing summary table. Pure formatting; colour is a callback.
import { formatDuration } from "../config/decimal-time";
import type { SystemConfig } from "../config/model";
import type { Nanos } from "../mem/types";
import type { ModuleClock } from "./clock";
import type { ModuleRunResult } from "./module-runner";

/** Colours a partition prefix; identity when output is not a terminal. */
export type Paint = (partitionIndex: number, text: string) => string;

/** Formats console lines as `[name] text`, names padded to the longest partition name. */
export class ConsoleFormatter {
  private readonly width: number;
  private readonly index = new Map<string, number>();

  constructor(config: SystemConfig, private readonly paint: Paint) {
    this.width = Math.max(0, ...config.partitions.map((p) => p.name.length));
    config.partitions.forEach((p, i) => this.index.set(p.name, i));
  }

  /** One console line of partition `name`. */
  line(name: string, text: string): string {
    return `${this.paint(this.index.get(name) ?? 0, `[${name.padEnd(this.width)}]`)} ${text}`;
  }
}

/** A kernel notice: `-- 12.5 ms: text`. */
export function noticeLine(time: Nanos, text: string): string {
  return `-- ${formatDuration(time)}: ${text}`;
}

/** Rows of the closing table: one per partition, then the ending. */
export function summaryLines(config: SystemConfig, result: ModuleRunResult, clock: ModuleClock): string[] {
  const kinds = new Map(config.partitions.map((p) => [p.id, p.guest.kind]));
  const header = ["partition", "kind", "windows", "window time", "ran", "HM events", "restarts", "mode"];
  const rows = result.partitions.map((p) => {
    const offered = clock.timeOfCycle(BigInt(p.cyclesOffered));
    const pct = p.cyclesOffered === 0 ? "-" : `${((100 * p.cyclesRun) / p.cyclesOffered).toFixed(1)}%`;
    return [p.name, kinds.get(p.id) ?? "?", String(p.windows), formatDuration(offered), pct, String(p.hmEvents), String(p.restarts), p.mode];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (cells: readonly string[]): string => cells.map((c, i) => (i < 2 || i === 7 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ").trimEnd();
  const end =
    result.end.kind === "timeReached"
      ? `ran ${formatDuration(result.time)} of virtual time`
      : `module shut down at ${formatDuration(result.end.time)}: ${result.end.reason}`;
  const dropped = result.hmDropped > 0 ? ` (${result.hmDropped} older HM log entries dropped)` : "";
  return [fmt(header), ...rows.map(fmt), `${end}; ${result.hmLog.length} HM event(s) logged${dropped}`];
}
