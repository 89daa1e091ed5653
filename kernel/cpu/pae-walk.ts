// The PAE page walk (Intel SDM vol. 3, 4.4 "PAE paging"): CR3 names a 32-byte page-directory-pointer table of
// four 64-bit entries, then a 512-entry directory (2 MiB pages with PS) and 512-entry tables, with the
// execute-disable bit 63 honoured when IA32_EFER.NXE is set. A pure walk over a word-reading callback; the
// MMU (mmu.ts) fills its TLB from the result and raises the #PF this returns.
// Deviation: the PDPTEs are read at every walk instead of being cached at CR3 load (same results unless a
// guest edits a live PDPT without reloading CR3, which the SDM leaves to the cached copy).

/** #PF error code bits (SDM vol. 3 4.7). */
export const PF_P = 1, PF_W = 2, PF_U = 4, PF_RSVD = 8, PF_I = 16;
/** Entry bits: present, writable, user, accessed, dirty, page size. */
const P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80;
/** High-word bits 0-30 are address bits 32-62: this PC has no memory above 4 GiB (MAXPHYADDR 32), so they are reserved. */
const HIGH_RESERVED = 0x7fffffff;
/** High-word bit 31: execute-disable (bit 63). */
const XD = 0x80000000;
/** PDPTE bits 1-2 and 5-8 are reserved (SDM table 4-8). */
const PDPTE_RESERVED = 0x1e6;

/** Where one linear address maps, and what the combined entries allow. */
export interface PaeWalk {
  /** Physical address, or -1 when the walk faults (then `fault` is the #PF error code). */
  phys: number;
  fault: number;
  /** AND of the R/W and U/S bits over the levels (bit 1, bit 2). */
  rights: number;
  /** True when some level sets XD and NXE is on. */
  noExec: boolean;
  /** True when the final entry's dirty bit is set (a read can then fill a write translation). */
  dirty: boolean;
}

/** The memory the walk reads and updates (32-bit words at physical addresses). */
export interface PaeMemory {
  read32(addr: number): number;
  write32(addr: number, v: number): void;
}

/**
 * Walks the PAE tables for `lin`. Checks presence, reserved bits, U/S, R/W (with CR0.WP), and XD on fetches;
 * sets accessed bits on the way and the dirty bit of the final entry on a write, as the processor does.
 */
export function paeWalk(mem: PaeMemory, cr3: number, lin: number, access: { write: boolean; user: boolean; fetch: boolean; wp: boolean; nxe: boolean }, out: PaeWalk): PaeWalk {
  const err = (bits: number): PaeWalk => {
    out.phys = -1;
    out.fault = bits | (access.write ? PF_W : 0) | (access.user ? PF_U : 0) | (access.fetch && access.nxe ? PF_I : 0);
    return out;
  };
  const hiRsvd = access.nxe ? HIGH_RESERVED : HIGH_RESERVED | XD;
  const pdpteAddr = ((cr3 & ~0x1f) >>> 0) + ((lin >>> 30) << 3);
  const pdpte = mem.read32(pdpteAddr);
  if ((pdpte & P) === 0) return err(0);
  if ((pdpte & PDPTE_RESERVED) !== 0 || (mem.read32(pdpteAddr + 4) & (HIGH_RESERVED | XD)) !== 0) return err(P | PF_RSVD);
  const pdeAddr = ((pdpte & -4096) >>> 0) + (((lin >>> 21) & 0x1ff) << 3);
  const pde = mem.read32(pdeAddr);
  if ((pde & P) === 0) return err(0);
  const pdeHi = mem.read32(pdeAddr + 4);
  if ((pdeHi & hiRsvd) !== 0) return err(P | PF_RSVD);
  let rights = pde & (RW | US);
  let xd = (pdeHi & XD) !== 0 && access.nxe;
  let entry: number, entryAddr: number, phys: number;
  if ((pde & PS) !== 0) {
    // 2 MiB page: bits 13-20 of the entry are reserved.
    if ((pde & 0x1fe000) !== 0) return err(P | PF_RSVD);
    entry = pde;
    entryAddr = pdeAddr;
    phys = ((pde & 0xffe00000) | (lin & 0x1fffff)) >>> 0;
  } else {
    const pteAddr = ((pde & -4096) >>> 0) + (((lin >>> 12) & 0x1ff) << 3);
    const pte = mem.read32(pteAddr);
    if ((pte & P) === 0) return err(0);
    const pteHi = mem.read32(pteAddr + 4);
    if ((pteHi & hiRsvd) !== 0) return err(P | PF_RSVD);
    rights &= pte;
    xd ||= (pteHi & XD) !== 0 && access.nxe;
    if ((pde & A) === 0) mem.write32(pdeAddr, pde | A);
    entry = pte;
    entryAddr = pteAddr;
    phys = ((pte & -4096) | (lin & 4095)) >>> 0;
  }
  if (access.user && (rights & US) === 0) return err(P);
  if (access.write && (rights & RW) === 0 && (access.user || access.wp)) return err(P);
  if (access.fetch && xd) return err(P);
  const want = access.write ? A | D : A;
  if ((entry & want) !== want) mem.write32(entryAddr, entry | want);
  out.phys = phys;
  out.fault = 0;
  out.rights = rights;
  out.noExec = xd;
  out.dirty = ((entry | want) & D) !== 0;
  return out;
}
