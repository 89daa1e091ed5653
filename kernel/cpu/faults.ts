// Exception vectors and the CpuFault value thrown inside the interpreter when an instruction faults.
// A CpuFault never leaves Cpu.run(): it is delivered to the guest IDT or turned into a CpuExit.

export const DE = 0, DB = 1, NMI = 2, BP = 3, OFV = 4, BR = 5, UD = 6, NM = 7, DF = 8, TS = 10, NP = 11, SSF = 12, GP = 13, PF = 14;

/** An architectural exception raised by the instruction being executed. */
export class CpuFault {
  constructor(
    /** Exception vector (0..31). */
    readonly vector: number,
    /** Error code pushed by the exception, if it has one. */
    readonly code: number | undefined,
  ) {}
}

/** #GP with an error code (0 unless a selector is at fault). */
export function gp(code = 0): CpuFault {
  return new CpuFault(GP, code);
}

/** #UD (no error code). */
export function ud(): CpuFault {
  return new CpuFault(UD, undefined);
}

/** True for exceptions that push an error code (Intel SDM vol. 3 table 6-1). */
export function hasErrorCode(vector: number): boolean {
  return vector === DF || (vector >= TS && vector <= PF) || vector === 17;
}

/** Double-fault class (SDM vol. 3 table 6-5): 0 benign, 1 contributory, 2 page fault. */
export function faultClass(vector: number): 0 | 1 | 2 {
  if (vector === PF) return 2;
  if (vector === DE || (vector >= TS && vector <= GP)) return 1;
  return 0;
}

/**
 * Thrown by a memory handler whose access cannot complete yet (a forwarded MMIO read waiting on its
 * I/O server, kernel/ioreq): the instruction is rolled back exactly as for a fault (EIP on it, nothing
 * counted or charged), no exception is delivered, and run() returns a `stop` exit with `reason`. The
 * instruction runs again from its start when the vCPU runs next. Only block code may see it
 * (Cpu.retryableAccess).
 */
export class AccessRetry {
  constructor(readonly reason: string) {}
}

/**
 * Thrown by the CPU's own data access to an MMIO window while an instruction runs inside a block of more
 * than one instruction. A block charges its whole cost when it starts, so a device called from inside it
 * would see the time as of the block's end, which depends on where blocks begin and end (cache history, a
 * resume). The instruction is rolled back as for a fault, before the device saw anything, and runs again
 * as a block of its own, where the time is that of its own end, as for IN/OUT (Cpu.ioInAt). Never leaves
 * the CPU.
 */
export class MmioSplit {}

/**
 * Thrown by a store into a guest-physical page the guest may not write (PhysicalMemory.writeProtected: an
 * FV partition's READ_ONLY region or shared block). The second-level check of a hypervisor, not an
 * architectural exception: nothing is written, the instruction is rolled back as for a fault (a REP string
 * instruction keeps the iterations done before it, as for a #PF), the guest's IDT and CR2 are untouched, and
 * run() stops with WRITE_PROTECT_STOP; Cpu.writeViolation says where.
 */
export class WriteProtectFault {
  constructor(
    /** Linear address of the refused byte. */
    readonly linear: number,
    /** Its guest-physical address. */
    readonly phys: number,
    /** The store was made at CPL 3. */
    readonly user: boolean,
  ) {}
}

/** The stop reason of a run that ended on a WriteProtectFault. */
export const WRITE_PROTECT_STOP = "write to write-protected guest-physical memory";
