// The I/O permission bitmap of the current 32-bit TSS (Intel SDM vol. 1, 19.5.2 "I/O Permission Bit
// Map"; vol. 3A, 8.7 "I/O Map Base Address Field"): consulted by IN/OUT/INS/OUTS when CPL > IOPL.
// Not responsible for the IOPL test itself (ops-system.ts) nor for building a bitmap (kernel/pv/).
import { ATTR_P } from "./cpu-state";
import { CpuFault, GP } from "./faults";

/** Offset in a 32-bit TSS of the 16-bit I/O map base (the bitmap's offset from the TSS base). */
export const TSS_IOMAP_BASE_FIELD = 0x66;
/** Types (descriptor bits 8..11) of an available and a busy 32-bit TSS: only these carry a bitmap. */
const TSS32_AVAILABLE = 0x9, TSS32_BUSY = 0xb;

/** The task-register state and supervisor reads the check needs (a CpuSystem). */
export interface IoBitmapCpu {
  readonly trBase: number;
  readonly trLimit: number;
  readonly trAttr: number;
  sysRd16(linear: number): number;
}

/**
 * #GP(0) unless every bit for ports [port, port + size) is clear in the bitmap. As the SDM describes,
 * the processor reads two bytes at `iomapBase + port / 8`, so both must lie within the TSS limit; a
 * bitmap that ends earlier denies the ports it does not cover. No TSS loaded (or a 16-bit one, which
 * has no bitmap) denies every port.
 */
export function checkIoBitmap(cpu: IoBitmapCpu, port: number, size: 1 | 2 | 4): void {
  const type = (cpu.trAttr >> 8) & 0xf;
  if ((cpu.trAttr & ATTR_P) === 0 || (type !== TSS32_AVAILABLE && type !== TSS32_BUSY)) throw new CpuFault(GP, 0);
  const limit = cpu.trLimit >>> 0;
  if (limit < TSS_IOMAP_BASE_FIELD + 1) throw new CpuFault(GP, 0);
  const mapBase = cpu.sysRd16((cpu.trBase + TSS_IOMAP_BASE_FIELD) | 0) & 0xffff;
  const at = mapBase + ((port & 0xffff) >>> 3);
  if (at + 1 > limit) throw new CpuFault(GP, 0);
  const bits = cpu.sysRd16((cpu.trBase + at) | 0) & 0xffff;
  const mask = ((1 << size) - 1) << (port & 7);
  if ((bits & mask) !== 0) throw new CpuFault(GP, 0);
}
