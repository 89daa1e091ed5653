// Virtual time of one machine, derived from CPU cycles at the cost model's clock: time advances only as
// the CPU executes, or when the machine skips a halted stretch up to the next timer. No host time.
import { nanos, type Nanos } from "../mem/types";

const NS_PER_S = 1_000_000_000n;

/** cycles -> nanoseconds (rounded down) and back (rounded up), plus the cycles skipped while halted. */
export class CycleClock {
  private idle = 0;
  private readonly hz: bigint;

  constructor(
    clockHz: number,
    private readonly cpuCycles: () => number,
  ) {
    if (!Number.isSafeInteger(clockHz) || clockHz <= 0) throw new RangeError(`clock must be a positive integer of Hz, got ${clockHz}`);
    this.hz = BigInt(clockHz);
  }

  /** Machine cycles: executed plus skipped. */
  cycles(): number {
    return this.cpuCycles() + this.idle;
  }

  /** Current virtual time. */
  now(): Nanos {
    return nanos((BigInt(this.cycles()) * NS_PER_S) / this.hz);
  }

  /** Cycles from now until virtual time `t` is reached (0 if already there). */
  cyclesUntil(t: Nanos): number {
    const at = (t * this.hz + NS_PER_S - 1n) / NS_PER_S;
    const d = Number(at) - this.cycles();
    return d > 0 ? d : 0;
  }

  /** Cycles skipped while halted so far (saved in snapshots). */
  get idleCycles(): number {
    return this.idle;
  }

  /** Sets the skipped cycles (restoring a snapshot, before any device asks the time). */
  restoreIdle(cycles: number): void {
    this.idle = cycles;
  }

  /** Skips `cycles` idle cycles (the CPU is halted meanwhile). */
  skip(cycles: number): void {
    this.idle += cycles;
  }

  /** Skips idle cycles so that virtual time reaches `t` (the CPU is halted until then). */
  idleUntil(t: Nanos): void {
    this.idle += this.cyclesUntil(t);
  }
}
