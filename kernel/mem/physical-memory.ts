// Guest-physical memory of one machine: a zero-filled RAM buffer (committed lazily by the host OS) plus
// MMIO windows. Knows which 4 KiB pages hold decoded code so that any write (CPU, DMA, loader) can
// invalidate it, which pages the guest may not write (the second-level protection of an FV partition's
// READ_ONLY regions: the CPU and DMA ask, the kernel's own loads do not), and (when asked) which pages
// were written (dirty-log.ts). Not responsible for paging or segmentation (kernel/cpu/mmu.ts).
import { DirtyLog } from "./dirty-log";
import type { GuestPhysAddr } from "./types";

/** A device window in the physical address space, accessed by offset from its base. */
export interface MmioHandler {
  read(offset: number, size: 1 | 2 | 4): number;
  write(offset: number, size: 1 | 2 | 4, value: number): void;
}

interface MmioRegion {
  readonly base: number;
  readonly end: number; // exclusive
  readonly handler: MmioHandler;
  /** The guest may read the window but not write it (a READ_ONLY shared block). */
  readonly readOnly: boolean;
}

/** Largest RAM size a machine may have. */
export const MAX_RAM_BYTES = 512 * 1024 * 1024;
/** Page size used for code tracking and by the MMU. */
export const PAGE_SIZE = 4096;

/** Called when a page that holds decoded code is written; the listener drops its decoded blocks. */
export type CodeWriteListener = (page: number) => void;

/** Called when pages must be write-protected again (dirty logging started or its log taken): the CPU
 * drops its write-TLB entries so that the next store to each page takes the slow, marking path. */
export type WriteProtectListener = () => void;

/** RAM and MMIO of one guest. Physical accessors check bounds only; out-of-range reads give all-ones. */
export class PhysicalMemory {
  /** RAM size in bytes (a multiple of 4 KiB). */
  readonly size: number;
  /** Byte view of RAM: for kernel/cpu and kernel/mem only. */
  readonly u8: Uint8Array;
  /** Aligned 32-bit view of RAM (little-endian host): for kernel/cpu and kernel/mem only. */
  readonly i32: Int32Array;
  /** One byte per RAM page: non-zero when the page holds decoded code. */
  readonly codePages: Uint8Array;
  /** One byte per 64-byte line: non-zero when decoded code was read from the line. Writes to other
   * lines of a code page leave the code alone (data next to code is common in small images). */
  readonly codeLines: Uint8Array;
  /** Accesses outside RAM and every MMIO window (guest bugs, counted not thrown). */
  outOfRangeAccesses = 0;
  private readonly regions: MmioRegion[] = [];
  /** The dirty-page log while logging is on, else null (then writes pay one null check on slow paths only). */
  dirtyLog: DirtyLog | null = null;
  /** Pages taken from the log since startSnapshotLog (null: no snapshot log): a delta save still sees them. */
  private sinceSnapshot: Set<number> | null = null;
  /** One byte per RAM page, non-zero when the guest may not write it (null: every page writable). Kernel
   * writes (loader, restore, warm start) ignore it; CPU stores and DMA check writeProtected first. */
  private readOnlyPages: Uint8Array | null = null;
  /** True when some RAM page or MMIO window is write-protected: the CPU's store slow path checks only then. */
  hasWriteProtection = false;
  private readonly listeners: CodeWriteListener[] = [];
  private readonly protectListeners: WriteProtectListener[] = [];
  private readonly mapListeners: (() => void)[] = [];

  constructor(sizeBytes: number) {
    if (!Number.isInteger(sizeBytes) || sizeBytes <= 0 || sizeBytes > MAX_RAM_BYTES) {
      throw new RangeError(`RAM size must be 1..${MAX_RAM_BYTES} bytes, got ${sizeBytes}`);
    }
    this.size = Math.ceil(sizeBytes / PAGE_SIZE) * PAGE_SIZE;
    // The code-line bytes follow RAM in its buffer: a machine's largest side table is then mapped as lazily
    // as its RAM (alone, 1 MiB per 64 MiB could come from the host heap and be cleared whole).
    const buf = new ArrayBuffer(this.size + (this.size >>> 6));
    this.u8 = new Uint8Array(buf, 0, this.size);
    this.i32 = new Int32Array(buf, 0, this.size >>> 2);
    this.codePages = new Uint8Array(this.size / PAGE_SIZE);
    this.codeLines = new Uint8Array(buf, this.size, this.size >>> 6);
  }

  /** Maps a device window (`readOnly`: guest stores into it are refused, see writeProtected); overlapping windows are a wiring bug and throw. */
  mapMmio(base: GuestPhysAddr, length: number, handler: MmioHandler, readOnly = false): void {
    const end = base + length;
    if (length <= 0 || end > 0x1_0000_0000) throw new RangeError(`bad MMIO window ${base.toString(16)}+${length}`);
    for (const r of this.regions) {
      if (base < r.end && r.base < end) throw new Error(`MMIO window ${base.toString(16)}+${length} overlaps ${r.base.toString(16)}`);
    }
    this.regions.push({ base, end, handler, readOnly });
    this.regions.sort((a, b) => a.base - b.base);
    if (readOnly) this.hasWriteProtection = true;
    for (const l of this.mapListeners) l();
  }

  /**
   * Write-protects the RAM pages of [start, end) (page-aligned, inside RAM) against the guest: the CPU never
   * caches a write translation for them and refuses a store (writeProtected), as a second-level page table
   * without write permission would. The kernel's own writes still land.
   */
  protectRam(start: GuestPhysAddr, end: GuestPhysAddr): void {
    if (start % PAGE_SIZE !== 0 || end % PAGE_SIZE !== 0 || start < 0 || end > this.size || start > end) {
      throw new RangeError(`bad read-only RAM range 0x${start.toString(16)}-0x${end.toString(16)}`);
    }
    if (start === end) return;
    const pages = (this.readOnlyPages ??= new Uint8Array(this.codePages.length));
    pages.fill(1, start / PAGE_SIZE, end / PAGE_SIZE);
    this.hasWriteProtection = true;
    for (const l of this.protectListeners) l();
  }

  /** True when the guest may not write guest-physical `addr` (a write-protected RAM page or read-only MMIO window). */
  writeProtected(addr: number): boolean {
    if (!this.hasWriteProtection) return false;
    const r = this.regions.length > 0 ? this.mmioAt(addr) : undefined;
    if (r !== undefined) return r.readOnly;
    const pages = this.readOnlyPages;
    return pages !== null && addr >= 0 && addr < this.size && pages[addr >>> 12] !== 0;
  }

  /** The first write-protected byte of [addr, addr+len), or -1 when the guest may write all of it (DMA checks this first). */
  firstWriteProtected(addr: number, len: number): number {
    if (!this.hasWriteProtection || len <= 0) return -1;
    for (let a = addr; a < addr + len; a = Math.floor(a / PAGE_SIZE) * PAGE_SIZE + PAGE_SIZE) if (this.writeProtected(a)) return a;
    return -1;
  }

  /** Removes the window served by `handler` (a relocated or disabled device); false when none was mapped. */
  unmapMmio(handler: MmioHandler): boolean {
    const i = this.regions.findIndex((r) => r.handler === handler);
    if (i < 0) return false;
    this.regions.splice(i, 1);
    for (const l of this.mapListeners) l();
    return true;
  }

  /** Replaces all of RAM with `data` (zero past its end), dropping decoded code: a snapshot's restore. */
  loadRam(data: Uint8Array): void {
    if (data.length > this.size) throw new RangeError(`RAM image of ${data.length} bytes is larger than RAM (${this.size})`);
    this.u8.set(data);
    this.u8.fill(0, data.length);
    for (let page = 0; page < this.codePages.length; page++) if (this.codePages[page] !== 0) this.codeWritten(page);
  }

  /** Registers a listener told about writes to code pages (the CPU's block cache). */
  addCodeWriteListener(l: CodeWriteListener): void {
    this.listeners.push(l);
  }

  /** Registers a listener told when pages must leave the write TLB (the CPU's MMU). */
  addWriteProtectListener(l: WriteProtectListener): void {
    this.protectListeners.push(l);
  }

  /** Registers a listener told when an MMIO window is mapped or removed (the CPU's MMU drops its translations and
   * its read window, which may cover pages that are no longer plain RAM). */
  addMapListener(l: () => void): void {
    this.mapListeners.push(l);
  }

  /** True while the dirty-page log records writes. */
  get dirtyLogEnabled(): boolean {
    return this.dirtyLog !== null;
  }

  /** Starts recording written pages with an empty log (a no-op when already on). */
  startDirtyLog(): void {
    if (this.dirtyLog) return;
    this.dirtyLog = new DirtyLog(this.codePages.length);
    for (const l of this.protectListeners) l();
  }

  /**
   * Stops recording and forgets the log; while a snapshot log runs (startSnapshotLog), the log goes on
   * for it and only the pages written so far move to the snapshot's record.
   */
  stopDirtyLog(): void {
    if (this.sinceSnapshot !== null) {
      this.takeDirtyPages();
      return;
    }
    this.dirtyLog = null;
  }

  /**
   * Starts the record an incremental snapshot reads (kernel/snapshot): pages written from now on, whoever
   * else takes the log meanwhile (the VM tree's dirty bitmaps take it without emptying this record).
   */
  startSnapshotLog(): void {
    this.sinceSnapshot = null;
    this.dirtyLog = null;
    this.startDirtyLog();
    this.sinceSnapshot = new Set();
  }

  /** Pages written since startSnapshotLog, ascending, without resetting anything; null when it never started. */
  snapshotDirtyPages(): number[] | null {
    const held = this.sinceSnapshot;
    const log = this.dirtyLog;
    if (held === null || log === null) return null;
    const out = new Set(held);
    const pages = log.pages;
    for (let p = 0; p < pages.length; p++) if (pages[p] !== 0) out.add(p);
    return [...out].sort((a, b) => a - b);
  }

  /** Page numbers written since the previous call (or since start), ascending; resets the log in the same
   * step. Empty when logging is off. Called between CPU slices, so it is atomic with respect to the guest. */
  takeDirtyPages(): number[] {
    const log = this.dirtyLog;
    if (!log) return [];
    const pages = log.take();
    const held = this.sinceSnapshot;
    if (held !== null) for (const p of pages) held.add(p);
    if (pages.length > 0) for (const l of this.protectListeners) l();
    return pages;
  }

  /** True when a store to RAM page `page` may bypass PhysicalMemory (no code on it, not write-protected, no pending dirty mark). */
  pageWritableFast(page: number): boolean {
    if (this.codePages[page] !== 0) return false;
    const ro = this.readOnlyPages;
    if (ro !== null && ro[page] !== 0) return false;
    const log = this.dirtyLog;
    return log === null || log.pages[page] !== 0;
  }

  /** Marks [addr, addr+len) (inside one RAM page) as holding decoded code. */
  markCode(addr: number, len: number): void {
    this.codePages[addr >>> 12] = 1;
    const last = (addr + Math.max(len, 1) - 1) >>> 6;
    for (let l = addr >>> 6; l <= last; l++) this.codeLines[l] = 1;
  }

  /** Called for a write of [addr, addr+len) to a code page: if it touches a code line, the page's code is dropped. */
  private checkCodeWrite(addr: number, len: number): void {
    const last = (addr + len - 1) >>> 6;
    for (let l = addr >>> 6; l <= last; l++) {
      if (this.codeLines[l] !== 0) {
        this.codeWritten(l >>> 6);
        if ((last >>> 6) !== (l >>> 6)) this.checkCodeWrite(last << 6, 1);
        return;
      }
    }
  }

  /** Clears the code marks of `page` and tells the listeners. */
  codeWritten(page: number): void {
    this.codePages[page] = 0;
    this.codeLines.fill(0, page << 6, (page + 1) << 6);
    for (const l of this.listeners) l(page);
  }

  /** True when [addr, addr+len) lies inside RAM. */
  contains(addr: GuestPhysAddr, len: number): boolean {
    return addr >= 0 && len >= 0 && addr + len <= this.size;
  }

  /** True when the whole 4 KiB page is plain RAM (no MMIO window touches it): the CPU may cache it. */
  pageIsRam(page: number): boolean {
    if (page >= this.codePages.length) return false;
    if (this.regions.length === 0) return true;
    const lo = page * PAGE_SIZE;
    const hi = lo + PAGE_SIZE;
    for (const r of this.regions) if (lo < r.end && r.base < hi) return false;
    return true;
  }

  /** The longest run of whole pages that are plain RAM (pageIsRam), as [base, base + bytes); the lowest of equal
   * runs. The CPU reads it without its TLB while paging is off (CpuMmu.winBase). */
  largestRamRun(): { base: number; bytes: number } {
    let best = { base: 0, bytes: 0 };
    let from = 0; // the first whole page past the windows seen so far
    const take = (end: number): void => {
      const to = Math.min(Math.floor(end / PAGE_SIZE) * PAGE_SIZE, this.size);
      if (to - from > best.bytes) best = { base: from, bytes: to - from };
    };
    for (const r of this.regions) {
      take(r.base);
      from = Math.max(from, Math.ceil(r.end / PAGE_SIZE) * PAGE_SIZE);
    }
    take(this.size);
    return best;
  }

  /** True when some MMIO window is mapped (then a RAM address may be shadowed by a device). */
  get hasMmio(): boolean {
    return this.regions.length > 0;
  }

  /** True when `addr` lies in an MMIO window. */
  isMmio(addr: number): boolean {
    return this.regions.length > 0 && this.mmioAt(addr) !== undefined;
  }

  /** True when `addr` is plain RAM (not MMIO, not out of range). */
  isRam(addr: number): boolean {
    return addr < this.size && !this.mmioAt(addr);
  }

  private mmioAt(addr: number): MmioRegion | undefined {
    for (const r of this.regions) if (addr >= r.base && addr < r.end) return r;
    return undefined;
  }

  read8(addr: GuestPhysAddr): number {
    return this.read(addr, 1);
  }
  read16(addr: GuestPhysAddr): number {
    return this.read(addr, 2);
  }
  /** Reads 32 bits, returned unsigned. */
  read32(addr: GuestPhysAddr): number {
    return this.read(addr, 4) >>> 0;
  }
  write8(addr: GuestPhysAddr, value: number): void {
    this.write(addr, 1, value);
  }
  write16(addr: GuestPhysAddr, value: number): void {
    this.write(addr, 2, value);
  }
  write32(addr: GuestPhysAddr, value: number): void {
    this.write(addr, 4, value);
  }

  /** Physical read of 1, 2 or 4 bytes (32-bit results signed); MMIO windows dispatch to their handler. */
  read(addr: number, size: 1 | 2 | 4): number {
    if (this.regions.length > 0) {
      const r = this.mmioAt(addr);
      if (r) return r.handler.read(addr - r.base, size);
    }
    if (addr + size > this.size || addr < 0) {
      this.outOfRangeAccesses++;
      return size === 4 ? -1 : (1 << (size * 8)) - 1;
    }
    const m = this.u8;
    if (size === 1) return m[addr]!;
    if (size === 2) return m[addr]! | (m[addr + 1]! << 8);
    if ((addr & 3) === 0) return this.i32[addr >>> 2]!;
    return m[addr]! | (m[addr + 1]! << 8) | (m[addr + 2]! << 16) | (m[addr + 3]! << 24);
  }

  /** Physical write of 1, 2 or 4 bytes; invalidates decoded code on the page. */
  write(addr: number, size: 1 | 2 | 4, value: number): void {
    if (this.regions.length > 0) {
      const r = this.mmioAt(addr);
      if (r) {
        r.handler.write(addr - r.base, size, size === 4 ? value >>> 0 : value & ((1 << (size * 8)) - 1));
        return;
      }
    }
    if (addr + size > this.size || addr < 0) {
      this.outOfRangeAccesses++;
      return;
    }
    const p = addr >>> 12;
    if (this.dirtyLog) this.dirtyLog.markRange(p, (addr + size - 1) >>> 12);
    if (this.codePages[p] !== 0 || this.codePages[(addr + size - 1) >>> 12] !== 0) this.checkCodeWrite(addr, size);
    const m = this.u8;
    if (size === 4 && (addr & 3) === 0) {
      this.i32[addr >>> 2] = value;
      return;
    }
    m[addr] = value;
    if (size >= 2) m[addr + 1] = value >> 8;
    if (size === 4) {
      m[addr + 2] = value >> 16;
      m[addr + 3] = value >> 24;
    }
  }

  /** Copies bytes out of RAM (for loaders and the kernel); throws RangeError outside RAM. */
  readBytes(addr: GuestPhysAddr, len: number): Uint8Array {
    if (!this.contains(addr, len)) throw new RangeError(`readBytes ${addr.toString(16)}+${len} outside RAM`);
    return this.u8.slice(addr, addr + len);
  }

  /** Copies bytes into RAM (for loaders and DMA); invalidates code pages; throws RangeError outside RAM. */
  writeBytes(addr: GuestPhysAddr, data: Uint8Array): void {
    if (!this.contains(addr, data.length)) throw new RangeError(`writeBytes ${addr.toString(16)}+${data.length} outside RAM`);
    if (data.length === 0) return;
    const last = (addr + data.length - 1) >>> 12;
    if (this.dirtyLog) this.dirtyLog.markRange(addr >>> 12, last);
    for (let p = addr >>> 12; p <= last; p++) if (this.codePages[p] !== 0) this.codeWritten(p);
    this.u8.set(data, addr);
  }
}
