// Cpu.run(budget, endAtBlock): a budget that is only a bound (boot's latency slice) ends at the last whole
// block instead of single-stepping into the next one, so no block is cut where no event needs a cut and no
// extra blocks get compiled from the cut; an exact budget (a deadline, a window) still ends on its cycle.
import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { CODE, enterFlatRing0, flatRing0Memory } from "../../support/flat-ring0";

// CODE: inc eax; inc eax; inc eax; inc ebx; inc ebx; jmp CODE (6 instructions, 6 cycles a pass)
const LOOP = [0x40, 0x40, 0x40, 0x43, 0x43, 0xeb, 0xf9];

function loopCpu(): Cpu {
  return enterFlatRing0(new Cpu({ memory: flatRing0Memory([0xcf], LOOP), io: NO_PORTS }));
}

describe("kernel/cpu: a run budget that is only a bound", () => {
  it("ends at the last whole block: fewer cycles than the bound, EIP at a block start, one block compiled", () => {
    const cpu = loopCpu();
    for (let k = 0; k < 5; k++) expect(cpu.run(1000, true).kind).to.equal("budget");
    // 166 passes of 6 cycles fit each bound of 1000: the run stops before the pass that does not fit.
    expect([cpu.cycles, cpu.instructions, cpu.eip, cpu.eax, cpu.ebx]).to.deep.equal([4980, 4980, CODE, 2490, 1660]);
    expect(cpu.cachedBlocks).to.equal(1);
  });

  it("an exact budget still ends on its cycle, single-stepping into the block (and compiling more)", () => {
    const cpu = loopCpu();
    for (let k = 0; k < 5; k++) expect(cpu.run(1000).kind).to.equal("budget");
    expect([cpu.cycles, cpu.instructions]).to.deep.equal([5000, 5000]);
    expect(cpu.cachedBlocks).to.be.greaterThan(1);
  });

  it("runs the same instructions either way: only where the runs end differs", () => {
    const bound = loopCpu();
    while (bound.cycles < 6000) bound.run(Math.min(1000, 6000 - bound.cycles), 6000 - bound.cycles > 1000);
    const exact = loopCpu();
    for (let k = 0; k < 6; k++) exact.run(1000);
    expect([bound.cycles, bound.eip, bound.eax, bound.ebx]).to.deep.equal([exact.cycles, exact.eip, exact.eax, exact.ebx]);
  });

  it("a bound smaller than the first block still makes progress (single steps, as an exact run)", () => {
    const cpu = loopCpu();
    expect(cpu.run(4, true).kind).to.equal("budget");
    expect([cpu.cycles, cpu.eip]).to.deep.equal([4, CODE + 4]);
  });
});
