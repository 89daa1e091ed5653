// Pure arithmetic of the local APIC timer (Intel SDM vol. 3 section 11.5.4): divide configuration,
// bus ticks elapsed in virtual time, current count and next expiry. No state, no timers.

/** The divisor selected by the Divide Configuration Register (bits 0, 1 and 3). */
export function divisorFromConfig(config: number): number {
  const code = ((config >>> 1) & 0b100) | (config & 0b11);
  return code === 0b111 ? 1 : 2 << code;
}

/** Whole timer ticks (bus clocks / divisor) contained in `elapsedNs` of virtual time. */
export function ticksIn(elapsedNs: bigint, busHz: number, divisor: number): bigint {
  return (elapsedNs * BigInt(busHz)) / (1_000_000_000n * BigInt(divisor));
}

/** Virtual time at which `ticks` whole ticks have elapsed (rounded up to the next nanosecond). */
export function nanosForTicks(ticks: bigint, busHz: number, divisor: number): bigint {
  const num = ticks * 1_000_000_000n * BigInt(divisor);
  const den = BigInt(busHz);
  return (num + den - 1n) / den;
}

/** A running count: `countAtStart` at the start, reloading from `initial` when periodic. */
export interface TimerRun {
  readonly countAtStart: number;
  readonly initial: number;
  readonly periodic: boolean;
}

/** Current Count after `ticks` ticks: counts down to 0 and stays (one-shot) or reloads (periodic). */
export function countAfter(run: TimerRun, ticks: bigint): number {
  const start = BigInt(run.countAtStart);
  if (ticks < start) return Number(start - ticks);
  if (!run.periodic || run.initial === 0) return 0;
  const r = (ticks - start) % BigInt(run.initial);
  return run.initial - Number(r);
}

/** The first tick index strictly after `ticks` at which the count reaches zero, or undefined if none. */
export function nextExpiryTick(run: TimerRun, ticks: bigint): bigint | undefined {
  const start = BigInt(run.countAtStart);
  if (ticks < start) return start;
  if (!run.periodic || run.initial === 0) return undefined;
  const period = BigInt(run.initial);
  return start + ((ticks - start) / period + 1n) * period;
}
