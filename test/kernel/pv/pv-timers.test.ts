// The pure timer core: ticks over long gaps are counted, never dropped; the one-shot fires once.
import { expect } from "chai";
import { nanos } from "../../../kernel/mem/types";
import { advanceTimers, nextExpiry, setOneshot, setPeriodic, startTimers } from "../../../kernel/pv/pv-timers";

describe("kernel/pv/pv-timers", () => {
  it("counts every tick of a long descheduled gap and keeps the phase", () => {
    let t = setPeriodic(startTimers(nanos(0), nanos(0)), nanos(100), nanos(5));
    expect(nextExpiry(t)).to.equal(105n);
    const a = advanceTimers(t, nanos(104));
    expect(a.ticks).to.equal(0);
    const b = advanceTimers(a.timers, nanos(1_005));
    expect(b.ticks).to.equal(10);
    t = b.timers;
    expect(nextExpiry(t)).to.equal(1_105n);
    expect(advanceTimers(t, nanos(1_105)).ticks).to.equal(1);
  });

  it("fires the one-shot once, at or after its deadline, and stops the tick on period 0", () => {
    let t = setOneshot(startTimers(nanos(50), nanos(0)), nanos(70));
    expect(nextExpiry(t)).to.equal(50n);
    t = setPeriodic(t, nanos(0), nanos(10));
    expect(nextExpiry(t)).to.equal(70n);
    const a = advanceTimers(t, nanos(69));
    expect(a.oneshot).to.equal(false);
    const b = advanceTimers(a.timers, nanos(500));
    expect([b.oneshot, b.ticks]).to.deep.equal([true, 0]);
    expect(advanceTimers(b.timers, nanos(1000)).oneshot).to.equal(false);
    expect(nextExpiry(setOneshot(b.timers, nanos(0)))).to.equal(undefined);
  });
});
