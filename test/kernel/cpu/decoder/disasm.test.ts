// The disassembler's byte reading (the decoder's own reader, context.ts): where an instruction ends, signed
// and unsigned immediates and displacements, and input that ends early or runs past the 15-byte limit.
import { expect } from "chai";
import { decodeInstruction } from "../../../../kernel/cpu/decoder/disasm";

describe("kernel/cpu/decoder/disasm: bytes read through the decoder's reader", () => {
  it("renders SIB, signed displacements and 32-bit immediates as objdump does", () => {
    expect(decodeInstruction([0x8b, 0x44, 0x8b, 0x10], 0)).to.deep.include({ len: 4, text: "mov eax,DWORD PTR [ebx+ecx*4+0x10]" });
    expect(decodeInstruction([0x8b, 0x80, 0xf0, 0xff, 0xff, 0xff], 0)).to.deep.include({ len: 6, text: "mov eax,DWORD PTR [eax-0x10]" });
    expect(decodeInstruction([0xb8, 0xff, 0xff, 0xff, 0xff], 0)).to.deep.include({ len: 5, text: "mov eax,0xffffffff" });
    expect(decodeInstruction([0xe8, 0xfb, 0xff, 0xff, 0xff], 0x1000)).to.deep.include({ len: 5, text: "call 0x1000" });
  });

  it("says (truncated) when the bytes end inside an instruction or pass 15 bytes, with the bytes it read", () => {
    expect(decodeInstruction([0x8b, 0x80, 0xf0], 0)).to.deep.include({ len: 3, text: "(truncated)", entry: null });
    const prefixes = new Array<number>(16).fill(0x66);
    expect(decodeInstruction(prefixes, 0)).to.deep.include({ len: 15, text: "(truncated)" });
  });
});
