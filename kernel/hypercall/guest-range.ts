// Checks that a guest pointer range is entirely accessible to the guest itself (ring 3, its own page
// tables) before a service touches it: the EFAULT test of every pointer argument. Copies go through
// kernel/mem/guest-access.ts; this only asks the MMU, page by page, without side effects on the guest.
import type { Cpu } from "../cpu/cpu";

/** True when [addr, addr+len) can be read (and written, when `write`) by the guest at CPL 3. */
export function guestRangeOk(cpu: Cpu, addr: number, len: number, write: boolean, maxLen: number): boolean {
  if (!Number.isSafeInteger(len) || len < 0 || len > maxLen || addr + len > 0x1_0000_0000) return false;
  for (let off = 0; off < len; ) {
    const lin = addr + off;
    if (cpu.probe(lin | 0, write, true) < 0) return false;
    off += 4096 - (lin & 4095);
  }
  return true;
}
