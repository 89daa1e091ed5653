import { expect } from "chai";
import { countAfter, divisorFromConfig, nanosForTicks, nextExpiryTick, ticksIn } from "../../../kernel/devices/apic-timer-math";

describe("kernel/devices/apic-timer-math", () => {
  it("decodes the divide configuration (bits 0, 1, 3)", () => {
    expect([0, 1, 2, 3, 8, 9, 10, 11].map(divisorFromConfig)).to.deep.equal([2, 4, 8, 16, 32, 64, 128, 1]);
  });
  it("converts between nanoseconds and ticks, rounding time up", () => {
    expect(ticksIn(999n, 100_000_000, 1)).to.equal(99n);
    expect(ticksIn(1000n, 100_000_000, 2)).to.equal(50n);
    expect(nanosForTicks(3n, 33_000_000, 1)).to.equal(91n); // 90.9 ns
  });
  it("counts down once or periodically and finds the next expiry", () => {
    const oneShot = { countAtStart: 10, initial: 10, periodic: false };
    expect(countAfter(oneShot, 4n)).to.equal(6);
    expect(countAfter(oneShot, 12n)).to.equal(0);
    expect(nextExpiryTick(oneShot, 4n)).to.equal(10n);
    expect(nextExpiryTick(oneShot, 10n)).to.equal(undefined);
    const periodic = { countAtStart: 4, initial: 10, periodic: true };
    expect(countAfter(periodic, 4n)).to.equal(10);
    expect(countAfter(periodic, 13n)).to.equal(1);
    expect(countAfter(periodic, 17n)).to.equal(7);
    expect(nextExpiryTick(periodic, 4n)).to.equal(14n);
    expect(nextExpiryTick(periodic, 25n)).to.equal(34n);
  });
});
