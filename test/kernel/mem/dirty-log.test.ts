import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { DirtyLog } from "../../../kernel/mem/dirty-log";
import { writeGuestBytes, writeGuestU32 } from "../../../kernel/mem/guest-access";
import { PhysicalMemory, type MmioHandler } from "../../../kernel/mem/physical-memory";
import { guestPhys, guestVirt } from "../../../kernel/mem/types";

const CODE = 0x10000;

/** A flat CPL 0 machine (paging off) running `code` at CODE, then HLT. */
function cpuWith(code: number[]): Cpu {
  const mem = new PhysicalMemory(0x400000);
  mem.writeBytes(guestPhys(CODE), new Uint8Array([...code, 0xf4]));
  const cpu = new Cpu({ memory: mem, io: NO_PORTS, exceptionsExit: true });
  cpu.eip = CODE;
  cpu.esp = 0x80000;
  return cpu;
}

function runToHalt(cpu: Cpu): void {
  cpu.halted = false;
  const exit = cpu.run(100_000);
  expect(exit.kind).to.equal("halt");
}

describe("kernel/mem/dirty-log", () => {
  it("DirtyLog takes marked pages in ascending order and resets", () => {
    const log = new DirtyLog(16);
    log.mark(9);
    log.markRange(2, 4);
    log.mark(3);
    log.mark(99); // outside RAM: ignored
    expect(log.take()).to.deep.equal([2, 3, 4, 9]);
    expect(log.take()).to.deep.equal([]);
  });

  it("is off by default and records nothing then", () => {
    const m = new PhysicalMemory(0x10000);
    expect(m.dirtyLogEnabled).to.equal(false);
    m.write32(guestPhys(0x2000), 1);
    expect(m.takeDirtyPages()).to.deep.equal([]);
    m.startDirtyLog();
    expect(m.dirtyLogEnabled).to.equal(true);
    expect(m.takeDirtyPages()).to.deep.equal([]);
  });

  it("physical writes mark their pages (straddling writes both), MMIO and out-of-range writes none", () => {
    const m = new PhysicalMemory(0x10000);
    const dev: MmioHandler = { read: () => 0, write: () => undefined };
    m.mapMmio(guestPhys(0xfee00000), 0x1000, dev);
    m.startDirtyLog();
    m.write8(guestPhys(0x5001), 1);
    m.write16(guestPhys(0x1fff), 1);
    m.write32(guestPhys(0xfee00000), 1);
    m.write32(guestPhys(0x20000), 1);
    expect(m.takeDirtyPages()).to.deep.equal([1, 2, 5]);
    expect(m.takeDirtyPages()).to.deep.equal([]);
    m.write8(guestPhys(0x5001), 2);
    m.stopDirtyLog();
    expect(m.dirtyLogEnabled).to.equal(false);
    expect(m.takeDirtyPages()).to.deep.equal([]);
  });

  it("loader and DMA writes (writeBytes) mark every page they cover", () => {
    const m = new PhysicalMemory(0x10000);
    m.startDirtyLog();
    m.writeBytes(guestPhys(0x3ff0), new Uint8Array(0x2020));
    expect(m.takeDirtyPages()).to.deep.equal([3, 4, 5, 6]);
  });

  it("CPU stores mark pages, and again after each take although the TLB was warm", () => {
    // mov [0x100010], eax ; mov [0x100014], eax ; mov [0x101ffe], eax (straddles 0x101/0x102) ;
    // mov eax, [0x103000] ; mov [0x103000], eax (a read must not open the page for unmarked writes) ; hlt
    const cpu = cpuWith([
      0xa3, 0x10, 0x00, 0x10, 0x00, 0xa3, 0x14, 0x00, 0x10, 0x00, 0xa3, 0xfe, 0x1f, 0x10, 0x00,
      0xa1, 0x00, 0x30, 0x10, 0x00, 0xa3, 0x00, 0x30, 0x10, 0x00,
    ]);
    runToHalt(cpu); // warms the write TLB before logging starts
    cpu.mem.startDirtyLog();
    for (let round = 0; round < 3; round++) {
      cpu.eip = CODE;
      if (round === 2) cpu.flushTlb(); // the read of 0x103000 then walks the page tables afresh
      runToHalt(cpu);
      expect(cpu.mem.takeDirtyPages(), `round ${round}`).to.deep.equal([0x100, 0x101, 0x102, 0x103]);
    }
  });

  it("bulk REP STOS and REP MOVS mark every page they write", () => {
    // cld ; rep stosd (edi 0x102000, 3 pages) ; mov esi,0x100000 ; mov edi,0x105800 ; mov ecx,0x1000 ; rep movsb ; hlt
    const cpu = cpuWith([0xfc, 0xf3, 0xab, 0xbe, 0x00, 0x00, 0x10, 0x00, 0xbf, 0x00, 0x58, 0x10, 0x00, 0xb9, 0x00, 0x10, 0x00, 0x00, 0xf3, 0xa4]);
    expect(cpu.bulkStrings).to.equal(true);
    cpu.mem.startDirtyLog();
    cpu.edi = 0x102000;
    cpu.ecx = 3 * 1024;
    cpu.eax = 0x01020304;
    runToHalt(cpu);
    expect(cpu.mem.takeDirtyPages()).to.deep.equal([0x102, 0x103, 0x104, 0x105, 0x106]);
    expect(cpu.mem.read32(guestPhys(0x104ffc))).to.equal(0x01020304);
  });

  it("kernel writes through the checked guest accessors mark the physical pages, page-walk A/D updates too", () => {
    const mem = new PhysicalMemory(0x400000);
    const cpu = new Cpu({ memory: mem, io: NO_PORTS });
    // PD at 0x100000, PT at 0x101000: linear 0x1000 -> phys 0x200000, 0x2000 -> 0x201000 (user RW)
    mem.write32(guestPhys(0x100000), 0x101007);
    mem.write32(guestPhys(0x101004), 0x200007);
    mem.write32(guestPhys(0x101008), 0x201007);
    cpu.cr3 = 0x100000;
    cpu.cr0 |= 0x80000000;
    cpu.flushTlb();
    mem.startDirtyLog();
    expect(writeGuestU32(cpu, guestVirt(0x1000), 7).ok).to.equal(true);
    expect(writeGuestBytes(cpu, guestVirt(0x1ffe), new Uint8Array(4)).ok).to.equal(true);
    // The walk set accessed/dirty bits in the PD (0x100) and PT (0x101) pages.
    expect(mem.takeDirtyPages()).to.deep.equal([0x100, 0x101, 0x200, 0x201]);
    expect(writeGuestU32(cpu, guestVirt(0x1004), 7).ok).to.equal(true);
    expect(mem.takeDirtyPages()).to.deep.equal([0x200]);
  });
});
