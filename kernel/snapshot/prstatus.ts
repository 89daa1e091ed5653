// NT_PRSTATUS in the i386 Linux layout (struct elf_prstatus, 144 bytes; pr_reg is user_regs_struct),
// so gdb and readelf show a snapshot's registers. Written from the saved vCPU state; never read back
// (the apexvisor cpu note is the state restore uses).
import type { CpuSavedState } from "../cpu/cpu";

/** Note type NT_PRSTATUS, owner "CORE". */
export const NT_PRSTATUS = 1;
/** sizeof(struct elf_prstatus) on i386. */
export const PRSTATUS_SIZE = 144;
/** Offset of pr_reg: siginfo (12), cursig + pad (4), sigpend, sighold (8), pid, ppid, pgrp, sid (16), 4 timevals (32). */
const PR_REG = 72;

/** The descriptor of NT_PRSTATUS for one vCPU (`pid` tells vCPUs apart in gdb's thread list). */
export function prstatus(cpu: CpuSavedState, pid: number): Uint8Array {
  const out = new Uint8Array(PRSTATUS_SIZE);
  const v = new DataView(out.buffer);
  v.setUint32(24, pid >>> 0, true); // pr_pid
  const [eax = 0, ecx = 0, edx = 0, ebx = 0, esp = 0, ebp = 0, esi = 0, edi = 0] = cpu.regs;
  const sel = (i: number): number => cpu.seg[i]?.sel ?? 0;
  // user_regs_struct: ebx ecx edx esi edi ebp eax xds xes xfs xgs orig_eax eip xcs eflags esp xss
  const regs = [ebx, ecx, edx, esi, edi, ebp, eax, sel(3), sel(0), sel(4), sel(5), -1, cpu.eip, sel(1), cpu.eflags, esp, sel(2)];
  regs.forEach((r, i) => v.setUint32(PR_REG + 4 * i, r >>> 0, true));
  v.setUint32(PR_REG + 68, 0, true); // pr_fpvalid: no FPU note
  return out;
}
