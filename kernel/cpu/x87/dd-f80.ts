// Between double-doubles (dd.ts) and the x87 register format: a register value as a double-double, exactly, and a
// double-double rounded to the register format under Ziv's test (roundDD), for the transcendentals' fast evaluation
// (dd-transcend.ts).
import type { Res, RoundCtx } from "./arith";
import { DD, ddNeg, ddScale, ddSet } from "./dd";
import { BIAS, type F80 } from "./f80";
import { roundPack } from "./fast-round";

const TWO32 = 4294967296;
const TWO64 = TWO32 * TWO32;

// A double's two 32-bit halves, in the host's byte order.
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** The exponent of a positive normal double: d in [2^e, 2^(e+1)). */
export function exponentOf(d: number): number {
  F64[0] = d;
  return (U32[HI]! >>> 20) - 1023;
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

/** o = x's significand in [1, 2) exactly (x normal): its top 53 bits and its last 11, at 2^-63. */
export function ddSignificand(o: DD, x: F80): DD {
  const h = (x.hi * TWO32 + ((x.lo & 0xfffff800) >>> 0)) * 2 ** -63;
  const l = (x.lo & 0x7ff) * 2 ** -63;
  const sum = h + l;
  return ddSet(o, sum, l - (sum - h));
}

/** o = |x| exactly (x normal with its exponent such that both halves stay normal doubles), or null. */
export function ddAbs(o: DD, x: F80): DD | null {
  const top = x.e - BIAS; // |x| = significand * 2^top
  if (top < -897 || top > 963) return null;
  const m = ddSignificand(o, x);
  return ddScale(m, m, top);
}

/** o = x exactly (x as ddAbs takes it), or null. */
export function ddOf(o: DD, x: F80): DD | null {
  const v = ddAbs(o, x);
  return v !== null && x.s === 1 ? ddNeg(v, v) : v;
}
