// A one-shot wake-up for the run loop: the loop awaits wait() while the machine is paused, and any
// socket event calls wake(). Host-side pacing only: it decides when the loop looks again, never what runs.

/** Wakes an awaiting run loop. */
export class Waker {
  private pending: (() => void) | null = null;
  private woken = false;

  /** Resolves at the next wake() (at once if one came since the last wait). */
  wait(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.pending = resolve;
    });
  }

  /** Wakes the waiter, or the next one. */
  wake(): void {
    const p = this.pending;
    if (p === null) {
      this.woken = true;
      return;
    }
    this.pending = null;
    p();
  }
}
