// Virtual-time timer queue of one machine: devices arm named timers through the TimerService face,
// the machine asks for the next deadline and fires what is due. Deterministic: equal deadlines fire in
// arming order. Does not advance time itself; the machine's clock does.
import type { TimerService } from "../devices/device";
import type { Nanos } from "../mem/types";

interface Armed {
  readonly at: bigint;
  readonly seq: number;
  readonly callback: () => void;
}

/** Timers keyed by id; one pending deadline per id (re-arming replaces it). */
export class TimerQueue implements TimerService {
  private readonly armed = new Map<string, Armed>();
  private seq = 0;

  /** `onArm` hears every arming, so a machine can end a run slice early when a sooner deadline appears. */
  constructor(
    private readonly clock: () => Nanos,
    private readonly onArm: (at: Nanos) => void = () => undefined,
  ) {}

  now(): Nanos {
    return this.clock();
  }

  arm(id: string, at: Nanos, callback: () => void): void {
    this.armed.set(id, { at, seq: this.seq++, callback });
    this.onArm(at);
  }

  cancel(id: string): void {
    this.armed.delete(id);
  }

  /** Earliest pending deadline, or null when nothing is armed. */
  /** How many timers are armed. */
  get armedCount(): number {
    return this.armed.size;
  }

  nextDeadline(): Nanos | null {
    const first = this.earliest();
    return first === null ? null : (first[1].at as Nanos);
  }

  /** Fires, in deadline then arming order, every timer due at or before now (including ones armed while firing). */
  fireDue(): number {
    let fired = 0;
    for (;;) {
      const first = this.earliest();
      if (first === null || first[1].at > this.clock()) return fired;
      this.armed.delete(first[0]);
      first[1].callback();
      fired++;
    }
  }

  private earliest(): [string, Armed] | null {
    let best: [string, Armed] | null = null;
    for (const entry of this.armed) {
      const [, t] = entry;
      if (best === null || t.at < best[1].at || (t.at === best[1].at && t.seq < best[1].seq)) best = entry;
    }
    return best;
  }
}
