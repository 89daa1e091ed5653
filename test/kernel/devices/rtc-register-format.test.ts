import { expect } from "chai";
import { decodeHour, decodeValue, encodeHour, encodeValue } from "../../../kernel/devices/rtc-register-format";

const BCD24 = { binary: false, hour24: true };
const BCD12 = { binary: false, hour24: false };
const BIN12 = { binary: true, hour24: false };

describe("kernel/devices/rtc-register-format", () => {
  it("codes values in BCD and binary", () => {
    expect(encodeValue(BCD24, 59)).to.equal(0x59);
    expect(decodeValue(BCD24, 0x59)).to.equal(59);
    expect(encodeValue(BIN12, 59)).to.equal(59);
    expect(decodeValue(BIN12, 59)).to.equal(59);
  });
  it("codes hours in 12-hour form with the PM bit", () => {
    expect([0, 1, 11, 12, 13, 23].map((h) => encodeHour(BCD12, h))).to.deep.equal([0x12, 0x01, 0x11, 0x92, 0x81, 0x91]);
    expect([0x12, 0x01, 0x92, 0x81, 0x91].map((b) => decodeHour(BCD12, b))).to.deep.equal([0, 1, 12, 13, 23]);
    expect(encodeHour(BIN12, 23)).to.equal(0x8b);
    expect(decodeHour(BCD24, 0x23)).to.equal(23);
  });
});
