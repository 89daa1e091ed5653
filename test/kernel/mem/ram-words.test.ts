import { expect } from "chai";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { RamWords } from "../../../kernel/mem/ram-words";
import { guestPhys } from "../../../kernel/mem/types";

describe("kernel/mem/ram-words", () => {
  it("reads and writes the words PhysicalMemory sees, unsigned", () => {
    const m = new PhysicalMemory(0x4000);
    const w = new RamWords(m, guestPhys(0x2010), 4);
    w.set(1, -1);
    expect(m.read32(guestPhys(0x2014))).to.equal(0xffff_ffff);
    m.write32(guestPhys(0x201c), 0x8000_0001);
    expect(w.get(3)).to.equal(0x8000_0001);
    m.write8(guestPhys(0x2012), 0xab);
    expect(w.getByte(2)).to.equal(0xab);
  });

  it("refuses a window that is unaligned, outside RAM or across a page", () => {
    const m = new PhysicalMemory(0x4000);
    expect(() => new RamWords(m, guestPhys(0x2002), 2)).to.throw(RangeError);
    expect(() => new RamWords(m, guestPhys(0x3ffc), 2)).to.throw(RangeError);
    expect(() => new RamWords(m, guestPhys(0x1ffc), 2)).to.throw(RangeError);
    const w = new RamWords(m, guestPhys(0x2000), 2);
    expect(() => w.set(2, 1)).to.throw(RangeError);
    expect(() => w.get(-1)).to.throw(RangeError);
  });

  it("marks its page in the dirty log and drops decoded code on it, as PhysicalMemory's own writes do", () => {
    const m = new PhysicalMemory(0x4000);
    const w = new RamWords(m, guestPhys(0x3000), 4);
    m.startDirtyLog();
    m.takeDirtyPages();
    w.set(0, 7);
    expect(m.takeDirtyPages()).to.deep.equal([3]);
    const dropped: number[] = [];
    m.addCodeWriteListener((p) => dropped.push(p));
    m.markCode(0x3000, 4);
    w.set(0, 8);
    expect(dropped).to.deep.equal([3]);
  });

  it("goes through an MMIO window that covers it", () => {
    const m = new PhysicalMemory(0x4000);
    const w = new RamWords(m, guestPhys(0x1000), 2);
    const seen: number[] = [];
    m.mapMmio(guestPhys(0x1000), 0x1000, { read: () => 0x1234, write: (o, _s, v) => void seen.push(o, v) });
    w.set(1, 5);
    expect(seen).to.deep.equal([4, 5]);
    expect(w.get(0)).to.equal(0x1234);
  });

  it("allows the direct view only while no MMIO, code, read-only page or unmarked dirty page is in the way", () => {
    const m = new PhysicalMemory(0x4000);
    const w = new RamWords(m, guestPhys(0x2000), 4);
    expect(w.directNow()).to.equal(true);
    w.direct[2] = -2;
    expect(m.read32(guestPhys(0x2008))).to.equal(0xffff_fffe);
    expect(w.direct[2]! >>> 0).to.equal(0xffff_fffe);
    m.startDirtyLog();
    m.takeDirtyPages();
    expect(w.directNow(), "page not yet marked dirty").to.equal(false);
    w.set(0, 1);
    expect(w.directNow(), "page marked by set()").to.equal(true);
    m.markCode(0x2000, 4);
    expect(w.directNow(), "decoded code on the page").to.equal(false);
    const r = new PhysicalMemory(0x4000);
    r.protectRam(guestPhys(0x2000), guestPhys(0x3000));
    expect(new RamWords(r, guestPhys(0x2000), 2).directNow(), "a read-only page").to.equal(false);
    const n = new PhysicalMemory(0x4000);
    n.mapMmio(guestPhys(0x0), 0x1000, { read: () => 0, write: () => undefined });
    expect(new RamWords(n, guestPhys(0x2000), 2).directNow(), "an MMIO window").to.equal(false);
  });
});
