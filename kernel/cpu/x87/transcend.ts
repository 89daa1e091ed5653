// Transcendental x87 operations (FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1) evaluated
// in BigInt fixed point, then rounded once to the 64-bit register precision (PC does not apply: SDM vol. 1
// §8.1.5.2). Arguments of sin/cos/tan are reduced with pi rounded to 66 bits, as the x87 does. The operands
// dd-transcend.ts takes are evaluated there first, in double-double arithmetic; where it does not settle a result,
// each operation is evaluated with 192 working bits and kept when the value less and plus a generous error bound
// round alike (Ziv's test); otherwise again with 512, as it always was before. Hardware is not correctly rounded
// everywhere; differences are documented.
import { finish64, propagateNaN, quiet, type Res, res, type RoundCtx } from "./arith";
import { abs, BIAS, bitLen, classify, Cls, type F80, INDEFINITE, infinity, isNaN80, isUnit, lsbExp, neg, ONE, zero } from "./f80";
import { DE, IE, PE, ZE } from "./status";
import { fastAtan2, fastF2xm1, fastFyl2x, fastFyl2xp1, fastTan, fastTrig } from "./dd-transcend";
import { LN2, PI, PI66, W } from "./fixed-constants";

/** The working bits of the first evaluation, and a bound on its error in units of its last place: the series
 * truncate every term and product once (a few thousand units over some fifty terms); 2^32 leaves room for any. */
const FAST_W = 192n;
const FAST_ERROR = 1n << 32n;

/** The working bits of the evaluation under way (scaleFor, and the fixed scales of FPATAN and FYL2X). */
let work = W;
/** Whether the evaluation under way is the first: then its results are checked (unfix, finishScaled). */
let checking = false;

/** Thrown by a checked result that its error bound may round either way: the caller evaluates again with W. */
class NotSettled {}
const NOT_SETTLED = new NotSettled();

/** Runs `evaluate` with FAST_W working bits, checked, and again with W when a result did not settle. */
function twoStep<T>(evaluate: () => T): T {
  work = FAST_W;
  checking = true;
  try {
    return evaluate();
  } catch (e) {
    if (e !== NOT_SETTLED) throw e;
  } finally {
    work = W;
    checking = false;
  }
  return evaluate();
}

/** Whether two rounded results are the same value, flags and C1. */
function sameRes(a: Res, b: Res): boolean {
  return a.v.s === b.v.s && a.v.e === b.v.e && a.v.hi === b.v.hi && a.v.lo === b.v.lo && a.flags === b.flags && a.up === b.up;
}

/** Product at scale 2^p, truncated toward zero (so that series terms of either sign reach 0). */
function mulF(a: bigint, b: bigint, p: bigint): bigint {
  const v = a * b;
  return v < 0n ? -((-v) >> p) : v >> p;
}

/** Fixed-point value of a finite x at scale 2^p (truncated). */
function fix(x: F80, p: bigint): bigint {
  const sh = BigInt(lsbExp(x)) + p;
  const v = sh >= 0n ? x.m << sh : x.m >> -sh;
  return x.s ? -v : v;
}

function unfixOnce(v: bigint, p: bigint, ctx: RoundCtx): Res {
  if (v === 0n) return res(zero(0));
  const s = v < 0n ? 1 : 0;
  return finish64(s, s ? -v : v, -Number(p), true, ctx);
}

/** The fixed-point value v at scale 2^p rounded to the register format; in a checked evaluation, the rounding of
 * v - FAST_ERROR and v + FAST_ERROR, which must agree. */
function unfix(v: bigint, p: bigint, ctx: RoundCtx): Res {
  if (!checking) return unfixOnce(v, p, ctx);
  const lo = unfixOnce(v - FAST_ERROR, p, ctx);
  if (!sameRes(lo, unfixOnce(v + FAST_ERROR, p, ctx))) throw NOT_SETTLED;
  return lo;
}

/** finish of s * y * mag * 2^e2 (y exact, mag the fixed-point result); checked as unfix is. */
function finishScaled(s: 0 | 1, y: bigint, mag: bigint, e2: number, sticky: boolean, ctx: RoundCtx): Res {
  if (!checking) return finish64(s, y * mag, e2, sticky, ctx);
  if (mag <= FAST_ERROR) throw NOT_SETTLED;
  const lo = finish64(s, y * (mag - FAST_ERROR), e2, true, ctx);
  if (!sameRes(lo, finish64(s, y * (mag + FAST_ERROR), e2, true, ctx))) throw NOT_SETTLED;
  return lo;
}

/** Scale with ~200 bits below the leading bit of a value whose magnitude is about 2^top. */
function scaleFor(top: number): bigint {
  return work + BigInt(Math.max(0, -top));
}

function topOf(x: F80): number {
  return lsbExp(x) + bitLen(x.m) - 1;
}

// ---- series at scale p ----
function expm1F(y: bigint, p: bigint): bigint {
  let term = y, sum = 0n, k = 1n;
  while (term !== 0n) { sum += term; k += 1n; term = mulF(term, y, p) / k; }
  return sum;
}
function atanhF(t: bigint, p: bigint): bigint {
  const t2 = mulF(t, t, p);
  let term = t, sum = 0n, k = 1n;
  while (term !== 0n) { sum += term / k; term = mulF(term, t2, p); k += 2n; }
  return sum;
}
function sinF(x: bigint, p: bigint): bigint {
  const x2 = mulF(x, x, p);
  let term = x, sum = 0n, k = 1n;
  while (term !== 0n) { sum += term; term = -mulF(term, x2, p) / ((k + 1n) * (k + 2n)); k += 2n; }
  return sum;
}
function cosF(x: bigint, p: bigint): bigint {
  const x2 = mulF(x, x, p);
  let term = 1n << p, sum = 0n, k = 0n;
  while (term !== 0n) { sum += term; term = -mulF(term, x2, p) / ((k + 1n) * (k + 2n)); k += 2n; }
  return sum;
}
function sqrtF(x: bigint, p: bigint): bigint {
  const n = x << p;
  let r = 1n << BigInt((bitLen(n) >> 1) + 1); // above the root: Newton then decreases monotonically
  for (;;) {
    const y = (r + n / r) >> 1n;
    if (y >= r) return r;
    r = y;
  }
}
/** atan(t) for |t| <= 1 by two argument halvings and the series. */
function atanF(t: bigint, p: bigint): bigint {
  const one = 1n << p;
  for (let i = 0; i < 2; i++) t = (t << p) / (one + sqrtF(one + mulF(t, t, p), p));
  const t2 = mulF(t, t, p);
  let term = t, sum = 0n, k = 1n, sg = 1n;
  while (term !== 0n) { sum += (sg * term) / k; term = mulF(term, t2, p); k += 2n; sg = -sg; }
  return sum * 4n;
}
function piAt(p: bigint): bigint {
  return p <= W ? PI >> (W - p) : PI << (p - W);
}
function ln2At(p: bigint): bigint {
  return p <= W ? LN2 >> (W - p) : LN2 << (p - W);
}

// ---- trigonometric (operand range |x| < 2^63, else C2 = 1 and ST(0) unchanged) ----

/** Reduces x to r in [-pi/4, pi/4] and the quadrant; null when out of range. */
function reduce(x: F80): { r: bigint; q: number; p: bigint } | null {
  if (x.e - BIAS >= 63) return null;
  const p = scaleFor(topOf(x)) + 64n;
  const v = fix(x, p);
  const half = (p <= W ? PI66 >> (W - p) : PI66 << (p - W)) >> 1n;
  let q = (v + (half >> 1n)) / half;
  if (v + (half >> 1n) < 0n && (v + (half >> 1n)) % half !== 0n) q -= 1n;
  const r = v - q * half;
  return { r, q: Number(((q % 4n) + 4n) % 4n), p };
}

export interface Trig {
  sin: Res;
  cos: Res;
  inRange: boolean;
}

/** One of sin and cos, and whether the operand was in range (C2 clear). */
export interface Trig1 {
  v: Res;
  inRange: boolean;
}

/** sin and cos of ST(0) together (FSINCOS). */
export function sincos(x: F80, ctx: RoundCtx): Trig | Res {
  const f = fastTrig(x, ctx, true, true);
  if (f !== null) return { sin: f.sin!, cos: f.cos!, inRange: true };
  return twoStep(() => sincosAt(x, ctx));
}

/** sin or cos of ST(0) alone (FSIN, FCOS): only the series the quadrant needs runs. */
export function sinOrCos(x: F80, ctx: RoundCtx, op: "sin" | "cos"): Trig1 | Res {
  const f = fastTrig(x, ctx, op === "sin", op === "cos");
  if (f !== null) return { v: (op === "sin" ? f.sin : f.cos)!, inRange: true };
  return twoStep(() => {
    const t = trigAt(x, ctx, op === "sin", op === "cos");
    return "inRange" in t ? { v: (op === "sin" ? t.sin : t.cos)!, inRange: t.inRange } : t;
  });
}

function sincosAt(x: F80, ctx: RoundCtx): Trig | Res {
  const t = trigAt(x, ctx, true, true);
  return "inRange" in t ? { sin: t.sin!, cos: t.cos!, inRange: t.inRange } : t;
}

/** sin and cos of x as asked (null where not), or the result of a special operand. */
function trigAt(x: F80, ctx: RoundCtx, wantSin: boolean, wantCos: boolean): { sin: Res | null; cos: Res | null; inRange: boolean } | Res {
  const c = classify(x);
  if (c === Cls.Unsupported || c === Cls.Inf) return res(INDEFINITE, IE);
  if (isNaN80(c)) return res(quiet(x), c === Cls.SNaN ? IE : 0);
  if (c === Cls.Zero) return { sin: res(x), cos: res(ONE), inRange: true };
  const de = c === Cls.Denormal ? DE : 0;
  if (topOf(x) < -40) {
    // sin x = x - x^3/6..., cos x = 1 - x^2/2...: the corrections lie far below the last place, so only
    // their direction matters for the rounding (it decides RC up/down results).
    const sin = finish64(x.s, (x.m << 2n) - 1n, lsbExp(x) - 2, true, ctx);
    const cos = finish64(0, (1n << 66n) - 1n, -66, true, ctx);
    sin.flags |= de;
    cos.flags |= de;
    return { sin, cos, inRange: true };
  }
  const red = reduce(x);
  if (red === null) return { sin: res(x), cos: res(x), inRange: false };
  // In quadrant q, sin x is +-sin r for even q and +-cos r for odd q; cos x the other way round.
  const odd = (red.q & 1) === 1;
  const s = (wantSin && !odd) || (wantCos && odd) ? sinF(red.r, red.p) : 0n;
  const co = (wantSin && odd) || (wantCos && !odd) ? cosF(red.r, red.p) : 0n;
  const table: [bigint, bigint][] = [[s, co], [co, -s], [-s, -co], [-co, s]];
  const [sv, cv] = table[red.q]!;
  const sin = wantSin ? unfix(sv, red.p, ctx) : null, cos = wantCos ? unfix(cv, red.p, ctx) : null;
  if (sin !== null) sin.flags |= de;
  if (cos !== null) cos.flags |= de;
  return { sin, cos, inRange: true };
}

export function tan(x: F80, ctx: RoundCtx): { v: Res; inRange: boolean } {
  const f = fastTan(x, ctx);
  if (f !== null) return { v: f, inRange: true };
  return twoStep(() => tanAt(x, ctx));
}

function tanAt(x: F80, ctx: RoundCtx): { v: Res; inRange: boolean } {
  const c = classify(x);
  if (c === Cls.Unsupported || c === Cls.Inf) return { v: res(INDEFINITE, IE), inRange: true };
  if (isNaN80(c)) return { v: res(quiet(x), c === Cls.SNaN ? IE : 0), inRange: true };
  if (c === Cls.Zero) return { v: res(x), inRange: true };
  if (topOf(x) < -40) {
    // tan x = x + x^3/3...: just above x.
    const v = finish64(x.s, x.m << 2n, lsbExp(x) - 2, true, ctx);
    if (c === Cls.Denormal) v.flags |= DE;
    return { v, inRange: true };
  }
  const red = reduce(x);
  if (red === null) return { v: res(x), inRange: false };
  const s = sinF(red.r, red.p), co = cosF(red.r, red.p);
  const odd = (red.q & 1) === 1;
  const num = odd ? co : s, den = odd ? -s : co;
  const v = unfix((num << red.p) / den, red.p, ctx);
  if (c === Cls.Denormal) v.flags |= DE;
  return { v, inRange: true };
}

/** FPATAN: atan(y / x) in the quadrant of (x, y). */
export function atan2(y: F80, x: F80, ctx: RoundCtx): Res {
  return fastAtan2(y, x, ctx) ?? twoStep(() => atan2At(y, x, ctx));
}

function atan2At(y: F80, x: F80, ctx: RoundCtx): Res {
  const cy = classify(y), cx = classify(x);
  if (cy === Cls.Unsupported || cx === Cls.Unsupported) return res(INDEFINITE, IE);
  if (isNaN80(cy) || isNaN80(cx)) return propagateNaN(x, cx, y, cy);
  const de = cy === Cls.Denormal || cx === Cls.Denormal ? DE : 0;
  const p = work + 64n;
  const pi = piAt(p);
  const signed = (v: bigint): Res => {
    const r = unfix(y.s ? -v : v, p, ctx);
    r.flags |= de;
    return r;
  };
  if (cy === Cls.Zero) return x.s === 0 ? res(zero(y.s), de) : signed(pi);
  if (cx === Cls.Zero) return signed(pi >> 1n);
  if (cy === Cls.Inf) return cx === Cls.Inf ? signed(x.s ? (3n * pi) >> 2n : pi >> 2n) : signed(pi >> 1n);
  if (cx === Cls.Inf) return x.s === 0 ? res(zero(y.s), de) : signed(pi);
  const ty = topOf(y), tx = topOf(x);
  const gap = ty - tx;
  // Operands far apart in magnitude: the angle is the quotient, pi or pi/2, give or take far below the last place.
  // The series' scale grows with the gap (a 2^-32000 quotient took 10 ms an instruction), so these are answered at
  // a fixed cost.
  if (gap < -FAR_GAP) return x.s === 0 ? tinyQuotient(y, x, ctx, de) : signed(pi);
  if (gap > FAR_GAP) return signed(pi >> 1n);
  // |y| / |x| at a scale with headroom for tiny quotients; both scaled by 2^-tx first (only the ratio counts), so
  // that operands of one tiny or huge magnitude cost no more than any others.
  const q = scaleFor(Math.min(gap, 0)) + 64n;
  const ay = fix(abs(y), q - BigInt(tx)), ax = fix(abs(x), q - BigInt(tx));
  let a: bigint;
  if (ay <= ax) a = atanF((ay << q) / ax, q);
  else a = (piAt(q) >> 1n) - atanF((ax << q) / ay, q);
  if (x.s) a = piAt(q) - a;
  const r = unfix(y.s ? -a : a, q, ctx);
  r.flags |= de;
  return r;
}

/** Exponent gaps between FPATAN's operands past which the angle is taken as the quotient, pi or pi/2: atan t = t -
 * t^3/3..., so the correction to t is 2^(2 * gap) of it, thousands of bits below the last place. */
const FAR_GAP = 200;

/** atan2(y, x) for x > 0 and |y / x| below 2^-FAR_GAP: just below the quotient in magnitude. The quotient is taken to
 * about 130 bits; the correction (relatively 2^-400 or less) is then far below one unit of it, and below the distance
 * from an inexact quotient down to its truncation (at least 2^-64 units), so: the truncation with the remainder as
 * sticky bit, or, for an exact quotient, a value just below it. */
function tinyQuotient(y: F80, x: F80, ctx: RoundCtx, de: number): Res {
  const k = 130 + bitLen(x.m) - bitLen(y.m);
  const n = y.m << BigInt(k);
  const q = n / x.m;
  const e2 = lsbExp(y) - lsbExp(x) - k;
  const r = q * x.m !== n ? finish64(y.s, q, e2, true, ctx) : finish64(y.s, 2n * q - 1n, e2 - 1, true, ctx);
  r.flags |= de;
  return r;
}

/** F2XM1: 2^x - 1 for -1 <= x <= 1. */
export function f2xm1(x: F80, ctx: RoundCtx): Res {
  return fastF2xm1(x, ctx) ?? twoStep(() => f2xm1At(x, ctx));
}

function f2xm1At(x: F80, ctx: RoundCtx): Res {
  const c = classify(x);
  if (c === Cls.Unsupported) return res(INDEFINITE, IE);
  if (isNaN80(c)) return res(quiet(x), c === Cls.SNaN ? IE : 0);
  if (c === Cls.Zero) return res(x);
  if (c === Cls.Inf) return x.s ? res(neg(ONE)) : res(x);
  const p = scaleFor(topOf(x)) + 64n;
  if (isUnit(x)) {
    // 2^1 - 1 = 1 and 2^-1 - 1 = -0.5 exactly, where the recording CPU rounds a value just below them (with #P): 1 - ulp
    // rounding down, -0.5 rounding up (C1 clear), as its vectors show.
    return x.s === 0 ? finish64(0, (1n << 66n) - 1n, -66, true, ctx) : finish64(1, (1n << 65n) + 1n, -66, true, ctx);
  }
  if (topOf(x) >= 0) {
    // Outside the documented domain (|x| <= 1) the recording CPU returns the operand with #P.
    return res(x, PE);
  }
  const y = mulF(fix(x, p), ln2At(p), p);
  const r = unfix(expm1F(y, p), p, ctx);
  if (c === Cls.Denormal) r.flags |= DE;
  return r;
}

/** log2 of a positive finite x at scale p. */
function log2F(x: F80, p: bigint): bigint {
  const top = topOf(x);
  const m = fix(x, p - BigInt(top)); // x / 2^top in [1, 2)
  const one = 1n << p;
  const t = ((m - one) << p) / (m + one);
  return (BigInt(top) << p) + ((2n * atanhF(t, p)) << p) / ln2At(p);
}

/** FYL2X: y * log2(x). */
export function fyl2x(x: F80, y: F80, ctx: RoundCtx): Res {
  return fastFyl2x(x, y, ctx) ?? twoStep(() => fyl2xAt(x, y, ctx));
}

function fyl2xAt(x: F80, y: F80, ctx: RoundCtx): Res {
  const cx = classify(x), cy = classify(y);
  if (cx === Cls.Unsupported || cy === Cls.Unsupported) return res(INDEFINITE, IE);
  if (isNaN80(cx) || isNaN80(cy)) return propagateNaN(x, cx, y, cy);
  const de = cx === Cls.Denormal || cy === Cls.Denormal ? DE : 0;
  if (x.s === 1 && cx !== Cls.Zero) return res(INDEFINITE, IE);
  if (cx === Cls.Zero) {
    if (cy === Cls.Zero) return res(INDEFINITE, IE);
    return res(infinity(y.s ? 0 : 1), cy === Cls.Inf ? de : ZE);
  }
  if (cx === Cls.Inf) return cy === Cls.Zero ? res(INDEFINITE, IE) : res(infinity(y.s), de);
  const isOne = isUnit(x); // x is not negative here
  if (cy === Cls.Inf) {
    if (isOne) return res(INDEFINITE, IE);
    return res(infinity((y.s ^ (x.e < BIAS ? 1 : 0)) as 0 | 1), de);
  }
  if (cy === Cls.Zero || isOne) return res(zero((y.s ^ (x.e < BIAS && !isOne ? 1 : 0)) as 0 | 1), de);
  const p = work + 64n;
  const l = log2F(x, p);
  if (l === 0n) return res(zero(y.s), de);
  const ls = l < 0n ? 1 : 0;
  const mag = ls ? -l : l;
  const exactInt = (x.m & ((1n << 63n) - 1n)) === 0n && x.e !== 0;
  const r = finishScaled((y.s ^ ls) as 0 | 1, y.m, mag, lsbExp(y) - Number(p), !exactInt, ctx);
  r.flags |= de;
  return r;
}

/** FYL2XP1: y * log2(x + 1) (documented for |x| < 1 - sqrt(2)/2; computed for any x > -1, as the CPU does). */
export function fyl2xp1(x: F80, y: F80, ctx: RoundCtx): Res {
  return fastFyl2xp1(x, y, ctx) ?? twoStep(() => fyl2xp1At(x, y, ctx));
}

function fyl2xp1At(x: F80, y: F80, ctx: RoundCtx): Res {
  const cx = classify(x), cy = classify(y);
  if (cx === Cls.Unsupported || cy === Cls.Unsupported) return res(INDEFINITE, IE);
  if (isNaN80(cx) || isNaN80(cy)) return propagateNaN(x, cx, y, cy);
  const de = cx === Cls.Denormal || cy === Cls.Denormal ? DE : 0;
  if (cx === Cls.Zero || cy === Cls.Zero) {
    if (cy === Cls.Inf || cx === Cls.Inf) return res(INDEFINITE, IE);
    return res(zero((x.s ^ y.s) as 0 | 1), de);
  }
  if (cy === Cls.Inf) return res(infinity((x.s ^ y.s) as 0 | 1), de);
  if (cx === Cls.Inf) return res(x, de);
  if (x.s === 1 && topOf(x) >= 0) {
    // x <= -1 (no logarithm): the operand with #P, as for an operand outside the domain before (no vector has one).
    return res(x, PE | de);
  }
  // log2(1 + x) for any x > -1: the documented domain is |x| < 1 - sqrt(2)/2, and the recording CPU computes any
  // other positive x as well (1.5, 2^30, 2^6487 in the vectors).
  const p = scaleFor(topOf(x)) + 64n;
  const one = 1n << p;
  const xv = fix(x, p);
  let l: bigint;
  if (topOf(x) < -2) {
    // |x| < 1/4: 2 atanh(x / (2 + x)) / ln 2, whose argument is below 1/7 and keeps x's own precision however small.
    const t = (xv << p) / ((2n << p) + xv);
    l = ((2n * atanhF(t, p)) << p) / ln2At(p);
  } else {
    // 1 + x (exact at scale p) as m * 2^top with m in [1, 2): top + 2 atanh((m - 1) / (m + 1)) / ln 2, an argument
    // below 1/3 where x / (2 + x) comes close to -1 for x near -1 (the series then ran for thousands of terms); and
    // log2(1 + x) is at least 0.32 in magnitude here, so nothing cancels against ln 2's last bits.
    const v = xv + one;
    const top = bitLen(v) - 1 - Number(p);
    const m = top >= 0 ? v >> BigInt(top) : v << BigInt(-top);
    const t = ((m - one) << p) / (m + one);
    l = (BigInt(top) << p) + ((2n * atanhF(t, p)) << p) / ln2At(p);
  }
  const ls = l < 0n ? 1 : 0;
  const r = finishScaled((y.s ^ ls) as 0 | 1, y.m, ls ? -l : l, lsbExp(y) - Number(p), true, ctx);
  r.flags |= de;
  return r;
}

/** Each operation evaluated once with W working bits, as every call was before the two-step evaluation: the
 * reference transcend.test.ts holds the exported operations to. */
export const FULL_PRECISION = { sincos: sincosAt, tan: tanAt, atan2: atan2At, f2xm1: f2xm1At, fyl2x: fyl2xAt, fyl2xp1: fyl2xp1At } as const;
