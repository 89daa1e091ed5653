import { expect } from "chai";
import { CycleClock } from "../../../kernel/machine/cycle-clock";
import { nanos } from "../../../kernel/mem/types";

describe("kernel/machine/cycle-clock", () => {
  it("turns cycles into nanoseconds at the clock rate, rounding down", () => {
    let c = 0;
    const clock = new CycleClock(3, () => c);
    c = 2;
    expect(clock.now()).to.equal(666_666_666n);
    c = 3;
    expect(clock.now()).to.equal(1_000_000_000n);
  });
  it("counts the cycles to a deadline, rounding up, so the deadline is reached and not passed", () => {
    let c = 0;
    const clock = new CycleClock(100_000_000, () => c);
    expect(clock.cyclesUntil(nanos(25))).to.equal(3);
    c = 3;
    expect(clock.now() >= 25n).to.equal(true);
    expect(clock.cyclesUntil(nanos(10))).to.equal(0);
  });
  it("skips halted time without CPU cycles", () => {
    const clock = new CycleClock(100_000_000, () => 50);
    clock.idleUntil(nanos(1_000_000));
    expect(clock.cycles()).to.equal(100_000);
    expect(clock.now()).to.equal(1_000_000n);
    expect(() => new CycleClock(0, () => 0)).to.throw(RangeError);
  });
});
