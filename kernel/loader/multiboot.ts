// Plans the Multiboot v1 load of a kernel file: where its bytes go (from ELF program headers, or from the
// header's address fields when flags bit 16 is set), the entry point, and the info structure after it.
// Pure planning plus one small writer; machine state at entry is set by kernel/machine/pc-boot.ts.
import { guestPhys, type GuestPhysAddr } from "../mem/types";
import { hasElfMagic, parseElf32, type ElfErrorKind } from "./elf32";
import { findMultibootHeader, MB_FLAG_PAGE_ALIGN, type MultibootHeader, type MultibootHeaderError } from "./multiboot-header";
import { buildMultibootInfo, pcMemoryMap, type BootModule } from "./multiboot-info";

/** EAX at kernel entry (Multiboot 3.2 "Machine state"). */
export const MULTIBOOT_BOOTLOADER_MAGIC = 0x2badb002;

/** Bytes to copy to `addr`, followed by `zeroBytes` zero bytes (bss). */
export interface LoadChunk {
  readonly addr: GuestPhysAddr;
  readonly bytes: Uint8Array;
  readonly zeroBytes: number;
}

/** A checked plan: write the chunks, then enter at `entry` with EBX = `infoAddr`. */
export interface MultibootPlan {
  readonly entry: GuestPhysAddr;
  readonly infoAddr: GuestPhysAddr;
  readonly chunks: readonly LoadChunk[];
  readonly header: MultibootHeader;
}

/** What to put in the info structure besides what the file dictates. */
export interface MultibootLoadOptions {
  readonly memoryBytes: number;
  readonly commandLine: string;
  readonly bootLoaderName: string;
  readonly modules?: readonly BootModule[];
}

/** Why the file cannot be booted. */
export interface MultibootLoadError {
  readonly kind: ElfErrorKind | MultibootHeaderError["kind"] | "badAddressFields" | "outOfMemory";
  readonly message: string;
}

/** Result of planMultibootLoad. */
export type MultibootPlanResult = { readonly ok: true; readonly plan: MultibootPlan } | { readonly ok: false; readonly error: MultibootLoadError };

const hex = (v: number): string => `0x${v.toString(16)}`;
const err = (kind: MultibootLoadError["kind"], message: string): MultibootPlanResult => ({ ok: false, error: { kind, message } });

interface KernelLayout {
  readonly entry: number;
  readonly chunks: LoadChunk[];
}

type LayoutResult = { readonly ok: true; readonly layout: KernelLayout } | { readonly ok: false; readonly error: MultibootLoadError };

function layoutFromElf(file: Uint8Array): LayoutResult {
  const parsed = parseElf32(file);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const { image } = parsed;
  const chunks = image.segments.map((s) => ({
    addr: s.paddr,
    bytes: file.subarray(s.fileOffset, s.fileOffset + s.fileSize),
    zeroBytes: s.memSize - s.fileSize,
  }));
  // Paging is off at entry: translate a virtual e_entry through the segment that holds it (as GRUB does).
  const holder = image.segments.find((s) => image.entry >= s.vaddr && image.entry < s.vaddr + s.memSize);
  const entry = holder === undefined ? image.entry : image.entry - holder.vaddr + holder.paddr;
  return { ok: true, layout: { entry, chunks } };
}

function layoutFromKludge(file: Uint8Array, header: MultibootHeader): LayoutResult {
  const k = header.kludge;
  if (k === undefined) throw new Error("layoutFromKludge called without address fields");
  const bad = (message: string): LayoutResult => ({ ok: false, error: { kind: "badAddressFields", message } });
  if (k.headerAddr < k.loadAddr) return bad(`header_addr ${hex(k.headerAddr)} is below load_addr ${hex(k.loadAddr)}`);
  const loadOffset = header.offset - (k.headerAddr - k.loadAddr);
  if (loadOffset < 0) return bad(`header_addr - load_addr (${hex(k.headerAddr - k.loadAddr)}) is larger than the header's file offset ${hex(header.offset)}`);
  const loadEnd = k.loadEndAddr === 0 ? k.loadAddr + (file.length - loadOffset) : k.loadEndAddr;
  if (loadEnd < k.loadAddr) return bad(`load_end_addr ${hex(loadEnd)} is below load_addr ${hex(k.loadAddr)}`);
  if (loadOffset + (loadEnd - k.loadAddr) > file.length) return bad(`load_end_addr ${hex(loadEnd)} asks for more bytes than the file holds`);
  if (k.bssEndAddr !== 0 && k.bssEndAddr < loadEnd) return bad(`bss_end_addr ${hex(k.bssEndAddr)} is below load_end_addr ${hex(loadEnd)}`);
  const zeroBytes = k.bssEndAddr === 0 ? 0 : k.bssEndAddr - loadEnd;
  const bytes = file.subarray(loadOffset, loadOffset + (loadEnd - k.loadAddr));
  return { ok: true, layout: { entry: k.entryAddr, chunks: [{ addr: guestPhys(k.loadAddr), bytes, zeroBytes }] } };
}

/** Checks `file` as a Multiboot v1 kernel and plans its load into `opts.memoryBytes` of RAM. */
export function planMultibootLoad(file: Uint8Array, opts: MultibootLoadOptions): MultibootPlanResult {
  const found = findMultibootHeader(file);
  if (!found.ok) {
    if (found.error.kind === "noHeader" && !hasElfMagic(file)) {
      return err("badMagic", "neither an ELF file nor a Multiboot kernel (no ELF magic, no Multiboot header in the first 8 KiB)");
    }
    return { ok: false, error: found.error };
  }
  const { header } = found;
  const laid = header.kludge !== undefined ? layoutFromKludge(file, header) : layoutFromElf(file);
  if (!laid.ok) return laid;
  const { entry, chunks } = laid.layout;
  let end = 0;
  for (const c of chunks) {
    const top = c.addr + c.bytes.length + c.zeroBytes;
    if (top > opts.memoryBytes) {
      return err("outOfMemory", `kernel bytes ${hex(c.addr)}..${hex(top)} lie beyond the ${opts.memoryBytes / 1048576} MiB of RAM`);
    }
    end = Math.max(end, top);
  }
  const info = buildMultibootInfo({
    base: guestPhys(Math.ceil(end / 4096) * 4096),
    commandLine: opts.commandLine,
    bootLoaderName: opts.bootLoaderName,
    modules: opts.modules ?? [],
    pageAlignModules: (header.flags & MB_FLAG_PAGE_ALIGN) !== 0,
    memoryMap: pcMemoryMap(opts.memoryBytes),
  });
  if (info.end > opts.memoryBytes) {
    return err("outOfMemory", `the Multiboot information (${hex(info.infoAddr)}..${hex(info.end)}) does not fit in ${opts.memoryBytes / 1048576} MiB of RAM`);
  }
  const all = [...chunks, { addr: info.infoAddr, bytes: info.bytes, zeroBytes: 0 }];
  return { ok: true, plan: { entry: guestPhys(entry), infoAddr: info.infoAddr, chunks: all, header } };
}

/** Where a plan is written: the part of guest physical memory the loader needs. */
export interface LoadTarget {
  writeBytes(addr: GuestPhysAddr, data: Uint8Array): void;
}

/** Writes every chunk of `plan` (and its zero tail) into `mem`. */
export function applyMultibootPlan(plan: Pick<MultibootPlan, "chunks">, mem: LoadTarget): void {
  const ZERO_STEP = 65536;
  const zeros = new Uint8Array(ZERO_STEP);
  for (const c of plan.chunks) {
    mem.writeBytes(c.addr, c.bytes);
    for (let done = 0; done < c.zeroBytes; done += ZERO_STEP) {
      const n = Math.min(ZERO_STEP, c.zeroBytes - done);
      // In RAM: planMultibootLoad checked addr + bytes + zeroBytes against the RAM size.
      mem.writeBytes(guestPhys(c.addr + c.bytes.length + done), n === ZERO_STEP ? zeros : zeros.subarray(0, n));
    }
  }
}
