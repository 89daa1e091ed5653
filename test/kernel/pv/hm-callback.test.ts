// The HM callback frame: entering saves the context, writes the trampoline and a cdecl frame on the
// guest's stack, masks virqs and jumps; leaving restores every saved register and the mask.
import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { ServiceId, PV_TRAP_VECTOR } from "../../../kernel/hypercall/generated/abi-generated";
import { SharedPage } from "../../../kernel/pv/shared-page";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys } from "../../../kernel/mem/types";
import { enterCallback, leaveCallback, trampolineBytes } from "../../../kernel/pv/hm-callback";

function machine(): { cpu: Cpu; mem: PhysicalMemory; shared: SharedPage } {
  const mem = new PhysicalMemory(0x10000);
  const cpu = new Cpu({ memory: mem, io: NO_PORTS, exceptionsExit: true });
  const shared = new SharedPage(mem, 0xf000);
  return { cpu, mem, shared };
}

describe("kernel/pv/hm-callback", () => {
  it("enters with the arguments, a return into the trampoline and virqs masked, and leaves restoring everything", () => {
    const { cpu, mem, shared } = machine();
    cpu.eax = 0x11;
    cpu.ebx = 0x22;
    cpu.esi = 0x33;
    cpu.esp = 0x8004;
    cpu.eip = 0x4321;
    cpu.setEflags(0x246);
    const saved = enterCallback(cpu, shared, 0x1234, [5, 3, 6]);
    expect(saved).to.not.equal(undefined);
    const tramp = (0x8004 - 256 - 16) & ~15;
    expect(cpu.eip).to.equal(0x1234);
    expect((cpu.esp + 4) % 16, "arguments 16-byte aligned").to.equal(0);
    expect(cpu.esp).to.be.below(tramp);
    expect(mem.read32(guestPhys(cpu.esp))).to.equal(tramp);
    expect([4, 8, 12].map((o) => mem.read32(guestPhys(cpu.esp + o)))).to.deep.equal([5, 3, 6]);
    expect(Array.from(mem.readBytes(guestPhys(tramp), 9))).to.deep.equal(Array.from(trampolineBytes()));
    expect(trampolineBytes()[1]).to.equal(ServiceId.HmCallbackReturn);
    expect(trampolineBytes()[6]).to.equal(PV_TRAP_VECTOR);
    expect(shared.masked).to.equal(true);
    expect(cpu.getEflags() & 0x400, "DF clear").to.equal(0);
    cpu.eax = 0;
    cpu.esi = 0;
    if (saved === undefined) return;
    leaveCallback(cpu, shared, saved);
    expect([cpu.eax, cpu.ebx, cpu.esi, cpu.esp, cpu.eip]).to.deep.equal([0x11, 0x22, 0x33, 0x8004, 0x4321]);
    expect(cpu.getEflags() & 0xfff).to.equal(0x246);
    expect(shared.masked).to.equal(false);
  });

  it("refuses a stack with no room below it and changes nothing", () => {
    const { cpu, shared } = machine();
    cpu.esp = 0x80;
    cpu.eip = 0x4321;
    expect(enterCallback(cpu, shared, 0x1234, [1])).to.equal(undefined);
    expect([cpu.esp, cpu.eip, shared.masked]).to.deep.equal([0x80, 0x4321, false]);
  });
});
