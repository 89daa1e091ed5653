// Linear and segmented memory access for the CPU: segment limit/rights checks, the two-level i386
// page walk (4 KiB and CR4.PSE 4 MiB pages, U/S, R/W, CR0.WP, accessed/dirty) and a software TLB.
// Fast paths are small methods that the block code calls; everything unusual goes to *Slow.
import { PhysicalMemory } from "../mem/physical-memory";
import { ATTR_CODE, ATTR_DB, ATTR_EXPDOWN, ATTR_WRITABLE, CpuState, CR0_PG, CR0_WP, CR4_PAE, CR4_PSE, SS } from "./cpu-state";
import { CpuFault, GP, MmioSplit, PF, SSF, WriteProtectFault } from "./faults";
import { paeWalk, type PaeMemory, type PaeWalk } from "./pae-walk";

const TLB_ENTRIES = 1 << 20;
/** Bytes of the one buffer holding both TLB arrays (8 MiB used). It is larger than glibc's largest dynamic
 * mmap threshold (32 MiB on 64-bit hosts), so the allocator always maps it fresh from the OS: pages no
 * entry was written to stay unbacked, and nothing is zeroed by hand. At 4 MiB per array, once a freed machine
 * had raised the threshold, each new CPU's arrays came from the heap and were cleared whole: 8 MiB resident
 * per CPU (200 CPUs made and dropped in turn held 1.8 GB; now 0.24 GB) and about 3 ms per machine built. */
const TLB_BUFFER_BYTES = 33 * 1024 * 1024;
const TLB_LIST_MAX = 8192;
/** TLB entry flag: usable at CPL 0..2. */
export const T_SUP = 1;
/** TLB entry flag: usable at CPL 3. */
export const T_USR = 2;
/** Read-TLB entry flag: the page is execute-disabled (PAE with EFER.NXE); instruction fetches take the slow path. */
export const T_NX = 4;

/** Memory side of the CPU. Invariant: a TLB write entry never points at a page holding decoded code, nor,
 * while dirty logging is on, at a page not yet marked dirty, nor at a write-protected page; every entry
 * points at RAM. That is what lets compiled blocks do a store that hits the TLB themselves (runtime.ts). */
export class CpuMmu extends CpuState {
  readonly mem: PhysicalMemory;
  /** RAM views (PhysicalMemory.u8/i32), for the fast paths here and the inline ones of compiled blocks. */
  readonly m8: Uint8Array;
  readonly m32: Int32Array;
  /** Linear page -> (physical page << 12) | T_SUP/T_USR, for reads and for writes. 0 = miss. Never
   * reassigned (flushes clear them in place), so compiled blocks keep them in locals. */
  readonly tlbR: Int32Array;
  readonly tlbW: Int32Array;
  private readonly tlbList = new Int32Array(TLB_LIST_MAX);
  private tlbCount = 0;
  private tlbOverflow = false;
  /**
   * The flat read window: while paging is off and no watch hook is set, the linear (and so physical) addresses
   * [winBase, winBase + winBytes) are plain RAM, which blocks compiled for unpaged code (SegMode.Unpaged) read
   * directly, without a TLB lookup (runtime.ts rdExpr): one load where a hit takes two, each waiting for the one
   * before, which is what pointer-chasing code waits on. Empty (winBytes 0) otherwise. Opened by a translation
   * with paging off, closed by every TLB flush: one follows any change to paging, and PhysicalMemory asks for one
   * whenever an MMIO window is mapped or removed (addMapListener).
   */
  winBase = 0;
  winBytes = 0;

  /** Whether linear `lin` lies in the flat read window (whole RAM pages, linear = physical). */
  protected inReadWindow(lin: number): boolean {
    return ((lin - this.winBase) >>> 0) < this.winBytes;
  }
  /** T_SUP at CPL 0, T_USR at CPL 3: the bit a TLB entry needs for the current privilege. */
  acc = T_SUP;
  /** Bumped whenever translations or code change: cached block links older than this are stale. */
  epoch = 1;
  /** Set (non-zero) when the running block must stop after the current instruction (self-modifying code, stop request). */
  brk = 0;
  /** Debugger watch hook (kernel/introspect): while set, the TLB is not filled, so every data access takes
   * the slow path and is reported with its linear address before it happens. */
  watchHook: ((lin: number, size: number, write: boolean) => void) | null = null;
  /** IA32_EFER.NXE: the XD bit of PAE entries is honoured (set by WRMSR and restore). */
  nxEnabled = false;
  private readonly paeOut: PaeWalk = { phys: 0, fault: 0, rights: 0, noExec: false, dirty: false };
  private readonly paeMem: PaeMemory = { read32: (a) => this.mem.read(a, 4), write32: (a, v) => this.setWalkBits(a, v) };

  constructor(mem: PhysicalMemory) {
    super();
    this.mem = mem;
    this.m8 = mem.u8;
    this.m32 = mem.i32;
    const tlb = new ArrayBuffer(TLB_BUFFER_BYTES);
    this.tlbR = new Int32Array(tlb, 0, TLB_ENTRIES);
    this.tlbW = new Int32Array(tlb, TLB_ENTRIES * 4, TLB_ENTRIES);
    mem.addWriteProtectListener(() => this.dropWriteTlb());
    mem.addMapListener(() => this.flushTlb());
  }

  // ---- fast paths (linear addresses, int32) ----

  rd8(l: number): number {
    const e = this.tlbR[l >>> 12]!;
    if ((e & this.acc) !== 0) return this.m8[(e & -4096) | (l & 4095)]!;
    return this.rdSlow(l, 1, this.acc === T_USR);
  }

  rd16(l: number): number {
    const e = this.tlbR[l >>> 12]!;
    if ((e & this.acc) !== 0 && (l & 4095) !== 4095) {
      const p = (e & -4096) | (l & 4095);
      return this.m8[p]! | (this.m8[p + 1]! << 8);
    }
    return this.rdSlow(l, 2, this.acc === T_USR);
  }

  rd32(l: number): number {
    const e = this.tlbR[l >>> 12]!;
    if ((e & this.acc) !== 0) {
      if ((l & 3) === 0) return this.m32[((e & -4096) | (l & 4095)) >>> 2]!;
      if ((l & 4095) <= 4092) {
        const p = (e & -4096) | (l & 4095);
        const m = this.m8;
        return m[p]! | (m[p + 1]! << 8) | (m[p + 2]! << 16) | (m[p + 3]! << 24);
      }
    }
    return this.rdSlow(l, 4, this.acc === T_USR);
  }

  wr8(l: number, v: number): void {
    const e = this.tlbW[l >>> 12]!;
    if ((e & this.acc) !== 0) {
      this.m8[(e & -4096) | (l & 4095)] = v;
      return;
    }
    this.wrSlow(l, 1, v, this.acc === T_USR);
  }

  wr16(l: number, v: number): void {
    const e = this.tlbW[l >>> 12]!;
    if ((e & this.acc) !== 0 && (l & 4095) !== 4095) {
      const p = (e & -4096) | (l & 4095);
      this.m8[p] = v;
      this.m8[p + 1] = v >> 8;
      return;
    }
    this.wrSlow(l, 2, v, this.acc === T_USR);
  }

  wr32(l: number, v: number): void {
    const e = this.tlbW[l >>> 12]!;
    if ((e & this.acc) !== 0) {
      if ((l & 3) === 0) {
        this.m32[((e & -4096) | (l & 4095)) >>> 2] = v;
        return;
      }
      if ((l & 4095) <= 4092) {
        const p = (e & -4096) | (l & 4095);
        const m = this.m8;
        m[p] = v;
        m[p + 1] = v >> 8;
        m[p + 2] = v >> 16;
        m[p + 3] = v >> 24;
        return;
      }
    }
    this.wrSlow(l, 4, v, this.acc === T_USR);
  }

  // ---- supervisor (implicit) accesses: descriptor tables, TSS, IDT ----

  /** Reads with supervisor rights regardless of CPL (descriptor tables, TSS). */
  sysRd32(l: number): number {
    return this.rdSlow(l, 4, false);
  }
  sysRd16(l: number): number {
    return this.rdSlow(l, 2, false);
  }
  sysWr8(l: number, v: number): void {
    this.wrSlow(l, 1, v, false);
  }
  sysWr32(l: number, v: number): void {
    this.wrSlow(l, 4, v, false);
  }

  // ---- slow paths ----

  /** True while an instruction of a block of more than one instruction runs (Cpu; see MmioSplit). */
  protected inSharedBlock(): boolean {
    return false;
  }

  /** A device must see the time of the accessing instruction's own end: see MmioSplit. */
  private mmioGate(phys: number): void {
    if (this.mem.isMmio(phys) && this.inSharedBlock()) throw new MmioSplit();
  }

  rdSlow(l: number, size: 1 | 2 | 4, user: boolean): number {
    if (this.watchHook !== null) this.watchHook(l, size, false);
    if (((l & 4095) + size) > 4096) {
      const phys: number[] = [];
      for (let i = 0; i < size; i++) phys.push(this.translate((l + i) | 0, false, user));
      if (this.mem.hasMmio) for (const p of phys) this.mmioGate(p);
      let v = 0;
      for (let i = 0; i < size; i++) v |= this.mem.read(phys[i]!, 1) << (8 * i);
      return v;
    }
    const p = this.translate(l, false, user);
    if (this.mem.hasMmio) this.mmioGate(p);
    return this.mem.read(p, size);
  }

  wrSlow(l: number, size: 1 | 2 | 4, v: number, user: boolean): void {
    if (this.watchHook !== null) this.watchHook(l, size, true);
    if (((l & 4095) + size) > 4096) {
      const phys: number[] = [];
      for (let i = 0; i < size; i++) phys.push(this.translate((l + i) | 0, true, user));
      if (this.mem.hasMmio) for (const p of phys) this.mmioGate(p);
      // Both pages are checked before either byte lands: a refused store changes nothing.
      if (this.mem.hasWriteProtection) for (let i = 0; i < size; i++) if (this.mem.writeProtected(phys[i]!)) throw new WriteProtectFault((l + i) | 0, phys[i]!, user);
      for (let i = 0; i < size; i++) this.mem.write(phys[i]!, 1, v >> (8 * i));
      return;
    }
    const p = this.translate(l, true, user);
    if (this.mem.hasMmio) this.mmioGate(p);
    // Second-level write protection: such a page never gets a write-TLB entry, so every store to it comes here.
    if (this.mem.hasWriteProtection && this.mem.writeProtected(p)) throw new WriteProtectFault(l, p, user);
    this.mem.write(p, size, v);
    this.fillWrite(l, p, user);
  }

  /** Translates a linear address for an access (`fetch`: an instruction fetch), raising #PF; fills the read TLB (and the write TLB for plain RAM). */
  translate(l: number, write: boolean, user: boolean, fetch = false): number {
    let phys: number;
    let flagsR = T_SUP | T_USR;
    let flagsW = T_SUP | T_USR;
    if ((this.cr0 & CR0_PG) === 0) {
      phys = l >>> 0;
      if (this.winBytes === 0 && this.watchHook === null) this.openReadWindow();
    } else if ((this.cr4 & CR4_PAE) !== 0) {
      const wp = (this.cr0 & CR0_WP) !== 0;
      const w = paeWalk(this.paeMem, this.cr3, l, { write, user, fetch, wp, nxe: this.nxEnabled }, this.paeOut);
      if (w.phys < 0) {
        this.cr2 = l | 0;
        throw new CpuFault(PF, w.fault);
      }
      phys = w.phys;
      flagsR = T_SUP | (w.rights & 4 ? T_USR : 0) | (w.noExec ? T_NX : 0);
      flagsW = (w.rights & 2 || !wp ? T_SUP : 0) | ((w.rights & 6) === 6 ? T_USR : 0);
      if (!w.dirty) flagsW = 0;
    } else {
      const mem = this.mem;
      const pdeAddr = ((this.cr3 & -4096) >>> 0) + ((l >>> 22) << 2);
      const pde = mem.read(pdeAddr, 4);
      if ((pde & 1) === 0) this.pageFault(l, 0, write, user);
      const wp = (this.cr0 & CR0_WP) !== 0;
      if ((pde & 0x80) !== 0 && (this.cr4 & CR4_PSE) !== 0) {
        this.checkPerm(l, pde, write, user, wp);
        const want = write ? 0x60 : 0x20;
        if ((pde & want) !== want) this.setWalkBits(pdeAddr, pde | want);
        phys = ((pde & 0xffc00000) | (l & 0x3fffff)) >>> 0;
        flagsR = T_SUP | (pde & 4 ? T_USR : 0);
        flagsW = (pde & 2 || !wp ? T_SUP : 0) | ((pde & 6) === 6 ? T_USR : 0);
        if ((pde & 0x40) === 0 && !write) flagsW = 0;
      } else {
        const pteAddr = ((pde & -4096) >>> 0) + (((l >>> 12) & 0x3ff) << 2);
        const pte = mem.read(pteAddr, 4);
        if ((pte & 1) === 0) this.pageFault(l, 0, write, user);
        const both = pde & pte;
        this.checkPerm(l, both, write, user, wp);
        if ((pde & 0x20) === 0) this.setWalkBits(pdeAddr, pde | 0x20);
        const want = write ? 0x60 : 0x20;
        if ((pte & want) !== want) this.setWalkBits(pteAddr, pte | want);
        phys = ((pte & -4096) | (l & 4095)) >>> 0;
        flagsR = T_SUP | (both & 4 ? T_USR : 0);
        flagsW = (both & 2 || !wp ? T_SUP : 0) | ((both & 6) === 6 ? T_USR : 0);
        if ((pte & 0x40) === 0 && !write) flagsW = 0;
      }
    }
    const ppage = phys >>> 12;
    if (this.watchHook === null && this.mem.pageIsRam(ppage)) {
      const lp = l >>> 12;
      if (this.tlbR[lp] === 0 && this.tlbW[lp] === 0) this.noteTlb(lp);
      this.tlbR[lp] = (ppage << 12) | flagsR;
      if (flagsW !== 0 && this.mem.pageWritableFast(ppage)) this.tlbW[lp] = (ppage << 12) | flagsW;
    }
    return phys;
  }

  /** The walker's accessed/dirty update of a paging entry: dropped when the entry lies in write-protected
   * memory (the guest keeps its tables in writable RAM; a protected table is walked without A/D updates). */
  private setWalkBits(addr: number, v: number): void {
    if (this.mem.hasWriteProtection && this.mem.writeProtected(addr)) return;
    this.mem.write(addr, 4, v);
  }

  private fillWrite(l: number, phys: number, user: boolean): void {
    // After a write to a code page the page is no longer code: a fresh translate fills the write TLB.
    const lp = l >>> 12;
    if (this.tlbW[lp] === 0 && this.mem.pageIsRam(phys >>> 12) && this.mem.pageWritableFast(phys >>> 12)) this.translate(l, true, user);
  }

  private checkPerm(l: number, bits: number, write: boolean, user: boolean, wp: boolean): void {
    if (user && (bits & 4) === 0) this.pageFault(l, 1, write, user);
    if (write && (bits & 2) === 0 && (user || wp)) this.pageFault(l, 1, write, user);
  }

  private pageFault(l: number, present: number, write: boolean, user: boolean): never {
    this.cr2 = l | 0;
    throw new CpuFault(PF, present | (write ? 2 : 0) | (user ? 4 : 0));
  }

  private noteTlb(lp: number): void {
    if (this.tlbCount < TLB_LIST_MAX) this.tlbList[this.tlbCount++] = lp;
    else this.tlbOverflow = true;
  }

  /** Opens the flat read window (winBase) over the longest run of RAM pages (paging off). */
  private openReadWindow(): void {
    const w = this.mem.largestRamRun();
    this.winBase = w.base;
    this.winBytes = w.bytes;
  }

  /** Drops every translation (CR3 write, CR0.PG/WP change, CPL-independent) and closes the read window. */
  flushTlb(): void {
    this.winBase = 0;
    this.winBytes = 0;
    if (this.tlbOverflow) {
      this.tlbR.fill(0);
      this.tlbW.fill(0);
    } else {
      for (let i = 0; i < this.tlbCount; i++) {
        const lp = this.tlbList[i]!;
        this.tlbR[lp] = 0;
        this.tlbW[lp] = 0;
      }
    }
    this.tlbCount = 0;
    this.tlbOverflow = false;
    this.epoch++;
  }

  /** Drops every write entry (reads stay cached): the next store to each page takes the slow path. */
  dropWriteTlb(): void {
    if (this.tlbOverflow) this.tlbW.fill(0);
    else for (let i = 0; i < this.tlbCount; i++) this.tlbW[this.tlbList[i]!] = 0;
  }

  /** INVLPG: drops the translations of the page (of the whole 4 MiB region when PSE is on). */
  invalidatePage(l: number): void {
    if ((this.cr4 & (CR4_PSE | CR4_PAE)) !== 0) {
      const first = (l >>> 22) << 10;
      for (let i = 0; i < 1024; i++) {
        this.tlbR[first + i] = 0;
        this.tlbW[first + i] = 0;
      }
    } else {
      this.tlbR[l >>> 12] = 0;
      this.tlbW[l >>> 12] = 0;
    }
    this.epoch++;
  }

  /** Marks [phys, phys+len) as code and removes write entries that point at its page. */
  protectCode(phys: number, len: number): void {
    const ppage = phys >>> 12;
    const was = this.mem.codePages[ppage] !== 0;
    this.mem.markCode(phys, len);
    if (was) return;
    const tag = ppage << 12;
    if (this.tlbOverflow) {
      this.tlbW.fill(0);
      return;
    }
    for (let i = 0; i < this.tlbCount; i++) {
      const lp = this.tlbList[i]!;
      if ((this.tlbW[lp]! & -4096) === tag) this.tlbW[lp] = 0;
    }
  }

  /** The #PF error code an access that probe() refused would get (P, W/R, U/S bits). */
  probeFaultCode(l: number, write: boolean, user: boolean): number {
    const cr2 = this.cr2;
    try {
      this.translate(l, write, user);
      return 0;
    } catch (e) {
      if (e instanceof CpuFault) {
        this.cr2 = cr2;
        return e.code ?? 0;
      }
      throw e;
    }
  }

  /** Translates without raising: physical address, or -1 when the access would fault (CR2 untouched). */
  probe(l: number, write: boolean, user: boolean): number {
    const cr2 = this.cr2;
    try {
      return this.translate(l, write, user);
    } catch (e) {
      if (e instanceof CpuFault) {
        this.cr2 = cr2;
        return -1;
      }
      throw e;
    }
  }

  // ---- segmentation ----

  /** Checks a data access through segment `seg` and returns the linear address (int32). */
  segChk(seg: number, off: number, size: number, write: number): number {
    const attr = this.segAttr[seg]!;
    const vec = seg === SS ? SSF : GP;
    if (attr === 0) throw new CpuFault(vec, 0);
    if (write !== 0) {
      if ((attr & ATTR_CODE) !== 0 || (attr & ATTR_WRITABLE) === 0) throw new CpuFault(vec, 0);
    } else if ((attr & ATTR_CODE) !== 0 && (attr & ATTR_WRITABLE) === 0) throw new CpuFault(vec, 0);
    const o = off >>> 0;
    const lim = this.segLimit[seg]!;
    if ((attr & (ATTR_EXPDOWN | ATTR_CODE)) === ATTR_EXPDOWN) {
      const upper = attr & ATTR_DB ? 0xffffffff : 0xffff;
      if (o <= lim || o + size - 1 > upper) throw new CpuFault(vec, 0);
    } else if (o + size - 1 > lim) throw new CpuFault(vec, 0);
    return (this.segBase[seg]! + o) | 0;
  }

  // ---- stack (generic path: any SS) ----

  protected stack32(): boolean {
    return (this.segAttr[SS]! & ATTR_DB) !== 0;
  }

  push32(v: number): void {
    const r = this.r;
    const sp = this.stack32() ? (r[4]! - 4) | 0 : (r[4]! - 4) & 0xffff;
    this.wr32(this.segChk(SS, sp, 4, 1), v);
    if (this.stack32()) r[4] = sp;
    else r[4] = (r[4]! & -65536) | sp;
  }

  push16(v: number): void {
    const r = this.r;
    const sp = this.stack32() ? (r[4]! - 2) | 0 : (r[4]! - 2) & 0xffff;
    this.wr16(this.segChk(SS, sp, 2, 1), v);
    if (this.stack32()) r[4] = sp;
    else r[4] = (r[4]! & -65536) | sp;
  }

  /** Reads the stack word at ESP+offset without popping. */
  peek32(offset: number): number {
    const sp = this.stack32() ? (this.r[4]! + offset) | 0 : (this.r[4]! + offset) & 0xffff;
    return this.rd32(this.segChk(SS, sp, 4, 0));
  }

  peek16(offset: number): number {
    const sp = this.stack32() ? (this.r[4]! + offset) | 0 : (this.r[4]! + offset) & 0xffff;
    return this.rd16(this.segChk(SS, sp, 2, 0));
  }

  /** Adds to ESP (or SP with a 16-bit stack). */
  addSp(n: number): void {
    const r = this.r;
    if (this.stack32()) r[4] = (r[4]! + n) | 0;
    else r[4] = (r[4]! & -65536) | ((r[4]! + n) & 0xffff);
  }

  pop32(): number {
    const v = this.peek32(0);
    this.addSp(4);
    return v;
  }

  pop16(): number {
    const v = this.peek16(0);
    this.addSp(2);
    return v;
  }
}
