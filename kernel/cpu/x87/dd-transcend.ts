// The transcendental operations' first evaluation, in double-double arithmetic (dd.ts): sin and cos (FSIN, FCOS,
// FSINCOS), tan (FPTAN), atan2 (FPATAN), 2^x - 1 (F2XM1), y log2 x (FYL2X) and y log2(1 + x) (FYL2XP1) of normal
// operands in a middling range.
// Each carries a bound on its error (relative, plus the argument reduction's own where it cancels), and roundDD keeps
// the result only when the value less and plus that bound round alike to the register format (Ziv's test). Null
// otherwise, and for every operand it does not take: transcend.ts then evaluates in BigInt fixed point, as it did
// before, so the fast path decides no result the exact evaluation would round differently. dd-transcend.test.ts holds
// it to transcend.ts's full-precision evaluation.
import type { Res, RoundCtx } from "./arith";
import { DD, ddAdd, ddAddD, ddDiv, ddFromBig, ddHorner, ddMul, ddMulD, ddNeg, ddScale, ddSet, ddSub } from "./dd";
import { BIAS, type F80, isNormal } from "./f80";
import { roundPack } from "./fast-arith";
import { LN2, PI, PI66, W } from "./fixed-constants";

const TWO32 = 4294967296;
const TWO64 = TWO32 * TWO32;
/** The bound on the relative error of every evaluation here: its operations err by a few units of 2^-104 each,
 * some fifty of them, through cancellations of at most a factor 4 (each evaluation's comment says which). */
const REL_ERR = 2 ** -92;

// A double's two 32-bit halves, in the host's byte order.
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** The exponent of x's leading bit (x normal). */
function topOf(x: F80): number {
  return x.e - BIAS;
}

/**
 * Rounds v, whose exact value lies within `err` of it, to the 64-bit register precision under RC (PC does not apply
 * to transcendentals), as an inexact result. Null when v - err and v + err round to different values, flags or C1,
 * or the result is not a normal register value.
 */
export function roundDD(v: DD, err: number, ctx: RoundCtx): Res | null {
  const h = v.h;
  if (h === 0 || !Number.isFinite(h) || !(err >= 0)) return null;
  const s: 0 | 1 = h < 0 ? 1 : 0;
  const H = s === 1 ? -h : h;
  const L = s === 1 ? -v.l : v.l;
  F64[0] = H;
  const hw = U32[HI]!;
  const lw = U32[LO]!;
  const be = hw >>> 20;
  if (be === 0 || be === 2047) return null;
  let eh = be - 1023;
  // H's 53-bit significand at the top of a 128-bit window w3:w2:w1:w0 (bit 127 its leading bit); a unit of the window
  // is 2^(eh - 127).
  let w3 = ((((hw & 0xfffff) | 0x100000) << 11) | (lw >>> 21)) >>> 0;
  let w2 = (lw << 11) >>> 0;
  let w1 = 0;
  let w0 = 0;
  if (L !== 0) {
    // |L| <= ulp(H) / 2: below 2^74 units; its bits below the window are dropped (one unit of error, counted below).
    const X = Math.abs(L) * 2 ** -eh * 2 ** 127;
    const x2 = Math.floor(X / TWO64);
    const rest = X - x2 * TWO64;
    const x1 = Math.floor(rest / TWO32);
    const x0 = Math.floor(rest - x1 * TWO32);
    if (L > 0) {
      w0 += x0;
      let c = w0 >= TWO32 ? 1 : 0;
      w0 -= c * TWO32;
      w1 += x1 + c;
      c = w1 >= TWO32 ? 1 : 0;
      w1 -= c * TWO32;
      w2 += x2 + c;
      c = w2 >= TWO32 ? 1 : 0;
      w2 -= c * TWO32;
      w3 += c;
    } else {
      w0 -= x0;
      let b = w0 < 0 ? 1 : 0;
      w0 += b * TWO32;
      w1 -= x1 + b;
      b = w1 < 0 ? 1 : 0;
      w1 += b * TWO32;
      w2 -= x2 + b;
      b = w2 < 0 ? 1 : 0;
      w2 += b * TWO32;
      w3 -= b;
      if (w3 < 0x80000000) {
        // Below H's binade (H a power of two, less at most half a unit of its last place): one bit up. The dropped
        // bits of L are then below two units.
        w3 = (w3 * 2 + (w2 >>> 31)) >>> 0;
        w2 = ((w2 << 1) | (w1 >>> 31)) >>> 0;
        w1 = ((w1 << 1) | (w0 >>> 31)) >>> 0;
        w0 = (w0 << 1) >>> 0;
        eh -= 1;
      }
    }
  }
  // The bound in units, and the units L's dropped bits and this rounding up may miss.
  const E = Math.ceil(err * 2 ** -eh * 2 ** 127) + 2;
  if (!(E < 2 ** 52)) return null;
  const e1 = Math.floor(E / TWO32);
  const e0 = E - e1 * TWO32;
  // W - E and W + E.
  let l0 = w0 - e0;
  let b = l0 < 0 ? 1 : 0;
  l0 += b * TWO32;
  let l1 = w1 - e1 - b;
  b = l1 < 0 ? 1 : 0;
  l1 += b * TWO32;
  let l2 = w2 - b;
  b = l2 < 0 ? 1 : 0;
  l2 += b * TWO32;
  const l3 = w3 - b;
  let u0 = w0 + e0;
  let c = u0 >= TWO32 ? 1 : 0;
  u0 -= c * TWO32;
  let u1 = w1 + e1 + c;
  c = u1 >= TWO32 ? 1 : 0;
  u1 -= c * TWO32;
  let u2 = w2 + c;
  c = u2 >= TWO32 ? 1 : 0;
  u2 -= c * TWO32;
  const u3 = w3 + c;
  if (l3 < 0x80000000 || u3 >= TWO32) return null; // the bound spans a power of two
  const c64 = ctx.prec === 64 ? ctx : { ...ctx, prec: 64 as const };
  // Bit 0 set: neither end is exact, as no transcendental result here is.
  const a = roundPack(s, l3, l2, l1, (l0 | 1) >>> 0, eh - 127, c64);
  const z = roundPack(s, u3, u2, u1, (u0 | 1) >>> 0, eh - 127, c64);
  if (a === null || z === null) return null;
  const same = a.v.e === z.v.e && a.v.hi === z.v.hi && a.v.lo === z.v.lo && a.flags === z.flags && a.up === z.up;
  return same ? a : null;
}

/** o = |x| exactly (x normal with its exponent such that both halves stay normal doubles), or null. */
function ddAbs(o: DD, x: F80): DD | null {
  const k = x.e - BIAS - 63; // |x| = m * 2^k
  if (k < -960 || k > 900) return null;
  const f = 2 ** k;
  const top = x.hi * TWO32 + ((x.lo & 0xfffff800) >>> 0); // the significand's top 53 bits
  const h = top * f;
  const l = (x.lo & 0x7ff) * f;
  const sum = h + l;
  return ddSet(o, sum, l - (sum - h));
}

/** o = x exactly (x as ddAbs takes it), or null. */
function ddOf(o: DD, x: F80): DD | null {
  const v = ddAbs(o, x);
  return v !== null && x.s === 1 ? ddNeg(v, v) : v;
}

// ---- constants, made on first use from the fixed-point ones ----

interface Constants {
  /** PI66 / 2 (what the x87 reduces by) as two doubles of 33 bits each: q * c1 and q * c2 are exact for |q| < 2^20. */
  readonly c1: number;
  readonly c2: number;
  /** PI66 / 4 as a double-double, exactly (the bound of a reduced argument). */
  readonly quarter: DD;
  readonly pi: DD;
  readonly halfPi: DD;
  readonly ln2: DD;
  readonly log2e: DD;
  /** Series coefficients: sin r = r * S(r^2), cos r = C(r^2), atan u = u * A(u^2), atanh t = t * H(t^2), and
   * e^y - 1 = y * X(y). */
  readonly sin: DD[];
  readonly cos: DD[];
  readonly atan: DD[];
  readonly atanh: DD[];
  readonly expm1: DD[];
  /** atan(k / 16) for k = 0..16. */
  readonly atanK: DD[];
}

let K: Constants | null = null;

const SCALE = 320;
const ONE_AT = 1n << BigInt(SCALE);

/** atan(k / 16) at scale 2^SCALE by Euler's series: atan t = t / (1 + t^2) * sum of a_j, a_0 = 1,
 * a_j = a_(j-1) * y * 2j / (2j + 1) with y = t^2 / (1 + t^2) (at most 1/2). */
function atanSixteenths(k: number): bigint {
  const kk = BigInt(k * k);
  const d = 256n + kk;
  let a = ONE_AT;
  let sum = 0n;
  for (let j = 1n; a !== 0n; j++) {
    sum += a;
    a = (a * kk * 2n * j) / (d * (2n * j + 1n));
  }
  return (sum * 16n * BigInt(k)) / d;
}

function constants(): Constants {
  if (K !== null) return K;
  const w = Number(W);
  const half = PI66 >> 1n; // PI66 / 2 at scale 2^W, 66 significant bits
  const cut = BigInt(half.toString(2).length - 33);
  const hiBits = (half >> cut) << cut;
  const series = (n: number, coef: (k: number) => bigint): DD[] => Array.from({ length: n }, (_, k) => ddFromBig(coef(k), SCALE));
  let f = 1n;
  const fact: bigint[] = [1n];
  for (let n = 1n; n <= 40n; n++) fact.push((f *= n));
  const sign = (k: number): bigint => (k % 2 === 0 ? 1n : -1n);
  const pi = ddFromBig(PI, w);
  K = {
    c1: Number(hiBits) * 2 ** -w,
    c2: Number(half - hiBits) * 2 ** -w,
    quarter: ddFromBig(PI66 >> 2n, w),
    pi,
    halfPi: ddScale(new DD(), pi, -1),
    ln2: ddFromBig(LN2, w),
    log2e: ddFromBig((1n << (2n * W)) / LN2, w),
    // |r| <= pi/4 (and a little over): the first term dropped is below 2^-110 of the sum.
    sin: series(15, (k) => (sign(k) * ONE_AT) / fact[2 * k + 1]!),
    cos: series(16, (k) => (sign(k) * ONE_AT) / fact[2 * k]!),
    // |u| <= 1/32: u^24 / 25 < 2^-120.
    atan: series(12, (k) => (sign(k) * ONE_AT) / BigInt(2 * k + 1)),
    // |t| <= 0.172 (3 - 2 sqrt 2): t^46 / 47 < 2^-121.
    atanh: series(23, (k) => ONE_AT / BigInt(2 * k + 1)),
    // |y| <= 2^-8: y^12 / 13! < 2^-128.
    expm1: series(12, (k) => ONE_AT / fact[k + 1]!),
    atanK: Array.from({ length: 17 }, (_, k) => ddFromBig(atanSixteenths(k), SCALE)),
  };
  return K;
}

// Scratch double-doubles (the evaluations do not nest).
const ta = new DD();
const tb = new DD();
const tc = new DD();
const td = new DD();
const te = new DD();

// ---- sin, cos, tan ----

/** A reduced argument: x - q * PI66/2 in `r` (to within `err`), q mod 4. */
interface Reduced {
  q: number;
  err: number;
}
const red: Reduced = { q: 0, err: 0 };

/** Reduces x (normal, 2^-40 <= |x| < 2^20) into `r` as the exact evaluation does: the q nearest x / (PI66/2), ties
 * up, and r = x - q * PI66/2 in [-PI66/4, PI66/4). False when that q cannot be told here. */
function reduce(r: DD, x: F80): boolean {
  const k = constants();
  const X = ddOf(ta, x);
  if (X === null) return false;
  const q = Math.floor(X.h / (k.c1 + k.c2) + 0.5);
  // x.h - q c1 is exact (Sterbenz: q c1 is within a factor 2 of it, or 0); the rest is summed exactly but for the
  // rounding of the two sums' errors, which bounds r's error (tiny beside r unless r cancels far below x).
  const p1 = q * k.c1;
  const p2 = q * k.c2;
  if (q !== 0 && !(Math.abs(X.h) >= Math.abs(p1) / 2 && Math.abs(X.h) <= 2 * Math.abs(p1))) return false;
  const d1 = X.h - p1;
  let s = d1 + X.l;
  let v = s - d1;
  const e = d1 - (s - v) + (X.l - v);
  const s2 = s - p2;
  v = s2 - s;
  const e2 = s - (s2 - v) + (-p2 - v);
  const t = e + e2;
  s = s2 + t;
  v = s - s2;
  ddSet(r, s, s2 - (s - v) + (t - v));
  red.err = (Math.abs(e) + Math.abs(e2)) * 2 ** -52;
  // The exact evaluation's q leaves r in [-PI66/4, PI66/4): this one must be that q, clear of the bound.
  ddSub(tb, r, k.quarter);
  if (tb.h > -red.err) return false;
  ddAdd(tb, r, k.quarter);
  if (tb.h < red.err) return false;
  red.q = ((q % 4) + 4) % 4;
  return true;
}

/** sin r and cos r into `s` and `c` (as asked): each within REL_ERR of itself plus r's error. */
function sinCosR(s: DD | null, c: DD | null, r: DD): void {
  const k = constants();
  const z = ddMul(tc, r, r);
  if (s !== null) ddMul(s, ddHorner(s, k.sin, z), r);
  if (c !== null) ddHorner(c, k.cos, z);
}

// What an evaluation leaves for roundDD: its value(s), and the part of the error bound beyond REL_ERR of the value.
const sinOut = new DD();
const cosOut = new DD();
const out = new DD();
let absErr = 0;

/** The bound on the error of an evaluation's value `v`. */
function boundOf(v: DD): number {
  return Math.abs(v.h) * REL_ERR + absErr;
}

/** sin x into sinOut and cos x into cosOut, as asked, for normal x with 2^-40 <= |x| < 2^20; false when the
 * reduction's quadrant cannot be told here. */
function evalTrig(x: F80, wantSin: boolean, wantCos: boolean): boolean {
  if (!isNormal(x) || topOf(x) < -40 || topOf(x) >= 20) return false;
  const r = td;
  if (!reduce(r, x)) return false;
  const q = red.q;
  const odd = (q & 1) === 1;
  // In quadrant q, sin x is +-sin r for even q and +-cos r for odd q; cos x the other way round.
  const S = (wantSin && !odd) || (wantCos && odd) ? ta : null;
  const C = (wantSin && odd) || (wantCos && !odd) ? tb : null;
  sinCosR(S, C, r);
  if (wantSin) {
    const v = odd ? C! : S!;
    ddSet(sinOut, v.h, v.l);
    if (q >= 2) ddNeg(sinOut, sinOut);
  }
  if (wantCos) {
    const v = odd ? S! : C!;
    ddSet(cosOut, v.h, v.l);
    if (q === 1 || q === 2) ddNeg(cosOut, cosOut);
  }
  // sin and cos change by no more than r does.
  absErr = red.err;
  return true;
}

/** tan x into `out` (as evalTrig takes x). */
function evalTan(x: F80): boolean {
  if (!isNormal(x) || topOf(x) < -40 || topOf(x) >= 20) return false;
  const r = td;
  if (!reduce(r, x)) return false;
  sinCosR(ta, tb, r);
  // tan x = sin r / cos r for even q, -cos r / sin r for odd q: sin r carries r's error relatively as err / |r|,
  // cos r by far less, and the quotient both.
  if ((red.q & 1) === 1) ddNeg(out, ddDiv(out, tb, ta));
  else ddDiv(out, ta, tb);
  absErr = (Math.abs(out.h) * 2 * red.err) / Math.abs(r.h);
  return true;
}

/** atan t into `o` for 0 < t <= 1: atan(k/16) + atan(u), u = (t - k/16) / (1 + t k/16) and |u| <= 1/32; where
 * u < 0 the sum cancels by at most half (atan(1/16) > 2 atan(1/32)). */
function atanDD(o: DD, t: DD): DD {
  const k = constants();
  const j = Math.round(t.h * 16);
  let u = t;
  if (j > 0) {
    const c = j / 16;
    ddAddD(tc, t, -c);
    ddAddD(td, ddMulD(td, t, c), 1);
    u = ddDiv(tc, tc, td);
  }
  ddMul(o, ddHorner(o, k.atan, ddMul(td, u, u)), u);
  return j > 0 ? ddAdd(o, o, k.atanK[j]!) : o;
}

/** FPATAN into `out`, for normal operands no more than 2^60 apart. */
function evalAtan2(y: F80, x: F80): boolean {
  if (!isNormal(y) || !isNormal(x) || Math.abs(topOf(y) - topOf(x)) > 60) return false;
  const k = constants();
  const Y = ddAbs(ta, y);
  const X = ddAbs(tb, x);
  if (Y === null || X === null) return false;
  const swap = Y.h > X.h || (Y.h === X.h && Y.l > X.l);
  const t = swap ? ddDiv(te, X, Y) : ddDiv(te, Y, X);
  const a = atanDD(out, t);
  // pi/2 - a (a <= pi/4) and pi - a (a <= pi/2) keep at least half of what they start from.
  if (swap) ddSub(a, k.halfPi, a);
  if (x.s === 1) ddSub(a, k.pi, a);
  if (y.s === 1) ddNeg(a, a);
  absErr = 0;
  return true;
}

/** F2XM1 into `out`, for normal x with 2^-60 <= |x| < 1: e^y - 1 for y = x ln 2 halved k times to |y| < 2^-8, its
 * series, then k doublings E -> E (E + 2) (e^2a - 1 = (e^a - 1)(e^a + 1)), none of which cancels. */
function evalF2xm1(x: F80): boolean {
  if (!isNormal(x) || topOf(x) < -60 || topOf(x) >= 0) return false;
  const k = constants();
  const X = ddOf(ta, x);
  if (X === null) return false;
  const y = ddMul(tb, X, k.ln2);
  const halvings = Math.max(0, topOf(x) + 9); // |y| < 0.7 * 2^(topOf(x) + 1)
  ddScale(y, y, -halvings);
  const E = ddMul(out, ddHorner(out, k.expm1, y), y);
  for (let i = 0; i < halvings; i++) ddMul(E, E, ddAddD(td, E, 2));
  absErr = 0;
  return true;
}

/** 2 atanh(t) / ln 2 into `o` for |t| <= 0.172 (3 - 2 sqrt 2): log2 of (1 + t) / (1 - t). */
function log2Ratio(o: DD, t: DD): DD {
  const k = constants();
  ddMul(o, ddHorner(o, k.atanh, ddMul(te, t, t)), t); // atanh t
  return ddMul(o, ddScale(o, o, 1), k.log2e);
}

/** e + log2 m into `o` for m in (sqrt(1/2), 2) (changed: halved above sqrt 2, e with it): log2 m =
 * log2Ratio((m - 1) / (m + 1)), and e + log2 m cancels by at most half (|log2 m| <= 1/2 <= |e| where e is not 0). */
function log2Of(o: DD, m: DD, e: number): DD {
  if (m.h > Math.SQRT2) {
    ddScale(m, m, -1);
    e += 1;
  }
  log2Ratio(o, ddDiv(tc, ddAddD(td, m, -1), ddAddD(te, m, 1)));
  return e === 0 ? o : ddAddD(o, o, e);
}

/** FYL2X into `out`, for normal y and normal positive x whose significand is not a power of two (those are exact,
 * or cancel to 0: the exact evaluation answers): y (e + log2 m) for x = m 2^e. */
function evalFyl2x(x: F80, y: F80): boolean {
  if (!isNormal(x) || !isNormal(y) || x.s === 1 || (x.hi === 0x80000000 && x.lo === 0)) return false;
  const Y = ddOf(ta, y);
  if (Y === null) return false;
  // m in [1, 2) exactly: the significand at 2^-63.
  const m = ddSet(tb, x.hi * 2 ** -31 + ((x.lo & 0xfffff800) >>> 0) * 2 ** -63, 0);
  ddAddD(m, m, (x.lo & 0x7ff) * 2 ** -63);
  ddMul(out, log2Of(out, m, topOf(x)), Y);
  absErr = 0;
  return true;
}

/** FYL2XP1 into `out`, for normal y and normal x with -1 < x < 2^40: for |x| < 1/4, log2(1 + x) = log2Ratio(x / (2 + x))
 * (|x / (2 + x)| < 1/7, and x's own precision kept however small); otherwise 1 + x, exact in a double-double, as
 * m 2^e and log2Of. */
function evalFyl2xp1(x: F80, y: F80): boolean {
  if (!isNormal(x) || !isNormal(y) || topOf(x) > 40 || (x.s === 1 && topOf(x) >= 0)) return false;
  const Y = ddOf(ta, y);
  const X = ddOf(tb, x);
  if (Y === null || X === null) return false;
  if (topOf(x) < -2) log2Ratio(out, ddDiv(tc, X, ddAddD(td, X, 2)));
  else {
    const v = ddAddD(X, X, 1); // 1 + x: x's 64 bits and 1 span at most 106
    F64[0] = v.h;
    const e = (U32[HI]! >>> 20) - 1023; // v.h in [2^e, 2^(e+1)): m = v / 2^e in [1, 2), or just below 1
    log2Of(out, ddScale(v, v, -e), e);
  }
  ddMul(out, out, Y);
  absErr = 0;
  return true;
}

export interface FastTrig {
  sin: Res | null;
  cos: Res | null;
}

/** sin x and cos x as asked (FSIN, FCOS, FSINCOS), for normal x with 2^-40 <= |x| < 2^20; null when not settled. */
export function fastTrig(x: F80, ctx: RoundCtx, wantSin: boolean, wantCos: boolean): FastTrig | null {
  if (!evalTrig(x, wantSin, wantCos)) return null;
  const sin = wantSin ? roundDD(sinOut, boundOf(sinOut), ctx) : null;
  const cos = wantCos ? roundDD(cosOut, boundOf(cosOut), ctx) : null;
  return (wantSin && sin === null) || (wantCos && cos === null) ? null : { sin, cos };
}

/** FPTAN's tan x, for normal x with 2^-40 <= |x| < 2^20; null when not settled here. */
export function fastTan(x: F80, ctx: RoundCtx): Res | null {
  return evalTan(x) ? roundDD(out, boundOf(out), ctx) : null;
}

/** FPATAN of normal operands no more than 2^60 apart; null when not settled here. */
export function fastAtan2(y: F80, x: F80, ctx: RoundCtx): Res | null {
  return evalAtan2(y, x) ? roundDD(out, boundOf(out), ctx) : null;
}

/** F2XM1 of normal x with 2^-60 <= |x| < 1; null when not settled here. */
export function fastF2xm1(x: F80, ctx: RoundCtx): Res | null {
  return evalF2xm1(x) ? roundDD(out, boundOf(out), ctx) : null;
}

/** FYL2X of normal y and normal positive x whose significand is not a power of two; null when not settled here. */
export function fastFyl2x(x: F80, y: F80, ctx: RoundCtx): Res | null {
  return evalFyl2x(x, y) ? roundDD(out, boundOf(out), ctx) : null;
}

/** FYL2XP1 of normal y and normal x with -1 < x < 2^40; null when not settled here. */
export function fastFyl2xp1(x: F80, y: F80, ctx: RoundCtx): Res | null {
  return evalFyl2xp1(x, y) ? roundDD(out, boundOf(out), ctx) : null;
}

/** A value the fast paths round, and the bound on its error they round it with. */
export interface Bounded {
  readonly h: number;
  readonly l: number;
  readonly err: number;
}

function bounded(ok: boolean, v: DD): Bounded | null {
  return ok ? { h: v.h, l: v.l, err: boundOf(v) } : null;
}

/** The values and bounds the fast paths round, before rounding: dd-transcend.test.ts measures the bounds against
 * exact values. */
export const DD_VALUES = {
  sin: (x: F80): Bounded | null => bounded(evalTrig(x, true, false), sinOut),
  cos: (x: F80): Bounded | null => bounded(evalTrig(x, false, true), cosOut),
  tan: (x: F80): Bounded | null => bounded(evalTan(x), out),
  atan2: (y: F80, x: F80): Bounded | null => bounded(evalAtan2(y, x), out),
  f2xm1: (x: F80): Bounded | null => bounded(evalF2xm1(x), out),
  fyl2x: (x: F80, y: F80): Bounded | null => bounded(evalFyl2x(x, y), out),
  fyl2xp1: (x: F80, y: F80): Bounded | null => bounded(evalFyl2xp1(x, y), out),
} as const;
