// The storage of one sampling port: the last message and when it arrived, and the validity
// rule. Direction, ownership and routing are the router's concern.
import type { Nanos } from "../mem/types";
import { copyMessage } from "./message";

/** VALIDITY_TYPE. */
export type Validity = "INVALID" | "VALID";

/** UPDATED_TYPE (Part 2): no message, the message was read since it was written, or it was not. */
export type Updated = "EMPTY_PORT" | "CONSUMED_MESSAGE" | "NEW_MESSAGE";

/** One sampling port's last message. Invariant: stored bytes are a private copy. */
export class SamplingBuffer {
  private message: Uint8Array | undefined;
  private writtenAt: Nanos | undefined;
  /** Validity returned by the last read (LAST_MSG_VALIDITY); INVALID before any read. */
  lastReadValidity: Validity = "INVALID";
  /** True once the stored message has been read (READ_UPDATED_SAMPLING_MESSAGE skips it then). */
  private consumed = false;

  /** Replaces the message (copying it) and stamps it with `now`. */
  store(data: Uint8Array, now: Nanos): void {
    this.message = copyMessage(data);
    this.writtenAt = now;
    this.consumed = false;
  }

  /** Forgets the message and the last read validity. */
  /** The stored message, its write time and the last read's validity (snapshots). */
  saveState(): { readonly message: Uint8Array | undefined; readonly writtenAt: Nanos | undefined; readonly lastReadValidity: Validity } {
    return { message: this.message, writtenAt: this.writtenAt, lastReadValidity: this.lastReadValidity };
  }

  /** Puts back what saveState returned (checked by the caller). */
  restoreState(s: { readonly message: Uint8Array | undefined; readonly writtenAt: Nanos | undefined; readonly lastReadValidity: Validity }): void {
    this.message = s.message === undefined ? undefined : copyMessage(s.message);
    this.writtenAt = s.writtenAt;
    this.lastReadValidity = s.lastReadValidity;
  }

  clear(): void {
    this.message = undefined;
    this.writtenAt = undefined;
    this.lastReadValidity = "INVALID";
    this.consumed = false;
  }

  /** Whether the port is empty, holds a message already read, or a new one. */
  get updated(): Updated {
    if (this.message === undefined) return "EMPTY_PORT";
    return this.consumed ? "CONSUMED_MESSAGE" : "NEW_MESSAGE";
  }

  /** When the stored message was written (undefined when empty). */
  get timeStamp(): Nanos | undefined {
    return this.writtenAt;
  }

  /** Validity of the stored message at `now` without reading it (INVALID when empty). */
  validityAt(refreshPeriod: Nanos, now: Nanos): Validity {
    return this.writtenAt !== undefined && now - this.writtenAt <= refreshPeriod ? "VALID" : "INVALID";
  }

  /** True when a message has ever been stored. */
  get hasMessage(): boolean {
    return this.message !== undefined;
  }

  /**
   * A copy of the last message and its validity at `now`: VALID when its age is at most the refresh
   * period. Undefined when no message was ever stored.
   */
  read(refreshPeriod: Nanos, now: Nanos): { readonly message: Uint8Array; readonly validity: Validity } | undefined {
    if (this.message === undefined || this.writtenAt === undefined) return undefined;
    const validity = this.validityAt(refreshPeriod, now);
    this.consumed = true;
    return { message: copyMessage(this.message), validity };
  }
}
