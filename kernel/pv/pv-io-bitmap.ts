// The TSS a PV partition with assigned devices runs under: only its I/O permission bitmap matters
// (ring-3 PV code never switches stacks through it; exceptions exit to the kernel). A bit is clear for
// each port of an assigned device and set for every other port the bitmap covers; ports past its end
// fall beyond the TSS limit and fault too (kernel/cpu/io-bitmap.ts). Not responsible for the devices.
import type { Cpu } from "../cpu/cpu";
import { TSS_IOMAP_BASE_FIELD } from "../cpu/io-bitmap";
import type { PhysicalMemory } from "../mem/physical-memory";
import { guestPhys } from "../mem/types";
import { PV_CONSTANTS } from "../hypercall/generated/abi-layout";
import { PV_TSS_VADDR } from "./pv-address-space";

/** One port range the partition may access directly. */
export interface IoRange {
  readonly base: number;
  readonly count: number;
}

/** Where the bitmap starts in the TSS: right after the 104-byte 32-bit TSS (SDM vol. 3A figure 8-2). */
const IOMAP_BASE = 0x68;
/** Present, busy 32-bit TSS (descriptor type 0xB) as the CPU's trAttr keeps it. */
const TR_ATTR_BUSY_TSS32 = 0x8b00;
/** A selector for TR (STR shows it); no GDT exists in a PV machine, the hidden cache is all the CPU uses. */
const TR_SELECTOR = 0x28;

/** Bytes of the TSS: header, one bit per port up to the highest allowed one, and the all-ones byte the SDM asks to end a bitmap. */
export function ioBitmapTssBytes(ranges: readonly IoRange[]): number {
  if (ranges.length === 0) return 0;
  const top = Math.max(...ranges.map((r) => r.base + r.count - 1));
  return IOMAP_BASE + (top >>> 3) + 1 + 1;
}

/** Pages of the TSS (0 when nothing is assigned: the partition then has no TSS and every port faults). */
export function ioBitmapPages(ranges: readonly IoRange[]): number {
  return Math.ceil(ioBitmapTssBytes(ranges) / PV_CONSTANTS.PAGE_SIZE);
}

/** Writes the TSS at physical `at` (zeroed pages) and loads it into TR; does nothing without ranges. */
export function installIoBitmap(mem: PhysicalMemory, cpu: Cpu, at: number, ranges: readonly IoRange[]): void {
  const bytes = ioBitmapTssBytes(ranges);
  if (bytes === 0) return;
  mem.write16(guestPhys(at + TSS_IOMAP_BASE_FIELD), IOMAP_BASE);
  for (let i = IOMAP_BASE; i < bytes; i++) mem.write8(guestPhys(at + i), 0xff);
  for (const r of ranges) {
    for (let port = r.base; port < r.base + r.count; port++) {
      const byte = guestPhys(at + IOMAP_BASE + (port >>> 3));
      mem.write8(byte, mem.read8(byte) & ~(1 << (port & 7)));
    }
  }
  cpu.trSel = TR_SELECTOR;
  cpu.trBase = PV_TSS_VADDR;
  cpu.trLimit = bytes - 1;
  cpu.trAttr = TR_ATTR_BUSY_TSS32;
}
