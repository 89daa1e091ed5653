// The bits of Cpu.segMode: the segment state a compiled block depends on, and whether paging is on (blocks are
// cached per value).
// A flat segment (base 0, limit 4 GiB, usable for the access) lets generated code skip segment checks.

/** segMode bits. Bit `1 << seg` (seg = ES..GS, cpu-state.ts) is set when that segment is flat. */
export enum SegMode {
  FlatES = 1 << 0,
  FlatCS = 1 << 1,
  FlatSS = 1 << 2,
  FlatDS = 1 << 3,
  FlatFS = 1 << 4,
  FlatGS = 1 << 5,
  /** CS.D: 32-bit default operand and address size. */
  Code32 = 0x40,
  /** SS.B: 32-bit stack pointer. */
  Stack32 = 0x80,
  /** The CPL sits in bits 8-9. */
  CplShift = 8,
  /** Paging is off (CR0.PG clear, as of the last TLB flush): linear addresses are physical, and the block reads
   * through the flat read window (CpuMmu.winBase) before the TLB. */
  Unpaged = 1 << 10,
}

/** The flat bit of segment register `seg`. */
export function flatBit(seg: number): number {
  return 1 << seg;
}

/** segMode of flat 32-bit code at CPL `cpl` (every segment flat, CS.D and SS.B set). */
export function flat32Mode(cpl: number): number {
  return 0x3f | SegMode.Code32 | SegMode.Stack32 | (cpl << SegMode.CplShift);
}
