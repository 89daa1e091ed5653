import { expect } from "chai";
import { parseBoolean, parseDecOrHex, parseName } from "../../../kernel/config/values";

describe("kernel/config/values", () => {
  it("parses DecOrHexValueType: optional sign, decimal or 0x hex", () => {
    expect(parseDecOrHex("4096", 0, 1e9)).to.deep.equal({ ok: true, value: 4096 });
    expect(parseDecOrHex("0x1000", 0, 1e9)).to.deep.equal({ ok: true, value: 4096 });
    expect(parseDecOrHex("0XfF", 0, 1e9)).to.deep.equal({ ok: true, value: 255 });
    expect(parseDecOrHex("+7", 0, 10)).to.deep.equal({ ok: true, value: 7 });
    expect(parseDecOrHex("-7", -10, 10)).to.deep.equal({ ok: true, value: -7 });
    expect(parseDecOrHex("0xffffffff", 0, 0xffff_ffff)).to.deep.equal({ ok: true, value: 0xffff_ffff });
  });
  it("rejects other spellings and out-of-range values", () => {
    for (const bad of ["", "1.0", "1e3", "0x", "ten", "0b101", "- 1"]) expect(parseDecOrHex(bad, 0, 10).ok, bad).to.equal(false);
    expect(parseDecOrHex("-1", 0, 10)).to.deep.equal({ ok: false, reason: "is out of range 0..10" });
    expect(parseDecOrHex("0x100000000", 0, 0xffff_ffff).ok).to.equal(false);
  });
  it("parses xs:boolean", () => {
    expect(parseBoolean("true")).to.deep.equal({ ok: true, value: true });
    expect(parseBoolean("0")).to.deep.equal({ ok: true, value: false });
    expect(parseBoolean("yes").ok).to.equal(false);
  });
  it("limits NameType to 1..30 characters", () => {
    expect(parseName("a".repeat(30)).ok).to.equal(true);
    expect(parseName("a".repeat(31)).ok).to.equal(false);
    expect(parseName("").ok).to.equal(false);
  });
});
