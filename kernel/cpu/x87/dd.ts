// Double-double arithmetic for the transcendentals' fast evaluation (dd-transcend.ts): a value is the unevaluated sum
// h + l of two doubles with |l| <= ulp(h) / 2, about 106 significant bits. Every operation writes its result into an
// output record the caller owns (no allocation; the output may be an operand). The error of each is a few units of
// 2^-106 of its result (Dekker's product, Knuth's sum); dd-transcend.ts carries explicit error bounds on top.
// Pure but for the records it is given.

/** A double-double: the value h + l. */
export class DD {
  h = 0;
  l = 0;
}

/** 2^27 + 1: Dekker's splitting constant (a double's 53 bits as two halves of at most 26). */
const SPLIT = 134217729;

export function ddSet(o: DD, h: number, l: number): DD {
  o.h = h;
  o.l = l;
  return o;
}

export function ddCopy(o: DD, a: DD): DD {
  o.h = a.h;
  o.l = a.l;
  return o;
}

/** o = -a. */
export function ddNeg(o: DD, a: DD): DD {
  o.h = -a.h;
  o.l = -a.l;
  return o;
}

/** o = h + l normalised (|h| >= |l| or h = 0 required: the fast two-sum). */
function norm(o: DD, h: number, l: number): DD {
  const s = h + l;
  o.l = l - (s - h);
  o.h = s;
  return o;
}

/** o = (ah + al) + (bh + bl): two-sums of the high and of the low parts, then two renormalisations (the accurate
 * form, which keeps the relative error small where the operands have opposite signs). */
function sum(o: DD, ah: number, al: number, bh: number, bl: number): DD {
  const s1 = ah + bh;
  let v = s1 - ah;
  let s2 = ah - (s1 - v) + (bh - v);
  const t1 = al + bl;
  v = t1 - al;
  const t2 = al - (t1 - v) + (bl - v);
  s2 += t1;
  const h = s1 + s2;
  s2 -= h - s1;
  s2 += t2;
  return norm(o, h, s2);
}

/** o = a + b. */
export function ddAdd(o: DD, a: DD, b: DD): DD {
  return sum(o, a.h, a.l, b.h, b.l);
}

/** o = a - b. */
export function ddSub(o: DD, a: DD, b: DD): DD {
  return sum(o, a.h, a.l, -b.h, -b.l);
}

/** o = a + d for a double d. */
export function ddAddD(o: DD, a: DD, d: number): DD {
  const s1 = a.h + d;
  const v = s1 - a.h;
  let s2 = a.h - (s1 - v) + (d - v);
  s2 += a.l;
  return norm(o, s1, s2);
}

/** The rounding error of the double product a * b (a * b = fl(a * b) + this, exactly: Dekker). */
function productError(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** o = a * b. */
export function ddMul(o: DD, a: DD, b: DD): DD {
  const p = a.h * b.h;
  const e = productError(a.h, b.h, p) + (a.h * b.l + a.l * b.h);
  return norm(o, p, e);
}

/** o = a * d for a double d. */
export function ddMulD(o: DD, a: DD, d: number): DD {
  const p = a.h * d;
  const e = productError(a.h, d, p) + a.l * d;
  return norm(o, p, e);
}

const qa = new DD();
const qb = new DD();

/** o = a / b (three quotient digits, each from the remainder the one before left). */
export function ddDiv(o: DD, a: DD, b: DD): DD {
  const q1 = a.h / b.h;
  ddSub(qa, a, ddMulD(qb, b, q1));
  const q2 = qa.h / b.h;
  ddSub(qa, qa, ddMulD(qb, b, q2));
  const q3 = qa.h / b.h;
  const h = q1 + q2;
  let l = q2 - (h - q1);
  l += q3;
  return norm(o, h, l);
}

/** o = a * 2^k (exact while the result stays normal). */
export function ddScale(o: DD, a: DD, k: number): DD {
  const f = 2 ** k;
  o.h = a.h * f;
  o.l = a.l * f;
  return o;
}

/** o = c[n-1] * z^(n-1) + ... + c[1] * z + c[0] by Horner's rule, the coefficients as doubles-doubles. */
export function ddHorner(o: DD, c: readonly DD[], z: DD): DD {
  ddCopy(o, c[c.length - 1]!);
  for (let k = c.length - 2; k >= 0; k--) ddAdd(o, ddMul(o, o, z), c[k]!);
  return o;
}

/** The double-double nearest v * 2^-scale for a bigint v (the fast evaluation's constants, made from the
 * fixed-point values of transcend.ts). */
export function ddFromBig(v: bigint, scale: number): DD {
  const o = new DD();
  const neg = v < 0n;
  const a = neg ? -v : v;
  const h = Number(a); // the nearest double
  const hi = BigInt(h);
  const l = Number(a - hi);
  norm(o, h, l);
  ddScale(o, o, -scale);
  return neg ? ddNeg(o, o) : o;
}
