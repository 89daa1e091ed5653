// Collects each partition's console bytes into lines, stamps them with virtual time, and hands whole
// lines to the output and the trace. It prints nothing itself: the CLI decides prefixes and colour.
// A line's time is the time of its last byte: the writer's own time when it gives one (an FV machine's
// clock at the UART write), else the runner's now (a PV console hypercall). An unfinished line flushed at
// the end of a run carries the run's end.
import type { Nanos, PartitionId } from "../mem/types";
import type { TraceSink } from "../trace/tracer";

/** Receives each completed console line of a partition, without its newline. */
export type ConsoleLineSink = (partition: PartitionId, line: string) => void;

/** One partition's console bytes; `at`: the virtual time the last of them was written (default: the runner's now). */
export type ConsoleBytes = (bytes: Uint8Array, at?: Nanos) => void;

/** Longest line kept before it is cut, so a guest that never prints a newline cannot grow memory. */
export const MAX_CONSOLE_LINE = 4096;

/** Per-partition line assembly. Carriage returns are dropped; other control bytes are kept. */
export class ConsoleMux {
  private readonly pending = new Map<PartitionId, number[]>();

  constructor(
    private readonly onLine: ConsoleLineSink,
    private readonly trace: TraceSink,
    private readonly now: () => Nanos,
  ) {}

  /** A byte sink for one partition's console. */
  sinkFor(partition: PartitionId): ConsoleBytes {
    return (bytes, at) => {
      for (const b of bytes) this.put(partition, b, at);
    };
  }

  private put(partition: PartitionId, byte: number, at: Nanos | undefined): void {
    let buf = this.pending.get(partition);
    if (buf === undefined) {
      buf = [];
      this.pending.set(partition, buf);
    }
    if (byte === 0x0d) return;
    if (byte === 0x0a) {
      this.emit(partition, buf, at);
      return;
    }
    buf.push(byte);
    if (buf.length >= MAX_CONSOLE_LINE) this.emit(partition, buf, at);
  }

  private emit(partition: PartitionId, buf: number[], at: Nanos | undefined): void {
    const text = String.fromCharCode(...buf); // latin1: one character per byte (lines are at most MAX_CONSOLE_LINE)
    buf.length = 0;
    this.trace.emit({ kind: "console", time: at ?? this.now(), partition, text });
    this.onLine(partition, text);
  }

  /** Unfinished lines by partition, in id order (snapshots). */
  pendingLines(): { readonly partition: PartitionId; readonly bytes: readonly number[] }[] {
    return [...this.pending].filter(([, b]) => b.length > 0).sort((a, b) => a[0] - b[0]).map(([partition, b]) => ({ partition, bytes: [...b] }));
  }

  /** Puts back unfinished lines saved by pendingLines. */
  restorePending(lines: readonly { readonly partition: PartitionId; readonly bytes: readonly number[] }[]): void {
    this.pending.clear();
    for (const l of lines) this.pending.set(l.partition, [...l.bytes]);
  }

  /** Emits every unfinished line (at the end of a run), in partition-id order. */
  flush(): void {
    const ids = [...this.pending.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      const buf = this.pending.get(id);
      if (buf !== undefined && buf.length > 0) this.emit(id, buf, undefined);
    }
  }
}
