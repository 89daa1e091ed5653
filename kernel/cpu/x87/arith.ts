// The five correctly rounded operations of the x87 (add, subtract, multiply, divide, square root) on
// register values, with the special cases of SDM vol. 1 §4.9 and §8.5: NaN propagation, invalid
// operations, denormal operands, division by zero. Pure: values and a rounding context in, result out.
import { BIAS, bitLen, classify, Cls, F80, INDEFINITE, infinity, isNaN80, lsbExp, neg, QUIET_BIT, zero } from "./f80";
import { fastAdd, fastDiv, fastMul, fastSqrt } from "./fast-arith";
import { EXT64, extFormat, type Format, packExt, roundValue } from "./round";
import { DE, IE, OE, RC_DOWN, UE, ZE } from "./status";

/** Rounding context: the register format selected by PC, RC, and the unmasked exception bits. */
export interface RoundCtx {
  readonly prec: 24 | 53 | 64;
  readonly rc: number;
  /** Control-word mask bits inverted: a set bit means that exception is unmasked. */
  readonly unmasked: number;
}

/** An operation's result and the exception flags it raised (as if masked; callers apply unmasking). */
export interface Res {
  v: F80;
  flags: number;
  /** The result was rounded up in magnitude (C1). */
  up: boolean;
}

const WRAP = 24576; // exponent bias adjust of unmasked overflow/underflow (SDM vol. 1 §4.9.1.4-5)

export function res(v: F80, flags = 0): Res {
  return { v, flags, up: false };
}

export function quiet(x: F80): F80 {
  return new F80(x.s, x.e, (x.hi | 0x40000000) >>> 0, x.lo);
}

/** NaN result of a two-operand operation (SDM vol. 1 table 4-7, x87 column). */
export function propagateNaN(a: F80, ca: Cls, b: F80, cb: Cls): Res {
  const flags = ca === Cls.SNaN || cb === Cls.SNaN ? IE : 0;
  if (!isNaN80(cb)) return res(quiet(a), flags);
  if (!isNaN80(ca)) return res(quiet(b), flags);
  if (ca === Cls.SNaN && cb === Cls.QNaN) return res(b, flags);
  if (cb === Cls.SNaN && ca === Cls.QNaN) return res(a, flags);
  const ma = a.m | QUIET_BIT, mb = b.m | QUIET_BIT;
  if (ma > mb) return res(quiet(a), flags);
  if (mb > ma) return res(quiet(b), flags);
  return res(quiet(a.s <= b.s ? a : b), flags);
}

/** finish to the full 64-bit register precision, whatever PC says (transcendentals and FSCALE: SDM vol. 1 §8.1.5.2). */
export function finish64(s: 0 | 1, sig: bigint, e2: number, sticky: boolean, ctx: RoundCtx): Res {
  return finish(s, sig, e2, sticky, { ...ctx, prec: 64 }, EXT64);
}

/** Rounds an exact value into the register format, scaling on unmasked overflow/underflow. */
export function finish(s: 0 | 1, sig: bigint, e2: number, sticky: boolean, ctx: RoundCtx, fmt: Format = extFormat(ctx.prec)): Res {
  let r = roundValue(s, sig, e2, sticky, fmt, ctx.rc);
  let flags = r.flags;
  if ((flags & OE) !== 0 && (ctx.unmasked & OE) !== 0) {
    r = roundValue(s, sig, e2 - WRAP, sticky, fmt, ctx.rc);
    flags = OE | (r.flags & ~(OE | UE));
  } else if (r.tiny && (ctx.unmasked & UE) !== 0) {
    r = roundValue(s, sig, e2 + WRAP, sticky, fmt, ctx.rc);
    flags = UE | (r.flags & ~(OE | UE));
  }
  return { v: packExt(r, fmt.prec), flags, up: r.up };
}

function invalid(): Res {
  return res(INDEFINITE, IE);
}

/** Common screening of two operands: NaNs, unsupported formats, denormal flag. Null when both are numbers. */
function screen2(a: F80, ca: Cls, b: F80, cb: Cls): Res | null {
  if (ca === Cls.Unsupported || cb === Cls.Unsupported) return invalid();
  if (isNaN80(ca) || isNaN80(cb)) return propagateNaN(a, ca, b, cb);
  return null;
}

function denormFlag(ca: Cls, cb: Cls): number {
  return ca === Cls.Denormal || cb === Cls.Denormal ? DE : 0;
}

function withFlags(r: Res, f: number): Res {
  r.flags |= f;
  return r;
}

/** a + b (or a - b with `sub`): fast-arith.ts's Numbers where they answer, else the general path. */
export function add(a: F80, b: F80, sub: boolean, ctx: RoundCtx): Res {
  return fastAdd(a, b, sub, ctx) ?? addGeneral(a, b, sub, ctx);
}

/** a + b (or a - b with `sub`) in bigints, for every operand class: the reference fastAdd is tested against. */
export function addGeneral(a: F80, b: F80, sub: boolean, ctx: RoundCtx): Res {
  const ca = classify(a), cb = classify(b);
  const bad = screen2(a, ca, b, cb);
  if (bad) return bad;
  if (sub) b = neg(b);
  const de = denormFlag(ca, cb);
  if (ca === Cls.Inf || cb === Cls.Inf) {
    if (ca === Cls.Inf && cb === Cls.Inf && a.s !== b.s) return withFlags(invalid(), 0);
    return res(ca === Cls.Inf ? a : b, de);
  }
  if (ca === Cls.Zero && cb === Cls.Zero) {
    const s = a.s === b.s ? a.s : ctx.rc === RC_DOWN ? 1 : 0;
    return res(zero(s), de);
  }
  let ea = lsbExp(a), eb = lsbExp(b);
  let ma = a.m, mb = b.m;
  // A far smaller operand only matters below the rounding point: replace it by one bit far below.
  if (ma !== 0n && mb !== 0n) {
    const ta = ea + bitLen(ma), tb = eb + bitLen(mb);
    if (ta - tb > 140) { mb = 1n; eb = ta - 200; }
    else if (tb - ta > 140) { ma = 1n; ea = tb - 200; }
  }
  const e = Math.min(ea, eb);
  const va = (ma << BigInt(ea - e)) * (a.s ? -1n : 1n);
  const vb = (mb << BigInt(eb - e)) * (b.s ? -1n : 1n);
  const sum = va + vb;
  if (sum === 0n) return res(zero(ctx.rc === RC_DOWN ? 1 : 0), de);
  const s = sum < 0n ? 1 : 0;
  return withFlags(finish(s, s ? -sum : sum, e, false, ctx), de);
}

/** a * b: fast-arith.ts's Numbers where they answer, else the general path. */
export function mul(a: F80, b: F80, ctx: RoundCtx): Res {
  return fastMul(a, b, ctx) ?? mulGeneral(a, b, ctx);
}

/** a * b in bigints, for every operand class: the reference fastMul is tested against. */
export function mulGeneral(a: F80, b: F80, ctx: RoundCtx): Res {
  const ca = classify(a), cb = classify(b);
  const bad = screen2(a, ca, b, cb);
  if (bad) return bad;
  const s = (a.s ^ b.s) as 0 | 1;
  const de = denormFlag(ca, cb);
  if (ca === Cls.Inf || cb === Cls.Inf) {
    if (ca === Cls.Zero || cb === Cls.Zero) return invalid();
    return res(infinity(s), de);
  }
  if (ca === Cls.Zero || cb === Cls.Zero) return res(zero(s), de);
  return withFlags(finish(s, a.m * b.m, lsbExp(a) + lsbExp(b), false, ctx), de);
}

/** a / b: fast-arith.ts's Numbers where they answer, else the general path. */
export function div(a: F80, b: F80, ctx: RoundCtx): Res {
  return fastDiv(a, b, ctx) ?? divGeneral(a, b, ctx);
}

/** a / b in bigints, for every operand class: the reference fastDiv is tested against. */
export function divGeneral(a: F80, b: F80, ctx: RoundCtx): Res {
  const ca = classify(a), cb = classify(b);
  const bad = screen2(a, ca, b, cb);
  if (bad) return bad;
  const s = (a.s ^ b.s) as 0 | 1;
  if (ca === Cls.Inf) return cb === Cls.Inf ? invalid() : res(infinity(s), denormFlag(Cls.Normal, cb));
  if (cb === Cls.Inf) return res(zero(s), denormFlag(ca, Cls.Normal));
  if (cb === Cls.Zero) return ca === Cls.Zero ? invalid() : res(infinity(s), ZE); // no #D with #Z (measured)
  const de = denormFlag(ca, cb);
  if (ca === Cls.Zero) return res(zero(s), de);
  const k = bitLen(b.m) - bitLen(a.m) + 68;
  const n = a.m << BigInt(k);
  const q = n / b.m;
  return withFlags(finish(s, q, lsbExp(a) - lsbExp(b) - k, q * b.m !== n, ctx), de);
}

/** Integer square root (floor) of n >= 0. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  // Newton's method must start at or above the root: a start below it stops at once (y >= x) and left
  // the correction loops below to walk up to 2^17 steps one by one. One step from any x > 0 lands at or
  // above floor(sqrt(n)) (AM-GM), and the double's root is within a few units of it in 53 bits.
  let x = BigInt(Math.floor(Math.sqrt(Number(n)))) + 1n;
  x = (x + n / x) >> 1n;
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

/** The square root: fast-arith.ts's Numbers where they answer, else the general path. */
export function sqrt(a: F80, ctx: RoundCtx): Res {
  return fastSqrt(a, ctx) ?? sqrtGeneral(a, ctx);
}

/** The square root in bigints, for every operand class: the reference fastSqrt is tested against. */
export function sqrtGeneral(a: F80, ctx: RoundCtx): Res {
  const ca = classify(a);
  if (ca === Cls.Unsupported) return invalid();
  if (isNaN80(ca)) return res(quiet(a), ca === Cls.SNaN ? IE : 0);
  if (ca === Cls.Zero) return res(a);
  if (a.s === 1) return invalid();
  if (ca === Cls.Inf) return res(a);
  let e = lsbExp(a);
  let k = 140 - bitLen(a.m);
  if (((e - k) & 1) !== 0) k++;
  e -= k;
  const n = a.m << BigInt(k);
  const r = isqrt(n);
  return withFlags(finish(0, r, e / 2, r * r !== n, ctx), ca === Cls.Denormal ? DE : 0);
}

/** Exact value of a finite register value as (sign, significand, exponent), normalised or not. */
export function exact(x: F80): { s: 0 | 1; m: bigint; e2: number } {
  return { s: x.s, m: x.m, e2: lsbExp(x) };
}

export { BIAS };
