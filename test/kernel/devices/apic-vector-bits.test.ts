import { expect } from "chai";
import { VectorBits } from "../../../kernel/devices/apic-vector-bits";

describe("kernel/devices/apic-vector-bits", () => {
  it("sets, clears and finds the highest vector across words", () => {
    const v = new VectorBits();
    expect(v.highest()).to.equal(-1);
    v.set(0x20);
    v.set(0xff);
    v.set(0x3f);
    expect(v.highest()).to.equal(0xff);
    expect(v.word(7)).to.equal(0x8000_0000);
    v.clear(0xff);
    expect(v.highest()).to.equal(0x3f);
    expect(v.has(0x20)).to.equal(true);
    expect(v.has(0x21)).to.equal(false);
  });
  it("saves and loads its eight words", () => {
    const v = new VectorBits();
    v.set(31);
    v.set(200);
    const copy = new VectorBits();
    copy.load(v.toArray());
    expect(copy.toArray()).to.deep.equal([0x8000_0000, 0, 0, 0, 0, 0, 1 << 8, 0]);
    copy.clearAll();
    expect(copy.highest()).to.equal(-1);
  });
});
