import { expect } from "chai";
import { ByteLayout, flatWriter, sum8 } from "../../../../kernel/machine/firmware/bytes";
import { guestPhys } from "../../../../kernel/mem/types";

describe("kernel/machine/firmware/bytes", () => {
  it("lays out little-endian fields, padded ASCII and a zero-sum checksum", () => {
    const l = new ByteLayout(12).u8(0, 0x1ff).u16(1, 0xbeef).u32(3, 0x1234_5678).ascii(7, "AB", 4).checksum(11);
    expect(Array.from(l.bytes.subarray(0, 11))).to.deep.equal([0xff, 0xef, 0xbe, 0x78, 0x56, 0x34, 0x12, 0x41, 0x42, 0x20, 0x20]);
    expect(sum8(l.bytes)).to.equal(0);
    expect(() => new ByteLayout(4).ascii(0, "é", 4)).to.throw(RangeError);
  });
  it("writes into a flat memory image and refuses to run past it", () => {
    const memory = new Uint8Array(16);
    const write = flatWriter(memory);
    write(guestPhys(14), new Uint8Array([1, 2]));
    expect(memory[15]).to.equal(2);
    expect(() => write(guestPhys(15), new Uint8Array([1, 2]))).to.throw(RangeError);
  });
});
