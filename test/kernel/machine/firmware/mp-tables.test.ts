import { expect } from "chai";
import { buildMpTables, mpPlacementInEbda, writeMpTables } from "../../../../kernel/machine/firmware/mp-tables";
import { flatWriter, sum8 } from "../../../../kernel/machine/firmware/bytes";
import { writeBiosDataAreas } from "../../../../kernel/machine/firmware/bios-data-area";
import { guestPhys } from "../../../../kernel/mem/types";

const u16 = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
const u32 = (b: Uint8Array, at: number): number => (u16(b, at) | (u16(b, at + 2) << 16)) >>> 0;
const text = (b: Uint8Array, at: number, n: number): string => String.fromCharCode(...b.subarray(at, at + n));

interface Entry {
  readonly type: number;
  readonly bytes: Uint8Array;
}

/** Scans memory as Linux does (16-byte steps) and walks the configuration table's entries. */
function parse(memory: Uint8Array, from: number, to: number): { floating: Uint8Array; table: Uint8Array; entries: Entry[] } {
  for (let a = from; a < to; a += 16) {
    if (text(memory, a, 4) !== "_MP_") continue;
    const floating = memory.subarray(a, a + 16);
    const tableAddr = u32(floating, 4);
    const length = u16(memory, tableAddr + 4);
    const table = memory.subarray(tableAddr, tableAddr + length);
    const entries: Entry[] = [];
    let at = 44;
    for (let i = 0; i < u16(table, 34); i++) {
      const type = table[at] ?? 0xff;
      const size = type === 0 ? 20 : 8;
      entries.push({ type, bytes: table.subarray(at, at + size) });
      at += size;
    }
    expect(at).to.equal(length);
    return { floating, table, entries };
  }
  throw new Error("no _MP_ found");
}

describe("kernel/machine/firmware/mp-tables", () => {
  const memory = new Uint8Array(0x10_0000);
  writeMpTables(flatWriter(memory), mpPlacementInEbda(guestPhys(0x9_fc00)));
  const { floating, table, entries } = parse(memory, 0x9_fc00, 0x9_fc00 + 1024);

  it("places a checksummed 1.4 floating pointer in the EBDA's first KiB", () => {
    expect(floating.byteOffset % 16).to.equal(0);
    expect(u32(floating, 4)).to.equal(0x9_fc20);
    expect(floating[8]).to.equal(1);
    expect(floating[9]).to.equal(4);
    expect(sum8(floating)).to.equal(0);
    expect(floating[11]).to.equal(0); // configuration table present
    expect(floating[12]).to.equal(0); // virtual wire mode, no IMCR
  });

  it("writes a checksummed PCMP header with ids and the local APIC address", () => {
    expect(text(table, 0, 4)).to.equal("PCMP");
    expect(table[6]).to.equal(4);
    expect(sum8(table)).to.equal(0);
    expect(text(table, 8, 8)).to.equal("APEXVSR ");
    expect(text(table, 16, 12)).to.equal("FV-PC       ");
    expect(u32(table, 36)).to.equal(0xfee0_0000);
    expect(u16(table, 40)).to.equal(0);
  });

  it("lists entries in type order: processor, bus, I/O APIC, I/O interrupts, local interrupts", () => {
    const types = entries.map((e) => e.type);
    expect(types).to.deep.equal([0, 1, 2, ...new Array<number>(15).fill(3), 4, 4]);
  });

  it("describes the enabled BSP, the ISA bus and the I/O APIC", () => {
    const [cpu, bus, ioapic] = entries.map((e) => e.bytes);
    expect(cpu?.[1]).to.equal(0); // local APIC id
    expect(cpu?.[2]).to.equal(0x14);
    expect(cpu?.[3]).to.equal(0x03); // EN | BP
    expect(bus && text(bus, 2, 6)).to.equal("ISA   ");
    expect(ioapic?.[1]).to.equal(1);
    expect(ioapic?.[2]).to.equal(0x11);
    expect(ioapic?.[3]).to.equal(1);
    expect(ioapic && u32(ioapic, 4)).to.equal(0xfec0_0000);
  });

  it("routes ISA IRQ0 to pin 2 and the other IRQs (no cascade IRQ2) to their own pins", () => {
    const routes = entries.filter((e) => e.type === 3).map((e) => [e.bytes[5], e.bytes[7]]);
    expect(routes[0]).to.deep.equal([0, 2]);
    expect(routes.slice(1)).to.deep.equal([1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15].map((i) => [i, i]));
    for (const e of entries.filter((x) => x.type === 3)) {
      expect(e.bytes[1]).to.equal(0); // INT
      expect(u16(e.bytes, 2)).to.equal(0); // conforms to ISA
      expect(e.bytes[4]).to.equal(0); // bus 0
      expect(e.bytes[6]).to.equal(1); // I/O APIC id
    }
  });

  it("wires ExtINT to LINT0 and NMI to LINT1 of every local APIC", () => {
    const locals = entries.filter((e) => e.type === 4).map((e) => [e.bytes[1], e.bytes[6], e.bytes[7]]);
    expect(locals).to.deep.equal([[3, 0xff, 0], [1, 0xff, 1]]);
  });

  it("takes the configured ids, versions and addresses", () => {
    const t = buildMpTables({
      floatingAddr: guestPhys(0xf_0000), tableAddr: guestPhys(0xf_0010), ioApicId: 4, bspApicId: 2,
      ioApicAddr: guestPhys(0xfec1_0000), cpuSignature: 0x543, cpuFeatures: 0x201,
    });
    expect(t.table[44 + 1]).to.equal(2);
    expect(u32(t.table, 44 + 4)).to.equal(0x543);
    expect(u32(t.table, 44 + 8)).to.equal(0x201);
    expect(t.table[44 + 28 + 1]).to.equal(4);
    expect(u32(t.table, 44 + 28 + 4)).to.equal(0xfec1_0000);
    expect(sum8(t.table)).to.equal(0);
  });

  it("is found the way an OS searches: the EBDA segment at 0x40E, then its first KiB", () => {
    const ram = new Uint8Array(0x10_0000);
    const write = flatWriter(ram);
    writeBiosDataAreas(write, { comPorts: [0x3f8] });
    const ebda = u16(ram, 0x40e) << 4;
    writeMpTables(write, mpPlacementInEbda(guestPhys(ebda)));
    expect(ram[ebda]).to.equal(1); // the EBDA size byte survives
    const found = parse(ram, ebda, ebda + 1024);
    expect(sum8(found.table)).to.equal(0);
    expect(found.table.byteOffset + found.table.length).to.be.at.most(ebda + 1024);
  });

  it("refuses misaligned or overlapping placements", () => {
    expect(() => buildMpTables({ floatingAddr: guestPhys(0x9_fc08), tableAddr: guestPhys(0x9_fd00) })).to.throw(RangeError);
    expect(() => buildMpTables({ floatingAddr: guestPhys(0x9_fc00), tableAddr: guestPhys(0x9_fc08) })).to.throw(RangeError);
    expect(() => buildMpTables({ floatingAddr: guestPhys(0x9_fc00), tableAddr: guestPhys(0x9_fc02) })).to.throw(RangeError);
  });
});
