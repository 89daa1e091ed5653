// Builds the Multiboot v1 information structure (Multiboot Specification 0.6.96, section 3.3) and what it
// points at (memory map, strings, module list) as bytes at chosen guest addresses. Pure: writes nothing.
import { guestPhys, type GuestPhysAddr } from "../mem/types";

/** One memory map entry: [base, base + length) of `type` (1 = available RAM, 2 = reserved). */
export interface MemoryRegion {
  readonly base: number;
  readonly length: number;
  readonly type: 1 | 2;
}

/** A boot module: its bytes and its string (usually a command line). */
export interface BootModule {
  readonly data: Uint8Array;
  readonly string: string;
}

/** Everything the info structure describes. */
export interface MultibootInfoInput {
  /** Where the info structure starts; everything else follows it. */
  readonly base: GuestPhysAddr;
  readonly commandLine: string;
  readonly bootLoaderName: string;
  readonly modules: readonly BootModule[];
  /** Header flags bit 0: place each module on a 4 KiB boundary. */
  readonly pageAlignModules: boolean;
  readonly memoryMap: readonly MemoryRegion[];
}

/** The built structure: bytes to place at `base`, and the first free address after them. */
export interface MultibootInfoBlob {
  readonly infoAddr: GuestPhysAddr;
  readonly bytes: Uint8Array;
  readonly end: number;
}

// multiboot_info.flags bits (3.3).
export const MBI_FLAG_MEMORY = 1 << 0; // mem_lower, mem_upper valid
export const MBI_FLAG_BOOT_DEVICE = 1 << 1; // boot_device valid
export const MBI_FLAG_CMDLINE = 1 << 2; // cmdline valid
export const MBI_FLAG_MODS = 1 << 3; // mods_count, mods_addr valid
export const MBI_FLAG_MMAP = 1 << 6; // mmap_length, mmap_addr valid
export const MBI_FLAG_LOADER_NAME = 1 << 9; // boot_loader_name valid

/** Size of the fixed part of the info structure up to and including the VBE fields. */
export const MBI_SIZE = 88;
const MMAP_ENTRY_SIZE = 24; // size field (4) + base (8) + length (8) + type (4)
const MODULE_ENTRY_SIZE = 16; // mod_start, mod_end, string, reserved
/** BIOS boot device "first hard disk, whole disk", as QEMU reports it. */
const BOOT_DEVICE = 0x8000ffff;

/** Top of RAM kept by the PC firmware (SeaBIOS under QEMU reserves the last 128 KiB). */
const FIRMWARE_RESERVED_TOP = 0x20000;

/**
 * The memory map a PC BIOS reports (E820) for `memoryBytes` of RAM, as QEMU's firmware does: conventional
 * memory, the EBDA and BIOS reserved, RAM from 1 MiB up to 128 KiB below the top, the BIOS ROM below 4 GiB.
 */
export function pcMemoryMap(memoryBytes: number): MemoryRegion[] {
  const highTop = memoryBytes - FIRMWARE_RESERVED_TOP;
  return [
    { base: 0, length: 0x9fc00, type: 1 },
    { base: 0x9fc00, length: 0x400, type: 2 }, // extended BIOS data area
    { base: 0xf0000, length: 0x10000, type: 2 }, // system BIOS
    { base: 0x100000, length: highTop - 0x100000, type: 1 },
    { base: highTop, length: FIRMWARE_RESERVED_TOP, type: 2 }, // firmware data at the top of RAM
    { base: 0xfffc0000, length: 0x40000, type: 2 }, // BIOS ROM alias below 4 GiB
  ];
}

/** mem_lower / mem_upper in KiB (3.3): available RAM from 0, and contiguous available RAM from 1 MiB. */
export function memorySizes(map: readonly MemoryRegion[]): { lower: number; upper: number } {
  const at = (base: number): number => map.find((r) => r.type === 1 && r.base === base)?.length ?? 0;
  return { lower: Math.floor(at(0) / 1024), upper: Math.floor(at(0x100000) / 1024) };
}

function alignUp(v: number, a: number): number {
  return Math.ceil(v / a) * a;
}

/** Lays out and encodes the info structure, memory map, module list, strings and module bytes from `base`. */
export function buildMultibootInfo(input: MultibootInfoInput): MultibootInfoBlob {
  const base = input.base;
  const enc = new TextEncoder();
  const cmdline = enc.encode(`${input.commandLine}\0`);
  const loaderName = enc.encode(`${input.bootLoaderName}\0`);
  const mods = input.modules.map((m) => ({ data: m.data, str: enc.encode(`${m.string}\0`), strOff: 0, dataOff: 0 }));
  // Layout, as offsets from base.
  const mmapOff = MBI_SIZE;
  const mmapLen = input.memoryMap.length * MMAP_ENTRY_SIZE;
  const modsOff = mmapOff + mmapLen;
  let cursor = modsOff + input.modules.length * MODULE_ENTRY_SIZE;
  const cmdlineOff = cursor;
  cursor += cmdline.length;
  const nameOff = cursor;
  cursor += loaderName.length;
  for (const m of mods) {
    m.strOff = cursor;
    cursor += m.str.length;
  }
  for (const m of mods) {
    cursor = alignUp(base + cursor, input.pageAlignModules ? 4096 : 4) - base;
    m.dataOff = cursor;
    cursor += m.data.length;
  }
  const bytes = new Uint8Array(cursor);
  const dv = new DataView(bytes.buffer);
  const u32 = (off: number, v: number): void => dv.setUint32(off, v >>> 0, true);
  u32(0, MBI_FLAG_MEMORY | MBI_FLAG_BOOT_DEVICE | MBI_FLAG_CMDLINE | MBI_FLAG_MODS | MBI_FLAG_MMAP | MBI_FLAG_LOADER_NAME);
  const sizes = memorySizes(input.memoryMap);
  u32(4, sizes.lower);
  u32(8, sizes.upper);
  u32(12, BOOT_DEVICE);
  u32(16, base + cmdlineOff);
  u32(20, input.modules.length);
  u32(24, base + modsOff);
  u32(44, mmapLen);
  u32(48, base + mmapOff);
  u32(64, base + nameOff);
  input.memoryMap.forEach((r, i) => {
    const at = mmapOff + i * MMAP_ENTRY_SIZE;
    u32(at, MMAP_ENTRY_SIZE - 4);
    u32(at + 4, r.base % 0x1_0000_0000);
    u32(at + 8, Math.floor(r.base / 0x1_0000_0000));
    u32(at + 12, r.length % 0x1_0000_0000);
    u32(at + 16, Math.floor(r.length / 0x1_0000_0000));
    u32(at + 20, r.type);
  });
  bytes.set(cmdline, cmdlineOff);
  bytes.set(loaderName, nameOff);
  mods.forEach((m, i) => {
    const at = modsOff + i * MODULE_ENTRY_SIZE;
    u32(at, base + m.dataOff);
    u32(at + 4, base + m.dataOff + m.data.length);
    u32(at + 8, base + m.strOff);
    bytes.set(m.data, m.dataOff);
    bytes.set(m.str, m.strOff);
  });
  return { infoAddr: guestPhys(base), bytes, end: base + cursor };
}
