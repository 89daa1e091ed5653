// The transcendentals' double-double first evaluation (dd-transcend.ts): its error bounds hold against exact values
// computed here independently (BigInt series at 2^-300), its Ziv test refuses what it cannot settle, and what it
// answers is what the full 512-bit evaluation gives (transcend.ts FULL_PRECISION), in every rounding mode.
import { expect } from "chai";
import { finish64, type Res, type RoundCtx } from "../../../../kernel/cpu/x87/arith";
import { DD } from "../../../../kernel/cpu/x87/dd";
import { type Bounded, DD_VALUES, fastAtan2, fastF2xm1, fastFyl2x, fastFyl2xp1, fastTan, fastTrig } from "../../../../kernel/cpu/x87/dd-transcend";
import { roundDD } from "../../../../kernel/cpu/x87/dd-f80";
import { BIAS, F80, toHex } from "../../../../kernel/cpu/x87/f80";
import { LN2, PI, PI66, W } from "../../../../kernel/cpu/x87/fixed-constants";
import { RC_CHOP, RC_DOWN, RC_NEAR, RC_UP } from "../../../../kernel/cpu/x87/status";
import { FULL_PRECISION } from "../../../../kernel/cpu/x87/transcend";
import { u32Stream } from "../../../support/prng";
import { normalF80 } from "../../../support/f80-values";

const CTXS: RoundCtx[] = [RC_NEAR, RC_DOWN, RC_UP, RC_CHOP].map((rc) => ({ prec: 64, rc, unmasked: 0 }));

// ---- exact values: fixed point at scale 2^P ----

const P = 300n;
const ONE = 1n << P;

/** x at scale 2^P (exact for the operands here: their last bit is above 2^-P). */
function fx(x: F80): bigint {
  const sh = BigInt(x.e - BIAS - 63) + P;
  const v = sh >= 0n ? x.m << sh : x.m >> -sh;
  return x.s === 1 ? -v : v;
}
/** a * b at scale 2^P, truncated toward zero. */
function mul(a: bigint, b: bigint): bigint {
  const v = a * b;
  return v < 0n ? -(-v >> P) : v >> P;
}
function div(a: bigint, b: bigint): bigint {
  return (a << P) / b;
}
/** sum of term_k while the terms are not 0, term_0 = first, term_k = next(term_(k-1), k). */
function series(first: bigint, next: (t: bigint, k: bigint) => bigint): bigint {
  let sum = 0n;
  for (let t = first, k = 1n; t !== 0n; k++) {
    sum += t;
    t = next(t, k);
  }
  return sum;
}
const pi = PI >> (W - P);
const ln2 = LN2 >> (W - P);
/** atan t for 0 <= t <= 1 (Euler's series: its ratio is at most 1/2). */
function atan(t: bigint): bigint {
  const t2 = mul(t, t);
  const d = ONE + t2;
  const y = div(t2, d);
  return mul(div(t, d), series(ONE, (a, j) => (mul(a, y) * 2n * j) / (2n * j + 1n)));
}
/** ln m for m in [1, 2): 2 atanh((m - 1) / (m + 1)). */
function ln(m: bigint): bigint {
  const t = div(m - ONE, m + ONE);
  const t2 = mul(t, t);
  let k = 1n;
  return 2n * series(t, (a) => {
    k += 2n;
    return (mul(a, t2) * (k - 2n)) / k;
  });
}

const EXACT = {
  sin: (x: F80): bigint => trig(x, true),
  cos: (x: F80): bigint => trig(x, false),
  tan: (x: F80): bigint => div(trig(x, true), trig(x, false)),
  atan2(y: F80, x: F80): bigint {
    const ay = fx(y) < 0n ? -fx(y) : fx(y);
    const ax = fx(x) < 0n ? -fx(x) : fx(x);
    let a = ay <= ax ? atan(div(ay, ax)) : pi / 2n - atan(div(ax, ay));
    if (x.s === 1) a = pi - a;
    return y.s === 1 ? -a : a;
  },
  f2xm1(x: F80): bigint {
    const y = mul(fx(x), ln2);
    return series(y, (t, k) => mul(t, y) / (k + 1n));
  },
  fyl2x(x: F80, y: F80): bigint {
    const e = BigInt(x.e - BIAS);
    const m = x.m << (P - 63n); // the significand in [1, 2)
    return mul(fx(y), (e << P) + div(ln(m), ln2));
  },
  fyl2xp1(x: F80, y: F80): bigint {
    const v = ONE + fx(x); // 1 + x as m 2^e, m in [1, 2)
    const e = BigInt(v.toString(2).length - 1) - P;
    const m = e >= 0n ? v >> e : v << -e;
    return mul(fx(y), (e << P) + div(ln(m), ln2));
  },
};

/** sin x or cos x, reduced by the x87's 66-bit pi as the CPU does (q nearest x / (PI66/2), ties up). */
function trig(x: F80, sin: boolean): bigint {
  const half = (PI66 >> 1n) >> (W - P); // exact: PI66 has 66 bits, far above 2^(W - P)
  const v = fx(x);
  const n = v + half / 2n;
  const q = n >= 0n ? n / half : -((-n + half - 1n) / half);
  const r = v - q * half;
  const r2 = mul(r, r);
  const s = series(r, (t, k) => -mul(t, r2) / ((2n * k) * (2n * k + 1n)));
  const c = series(ONE, (t, k) => -mul(t, r2) / ((2n * k - 1n) * (2n * k)));
  const quad = Number(((q % 4n) + 4n) % 4n);
  const pick = [[s, c], [c, -s], [-s, -c], [-c, s]][quad]!;
  return sin ? pick[0]! : pick[1]!;
}

/** |b - exact| in units of 2^-P. */
function deviation(b: Bounded, exact: bigint): bigint {
  const d = BigInt(b.h * 2 ** Number(P)) + BigInt(b.l * 2 ** Number(P)) - exact;
  return d < 0n ? -d : d;
}

// ---- operands ----

/** The register value nearest k * PI66/2, moved by `ulps` units of its last place: the reduced argument cancels. */
function nearHalfPi(k: number, ulps: number): F80 {
  const v = (BigInt(k) * (PI66 >> 1n)) >> (W - 200n); // at scale 2^200
  const top = v.toString(2).length - 1;
  const m = (v >> BigInt(top - 63)) + BigInt(ulps);
  return new F80(0, BIAS + top - 200, Number(m >> 32n), Number(m & 0xffffffffn));
}

interface Case {
  readonly name: string;
  readonly bounded: () => Bounded | null;
  readonly exact: () => bigint;
  readonly fast: (ctx: RoundCtx) => Res | null;
  readonly full: (ctx: RoundCtx) => Res;
  /** Its result lies so close to a rounding boundary, or its reduced argument cancels so far, that the fast path
   * may well leave it to the exact evaluation. */
  readonly hard: boolean;
}

function cases(): Case[] {
  const next = u32Stream(0xdd7a);
  const out: Case[] = [];
  const trigCase = (x: F80, hard = false): void => {
    out.push({ name: `sin ${toHex(x)}`, bounded: () => DD_VALUES.sin(x), exact: () => EXACT.sin(x), fast: (c) => fastTrig(x, c, true, false)?.sin ?? null, full: (c) => sinOf(FULL_PRECISION.sincos(x, c), true), hard });
    out.push({ name: `cos ${toHex(x)}`, bounded: () => DD_VALUES.cos(x), exact: () => EXACT.cos(x), fast: (c) => fastTrig(x, c, false, true)?.cos ?? null, full: (c) => sinOf(FULL_PRECISION.sincos(x, c), false), hard });
    out.push({ name: `tan ${toHex(x)}`, bounded: () => DD_VALUES.tan(x), exact: () => EXACT.tan(x), fast: (c) => fastTan(x, c), full: (c) => FULL_PRECISION.tan(x, c).v, hard });
  };
  for (let i = 0; i < 60; i++) trigCase(normalF80(next, (next() % 60) - 40));
  // Next to multiples of PI66/2 the reduced argument cancels to a few bits, and one of sin and cos is next to +-1.
  for (let k = 1; k <= 24; k++) trigCase(nearHalfPi(k * 37, (next() % 7) - 3), true); // up to q = 888
  trigCase(nearHalfPi(600_000, 1), true); // q near 2^19
  for (let i = 0; i < 60; i++) {
    const y = normalF80(next, (next() % 120) - 60), x = normalF80(next, (next() % 120) - 60);
    if (Math.abs(y.e - x.e) > 60) continue;
    out.push({ name: `atan2 ${toHex(y)} ${toHex(x)}`, bounded: () => DD_VALUES.atan2(y, x), exact: () => EXACT.atan2(y, x), fast: (c) => fastAtan2(y, x, c), full: (c) => FULL_PRECISION.atan2(y, x, c), hard: false });
  }
  // |y| = |x| and next to it: t = 1, where atan(k/16) is atan(1).
  const one = normalF80(next, 3, 0);
  for (const d of [0, 1, -1]) {
    const y = new F80(1, one.e, one.hi, (one.lo + d) >>> 0);
    out.push({ name: `atan2 ${toHex(y)} ${toHex(one)}`, bounded: () => DD_VALUES.atan2(y, one), exact: () => EXACT.atan2(y, one), fast: (c) => fastAtan2(y, one, c), full: (c) => FULL_PRECISION.atan2(y, one, c), hard: false });
  }
  for (let i = 0; i < 60; i++) {
    const x = normalF80(next, -1 - (next() % 60));
    out.push({ name: `f2xm1 ${toHex(x)}`, bounded: () => DD_VALUES.f2xm1(x), exact: () => EXACT.f2xm1(x), fast: (c) => fastF2xm1(x, c), full: (c) => FULL_PRECISION.f2xm1(x, c), hard: false });
  }
  const logCase = (x: F80, y: F80): void => {
    out.push({ name: `fyl2x ${toHex(x)} ${toHex(y)}`, bounded: () => DD_VALUES.fyl2x(x, y), exact: () => EXACT.fyl2x(x, y), fast: (c) => fastFyl2x(x, y, c), full: (c) => FULL_PRECISION.fyl2x(x, y, c), hard: false });
  };
  for (let i = 0; i < 60; i++) logCase(normalF80(next, (next() % 120) - 60, 0), normalF80(next, (next() % 40) - 20));
  // x next to 1 from either side, and next to sqrt 2 (where m is halved).
  for (let i = 0; i < 20; i++) {
    const y = normalF80(next, (next() % 40) - 20);
    logCase(new F80(0, BIAS, 0x80000000, (next() & 0xffff) + 1), y);
    logCase(new F80(0, BIAS - 1, 0xffffffff, (0xffffffff - (next() & 0xffff)) >>> 0), y);
    logCase(new F80(0, BIAS, 0xb504f333, (0xf9de6484 + (next() & 0xff) - 128) >>> 0), y);
  }
  const log1pCase = (x: F80, y: F80): void => {
    out.push({ name: `fyl2xp1 ${toHex(x)} ${toHex(y)}`, bounded: () => DD_VALUES.fyl2xp1(x, y), exact: () => EXACT.fyl2xp1(x, y), fast: (c) => fastFyl2xp1(x, y, c), full: (c) => FULL_PRECISION.fyl2xp1(x, y, c), hard: false });
  };
  // Small x both ways (the x / (2 + x) form), x from 1/4 up to 2^40, and x next to -1.
  for (let i = 0; i < 40; i++) log1pCase(normalF80(next, -3 - (next() % 57)), normalF80(next, (next() % 40) - 20));
  for (let i = 0; i < 30; i++) log1pCase(normalF80(next, (next() % 43) - 2, 0), normalF80(next, (next() % 40) - 20));
  for (let i = 0; i < 10; i++) log1pCase(new F80(1, BIAS - 1, 0xffffff00 + (next() & 0xff), next()), normalF80(next, (next() % 40) - 20));
  return out;
}

function sinOf(t: ReturnType<typeof FULL_PRECISION.sincos>, sin: boolean): Res {
  if (!("inRange" in t)) return t;
  return sin ? t.sin : t.cos;
}

describe("kernel/cpu/x87 double-double transcendentals", () => {
  const all = cases();

  it("each value is within its error bound of the exact value, with room to spare", () => {
    let worst = 0;
    let measured = 0;
    for (const c of all) {
      const b = c.bounded();
      if (b === null) continue;
      measured++;
      const dev = Number(deviation(b, c.exact())) * 2 ** -Number(P);
      // The bounds are REL_ERR (2^-92) of the value plus the reduction's part: the evaluations err by 2^-100 or so.
      expect(dev, c.name).to.be.at.most(b.err / 64);
      worst = Math.max(worst, dev / Math.abs(b.h));
    }
    expect(measured).to.be.greaterThan(all.length * 0.9);
    expect(worst, "the worst relative error").to.be.below(2 ** -98);
  });

  it("answers what the full 512-bit evaluation gives, in every rounding mode, for nearly every operand it takes", () => {
    let answered = 0;
    let asked = 0;
    for (const c of all) {
      for (const ctx of CTXS) {
        const f = c.fast(ctx);
        if (!c.hard) asked++;
        if (f === null) continue;
        if (!c.hard) answered++;
        const want = c.full(ctx);
        expect([toHex(f.v), f.flags, f.up], `${c.name} rc ${ctx.rc}`).to.deep.equal([toHex(want.v), want.flags, want.up]);
      }
    }
    expect(answered, `${answered} of ${asked}`).to.be.greaterThan(asked * 0.9);
  });

  it("roundDD keeps a value only when the whole of its error bound rounds alike", () => {
    // 1 + 2^-64: the midpoint between 1 and the next register value (2^-63 apart), as a double-double.
    const mid = new DD();
    mid.h = 1;
    mid.l = 2 ** -64;
    const near = CTXS[0]!;
    expect(roundDD(mid, 2 ** -90, near), "a bound across the midpoint").to.equal(null);
    // Just above the midpoint by more than the bound: rounds up to nearest, as the exact value does.
    mid.l = 2 ** -64 + 2 ** -80;
    const up = roundDD(mid, 2 ** -90, near)!;
    const want = finish64(0, (1n << 80n) + (1n << 16n) + 1n, -80, true, near);
    expect([toHex(up.v), up.flags, up.up]).to.deep.equal([toHex(want.v), want.flags, want.up]);
    // A register value within the bound (1.5 here): no mode can tell C1, nor a directed one the value.
    mid.h = 1.5;
    mid.l = 2 ** -100;
    for (const ctx of CTXS) expect(roundDD(mid, 2 ** -90, ctx), `a bound around 1.5, rc ${ctx.rc}`).to.equal(null);
    expect(toHex(roundDD(mid, 2 ** -110, near)!.v)).to.equal(toHex(new F80(0, BIAS, 0xc0000000, 0)));
    // Just below a power of two (h = 2, l negative): the window moves down a binade and still rounds right.
    mid.h = 2;
    mid.l = -(2 ** -70);
    const below = roundDD(mid, 2 ** -100, CTXS[1]!)!;
    expect(toHex(below.v)).to.equal(toHex(new F80(0, BIAS, 0xffffffff, 0xffffffff)));
  });
});
