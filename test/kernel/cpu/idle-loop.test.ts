// Idle-loop fast-forward (issue 14): a polling loop that changes nothing is charged pass by pass instead of
// run, and every observable (cycles, instruction count, registers, flags, memory) is bit-identical to
// running it, at every budget boundary, with an interrupt arriving mid-loop; loops that change state are
// never skipped.
import { expect } from "chai";
import { DEFAULT_COST_MODEL, type CostModel } from "../../../kernel/cpu/cost-model";
import { Cpu } from "../../../kernel/cpu/cpu";
import type { InterruptSource, PortIo } from "../../../kernel/cpu/io";
import { guestPhys } from "../../../kernel/mem/types";
import type { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { enterFlatRing0, flatRing0Memory } from "../../support/flat-ring0";

const FLAG = 0x5000;

interface Rig {
  readonly cpu: Cpu;
  readonly mem: PhysicalMemory;
  raise(): void;
}

/** A flat ring-0 machine with IF=1: vector 0x20 runs `mov dword [FLAG], 1; iret`. */
function rig(code: number[], idleSkip: boolean, costModel: CostModel): Rig {
  // mov dword [FLAG], 1; iret
  const mem = flatRing0Memory([0xc7, 0x05, ...le32(FLAG), 1, 0, 0, 0, 0xcf], code);
  let raised = 0;
  const src: InterruptSource = {
    pending: () => raised > 0,
    acknowledge: () => {
      raised--;
      return 0x20;
    },
  };
  const io: PortIo = { read: () => 0xff, write: () => undefined };
  const cpu = new Cpu({ memory: mem, io, interrupts: src, idleSkip, costModel });
  enterFlatRing0(cpu);
  cpu.setEflags(cpu.getEflags() | 0x200);
  return { cpu, mem, raise: () => void raised++ };
}

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
}

/** Everything a guest or the kernel could observe after a slice. */
function observe(r: Rig, exit: string): string {
  const c = r.cpu;
  const regs = Array.from(c.r).join(",");
  return `${exit} cyc=${c.cycles} ins=${c.instructions} eip=${c.eip.toString(16)} fl=${c.getEflags().toString(16)} r=${regs} flag=${r.mem.read32(guestPhys(FLAG))} halted=${c.halted}`;
}

/** Runs `slices` budgets (the interrupt is raised before slice `irqAt`), returning one observation each. */
function trace(code: number[], idleSkip: boolean, slices: readonly number[], irqAt: number, cost = DEFAULT_COST_MODEL): { lines: string[]; skipped: number } {
  const r = rig(code, idleSkip, cost);
  const lines: string[] = [];
  slices.forEach((budget, i) => {
    if (i === irqAt) r.raise();
    lines.push(observe(r, r.cpu.run(budget).kind));
  });
  return { lines, skipped: r.cpu.idleSkipped };
}

// Budgets of odd sizes, so windows end in every position of a pass (a pass is 3 instructions).
const SLICES = [5, 1000, 1, 2, 997, 4096, 3, 10001, 10, 11, 12, 13, 14, 15, 16, 17, 18, 7, 500, 499, 50, 123457, 8, 9, 1000];

/** Polls FLAG: `mov ebx, 5; 1: pause; cmp dword [FLAG], 0; je 1b; mov ecx, ebx; hlt`. */
const POLL_PAUSE = [0xbb, 5, 0, 0, 0, 0xf3, 0x90, 0x83, 0x3d, ...le32(FLAG), 0x00, 0x74, 0xf5, 0x89, 0xd9, 0xf4];

describe("kernel/cpu: idle loops are fast-forwarded exactly (issue 14)", () => {
  it("a pause/cmp/je polling loop: identical trace with and without the fast-forward, interrupt mid-loop", () => {
    for (const irqAt of [3, 9, 16, 22]) {
      const on = trace(POLL_PAUSE, true, SLICES, irqAt);
      const off = trace(POLL_PAUSE, false, SLICES, irqAt);
      expect(on.lines).to.deep.equal(off.lines);
      expect(off.skipped).to.equal(0);
      // Recognised: nearly every pass before the interrupt (3 cycles each) was charged, not run.
      const idle = SLICES.slice(0, irqAt).reduce((a, b) => a + b, 0) / 3;
      expect(on.skipped).to.be.within(idle * 0.95, idle);
      expect(on.lines[on.lines.length - 1]).to.match(/halt.* flag=1 halted=true/);
    }
  });

  it("exact with multi-cycle instructions and a delivery cost (budgets end inside an instruction: debt)", () => {
    const cost: CostModel = { ...DEFAULT_COST_MODEL, instruction: 3, interruptDelivery: 7 };
    for (const irqAt of [4, 13]) {
      const on = trace(POLL_PAUSE, true, SLICES, irqAt, cost);
      expect(on.lines).to.deep.equal(trace(POLL_PAUSE, false, SLICES, irqAt, cost).lines);
      expect(on.skipped).to.be.greaterThan(0);
    }
  });

  it("a polling loop whose block goes on into an inner loop: the passes that one charges itself stay charged", () => {
    // mov ebx, 5; 1: pause; cmp dword [FLAG], 0; je 1b; mov ecx, 7; dec edx; 2: dec ecx; jnz 2b; mov edx, ebx; hlt
    // (the DEC before the inner loop gives the decoder the producer it knows at its back edge: an inner loop)
    const code = [0xbb, 5, 0, 0, 0, 0xf3, 0x90, 0x83, 0x3d, ...le32(FLAG), 0x00, 0x74, 0xf5, 0xb9, 7, 0, 0, 0, 0x4a, 0x49, 0x75, 0xfd, 0x89, 0xda, 0xf4];
    for (const irqAt of [3, 16]) {
      const on = trace(code, true, SLICES, irqAt);
      expect(on.lines).to.deep.equal(trace(code, false, SLICES, irqAt).lines);
      expect(on.skipped).to.be.greaterThan(0);
      expect(on.lines[on.lines.length - 1]).to.match(/halt.* flag=1 halted=true/);
    }
  });

  it("a register-based loop (cmp byte [esi+2], 0 / test eax / jmp back) is exact too", () => {
    // mov esi, FLAG-2; 1: cmp byte [esi+2], 0; jne 2f; test eax, eax; jmp 1b; 2: hlt
    const code = [0xbe, ...le32(FLAG - 2), 0x80, 0x7e, 0x02, 0x00, 0x75, 0x04, 0x85, 0xc0, 0xeb, 0xf6, 0xf4];
    const on = trace(code, true, SLICES, 11);
    const off = trace(code, false, SLICES, 11);
    expect(on.lines).to.deep.equal(off.lines);
    const idle = SLICES.slice(0, 11).reduce((a, b) => a + b, 0) / 4;
    expect(on.skipped).to.be.within(idle * 0.95, idle);
  });

  it("a loop polling MMIO (a device register that may change on its own) is not skipped", () => {
    const MMIO = 0xa0000;
    const run = (idleSkip: boolean): { lines: string[]; skipped: number; reads: number } => {
      const r = rig([0x81, 0x3d, ...le32(MMIO), ...le32(50000), 0x75, 0xf4, 0xf4], idleSkip, DEFAULT_COST_MODEL); // 1: cmp dword [MMIO], 50000; jne 1b; hlt
      let reads = 0;
      r.mem.mapMmio(guestPhys(MMIO), 0x1000, { read: () => ++reads, write: () => undefined });
      const lines = SLICES.map((b) => observe(r, r.cpu.run(b).kind));
      return { lines, skipped: r.cpu.idleSkipped, reads };
    };
    const on = run(true);
    const off = run(false);
    expect(on.skipped).to.equal(0);
    expect(on.lines).to.deep.equal(off.lines);
    expect(on.reads).to.equal(50000);
  });

  it("a loop with a counter is not skipped", () => {
    // mov ecx, 100000; 1: pause; cmp dword [FLAG], 0; dec ecx; jnz 1b; hlt
    const code = [0xb9, ...le32(100000), 0xf3, 0x90, 0x83, 0x3d, ...le32(FLAG), 0x00, 0x49, 0x75, 0xf4, 0xf4];
    const on = trace(code, true, SLICES, 99);
    expect(on.skipped).to.equal(0);
    expect(on.lines).to.deep.equal(trace(code, false, SLICES, 99).lines);
  });

  it("a loop with a store, or LOOP (which changes ECX), is not skipped", () => {
    // 1: mov [FLAG+4], eax; cmp dword [FLAG], 0; je 1b; hlt
    const store = [0xa3, ...le32(FLAG + 4), 0x83, 0x3d, ...le32(FLAG), 0x00, 0x74, 0xf2, 0xf4];
    // mov ecx, 100000; 1: cmp dword [FLAG], 0; loop 1b; hlt
    const loop = [0xb9, ...le32(100000), 0x83, 0x3d, ...le32(FLAG), 0x00, 0xe2, 0xf7, 0xf4];
    for (const code of [store, loop]) {
      const on = trace(code, true, SLICES, 99);
      expect(on.skipped).to.equal(0);
      expect(on.lines).to.deep.equal(trace(code, false, SLICES, 99).lines);
    }
  });
});
