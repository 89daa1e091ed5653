// Converts between module virtual time (ns) and CPU cycles at the module clock. Cycle counts are
// derived from absolute times (floor(t * hz / 1e9)), so window budgets never drift over long runs.
import { nanos, type Nanos } from "../mem/types";

const NS_PER_S = 1_000_000_000n;

/** The module clock: a fixed CPU frequency in Hz. */
export class ModuleClock {
  private readonly hz: bigint;

  constructor(readonly clockHz: number) {
    if (!Number.isSafeInteger(clockHz) || clockHz <= 0) throw new RangeError(`clock ${clockHz} Hz is not a positive integer`);
    this.hz = BigInt(clockHz);
  }

  /** Cycles elapsed from time 0 to `t`, rounded down. */
  cyclesAt(t: Nanos): bigint {
    return (t * this.hz) / NS_PER_S;
  }

  /** Cycles available between two absolute times: exact and additive over consecutive intervals. */
  cyclesBetween(from: Nanos, to: Nanos): number {
    if (to < from) throw new RangeError(`interval ends (${to}) before it starts (${from})`);
    return Number(this.cyclesAt(to) - this.cyclesAt(from));
  }

  /** The first time at or after which `cycleCount` cycles (counted from time 0) have elapsed. */
  timeOfCycle(cycleCount: bigint): Nanos {
    return nanos((cycleCount * NS_PER_S + this.hz - 1n) / this.hz);
  }

  /** Virtual time reached after running `used` cycles from time `start`. */
  advance(start: Nanos, used: number): Nanos {
    return this.timeOfCycle(this.cyclesAt(start) + BigInt(used));
  }
}
