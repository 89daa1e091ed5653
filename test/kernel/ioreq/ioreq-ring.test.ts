import { expect } from "chai";
import { IoreqDevice, IoreqDir, IoreqSpace, IoreqState } from "../../../kernel/hypercall/generated/abi-generated";
import { IOREQ_SLOT_LAYOUT, PV_CONSTANTS } from "../../../kernel/hypercall/generated/abi-layout";
import { IoreqRing, type IoRequest, type RingMemory } from "../../../kernel/ioreq/ioreq-ring";
import { partitionId } from "../../../kernel/mem/types";

/** A ring page as plain words, written by the "server" side of the test directly. */
class Page implements RingMemory {
  readonly words = new Uint32Array(PV_CONSTANTS.PAGE_SIZE / 4);
  read32(off: number): number {
    return this.words[off / 4]!;
  }
  write32(off: number, v: number): void {
    this.words[off / 4] = v >>> 0;
  }
  slot(i: number, field: keyof typeof IOREQ_SLOT_LAYOUT.fields): number {
    return PV_CONSTANTS.IOREQ_SLOT_OFFSET + i * IOREQ_SLOT_LAYOUT.size + IOREQ_SLOT_LAYOUT.fields[field].offset;
  }
  /** What a correct server does: store the data of an IN and mark the slot DONE. */
  complete(i: number, data: number): void {
    this.write32(this.slot(i, "data"), data);
    this.write32(this.slot(i, "state"), IoreqState.DONE);
  }
}

const req = (id: number, dir: IoreqDir = IoreqDir.IN, size: 1 | 2 | 4 = 1): IoRequest => ({ id, client: partitionId(1), space: IoreqSpace.PORT, addr: 0x3fd, device: IoreqDevice.UART16550, offset: 5, irq: 4, size, dir, count: 1, data: dir === IoreqDir.OUT ? 0x41 : 0 });

describe("kernel/ioreq/ioreq-ring", () => {
  it("posts READY slots with the request's fields and takes back DONE ones with the data masked to the size", () => {
    const page = new Page();
    const ring = new IoreqRing(page, 2);
    expect(ring.post(req(5))).to.equal(true);
    expect(page.read32(page.slot(0, "state"))).to.equal(IoreqState.READY);
    expect(page.read32(page.slot(0, "id"))).to.equal(5);
    expect(page.read32(page.slot(0, "addr"))).to.equal(0x3fd);
    page.complete(0, 0x1234_5660);
    const h = ring.harvest();
    expect(h.problems).to.deep.equal([]);
    expect(h.done.map((d) => [d.req.id, d.data])).to.deep.equal([[5, 0x60]]);
    expect(page.read32(page.slot(0, "state"))).to.equal(IoreqState.FREE);
    expect(ring.inFlight()).to.deep.equal([]);
  });

  it("refuses a post when every slot is taken (full ring) and accepts again once one is done", () => {
    const page = new Page();
    const ring = new IoreqRing(page, 2);
    for (let i = 0; i < PV_CONSTANTS.IOREQ_SLOTS; i++) expect(ring.post(req(i + 1))).to.equal(true);
    expect(ring.post(req(99))).to.equal(false);
    page.complete(3, 0);
    expect(ring.harvest().done.map((d) => d.req.id)).to.deep.equal([4]);
    expect(ring.post(req(99))).to.equal(true);
    expect(page.read32(page.slot(3, "id"))).to.equal(99);
  });

  it("rejects bogus completions: changed id, size or client, DONE on an empty slot, an unknown state", () => {
    const page = new Page();
    const ring = new IoreqRing(page, 2);
    for (let i = 0; i < 4; i++) ring.post(req(i + 1));
    page.write32(page.slot(0, "id"), 77);
    page.complete(0, 0);
    page.write32(page.slot(1, "size"), 4);
    page.complete(1, 0);
    page.write32(page.slot(2, "client"), 3);
    page.complete(2, 0);
    page.write32(page.slot(3, "state"), 9);
    page.complete(5, 0); // nothing was posted in slot 5
    const h = ring.harvest();
    expect(h.done).to.deep.equal([]);
    expect(h.failed.map((r) => r.id)).to.deep.equal([1, 2, 3, 4]);
    expect(h.problems).to.have.length(5);
    expect(h.problems[0]).to.match(/slot 0 .*id is 77, the kernel posted 1/);
    expect(h.problems[1]).to.match(/size is 4/);
    expect(h.problems[2]).to.match(/client is 3/);
    expect(h.problems[3]).to.match(/state 9/);
    expect(h.problems[4]).to.match(/slot 5 is DONE but the kernel posted nothing/);
    expect(ring.inFlight()).to.deep.equal([]);
  });

  it("keeps the value the kernel posted for an OUT, whatever the server writes into data", () => {
    const page = new Page();
    const ring = new IoreqRing(page, 2);
    ring.post(req(1, IoreqDir.OUT));
    page.complete(0, 0xdead);
    expect(ring.harvest().done[0]!.data).to.equal(0x41);
  });

  it("a string run (count > 1) carries an OUT's elements in the slot's data area and takes an IN's back from it", () => {
    const page = new Page();
    const ring = new IoreqRing(page, 2);
    const out = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    ring.post({ ...req(1, IoreqDir.OUT, 2), addr: 0x1f0, count: 3, data: 0, bytes: out });
    ring.post({ ...req(2, IoreqDir.IN, 2), addr: 0x1f0, count: 3 });
    const area = (i: number): number => PV_CONSTANTS.IOREQ_DATA_OFFSET + i * PV_CONSTANTS.IOREQ_DATA_MAX;
    expect([page.read32(area(0)), page.read32(area(0) + 4)]).to.deep.equal([0x04030201, 0x0605]);
    expect(page.read32(page.slot(0, "count"))).to.equal(3);
    page.write32(area(1), 0x44332211);
    page.write32(area(1) + 4, 0x77_66_6655);
    page.complete(0, 0);
    page.complete(1, 0);
    const h = ring.harvest();
    expect(h.problems).to.deep.equal([]);
    expect(h.done[0]!.data).to.equal(0); // an OUT run has no value
    expect([...(h.done[1]!.data as Uint8Array)]).to.deep.equal([0x11, 0x22, 0x33, 0x44, 0x55, 0x66]);
  });

  it("a completion that changes a run's count is bogus", () => {
    const page = new Page();
    const ring = new IoreqRing(page, 2);
    ring.post({ ...req(1, IoreqDir.IN, 2), addr: 0x1f0, count: 256 });
    page.write32(page.slot(0, "count"), 512);
    page.complete(0, 0);
    const h = ring.harvest();
    expect(h.failed.map((r) => r.id)).to.deep.equal([1]);
    expect(h.problems[0]).to.match(/count is 512, the kernel posted 256/);
  });
});
