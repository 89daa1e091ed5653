// Where an exact run ends inside a block (a device deadline), the run's tail single-steps into the block and the
// steps after the cut run the rest of it the same way, back to a block start: no whole block is compiled at the
// cut, which would copy the cut block (its loop rotated to start there) once for every place a cut lands.
import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { setBlockDump } from "../../../kernel/cpu/decoder/block-dump";
import { NO_PORTS, type InterruptSource } from "../../../kernel/cpu/io";
import { CODE, HANDLER, enterFlatRing0, flatRing0Memory } from "../../support/flat-ring0";

// CODE: inc eax; inc eax; inc eax; inc ebx; inc ebx; jmp CODE (6 instructions, 6 cycles a pass)
const LOOP = [0x40, 0x40, 0x40, 0x43, 0x43, 0xeb, 0xf9];
// HANDLER (vector 0x20): inc ecx; inc ecx; iret
const HANDLER_CODE = [0x41, 0x41, 0xcf];
/** Block runs in 600 cycles from CODE+2 through the whole block there (its loop goes round inside each call); 7 when
 * CODE+2..CODE+5 go in single steps first. */
const RESUMED_RUNS = 4;

/** The start EIPs of the whole blocks (more than one instruction) compiled while `f` runs, from the block dump. */
function wholeBlocksCompiled(f: () => void): number[] {
  const starts: number[] = [];
  const write = (text: string): void => {
    const m = /^block eip=0x([0-9a-f]+) \S+ instructions=(\d+)/.exec(text);
    if (m !== null && Number(m[2]) > 1) starts.push(parseInt(m[1]!, 16));
  };
  setBlockDump({ write, disasm: () => "" });
  try {
    f();
  } finally {
    setBlockDump(null);
  }
  return starts.sort((a, b) => a - b);
}

describe("kernel/cpu: the steps after an exact run's end cut a block", () => {
  it("run the rest of the block as single steps: the loop stays one block, and every run ends on its cycle", () => {
    const cpu = enterFlatRing0(new Cpu({ memory: flatRing0Memory([0xcf], LOOP), io: NO_PORTS }));
    // Runs of 1000 cycles end 4, 2 and 0 instructions into a pass, in turn: cuts at CODE+4 and CODE+2.
    const whole = wholeBlocksCompiled(() => {
      for (let k = 0; k < 6; k++) {
        expect(cpu.run(1000).kind).to.equal("budget");
        expect(cpu.cycles).to.equal(1000 * (k + 1));
      }
    });
    expect(whole).to.deep.equal([CODE]);
    expect([cpu.instructions, cpu.eip, cpu.eax, cpu.ebx]).to.deep.equal([6000, CODE, 3000, 2000]);
  });

  it("after the interrupt the cut was for returns to it too", () => {
    let raised = 0;
    const src: InterruptSource = { pending: () => cpu.cycles >= 1000 && raised === 0, acknowledge: () => (raised++, 0x20) };
    const cpu: Cpu = enterFlatRing0(new Cpu({ memory: flatRing0Memory(HANDLER_CODE, LOOP), io: NO_PORTS, interrupts: src }));
    cpu.setEflags(0x202);
    const whole = wholeBlocksCompiled(() => {
      expect(cpu.run(1000).kind).to.equal("budget");
      expect(cpu.eip).to.equal(CODE + 4); // cut 166 passes and 4 instructions in
      expect(cpu.run(1000).kind).to.equal("budget");
    });
    expect(raised).to.equal(1);
    expect(cpu.ecx).to.equal(2);
    expect(whole).to.deep.equal([HANDLER, CODE]);
  });

  it("take a whole block that starts where they resume", () => {
    const cpu = enterFlatRing0(new Cpu({ memory: flatRing0Memory([0xcf], LOOP), io: NO_PORTS }));
    cpu.eip = CODE + 2;
    cpu.run(600, true); // a whole block at CODE+2 (the loop from there), ending at a block start
    cpu.eip = CODE;
    cpu.run(600, true); // the whole block at CODE
    expect(cpu.run(8).kind).to.equal("budget"); // exact: single steps from CODE, cut at CODE+2
    expect(cpu.eip).to.equal(CODE + 2);
    const runs = cpu.blockRuns;
    cpu.run(600);
    expect(cpu.blockRuns - runs).to.equal(RESUMED_RUNS);
  });
});
