import { expect } from "chai";
import { PhysicalMemory, type MmioHandler } from "../../../kernel/mem/physical-memory";
import { guestPhys } from "../../../kernel/mem/types";

describe("kernel/mem/physical-memory", () => {
  it("reads back little-endian values, aligned or not", () => {
    const m = new PhysicalMemory(0x10000);
    m.write32(guestPhys(0x101), 0x11223344);
    expect(m.read32(guestPhys(0x101))).to.equal(0x11223344);
    expect(m.read8(guestPhys(0x101))).to.equal(0x44);
    expect(m.read16(guestPhys(0x103))).to.equal(0x1122);
  });
  it("counts out-of-range accesses: reads give all-ones, writes are dropped", () => {
    const m = new PhysicalMemory(0x1000);
    expect(m.read32(guestPhys(0x2000))).to.equal(0xffffffff);
    m.write8(guestPhys(0x2000), 1);
    expect(m.outOfRangeAccesses).to.equal(2);
    expect(() => m.readBytes(guestPhys(0xfff), 2)).to.throw(RangeError);
  });
  it("dispatches MMIO windows by offset and refuses overlaps", () => {
    const m = new PhysicalMemory(0x1000);
    const seen: number[] = [];
    const dev: MmioHandler = { read: (off) => off + 1, write: (off, _s, v) => void seen.push(off, v) };
    m.mapMmio(guestPhys(0xfee00000), 0x1000, dev);
    expect(m.read32(guestPhys(0xfee00010))).to.equal(0x11);
    m.write16(guestPhys(0xfee00020), 0x1234);
    expect(seen).to.deep.equal([0x20, 0x1234]);
    expect(() => m.mapMmio(guestPhys(0xfee00800), 0x1000, dev)).to.throw();
  });
  it("tells code listeners about writes that touch decoded lines only", () => {
    const m = new PhysicalMemory(0x3000);
    const pages: number[] = [];
    m.addCodeWriteListener((p) => pages.push(p));
    m.markCode(0x1000, 16);
    m.write8(guestPhys(0x1800), 1); // same page, other line
    expect(pages).to.deep.equal([]);
    m.write32(guestPhys(0x100e), 1);
    expect(pages).to.deep.equal([1]);
    expect(m.codePages[1]).to.equal(0);
  });
});
