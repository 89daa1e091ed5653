import { expect } from "chai";
import { DEFAULT_COST_MODEL } from "../../../../kernel/cpu/cost-model";
import { compileBlock, decodeRun } from "../../../../kernel/cpu/decoder/block-builder";
import { EndOfBytes } from "../../../../kernel/cpu/decoder/insn";

function fetchOf(code: readonly number[]): (off: number) => number {
  return (off) => {
    const b = code[off];
    if (b === undefined) throw new EndOfBytes();
    return b;
  };
}

describe("kernel/cpu/decoder/block-builder", () => {
  // inc eax; add ebx,2; jmp back to the start
  const loop = [0x40, 0x83, 0xc3, 0x02, 0xeb, 0xfa];
  const segFlat = 0x3f;

  it("identical blocks share one compiled function; other code or another address does not", () => {
    const a = compileBlock(decodeRun(fetchOf(loop), 0x1000, segFlat, 48, DEFAULT_COST_MODEL));
    const b = compileBlock(decodeRun(fetchOf(loop), 0x1000, segFlat, 48, DEFAULT_COST_MODEL));
    expect(b.fn).to.equal(a.fn);
    const moved = compileBlock(decodeRun(fetchOf(loop), 0x2000, segFlat, 48, DEFAULT_COST_MODEL));
    expect(moved.fn).to.not.equal(a.fn);
    const other = compileBlock(decodeRun(fetchOf([0x48, ...loop.slice(1)]), 0x1000, segFlat, 48, DEFAULT_COST_MODEL));
    expect(other.fn).to.not.equal(a.fn);
  });
});
