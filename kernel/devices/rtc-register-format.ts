// How the MC146818 presents a time value in its registers: BCD or binary (register B, DM) and the
// hour in 24- or 12-hour form with bit 7 as PM (register B, 24/12). Pure; no register state.

/** Register B's data-mode bits as they affect time values. */
export interface RtcFormat {
  /** DM = 1: binary; DM = 0: BCD. */
  readonly binary: boolean;
  /** 24/12 = 1: 24-hour; 0: 12-hour with the PM flag. */
  readonly hour24: boolean;
}

const HOUR_PM = 0x80; // hours register bit 7 in 12-hour mode: PM

/** A value 0..99 as the register holds it. */
export function encodeValue(f: RtcFormat, n: number): number {
  return f.binary ? n & 0xff : ((Math.floor(n / 10) % 10) << 4) | (n % 10);
}

/** The value of a register byte (invalid BCD digits are taken at face value, as the chip's counters would). */
export function decodeValue(f: RtcFormat, b: number): number {
  return f.binary ? b : ((b >> 4) & 0xf) * 10 + (b & 0xf);
}

/** Hour 0..23 as the hours register holds it (12 AM is 12, 1 PM is 0x81 in BCD). */
export function encodeHour(f: RtcFormat, hour: number): number {
  if (f.hour24) return encodeValue(f, hour);
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  return encodeValue(f, h12) | (hour >= 12 ? HOUR_PM : 0);
}

/** Hour 0..23 of an hours-register byte. */
export function decodeHour(f: RtcFormat, b: number): number {
  if (f.hour24) return decodeValue(f, b);
  return (decodeValue(f, b & ~HOUR_PM) % 12) + ((b & HOUR_PM) !== 0 ? 12 : 0);
}
