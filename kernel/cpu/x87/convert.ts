// Conversions between the register format and the memory formats of the x87: float32, float64,
// 16/32/64-bit integers and 18-digit packed BCD (SDM vol. 1 §4.2, §8.3.3-8.3.5). Pure functions.
import { type Res, quiet, res } from "./arith";
import { BIAS, bitLen, classify, Cls, F80, f80, INDEFINITE, INT_BIT, infinity, isZero, lsbExp, zero, zeroFields } from "./f80";
import { DOUBLE, EXT64, type Format, packExt, packIeee, roundValue, SINGLE } from "./round";
import { fastRoundInt, fieldsRoundUp, roundsUp } from "./int-fast";
import { DE, IE, OE, PE, RC_DOWN, RC_NEAR, RC_UP, UE } from "./status";

/** An exact finite value (sign, significand, exponent) in the register format. */
export function normalise(s: 0 | 1, sig: bigint, e2: number): F80 {
  if (sig === 0n) return zero(s);
  return packExt(roundValue(s, sig, e2, false, EXT64, RC_NEAR), 64);
}

function loadIeee(bits: bigint, expBits: number, fracBits: number): Res {
  const fb = BigInt(fracBits);
  const s = Number(bits >> BigInt(expBits + fracBits)) as 0 | 1;
  const ex = Number((bits >> fb) & ((1n << BigInt(expBits)) - 1n));
  const frac = bits & ((1n << fb) - 1n);
  const emaxField = (1 << expBits) - 1;
  const bias = (1 << (expBits - 1)) - 1;
  if (ex === emaxField) {
    if (frac === 0n) return res(infinity(s));
    const nan = f80(s, 0x7fff, INT_BIT | (frac << BigInt(63 - fracBits)));
    const snan = (frac >> (fb - 1n)) === 0n;
    return snan ? res(quiet(nan), IE) : res(nan);
  }
  if (ex === 0) {
    if (frac === 0n) return res(zero(s));
    return res(normalise(s, frac, 1 - bias - fracBits), DE);
  }
  return res(f80(s, ex - bias + BIAS, INT_BIT | (frac << BigInt(63 - fracBits))));
}

// A float32 or float64 that is normal or zero is exact in the register format as fields: the fraction under the
// integer bit (none for a zero), the exponent rebiased (0 for a zero). fieldsF32/fieldsF64 say whether a value is
// one of those; f32Exp/f32Hi and f64Exp/f64Hi/f64Lo then give its fields, the halves as signed 32-bit words (the
// x87's register fields and fast-arith.ts's field forms take them so; a float32's low half is zero). fromF32 and
// fromF64 build their F80 from them (bench-flops loads a double every few instructions); denormals, infinities and
// NaNs take loadIeee.

export function fieldsF32(bits: number): boolean {
  const ex = (bits >>> 23) & 0xff;
  return ex !== 0xff && (ex !== 0 || (bits & 0x7fffff) === 0);
}
export function f32Exp(bits: number): number {
  const ex = (bits >>> 23) & 0xff;
  return ex === 0 ? 0 : ex - 127 + BIAS;
}
export function f32Hi(bits: number): number {
  return ((bits >>> 23) & 0xff) === 0 ? 0 : 0x80000000 | ((bits & 0x7fffff) << 8);
}

export function fieldsF64(lo: number, hi: number): boolean {
  const ex = (hi >>> 20) & 0x7ff;
  return ex !== 0x7ff && (ex !== 0 || ((hi & 0xfffff) === 0 && lo === 0));
}
export function f64Exp(hi: number): number {
  const ex = (hi >>> 20) & 0x7ff;
  return ex === 0 ? 0 : ex - 1023 + BIAS;
}
/** Significand bits 63..32: the integer bit, the fraction's top 20 bits (hi) and 11 more from lo. */
export function f64Hi(lo: number, hi: number): number {
  return ((hi >>> 20) & 0x7ff) === 0 ? 0 : 0x80000000 | ((hi & 0xfffff) << 11) | (lo >>> 21);
}
/** Significand bits 31..11: the rest of lo. */
export function f64Lo(lo: number): number {
  return lo << 11;
}

/** FLD m32 and m64 in BigInts for every class: the references fromF32/fromF64 and the register-field loads are
 * tested against. */
export function fromF32General(bits: number): Res {
  return loadIeee(BigInt(bits >>> 0), 8, 23);
}
export function fromF64General(lo: number, hi: number): Res {
  return loadIeee((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0), 11, 52);
}

export function fromF32(bits: number): Res {
  if (fieldsF32(bits)) return res(new F80((bits >>> 31) as 0 | 1, f32Exp(bits), f32Hi(bits) >>> 0, 0));
  return fromF32General(bits);
}

export function fromF64(lo: number, hi: number): Res {
  if (fieldsF64(lo, hi)) return res(new F80((hi >>> 31) as 0 | 1, f64Exp(hi), f64Hi(lo, hi) >>> 0, f64Lo(lo) >>> 0));
  return fromF64General(lo, hi);
}

/** The exponent field of a 32-bit integer's register value (0 for a zero): see int32Hi. */
export function int32Exp(v: number): number {
  return v === 0 ? 0 : BIAS + 31 - Math.clz32(Math.abs(v));
}

/** The high half of a 32-bit integer's register value as a signed word (the low half is zero): the magnitude, at
 * most 2^31, shifted up to the integer bit. */
export function int32Hi(v: number): number {
  const mag = Math.abs(v);
  return mag << Math.clz32(mag);
}

/** fromInt of a 32-bit (or 16-bit) integer, in Numbers. */
export function fromInt32(v: number): F80 {
  return new F80(v < 0 ? 1 : 0, int32Exp(v), int32Hi(v) >>> 0, 0);
}

export function fromInt(v: bigint): F80 {
  if (v === 0n) return zero(0);
  return v < 0n ? normalise(1, -v, 0) : normalise(0, v, 0);
}

/** A memory result: the bits to store, or null when an unmasked exception suppresses the store. */
export interface Stored {
  bits: bigint;
  flags: number;
  up: boolean;
}

function storeIeee(x: F80, fmt: Format, expBits: number, rc: number, unmasked: number): Stored {
  const fracBits = fmt.prec - 1;
  const top = BigInt(expBits + fracBits);
  const expAll = ((1n << BigInt(expBits)) - 1n) << BigInt(fracBits);
  const sign = BigInt(x.s) << top;
  const c = classify(x);
  switch (c) {
    case Cls.Zero: return { bits: sign, flags: 0, up: false };
    case Cls.Inf: return { bits: sign | expAll, flags: 0, up: false };
    case Cls.QNaN:
    case Cls.SNaN: {
      const frac = ((x.m | (1n << 62n)) >> BigInt(63 - fracBits)) & ((1n << BigInt(fracBits)) - 1n);
      return { bits: sign | expAll | frac, flags: c === Cls.SNaN ? IE : 0, up: false };
    }
    case Cls.Unsupported: return { bits: (1n << top) | expAll | (1n << BigInt(fracBits - 1)), flags: IE, up: false };
    case Cls.Denormal:
    case Cls.Normal: {
      const r = roundValue(x.s, x.m, lsbExp(x), false, fmt, rc);
      let flags = r.flags; // a denormal source raises no #D on a store (measured)
      if ((flags & OE) !== 0 && (unmasked & OE) !== 0) flags = OE | (flags & PE);
      else if (r.tiny && (unmasked & UE) !== 0) flags = UE | (flags & (PE | DE));
      return { bits: packIeee(r, fmt, expBits), flags, up: r.up };
    }
  }
}

/** FST m32 and m64 in BigInts for every class: the references the Numbers stores are tested against. */
export function toF32General(x: F80, rc: number, unmasked: number): Stored {
  return storeIeee(x, SINGLE, 8, rc, unmasked);
}
export function toF64General(x: F80, rc: number, unmasked: number): Stored {
  return storeIeee(x, DOUBLE, 11, rc, unmasked);
}

export function toF32(x: F80, rc: number, unmasked: number): Stored {
  if (fitsF32(x.e, x.hi)) {
    const out: StoredWords = { w0: 0, w1: 0, flags: 0, up: false };
    normalToF32(x.s, x.e, x.hi, x.lo, rc, out);
    return { bits: BigInt(out.w0 >>> 0), flags: out.flags, up: out.up };
  }
  return toF32General(x, rc, unmasked);
}

/** Whether a register value (its exponent field and significand's high half, signed or not) is normal and stays a
 * normal float32 when rounded to one: the values normalToF32 stores. */
export function fitsF32(e: number, hi: number): boolean {
  const top = e - BIAS;
  return top >= -126 && top <= 126 && hi >>> 31 === 1;
}

/** FST m32 of a value that fitsF32, into `out` (w0; w1 is left alone), as normalToF64 does for m64: the 24 kept bits
 * are the top 24 of the high half (the integer bit lands on the exponent field's lowest bit, which the biased exponent
 * less one makes up), the rest of it and the low half decide the rounding, and a carry out of the fraction moves the
 * exponent field up by one. */
export function normalToF32(s: 0 | 1, e: number, hi: number, lo: number, rc: number, out: StoredWords): void {
  const top = e - BIAS;
  let w = (s << 31) | ((top + 126) << 23); // + (hi >>> 8), whose bit 23 (the integer bit) adds the missing one
  w += hi >>> 8;
  const rem = hi & 0xff; // the fraction's top 8 bits below the kept ones; the low half holds the rest
  const inexact = rem !== 0 || lo !== 0;
  const cmp = rem > 0x80 || (rem === 0x80 && lo !== 0) ? 1 : rem === 0x80 ? 0 : -1;
  const up = inexact && roundsUp(s, cmp, ((hi >>> 8) & 1) === 1, rc);
  out.flags = inexact ? PE : 0;
  out.w0 = (up ? w + 1 : w) | 0;
  out.up = up;
}

/** A float store's result as the 32-bit words to write (low word first; a float32 has w0 only), with its flags. */
export interface StoredWords {
  w0: number;
  w1: number;
  flags: number;
  up: boolean;
}

/** Whether a register value (its exponent field and significand's high half, signed or not) is normal and stays a
 * normal double when rounded to one (no overflow, no tininess): the values normalToF64 stores. */
export function fitsF64(e: number, hi: number): boolean {
  const top = e - BIAS; // the exponent of the leading bit of a normal value (the range leaves out e = 0 and EMAX)
  return top >= -1022 && top <= 1022 && hi >>> 31 === 1;
}

/** FST m64's result as the words it writes: a value that stays a normal double is rounded in Numbers (normalToF64),
 * a zero is its sign, any other goes through storeIeee. */
export function toF64Words(x: F80, rc: number, unmasked: number): StoredWords {
  if (fitsF64(x.e, x.hi)) {
    const out: StoredWords = { w0: 0, w1: 0, flags: 0, up: false };
    normalToF64(x.s, x.e, x.hi, x.lo, rc, out);
    return out;
  }
  if (isZero(x)) return { w0: 0, w1: x.s === 1 ? 0x80000000 | 0 : 0, flags: 0, up: false };
  const r = toF64General(x, rc, unmasked);
  return { w0: Number(r.bits & 0xffffffffn) | 0, w1: Number(r.bits >> 32n) | 0, flags: r.flags, up: r.up };
}

/** toF64Words of a value that fitsF64, written into `out` (the x87's own record on its fast path: nothing is made):
 * what storeIeee's roundValue and packIeee give, from the significand's 32-bit halves in 32-bit integer operations:
 * the 53 kept bits are the fraction's 52 under the exponent field, the 11 below them decide the rounding
 * (bench-flops stores a double every few instructions). */
export function normalToF64(s: 0 | 1, e: number, hi: number, lo: number, rc: number, out: StoredWords): void {
  const top = e - BIAS;
  let w0 = ((hi << 21) | (lo >>> 11)) >>> 0; // the kept bits' low 32
  let w1 = (s << 31) | ((top + 1023) << 20) | ((hi >>> 11) & 0xfffff); // sign, exponent field, the fraction's top 20
  const rem = lo & 0x7ff;
  const up = rem !== 0 && roundsUp(s, rem > 0x400 ? 1 : rem === 0x400 ? 0 : -1, (w0 & 1) === 1, rc);
  if (up) {
    // A carry out of the fraction adds one to the exponent field: the next binade, as packIeee has it.
    w0 = (w0 + 1) >>> 0;
    if (w0 === 0) w1 += 1;
  }
  out.w0 = w0 | 0;
  out.w1 = w1 | 0;
  out.flags = rem !== 0 ? PE : 0;
  out.up = up;
}

/** Rounds a finite value to an integer under `rc`. */
export function roundToInt(x: F80, rc: number): { v: bigint; inexact: boolean; up: boolean } {
  const e2 = lsbExp(x);
  if (e2 >= 0) return { v: (x.m << BigInt(e2)) * (x.s ? -1n : 1n), inexact: false, up: false };
  const sh = BigInt(-e2);
  const q = x.m >> sh;
  const rem = x.m & ((1n << sh) - 1n);
  if (rem === 0n) return { v: x.s ? -q : q, inexact: false, up: false };
  const half = 1n << (sh - 1n);
  let up: boolean;
  switch (rc) {
    case RC_NEAR: up = rem > half || (rem === half && (q & 1n) === 1n); break;
    case RC_DOWN: up = x.s === 1; break;
    case RC_UP: up = x.s === 0; break;
    default: up = false;
  }
  const m = up ? q + 1n : q;
  return { v: x.s ? -m : m, inexact: true, up };
}

/** FIST/FISTP/FISTTP to a signed integer of `bits` bits (16, 32, 64). */
export function toInt(x: F80, bits: number, rc: number): Stored {
  const indefinite = 1n << BigInt(bits - 1);
  const mask = (1n << BigInt(bits)) - 1n;
  const c = classify(x);
  if (c === Cls.Zero) return { bits: 0n, flags: 0, up: false };
  if (c !== Cls.Normal && c !== Cls.Denormal) return { bits: indefinite, flags: IE, up: false };
  if (x.e - BIAS > bits + 1) return { bits: indefinite, flags: IE, up: false };
  const r = roundToInt(x, rc);
  if (r.v >= indefinite || r.v < -indefinite) return { bits: indefinite, flags: IE, up: false };
  return { bits: r.v & mask, flags: r.inexact ? PE : 0, up: r.up };
}

/** A FIST result of at most 32 bits as the word to write, with its flags. */
export interface StoredInt {
  w0: number;
  flags: number;
  up: boolean;
}

/** toInt to 16 or 32 bits for a zero or a normal value below 2^31 in magnitude, in Numbers from the significand's
 * halves (a C cast of a double to int is FISTP m32); null for any other value, which toInt then takes. */
export function toSmallInt(x: F80, bits: 16 | 32, rc: number): StoredInt | null {
  const out: StoredWords = { w0: 0, w1: 0, flags: 0, up: false };
  return smallIntInto(x.s, x.e, x.hi, x.lo, bits, rc, out) ? { w0: out.w0, flags: out.flags, up: out.up } : null;
}

/** toSmallInt of a value given as its fields (halves signed or not), into `out` (w0; w1 is left alone); false where
 * toSmallInt gives null. */
export function smallIntInto(s: 0 | 1, e: number, hi: number, lo: number, bits: 16 | 32, rc: number, out: StoredWords): boolean {
  const top = e - BIAS;
  if (zeroFields(e, hi, lo)) {
    out.w0 = 0;
    out.flags = 0;
    out.up = false;
    return true;
  }
  if (e === 0 || top > 30 || hi >>> 31 === 0) return false;
  // q: the integer part; `up` whether rounding adds one to it (int-fast.ts's rules, which FRNDINT and FIST m64 use).
  let q: number;
  let up: boolean;
  let inexact: boolean;
  if (top < 0) {
    q = 0;
    inexact = true;
    up = fieldsRoundUp(s, hi, lo, top, rc);
  } else {
    const k = 31 - top; // fraction bits in hi (1..31); all of lo is fraction
    q = hi >>> k;
    const rem = hi & ((1 << k) - 1);
    const half = 1 << (k - 1);
    inexact = rem !== 0 || lo !== 0;
    const cmp = rem > half || (rem === half && lo !== 0) ? 1 : rem === half ? 0 : -1; // the fraction against 1/2
    up = inexact && roundsUp(s, cmp, (q & 1) === 1, rc);
  }
  const v = s === 1 ? -(q + (up ? 1 : 0)) : q + (up ? 1 : 0);
  const limit = bits === 32 ? 2147483648 : 32768;
  if (v >= limit || v < -limit) {
    out.w0 = bits === 32 ? -2147483648 : 0x8000;
    out.flags = IE;
    out.up = false;
    return true;
  }
  out.w0 = bits === 32 ? v | 0 : v & 0xffff;
  out.flags = inexact ? PE : 0;
  out.up = up;
  return true;
}

/** FRNDINT: the value rounded to an integer, in the register format. */
export function roundInt(x: F80, rc: number): Res {
  return fastRoundInt(x, rc) ?? roundIntGeneral(x, rc);
}

/** FRNDINT in BigInts, for every class (the reference int-fast.ts is held to). */
export function roundIntGeneral(x: F80, rc: number): Res {
  const c = classify(x);
  if (c === Cls.Unsupported) return res(INDEFINITE, IE);
  if (c === Cls.SNaN) return res(quiet(x), IE);
  if (c !== Cls.Normal && c !== Cls.Denormal) return res(x);
  const r = roundToInt(x, rc);
  const v = r.v === 0n ? zero(x.s) : normalise(x.s, r.v < 0n ? -r.v : r.v, 0);
  return { v, flags: (r.inexact ? PE : 0) | (c === Cls.Denormal ? DE : 0), up: r.up };
}

/** FBLD: 18 packed BCD digits and a sign byte (digits above 9 give undefined values on hardware). */
export function fromBcd(bytes: readonly number[]): F80 {
  let v = 0n;
  for (let i = 8; i >= 0; i--) {
    const b = bytes[i]! & 0xff;
    v = v * 100n + BigInt((b >> 4) * 10 + (b & 15));
  }
  const s = ((bytes[9]! & 0x80) >> 7) as 0 | 1;
  return v === 0n ? zero(s) : normalise(s, v, 0);
}

/** FBSTP: ten bytes, or the BCD indefinite on an invalid operand. */
export function toBcd(x: F80, rc: number): { bytes: number[]; flags: number; up: boolean } {
  const indefinite = [0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff];
  const c = classify(x);
  if (c === Cls.Zero) return { bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, x.s << 7], flags: 0, up: false };
  if (c !== Cls.Normal && c !== Cls.Denormal) return { bytes: indefinite, flags: IE, up: false };
  if (x.e - BIAS > 64) return { bytes: indefinite, flags: IE, up: false };
  const r = roundToInt(x, rc);
  let v = r.v < 0n ? -r.v : r.v;
  if (v > 999999999999999999n) return { bytes: indefinite, flags: IE, up: false };
  const bytes: number[] = [];
  for (let i = 0; i < 9; i++) {
    const d = Number(v % 100n);
    v /= 100n;
    bytes.push(((Math.floor(d / 10)) << 4) | (d % 10));
  }
  bytes.push(x.s << 7);
  return { bytes, flags: r.inexact ? PE : 0, up: r.up };
}

export { bitLen };
