// The flat read window (mmu.ts winBase/winBytes): with paging off, blocks compiled for unpaged code read the
// longest run of plain RAM without a TLB lookup. These tests check that it never reads past what a TLB hit would
// allow: MMIO windows, the debugger's watch hook, and paging turned on (by the guest or by the kernel).
import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { CR0_PG } from "../../../kernel/cpu/cpu-state";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { SegMode } from "../../../kernel/cpu/seg-mode";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys } from "../../../kernel/mem/types";
import { d32 } from "./snippets";

const CODE = 0x100000;
const RAM_BYTES = 0x400000;

function machine(code: number[]): { cpu: Cpu; mem: PhysicalMemory } {
  const mem = new PhysicalMemory(RAM_BYTES);
  mem.writeBytes(guestPhys(CODE), new Uint8Array(code));
  const cpu = new Cpu({ memory: mem, io: NO_PORTS, exceptionsExit: true });
  cpu.eip = CODE;
  cpu.esp = 0x80000;
  return { cpu, mem };
}

/** Page tables at 0x300000 (CR3 set, paging still off): identity for the first 4 MiB except linear 0x280000,
 * mapped to physical 0x281000. The two pages hold 0xaaaa0001 and 0xbbbb0002. */
function remapped(cpu: Cpu, mem: PhysicalMemory): void {
  const pd = 0x300000;
  const pt = 0x301000;
  mem.write32(guestPhys(pd), pt | 3);
  for (let i = 0; i < 1024; i++) mem.write32(guestPhys(pt + i * 4), ((i << 12) === 0x280000 ? 0x281000 : i << 12) | 3);
  mem.write32(guestPhys(0x280000), 0xaaaa0001);
  mem.write32(guestPhys(0x281000), 0xbbbb0002);
  cpu.cr3 = pd;
}

function rerun(cpu: Cpu): string {
  cpu.eip = CODE;
  cpu.halted = false;
  return cpu.run(10_000).kind;
}

describe("kernel/cpu: the flat read window of unpaged blocks", () => {
  it("PhysicalMemory.largestRamRun: whole pages no MMIO window touches, the lowest of equal runs", () => {
    const mem = new PhysicalMemory(RAM_BYTES);
    expect(mem.largestRamRun()).to.deep.equal({ base: 0, bytes: RAM_BYTES });
    const dev = { read: (): number => 0, write: (): void => undefined };
    mem.mapMmio(guestPhys(0xa0000), 0x20000, dev);
    mem.mapMmio(guestPhys(0x200100), 0x10, dev); // not page-aligned: its whole page is left out
    // [0, 0xa0000), [0xc0000, 0x200000) and [0x201000, 0x400000): the last is the longest.
    expect(mem.largestRamRun()).to.deep.equal({ base: 0x201000, bytes: 0x1ff000 });
    mem.mapMmio(guestPhys(0x3ff000), 0x2000, dev); // a window past the end of RAM clips the run there
    expect(mem.largestRamRun()).to.deep.equal({ base: 0x201000, bytes: 0x1fe000 });
    const tie = new PhysicalMemory(0x3000);
    tie.mapMmio(guestPhys(0x1000), 0x1000, dev);
    expect(tie.largestRamRun()).to.deep.equal({ base: 0, bytes: 0x1000 });
  });

  it("reads of an MMIO window inside RAM reach the device; RAM on both sides reads as RAM", () => {
    // mov eax, [0x200008] ; mov cl, [0x200004] ; mov ebx, [0x100800] ; mov edx, [0x3ff000] ; hlt
    const code = [0xa1, ...d32(0x200008), 0x8a, 0x0d, ...d32(0x200004), 0x8b, 0x1d, ...d32(0x100800), 0x8b, 0x15, ...d32(0x3ff000), 0xf4];
    const { cpu, mem } = machine(code);
    const reads: number[] = [];
    mem.mapMmio(guestPhys(0x200000), 0x1000, {
      read: (offset, size) => {
        reads.push(offset);
        return size === 1 ? 0x5a : 0x5a5a0000 | offset;
      },
      write: () => undefined,
    });
    mem.write32(guestPhys(0x100800), 0x11223344);
    mem.write32(guestPhys(0x3ff000), 0x55667788);
    for (let pass = 0; pass < 3; pass++) {
      reads.length = 0;
      cpu.eax = cpu.ebx = cpu.ecx = cpu.edx = 0;
      expect(pass === 0 ? cpu.run(10_000).kind : rerun(cpu)).to.equal("halt");
      expect(cpu.eax >>> 0).to.equal(0x5a5a0008);
      expect(cpu.ecx & 0xff).to.equal(0x5a);
      expect(cpu.ebx >>> 0).to.equal(0x11223344);
      expect(cpu.edx >>> 0).to.equal(0x55667788);
      expect(reads).to.deep.equal([8, 4]);
    }
    // The window is the run below the device, where the code is; [0x3ff000] was read through the TLB.
    expect([cpu.winBase, cpu.winBytes]).to.deep.equal([0, 0x200000]);
    expect(cpu.segMode & SegMode.Unpaged).to.equal(SegMode.Unpaged);
  });

  it("an MMIO window mapped after the CPU ran (the read window open over it) is read as the device from then on", () => {
    // mov eax, [0x200010] ; hlt
    const { cpu, mem } = machine([0xa1, ...d32(0x200010), 0xf4]);
    mem.write32(guestPhys(0x200010), 0x12345678);
    expect(cpu.run(10_000).kind).to.equal("halt");
    expect(cpu.eax >>> 0).to.equal(0x12345678);
    expect([cpu.winBase, cpu.winBytes]).to.deep.equal([0, RAM_BYTES]);
    const dev = { read: (offset: number): number => 0x77000000 | offset, write: (): void => undefined };
    mem.mapMmio(guestPhys(0x200000), 0x100, dev);
    expect(cpu.winBytes).to.equal(0); // the map change flushed the TLB and closed the window
    expect(rerun(cpu)).to.equal("halt");
    expect(cpu.eax >>> 0).to.equal(0x77000010);
    expect([cpu.winBase, cpu.winBytes]).to.deep.equal([0, 0x200000]);
    mem.unmapMmio(dev);
    expect(rerun(cpu)).to.equal("halt");
    expect(cpu.eax >>> 0).to.equal(0x12345678);
  });

  it("while a watch hook is set, no window opens: every read of a compiled block is reported", () => {
    // mov ecx, 3 ; l: mov eax, [0x180000] ; mov bl, [0x180004] ; loop l ; hlt
    const code = [0xb9, ...d32(3), 0xa1, ...d32(0x180000), 0x8a, 0x1d, ...d32(0x180004), 0xe2, 0xf3, 0xf4];
    const { cpu } = machine(code);
    expect(cpu.run(10_000).kind).to.equal("halt");
    expect(cpu.winBytes).to.be.greaterThan(0);
    const seen: string[] = [];
    cpu.watchHook = (lin, size, write) => {
      if (!write) seen.push(`${lin.toString(16)}/${size}`);
    };
    cpu.flushTlb(); // as the debugger does when it sets the hook
    expect(cpu.winBytes).to.equal(0);
    expect(rerun(cpu)).to.equal("halt");
    expect(seen.filter((x) => x.startsWith("18000"))).to.deep.equal(["180000/4", "180004/1", "180000/4", "180004/1", "180000/4", "180004/1"]);
    expect(cpu.winBytes).to.equal(0);
  });

  it("paging turned on by the guest: the block after MOV CR0 reads through the page tables", () => {
    // mov eax, [0x280000] ; mov ebx, cr0 ; or ebx, 0x80000000 ; mov cr0, ebx ; mov ecx, [0x280000] ; hlt
    const code = [0xa1, ...d32(0x280000), 0x0f, 0x20, 0xc3, 0x81, 0xcb, ...d32(0x80000000), 0x0f, 0x22, 0xc3, 0x8b, 0x0d, ...d32(0x280000), 0xf4];
    const { cpu, mem } = machine(code);
    remapped(cpu, mem);
    expect(cpu.run(10_000).kind).to.equal("halt");
    expect(cpu.eax >>> 0).to.equal(0xaaaa0001);
    expect(cpu.ecx >>> 0).to.equal(0xbbbb0002);
    expect(cpu.segMode & SegMode.Unpaged).to.equal(0);
    expect(cpu.winBytes).to.equal(0);
  });

  it("paging turned on by the kernel between runs (CR0 set directly, no flush): the next run translates", () => {
    // mov eax, [0x280000] ; hlt
    const code = [0xa1, ...d32(0x280000), 0xf4];
    const { cpu, mem } = machine(code);
    remapped(cpu, mem);
    expect(cpu.run(10_000).kind).to.equal("halt");
    expect(cpu.eax >>> 0).to.equal(0xaaaa0001);
    cpu.cr0 = cpu.cr0 | CR0_PG;
    expect(rerun(cpu)).to.equal("halt");
    expect(cpu.eax >>> 0).to.equal(0xbbbb0002);
    expect(cpu.segMode & SegMode.Unpaged).to.equal(0);
  });
});
