// The x87's integer roundings, 64-bit integer conversions and partial remainder in Numbers, from the significand's
// 32-bit halves: FRNDINT, FIST/FISTP/FISTTP to 64 bits, FILD of 64 bits, and FPREM/FPREM1. The BigInt forms in convert.ts (roundToInt, toInt,
// fromInt) stay the reference and take what these return null for (denormals, |x| >= 2^63); int-fast.test.ts holds
// them to it. A C floor() or rint() is FRNDINT, and a long long cast FISTP/FILD m64.
import type { Res } from "./arith";
import { BIAS, F80, isNormal, zero } from "./f80";
import { C0, C1, C3, PE, RC_DOWN, RC_NEAR, RC_UP } from "./status";

const TWO32 = 4294967296;

/** Whether rounding a value with a non-zero fraction, whose comparison with one half is `cmp` (-1, 0, 1), and whose
 * integer part is odd when `odd`, goes up in magnitude under `rc`. */
export function roundsUp(s: 0 | 1, cmp: number, odd: boolean, rc: number): boolean {
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
export function fractionRoundsUp(x: F80, top: number, rc: number): boolean {
  return fieldsRoundUp(x.s, x.hi, x.lo, top, rc);
}

/** fractionRoundsUp of a value given as its sign and halves (signed or not). */
export function fieldsRoundUp(s: 0 | 1, hi: number, lo: number, top: number, rc: number): boolean {
  const cmp = top < -1 ? -1 : hi >>> 0 === 0x80000000 && lo === 0 ? 0 : 1;
  return roundsUp(s, cmp, false, rc);
}

/** Two unsigned words, the result of negate64. */
const pair = { hi: 0, lo: 0 };

/** The two's complement of the 64-bit value hi:lo (unsigned words), into `pair`. */
function negate64(hi: number, lo: number): void {
  pair.lo = (TWO32 - lo) % TWO32;
  pair.hi = (~hi + (pair.lo === 0 ? 1 : 0)) >>> 0;
}

/** The register value s * hi:lo * 2^(e63 - BIAS - 63) for a non-zero 64-bit magnitude hi:lo (unsigned words): its
 * leading bit moved up to the integer bit, the exponent e63 (the biased exponent were bit 63 set) less the shift. */
function normalWords(s: 0 | 1, e63: number, hi: number, lo: number): F80 {
  if (hi === 0) {
    const k = Math.clz32(lo);
    return new F80(s, e63 - 32 - k, (lo << k) >>> 0, 0);
  }
  const k = Math.clz32(hi);
  if (k === 0) return new F80(s, e63, hi, lo);
  return new F80(s, e63 - k, ((hi << k) | (lo >>> (32 - k))) >>> 0, (lo << k) >>> 0);
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
    negate64(qhi, qlo);
    qhi = pair.hi;
    qlo = pair.lo;
  }
  return { w0: qlo | 0, w1: qhi | 0, flags, up };
}

/** FILD of a 64-bit integer given as its low and high words (the high one signed or not): exact. */
export function fromInt64(lo: number, hi: number): F80 {
  const mlo = lo >>> 0;
  const mhi = hi >>> 0;
  if (mlo === 0 && mhi === 0) return zero(0);
  if (mhi < 0x80000000) return normalWords(0, BIAS + 63, mhi, mlo);
  negate64(mhi, mlo);
  return normalWords(1, BIAS + 63, pair.hi, pair.lo);
}

/** FPREM (truncating quotient) and FPREM1 (nearest) of normal operands whose exponents differ by less than 64, when
 * the remainder is normal or zero: restoring division of the significands, bit by bit, keeping the quotient's low
 * three bits (C0, C3, C1). Null where unary.ts's BigInt form (fpremGeneral) must answer: a partial remainder (64 apart or more),
 * FPREM1 of |a| in [|b|/2, |b|) with a binade between them, a tiny remainder. fmod() in an x87 libm is FPREM. */
export function fastPrem(a: F80, b: F80, nearest: boolean): { r: Res; cc: number } | null {
  if (!isNormal(a) || !isNormal(b)) return null;
  const d = a.e - b.e;
  if (d >= 64 || (nearest && d === -1)) return null;
  if (d < 0) return { r: { v: a, flags: 0, up: false }, cc: 0 }; // |a| below |b| (below |b|/2 for FPREM1): a
  // r = A, then for each quotient bit from 2^d down: take B off when r >= B, and double r. r < 2B throughout: below
  // 2^65, so its high part is an arithmetic Number, not a 32-bit word.
  let rh = a.hi;
  let rl = a.lo;
  const bh = b.hi;
  const bl = b.lo;
  let q = 0;
  for (let i = d; ; i--) {
    const take = rh > bh || (rh === bh && rl >= bl);
    if (take) {
      rl -= bl;
      rh -= bh;
      if (rl < 0) {
        rl += TWO32;
        rh -= 1;
      }
    }
    q = ((q << 1) | (take ? 1 : 0)) & 7;
    if (i === 0) break;
    rh = rh * 2 + (rl >= 0x80000000 ? 1 : 0);
    rl = rl >= 0x80000000 ? rl * 2 - TWO32 : rl * 2;
  }
  let s = a.s;
  if (nearest) {
    // 2r against B: above, or equal with an odd quotient, rounds the quotient up and the remainder to r - B.
    const th = rh * 2 + (rl >= 0x80000000 ? 1 : 0);
    const tl = rl >= 0x80000000 ? rl * 2 - TWO32 : rl * 2;
    if (th > bh || (th === bh && (tl > bl || (tl === bl && (q & 1) === 1)))) {
      q = (q + 1) & 7;
      rl = bl - rl;
      rh = bh - rh;
      if (rl < 0) {
        rl += TWO32;
        rh -= 1;
      }
      s = (s ^ 1) as 0 | 1;
    }
  }
  const cc = ((q & 4) !== 0 ? C0 : 0) | ((q & 2) !== 0 ? C3 : 0) | ((q & 1) !== 0 ? C1 : 0);
  if (rh === 0 && rl === 0) return { r: { v: zero(a.s), flags: 0, up: false }, cc };
  // r at b's scale: its leading bit becomes the integer bit.
  const v = normalWords(s, b.e, rh, rl);
  return v.e < 1 ? null : { r: { v, flags: 0, up: false }, cc };
}
