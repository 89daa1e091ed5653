// Rounding of the x87's Numbers fast paths (fast-arith.ts, dd-f80.ts): an exact result as a 128-bit significand in
// four 32-bit words, with a sticky bit below, rounded to the register format under PC and RC into OUT, the one result
// record of the field forms. At PC 64 (FNINIT's) round64 does it, small enough for V8 to inline; PC 53 and 24 take
// roundNarrow. A result that is not a normal register value is refused: the general paths decide tininess and overflow.
//
// The words travel as signed 32-bit words (`| 0`) and are read unsigned inside: a signed word is a small integer
// wherever V8 passes or stores it, where an unsigned one of 2^31 or more (every normal value's high half) becomes a
// heap number at each call that is not inlined.
import type { Res, RoundCtx } from "./arith";
import { BIAS, EMAX, F80 } from "./f80";
import { PE, RC_CHOP, RC_DOWN, RC_NEAR, RC_UP } from "./status";

const TWO32 = 4294967296;

/** Where a field-form fast path leaves its result: the register value's fields, the flags it raised and C1. */
export interface FastOut {
  s: 0 | 1;
  /** The biased exponent field. */
  e: number;
  /** Significand bits 63..32 and 31..0 as signed 32-bit words. */
  hi: number;
  lo: number;
  flags: number;
  up: boolean;
}

/** The one result record of the field forms, overwritten by each call: its caller reads it before the next. */
export const OUT: FastOut = { s: 0, e: 0, hi: 0, lo: 0, flags: 0, up: false };

/** Writes OUT. */
export function put(s: 0 | 1, e: number, hi: number, lo: number, flags: number, up: boolean): true {
  OUT.s = s;
  OUT.e = e;
  OUT.hi = hi | 0;
  OUT.lo = lo | 0;
  OUT.flags = flags;
  OUT.up = up;
  return true;
}

/** OUT as a Res (the F80 forms' result). */
export function outRes(): Res {
  return { v: new F80(OUT.s, OUT.e, OUT.hi >>> 0, OUT.lo >>> 0), flags: OUT.flags, up: OUT.up };
}

/**
 * roundPackInto at PC = 64 (FNINIT's precision, so the usual one), with the biased exponent `e` before rounding: the
 * kept bits are w3:w2, w1 and w0 the rest. Kept small enough for V8 to inline into the field forms.
 */
function round64(s: 0 | 1, w3: number, w2: number, w1: number, w0: number, e: number, rc: number): boolean {
  if (e < 1 || e >= EMAX) return false;
  w3 >>>= 0; // the words as unsigned from here (callers pass them signed: see the top of the file)
  w2 >>>= 0;
  w1 >>>= 0;
  if (w1 === 0 && w0 === 0) return put(s, e, w3, w2, 0, false);
  const up = rc === RC_NEAR
    ? w1 > 0x80000000 || (w1 === 0x80000000 && (w0 !== 0 || (w2 & 1) === 1))
    : rc === RC_DOWN ? s === 1 : rc === RC_UP ? s === 0 : false;
  if (up) {
    w2 += 1;
    if (w2 === TWO32) {
      w2 = 0;
      w3 += 1;
      if (w3 === TWO32) {
        // All kept bits were ones: the significand becomes the next binade's 1.0.
        w3 = 0x80000000;
        e++;
        if (e >= EMAX) return false;
      }
    }
  }
  return put(s, e, w3, w2, PE, up);
}

/**
 * Rounds s * W * 2^exp to the register format of `ctx` (W = w3:w2:w1:w0, 128 bits with bit 127 set; w0's bit 0
 * may hold the jammed bits shifted out below it) into OUT. False when the result is not a normal register value (its
 * biased exponent, after rounding, outside 1..EMAX-1): the general path decides tininess and overflow.
 */
export function roundPackInto(s: 0 | 1, w3: number, w2: number, w1: number, w0: number, exp: number, ctx: RoundCtx): boolean {
  return ctx.prec === 64 ? round64(s, w3, w2, w1, w0, exp + 127 + BIAS, ctx.rc) : roundNarrow(s, w3, w2, w1, w0, exp, ctx);
}

/** roundPackInto at PC = 53 or 24. */
function roundNarrow(s: 0 | 1, w3: number, w2: number, w1: number, w0: number, exp: number, ctx: RoundCtx): boolean {
  w3 >>>= 0; // the words as unsigned from here (callers pass them signed: see the top of the file)
  w2 >>>= 0;
  w1 >>>= 0;
  w0 >>>= 0;
  let e = exp + 127 + BIAS;
  if (e < 1 || e >= EMAX) return false;
  // The kept bits end at a unit of `u3` in w3 and `u2` in w2; `rest` is the part below them, `half` that unit's half.
  let rest: number;
  let half: number;
  let low: boolean; // a bit set below the part `rest` holds
  let u3 = 0;
  let u2 = 0;
  switch (ctx.prec) {
    case 53:
      rest = w2 & 0x7ff;
      half = 0x400;
      low = w1 !== 0 || w0 !== 0;
      u2 = 0x800;
      w2 -= rest;
      break;
    default:
      rest = w3 & 0xff;
      half = 0x80;
      low = w2 !== 0 || w1 !== 0 || w0 !== 0;
      u3 = 0x100;
      w3 -= rest;
      w2 = 0;
      break;
  }
  if (rest === 0 && !low) return put(s, e, w3, w2, 0, false);
  let up: boolean;
  switch (ctx.rc) {
    case RC_NEAR:
      up = rest > half || (rest === half && (low || (u2 !== 0 ? (w2 / u2) % 2 === 1 : (w3 / u3) % 2 === 1)));
      break;
    case RC_DOWN: up = s === 1; break;
    case RC_UP: up = s === 0; break;
    case RC_CHOP: up = false; break;
    default: return false;
  }
  if (up) {
    w2 += u2;
    if (w2 >= TWO32) {
      w2 -= TWO32;
      w3 += 1;
    }
    w3 += u3;
    if (w3 >= TWO32) {
      // All kept bits were ones: the significand becomes the next binade's 1.0.
      w3 = 0x80000000;
      e++;
      if (e >= EMAX) return false;
    }
  }
  return put(s, e, w3, w2, PE, up);
}

/** roundPackInto's result as a Res, or null. */
export function roundPack(s: 0 | 1, w3: number, w2: number, w1: number, w0: number, exp: number, ctx: RoundCtx): Res | null {
  return roundPackInto(s, w3, w2, w1, w0, exp, ctx) ? outRes() : null;
}

/**
 * Rounds s * (D + f) * 2^lsb, D = d0 + d1 * 2^22 + d2 * 2^44 + d3 * 2^66 an integer of 66 or 67 bits and f a fraction
 * that `sticky` says is not zero (a quotient's or a root's remainder), into OUT: D shifted up to bit 127 of the
 * window, the sticky bit below.
 */
export function roundDigits(s: 0 | 1, d0: number, d1: number, d2: number, d3: number, sticky: boolean, lsb: number, ctx: RoundCtx): boolean {
  const u0 = (d0 | (d1 << 22)) >>> 0;
  const u1 = ((d1 >>> 10) | (d2 << 12)) >>> 0;
  const u2 = (d2 >>> 20) | (d3 << 2);
  const rs = u2 >= 4 ? 3 : 2; // 67 bits or 66
  const w3 = ((u2 << (32 - rs)) | (u1 >>> rs)) >>> 0;
  const w2 = ((u1 << (32 - rs)) | (u0 >>> rs)) >>> 0;
  const w1 = (u0 << (32 - rs)) >>> 0;
  // W = D * 2^(64 - rs).
  return roundPackInto(s, w3 | 0, w2 | 0, w1 | 0, sticky ? 1 : 0, lsb - 64 + rs, ctx);
}
