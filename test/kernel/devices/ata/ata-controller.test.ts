import { expect } from "chai";
import { AtaController } from "../../../../kernel/devices/ata/ata-controller";
import { BlockStore } from "../../../../kernel/disk/block-store";
import { ATA_SPEC_TABLE, patternDisk, patternSector, runAtaCase, type AtaPorts } from "../../../support/ata-spec-table";
import { ManualClock, RecordingIrq, roundTrip } from "../collaborators";

/** The in-kernel controller behind the table's port interface. */
function harness(): { ports: AtaPorts; ata: AtaController; clock: ManualClock; irq: RecordingIrq } {
  const clock = new ManualClock();
  const irq = new RecordingIrq();
  const ata = new AtaController(irq, clock.timers, new BlockStore(patternDisk(), undefined));
  const offset = (port: number): number => (port === 0x3f6 ? 8 : port - 0x1f0);
  const ports: AtaPorts = {
    in: (port, size) => ata.read(offset(port), size),
    out: (port, size, value) => ata.write(offset(port), size, value),
    settle: () => {
      for (let d = clock.timers.nextDeadline(); d !== null; d = clock.timers.nextDeadline()) clock.advanceTo(d);
    },
    irq: () => irq.level,
    sector: (lba) => ata.disk.contents().subarray(lba * 512, lba * 512 + 512),
  };
  return { ports, ata, clock, irq };
}

describe("devices/ata/ata-controller (ATA/ATAPI-6 register level)", () => {
  for (const c of ATA_SPEC_TABLE) {
    it(c.name, () => {
      expect(runAtaCase(c, harness().ports)).to.deep.equal([]);
    });
  }

  it("a read takes the documented busy time: command 1 us + 2 us per sector before DRQ", () => {
    const { ports, clock } = harness();
    for (const [p, v] of [[0x1f6, 0xe0], [0x1f2, 1], [0x1f3, 0], [0x1f7, 0x20]] as const) ports.out(p, 1, v);
    clock.advanceTo(2_999n);
    expect(ports.in(0x3f6, 1)).to.equal(0x80);
    clock.advanceTo(3_000n);
    expect(ports.in(0x3f6, 1)).to.equal(0x58);
  });

  it("save -> JSON -> restore in the middle of a multi-sector write carries the buffer, the timer and the unflushed sectors", () => {
    const a = harness();
    for (const [p, v] of [[0x1f6, 0xe0], [0x1f2, 3], [0x1f3, 50], [0x1f7, 0x30]] as const) a.ports.out(p, 1, v);
    a.ports.settle();
    const s50 = patternSector(50, 5);
    const s51 = patternSector(51, 5);
    for (let w = 0; w < 256; w++) a.ports.out(0x1f0, 2, s50[2 * w]! | (s50[2 * w + 1]! << 8));
    a.ports.settle();
    for (let w = 0; w < 100; w++) a.ports.out(0x1f0, 2, s51[2 * w]! | (s51[2 * w + 1]! << 8));
    const b = harness();
    b.clock.set(a.clock.now);
    const saved = roundTrip(a.ata, b.ata);
    expect(saved.phase).to.equal("dataOut");
    expect(saved.bufferPos).to.equal(200);
    expect(saved.written.map((w) => w.lba)).to.deep.equal([50]);
    for (const h of [a, b]) {
      for (let w = 100; w < 256; w++) h.ports.out(0x1f0, 2, s51[2 * w]! | (s51[2 * w + 1]! << 8));
      expect(h.ports.in(0x3f6, 1)).to.equal(0x80);
      h.ports.settle();
      expect(h.irq.level).to.equal(true);
    }
    expect(b.ata.disk.contents()).to.deep.equal(a.ata.disk.contents());
    expect(b.ports.sector(51)).to.deep.equal(s51);
  });

  it("a pending busy timer is re-armed on restore as an offset from the new now", () => {
    const a = harness();
    a.ports.out(0x1f7, 1, 0xec);
    a.clock.advanceTo(400n);
    const b = harness();
    b.clock.set(10_000n);
    const saved = roundTrip(a.ata, b.ata);
    expect(saved.busyDueInNs).to.equal("600");
    b.clock.advanceTo(10_599n);
    expect(b.ports.in(0x3f6, 1)).to.equal(0x80);
    b.clock.advanceTo(10_600n);
    expect(b.ports.in(0x3f6, 1)).to.equal(0x58);
  });

  it("parseState refuses bad fields and never changes the device", () => {
    const { ata } = harness();
    const good = ata.saveState();
    const before = JSON.stringify(good);
    for (const bad of [
      { ...good, phase: "spinning" },
      { ...good, multipleCount: 3 },
      { ...good, buffer: "abc" },
      { ...good, bufferPos: 2 },
      { ...good, action: "identify", busyDueInNs: null },
      { ...good, written: [{ lba: 300, data: "00".repeat(512) }] },
      { ...good, written: [{ lba: 3, data: "00".repeat(512) }, { lba: 2, data: "00".repeat(512) }] },
    ]) {
      expect(ata.parseState(bad).ok, JSON.stringify(bad).slice(0, 80)).to.equal(false);
    }
    expect(JSON.stringify(ata.saveState())).to.equal(before);
  });
});
