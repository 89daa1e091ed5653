import { expect } from "chai";
import { cmosChecksum, initialNvram } from "../../../kernel/devices/cmos-nvram";

const word = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);

describe("kernel/devices/cmos-nvram", () => {
  it("describes 64 MiB: base, extended and above-16-MiB memory with a valid checksum", () => {
    const b = initialNvram({ ramBytes: 64 * 1024 * 1024 });
    expect(b.length).to.equal(128);
    expect(word(b, 0x15)).to.equal(640);
    expect(word(b, 0x17)).to.equal(63 * 1024);
    expect(word(b, 0x30)).to.equal(63 * 1024);
    expect(word(b, 0x34)).to.equal(48 * 16);
    expect(((b[0x2e] ?? 0) << 8) | (b[0x2f] ?? 0)).to.equal(cmosChecksum(b));
    expect(cmosChecksum(b)).to.not.equal(0);
  });
  it("caps the extended-memory words at 0xFFFF and reports nothing above 16 MiB for small machines", () => {
    const big = initialNvram({ ramBytes: 512 * 1024 * 1024, baseMemoryKiB: 639 });
    expect(word(big, 0x15)).to.equal(639);
    expect(word(big, 0x17)).to.equal(0xffff);
    expect(word(big, 0x34)).to.equal((512 - 16) * 16);
    const small = initialNvram({ ramBytes: 8 * 1024 * 1024 });
    expect(word(small, 0x34)).to.equal(0);
    expect(word(initialNvram({ ramBytes: 512 * 1024 }), 0x17)).to.equal(0);
  });
  it("rejects a nonsensical RAM size", () => {
    expect(() => initialNvram({ ramBytes: -1 })).to.throw(RangeError);
  });
});
