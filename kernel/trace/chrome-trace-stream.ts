// Chrome trace-event JSON produced as the run goes: the same rows as writeChromeTrace, handed out as
// soon as no earlier window row is still open (a window's duration is known only at its end). Rows
// waiting behind an open window are bounded: past MAX_HELD the window row is written with its planned
// end. Pure: text out, no I/O; the caller writes the pieces in order.
import type { TraceEvent } from "./trace-event";
import { CHROME_HEAD, CHROME_TAIL, encodeRow, metadataLines, rowOf, type Row } from "./chrome-trace-writer";

/** Rows held behind an open window before the window row is written with its planned end. */
export const MAX_HELD = 4096;

/** Turns events into Chrome trace text incrementally. */
export class ChromeTraceStream {
  private readonly held: Row[] = [];
  private readonly open = new Map<number, Row>();
  private readonly modulePid: number;
  private first = true;

  /** `partitions`: every partition id that may appear (tracks are named from `names`). */
  constructor(private readonly partitions: readonly number[], private readonly names?: ReadonlyMap<number, string>) {
    const sorted = [...partitions].sort((a, b) => a - b);
    this.partitions = sorted;
    this.modulePid = (sorted[sorted.length - 1] ?? -1) + 1;
  }

  /** The document's opening text and track names. */
  begin(): string {
    const meta = metadataLines(this.partitions, this.modulePid, this.names);
    this.first = meta.length === 0;
    return CHROME_HEAD + meta.join(",\n");
  }

  /** Text ready to write after `e` (possibly empty). */
  push(e: TraceEvent): string {
    const step = rowOf(e, this.modulePid);
    if (step.kind === "windowEnd") {
      const r = this.open.get(step.partition);
      if (r !== undefined) r.end = step.time;
      this.open.delete(step.partition);
      return this.release(false);
    }
    if (step.kind === "windowStart") this.open.set(step.row.pid, step.row);
    this.held.push(step.row);
    return this.release(this.held.length > MAX_HELD);
  }

  /** The remaining rows and the closing text. */
  end(): string {
    return this.release(true) + CHROME_TAIL;
  }

  private release(all: boolean): string {
    let n = 0;
    const held = this.held;
    if (all) n = held.length;
    else while (n < held.length && !this.isOpen(held[n]!)) n++;
    if (n === 0) return "";
    let out = "";
    for (let i = 0; i < n; i++) {
      const r = held[i]!;
      if (this.isOpen(r)) this.open.delete(r.pid);
      out += (this.first ? "" : ",\n") + encodeRow(r);
      this.first = false;
    }
    held.splice(0, n);
    return out;
  }

  private isOpen(r: Row): boolean {
    return r.ph === "X" && this.open.get(r.pid) === r;
  }
}
