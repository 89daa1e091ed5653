// A device behind an MMIO window must see the time of the accessing instruction's own end, whatever block
// the instruction was compiled into (faults.ts MmioSplit). The reference is the same code run one
// instruction per run(), where every instruction is its own block.
import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys } from "../../../kernel/mem/types";
import { d32 } from "./snippets";

const CODE = 0x10000;
const MMIO = 0xf000_0000;

interface Access {
  readonly kind: "read" | "write";
  readonly offset: number;
  readonly cycles: number;
  readonly instructions: number;
}

function machine(code: number[]): { cpu: Cpu; seen: Access[] } {
  const mem = new PhysicalMemory(0x100000);
  mem.writeBytes(guestPhys(CODE), new Uint8Array(code));
  const cpu = new Cpu({ memory: mem, io: NO_PORTS, exceptionsExit: true });
  const seen: Access[] = [];
  let counter = 0;
  mem.mapMmio(guestPhys(MMIO), 0x1000, {
    read: (offset) => {
      seen.push({ kind: "read", offset, cycles: cpu.cycles, instructions: cpu.instructions });
      return ++counter;
    },
    write: (offset) => {
      seen.push({ kind: "write", offset, cycles: cpu.cycles, instructions: cpu.instructions });
    },
  });
  cpu.eip = CODE;
  cpu.esp = 0x80000;
  return { cpu, seen };
}

// mov ecx, 4
// l: add edx, 3 ; mov eax, [MMIO] ; imul eax, eax ; add ebx, eax ; mov [MMIO+4], ebx ; add edx, ebx ;
//    dec ecx ; jnz l ; hlt
const LOOP = [
  0xb9, ...d32(4),
  0x83, 0xc2, 0x03, 0xa1, ...d32(MMIO), 0x0f, 0xaf, 0xc0, 0x01, 0xc3, 0x89, 0x1d, ...d32(MMIO + 4), 0x01, 0xda,
  0x49, 0x75, 0xe8, 0xf4,
];

/** The code run to its HLT in runs of `budget` cycles; the accesses the device saw and the final state. */
function runAll(code: number[], budget: number): { seen: Access[]; cycles: number; regs: number[]; compiled: number } {
  const { cpu, seen } = machine(code);
  for (let guard = 0; !cpu.halted && guard < 100_000; guard++) {
    const exit = cpu.run(budget);
    expect(exit.kind === "budget" || exit.kind === "halt", JSON.stringify(exit)).to.equal(true);
  }
  expect(cpu.halted).to.equal(true);
  return { seen, cycles: cpu.cycles, regs: [...cpu.r], compiled: cpu.compiledBlocks };
}

describe("kernel/cpu: MMIO accesses see their instruction's own time", () => {
  it("a block run gives every access the cycle count of single-stepping, and the same end state", () => {
    const stepped = runAll(LOOP, 1);
    const blocks = runAll(LOOP, 1_000_000);
    expect(stepped.seen.length).to.equal(8);
    expect(blocks.seen).to.deep.equal(stepped.seen);
    expect(blocks.cycles).to.equal(stepped.cycles);
    expect(blocks.regs).to.deep.equal(stepped.regs);
  });

  it("the time does not depend on where the run's blocks begin (a run ending mid-loop, then the rest)", () => {
    const whole = runAll(LOOP, 1_000_000);
    for (const budget of [7, 13, 29]) expect(runAll(LOOP, budget).seen, `budget ${budget}`).to.deep.equal(whole.seen);
  });

  it("an instruction that reached MMIO is compiled alone afterwards: once every block was split, runs compile nothing", () => {
    const { cpu } = machine(LOOP);
    const compiled: number[] = [];
    for (let run = 0; run < 3; run++) {
      cpu.eip = CODE;
      cpu.halted = false;
      cpu.run(1_000_000);
      expect(cpu.halted).to.equal(true);
      compiled.push(cpu.compiledBlocks);
    }
    // The first run leaves the entry block dropped (split before it was run again); the second compiles it
    // once more, ending before the load; after that nothing splits, so nothing is compiled.
    expect(compiled[2]).to.equal(compiled[1]);
  });
});
