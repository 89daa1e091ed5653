import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { CpuDebugger } from "../../../kernel/introspect/debugger";
import { readReg, writeReg } from "../../../kernel/introspect/regs";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys } from "../../../kernel/mem/types";

const CODE = 0x1000;
const HANDLER = 0x3000;
const IDT = 0x4000;
const GDT = 0x5000;

/** A flat ring-0 machine with a GDT and an IDT whose #UD (6) gate points at HANDLER. */
function machine(code: number[]): { cpu: Cpu; mem: PhysicalMemory; dbg: CpuDebugger } {
  const mem = new PhysicalMemory(0x10000);
  mem.writeBytes(guestPhys(CODE), Uint8Array.from(code));
  mem.writeBytes(guestPhys(HANDLER), Uint8Array.of(0x90, 0xf4)); // nop ; hlt
  mem.writeBytes(guestPhys(GDT), Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0x9a, 0xcf, 0, 0xff, 0xff, 0, 0, 0, 0x92, 0xcf, 0));
  mem.writeBytes(guestPhys(IDT + 6 * 8), Uint8Array.of(HANDLER & 0xff, HANDLER >> 8, 0x08, 0, 0, 0x8e, 0, 0));
  const cpu = new Cpu({ memory: mem, io: NO_PORTS });
  cpu.gdtBase = GDT;
  cpu.gdtLimit = 23;
  cpu.idtBase = IDT;
  cpu.idtLimit = 0x7ff;
  cpu.eip = CODE;
  cpu.esp = 0x8000;
  return { cpu, mem, dbg: new CpuDebugger(cpu) };
}

describe("kernel/introspect/debugger", () => {
  it("stepping over an instruction that raises an exception stops at the handler, as on hardware", () => {
    const { cpu, dbg } = machine([0x40, 0x0f, 0x0b]); // inc eax ; ud2
    dbg.halt({ kind: "start" });
    dbg.resume(true);
    dbg.run(100);
    expect([cpu.eip, dbg.stop]).to.deep.equal([CODE + 1, { kind: "step" }]);
    dbg.resume(true);
    dbg.run(100);
    expect(cpu.eip).to.equal(HANDLER);
    expect(dbg.stop).to.deep.equal({ kind: "step" });
  });

  it("breakpoints leave guest memory alone, stop before the instruction and are passed once on resume", () => {
    const code = [0x40, 0x40, 0x40, 0xeb, 0xfb]; // l: inc eax x3 ; jmp l
    const { cpu, mem, dbg } = machine(code);
    const before = mem.readBytes(guestPhys(0), mem.size);
    expect(dbg.addBreakpoint(CODE + 1)).to.equal(true);
    expect(dbg.run(100).kind).to.equal("stop");
    expect([cpu.eip, cpu.eax]).to.deep.equal([CODE + 1, 1]);
    expect(mem.readBytes(guestPhys(0), mem.size)).to.deep.equal(before);
    dbg.resume(false);
    dbg.run(100);
    expect([cpu.eip, cpu.eax]).to.deep.equal([CODE + 1, 4]); // once round the loop
    dbg.removeBreakpoint(CODE + 1);
    dbg.resume(false);
    expect(dbg.run(1000).kind).to.equal("budget");
  });

  it("read, write and access watchpoints stop after the accessing instruction; none set restores the fast path", () => {
    // mov eax, [0x6000] ; mov [0x6004], eax ; hlt
    const { cpu, dbg } = machine([0xa1, 0x00, 0x60, 0, 0, 0xa3, 0x04, 0x60, 0, 0, 0xf4]);
    dbg.addWatchpoint({ kind: "write", addr: 0x6004, len: 4 });
    dbg.addWatchpoint({ kind: "read", addr: 0x6002, len: 1 });
    dbg.run(100);
    expect(dbg.stop).to.deep.equal({ kind: "watchpoint", watch: { kind: "read", addr: 0x6002, len: 1 }, addr: 0x6002 });
    expect(cpu.eip).to.equal(CODE + 5);
    dbg.resume(false);
    dbg.run(100);
    expect(dbg.stop).to.deep.equal({ kind: "watchpoint", watch: { kind: "write", addr: 0x6004, len: 4 }, addr: 0x6004 });
    expect(dbg.removeWatchpoint({ kind: "write", addr: 0x6004, len: 4 })).to.equal(true);
    expect(dbg.removeWatchpoint({ kind: "read", addr: 0x6002, len: 1 })).to.equal(true);
    expect(cpu.watchHook).to.equal(null);
  });

  it("register writes are checked like the instructions that write them", () => {
    const { cpu } = machine([0xf4]);
    expect(writeReg(cpu, "cr0", 0x80000000).ok).to.equal(false); // PG without PE: #GP
    expect(writeReg(cpu, "cr4", 0x80).ok).to.equal(false); // PGE: unsupported bit (PAE is supported now)
    expect(writeReg(cpu, "ds", 0x18).ok).to.equal(false); // beyond the GDT limit
    expect(writeReg(cpu, "ds", 0x10).ok).to.equal(true);
    expect(writeReg(cpu, "gdtr_limit", 0x10000).ok).to.equal(false);
    expect(writeReg(cpu, "eflags", 0x20002).ok).to.equal(false); // VM
    expect(writeReg(cpu, "esi", 0xdeadbeef).ok).to.equal(true);
    expect(readReg(cpu, "esi")).to.equal(0xdeadbeef);
  });
});
