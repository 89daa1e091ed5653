// Bits of the x87 status and control words (SDM vol. 1 §8.1.3, §8.1.5) and the FTW tag values.

/** Exception flags (status word bits 0..5) and the matching mask bits of the control word. */
export const IE = 0x01, DE = 0x02, ZE = 0x04, OE = 0x08, UE = 0x10, PE = 0x20;
/** Stack fault, error summary, condition codes, busy. */
export const SF = 0x40, ES = 0x80, C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000, BUSY = 0x8000;
export const CC = C0 | C1 | C2 | C3;
export const EXC = IE | DE | ZE | OE | UE | PE;
/** Control word fields: precision control (bits 8-9) and rounding control (bits 10-11). */
export const PC_SHIFT = 8, RC_SHIFT = 10;
/** Control word after FNINIT: all exceptions masked, 64-bit precision, round to nearest. */
export const CW_INIT = 0x037f;
/** Rounding modes (RC field). */
export const RC_NEAR = 0, RC_DOWN = 1, RC_UP = 2, RC_CHOP = 3;
/** Tag values of the full tag word. */
export const TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3;

/** Significand precision selected by the PC field (the reserved value 1 behaves as 64 bits here). */
export function precisionOf(cw: number): 24 | 53 | 64 {
  const pc = (cw >> PC_SHIFT) & 3;
  return pc === 0 ? 24 : pc === 2 ? 53 : 64;
}

export function roundingOf(cw: number): number {
  return (cw >> RC_SHIFT) & 3;
}
