// Test helper: a minimal PV machine on the project's i386 CPU for the ABI's end-to-end checks. It maps a
// guest image at PV_IMAGE_BASE and libpv, start-info and the shared page at the top (4 MiB PSE pages),
// enters _start in ring 3 and lets the test serve hypercalls. It is a stand-in, not the kernel's loader.
import { Cpu } from "../../../kernel/cpu/cpu";
import { CR0_PG, CR4_PSE } from "../../../kernel/cpu/cpu-state";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { PV_ABI_MAGIC, PV_ABI_MAJOR, PV_ABI_MINOR, PV_TRAP_VECTOR } from "../../../kernel/hypercall/generated/abi-generated";
import { PV_CONSTANTS, SHARED_PAGE_LAYOUT, START_INFO_LAYOUT } from "../../../kernel/hypercall/generated/abi-layout";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys } from "../../../kernel/mem/types";
import { Elf32, SHT_NOBITS } from "./elf32";

const PAGE_DIR = 0x1000;
const LOW_PHYS = 0x0040_0000; // backs guest-virtual 0x00400000..0x007FFFFF (identity)
const TOP_PHYS = 0x0080_0000; // backs guest-virtual 0xFFC00000..0xFFFFFFFF
const TOP_VIRT = 0xffc0_0000;
const PDE_4M_USER_RW = 0x87; // P | RW | US | PS

/** Guest-virtual -> physical for the two mapped 4 MiB regions; throws (test bug) elsewhere. */
export function physOf(v: number): number {
  if (v >= PV_CONSTANTS.IMAGE_BASE && v < PV_CONSTANTS.IMAGE_BASE + 0x40_0000) return v - PV_CONSTANTS.IMAGE_BASE + LOW_PHYS;
  if (v >>> 0 >= TOP_VIRT) return (v >>> 0) - TOP_VIRT + TOP_PHYS;
  throw new Error(`0x${v.toString(16)} is not mapped in the test machine`);
}

/** The machine: CPU, memory and helpers to read and write guest-virtual memory. */
export class PvMachine {
  readonly mem = new PhysicalMemory(0x100_0000);
  readonly cpu: Cpu;

  /** `libpv` null: the guest does not use the mapped libpv (trap and linked bindings). */
  constructor(guest: Elf32, libpv: Elf32 | null, timeNs: bigint) {
    this.mem.write32(guestPhys(PAGE_DIR + 4 * (PV_CONSTANTS.IMAGE_BASE >>> 22)), LOW_PHYS | PDE_4M_USER_RW);
    this.mem.write32(guestPhys(PAGE_DIR + 4 * (TOP_VIRT >>> 22)), TOP_PHYS | PDE_4M_USER_RW);
    this.load(guest);
    if (libpv !== null) this.load(libpv);
    const si = PV_CONSTANTS.START_INFO_VADDR;
    const f = START_INFO_LAYOUT.fields;
    this.w32(si + f.size.offset, START_INFO_LAYOUT.size);
    this.w16(si + f.abi_major.offset, PV_ABI_MAJOR);
    this.w16(si + f.abi_minor.offset, PV_ABI_MINOR);
    this.w32(si + f.shared_page.offset, PV_CONSTANTS.SHARED_PAGE_VADDR);
    this.w32(si + f.resolver.offset, libpv === null ? 0 : libpv.symbol("pv_resolve"));
    const sp = PV_CONSTANTS.SHARED_PAGE_VADDR;
    const s = SHARED_PAGE_LAYOUT.fields;
    this.w32(sp + s.size.offset, SHARED_PAGE_LAYOUT.size);
    this.mem.write8(guestPhys(physOf(sp + s.irq_mask.offset)), 1);
    this.w32(sp + s.time_seq.offset, 2);
    this.w32(sp + s.time_ns.offset, Number(timeNs & 0xffff_ffffn));
    this.w32(sp + s.time_ns.offset + 4, Number(timeNs >> 32n));
    this.cpu = new Cpu({ memory: this.mem, io: NO_PORTS, hypercallVectors: new Set([PV_TRAP_VECTOR]), exceptionsExit: true });
    this.cpu.cr4 = CR4_PSE;
    this.cpu.cr3 = PAGE_DIR;
    this.cpu.cr0 = (this.cpu.cr0 | CR0_PG) >>> 0;
    this.cpu.loadFlat32({ codeSelector: 0x18, dataSelector: 0x20, cpl: 3 });
    this.cpu.eip = guest.entry;
    this.cpu.eax = PV_ABI_MAGIC;
    this.cpu.ebx = si;
    this.cpu.esp = PV_CONSTANTS.IMAGE_BASE + 0x40_0000;
    this.cpu.setEflags(0x202);
  }

  private load(elf: Elf32): void {
    for (const s of elf.sections) {
      if (s.addr === 0 || (s.flags & 2) === 0 || s.type === SHT_NOBITS) continue;
      this.mem.writeBytes(guestPhys(physOf(s.addr)), elf.bytes(s.addr, s.size));
    }
  }

  /** Reads a 32-bit word at a guest-virtual address. */
  r32(v: number): number {
    return this.mem.read32(guestPhys(physOf(v))) >>> 0;
  }

  /** Writes a 32-bit word at a guest-virtual address. */
  w32(v: number, value: number): void {
    this.mem.write32(guestPhys(physOf(v)), value >>> 0);
  }

  private w16(v: number, value: number): void {
    this.mem.write16(guestPhys(physOf(v)), value);
  }

  /** Reads `len` bytes at a guest-virtual address as latin1 text. */
  text(v: number, len: number): string {
    return Buffer.from(this.mem.readBytes(guestPhys(physOf(v)), len)).toString("latin1");
  }

  /** Reads a NUL-terminated string of at most `max` bytes. */
  cstring(v: number, max: number): string {
    const t = this.text(v, max);
    const nul = t.indexOf("\0");
    return nul < 0 ? t : t.slice(0, nul);
  }

  /** The general registers and EFLAGS, for comparisons. */
  regs(): Record<string, number> {
    const c = this.cpu;
    return { eax: c.eax, ebx: c.ebx, ecx: c.ecx, edx: c.edx, esi: c.esi, edi: c.edi, ebp: c.ebp, esp: c.esp, eflags: c.getEflags() };
  }
}
