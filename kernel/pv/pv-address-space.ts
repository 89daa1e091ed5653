// The physical layout of a PV partition's machine and the page tables that give its guest-virtual
// view (paravirt-abi/README.md "Guest address space"). Page tables live in physical pages that no
// guest-virtual address reaches, so the guest can neither read nor change them.
// Not responsible for what goes into the pages (pv-machine.ts).
import type { PhysicalMemory } from "../mem/physical-memory";
import { guestPhys } from "../mem/types";
import { PV_CONSTANTS } from "../hypercall/generated/abi-layout";

const PAGE = PV_CONSTANTS.PAGE_SIZE;
const PT_SPAN = 0x40_0000; // bytes mapped by one page table
/** Linear address of the kernel-written TSS (I/O bitmap of assigned devices), in the top 4 MiB; supervisor-only. */
export const PV_TSS_VADDR = 0xffe0_0000;
// PDE/PTE bits (Intel SDM vol. 3A, 4.3 "32-bit paging").
const P = 1; // present
const RW = 2; // read/write
const US = 4; // user/supervisor

/** Where each piece sits in the partition's physical memory (all page-aligned byte offsets). */
export interface PvPhysLayout {
  readonly ramBytes: number;
  readonly pageDir: number;
  /** First page table of RAM; RAM needs `ramTables` of them. */
  readonly ramTables: number;
  readonly ramTableCount: number;
  /** Page table of the top 4 MiB (libpv, start-info, shared page). */
  readonly topTable: number;
  readonly startInfo: number;
  readonly sharedPage: number;
  readonly libpv: number;
  readonly libpvPages: number;
  /** The kernel-written TSS with the I/O bitmap of assigned devices (pv-io-bitmap.ts); 0 pages when none. */
  readonly tss: number;
  readonly tssPages: number;
  /** Page table of the shared-region window at SHARED_BASE (0 when the partition maps none). */
  readonly sharedTable: number;
  /** Bytes of shared regions; they sit in MMIO windows from `total` on, outside the RAM buffer. */
  readonly sharedBytes: number;
  /** Total bytes of physical RAM (the shared windows start here). */
  readonly total: number;
}

/**
 * Lays out RAM first (guest-virtual IMAGE_BASE + x is physical x), then the kernel-owned pages, then
 * (outside RAM) the shared regions: guest-virtual SHARED_BASE + x is physical total + x.
 */
export function pvPhysLayout(ramBytes: number, libpvBytes: number, sharedBytes = 0, tssPages = 0): PvPhysLayout {
  if (sharedBytes % PAGE !== 0 || sharedBytes < 0 || sharedBytes > PV_CONSTANTS.SHARED_MAX_SIZE) throw new RangeError(`PV shared size ${sharedBytes}`);
  if (ramBytes % PAGE !== 0 || ramBytes <= 0 || PV_CONSTANTS.IMAGE_BASE + ramBytes > PV_CONSTANTS.LIBPV_BASE) throw new RangeError(`PV RAM size ${ramBytes}`);
  const ramTableCount = Math.ceil(ramBytes / PT_SPAN);
  const pageDir = ramBytes;
  const ramTables = pageDir + PAGE;
  const topTable = ramTables + ramTableCount * PAGE;
  const startInfo = topTable + PAGE;
  const sharedPage = startInfo + PAGE;
  const libpv = sharedPage + PAGE;
  const libpvPages = Math.ceil(libpvBytes / PAGE);
  const tss = libpv + libpvPages * PAGE;
  const libpvEnd = tss + tssPages * PAGE;
  const sharedTable = sharedBytes > 0 ? libpvEnd : 0;
  const total = sharedBytes > 0 ? libpvEnd + PAGE : libpvEnd;
  return { ramBytes, pageDir, ramTables, ramTableCount, topTable, startInfo, sharedPage, libpv, libpvPages, tss, tssPages, sharedTable, sharedBytes, total };
}

/** A shared region placed in a PV partition: `offset` bytes from SHARED_BASE (and from layout.total). */
export interface PlacedShared {
  readonly offset: number;
  readonly size: number;
  readonly writable: boolean;
}

/** Which RAM pages the guest may write: `writable(page index)`. */
export type RamWritable = (page: number) => boolean;

/** Writes the page directory and tables of `layout` into `mem` (which must be zeroed there). */
export function buildPageTables(mem: PhysicalMemory, layout: PvPhysLayout, ramWritable: RamWritable, shared: readonly PlacedShared[] = []): void {
  const w32 = (at: number, v: number): void => mem.write32(guestPhys(at), v);
  const firstPde = PV_CONSTANTS.IMAGE_BASE >>> 22;
  for (let t = 0; t < layout.ramTableCount; t++) w32(layout.pageDir + 4 * (firstPde + t), (layout.ramTables + t * PAGE) | P | RW | US);
  for (let page = 0; page < layout.ramBytes / PAGE; page++) {
    w32(layout.ramTables + 4 * page, (page * PAGE) | P | US | (ramWritable(page) ? RW : 0));
  }
  w32(layout.pageDir + 4 * (PV_CONSTANTS.LIBPV_BASE >>> 22), layout.topTable | P | RW | US);
  const topIndex = (v: number): number => ((v - PV_CONSTANTS.LIBPV_BASE) >>> 12) & 0x3ff;
  for (let k = 0; k < layout.libpvPages; k++) w32(layout.topTable + 4 * (topIndex(PV_CONSTANTS.LIBPV_BASE) + k), (layout.libpv + k * PAGE) | P | US);
  w32(layout.topTable + 4 * topIndex(PV_CONSTANTS.START_INFO_VADDR), layout.startInfo | P | US);
  w32(layout.topTable + 4 * topIndex(PV_CONSTANTS.SHARED_PAGE_VADDR), layout.sharedPage | P | RW | US);
  // The TSS is supervisor-only (no US): the CPU reads its I/O bitmap, the guest cannot reach it.
  for (let k = 0; k < layout.tssPages; k++) w32(layout.topTable + 4 * (topIndex(PV_TSS_VADDR) + k), (layout.tss + k * PAGE) | P | RW);
  if (shared.length === 0) return;
  // A READ_ONLY region gets no RW bit: with CR0.WP a store from the guest is a page fault.
  w32(layout.pageDir + 4 * (PV_CONSTANTS.SHARED_BASE >>> 22), layout.sharedTable | P | RW | US);
  for (const r of shared) {
    for (let k = 0; k < r.size / PAGE; k++) {
      const page = r.offset / PAGE + k;
      w32(layout.sharedTable + 4 * page, (layout.total + r.offset + k * PAGE) | P | US | (r.writable ? RW : 0));
    }
  }
}

/** Makes RAM page `page` read-only to the guest (after eager binding of `.pvext.jmp`). */
export function protectRamPage(mem: PhysicalMemory, layout: PvPhysLayout, page: number): void {
  const at = guestPhys(layout.ramTables + 4 * page);
  mem.write32(at, mem.read32(at) & ~RW);
}

/** Physical offset of a guest-virtual RAM address (no check: callers pass loader-checked addresses). */
export function uncheckedRamPhys(vaddr: number): number {
  return vaddr - PV_CONSTANTS.IMAGE_BASE;
}
