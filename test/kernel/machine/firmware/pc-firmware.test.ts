import { expect } from "chai";
import { flatWriter, sum8 } from "../../../../kernel/machine/firmware/bytes";
import { writePcFirmware } from "../../../../kernel/machine/firmware/pc-firmware";
import { guestPhys } from "../../../../kernel/mem/types";

const u16 = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);

describe("kernel/machine/firmware/pc-firmware", () => {
  it("writes the BDA and an EBDA holding a valid MP floating pointer", () => {
    const ram = new Uint8Array(0x10_0000);
    const kib = writePcFirmware(flatWriter(ram), { comPorts: [0x3f8], mp: { cpuFeatures: 0x201 } });
    expect(kib).to.equal(639);
    const ebda = u16(ram, 0x40e) << 4;
    expect(ebda).to.equal(0x9_fc00);
    const mp = ram.subarray(ebda + 0x10, ebda + 0x20);
    expect(String.fromCharCode(...mp.subarray(0, 4))).to.equal("_MP_");
    expect(sum8(mp)).to.equal(0);
  });

  it("follows a configured EBDA", () => {
    const ram = new Uint8Array(0x10_0000);
    writePcFirmware(flatWriter(ram), { comPorts: [], ebdaBase: guestPhys(0x9_f000) });
    expect(String.fromCharCode(...ram.subarray(0x9_f010, 0x9_f014))).to.equal("_MP_");
  });
});
