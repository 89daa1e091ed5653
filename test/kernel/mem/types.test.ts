import { expect } from "chai";
import { byteLength, guestPhys, ioPort, nanos } from "../../../kernel/mem/types";

describe("kernel/mem/types", () => {
  it("accepts addresses across the whole 32-bit space", () => {
    expect(guestPhys(0)).to.equal(0);
    expect(guestPhys(0xffff_ffff)).to.equal(0xffff_ffff);
  });
  it("rejects values outside their range", () => {
    expect(() => guestPhys(0x1_0000_0000)).to.throw(RangeError);
    expect(() => guestPhys(-1)).to.throw(RangeError);
    expect(() => guestPhys(1.5)).to.throw(RangeError);
    expect(() => ioPort(0x10000)).to.throw(RangeError);
    expect(() => byteLength(-4)).to.throw(RangeError);
  });
  it("keeps nanoseconds exact beyond 2^53", () => {
    expect(nanos(2n ** 60n) + 1n).to.equal(2n ** 60n + 1n);
  });
});
