// The 80-bit extended format of the x87 registers as raw fields (sign, 15-bit biased exponent, 64-bit
// significand with its explicit integer bit), its classes and exact values. No rounding here (round.ts).

/** A raw extended-precision value: sign, the 15-bit biased exponent field and the 64-bit significand field
 * (integer bit included) as two unsigned 32-bit halves. The arithmetic fast paths (fast-arith.ts) work on the
 * halves in Numbers; the general paths read `m`, the significand as a bigint, made on first use and kept. */
export class F80 {
  private big: bigint | null = null;

  constructor(
    readonly s: 0 | 1,
    readonly e: number,
    /** Significand bits 63..32 (bit 31 is the integer bit). */
    readonly hi: number,
    /** Significand bits 31..0. */
    readonly lo: number,
  ) {}

  /** The 64-bit significand field. */
  get m(): bigint {
    if (this.big === null) this.big = (BigInt(this.hi) << 32n) | BigInt(this.lo);
    return this.big;
  }
}

export const BIAS = 16383;
export const EMAX = 0x7fff;
export const INT_BIT = 1n << 63n;
export const QUIET_BIT = 1n << 62n;
export const M64 = (1n << 64n) - 1n;

/** Operand classes (SDM vol. 1 §8.2.2 and table 8-3; unsupported = unnormals, pseudo-NaN/infinity). */
export const enum Cls {
  Zero,
  Denormal,
  Normal,
  Inf,
  QNaN,
  SNaN,
  Unsupported,
}

/** A register value from its significand as a bigint (the general paths' form). */
export function f80(s: 0 | 1, e: number, m: bigint): F80 {
  if (m < 0n || m >> 64n !== 0n) throw new RangeError(`x87: a significand of more than 64 bits: ${m.toString(16)}`);
  return new F80(s, e, Number(m >> 32n), Number(m & 0xffffffffn));
}

export const ZERO = new F80(0, 0, 0, 0);
export const ONE = new F80(0, BIAS, 0x80000000, 0);
/** The real indefinite (default QNaN of a masked invalid operation). */
export const INDEFINITE = new F80(1, EMAX, 0xc0000000, 0);

export function infinity(s: 0 | 1): F80 {
  return new F80(s, EMAX, 0x80000000, 0);
}

export function zero(s: 0 | 1): F80 {
  return new F80(s, 0, 0, 0);
}

export function classify(x: F80): Cls {
  const hi = x.hi;
  if (x.e === 0) {
    if (hi === 0 && x.lo === 0) return Cls.Zero;
    return Cls.Denormal; // pseudo-denormals (integer bit set) included
  }
  if (hi < 0x80000000) return Cls.Unsupported; // no integer bit
  if (x.e === EMAX) {
    if (hi === 0x80000000 && x.lo === 0) return Cls.Inf;
    return hi >= 0xc0000000 ? Cls.QNaN : Cls.SNaN;
  }
  return Cls.Normal;
}

/** Whether `x` is a normal value: exponent field 1..EMAX-1 and the integer bit set (the class the Numbers fast paths
 * take). */
export function isNormal(x: F80): boolean {
  return normalFields(x.e, x.hi);
}

/** isNormal of a value given as its exponent field and significand's high half, signed or not (the field forms of
 * fast-arith.ts). */
export function normalFields(e: number, hi: number): boolean {
  return e !== 0 && e !== EMAX && hi >>> 31 === 1;
}

/** Whether `x` is +0 or -0. */
export function isZero(x: F80): boolean {
  return zeroFields(x.e, x.hi, x.lo);
}

/** isZero of a value given as its fields. */
export function zeroFields(e: number, hi: number, lo: number): boolean {
  return e === 0 && hi === 0 && lo === 0;
}

/** Whether `x` is +1 or -1. */
export function isUnit(x: F80): boolean {
  return x.e === BIAS && x.hi === 0x80000000 && x.lo === 0;
}

export function isNaN80(c: Cls): boolean {
  return c === Cls.QNaN || c === Cls.SNaN;
}

/** Binary exponent of the significand's least significant bit for a finite value: value = m * 2^lsbExp. */
export function lsbExp(x: F80): number {
  return (x.e === 0 ? 1 : x.e) - BIAS - 63;
}

export function neg(x: F80): F80 {
  return new F80(x.s === 0 ? 1 : 0, x.e, x.hi, x.lo);
}

export function abs(x: F80): F80 {
  return x.s === 0 ? x : new F80(0, x.e, x.hi, x.lo);
}

const TWO32 = 1n << 32n;
const TWO64 = 1n << 64n;

/** Number of significant bits of a non-negative bigint. Up to 64 bits (most calls) through one or two 32-bit
 * halves; past that (an exact sum across a wide exponent gap: thousands of bits) from its hexadecimal digits,
 * one native pass, where shifting 64 bits off at a time made a new bigint per step (bench-flops spent a third of
 * its time here). */
export function bitLen(x: bigint): number {
  if (x < TWO32) return 32 - Math.clz32(Number(x));
  if (x < TWO64) return 64 - Math.clz32(Number(x >> 32n));
  const hex = x.toString(16);
  return (hex.length - 1) * 4 + 32 - Math.clz32(parseInt(hex[0]!, 16));
}

/** The ten bytes of the memory image (little endian: significand, then sign and exponent). */
export function toBytes(x: F80): number[] {
  const out: number[] = [];
  let m = x.m;
  for (let i = 0; i < 8; i++) {
    out.push(Number(m & 0xffn));
    m >>= 8n;
  }
  const se = (x.s << 15) | x.e;
  out.push(se & 0xff, se >> 8);
  return out;
}

export function fromBytes(b: readonly number[]): F80 {
  let m = 0n;
  for (let i = 7; i >= 0; i--) m = (m << 8n) | BigInt(b[i]! & 0xff);
  const se = (b[8]! & 0xff) | ((b[9]! & 0xff) << 8);
  return f80((se >> 15) as 0 | 1, se & 0x7fff, m);
}

/** Twenty hex digits, sign/exponent first (the form tests and snapshots use). */
export function toHex(x: F80): string {
  return (((x.s << 15) | x.e).toString(16).padStart(4, "0") + x.m.toString(16).padStart(16, "0"));
}

export function fromHex(h: string): F80 | null {
  if (!/^[0-9a-fA-F]{20}$/.test(h)) return null;
  const se = parseInt(h.slice(0, 4), 16);
  return new F80((se >> 15) as 0 | 1, se & 0x7fff, parseInt(h.slice(4, 12), 16), parseInt(h.slice(12), 16));
}
