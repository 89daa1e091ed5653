import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { buildGuest, loadElf, toolchain } from "./guest-build";

const RESULTS = 0x8000;

describe("kernel/cpu system level (assembled guests)", function () {
  let elf: Uint8Array;
  before(function () {
    if (!toolchain()) {
      console.log("    (skipped: no i386 toolchain on this machine)");
      this.skip();
    }
    elf = buildGuest(["system.S"], "O2", [], true);
  });

  function boot(scenario: number): { cpu: Cpu; mem: PhysicalMemory; u32: (off: number) => number } {
    const mem = new PhysicalMemory(8 * 1024 * 1024);
    const cpu = new Cpu({ memory: mem, io: NO_PORTS });
    cpu.eip = loadElf(mem, elf);
    cpu.eax = scenario;
    return { cpu, mem, u32: (off: number) => mem.read32((RESULTS + off) as never) };
  }

  it("ring 3 -> ring 0 through interrupt gates with the TSS stack, #GP handled and resumed", () => {
    const { cpu, u32 } = boot(1);
    expect(cpu.run(100_000).kind).to.equal("halt");
    const kstackTop = u32(36) + 20;
    expect(u32(0)).to.equal(kstackTop - 20); // handler ESP: 5 dwords pushed on the TSS stack
    expect(u32(4)).to.equal(0x1b); // saved CS (ring 3)
    expect(u32(8)).to.equal(0x23); // saved SS
    expect(u32(12)).to.equal(0x10); // SS in the handler (TSS.ss0)
    expect(u32(20)).to.equal(7); // two int 0x80 incremented EAX, iret kept it
    expect(u32(24)).to.equal(0); // #GP(0) for HLT at CPL 3
    expect(u32(32)).to.equal(1);
    expect(u32(28) & 0xffff).to.equal(0x23); // back in ring 3 after the #GP handler
    expect(cpu.cpl).to.equal(0);
  });

  it("page faults report CR2 and the error code; the handler fixes the PTE and the access retries", () => {
    const { cpu, u32 } = boot(2);
    expect(cpu.run(200_000).kind).to.equal("halt");
    expect(u32(52)).to.equal(2);
    expect([u32(64), u32(68)]).to.deep.equal([2, 0x400010]); // not present, write, supervisor
    expect([u32(72), u32(76)]).to.deep.equal([3, 0x401008]); // protection (CR0.WP), write
    expect(u32(40)).to.equal(0x1234);
    expect(u32(44)).to.equal(0x5678);
    expect(u32(48)).to.equal(0x401063); // accessed and dirty set
  });

  it("an exception with no usable IDT escalates to a triple fault", () => {
    const { cpu } = boot(3);
    expect(cpu.run(100_000)).to.deep.equal({ kind: "tripleFault" });
  });
});
