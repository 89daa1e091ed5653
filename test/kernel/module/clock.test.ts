// The module clock's number paths agree with its exact BigInt arithmetic, whatever order the starts come in
// (advanceNs remembers the last start it divided), and cyclesRoundTrip says exactly when cycles map to
// nanoseconds of their own.
import { expect } from "chai";
import { ModuleClock } from "../../../kernel/module/clock";
import { nanos } from "../../../kernel/mem/types";

/** A small deterministic generator (xorshift32), so a failure names a reproducible case. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

describe("kernel/module/clock", () => {
  for (const hz of [100_000_000, 1_000_000_000, 3_000_000, 7_777_777]) {
    it(`advanceNs equals the exact advance at ${hz} Hz, starts repeated and alternating`, () => {
      const clock = new ModuleClock(hz);
      const next = rng(hz);
      const starts = Array.from({ length: 4 }, () => next() * 1024 + (next() & 1023));
      for (let i = 0; i < 2000; i++) {
        // Runs of the same start (a slice, a window) broken by others, as the runner and a VM call it.
        const start = starts[(i >> 3) % starts.length]! + (i % 97 === 0 ? 1 : 0);
        const used = next() % 1_000_000;
        const exact = clock.advance(nanos(start), used);
        expect(clock.advanceNs(start, used), `start ${start} used ${used}`).to.equal(Number(exact));
      }
    });
  }

  it("says cycles round-trip through ns at 1 GHz and below, and not above", () => {
    for (const hz of [1_000, 3_000_000, 100_000_000, 1_000_000_000]) {
      const clock = new ModuleClock(hz);
      expect(clock.cyclesRoundTrip, `${hz} Hz`).to.equal(true);
      for (const n of [0n, 1n, 2n, 3n, 999n, 123_456_789n]) expect(clock.cyclesAt(clock.timeOfCycle(n)), `${hz} Hz cycle ${n}`).to.equal(n);
    }
    const fast = new ModuleClock(2_000_000_000);
    expect(fast.cyclesRoundTrip).to.equal(false);
    // Two cycles start within one ns: the first cycle's time maps to the one after it.
    expect(fast.cyclesAt(fast.timeOfCycle(1n))).to.equal(2n);
  });
});
