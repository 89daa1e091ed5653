// Correct rounding of an exact binary value (sign, integer significand, exponent, sticky bits below)
// to a target format: the x87 register format under PC/RC, or a memory format (float32/float64).
// Reports inexact, the round-up indicator (C1), underflow and overflow. Unmasked OE/UE scaling is the caller's.
import { BIAS, bitLen, type F80, f80, EMAX, infinity, zero } from "./f80";
import { OE, PE, RC_CHOP, RC_DOWN, RC_NEAR, RC_UP, UE } from "./status";

/** A binary floating format for rounding: precision in bits and the normal exponent range. */
export interface Format {
  readonly prec: number;
  readonly emin: number;
  readonly emax: number;
}

export const EXT64: Format = { prec: 64, emin: 1 - BIAS, emax: BIAS };
export const EXT53: Format = { prec: 53, emin: 1 - BIAS, emax: BIAS };
export const EXT24: Format = { prec: 24, emin: 1 - BIAS, emax: BIAS };
export const DOUBLE: Format = { prec: 53, emin: -1022, emax: 1023 };
export const SINGLE: Format = { prec: 24, emin: -126, emax: 127 };

export function extFormat(prec: 24 | 53 | 64): Format {
  return prec === 64 ? EXT64 : prec === 53 ? EXT53 : EXT24;
}

/** A rounded finite or infinite result: value = q * 2^lsb (q = 0 for zero), with its flags. */
export interface Rounded {
  s: 0 | 1;
  /** Rounded significand (at most fmt.prec bits); -1n marks infinity, -2n the largest finite value. */
  q: bigint;
  lsb: number;
  /** PE, UE, OE as they apply when those exceptions are masked; `tiny` tells whether the result is tiny. */
  flags: number;
  tiny: boolean;
  /** The magnitude was rounded up (C1). */
  up: boolean;
}

function roundAt(s: 0 | 1, sig: bigint, e2: number, sticky: boolean, lsb: number, rc: number): { q: bigint; inexact: boolean; up: boolean } {
  const shift = lsb - e2;
  let q: bigint;
  let cmpHalf: number; // -1 below half, 0 exactly half, 1 above half
  let inexact: boolean;
  if (shift <= 0) {
    q = sig << BigInt(-shift);
    inexact = sticky;
    cmpHalf = -1;
  } else {
    const bs = BigInt(shift);
    q = sig >> bs;
    const rem = sig & ((1n << bs) - 1n);
    const half = 1n << (bs - 1n);
    inexact = rem !== 0n || sticky;
    cmpHalf = rem > half ? 1 : rem < half ? -1 : sticky ? 1 : 0;
  }
  let up = false;
  if (inexact) {
    switch (rc) {
      case RC_NEAR: up = cmpHalf > 0 || (cmpHalf === 0 && (q & 1n) === 1n); break;
      case RC_DOWN: up = s === 1; break;
      case RC_UP: up = s === 0; break;
      case RC_CHOP: up = false; break;
    }
  }
  if (up) q += 1n;
  return { q, inexact, up };
}

/** Rounds s * (sig + sticky) * 2^e2 (sig > 0, or sticky) to `fmt` under rounding mode `rc`. */
export function roundValue(s: 0 | 1, sig: bigint, e2: number, sticky: boolean, fmt: Format, rc: number): Rounded {
  const len = bitLen(sig);
  const top = e2 + len - 1; // exponent of the leading bit
  const lsb = Math.max(top, fmt.emin) - (fmt.prec - 1);
  const r = roundAt(s, sig, e2, sticky, lsb, rc);
  let flags = r.inexact ? PE : 0;
  let tiny = false;
  if (top < fmt.emin) {
    // Tininess after rounding (as x86 detects it): tiny unless rounding to full precision with an
    // unbounded exponent reaches the smallest normal.
    const u = roundAt(s, sig, e2, sticky, top - (fmt.prec - 1), rc);
    tiny = top + (bitLen(u.q) - fmt.prec) < fmt.emin;
    if (tiny && r.inexact) flags |= UE;
  }
  const qlen = bitLen(r.q);
  const rtop = r.q === 0n ? fmt.emin - 1 : lsb + qlen - 1;
  if (rtop > fmt.emax) {
    flags |= OE | PE;
    const toInf = rc === RC_NEAR || (rc === RC_UP && s === 0) || (rc === RC_DOWN && s === 1);
    return { s, q: toInf ? -1n : -2n, lsb, flags, tiny, up: toInf };
  }
  return { s, q: r.q, lsb, flags, tiny, up: r.up };
}

/** Packs a rounded result into the register format (q of at most 64 bits). */
export function packExt(r: Rounded, prec: number): F80 {
  if (r.q === -1n) return infinity(r.s);
  if (r.q === -2n) return f80(r.s, EMAX - 1, ((1n << BigInt(prec)) - 1n) << BigInt(64 - prec));
  if (r.q === 0n) return zero(r.s);
  const len = bitLen(r.q);
  const top = r.lsb + len - 1;
  if (top < 1 - BIAS) return f80(r.s, 0, r.q << BigInt(r.lsb - (1 - BIAS - 63)));
  return f80(r.s, top + BIAS, r.q << BigInt(64 - len));
}

/** Packs a rounded result into an IEEE interchange format of `fmt` (bits as a bigint). */
export function packIeee(r: Rounded, fmt: Format, expBits: number): bigint {
  const fracBits = BigInt(fmt.prec - 1);
  const sign = BigInt(r.s) << (BigInt(expBits) + fracBits);
  const emaxField = (1n << BigInt(expBits)) - 1n;
  if (r.q === -1n) return sign | (emaxField << fracBits);
  if (r.q === -2n) return sign | ((emaxField - 1n) << fracBits) | ((1n << fracBits) - 1n);
  if (r.q === 0n) return sign;
  const len = bitLen(r.q);
  const top = r.lsb + len - 1;
  const bias = fmt.emax;
  if (top < fmt.emin) return sign | (r.q << BigInt(r.lsb - (fmt.emin - fmt.prec + 1)));
  const frac = (r.q << BigInt(fmt.prec - len)) & ((1n << fracBits) - 1n);
  return sign | (BigInt(top + bias) << fracBits) | frac;
}
