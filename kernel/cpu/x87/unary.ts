// The exact one- and two-operand x87 operations that are not plain arithmetic: FSCALE, FXTRACT,
// FPREM/FPREM1 (partial remainder with quotient bits), on register values. Pure functions. FSCALE and FXTRACT of
// normal values whose results are normal are done in Numbers (the exponent moves, the significand stays), and so is
// FPREM/FPREM1 of normal values less than 64 binades apart (int-fast.ts fastPrem); every other case in BigInts
// (fscaleGeneral, fxtractGeneral, fpremGeneral).
import { finish64, propagateNaN, quiet, type Res, res, type RoundCtx } from "./arith";
import { fromInt, fromInt32, normalise } from "./convert";
import { fastPrem } from "./int-fast";
import { BIAS, bitLen, classify, Cls, EMAX, F80, INDEFINITE, infinity, isNaN80, isNormal, lsbExp, zero } from "./f80";
import { C0, C1, C2, C3, DE, IE, ZE } from "./status";

function bad1(a: F80, ca: Cls): Res | null {
  if (ca === Cls.Unsupported) return res(INDEFINITE, IE);
  if (isNaN80(ca)) return res(quiet(a), ca === Cls.SNaN ? IE : 0);
  return null;
}

/** FSCALE of a normal a by a normal b below 2^31 in magnitude whose result is normal: the exponent moves, the
 * significand stays, exactly (no flag); null otherwise. exp() and ldexp() in an x87 libm end in one. */
function fastScale(a: F80, b: F80): Res | null {
  if (!isNormal(a) || !isNormal(b)) return null;
  const tb = b.e - BIAS;
  if (tb > 30) return null;
  const n = tb < 0 ? 0 : b.hi >>> (31 - tb); // trunc(|b|)
  const e = b.s === 1 ? a.e - n : a.e + n;
  return e >= 1 && e < EMAX ? res(new F80(a.s, e, a.hi, a.lo)) : null;
}

/** FSCALE: a * 2^trunc(b). */
export function fscale(a: F80, b: F80, ctx: RoundCtx): Res {
  return fastScale(a, b) ?? fscaleGeneral(a, b, ctx);
}

/** FSCALE in BigInts, for every class (the reference fastScale is held to). */
export function fscaleGeneral(a: F80, b: F80, ctx: RoundCtx): Res {
  const ca = classify(a), cb = classify(b);
  if (ca === Cls.Unsupported || cb === Cls.Unsupported) return res(INDEFINITE, IE);
  if (isNaN80(ca) || isNaN80(cb)) return propagateNaN(a, ca, b, cb);
  const de = ca === Cls.Denormal || cb === Cls.Denormal ? DE : 0;
  if (cb === Cls.Inf) {
    if (b.s === 0) return ca === Cls.Zero ? res(INDEFINITE, IE) : res(infinity(a.s), de);
    return ca === Cls.Inf ? res(INDEFINITE, IE) : res(zero(a.s), de);
  }
  if (ca === Cls.Zero || ca === Cls.Inf) return res(a, de);
  // trunc(b), clamped far beyond any representable scale.
  const eb = lsbExp(b);
  let n: number;
  if (eb >= 0) n = 1 << 20;
  else {
    const sh = BigInt(-eb);
    const t = sh >= 64n ? 0n : b.m >> sh;
    n = t > 1n << 20n ? 1 << 20 : Number(t);
  }
  if (b.s) n = -n;
  const r = finish64(a.s, a.m, lsbExp(a) + n, false, ctx);
  r.flags |= de;
  return r;
}

/** FXTRACT: [exponent, significand] (the significand ends up in ST(0)). */
export function fxtract(a: F80): { exp: Res; sig: F80 } | Res {
  // A normal value: its exponent as an integer, its significand at exponent 0, in Numbers.
  if (isNormal(a)) return { exp: res(fromInt32(a.e - BIAS)), sig: new F80(a.s, BIAS, a.hi, a.lo) };
  return fxtractGeneral(a);
}

/** FXTRACT in BigInts, for every class (the reference fxtract's normal case is held to). */
export function fxtractGeneral(a: F80): { exp: Res; sig: F80 } | Res {
  const ca = classify(a);
  const b = bad1(a, ca);
  if (b) return { exp: b, sig: b.v }; // a NaN or the indefinite goes to both registers
  if (ca === Cls.Zero) return { exp: res(infinity(1), ZE), sig: a };
  if (ca === Cls.Inf) return { exp: res(infinity(0)), sig: a };
  const top = lsbExp(a) + bitLen(a.m) - 1;
  const sig = normalise(a.s, a.m, -(bitLen(a.m) - 1));
  const e = fromInt(BigInt(top));
  return { exp: res(e, ca === Cls.Denormal ? DE : 0), sig };
}

/** FPREM (truncating quotient) and FPREM1 (nearest): the (partial) remainder and C0/C1/C2/C3. */
export function fprem(a: F80, b: F80, nearest: boolean): { r: Res; cc: number } {
  return fastPrem(a, b, nearest) ?? fpremGeneral(a, b, nearest);
}

/** FPREM and FPREM1 in BigInts, for every class and distance (the reference fastPrem is held to). */
export function fpremGeneral(a: F80, b: F80, nearest: boolean): { r: Res; cc: number } {
  const ca = classify(a), cb = classify(b);
  const invalid = { r: res(INDEFINITE, IE), cc: 0 };
  if (ca === Cls.Unsupported || cb === Cls.Unsupported) return invalid;
  if (isNaN80(ca) || isNaN80(cb)) return { r: propagateNaN(a, ca, b, cb), cc: 0 };
  if (ca === Cls.Inf || cb === Cls.Zero) return invalid;
  const de = ca === Cls.Denormal || cb === Cls.Denormal ? DE : 0;
  if (ca === Cls.Zero || cb === Cls.Inf) return { r: res(a, de), cc: 0 };
  const ea = lsbExp(a), eb = lsbExp(b);
  const topA = ea + bitLen(a.m) - 1, topB = eb + bitLen(b.m) - 1;
  const d = topA - topB;
  if (d >= 64) {
    // Partial: reduce by 2^(d - n) multiples of b with n in 32..63 (SDM: "an implementation-dependent number").
    const n = 32 + (d & 31);
    const shift = d - n;
    // q = trunc(a / (b * 2^shift)), r = a - q * b * 2^shift, all exact.
    const e = Math.min(ea, eb + shift);
    const va = a.m << BigInt(ea - e), vb = b.m << BigInt(eb + shift - e);
    const q = va / vb;
    const rem = va - q * vb;
    return { r: res(rem === 0n ? zero(a.s) : normalise(a.s, rem, e), de), cc: C2 };
  }
  const e = Math.min(ea, eb);
  const va = a.m << BigInt(ea - e), vb = b.m << BigInt(eb - e);
  let q = va / vb;
  let rem = va - q * vb;
  let s = a.s;
  if (nearest) {
    const twice = rem * 2n;
    if (twice > vb || (twice === vb && (q & 1n) === 1n)) {
      q += 1n;
      rem = vb - rem;
      s = (s ^ 1) as 0 | 1;
    }
  }
  // SDM FPREM: C0 = Q2, C3 = Q1, C1 = Q0.
  const cc = (q & 4n ? C0 : 0) | (q & 2n ? C3 : 0) | (q & 1n ? C1 : 0);
  return { r: res(rem === 0n ? zero(a.s) : normalise(s, rem, e), de), cc };
}

export { BIAS };
