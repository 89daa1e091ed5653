import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { readGuestBytes, readGuestCString, readGuestU32, writeGuestBytes, writeGuestU32 } from "../../../kernel/mem/guest-access";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys, guestVirt } from "../../../kernel/mem/types";

function pagedCpu(): Cpu {
  const mem = new PhysicalMemory(0x400000);
  const cpu = new Cpu({ memory: mem, io: NO_PORTS });
  // PD at 0x100000, PT at 0x101000: linear 0x1000 -> phys 0x200000 user RW; 0x2000 -> 0x201000 supervisor; 0x3000 not present
  mem.write32(guestPhys(0x100000), 0x101007);
  mem.write32(guestPhys(0x101004), 0x200007);
  mem.write32(guestPhys(0x101008), 0x201003);
  cpu.cr3 = 0x100000;
  cpu.cr0 |= 0x80000000;
  cpu.flushTlb();
  return cpu;
}

describe("kernel/mem/guest-access", () => {
  it("reads and writes through the guest's paging", () => {
    const cpu = pagedCpu();
    expect(writeGuestU32(cpu, guestVirt(0x1000), 0xdeadbeef).ok).to.equal(true);
    expect(cpu.mem.read32(guestPhys(0x200000))).to.equal(0xdeadbeef);
    const r = readGuestU32(cpu, guestVirt(0x1000));
    expect(r).to.deep.equal({ ok: true, value: 0xdeadbeef });
    cpu.mem.writeBytes(guestPhys(0x200100), new TextEncoder().encode("hi there\0"));
    expect(readGuestCString(cpu, guestVirt(0x1100), 64)).to.deep.equal({ ok: true, value: "hi there" });
  });

  it("returns typed faults for missing pages, user access to supervisor pages, and bad ranges", () => {
    const cpu = pagedCpu();
    const miss = readGuestBytes(cpu, guestVirt(0x2ff0), 0x20, { user: true });
    expect(miss.ok).to.equal(false);
    if (!miss.ok) expect(miss.fault).to.deep.equal({ kind: "pageFault", address: 0x2ff0, errorCode: 5 });
    const sup = readGuestBytes(cpu, guestVirt(0x2000), 4, { user: false });
    expect(sup.ok).to.equal(true);
    const w = writeGuestBytes(cpu, guestVirt(0x1ffe), new Uint8Array(8), { user: true });
    expect(w.ok).to.equal(false);
    expect(cpu.mem.read32(guestPhys(0x200ffc))).to.equal(0); // nothing written on failure
    expect(readGuestBytes(cpu, guestVirt(0xfffffffe), 4).ok).to.equal(false);
    cpu.mem.writeBytes(guestPhys(0x200000), new TextEncoder().encode("abcd"));
    expect(readGuestCString(cpu, guestVirt(0x1000), 4).ok).to.equal(false);
  });
});
