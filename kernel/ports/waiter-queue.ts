// An ordered queue of blocked waiters (processes waiting on a port, buffer, semaphore...) with FIFO
// or PRIORITY discipline and optional deadlines, plus the timeout rule of blocking APEX calls.
// Pure data structure: who the waiters are and how they are woken is the user's concern.
import type { QueuingDiscipline } from "../config/model";
import { nanos, type Nanos } from "../mem/types";
import type { ServiceOutcome } from "./return-codes";

/** One blocked waiter. Higher `priority` values are more urgent (APEX: 0 lowest .. 249 highest). */
export interface Waiter<T> {
  readonly id: T;
  readonly priority: number;
  /** Absolute time at which the wait times out; undefined waits forever. */
  readonly deadline: Nanos | undefined;
}

interface Slot<T> extends Waiter<T> {
  readonly seq: number;
}

/**
 * Waiters in wake-up order. FIFO: arrival order. PRIORITY: highest priority first, arrival order
 * among equal priorities (stable). Invariant: `slots` is always sorted in wake-up order.
 */
export class WaiterQueue<T> {
  private slots: Slot<T>[] = [];
  private seq = 0;

  constructor(readonly discipline: QueuingDiscipline) {}

  /** Number of waiters. */
  get length(): number {
    return this.slots.length;
  }

  /** Waiters in wake-up order (a copy). */
  toArray(): Waiter<T>[] {
    return this.slots.map(({ id, priority, deadline }) => ({ id, priority, deadline }));
  }

  /** Adds a waiter behind every waiter that wakes before it. */
  enqueue(id: T, priority: number, deadline?: Nanos): void {
    const slot: Slot<T> = { id, priority, deadline, seq: this.seq++ };
    if (this.discipline === "FIFO") {
      this.slots.push(slot);
      return;
    }
    // First index whose priority is strictly lower: equal priorities keep arrival order.
    let lo = 0;
    let hi = this.slots.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const s = this.slots[mid];
      if (s !== undefined && s.priority >= priority) lo = mid + 1;
      else hi = mid;
    }
    this.slots.splice(lo, 0, slot);
  }

  /** Removes and returns the waiter to wake next. */
  dequeue(): Waiter<T> | undefined {
    const s = this.slots.shift();
    return s === undefined ? undefined : { id: s.id, priority: s.priority, deadline: s.deadline };
  }

  /** Removes a waiter (stopped or suspended process); false when absent. */
  remove(id: T): boolean {
    const i = this.slots.findIndex((s) => s.id === id);
    if (i < 0) return false;
    this.slots.splice(i, 1);
    return true;
  }

  /** Removes and returns, in wake-up order, every waiter whose deadline is at or before `now`. */
  expire(now: Nanos): Waiter<T>[] {
    const gone = this.slots.filter((s) => s.deadline !== undefined && s.deadline <= now);
    if (gone.length > 0) this.slots = this.slots.filter((s) => !(s.deadline !== undefined && s.deadline <= now));
    return gone.map(({ id, priority, deadline }) => ({ id, priority, deadline }));
  }

  /** The earliest deadline among the waiters, for arming a timer. */
  nextDeadline(): Nanos | undefined {
    let best: Nanos | undefined;
    for (const s of this.slots) if (s.deadline !== undefined && (best === undefined || s.deadline < best)) best = s.deadline;
    return best;
  }
}

/** APEX INFINITE_TIME_VALUE: wait without a deadline. */
export const INFINITE_TIME = -1n;

/**
 * What a blocking APEX call does when its resource is unavailable: timeout 0 fails at once with the
 * given outcome (NOT_AVAILABLE); a negative timeout (INFINITE_TIME_VALUE) waits forever; a positive
 * one waits until now + timeout, after which the waiter gets "timedOut" (TIMED_OUT).
 */
export function onUnavailable(
  outcome: "full" | "empty",
  now: Nanos,
  timeout: bigint,
): { readonly kind: "fail"; readonly outcome: ServiceOutcome } | { readonly kind: "wait"; readonly deadline: Nanos | undefined } {
  if (timeout === 0n) return { kind: "fail", outcome };
  if (timeout < 0n) return { kind: "wait", deadline: undefined };
  return { kind: "wait", deadline: nanos(now + timeout) };
}
