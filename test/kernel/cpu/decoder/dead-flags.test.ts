// INC/DEC and ROL/ROR by a constant whose flags no one can see (block-builder flagsDead): a later instruction
// overwrites every status flag without reading any and cannot fault, the ones in between touch no flag and
// cannot fault, and nothing leaves the block in between. Such an instruction runs its flag-free code (no call
// reading CF through the CPU, no rotate helper); in every other case it keeps the full code.
import { expect } from "chai";
import { DEFAULT_COST_MODEL } from "../../../../kernel/cpu/cost-model";
import { compileBlock, decodeRun } from "../../../../kernel/cpu/decoder/block-builder";
import { flat32Mode } from "../../../../kernel/cpu/seg-mode";
import { runInSlices } from "../../../support/slices";

/** The generated source of `code` as one block (a HLT after it ends the block). */
function source(code: readonly number[]): string {
  const bytes = [...code, 0xf4];
  return compileBlock(decodeRun((off) => bytes[off] ?? -1, 0x1000, flat32Mode(0), 48, DEFAULT_COST_MODEL)).source;
}

const INC_EAX = 0x40;
const ADD_EBX_2 = [0x83, 0xc3, 0x02];

describe("kernel/cpu/decoder: INC/DEC and constant rotates with dead flags", () => {
  it("computes no flags when the next instruction overwrites them all and cannot fault", () => {
    const src = source([INC_EAX, ...ADD_EBX_2]);
    expect(src).to.not.include("getCF");
    expect(src).to.include("const v=(r[0] + 1)|0;r[0]=v;");
  });

  it("keeps the flags when the next instruction reads them through the locals (INC after INC)", () => {
    // The second INC takes CF from the first one's locals.
    expect(source([INC_EAX, 0x43, ...ADD_EBX_2])).to.include("s.getCF()");
  });

  it("keeps the flags when the next instruction may fault (the exception frame holds them)", () => {
    // inc eax; add ebx, [ecx]
    expect(source([INC_EAX, 0x03, 0x19])).to.include("s.getCF()");
  });

  it("keeps the flags before a branch and at the end of a block", () => {
    expect(source([INC_EAX, 0x74, 0x00])).to.include("s.getCF()"); // inc eax; jz +0
    expect(source([INC_EAX])).to.include("s.getCF()"); // inc eax; hlt
  });

  it("keeps the flags of INC to memory (a store that may end the block right after it)", () => {
    // inc dword [ecx]; add ebx, 2
    expect(source([0xff, 0x01, ...ADD_EBX_2])).to.include("s.getCF()");
  });

  it("looks past instructions that touch no flag and cannot fault, but not past a load", () => {
    // inc eax; mov ecx, edx; add ebx, 2
    expect(source([INC_EAX, 0x89, 0xd1, ...ADD_EBX_2])).to.not.include("getCF");
    // inc eax; mov ecx, [edx]; add ebx, 2
    expect(source([INC_EAX, 0x8b, 0x0a, ...ADD_EBX_2])).to.include("s.getCF()");
  });

  it("rotates a register by a constant without the helper when CF and OF are dead, and with it when read", () => {
    // rol ebp, 1; movzx ecx, cl; and esi, ecx (bench-list's fold)
    const dead = source([0xd1, 0xc5, 0x0f, 0xb6, 0xc9, 0x21, 0xce]);
    expect(dead).to.not.include("grp2");
    expect(dead).to.include("r[5]=(a << 1)|(a >>> 31);");
    expect(source([0xd1, 0xc5, 0x72, 0x00])).to.include("s.grp2("); // rol ebp, 1; jc +0
    expect(source([0xd1, 0xc5])).to.include("s.grp2("); // rol ebp, 1; hlt
  });

  it("a flag-free rotate leaves the registers single steps leave (8-bit high, 16-bit, count a multiple of the size)", () => {
    const add = ADD_EBX_2;
    const code = [
      0xb8, 0x67, 0x45, 0x23, 0x81, 0xb9, 0xef, 0xbe, 0xad, 0xde, // mov eax, 0x81234567; mov ecx, 0xdeadbeef
      0xc1, 0xc0, 0x05, ...add, // rol eax, 5
      0xc0, 0xcc, 0x03, ...add, // ror ah, 3
      0x66, 0xc1, 0xc1, 0x14, ...add, // rol cx, 20
      0xc0, 0xc0, 0x08, ...add, // rol al, 8
      0xd1, 0xc9, ...add, // ror ecx, 1
      0xc0, 0xc3, 0x07, ...add, // rol bl, 7
      0xe6, 0x80, 0xf4, // out 0x80, al; hlt
    ];
    expect(source(code.slice(0, -3)).split("grp2").length).to.equal(2); // only ROL AL, 8 (a count of the size) keeps it
    const whole = runInSlices(code, 100_000).state;
    expect(whole).to.deep.equal(runInSlices(code, 1).state);
    expect(whole[0]! >>> 0).to.not.equal(0x81234567);
  });
});
