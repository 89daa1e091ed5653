import { expect } from "chai";
import { ApicTimer, type TimerLvt } from "../../../kernel/devices/local-apic-timer";
import { IRQ_TIMER_FLOOR_NS } from "../../../kernel/devices/timer-coalescing";
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
    timer.setInitial(5_000); // 50 us (above the interrupt-storm floor, so every expiry is delivered)
    timers.runTo(160_000n);
    expect(expiries).to.deep.equal([50_000n, 100_000n, 150_000n]);
  });

  it("thins a periodic timer faster than the floor to one expiry per floor interval, counting exactly (issue 15 finding 9)", () => {
    const { timer, timers, expiries } = setup({ periodic: true, masked: false });
    timer.setDivide(0b1011);
    timer.setInitial(1); // 10 ns
    timers.runTo(5n * IRQ_TIMER_FLOOR_NS + 5n);
    // The first expiry after each 10 us grid point from the start, the first one on time.
    expect(expiries).to.deep.equal([10n, 10_010n, 20_010n, 30_010n, 40_010n]);
    expect(timer.coalescedExpiries).to.equal(5 * 999);
    timers.set(5n * IRQ_TIMER_FLOOR_NS + 55n);
    expect(timer.currentCount()).to.equal(1); // the count itself stays exact
  });

  it("delivers the same expiries after a save and restore in the middle of a storm", () => {
    const a = setup({ periodic: true, masked: false });
    a.timer.setDivide(0b1011);
    a.timer.setInitial(3);
    a.timers.runTo(25_000n);
    const b = setup({ periodic: true, masked: false });
    b.timers.set(25_000n);
    b.timer.restore(a.timer.save());
    a.timers.runTo(80_000n);
    b.timers.runTo(80_000n);
    expect(b.expiries).to.deep.equal(a.expiries.filter((t) => t > 25_000n));
    expect(b.expiries).to.deep.equal([30_030n, 40_020n, 50_010n, 60_030n, 70_020n]);
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
