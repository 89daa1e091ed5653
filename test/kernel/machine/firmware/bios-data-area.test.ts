import { expect } from "chai";
import { buildBiosDataAreas, writeBiosDataAreas } from "../../../../kernel/machine/firmware/bios-data-area";
import { flatWriter } from "../../../../kernel/machine/firmware/bytes";
import { guestPhys } from "../../../../kernel/mem/types";

const u16 = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);

describe("kernel/machine/firmware/bios-data-area", () => {
  it("writes COM1, the EBDA segment, the equipment word and 639 KiB of base memory", () => {
    const memory = new Uint8Array(0x10_0000);
    const kib = writeBiosDataAreas(flatWriter(memory), { comPorts: [0x3f8, 0x2f8] });
    expect(kib).to.equal(639);
    expect(u16(memory, 0x400)).to.equal(0x3f8);
    expect(u16(memory, 0x402)).to.equal(0x2f8);
    expect(u16(memory, 0x404)).to.equal(0);
    expect(u16(memory, 0x40e)).to.equal(0x9fc0);
    expect(u16(memory, 0x413)).to.equal(639);
    const equipment = u16(memory, 0x410);
    expect((equipment >> 9) & 7).to.equal(2); // serial ports
    expect((equipment >> 4) & 3).to.equal(2); // 80x25 colour
    expect(equipment & 2).to.equal(0); // no FPU unless configured
    expect(memory[0x9_fc00]).to.equal(1); // EBDA size in KiB
  });

  it("describes text mode 3 on the colour CRTC", () => {
    const { bda } = buildBiosDataAreas({ comPorts: [0x3f8], fpu: true });
    expect(bda.addr).to.equal(0x400);
    expect(bda.bytes[0x49]).to.equal(3);
    expect(u16(bda.bytes, 0x4a)).to.equal(80);
    expect(u16(bda.bytes, 0x63)).to.equal(0x3d4);
    expect(bda.bytes[0x84]).to.equal(24);
    expect(u16(bda.bytes, 0x10) & 2).to.equal(2);
  });

  it("follows a configured EBDA and parallel ports", () => {
    const areas = buildBiosDataAreas({ comPorts: [], lptPorts: [0x378], ebdaBase: guestPhys(0x9_f000) });
    expect(areas.baseMemoryKiB).to.equal(636);
    expect(u16(areas.bda.bytes, 0x08)).to.equal(0x378);
    expect(u16(areas.bda.bytes, 0x0e)).to.equal(0x9f00);
    expect(u16(areas.bda.bytes, 0x10) >> 14).to.equal(1);
  });

  it("refuses impossible layouts", () => {
    expect(() => buildBiosDataAreas({ comPorts: [1, 2, 3, 4, 5] })).to.throw(RangeError);
    expect(() => buildBiosDataAreas({ comPorts: [], ebdaBase: guestPhys(0x9_fe00) })).to.throw(RangeError);
    expect(() => buildBiosDataAreas({ comPorts: [], ebdaBase: guestPhys(0xa_0000) })).to.throw(RangeError);
  });
});
