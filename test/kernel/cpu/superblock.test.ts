// Superblocks through JMP rel and CALL rel (issue 14): a block runs on at the target of a direct jump or call
// within its page (a call still pushes its return address), a
// jump back to its start becomes a loop inside the function, cycles stay those of single-stepping, and a
// write to the jumped-to bytes (even below the block start) still drops the block.
import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys } from "../../../kernel/mem/types";

const GDT = 0x1000, CODE = 0x10000;

function flatCpu(code: readonly (readonly [number, readonly number[]])[]): Cpu {
  const mem = new PhysicalMemory(0x100000);
  const w32 = (a: number, v: number): void => mem.write32(guestPhys(a), v);
  w32(GDT + 8, 0x0000ffff); w32(GDT + 12, 0x00cf9a00);
  w32(GDT + 16, 0x0000ffff); w32(GDT + 20, 0x00cf9200);
  for (const [at, bytes] of code) mem.writeBytes(guestPhys(CODE + at), new Uint8Array(bytes));
  const cpu = new Cpu({ memory: mem, io: NO_PORTS });
  cpu.gdtBase = GDT;
  cpu.gdtLimit = 23;
  cpu.eip = CODE + 0x100;
  cpu.esp = 0x80000;
  return cpu;
}

describe("kernel/cpu: superblocks through JMP rel", () => {
  // 0x100: mov ecx, 5; jmp 0x000 | 0x000: inc eax; dec ecx; jnz 0x000; hlt
  const LOOP: readonly (readonly [number, readonly number[]])[] = [
    [0x100, [0xb9, 5, 0, 0, 0, 0xe9, 0xf6, 0xfe, 0xff, 0xff]],
    [0x000, [0x40, 0x49, 0x75, 0xfc, 0xf4]],
  ];

  it("runs a jump backwards inside one block, with the cycles of single-stepping", () => {
    const a = flatCpu(LOOP);
    expect(a.run(1000).kind).to.equal("halt");
    const b = flatCpu(LOOP);
    for (let i = 0; i < 1000 && !b.halted; i++) b.run(1);
    expect([a.eax, a.ecx, a.eip, a.cycles, a.instructions]).to.deep.equal([5, 0, CODE + 5, 18, 18]);
    expect([b.eax, b.ecx, b.eip, b.cycles, b.instructions]).to.deep.equal([5, 0, CODE + 5, 18, 18]);
    // mov, jmp, inc, dec, jnz (the loop at 0x000 is its own block: the superblock leaves at its JNZ)
    expect(a.cachedBlocks).to.equal(2);
  });

  it("runs through a CALL rel within the page: same stack, registers and cycles as single-stepping", () => {
    // 0x100: mov ecx, 7; call 0x000; mov edx, eax; hlt | 0x000: lea eax, [ecx+1]; ret
    const CALL: readonly (readonly [number, readonly number[]])[] = [
      [0x100, [0xb9, 7, 0, 0, 0, 0xe8, 0xf6, 0xfe, 0xff, 0xff, 0x89, 0xc2, 0xf4]],
      [0x000, [0x8d, 0x41, 0x01, 0xc3]],
    ];
    const a = flatCpu(CALL);
    expect(a.run(1000).kind).to.equal("halt");
    const b = flatCpu(CALL);
    for (let i = 0; i < 1000 && !b.halted; i++) b.run(1);
    const seen = (c: Cpu): number[] => [c.eax, c.edx, c.esp, c.mem.read32(guestPhys(0x80000 - 4)), c.eip, c.cycles, c.instructions];
    expect(seen(a)).to.deep.equal([8, 8, 0x80000, CODE + 0x10a, CODE + 0x10d, 6, 6]);
    expect(seen(b)).to.deep.equal(seen(a));
    // mov, call (run through), lea, ret | mov, hlt
    expect(a.cachedBlocks).to.equal(2);
  });

  it("a CALL run through whose push lands on a code page leaves the block at the call's target", () => {
    // The push overwrites the block's own first instruction (already run): the block is dropped and stops
    // after the CALL, and execution goes on at the target (not at the return address).
    // 0x100: mov esp, CODE+0x104; call 0x000; hlt | 0x000: mov ebx, [esp]; inc eax; hlt
    const cpu = flatCpu([
      [0x100, [0xbc, ...[0x04, 0x01, 0x01, 0x00], 0xe8, 0xf6, 0xfe, 0xff, 0xff, 0xf4]],
      [0x000, [0x8b, 0x1c, 0x24, 0x40, 0xf4]],
    ]);
    expect(cpu.run(1000).kind).to.equal("halt");
    expect([cpu.eax, cpu.ebx, cpu.eip, cpu.esp]).to.deep.equal([1, CODE + 0x10a, CODE + 5, CODE + 0x100]);
    expect(cpu.mem.read32(guestPhys(CODE + 0x100))).to.equal(CODE + 0x10a);
  });

  it("a write to the jumped-to bytes below the block start drops the block", () => {
    // 0x100: mov ecx, 5; jmp 0x000 | 0x000: inc eax; hlt (only the superblock at 0x100 covers 0x000)
    const cpu = flatCpu([[0x100, [0xb9, 5, 0, 0, 0, 0xe9, 0xf6, 0xfe, 0xff, 0xff]], [0x000, [0x40, 0xf4]]]);
    expect(cpu.run(1000).kind).to.equal("halt");
    expect(cpu.cachedBlocks).to.equal(1);
    cpu.mem.write8(guestPhys(CODE), 0x43); // inc eax -> inc ebx, 256 bytes below the superblock's start
    cpu.halted = false;
    cpu.eip = CODE + 0x100;
    expect(cpu.run(1000).kind).to.equal("halt");
    expect([cpu.eax, cpu.ebx]).to.deep.equal([1, 1]);
  });
});
