// INC/DEC whose flags no one can see (block-builder flagsDead): the next instruction overwrites every status
// flag without reading any, cannot fault, and nothing leaves the block in between. Such an INC runs its
// flag-free code (no call reading CF through the CPU); in every other case it keeps the full code.
import { expect } from "chai";
import { DEFAULT_COST_MODEL } from "../../../../kernel/cpu/cost-model";
import { compileBlock, decodeRun } from "../../../../kernel/cpu/decoder/block-builder";
import { flat32Mode } from "../../../../kernel/cpu/seg-mode";

/** The generated source of `code` as one block (a HLT after it ends the block). */
function source(code: readonly number[]): string {
  const bytes = [...code, 0xf4];
  return compileBlock(decodeRun((off) => bytes[off] ?? -1, 0x1000, flat32Mode(0), 48, DEFAULT_COST_MODEL)).source;
}

const INC_EAX = 0x40;
const ADD_EBX_2 = [0x83, 0xc3, 0x02];

describe("kernel/cpu/decoder: INC/DEC with dead flags", () => {
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
});
