// Bounded, deterministic log of health-monitor events: a ring buffer that keeps the newest entries
// and counts the ones it had to drop. It decides nothing; hm-decision.ts produces the entries.
import type { ErrorCode, ErrorLevel } from "../config/model";
import type { Nanos, PartitionId } from "../mem/types";

/** One recorded HM event. */
export interface HmLogEntry {
  readonly time: Nanos;
  /** The partition in whose context the error arose; undefined for module context. */
  readonly partition: PartitionId | undefined;
  readonly systemState: number;
  readonly errorId: number;
  readonly errorCode: ErrorCode;
  /** Level after classification and escalation. */
  readonly level: ErrorLevel;
  /** What was done, e.g. "MODULE:RESET", "PARTITION:COLD_START", "PROCESS:ERROR_HANDLER". */
  readonly action: string;
  /** Free text from the reporter (guest message, fault address...), possibly empty. */
  readonly message: string;
}

/** Ring buffer of HM events. Invariant: holds min(appended, capacity) newest entries in order. */
export class HmLog {
  private readonly ring: (HmLogEntry | undefined)[];
  private next = 0;
  private count = 0;
  private droppedCount = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity <= 0) throw new RangeError(`HM log capacity ${capacity}`);
    this.ring = new Array<HmLogEntry | undefined>(capacity).fill(undefined);
  }

  /** Records an entry, overwriting the oldest when full. */
  append(entry: HmLogEntry): void {
    if (this.count === this.capacity) this.droppedCount++;
    else this.count++;
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Entries oldest first. */
  entries(): HmLogEntry[] {
    const out: HmLogEntry[] = [];
    const first = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) {
      const e = this.ring[(first + i) % this.capacity];
      if (e === undefined) throw new Error("HM log ring hole");
      out.push(e);
    }
    return out;
  }

  /** Refills an empty log with saved entries (oldest first, at most `capacity`) and the dropped count (snapshots). */
  restore(entries: readonly HmLogEntry[], dropped: number): void {
    if (this.count !== 0 || entries.length > this.capacity) throw new Error("HM log restore into a used log or past its capacity");
    for (const e of entries) this.append(e);
    this.droppedCount = dropped;
  }

  /** Entries overwritten because the log was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Entries ever appended. */
  get total(): number {
    return this.count + this.droppedCount;
  }
}
