// The constants of the transcendentals' double-double evaluation (dd-transcend.ts), made on first use (a few ms, once
// per process) from the fixed-point ones of fixed-constants.ts and from exact BigInt series.
import { DD, ddFromBig, ddScale } from "./dd";
import { LN2, PI, PI66, W } from "./fixed-constants";

export interface Constants {
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

export function ddConstants(): Constants {
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
