import { expect } from "chai";
import { nextPeriodic, nextUpdate, periodicCrossed, periodTicks, updatesIn } from "../../../kernel/devices/rtc-timing";

describe("kernel/devices/rtc-timing", () => {
  it("maps rate select to periods, with RS 1 and 2 at 256 and 128 Hz", () => {
    expect([0, 1, 2, 3, 6, 15].map(periodTicks)).to.deep.equal([0n, 128n, 256n, 4n, 32n, 16384n]);
  });
  it("finds periodic boundaries on the 32.768 kHz chain", () => {
    expect(nextPeriodic(0n, 32n)).to.equal(976_563n);
    expect(nextPeriodic(976_563n, 32n)).to.equal(1_953_125n);
    expect(periodicCrossed(0n, 976_562n, 32n)).to.equal(false);
    expect(periodicCrossed(0n, 976_563n, 32n)).to.equal(true);
    expect(periodicCrossed(0n, 10n ** 9n, 0n)).to.equal(false);
  });
  it("finds the once-a-second updates", () => {
    expect(updatesIn(500n, 2_000_000_000n)).to.deep.equal({ first: 1n, last: 2n });
    expect(nextUpdate(1_000_000_000n)).to.equal(2_000_000_000n);
  });
});
