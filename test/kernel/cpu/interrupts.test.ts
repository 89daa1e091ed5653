import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { NO_PORTS, type InterruptSource } from "../../../kernel/cpu/io";
import { guestPhys } from "../../../kernel/mem/types";
import { CODE, enterFlatRing0, flatRing0Memory, IDT } from "../../support/flat-ring0";


/** A flat ring-0 machine with an IDT whose vector 0x20 is an interrupt gate to `inc ebx; iret`. */
function machine(code: number[], src: InterruptSource): Cpu {
  // inc ebx; iret
  const mem = flatRing0Memory([0x43, 0xcf], code);
  const cpu = new Cpu({ memory: mem, io: NO_PORTS, interrupts: src });
  enterFlatRing0(cpu);
  return cpu;
}

function line(): InterruptSource & { raised: number } {
  return {
    raised: 0,
    pending() { return this.raised > 0; },
    acknowledge() { this.raised--; return 0x20; },
  };
}

describe("kernel/cpu external interrupts", () => {
  it("are taken only with IF=1, after the instruction following STI", () => {
    const src = line();
    // nop; sti; inc eax; inc eax; cli; inc eax
    const cpu = machine([0x90, 0xfb, 0x40, 0x40, 0xfa, 0x40, 0xf4], src);
    src.raised = 1;
    expect(cpu.run(2).kind).to.equal("budget"); // nop, sti: IF=0 before, shadow after
    expect(cpu.ebx).to.equal(0);
    expect(cpu.run(1).kind).to.equal("budget"); // inc eax runs in the shadow
    expect(cpu.eax).to.equal(1);
    expect(cpu.run(2).kind).to.equal("budget"); // interrupt: inc ebx; iret
    expect(cpu.ebx).to.equal(1);
    expect(cpu.eip).to.equal(CODE + 3);
    expect(cpu.run(100).kind).to.equal("halt");
    expect(cpu.eax).to.equal(3);
  });

  it("wake a halted CPU and push the EIP after HLT", () => {
    const src = line();
    const cpu = machine([0xfb, 0xf4, 0x40, 0xf4], src);
    expect(cpu.run(100).kind).to.equal("halt");
    expect(cpu.run(100).kind).to.equal("halt");
    src.raised = 1;
    expect(cpu.run(100).kind).to.equal("halt");
    expect([cpu.ebx, cpu.eax, cpu.eip]).to.deep.equal([1, 1, CODE + 4]);
  });

  it("TF single-steps with #DB after each instruction", () => {
    const src = line();
    const cpu = machine([0x40, 0x40, 0xf4], src);
    const mem = cpu.mem;
    mem.write32(guestPhys(IDT + 8), (0x08 << 16) | 0x3100); // #DB -> inc ecx; iret
    mem.write32(guestPhys(IDT + 12), 0x8e00);
    mem.writeBytes(guestPhys(0x3100), new Uint8Array([0x41, 0xcf]));
    cpu.setEflags(0x102);
    expect(cpu.run(100).kind).to.equal("halt");
    expect(cpu.eax).to.equal(2);
    expect(cpu.ecx).to.equal(2); // after each inc; the handler runs with TF clear; HLT halts without a trap (documented)
  });
});
