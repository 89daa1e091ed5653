// The transcendental operations' first evaluation, in double-double arithmetic (dd.ts): sin and cos (FSIN, FCOS,
// FSINCOS), tan (FPTAN), atan2 (FPATAN), 2^x - 1 (F2XM1), y log2 x (FYL2X) and y log2(1 + x) (FYL2XP1) of normal
// operands in a middling range.
// Each carries a bound on its error (relative, plus the argument reduction's own where it cancels), and roundDD keeps
// the result only when the value less and plus that bound round alike to the register format (Ziv's test). Null
// otherwise, and for every operand it does not take: transcend.ts then evaluates in BigInt fixed point, as it did
// before, so the fast path decides no result the exact evaluation would round differently. dd-transcend.test.ts holds
// it to transcend.ts's full-precision evaluation. The constants are dd-constants.ts's, the conversions and the rounding
// dd-f80.ts's.
import type { Res, RoundCtx } from "./arith";
import { DD, ddAdd, ddAddD, ddDiv, ddHorner, ddMul, ddMulD, ddNeg, ddScale, ddSet, ddSub } from "./dd";
import { ddConstants } from "./dd-constants";
import { ddAbs, ddOf, ddSignificand, exponentOf, roundDD } from "./dd-f80";
import { BIAS, type F80, isNormal } from "./f80";

/** The bound on the relative error of every evaluation here: its operations err by a few units of 2^-104 each,
 * some fifty of them, through cancellations of at most a factor 4 (each evaluation's comment says which). */
const REL_ERR = 2 ** -92;

/** The exponent of x's leading bit (x normal). */
function topOf(x: F80): number {
  return x.e - BIAS;
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

/** Reduces x into `r` as the exact evaluation does: the q nearest x / (PI66/2), ties up, and r = x - q * PI66/2 in
 * [-PI66/4, PI66/4). False for x not normal with 2^-40 <= |x| < 2^20, or when that q cannot be told here. */
function reduce(r: DD, x: F80): boolean {
  if (!isNormal(x) || topOf(x) < -40 || topOf(x) >= 20) return false;
  const k = ddConstants();
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
  const k = ddConstants();
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
  const k = ddConstants();
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
  const k = ddConstants();
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
  const k = ddConstants();
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
  const k = ddConstants();
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
  ddMul(out, log2Of(out, ddSignificand(tb, x), topOf(x)), Y);
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
    const e = exponentOf(v.h); // m = v / 2^e in [1, 2), or just below 1 (v.h a power of two, v.l negative)
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
