// A PV partition's two virtual timers (periodic TICK, ONESHOT) on virtual time, as a pure value:
// advancing to `now` reports how many ticks fell and whether the one-shot passed, however long the
// partition was descheduled, so nothing is dropped. Raising the virqs is the caller's business.
import { nanos, type Nanos } from "../mem/types";

/** Timer state. `nextTick` is undefined while the tick is off; `oneshot` while disarmed. */
export interface PvTimers {
  readonly period: Nanos;
  readonly nextTick: Nanos | undefined;
  readonly oneshot: Nanos | undefined;
}

/** Shortest tick period a partition may ask for (bounds the event rate the kernel serves). */
export const MIN_TICK_PERIOD_NS = nanos(10_000);

/** Timers at partition start: the tick (if `period` > 0) first falls one period after `now`. */
export function startTimers(period: Nanos, now: Nanos): PvTimers {
  return { period, nextTick: period > 0n ? nanos(now + period) : undefined, oneshot: undefined };
}

/** timer_set_periodic: 0 stops the tick; otherwise the next tick falls one period after `now`. */
export function setPeriodic(t: PvTimers, period: Nanos, now: Nanos): PvTimers {
  return { ...t, period, nextTick: period > 0n ? nanos(now + period) : undefined };
}

/** timer_set_oneshot: 0 cancels; a deadline at or before `now` fires at the next advance. */
export function setOneshot(t: PvTimers, deadline: Nanos): PvTimers {
  return { ...t, oneshot: deadline === 0n ? undefined : deadline };
}

/** Moves the timers to `now`: ticks that fell in (last, now] and whether the one-shot fired. */
export function advanceTimers(t: PvTimers, now: Nanos): { readonly timers: PvTimers; readonly ticks: number; readonly oneshot: boolean } {
  let ticks = 0;
  let nextTick = t.nextTick;
  if (nextTick !== undefined && nextTick <= now) {
    const n = (now - nextTick) / t.period + 1n;
    ticks = Number(n);
    nextTick = nanos(nextTick + n * t.period);
  }
  const fired = t.oneshot !== undefined && t.oneshot <= now;
  return { timers: { period: t.period, nextTick, oneshot: fired ? undefined : t.oneshot }, ticks, oneshot: fired };
}

/** The earliest armed expiry, if any. */
export function nextExpiry(t: PvTimers): Nanos | undefined {
  if (t.nextTick === undefined) return t.oneshot;
  if (t.oneshot === undefined) return t.nextTick;
  return t.nextTick < t.oneshot ? t.nextTick : t.oneshot;
}
