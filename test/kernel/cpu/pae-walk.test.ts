import { expect } from "chai";
import { paeWalk, PF_I, PF_P, PF_RSVD, PF_U, PF_W, type PaeWalk } from "../../../kernel/cpu/pae-walk";

/** Sparse physical memory of 32-bit words. */
class Words {
  readonly m = new Map<number, number>();
  read32(a: number): number {
    return this.m.get(a) ?? 0;
  }
  write32(a: number, v: number): void {
    this.m.set(a, v | 0);
  }
  entry(a: number, lo: number, hi = 0): void {
    this.write32(a, lo);
    this.write32(a + 4, hi);
  }
}

const XD = 0x80000000 | 0;
const out = (): PaeWalk => ({ phys: 0, fault: 0, rights: 0, noExec: false, dirty: false });
const acc = (o: Partial<{ write: boolean; user: boolean; fetch: boolean; wp: boolean; nxe: boolean }> = {}) => ({ write: false, user: false, fetch: false, wp: true, nxe: true, ...o });

/** CR3 0x1000 -> PDPT; PDPTE 3 -> directory 0x2000; PDE 0 -> table 0x3000 (user, writable); PDE 1 -> 2 MiB page at 0x400000 (supervisor, XD). */
function tables(): Words {
  const w = new Words();
  w.entry(0x1000 + 3 * 8, 0x2000 | 1);
  w.entry(0x2000, 0x3000 | 7);
  w.entry(0x3000 + 5 * 8, 0x7000 | 7); // linear 0xC0005000 -> 0x7000
  w.entry(0x3000 + 6 * 8, 0x8000 | 7, XD); // linear 0xC0006000 -> 0x8000, no execute
  w.entry(0x2000 + 8, 0x400000 | 0x83, XD);
  return w;
}

describe("kernel/cpu/pae-walk", () => {
  it("walks PDPT, directory and table for 4 KiB pages and sets accessed and dirty bits", () => {
    const w = tables();
    const r = paeWalk(w, 0x1000, 0xc0005abc | 0, acc({ write: true, user: true }), out());
    expect(r.phys).to.equal(0x7abc);
    expect(r.rights & 6).to.equal(6);
    expect(w.read32(0x3000 + 5 * 8) & 0x60).to.equal(0x60);
    expect(w.read32(0x2000) & 0x20).to.equal(0x20);
  });

  it("maps 2 MiB pages with PS, and enforces XD on fetches only when NXE is on", () => {
    const w = tables();
    expect(paeWalk(w, 0x1000, 0xc0312345 | 0, acc(), out()).phys).to.equal(0x512345);
    expect(paeWalk(w, 0x1000, 0xc0312345 | 0, acc({ fetch: true }), out()).fault).to.equal(PF_P | PF_I);
    expect(paeWalk(w, 0x1000, 0xc0006000 | 0, acc({ fetch: true, user: true }), out()).fault).to.equal(PF_P | PF_U | PF_I);
    expect(paeWalk(w, 0x1000, 0xc0006000 | 0, acc(), out())).to.include({ phys: 0x8000, noExec: true }); // a read of an XD page is fine; the TLB marks it
    // Without NXE bit 63 is reserved.
    expect(paeWalk(w, 0x1000, 0xc0006000 | 0, acc({ nxe: false }), out()).fault).to.equal(PF_P | PF_RSVD);
  });

  it("faults on absent entries, supervisor pages from user mode, read-only writes and reserved bits", () => {
    const w = tables();
    expect(paeWalk(w, 0x1000, 0x00001000, acc(), out()).fault).to.equal(0); // PDPTE 0 absent
    expect(paeWalk(w, 0x1000, 0xc0007000 | 0, acc({ write: true }), out()).fault).to.equal(PF_W);
    expect(paeWalk(w, 0x1000, 0xc0312345 | 0, acc({ user: true }), out()).fault).to.equal(PF_P | PF_U);
    w.entry(0x3000 + 5 * 8, 0x7000 | 5); // user, read-only
    expect(paeWalk(w, 0x1000, 0xc0005000 | 0, acc({ write: true, user: true }), out()).fault).to.equal(PF_P | PF_W | PF_U);
    expect(paeWalk(w, 0x1000, 0xc0005000 | 0, acc({ write: true, wp: false }), out()).phys).to.equal(0x7000);
    w.entry(0x3000 + 5 * 8, 0x7000 | 7, 1); // physical bit 32: beyond this PC's 4 GiB
    expect(paeWalk(w, 0x1000, 0xc0005000 | 0, acc(), out()).fault).to.equal(PF_P | PF_RSVD);
  });
});
