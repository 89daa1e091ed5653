// Event arithmetic of the MC146818's divider chain on virtual time (nanoseconds of the 32.768 kHz
// chain since power-on): periodic interrupt boundaries per rate select, and the once-a-second update.
// Pure; the cmos-rtc device decides what the events mean.

const SECOND = 1_000_000_000n;
const DIVIDER_HZ = 32_768n;

/** Periodic interval in 32.768 kHz ticks for rate select RS (register A bits 0-3), 0n for none. */
export function periodTicks(rateSelect: number): bigint {
  const rs = rateSelect & 0xf;
  if (rs === 0) return 0n;
  return rs <= 2 ? 1n << BigInt(rs + 6) : 1n << BigInt(rs - 1); // RS 1, 2: 256 and 128 Hz
}

/** Whether a periodic boundary of `period` ticks falls in (from, to]. */
export function periodicCrossed(from: bigint, to: bigint, period: bigint): boolean {
  return period !== 0n && (to * DIVIDER_HZ) / SECOND / period > (from * DIVIDER_HZ) / SECOND / period;
}

/** The first periodic boundary strictly after `now` (rounded up to the next nanosecond). */
export function nextPeriodic(now: bigint, period: bigint): bigint {
  const k = (now * DIVIDER_HZ) / SECOND / period + 1n;
  return (k * period * SECOND + DIVIDER_HZ - 1n) / DIVIDER_HZ;
}

/** Indices of the whole seconds whose update falls in (from, to]: [first, last], empty when first > last. */
export function updatesIn(from: bigint, to: bigint): { readonly first: bigint; readonly last: bigint } {
  return { first: from / SECOND + 1n, last: to / SECOND };
}

/** The first update (whole second) strictly after `now`. */
export function nextUpdate(now: bigint): bigint {
  return (now / SECOND + 1n) * SECOND;
}
