// Test double for TimerService: virtual time moves only when a test says so, and expiries that fall
// inside one advance fire once, at the end of the advance, as when a partition was not running.
import type { TimerService } from "../../kernel/devices/device";
import { nanos, type Nanos } from "../../kernel/mem/types";

interface Armed {
  readonly at: bigint;
  readonly callback: () => void;
}

/** Fake virtual clock and timer list. */
export class FakeTimers implements TimerService {
  private time = 0n;
  readonly armed = new Map<string, Armed>();
  /** How many callbacks ran, per timer id. */
  readonly fired = new Map<string, number>();

  now(): Nanos {
    return nanos(this.time);
  }

  arm(id: string, at: Nanos, callback: () => void): void {
    this.armed.set(id, { at, callback });
  }

  cancel(id: string): void {
    this.armed.delete(id);
  }

  /** Deadline of timer `id`, if armed. */
  deadline(id: string): bigint | undefined {
    return this.armed.get(id)?.at;
  }

  /** Sets the clock without firing anything (e.g. a fresh machine restored at another time). */
  set(time: bigint): void {
    this.time = time;
  }

  /** Runs virtual time step by step to `time`, firing each expiry at its own deadline. */
  runTo(time: bigint): void {
    for (;;) {
      let nextId: string | undefined;
      let next: Armed | undefined;
      for (const [id, a] of [...this.armed.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
        if (a.at <= time && (next === undefined || a.at < next.at)) {
          next = a;
          nextId = id;
        }
      }
      if (next === undefined || nextId === undefined) break;
      this.time = next.at > this.time ? next.at : this.time;
      this.armed.delete(nextId);
      this.fired.set(nextId, (this.fired.get(nextId) ?? 0) + 1);
      next.callback();
    }
    this.time = time;
  }

  /** Jumps to `time` (the partition was descheduled) and then fires every due timer once, late. */
  jumpTo(time: bigint): void {
    this.time = time;
    for (const [id, a] of [...this.armed.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
      if (a.at > time || this.armed.get(id) !== a) continue;
      this.armed.delete(id);
      this.fired.set(id, (this.fired.get(id) ?? 0) + 1);
      a.callback();
    }
  }
}
