// IN/OUT, STI and POPF inside a compiled block: they end it only when they must (issue 14), and what a
// device or the interrupt logic sees is what single-stepping would show: the exact cycle count at the
// access, an interrupt raised by an OUT taken right after it, STI's shadow, POPF unmasking at once.
import { expect } from "chai";
import { DEFAULT_COST_MODEL } from "../../../kernel/cpu/cost-model";
import { Cpu } from "../../../kernel/cpu/cpu";
import { decodeRun } from "../../../kernel/cpu/decoder/block-builder";
import { EndOfBytes } from "../../../kernel/cpu/decoder/insn";
import { SegMode } from "../../../kernel/cpu/seg-mode";
import type { InterruptSource, PortIo } from "../../../kernel/cpu/io";
import { CODE, enterFlatRing0, flatRing0Memory } from "../../support/flat-ring0";


interface Rig {
  readonly cpu: Cpu;
  /** cpu.cycles seen by each port access, in order. */
  readonly seen: number[];
  /** Interrupts requested and not yet acknowledged. */
  raised: number;
}

/** A flat ring-0 machine: vector 0x20 runs `mov ecx, eax; iret` (so ECX records EAX at delivery);
 * port 0x80 records the cycle count; an OUT to port 0x81 raises the interrupt line. */
function rig(code: number[]): Rig {
  // mov ecx, eax; iret
  const mem = flatRing0Memory([0x89, 0xc1, 0xcf], code);
  const seen: number[] = [];
  const state = { raised: 0 };
  const src: InterruptSource = {
    pending: () => state.raised > 0,
    acknowledge: () => {
      state.raised--;
      return 0x20;
    },
  };
  let cpu: Cpu | undefined = undefined;
  const io: PortIo = {
    read: () => {
      seen.push(cpu!.cycles);
      return 0x5a;
    },
    write: (port) => {
      seen.push(cpu!.cycles);
      if (port === 0x81) state.raised++;
    },
  };
  cpu = new Cpu({ memory: mem, io, interrupts: src });
  enterFlatRing0(cpu);
  const r: Rig = {
    cpu,
    seen,
    get raised() { return state.raised; },
    set raised(v: number) { state.raised = v; },
  };
  return r;
}

/** Runs one cycle at a time (single-instruction steps): the reference for what a block must show. */
function stepwise(r: Rig, limit: number): void {
  for (let i = 0; i < limit && !r.cpu.halted; i++) r.cpu.run(1);
}

const INC_EAX = 0x40, NOP = 0x90, HLT = 0xf4;

describe("kernel/cpu: IN/OUT, STI and POPF do not end a block unless they must", () => {
  it("the decoder runs on past IN, OUT, STI, CLI, PUSHF and POPF", () => {
    // in al, 0x80; out 0x80, al; in al, dx; out dx, al; sti; cli; pushfd; popfd; inc eax; hlt
    const code = [0xe4, 0x80, 0xe6, 0x80, 0xec, 0xee, 0xfb, 0xfa, 0x9c, 0x9d, INC_EAX, HLT];
    const fetch = (off: number): number => {
      const b = code[off];
      if (b === undefined) throw new EndOfBytes();
      return b;
    };
    const flat = 0x3f | SegMode.Code32 | SegMode.Stack32; // every segment flat, 32-bit code and stack, CPL 0
    const insns = decodeRun(fetch, CODE, flat, 48, DEFAULT_COST_MODEL);
    expect(insns.map((x) => x.eip - CODE)).to.deep.equal([0, 2, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it("IN and OUT mid-block: one block, and each device access sees the exact cycle count", () => {
    // nop; nop; out 0x80, al; inc eax; in al, 0x80; inc eax; inc eax; out 0x80, al; hlt
    const code = [NOP, NOP, 0xe6, 0x80, INC_EAX, 0xe4, 0x80, INC_EAX, INC_EAX, 0xe6, 0x80, HLT];
    const a = rig(code);
    expect(a.cpu.run(1000).kind).to.equal("halt");
    const b = rig(code);
    stepwise(b, 1000);
    expect(a.seen).to.deep.equal(b.seen);
    expect(a.seen).to.deep.equal([3, 5, 8]); // the access happens with its own cycle charged
    expect(a.cpu.cycles).to.equal(b.cpu.cycles);
    expect(a.cpu.eax).to.equal(0x5a + 2);
    expect(a.cpu.cachedBlocks).to.equal(1); // the whole run, HLT included, is one block
  });

  it("an interrupt an OUT raises is taken right after the OUT, not at the block end", () => {
    // sti; nop; out 0x81, al (raises); inc eax; inc eax; hlt
    const a = rig([0xfb, NOP, 0xe6, 0x81, INC_EAX, INC_EAX, HLT]);
    expect(a.cpu.run(1000).kind).to.equal("halt");
    expect(a.cpu.ecx).to.equal(0); // EAX was still 0 when the handler ran
    expect(a.cpu.eax).to.equal(2);
  });

  it("STI that sets IF keeps its one-instruction shadow", () => {
    const b = rig([0xfb, INC_EAX, INC_EAX, HLT]); // pending before STI: taken after the first INC only
    b.raised = 1;
    expect(b.cpu.run(1000).kind).to.equal("halt");
    expect([b.cpu.ecx, b.cpu.eax]).to.deep.equal([1, 2]);
  });

  it("MOV SS keeps its one-instruction shadow: the instruction after it runs alone, not in a chained block", () => {
    // sti; nop; mov edx, 0x10; mov ss, dx; inc eax; inc eax; hlt. The interrupt becomes pending one cycle after
    // MOV SS ends: taken after the INC in the shadow, as single steps take it, not after the next whole block.
    const code = [0xfb, NOP, 0xba, 0x10, 0x00, 0x00, 0x00, 0x8e, 0xd2, INC_EAX, INC_EAX, HLT];
    const at = 5; // cycles once the INC after MOV SS has run
    for (const stepped of [false, true]) {
      const r = rig(code);
      const src: InterruptSource = { pending: () => r.cpu.cycles >= at && r.raised === 0, acknowledge: () => (r.raised++, 0x20) };
      (r.cpu as unknown as { intr: InterruptSource }).intr = src;
      if (stepped) stepwise(r, 1000);
      else expect(r.cpu.run(1000).kind, "blocks").to.equal("halt");
      expect([r.cpu.ecx, r.cpu.eax], stepped ? "single steps" : "blocks").to.deep.equal([1, 2]);
    }
  });

  it("POPF that unmasks a pending interrupt ends the block; POPF that leaves IF alone does not", () => {
    // pushfd; pop edx (IF=0 image); pushfd; or dword [esp], 0x200; inc eax; popfd (IF=1); inc eax; hlt
    const code = [0x9c, 0x5a, 0x9c, 0x81, 0x0c, 0x24, 0x00, 0x02, 0x00, 0x00, INC_EAX, 0x9d, INC_EAX, HLT];
    const a = rig(code);
    a.raised = 1;
    expect(a.cpu.run(1000).kind).to.equal("halt");
    expect([a.cpu.ecx, a.cpu.eax]).to.deep.equal([1, 2]); // taken right after POPF
    const b = rig([0x9c, 0x9d, INC_EAX, 0x9c, 0x9d, INC_EAX, HLT]); // pushfd; popfd twice with IF=0
    b.raised = 1;
    expect(b.cpu.run(1000).kind).to.equal("halt");
    expect([b.cpu.ecx, b.cpu.eax]).to.deep.equal([0, 2]);
    expect(b.cpu.cachedBlocks).to.equal(1);
  });

  it("POPF that unmasks with no interrupt waiting does not end the block (spin_unlock_irqrestore)", () => {
    // pushfd; or dword [esp], 0x200; popfd (IF=1); inc eax; hlt
    const c = rig([0x9c, 0x81, 0x0c, 0x24, 0x00, 0x02, 0x00, 0x00, 0x9d, INC_EAX, HLT]);
    expect(c.cpu.run(1000).kind).to.equal("halt");
    expect([c.cpu.ecx, c.cpu.eax]).to.deep.equal([0, 1]);
    expect(c.cpu.cachedBlocks).to.equal(1);
  });
});
