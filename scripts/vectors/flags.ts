// EFLAGS bit names and masks shared by the vector recorder and the vector test. Only the bits an
// unprivileged i386 instruction can change are named; nothing here computes flags.

/** EFLAGS.CF, carry (bit 0). */
export const CF = 0x0001;
/** EFLAGS.PF, parity of the low result byte (bit 2). */
export const PF = 0x0004;
/** EFLAGS.AF, auxiliary carry out of bit 3 (bit 4). */
export const AF = 0x0010;
/** EFLAGS.ZF, zero (bit 6). */
export const ZF = 0x0040;
/** EFLAGS.SF, sign (bit 7). */
export const SF = 0x0080;
/** EFLAGS.DF, string direction (bit 10). */
export const DF = 0x0400;
/** EFLAGS.OF, signed overflow (bit 11). */
export const OF = 0x0800;
/** EFLAGS bit 1 reads as 1 on every x86. */
export const EFLAGS_FIXED = 0x0002;
/** The six status flags. */
export const STATUS = CF | PF | AF | ZF | SF | OF;
/** Every bit the vectors record and compare: the status flags and DF. */
export const COMPARED = STATUS | DF;

const NAMES: ReadonlyArray<readonly [number, string]> = [
  [OF, "OF"],
  [DF, "DF"],
  [SF, "SF"],
  [ZF, "ZF"],
  [AF, "AF"],
  [PF, "PF"],
  [CF, "CF"],
];

/** Names of the set bits among the compared flags, e.g. "OF|ZF", or "-" when none. */
export function flagNames(bits: number): string {
  const set = NAMES.filter(([bit]) => (bits & bit) !== 0).map(([, name]) => name);
  return set.length === 0 ? "-" : set.join("|");
}
