// Builds a PV partition's machine from a checked image: physical memory (RAM, kernel-owned page
// tables, start-info, shared page, libpv), the image and libpv copied in, optional eager binding,
// and a vCPU at _start in ring 3 with the ABI's entry registers (README "Boot hand-off").
// Not responsible for running it (kernel/pv/pv-vm.ts).
import { CR0_PG, CR0_WP } from "../cpu/cpu-state";
import { Cpu } from "../cpu/cpu";
import { NO_PORTS, type PortIo } from "../cpu/io";
import { installIoBitmap, ioBitmapPages, type IoRange } from "./pv-io-bitmap";
import type { LibpvImage } from "../loader/libpv-image";
import type { PvImage } from "./pv-image";
import { PhysicalMemory } from "../mem/physical-memory";
import { sharedBlockMmio, type SharedBlock, type SharedMapping } from "../mem/shared-memory";
import { guestPhys, type Nanos } from "../mem/types";
import { PV_ABI_MAGIC, PV_TRAP_VECTOR } from "../hypercall/generated/abi-generated";
import { PV_CONSTANTS } from "../hypercall/generated/abi-layout";
import { buildPageTables, protectRamPage, pvPhysLayout, type PlacedShared, type PvPhysLayout } from "./pv-address-space";
import { SharedPage } from "./shared-page";
import { writeStartInfo, type StartInfoValues } from "./start-info";

const PAGE = PV_CONSTANTS.PAGE_SIZE;
/** Ring-3 flat selectors (GDT slots 3 and 4 by convention; PV guests never load segments). */
const USER_CS = 0x18;
const USER_DS = 0x20;
/** EFLAGS at entry: IF set (virtual interrupts are the shared page's business) and the reserved bit 1. */
const ENTRY_EFLAGS = 0x202;

/** A built machine. */
export interface PvMachine {
  readonly mem: PhysicalMemory;
  readonly cpu: Cpu;
  readonly layout: PvPhysLayout;
  readonly shared: SharedPage;
}

/** Everything buildPvMachine needs. `bind` writes the slots when binding eagerly (before mapping). */
export interface PvMachineSpec {
  readonly image: PvImage;
  readonly libpv: LibpvImage;
  readonly ramBytes: number;
  readonly startInfo: StartInfoValues;
  readonly now: Nanos;
  readonly bind: ((mem: PhysicalMemory) => void) | undefined;
  /** The partition's apx:Shared regions with their backing, mapped from SHARED_BASE in this order. */
  readonly shared: readonly { readonly mapping: SharedMapping; readonly block: SharedBlock }[];
  /** RAM byte ranges of private READ_ONLY regions (the image's own segments keep their flags). */
  readonly readOnly: readonly { readonly start: number; readonly end: number }[];
  /** Ports of assigned devices, reached directly through the TSS's I/O bitmap, and the bus they sit on. */
  readonly assigned?: { readonly io: PortIo; readonly ranges: readonly IoRange[] };
}

/** Offsets of the shared regions from SHARED_BASE, in order. */
export function placeShared(shared: readonly { readonly mapping: SharedMapping }[]): PlacedShared[] {
  let offset = 0;
  return shared.map(({ mapping }) => {
    const placed = { offset, size: mapping.size, writable: mapping.writable };
    offset += mapping.size;
    return placed;
  });
}

/**
 * True when RAM page `page` may be written by the guest. A page of the image follows its segments'
 * flags (writable when a writable segment touches it); any other page follows the Access of the region
 * it lies in (`readOnly` ranges).
 */
function ramPageWritable(image: PvImage, readOnly: PvMachineSpec["readOnly"], page: number, jmpReadOnly: boolean): boolean {
  const lo = PV_CONSTANTS.IMAGE_BASE + page * PAGE;
  const hi = lo + PAGE;
  const overlapping = image.segments.filter((s) => s.vaddr < hi && s.vaddr + s.memSize > lo);
  if (overlapping.some((s) => (s.flags & 2) !== 0)) {
    const j = image.pvext.jmp;
    const jmpEnd = Math.ceil(j.end / PAGE) * PAGE;
    return !(jmpReadOnly && j.end > j.start && j.start % PAGE === 0 && lo >= j.start && hi <= jmpEnd);
  }
  const off = page * PAGE;
  return overlapping.length === 0 && !readOnly.some((r) => off < r.end && off + PAGE > r.start);
}

/** Builds the machine and leaves the vCPU at the image's entry point. */
export function buildPvMachine(spec: PvMachineSpec): PvMachine {
  const { image, libpv, ramBytes } = spec;
  const placed = placeShared(spec.shared);
  const ioRanges = spec.assigned?.ranges ?? [];
  const layout = pvPhysLayout(ramBytes, libpv.size, placed.reduce((n, r) => n + r.size, 0), ioBitmapPages(ioRanges));
  const mem = new PhysicalMemory(layout.total);
  spec.shared.forEach((s, i) => mem.mapMmio(guestPhys(layout.total + (placed[i]?.offset ?? 0)), s.mapping.size, sharedBlockMmio(s.block)));
  for (const s of image.segments) {
    mem.writeBytes(guestPhys(s.vaddr - PV_CONSTANTS.IMAGE_BASE), image.bytes.subarray(s.fileOffset, s.fileOffset + s.fileSize));
  }
  for (const s of libpv.segments) {
    mem.writeBytes(guestPhys(layout.libpv + (s.vaddr - PV_CONSTANTS.LIBPV_BASE)), libpv.bytes.subarray(s.fileOffset, s.fileOffset + s.fileSize));
  }
  spec.bind?.(mem);
  const eager = spec.bind !== undefined;
  buildPageTables(mem, layout, (page) => ramPageWritable(image, spec.readOnly, page, false), placed);
  if (eager) {
    for (let page = 0; page < ramBytes / PAGE; page++) if (!ramPageWritable(image, spec.readOnly, page, true)) protectRamPage(mem, layout, page);
  }
  writeStartInfo(mem, layout.startInfo, spec.startInfo);
  const shared = new SharedPage(mem, layout.sharedPage);
  shared.init(0, spec.now, spec.now);
  const cpu = new Cpu({ memory: mem, io: spec.assigned?.io ?? NO_PORTS, hypercallVectors: new Set([PV_TRAP_VECTOR]), exceptionsExit: true });
  cpu.cr3 = layout.pageDir;
  cpu.cr0 = (cpu.cr0 | CR0_PG | CR0_WP) >>> 0;
  cpu.flushTlb();
  cpu.loadFlat32({ codeSelector: USER_CS, dataSelector: USER_DS, cpl: 3 });
  cpu.eip = image.entry;
  cpu.eax = PV_ABI_MAGIC;
  cpu.ebx = PV_CONSTANTS.START_INFO_VADDR;
  cpu.esp = PV_CONSTANTS.IMAGE_BASE + ramBytes;
  cpu.setEflags(ENTRY_EFLAGS);
  installIoBitmap(mem, cpu, layout.tss, ioRanges);
  return { mem, cpu, layout, shared };
}
