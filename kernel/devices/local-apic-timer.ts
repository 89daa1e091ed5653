// The local APIC timer's counting state (Intel SDM vol. 3 section 11.5.4): Initial Count, Divide
// Configuration and a count derived from virtual time, armed on the TimerService for each expiry.
// The LVT Timer register (mode, mask, vector) stays in the local APIC, which it asks through `lvt`.
import { nanos } from "../mem/types";
import type { TimerService } from "./device";
import { IRQ_TIMER_FLOOR_NS, nextDeliveredExpiry } from "./timer-coalescing";
import { countAfter, divisorFromConfig, nanosForTicks, nextExpiryTick, ticksIn, type TimerRun } from "./apic-timer-math";

const TIMER_ID = "local-apic.timer";

/** What the timer needs to know of the LVT Timer register. */
export interface TimerLvt {
  readonly periodic: boolean;
  readonly masked: boolean;
}

/** The timer's saved fields (part of the local APIC's state). */
export interface ApicTimerFields {
  readonly timerInitial: number;
  readonly timerDivide: number;
  readonly timerCountAtStart: number;
  /** Virtual nanoseconds since the count was last (re)started, as a decimal string; null = stopped. */
  readonly timerElapsedNs: string | null;
}

/** Counter of the local APIC timer. Expiries that fall while not running give one callback (coalesced). */
export class ApicTimer {
  private initial = 0;
  private divide = 0;
  private running = false;
  private countAtStart = 0;
  private start = 0n;
  private missed = 0;

  constructor(
    private readonly timers: TimerService,
    private readonly busHz: number,
    private readonly lvt: () => TimerLvt,
    private readonly expired: () => void,
  ) {}

  reset(): void {
    this.timers.cancel(TIMER_ID);
    this.initial = 0;
    this.divide = 0;
    this.running = false;
    this.countAtStart = 0;
    this.start = 0n;
  }

  get initialCount(): number {
    return this.initial;
  }

  get divideConfig(): number {
    return this.divide;
  }

  /** Current Count register: derived from virtual time, never decremented tick by tick. */
  currentCount(): number {
    return this.running ? countAfter(this.run(), this.ticksNow()) : 0;
  }

  /** Initial Count write: restarts the count; 0 stops the timer. */
  setInitial(initial: number): void {
    this.initial = initial;
    this.running = initial !== 0;
    this.countAtStart = initial;
    this.start = this.timers.now();
    this.rearm();
  }

  /** Divide Configuration write: the count so far is kept, the fraction of a tick is dropped. */
  setDivide(config: number): void {
    if (this.running) {
      this.countAtStart = this.currentCount();
      this.start = this.timers.now();
    }
    this.divide = config;
    this.rearm();
  }

  /** Re-arms for the next expiry; nothing is armed while the LVT is masked (nothing would be delivered). */
  rearm(): void {
    this.timers.cancel(TIMER_ID);
    if (!this.running || this.lvt().masked) return;
    const run = this.run();
    const natural = nextExpiryTick(run, this.ticksNow());
    if (natural === undefined) return;
    const divisor = divisorFromConfig(this.divide);
    const deadline = (tick: bigint): bigint => this.start + nanosForTicks(tick, this.busHz, divisor);
    let next = natural;
    if (run.periodic && nanosForTicks(BigInt(run.initial), this.busHz, divisor) < IRQ_TIMER_FLOOR_NS) {
      // A period faster than the service floor: expiries thinned (timer-coalescing.ts).
      next = nextDeliveredExpiry(this.timers.now(), this.start, (t) => nextExpiryTick(run, ticksIn(t - this.start, this.busHz, divisor)) ?? natural, deadline);
      if (next > natural) this.missed += Number((next - natural) / BigInt(run.initial));
    }
    this.timers.arm(TIMER_ID, nanos(deadline(next)), () => {
      this.expired();
      this.rearm();
    });
  }

  /** Expiries dropped by interrupt-storm coalescing since this timer was built (diagnostics; not saved). */
  get coalescedExpiries(): number {
    return this.missed;
  }

  save(): ApicTimerFields {
    return {
      timerInitial: this.initial,
      timerDivide: this.divide,
      timerCountAtStart: this.countAtStart,
      timerElapsedNs: this.running ? (this.timers.now() - this.start).toString() : null,
    };
  }

  /** Restores checked fields; the start is re-based on the restoring machine's clock, then re-armed. */
  restore(f: ApicTimerFields): void {
    this.initial = f.timerInitial;
    this.divide = f.timerDivide;
    this.running = f.timerElapsedNs !== null;
    this.countAtStart = f.timerCountAtStart;
    this.start = this.timers.now() - BigInt(f.timerElapsedNs ?? 0);
    this.rearm();
  }

  private run(): TimerRun {
    return { countAtStart: this.countAtStart, initial: this.initial, periodic: this.lvt().periodic };
  }

  private ticksNow(): bigint {
    return ticksIn(this.timers.now() - this.start, this.busHz, divisorFromConfig(this.divide));
  }
}
