// Second-level write protection (PhysicalMemory.protectRam / read-only MMIO windows): a guest store into a
// protected guest-physical page changes nothing, ends the run with WRITE_PROTECT_STOP and Cpu.writeViolation,
// rolled back like a fault (a REP string instruction keeps the iterations before the boundary), whatever the
// guest's own paging says; the guest's IDT and CR2 never see it.
import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { CR0_PG } from "../../../kernel/cpu/cpu-state";
import { WRITE_PROTECT_STOP } from "../../../kernel/cpu/faults";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { writeGuestBytes } from "../../../kernel/mem/guest-access";
import { guestPhys, guestVirt } from "../../../kernel/mem/types";
import { d32 } from "./snippets";

const CODE = 0x10000;
const RO = 0x200000; // one protected page
const RW = RO - 0x1000; // the writable page just below it

/** A PC-like vCPU at CPL 0 (exceptions go to the guest IDT, none set up) running `code` at CODE, RO protected. */
function machine(code: number[], paging = false): { cpu: Cpu; mem: PhysicalMemory } {
  const mem = new PhysicalMemory(0x400000);
  mem.writeBytes(guestPhys(CODE), new Uint8Array(code));
  mem.protectRam(guestPhys(RO), guestPhys(RO + 0x1000));
  const cpu = new Cpu({ memory: mem, io: NO_PORTS });
  if (paging) {
    // Identity map, every page present, writable, user: the guest's own tables allow the store.
    const pd = 0x300000;
    const pt = 0x301000;
    mem.write32(guestPhys(pd), pt | 7);
    for (let i = 0; i < 1024; i++) mem.write32(guestPhys(pt + i * 4), (i << 12) | 7);
    cpu.cr3 = pd;
    cpu.cr0 = cpu.cr0 | CR0_PG;
  }
  cpu.eip = CODE;
  cpu.esp = 0x80000;
  return { cpu, mem };
}

describe("kernel/cpu: second-level write protection", () => {
  it("a store into a protected page leaves it unchanged and reports the address and the storing instruction", () => {
    for (const paging of [false, true]) {
      // mov dword [RO+0x10], 0x11223344 ; hlt
      const { cpu, mem } = machine([0xc7, 0x05, ...d32(RO + 0x10), ...d32(0x11223344), 0xf4], paging);
      mem.write32(guestPhys(RO + 0x10), 0xaabbccdd);
      const exit = cpu.run(1000);
      expect(exit, `paging ${paging}`).to.deep.equal({ kind: "stop", reason: WRITE_PROTECT_STOP });
      expect(mem.read32(guestPhys(RO + 0x10))).to.equal(0xaabbccdd);
      expect(cpu.writeViolation).to.deep.equal({ linear: RO + 0x10, phys: RO + 0x10, user: false, eip: CODE });
      expect(cpu.eip).to.equal(CODE); // on the storing instruction, as for a fault
      expect(cpu.cr2).to.equal(0); // the guest's CR2 never sees it
    }
  });

  it("reads of a protected page work and stores next to it land", () => {
    // mov eax, [RO] ; mov [RW], eax ; hlt
    const { cpu, mem } = machine([0xa1, ...d32(RO), 0xa3, ...d32(RW), 0xf4]);
    mem.write32(guestPhys(RO), 0x5a5a1234);
    expect(cpu.run(1000).kind).to.equal("halt");
    expect(mem.read32(guestPhys(RW))).to.equal(0x5a5a1234);
    expect(cpu.writeViolation).to.equal(null);
  });

  it("a dword store straddling into the protected page changes neither page", () => {
    // mov dword [RO-2], 0x11223344 ; hlt
    const { cpu, mem } = machine([0xc7, 0x05, ...d32(RO - 2), ...d32(0x11223344), 0xf4]);
    expect(cpu.run(1000).kind).to.equal("stop");
    expect(mem.read32(guestPhys(RO - 4))).to.equal(0);
    expect(mem.read32(guestPhys(RO))).to.equal(0);
    expect(cpu.writeViolation?.linear).to.equal(RO);
  });

  it("REP MOVSD crossing into the protected page stops at the boundary with ECX, ESI, EDI of the iterations done", () => {
    for (const bulk of [true, false]) {
      // cld ; rep movsd ; hlt
      const { cpu, mem } = machine([0xfc, 0xf3, 0xa5, 0xf4], true);
      cpu.bulkStrings = bulk;
      const src = 0x100000;
      for (let i = 0; i < 64; i++) mem.write32(guestPhys(src + 4 * i), 0x1000 + i);
      cpu.esi = src;
      cpu.edi = RO - 0x40; // 16 dwords fit below the boundary
      cpu.ecx = 64;
      const exit = cpu.run(100_000);
      expect(exit.kind, `bulk ${bulk}`).to.equal("stop");
      expect(cpu.ecx).to.equal(48);
      expect(cpu.esi).to.equal(src + 0x40);
      expect(cpu.edi).to.equal(RO);
      expect(cpu.eip).to.equal(CODE + 1); // on the REP MOVSD
      expect(mem.read32(guestPhys(RO - 4))).to.equal(0x1000 + 15);
      expect(mem.read32(guestPhys(RO))).to.equal(0);
      expect(cpu.writeViolation).to.deep.equal({ linear: RO, phys: RO, user: false, eip: CODE + 1 });
    }
  });

  it("a read-only MMIO window (a READ shared block) refuses stores too, and kernel writes through guest pointers are refused", () => {
    const block = new Uint8Array(0x1000);
    // mov byte [0xE0000000], 7 ; hlt
    const { cpu, mem } = machine([0xc6, 0x05, ...d32(0xe0000000), 7, 0xf4]);
    mem.mapMmio(guestPhys(0xe0000000), 0x1000, { read: (o) => block[o] ?? 0xff, write: (o, _s, v) => void (block[o] = v) }, true);
    expect(cpu.run(1000).kind).to.equal("stop");
    expect(block[0]).to.equal(0);
    expect(cpu.writeViolation?.phys).to.equal(0xe0000000);
    const r = writeGuestBytes(cpu, guestVirt(RO + 8), new Uint8Array([1, 2, 3]), { user: false });
    expect(r.ok).to.equal(false);
    expect(mem.read32(guestPhys(RO + 8))).to.equal(0);
  });
});
