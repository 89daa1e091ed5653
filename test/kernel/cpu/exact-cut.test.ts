// Where an exact run ends inside a block (a device deadline), the run's tail single-steps into the block. The run
// that resumes there (or the interrupt the deadline was for, when it returns) compiles a block whose paths end at the
// cut block's start, and goes on there: not a whole block of its own, which would copy the cut block (its loop rotated
// to start at the cut) once for every place a cut lands, each copy cold in V8.
import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { setBlockDump } from "../../../kernel/cpu/decoder/block-dump";
import { NO_PORTS, type InterruptSource } from "../../../kernel/cpu/io";
import { CODE, HANDLER, enterFlatRing0, flatRing0Memory } from "../../support/flat-ring0";

// CODE: inc eax; inc eax; inc eax; inc ebx; inc ebx; jmp CODE (6 instructions, 6 cycles a pass)
const LOOP = [0x40, 0x40, 0x40, 0x43, 0x43, 0xeb, 0xf9];
// HANDLER (vector 0x20): inc ecx; inc ecx; iret
const HANDLER_CODE = [0x41, 0x41, 0xcf];

/** The whole blocks (more than one instruction) compiled while `f` runs, as [start EIP, instructions], from the block
 * dump, in EIP order. */
function wholeBlocksCompiled(f: () => void): [number, number][] {
  const blocks: [number, number][] = [];
  const write = (text: string): void => {
    const m = /^block eip=0x([0-9a-f]+) \S+ instructions=(\d+)/.exec(text);
    if (m !== null && Number(m[2]) > 1) blocks.push([parseInt(m[1]!, 16), Number(m[2])]);
  };
  setBlockDump({ write, disasm: () => "" });
  try {
    f();
  } finally {
    setBlockDump(null);
  }
  return blocks.sort((a, b) => a[0] - b[0]);
}

describe("kernel/cpu: resuming where an exact run's end cut a block", () => {
  it("compiles a block to the cut block's start, once for each place: the loop stays in one block", () => {
    const cpu = enterFlatRing0(new Cpu({ memory: flatRing0Memory([0xcf], LOOP), io: NO_PORTS }));
    // Runs of 1000 cycles end 4, 2 and 0 instructions into a pass, in turn: cuts at CODE+4 and CODE+2.
    const whole = wholeBlocksCompiled(() => {
      for (let k = 0; k < 6; k++) {
        expect(cpu.run(1000).kind).to.equal("budget");
        expect(cpu.cycles).to.equal(1000 * (k + 1));
      }
    });
    // The loop at CODE (followed back to its start: 6 instructions), then from CODE+2 and CODE+4 to the JMP back.
    expect(whole).to.deep.equal([[CODE, 6], [CODE + 2, 4], [CODE + 4, 2]]);
    expect([cpu.instructions, cpu.eip, cpu.eax, cpu.ebx]).to.deep.equal([6000, CODE, 3000, 2000]);
  });

  it("after the interrupt the cut was for returns there too", () => {
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
    expect(whole).to.deep.equal([[HANDLER, 3], [CODE, 6], [CODE + 4, 2]]);
  });

  it("takes the whole block already compiled where it resumes", () => {
    const cpu = enterFlatRing0(new Cpu({ memory: flatRing0Memory([0xcf], LOOP), io: NO_PORTS }));
    cpu.eip = CODE + 2;
    cpu.run(600, true); // whole blocks at CODE+2 (to the JMP and round once more) and at CODE, ending at CODE
    const whole = wholeBlocksCompiled(() => {
      expect(cpu.run(8).kind).to.equal("budget"); // exact: single steps from CODE, cut at CODE+2
      expect(cpu.eip).to.equal(CODE + 2);
      cpu.run(1200); // 598 + 8 + 1200 cycles in all
    });
    expect(whole).to.deep.equal([]);
    // 1806 instructions from CODE+2: 301 passes of 6, back at CODE+2.
    expect([cpu.cycles, cpu.eip, cpu.eax, cpu.ebx]).to.deep.equal([1806, CODE + 2, 903, 602]);
  });
});
