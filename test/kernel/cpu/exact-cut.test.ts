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

/** The blocks of more than one instruction compiled while `f` runs, as [start EIP, instructions] or [start EIP,
 * instructions, kind] ("resumes", "counted"), from the block dump, in EIP order. */
function blocksCompiled(f: () => void): (number | string)[][] {
  const blocks: (number | string)[][] = [];
  const write = (text: string): void => {
    const m = /^block eip=0x([0-9a-f]+) \S+ instructions=(\d+) cycles=\d+( \w+)?\n/.exec(text);
    if (m !== null && Number(m[2]) > 1) blocks.push([parseInt(m[1]!, 16), Number(m[2]), ...(m[3] === undefined ? [] : [m[3].trim()])]);
  };
  setBlockDump({ write, disasm: () => "" });
  try {
    f();
  } finally {
    setBlockDump(null);
  }
  return blocks.sort((a, b) => (a[0] as number) - (b[0] as number) || String(a[2] ?? "").localeCompare(String(b[2] ?? "")));
}

describe("kernel/cpu: resuming where an exact run's end cut a block", () => {
  it("compiles a block to the cut block's start, once for each place: the loop stays in one block", () => {
    const cpu = enterFlatRing0(new Cpu({ memory: flatRing0Memory([0xcf], LOOP), io: NO_PORTS }));
    // Runs of 1000 cycles end 4, 2 and 0 instructions into a pass, in turn: cuts at CODE+4 and CODE+2.
    const whole = blocksCompiled(() => {
      for (let k = 0; k < 6; k++) {
        expect(cpu.run(1000).kind).to.equal("budget");
        expect(cpu.cycles).to.equal(1000 * (k + 1));
      }
    });
    // The loop at CODE (followed back to its start: 6 instructions), the tail's counted block there, then from CODE+2
    // and CODE+4 to the JMP back.
    expect(whole).to.deep.equal([[CODE, 6], [CODE, 6, "counted"], [CODE + 2, 4, "resumes"], [CODE + 4, 2, "resumes"]]);
    expect([cpu.instructions, cpu.eip, cpu.eax, cpu.ebx]).to.deep.equal([6000, CODE, 3000, 2000]);
  });

  it("after the interrupt the cut was for returns there too", () => {
    let raised = 0;
    const src: InterruptSource = { pending: () => cpu.cycles >= 1000 && raised === 0, acknowledge: () => (raised++, 0x20) };
    const cpu: Cpu = enterFlatRing0(new Cpu({ memory: flatRing0Memory(HANDLER_CODE, LOOP), io: NO_PORTS, interrupts: src }));
    cpu.setEflags(0x202);
    const whole = blocksCompiled(() => {
      expect(cpu.run(1000).kind).to.equal("budget");
      expect(cpu.eip).to.equal(CODE + 4); // cut 166 passes and 4 instructions in
      expect(cpu.run(1000).kind).to.equal("budget");
    });
    expect(raised).to.equal(1);
    expect(cpu.ecx).to.equal(2);
    expect(whole).to.deep.equal([[HANDLER, 3], [CODE, 6], [CODE, 6, "counted"], [CODE + 4, 2, "resumes"]]);
  });

  it("takes the whole block already compiled where it resumes", () => {
    const cpu = enterFlatRing0(new Cpu({ memory: flatRing0Memory([0xcf], LOOP), io: NO_PORTS }));
    cpu.eip = CODE + 2;
    cpu.run(600, true); // whole blocks at CODE+2 (to the JMP and round once more) and at CODE, ending at CODE
    expect(cpu.cycles).to.equal(598);
    const whole = blocksCompiled(() => {
      expect(cpu.run(8).kind).to.equal("budget"); // exact: the tail runs its counted block at CODE, cut at CODE+2
      expect(cpu.eip).to.equal(CODE + 2);
      cpu.run(1200);
    });
    expect(whole).to.deep.equal([[CODE, 6, "counted"]]);
    // 1806 instructions from CODE+2: 301 passes of 6, back at CODE+2.
    expect([cpu.cycles, cpu.eip, cpu.eax, cpu.ebx]).to.deep.equal([1806, CODE + 2, 903, 602]);
  });

  it("runs an exact run's tail as a counted block: as far as the budget goes, compiled once for every budget", () => {
    const cpu = enterFlatRing0(new Cpu({ memory: flatRing0Memory([0xcf], LOOP), io: NO_PORTS }));
    const kinds = blocksCompiled(() => {
      // Runs of 1 to 6 cycles from CODE: the tail is all of each run.
      for (let k = 1; k <= 6; k++) {
        cpu.eip = CODE;
        const before = cpu.cycles;
        expect(cpu.run(k).kind).to.equal("budget");
        expect([cpu.cycles - before, cpu.eip]).to.deep.equal([k, k === 6 ? CODE : CODE + k]);
      }
    });
    expect(kinds).to.deep.equal([[CODE, 6, "counted"]]);
    // inc eax three times, then inc ebx twice: runs of 1..6 instructions.
    expect([cpu.instructions, cpu.eax, cpu.ebx]).to.deep.equal([21, 1 + 2 + 3 + 3 + 3 + 3, 1 + 2 + 2]);
  });

  it("runs in a counted block what single steps run, at every budget: REP STOSB, RDTSC, OUT and IN among them", () => {
    // mov edi, 0x20000; mov ecx, 5; xor eax, eax; rep stosb; inc eax; rdtsc; mov ebx, eax; inc eax; out 0x80, al;
    // in al, 0x71; inc eax; jmp $
    const code = [0xbf, 0, 0, 2, 0, 0xb9, 5, 0, 0, 0, 0x31, 0xc0, 0xf3, 0xaa, 0x40, 0x0f, 0x31, 0x89, 0xc3, 0x40, 0xe6, 0x80, 0xe4, 0x71, 0x40, 0xeb, 0xfe];
    const machine = (): Cpu => enterFlatRing0(new Cpu({ memory: flatRing0Memory([0xcf], code), io: { read: (port) => port, write: () => undefined } }));
    const state = (c: Cpu): number[] => [c.cycles, c.instructions, c.eip, c.eax, c.ebx, c.ecx, c.edx, c.edi];
    for (let k = 1; k <= 20; k++) {
      const counted = machine();
      counted.run(k); // one exact run: its tail is counted blocks
      const steps = machine();
      for (let j = 0; j < k; j++) steps.run(1); // one instruction a run
      expect(state(counted), `budget ${k}`).to.deep.equal(state(steps));
    }
  });
});
