// Converts between module virtual time (ns) and CPU cycles at the module clock. Cycle counts are
// derived from absolute times (floor(t * hz / 1e9)), so window budgets never drift over long runs.
import { nanos, type Nanos } from "../mem/types";

const NS_PER_S = 1_000_000_000n;

/** The module clock: a fixed CPU frequency in Hz. */
export class ModuleClock {
  private readonly hz: bigint;

  /** Nanoseconds per cycle when the clock divides 1 GHz exactly (100 MHz: 10), else 0: the number fast path. */
  private readonly nsPerCycle: number;

  /**
   * Every cycle starts at a nanosecond of its own (the clock is 1 GHz or slower): cyclesAt(timeOfCycle(n)) is n,
   * so advancing by a then by b lands where advancing by a + b does, and a time reached by advancing from `start`
   * lies before `stop` exactly when fewer than cyclesBetween(start, stop) cycles were used.
   */
  readonly cyclesRoundTrip: boolean;

  constructor(readonly clockHz: number) {
    if (!Number.isSafeInteger(clockHz) || clockHz <= 0) throw new RangeError(`clock ${clockHz} Hz is not a positive integer`);
    this.hz = BigInt(clockHz);
    this.nsPerCycle = 1_000_000_000 % clockHz === 0 ? 1_000_000_000 / clockHz : 0;
    this.cyclesRoundTrip = clockHz <= 1_000_000_000;
  }

  /** Cycles elapsed from time 0 to `t`, rounded down. */
  cyclesAt(t: Nanos): bigint {
    return (t * this.hz) / NS_PER_S;
  }

  /**
   * cyclesAt(t) as a number when it can be computed exactly without BigInt arithmetic, else -1.
   * floor(n / k) in doubles is exact for integers n, k below 2^53 (the rounding error of n / k is
   * below 1 / k, the distance from a non-integer quotient to the next integer).
   */
  private fastCyclesAt(t: Nanos): number {
    if (this.nsPerCycle === 0) return -1;
    const n = Number(t);
    return n >= 0 && n <= Number.MAX_SAFE_INTEGER ? Math.floor(n / this.nsPerCycle) : -1;
  }

  /** Cycles available between two absolute times: exact and additive over consecutive intervals. */
  cyclesBetween(from: Nanos, to: Nanos): number {
    if (to < from) throw new RangeError(`interval ends (${to}) before it starts (${from})`);
    const a = this.fastCyclesAt(from);
    const b = a < 0 ? -1 : this.fastCyclesAt(to);
    if (b >= 0) return b - a;
    return Number(this.cyclesAt(to) - this.cyclesAt(from));
  }

  /** cyclesBetween for times given as safe-integer numbers of ns (the runner's hot path): no BigInt when the clock divides 1 GHz. */
  cyclesBetweenNs(from: number, to: number): number {
    if (to < from) throw new RangeError(`interval ends (${to}) before it starts (${from})`);
    if (this.nsPerCycle !== 0) return Math.floor(to / this.nsPerCycle) - Math.floor(from / this.nsPerCycle);
    return this.cyclesBetween(nanos(from), nanos(to));
  }

  /** The last start advanceNs divided, and its cycle: callers advance from one start many times (a slice, a window). */
  private memoStart = NaN;
  private memoCycle = 0;

  /** advance for a start given as a safe-integer number of ns; the result as a number (the caller guards 2^53). */
  advanceNs(start: number, used: number): number {
    if (this.nsPerCycle !== 0 && Number.isSafeInteger(used) && used >= 0) {
      if (start !== this.memoStart) {
        this.memoCycle = Math.floor(start / this.nsPerCycle);
        this.memoStart = start;
      }
      const t = (this.memoCycle + used) * this.nsPerCycle;
      if (t <= Number.MAX_SAFE_INTEGER) return t;
    }
    const t = this.advance(nanos(start), used);
    if (t > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`virtual time ${t} ns is beyond 2^53 ns`);
    return Number(t);
  }

  /**
   * Cycles from `t` to the first cycle boundary at or after `deadline` (both safe-integer ns), in numbers
   * when the clock divides 1 GHz; undefined when it does not (the caller takes the BigInt path).
   */
  cyclesUntilNs(t: number, deadline: number): number | undefined {
    if (this.nsPerCycle === 0) return undefined;
    return Math.ceil(deadline / this.nsPerCycle) - Math.floor(t / this.nsPerCycle);
  }

  /** The first time at or after which `cycleCount` cycles (counted from time 0) have elapsed. */
  timeOfCycle(cycleCount: bigint): Nanos {
    return nanos((cycleCount * NS_PER_S + this.hz - 1n) / this.hz);
  }

  /** Virtual time reached after running `used` cycles from time `start`. */
  advance(start: Nanos, used: number): Nanos {
    const c = this.fastCyclesAt(start);
    // With k ns per cycle the first time at or after cycle c + used is exactly (c + used) * k.
    if (c >= 0 && Number.isSafeInteger(used) && used >= 0 && (c + used) * this.nsPerCycle <= Number.MAX_SAFE_INTEGER) return nanos((c + used) * this.nsPerCycle);
    return this.timeOfCycle(this.cyclesAt(start) + BigInt(used));
  }
}
