import { expect } from "chai";
import { ApicTimer, type TimerLvt } from "../../../kernel/devices/local-apic-timer";
import { FakeTimers } from "../../support/fake-timers";

describe("kernel/devices/local-apic-timer", () => {
  function setup(lvt: TimerLvt): { timer: ApicTimer; timers: FakeTimers; expiries: bigint[] } {
    const timers = new FakeTimers();
    const expiries: bigint[] = [];
    const timer = new ApicTimer(timers, 100_000_000, () => lvt, () => expiries.push(timers.now()));
    return { timer, timers, expiries };
  }

  it("calls back at each periodic expiry on virtual time", () => {
    const { timer, timers, expiries } = setup({ periodic: true, masked: false });
    timer.setDivide(0b1011);
    timer.setInitial(50); // 500 ns
    timers.runTo(1_600n);
    expect(expiries).to.deep.equal([500n, 1_000n, 1_500n]);
  });

  it("arms nothing while masked but keeps counting", () => {
    const { timer, timers, expiries } = setup({ periodic: false, masked: true });
    timer.setInitial(50);
    timers.runTo(600n);
    expect(expiries).to.deep.equal([]);
    expect(timer.currentCount()).to.equal(20);
  });

  it("saves the elapsed time and restores it relative to the new clock", () => {
    const { timer, timers } = setup({ periodic: false, masked: false });
    timer.setInitial(100);
    timers.set(400n);
    const saved = timer.save();
    expect(saved.timerElapsedNs).to.equal("400");
    timer.setInitial(0);
    expect(timer.save().timerElapsedNs).to.equal(null);
    const other = setup({ periodic: false, masked: false });
    other.timers.set(10_000n);
    other.timer.restore(saved);
    expect(other.timer.currentCount()).to.equal(100 - 20); // 400 ns at 20 ns per tick (divide by 2)
    expect(other.timers.deadline("local-apic.timer")).to.equal(10_000n + 1_600n);
  });
});
