// The x87's integer roundings and 64-bit integer conversions in Numbers, from the significand's 32-bit halves:
// FRNDINT, FIST/FISTP/FISTTP to 64 bits, and FILD of 64 bits. The BigInt forms in convert.ts (roundToInt, toInt,
// fromInt) stay the reference and take what these return null for (denormals, |x| >= 2^63); int-fast.test.ts holds
// them to it. A C floor() or rint() is FRNDINT, and a long long cast FISTP/FILD m64.
import type { Res } from "./arith";
import { BIAS, F80, isNormal, zero } from "./f80";
import { PE, RC_DOWN, RC_NEAR, RC_UP } from "./status";

const TWO32 = 4294967296;

/** Whether rounding a value with a non-zero fraction, whose comparison with one half is `cmp` (-1, 0, 1), and whose
 * integer part is odd when `odd`, goes up in magnitude under `rc`. */
function roundsUp(s: 0 | 1, cmp: number, odd: boolean, rc: number): boolean {
  switch (rc) {
    case RC_NEAR: return cmp > 0 || (cmp === 0 && odd);
    case RC_DOWN: return s === 1;
    case RC_UP: return s === 0;
    default: return false;
  }
}

/** A normal x with 1 <= |x| < 2^63 rounded to an integer under `rc`, in place: the significand with its fraction bits
 * cleared (plus a unit of the last integer bit when rounded up), `carry` when that unit carried out of the 64 bits
 * (the result is then 2^(top + 1)). */
interface AtPoint {
  hi: number;
  lo: number;
  carry: boolean;
  inexact: boolean;
  up: boolean;
}
const at: AtPoint = { hi: 0, lo: 0, carry: false, inexact: false, up: false };

function roundAtPoint(x: F80, top: number, rc: number): AtPoint {
  const f = 63 - top; // fraction bits, 1..63
  let hi = x.hi;
  let lo = x.lo;
  let cmp: number;
  let odd: boolean;
  let inexact: boolean;
  if (f <= 32) {
    const frac = f === 32 ? lo : lo & ((1 << f) - 1);
    const half = 2 ** (f - 1);
    inexact = frac !== 0;
    cmp = frac > half ? 1 : frac === half ? 0 : -1;
    odd = (f === 32 ? hi & 1 : (lo >>> f) & 1) === 1;
    lo = f === 32 ? 0 : (lo - frac) >>> 0;
  } else {
    const k = f - 32; // fraction bits in hi, 1..31; all of lo is fraction
    const frac = hi & ((1 << k) - 1);
    const half = 2 ** (k - 1);
    inexact = frac !== 0 || lo !== 0;
    cmp = frac > half || (frac === half && lo !== 0) ? 1 : frac === half ? 0 : -1;
    odd = ((hi >>> k) & 1) === 1;
    hi = (hi - frac) >>> 0;
    lo = 0;
  }
  const up = inexact && roundsUp(x.s, cmp, odd, rc);
  let carry = false;
  if (up) {
    // One unit of the last integer bit, 2^f of the significand.
    if (f < 32) {
      lo += 2 ** f;
      if (lo >= TWO32) {
        lo -= TWO32;
        hi += 1;
      }
    } else hi += 2 ** (f - 32);
    carry = hi >= TWO32;
  }
  at.hi = hi;
  at.lo = lo;
  at.carry = carry;
  at.inexact = inexact;
  at.up = up;
  return at;
}

/** Whether a value below 1 in magnitude (x normal, top < 0) rounds to 1 in magnitude under `rc`. */
function fractionRoundsUp(x: F80, top: number, rc: number): boolean {
  const cmp = top < -1 ? -1 : x.hi === 0x80000000 && x.lo === 0 ? 0 : 1;
  return roundsUp(x.s, cmp, false, rc);
}

/** FRNDINT of a normal value; null for any other class (convert.ts roundInt takes those). */
export function fastRoundInt(x: F80, rc: number): Res | null {
  if (!isNormal(x)) return null;
  const top = x.e - BIAS;
  if (top >= 63) return { v: x, flags: 0, up: false }; // no fraction bits
  if (top < 0) {
    const up = fractionRoundsUp(x, top, rc);
    return { v: up ? new F80(x.s, BIAS, 0x80000000, 0) : zero(x.s), flags: PE, up };
  }
  const r = roundAtPoint(x, top, rc);
  const v = r.carry ? new F80(x.s, x.e + 1, 0x80000000, 0) : new F80(x.s, x.e, r.hi, r.lo);
  return { v, flags: r.inexact ? PE : 0, up: r.up };
}

/** A FIST result of 64 bits as its two words (low, high), with its flags. */
export interface StoredInt64 {
  w0: number;
  w1: number;
  flags: number;
  up: boolean;
}

/** FIST to 64 bits of a normal value below 2^63 in magnitude (or one that rounds to -2^63); null for any other
 * value (convert.ts toInt takes those, the indefinite of an overflow included). */
export function fastToInt64(x: F80, rc: number): StoredInt64 | null {
  if (!isNormal(x)) return null;
  const top = x.e - BIAS;
  if (top >= 63) return null;
  let qhi: number;
  let qlo: number;
  let flags: number;
  let up: boolean;
  if (top < 0) {
    up = fractionRoundsUp(x, top, rc);
    qhi = 0;
    qlo = up ? 1 : 0;
    flags = PE;
  } else {
    const r = roundAtPoint(x, top, rc);
    up = r.up;
    flags = r.inexact ? PE : 0;
    const f = 63 - top;
    if (r.carry) {
      // 2^(top + 1): 2^63 fits only as -2^63.
      if (top === 62 && x.s === 0) return null;
      qhi = top + 1 >= 32 ? 2 ** (top + 1 - 32) : 0;
      qlo = top + 1 >= 32 ? 0 : 2 ** (top + 1);
    } else if (f >= 32) {
      qhi = 0;
      qlo = r.hi >>> (f - 32);
    } else {
      qhi = r.hi >>> f;
      qlo = ((r.lo >>> f) | (r.hi << (32 - f))) >>> 0;
    }
  }
  if (x.s === 1) {
    // Two's complement of the magnitude.
    qlo = (TWO32 - qlo) % TWO32;
    qhi = (~qhi + (qlo === 0 ? 1 : 0)) >>> 0;
  }
  return { w0: qlo | 0, w1: qhi | 0, flags, up };
}

/** FILD of a 64-bit integer given as its low and high words (the high one signed or not): exact. */
export function fromInt64(lo: number, hi: number): F80 {
  let mlo = lo >>> 0;
  let mhi = hi >>> 0;
  if (mlo === 0 && mhi === 0) return zero(0);
  const s = mhi >= 0x80000000 ? 1 : 0;
  if (s === 1) {
    mlo = (TWO32 - mlo) % TWO32;
    mhi = (~mhi + (mlo === 0 ? 1 : 0)) >>> 0;
  }
  if (mhi === 0) {
    const k = Math.clz32(mlo);
    return new F80(s, BIAS + 31 - k, (mlo << k) >>> 0, 0);
  }
  const k = Math.clz32(mhi);
  if (k === 0) return new F80(s, BIAS + 63, mhi, mlo);
  return new F80(s, BIAS + 63 - k, ((mhi << k) | (mlo >>> (32 - k))) >>> 0, (mlo << k) >>> 0);
}
