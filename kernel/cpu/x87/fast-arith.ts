// The x87's add, subtract, multiply, divide and square root of normal operands (or a normal one and a zero) in
// Numbers: the exact result as a 128-bit significand in four 32-bit words (with a sticky bit below), rounded to the
// register format under PC and RC. The general paths of arith.ts (bigint) stay the reference: they take every other
// operand class and every result that is not a normal register value (zero, tiny, overflowing), so the fast paths
// answer only where rounding is the whole story and say no elsewhere. arith.ts and fast-arith.test.ts use the F80
// forms (fastAdd, fastMul, fastDiv, fastSqrt: a Res or null); the x87's own fast paths (x87.ts) use the field forms
// (addInto, mulInto, divInto, sqrtInto), which take each operand as its sign, exponent field and significand halves
// and leave the result in OUT: no value or result object is made. Pure but for OUT and the scratch digits.
//
// The field forms take the halves as 32-bit words in either reading (callers pass them signed: see fast-round.ts,
// which rounds their results into OUT).
import type { Res, RoundCtx } from "./arith";
import { BIAS, type F80, normalFields, zeroFields } from "./f80";
import { outRes, put, roundDigits, roundPackInto } from "./fast-round";

const TWO32 = 4294967296;
const M22 = 0x3fffff;
const TWO22 = 4194304;
const INV22 = 1 / TWO22;
const INV44 = INV22 * INV22;
const INV66 = INV44 * INV22;
const TWO69 = 2 ** 69;
const TWO70 = 2 ** 70;

// A 64-bit significand as 22-bit digits, least significant first (the top one 20 bits): the products of mulInto and
// the remainders of divInto are exact in doubles in these.
function digit0(lo: number): number {
  return lo & M22;
}
function digit1(hi: number, lo: number): number {
  return (lo >>> 22) | ((hi & 0xfff) << 10);
}
function digit2(hi: number): number {
  return hi >>> 12;
}

/** a * b for two normal operands, or a normal one and a zero, into OUT; false for any other operands or a result
 * that is not a normal register value. */
export function mulInto(as: 0 | 1, ae: number, ahi: number, alo: number, bs: 0 | 1, be: number, bhi: number, blo: number, ctx: RoundCtx): boolean {
  ahi >>>= 0; // unsigned from here: see the top of the file
  alo >>>= 0;
  bhi >>>= 0;
  blo >>>= 0;
  const s = (as ^ bs) as 0 | 1;
  if (!normalFields(ae, ahi) || !normalFields(be, bhi)) {
    if ((zeroFields(ae, ahi, alo) && normalFields(be, bhi)) || (zeroFields(be, bhi, blo) && normalFields(ae, ahi))) return put(s, 0, 0, 0, 0, false);
    return false;
  }
  // 22-bit digits (the top one 20 bits): each product is below 2^44 and each column's sum below 2^46, exact in a
  // double; a column's carry is its floor times 2^-22 (a power of two: exact, and no division).
  const a0 = digit0(alo), a1 = digit1(ahi, alo), a2 = digit2(ahi);
  const b0 = digit0(blo), b1 = digit1(bhi, blo), b2 = digit2(bhi);
  let c = a0 * b0;
  let q = Math.floor(c * INV22);
  const d0 = c - q * TWO22;
  c = q + a0 * b1 + a1 * b0;
  q = Math.floor(c * INV22);
  const d1 = c - q * TWO22;
  c = q + a0 * b2 + a1 * b1 + a2 * b0;
  q = Math.floor(c * INV22);
  const d2 = c - q * TWO22;
  c = q + a1 * b2 + a2 * b1;
  q = Math.floor(c * INV22);
  const d3 = c - q * TWO22;
  c = q + a2 * b2; // below 2^40: d4 (22 bits) and d5 (the rest)
  q = Math.floor(c * INV22);
  const d4 = c - q * TWO22;
  const d5 = q;
  // The 128 bits from the digits at bits 0, 22, 44, 66, 88 and 110.
  let w0 = (d0 | (d1 << 22)) >>> 0;
  let w1 = ((d1 >>> 10) | (d2 << 12)) >>> 0;
  let w2 = ((d2 >>> 20) | (d3 << 2) | (d4 << 24)) >>> 0;
  let w3 = ((d4 >>> 8) | (d5 << 14)) >>> 0;
  // Both significands are in [2^63, 2^64): the product is in [2^126, 2^128).
  let exp = ae + be - 2 * (BIAS + 63);
  if (w3 < 0x80000000) {
    w3 = (w3 * 2 + (w2 >>> 31)) >>> 0;
    w2 = ((w2 << 1) | (w1 >>> 31)) >>> 0;
    w1 = ((w1 << 1) | (w0 >>> 31)) >>> 0;
    w0 = (w0 << 1) >>> 0;
    exp--;
  }
  return roundPackInto(s, w3 | 0, w2 | 0, w1 | 0, w0 | 0, exp, ctx);
}

/** mulInto of two register values, as a Res or null. */
export function fastMul(a: F80, b: F80, ctx: RoundCtx): Res | null {
  return mulInto(a.s, a.e, a.hi, a.lo, b.s, b.e, b.hi, b.lo, ctx) ? outRes() : null;
}

/** a + b, or a - b with `sub`, for two normal operands, or a normal one and a zero, into OUT; false for any other
 * operands, an exact zero (its sign depends on RC) or a result that is not a normal register value. */
export function addInto(as: 0 | 1, ae: number, ahi: number, alo: number, bs: 0 | 1, be: number, bhi: number, blo: number, sub: boolean, ctx: RoundCtx): boolean {
  ahi >>>= 0; // unsigned from here: see the top of the file
  alo >>>= 0;
  bhi >>>= 0;
  blo >>>= 0;
  const sb = (sub ? bs ^ 1 : bs) as 0 | 1;
  if (!normalFields(ae, ahi) || !normalFields(be, bhi)) {
    // A sum with zero (an accumulator's first step) is the other operand rounded to the precision.
    if (zeroFields(be, bhi, blo) && normalFields(ae, ahi)) return roundPackInto(as, ahi | 0, alo | 0, 0, 0, ae - BIAS - 127, ctx);
    if (zeroFields(ae, ahi, alo) && normalFields(be, bhi)) return roundPackInto(sb, bhi | 0, blo | 0, 0, 0, be - BIAS - 127, ctx);
    return false;
  }
  // x: the operand of the larger exponent (of the larger magnitude when they are equal), at the window's top.
  let xe = ae, xhi = ahi, xlo = alo, sx = as;
  let ye = be, yhi = bhi, ylo = blo, sy = sb;
  if (be > ae || (be === ae && (bhi > ahi || (bhi === ahi && blo > alo)))) {
    xe = be; xhi = bhi; xlo = blo; sx = sb;
    ye = ae; yhi = ahi; ylo = alo; sy = as;
  }
  const d = xe - ye;
  // y shifted right by d under x's top: words y3..y0. Bits shifted out of the window need no sticky bit while y's
  // leading bit stays in it (d < 128): y then sets a bit in w1 or w0, far below the rounding point of every
  // precision, so the result is inexact, off any halfway point, with or without them. Past the window y is only
  // that sticky bit.
  let y3 = 0, y2 = 0, y1 = 0, y0 = 0;
  const r = d & 31;
  const hr = r === 0 ? yhi : yhi >>> r; // JavaScript shifts count mod 32: a shift by 0 is written out
  const mr = r === 0 ? ylo : ((yhi << (32 - r)) | (ylo >>> r)) >>> 0;
  const lr = r === 0 ? 0 : (ylo << (32 - r)) >>> 0;
  switch (d >>> 5) {
    case 0: y3 = hr; y2 = mr; y1 = lr; break;
    case 1: y2 = hr; y1 = mr; y0 = lr; break;
    case 2: y1 = hr; y0 = mr; break;
    case 3: y0 = hr; break;
    default: y0 = 1;
  }
  let w3: number, w2: number, w1: number, w0: number;
  let exp = xe - BIAS - 127;
  if (sx === sy) {
    let t = y0; // x's low words are zero
    w0 = t;
    t = y1;
    w1 = t;
    t = xlo + y2;
    w2 = t >= TWO32 ? t - TWO32 : t;
    t = xhi + y3 + (t >= TWO32 ? 1 : 0);
    if (t >= TWO32) {
      // A carry out of bit 127: one bit right.
      t -= TWO32;
      w0 = ((w0 >>> 1) | (w1 << 31)) >>> 0; // no bit lost: a carry needs d < 64, where w0 is y's low word shifted left
      w1 = ((w1 >>> 1) | (w2 << 31)) >>> 0;
      w2 = ((w2 >>> 1) | (t << 31)) >>> 0;
      w3 = ((t >>> 1) | 0x80000000) >>> 0;
      exp++;
    } else w3 = t;
  } else {
    // x - y, x the larger: borrows from the top down.
    let t = -y0;
    let borrow = t < 0 ? 1 : 0;
    w0 = t + borrow * TWO32;
    t = -y1 - borrow;
    borrow = t < 0 ? 1 : 0;
    w1 = t + borrow * TWO32;
    t = xlo - y2 - borrow;
    borrow = t < 0 ? 1 : 0;
    w2 = t + borrow * TWO32;
    w3 = xhi - y3 - borrow;
    if (w3 === 0 && w2 === 0 && w1 === 0 && w0 === 0) return false; // an exact zero: its sign is the general path's
    // Normalise: whole words first (at most two, from cancelling operands of one exponent), then bits.
    while (w3 === 0) {
      w3 = w2; w2 = w1; w1 = w0; w0 = 0;
      exp -= 32;
    }
    const k = Math.clz32(w3);
    if (k !== 0) {
      w3 = ((w3 << k) | (w2 >>> (32 - k))) >>> 0;
      w2 = ((w2 << k) | (w1 >>> (32 - k))) >>> 0;
      w1 = ((w1 << k) | (w0 >>> (32 - k))) >>> 0;
      w0 = (w0 << k) >>> 0;
      exp -= k;
    }
  }
  return roundPackInto(sx, w3 | 0, w2 | 0, w1 | 0, w0 | 0, exp, ctx);
}

/** addInto of two register values, as a Res or null. */
export function fastAdd(a: F80, b: F80, sub: boolean, ctx: RoundCtx): Res | null {
  return addInto(a.s, a.e, a.hi, a.lo, b.s, b.e, b.hi, b.lo, sub, ctx) ? outRes() : null;
}

// Scratch digits of divInto (22-bit, least significant first): the running remainder R and the divisor B. Module
// arrays rather than new ones per call; divInto is not reentrant and fills them before reading them.
const DIV_R = new Float64Array(3);
const DIV_B = new Float64Array(3);

/**
 * One step of the long division: with R (< B) in DIV_R, q = floor(R * 2^22 / B) and R * 2^22 - q * B, written back
 * into DIV_R. The estimate from doubles is at most one off either way (both approximations are good to 2^-52 and q
 * is below 2^23), and the exact remainder, in signed digits, corrects it; -1 if it did not settle in a few steps.
 */
function divStep(bd: number): number {
  const r = DIV_R, b = DIV_B;
  // T = R * 2^22: digits 0, r0, r1, r2 (at the first step R is the dividend, below 2B, and q has 23 bits).
  const rd = ((r[2]! * TWO22 + r[1]!) * TWO22 + r[0]!) * TWO22;
  let q = Math.floor(rd / bd);
  const t0 = 0, t1 = r[0]!, t2 = r[1]!, t3 = r[2]!;
  for (let tries = 0; ; tries++) {
    if (tries === 4) return -1; // the estimate is one off at most: a bound, not a case (divInto gives up)
    // T - q * B in digits with signed carries (each term below 2^46 in magnitude: exact).
    let c = t0 - q * b[0]!;
    let k = Math.floor(c * INV22);
    const n0 = c - k * TWO22;
    c = t1 - q * b[1]! + k;
    k = Math.floor(c * INV22);
    const n1 = c - k * TWO22;
    c = t2 - q * b[2]! + k;
    k = Math.floor(c * INV22);
    const n2 = c - k * TWO22;
    const top = t3 + k; // the remainder's digit 3: 0 when 0 <= remainder < 2^66
    if (top < 0) {
      q--; // the estimate was one too many
      continue;
    }
    // A remainder at or above B (top digit set, or not below B digit by digit): one more.
    if (top > 0 || n2 > b[2]! || (n2 === b[2]! && (n1 > b[1]! || (n1 === b[1]! && n0 >= b[0]!)))) {
      q++;
      continue;
    }
    r[0] = n0;
    r[1] = n1;
    r[2] = n2;
    return q;
  }
}

/** a / b for two normal operands, or a zero divided by a normal one, into OUT; false for any other operands (a zero
 * divisor included) or a result that is not a normal register value. */
export function divInto(as: 0 | 1, ae: number, ahi: number, alo: number, bs: 0 | 1, be: number, bhi: number, blo: number, ctx: RoundCtx): boolean {
  ahi >>>= 0; // unsigned from here: see the top of the file
  alo >>>= 0;
  bhi >>>= 0;
  blo >>>= 0;
  const s = (as ^ bs) as 0 | 1;
  if (!normalFields(be, bhi)) return false;
  if (!normalFields(ae, ahi)) return zeroFields(ae, ahi, alo) ? put(s, 0, 0, 0, 0, false) : false;
  // Q = floor(A * 2^66 / B) in three 22-bit steps (A/B is in (1/2, 2): Q has 66 or 67 bits), with the remainder.
  DIV_B[0] = digit0(blo);
  DIV_B[1] = digit1(bhi, blo);
  DIV_B[2] = digit2(bhi);
  DIV_R[0] = digit0(alo);
  DIV_R[1] = digit1(ahi, alo);
  DIV_R[2] = digit2(ahi);
  const bd = bhi * TWO32 + blo;
  const q1 = divStep(bd);
  const q2 = divStep(bd);
  const q3 = divStep(bd);
  if (q1 < 0 || q2 < 0 || q3 < 0) return false;
  // a / b = (Q + rem/B) * 2^(ae - be - 66); q1 has up to 23 bits, its top ones reaching into digit 3's place.
  return roundDigits(s, q3, q2, q1, 0, DIV_R[0] !== 0 || DIV_R[1] !== 0 || DIV_R[2] !== 0, ae - be - 66, ctx);
}

/** divInto of two register values, as a Res or null. */
export function fastDiv(a: F80, b: F80, ctx: RoundCtx): Res | null {
  return divInto(a.s, a.e, a.hi, a.lo, b.s, b.e, b.hi, b.lo, ctx) ? outRes() : null;
}

// Scratch digits of sqrtInto (22-bit, least significant first): the root R and the remainder N - R^2. Module
// arrays rather than new ones per call; sqrtInto is not reentrant and fills them before reading them.
const ROOT = new Float64Array(4);
const REM = new Float64Array(7);

/** Adds a small integer to ROOT, carrying. */
function rootAdd(d: number): void {
  let c = d;
  for (let i = 0; i < 4; i++) {
    const v = ROOT[i]! + c;
    c = Math.floor(v * INV22);
    ROOT[i] = v - c * TWO22;
  }
}

/** REM = N - ROOT^2 for N's digits 3..6 (digits 0..2 are zero); returns the final carry, negative when N < R^2.
 * Each column of the square is below 2^47: exact. */
function remainder(n3: number, n4: number, n5: number, n6: number): number {
  const r0 = ROOT[0]!, r1 = ROOT[1]!, r2 = ROOT[2]!, r3 = ROOT[3]!;
  let c = -(r0 * r0);
  let k = Math.floor(c * INV22);
  REM[0] = c - k * TWO22;
  c = k - 2 * r0 * r1;
  k = Math.floor(c * INV22);
  REM[1] = c - k * TWO22;
  c = k - 2 * r0 * r2 - r1 * r1;
  k = Math.floor(c * INV22);
  REM[2] = c - k * TWO22;
  c = k + n3 - 2 * (r0 * r3 + r1 * r2);
  k = Math.floor(c * INV22);
  REM[3] = c - k * TWO22;
  c = k + n4 - 2 * r1 * r3 - r2 * r2;
  k = Math.floor(c * INV22);
  REM[4] = c - k * TWO22;
  c = k + n5 - 2 * r2 * r3;
  k = Math.floor(c * INV22);
  REM[5] = c - k * TWO22;
  c = k + n6 - r3 * r3;
  k = Math.floor(c * INV22);
  REM[6] = c - k * TWO22;
  return k;
}

/** Whether REM (not negative) exceeds 2 * ROOT: then ROOT is below floor(sqrt(N)). */
function remainderAboveTwiceRoot(): boolean {
  let k = 0;
  for (let i = 0; i < 7; i++) {
    const c = REM[i]! - (i < 4 ? 2 * ROOT[i]! : 0) - (i === 0 ? 1 : 0) + k;
    k = Math.floor(c * INV22);
  }
  return k >= 0;
}

/**
 * The square root of a positive normal operand, into OUT; false for any other (zeros, negatives, denormals, specials), which
 * the general path takes. R = floor(sqrt(N)), N = M * 2^t (t = 69 or 70, making the exponent even), has 67 bits:
 * a double's square root of N less 2^16 is below it (the double is good to 2^15), one Newton step from there in
 * exact digit arithmetic lands within one of R, and the exact remainder N - R^2 settles it and gives the sticky bit.
 */
export function sqrtInto(as: 0 | 1, ae: number, ahi: number, alo: number, ctx: RoundCtx): boolean {
  ahi >>>= 0; // unsigned from here: see the top of the file
  alo >>>= 0;
  if (as !== 0 || !normalFields(ae, ahi)) return false;
  const top = ae - BIAS; // value = M * 2^(top - 63)
  const odd = ((top - 63 - 69) & 1) !== 0;
  const t = odd ? 70 : 69;
  const u = t - 66;
  // N's 22-bit digits: three zero digits (2^66), then M << u.
  const hi = ahi, lo = alo;
  const n3 = (lo << u) & M22, n4 = ((lo >>> (22 - u)) | (hi << (10 + u))) & M22, n5 = (hi >>> (12 - u)) & M22, n6 = hi >>> (34 - u);
  const s0 = Math.sqrt((hi * TWO32 + lo) * (odd ? TWO70 : TWO69)) - 65536; // below sqrt(N), a multiple of 2^14
  const q1 = Math.floor(s0 * INV22), q2 = Math.floor(s0 * INV44), q3 = Math.floor(s0 * INV66);
  ROOT[0] = s0 - q1 * TWO22;
  ROOT[1] = q1 - q2 * TWO22;
  ROOT[2] = q2 - q3 * TWO22;
  ROOT[3] = q3;
  remainder(n3, n4, n5, n6); // N - R0^2: positive, below 2^86
  let dd = 0;
  for (let i = 6; i >= 0; i--) dd = dd * TWO22 + REM[i]!;
  rootAdd(Math.floor(dd / (2 * s0)));
  // Now within one of R: settle on 0 <= N - R^2 <= 2R (a few steps at most; past them the general path answers).
  for (let tries = 0; ; tries++) {
    if (tries === 4) return false;
    if (remainder(n3, n4, n5, n6) < 0) rootAdd(-1);
    else if (remainderAboveTwiceRoot()) rootAdd(1);
    else break;
  }
  const sticky = REM[0] !== 0 || REM[1] !== 0 || REM[2] !== 0 || REM[3] !== 0 || REM[4] !== 0 || REM[5] !== 0 || REM[6] !== 0;
  // sqrt(value) = (R + frac) * 2^((top - 63 - t) / 2), R of 67 bits.
  return roundDigits(0, ROOT[0]!, ROOT[1]!, ROOT[2]!, ROOT[3]!, sticky, (top - 63 - t) / 2, ctx);
}

/** sqrtInto of a register value, as a Res or null. */
export function fastSqrt(a: F80, ctx: RoundCtx): Res | null {
  return sqrtInto(a.s, a.e, a.hi, a.lo, ctx) ? outRes() : null;
}
