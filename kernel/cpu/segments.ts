// Segmentation of the CPU: descriptor-table lookups, the protected-mode rules for loading segment
// registers, hidden descriptor caches and the "segment mode" (which segments are flat) that the
// block cache keys decoded code on. Far control transfers and gates live in interrupts.ts.
import { ATTR_ACCESSED, ATTR_CODE, ATTR_DB, ATTR_EXPDOWN, ATTR_G, ATTR_P, ATTR_S, ATTR_WRITABLE, CR0_PG, CS, SS } from "./cpu-state";
import { CpuFault, GP, NP, SSF } from "./faults";
import { CpuMmu } from "./mmu";
import { flatBit, SegMode } from "./seg-mode";

/** A descriptor as read from a table: both dwords (int32) and its linear address. */
export interface Descriptor {
  lo: number;
  hi: number;
  addr: number;
}

/** Base of a segment descriptor. */
export function descBase(d: Descriptor): number {
  return ((d.lo >>> 16) | ((d.hi & 0xff) << 16) | (d.hi & 0xff000000)) | 0;
}
/** Effective byte limit of a segment descriptor (unsigned). */
export function descLimit(d: Descriptor): number {
  const raw = (d.lo & 0xffff) | (d.hi & 0xf0000);
  return d.hi & ATTR_G ? ((raw << 12) | 0xfff) >>> 0 : raw;
}
/** Attribute bits kept in the hidden cache (ATTR_*). */
export function descAttr(d: Descriptor): number {
  return d.hi & 0x00f0ff00;
}
export function descDpl(d: Descriptor): number {
  return (d.hi >> 13) & 3;
}

/** Segment-register behaviour layered over the memory side. */
export class CpuSeg extends CpuMmu {
  /** Bit k: segment k is flat (base 0, 4 GiB, usable for reads and writes); bit 6: CS 32-bit; bit 7: SS 32-bit. */
  segMode = 0;

  /** Installs a hidden descriptor cache entry and the visible selector. */
  setSegCache(seg: number, sel: number, base: number, limit: number, attr: number): void {
    this.segSel[seg] = sel & 0xffff;
    this.segBase[seg] = base | 0;
    this.segLimit[seg] = limit >>> 0;
    this.segAttr[seg] = attr;
    if (seg === CS) {
      this.cpl = sel & 3;
      this.acc = this.cpl === 3 ? 2 : 1;
    }
    this.updateSegMode();
  }

  /** Every change of CR0.PG is followed by a flush (movToCr, a PV machine's setup, restore): segMode learns it here. */
  override flushTlb(): void {
    super.flushTlb();
    this.updateSegMode();
  }

  protected updateSegMode(): void {
    let m = 0;
    for (let s = 0; s < 6; s++) {
      const a = this.segAttr[s]!;
      const flat =
        this.segBase[s] === 0 &&
        this.segLimit[s] === 0xffffffff &&
        (a & (ATTR_P | ATTR_S | ATTR_WRITABLE)) === (ATTR_P | ATTR_S | ATTR_WRITABLE) &&
        (a & ATTR_CODE ? s === CS : (a & ATTR_EXPDOWN) === 0);
      if (flat) m |= flatBit(s);
    }
    if (this.segAttr[CS]! & ATTR_DB) m |= SegMode.Code32;
    if (this.segAttr[SS]! & ATTR_DB) m |= SegMode.Stack32;
    m |= this.cpl << SegMode.CplShift;
    if ((this.cr0 & CR0_PG) === 0) m |= SegMode.Unpaged;
    if (m !== this.segMode) {
      this.segMode = m;
      this.epoch++;
    }
  }

  /** Reads the descriptor named by `sel` from the GDT or LDT; `fault` is raised (with the selector) when it lies outside the table. */
  readDesc(sel: number, faultVec = GP, ext = 0): Descriptor {
    const index = sel & 0xfff8;
    let base: number;
    let limit: number;
    if (sel & 4) {
      if ((this.ldtSel & 0xfffc) === 0) throw new CpuFault(faultVec, (sel & 0xfffc) | ext);
      base = this.ldtBase;
      limit = this.ldtLimit;
    } else {
      base = this.gdtBase;
      limit = this.gdtLimit;
    }
    if (index + 7 > limit) throw new CpuFault(faultVec, (sel & 0xfffc) | ext);
    const addr = (base + index) | 0;
    return { lo: this.sysRd32(addr), hi: this.sysRd32((addr + 4) | 0), addr };
  }

  /** Sets the accessed bit of a descriptor in memory (as the CPU does on load). */
  protected touchDesc(d: Descriptor): void {
    if ((d.hi & ATTR_ACCESSED) === 0) {
      d.hi |= ATTR_ACCESSED;
      this.sysWr8((d.addr + 5) | 0, (d.hi >> 8) & 0xff);
    }
  }

  /** MOV/POP/LDS-style load of DS, ES, FS, GS or SS with the protected-mode checks (SDM vol. 3 5.10). */
  loadSeg(seg: number, sel: number): void {
    sel &= 0xffff;
    const err = sel & 0xfffc;
    if (seg === CS) throw new CpuFault(6, undefined);
    if (err === 0) {
      if (seg === SS) throw new CpuFault(GP, 0);
      this.setSegCache(seg, sel, 0, 0, 0);
      return;
    }
    const d = this.readDesc(sel);
    const dpl = descDpl(d);
    const rpl = sel & 3;
    const attr = descAttr(d);
    if (seg === SS) {
      if (rpl !== this.cpl || dpl !== this.cpl || (attr & (ATTR_S | ATTR_CODE | ATTR_WRITABLE)) !== (ATTR_S | ATTR_WRITABLE)) throw new CpuFault(GP, err);
      if ((attr & ATTR_P) === 0) throw new CpuFault(SSF, err);
    } else {
      if ((attr & ATTR_S) === 0 || (attr & (ATTR_CODE | ATTR_WRITABLE)) === ATTR_CODE) throw new CpuFault(GP, err);
      const conforming = (attr & (ATTR_CODE | ATTR_EXPDOWN)) === (ATTR_CODE | ATTR_EXPDOWN);
      if (!conforming && (rpl > dpl || this.cpl > dpl)) throw new CpuFault(GP, err);
      if ((attr & ATTR_P) === 0) throw new CpuFault(NP, err);
    }
    this.touchDesc(d);
    this.setSegCache(seg, sel, descBase(d), descLimit(d), descAttr(d) | ATTR_ACCESSED);
  }

  /** Checks that `sel` names a present code segment usable as a far jump/call target at the current CPL and returns it. */
  codeTarget(sel: number, forRet: boolean): Descriptor {
    const err = sel & 0xfffc;
    if (err === 0) throw new CpuFault(GP, 0);
    const d = this.readDesc(sel);
    const attr = descAttr(d);
    if ((attr & (ATTR_S | ATTR_CODE)) !== (ATTR_S | ATTR_CODE)) throw new CpuFault(GP, err); // call gates, TSS, task gates: unsupported
    const dpl = descDpl(d);
    const rpl = sel & 3;
    const conforming = (attr & ATTR_EXPDOWN) !== 0;
    if (forRet) {
      if (rpl < this.cpl || (conforming ? dpl > rpl : dpl !== rpl)) throw new CpuFault(GP, err);
    } else if (conforming ? dpl > this.cpl : rpl > this.cpl || dpl !== this.cpl) throw new CpuFault(GP, err);
    if ((attr & ATTR_P) === 0) throw new CpuFault(NP, err);
    return d;
  }

  /** Loads CS from a checked descriptor with the given privilege and jumps to `eip`. */
  loadCs(sel: number, d: Descriptor, cpl: number, eip: number): void {
    const limit = descLimit(d);
    if (eip >>> 0 > limit) throw new CpuFault(GP, 0);
    this.touchDesc(d);
    this.setSegCache(CS, (sel & 0xfffc) | cpl, descBase(d), limit, descAttr(d) | ATTR_ACCESSED);
    this.eip = eip >>> 0;
  }

  /** After a return to an outer level: data segments more privileged than the new CPL become null (SDM vol. 3 5.8.6). */
  protected nullInaccessibleSegs(): void {
    for (const s of [0, 3, 4, 5]) {
      const a = this.segAttr[s]!;
      if (a === 0) continue;
      const dpl = (a >> 13) & 3;
      const conformingCode = (a & (ATTR_CODE | ATTR_EXPDOWN)) === (ATTR_CODE | ATTR_EXPDOWN);
      if (!conformingCode && dpl < this.cpl) this.setSegCache(s, 0, 0, 0, 0);
    }
  }

  /** Installs flat 4 GiB code and data descriptors in the hidden caches, as a Multiboot loader leaves the machine. */
  loadFlat32(opts: { codeSelector: number; dataSelector: number; cpl: 0 | 3 }): void {
    const dpl = opts.cpl << 13;
    const code = ATTR_P | ATTR_S | ATTR_CODE | ATTR_WRITABLE | ATTR_ACCESSED | ATTR_DB | ATTR_G | dpl;
    const data = ATTR_P | ATTR_S | ATTR_WRITABLE | ATTR_ACCESSED | ATTR_DB | ATTR_G | dpl;
    this.setSegCache(CS, (opts.codeSelector & 0xfffc) | opts.cpl, 0, 0xffffffff, code);
    for (const s of [0, 2, 3, 4, 5]) this.setSegCache(s, (opts.dataSelector & 0xfffc) | opts.cpl, 0, 0xffffffff, data);
  }
}
