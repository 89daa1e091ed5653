// Guest memory as a debugger sees it: linear addresses translated through the guest's own page tables
// without side effects (no accessed/dirty bits set, no TLB fill, no CR2), RAM only (an MMIO window is
// never read or written on a debugger's behalf). Writes go through PhysicalMemory, so decoded code and
// the dirty log see them. Not responsible for rights: the debugger may write a read-only page.
import type { Cpu } from "../cpu/cpu";
import { CR0_PG, CR4_PSE } from "../cpu/cpu-state";

/** Longest single debugger access. */
export const MAX_DEBUG_ACCESS = 64 * 1024;

/** Physical address of linear `lin` under the vCPU's current paging, or -1 when not mapped. */
export function debugTranslate(cpu: Cpu, lin: number): number {
  const l = lin >>> 0;
  if ((cpu.cr0 & CR0_PG) === 0) return l;
  const mem = cpu.mem;
  const pdeAddr = ((cpu.cr3 & -4096) >>> 0) + ((l >>> 22) << 2);
  if (!mem.isRam(pdeAddr)) return -1;
  const pde = mem.read(pdeAddr, 4);
  if ((pde & 1) === 0) return -1;
  if ((pde & 0x80) !== 0 && (cpu.cr4 & CR4_PSE) !== 0) return ((pde & 0xffc00000) | (l & 0x3fffff)) >>> 0;
  const pteAddr = ((pde & -4096) >>> 0) + (((l >>> 12) & 0x3ff) << 2);
  if (!mem.isRam(pteAddr)) return -1;
  const pte = mem.read(pteAddr, 4);
  if ((pte & 1) === 0) return -1;
  return ((pte & -4096) | (l & 4095)) >>> 0;
}

/** Physical addresses of [lin, lin+len), or null when any byte is unmapped or not RAM. */
function physRange(cpu: Cpu, lin: number, len: number): number[] | null {
  if (!Number.isInteger(len) || len < 0 || len > MAX_DEBUG_ACCESS || !Number.isInteger(lin) || lin < 0 || lin + len > 0x1_0000_0000) return null;
  const out: number[] = [];
  let page = -1;
  let base = 0;
  for (let i = 0; i < len; i++) {
    const a = lin + i;
    if (a >>> 12 !== page) {
      page = a >>> 12;
      const p = debugTranslate(cpu, a);
      if (p < 0) return null;
      base = p - (a & 4095);
    }
    const p = base + (a & 4095);
    if (!cpu.mem.isRam(p)) return null;
    out.push(p);
  }
  return out;
}

/** Reads guest-linear memory for a debugger; null when any byte is unmapped or outside RAM. */
export function debugRead(cpu: Cpu, lin: number, len: number): Uint8Array | null {
  const phys = physRange(cpu, lin, len);
  if (phys === null) return null;
  const u8 = cpu.mem.u8;
  return Uint8Array.from(phys, (p) => u8[p]!);
}

/** Writes guest-linear memory for a debugger (all bytes checked first); false when any byte is unmapped or outside RAM. */
export function debugWrite(cpu: Cpu, lin: number, data: Uint8Array): boolean {
  const phys = physRange(cpu, lin, data.length);
  if (phys === null) return false;
  phys.forEach((p, i) => cpu.mem.write(p, 1, data[i]!));
  return true;
}
