// A bounded FIFO of messages with an overflow indication: the storage behind a queuing port.
// It decides nothing about directions, channels or return codes.
import { copyMessage } from "./message";

/** Bounded FIFO of private message copies. Invariant: length <= capacity. */
export class MessageQueue {
  private readonly items: Uint8Array[] = [];
  private head = 0;
  private overflowFlag = false;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity <= 0) throw new RangeError(`queue capacity ${capacity}`);
  }

  /** Number of queued messages. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** True when no further message fits. */
  get isFull(): boolean {
    return this.length >= this.capacity;
  }

  /** True when a message was lost since the last take or clear. */
  get overflowed(): boolean {
    return this.overflowFlag;
  }

  /** Appends a copy; false (queue unchanged) when full. */
  push(data: Uint8Array): boolean {
    if (this.isFull) return false;
    this.items.push(copyMessage(data));
    return true;
  }

  /** Appends a copy, or drops it and records an overflow when full (a sender that cannot be refused). */
  pushOrOverflow(data: Uint8Array): boolean {
    if (this.push(data)) return true;
    this.overflowFlag = true;
    return false;
  }

  /** Removes the oldest message; reports and clears the overflow indication with it. */
  take(): { readonly message: Uint8Array; readonly overflowed: boolean } | undefined {
    if (this.length === 0) return undefined;
    const message = this.items[this.head];
    if (message === undefined) throw new Error("queue head missing");
    this.head++;
    if (this.head > 32 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    const overflowed = this.overflowFlag;
    this.overflowFlag = false;
    return { message, overflowed };
  }

  /** Drops every message and the overflow indication. */
  /** The queued messages, oldest first, and the overflow flag (snapshots). */
  saveState(): { readonly messages: readonly Uint8Array[]; readonly overflowed: boolean } {
    return { messages: this.items.slice(this.head), overflowed: this.overflowFlag };
  }

  /** Puts back what saveState returned; at most `capacity` messages (checked by the caller). */
  restoreState(s: { readonly messages: readonly Uint8Array[]; readonly overflowed: boolean }): void {
    this.clear();
    for (const m of s.messages) this.items.push(copyMessage(m));
    this.overflowFlag = s.overflowed;
  }

  clear(): void {
    this.items.length = 0;
    this.head = 0;
    this.overflowFlag = false;
  }
}
