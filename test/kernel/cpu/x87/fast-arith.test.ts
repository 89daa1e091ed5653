// fast-arith.ts's add, subtract, multiply, divide and square root in Numbers against arith.ts's general paths in bigints, for
// seeded operands chosen where rounding is hard: halfway and near-halfway significands, all-ones significands
// that carry into the next binade, operands of one exponent that cancel, and exponent gaps around the word
// boundaries of the shift (32, 64, 96, 128), in every precision (PC) and rounding mode (RC).
import { expect } from "chai";
import { addGeneral, divGeneral, type Res, type RoundCtx, mulGeneral, sqrtGeneral } from "../../../../kernel/cpu/x87/arith";
import { BIAS, EMAX, F80, toHex } from "../../../../kernel/cpu/x87/f80";
import { fastAdd, fastDiv, fastMul, fastSqrt } from "../../../../kernel/cpu/x87/fast-arith";
import { RC_CHOP, RC_DOWN, RC_NEAR, RC_UP } from "../../../../kernel/cpu/x87/status";
import { u32Stream } from "../../../support/prng";


/** A normal significand's halves (integer bit set) of one of several kinds that sit at rounding boundaries. */
function halves(next: () => number, kind: number): [number, number] {
  const hi = (next() | 0x80000000) >>> 0;
  const lo = next();
  switch (kind % 10) {
    case 1: return [hi, 0]; // short: exact products and sums
    case 2: return [0xffffffff, 0xffffffff - (next() % 4096)]; // near all ones: carries into the next binade
    case 3: return [0x80000000, 0]; // a power of two
    case 4: return [hi, (lo & ~0x7ff) >>> 0]; // a double's significand
    case 5: return [(hi & ~0xff) >>> 0, 0]; // a float's significand
    case 6: return [hi, ((lo | 0x400) & ~0x3ff) >>> 0]; // 53-bit halfway below
    case 7: return [0x80000000 + (next() % 16), next() % 16]; // just above a power of two
    case 8: return [0x80000000, (1 << (next() % 32)) >>> 0]; // one low bit: shifted far, only the jammed bit holds it
    case 9: return [(0x80000000 | (1 << (next() % 31))) >>> 0, next() % 2]; // two or three bits
    default: return [hi, lo];
  }
}

/** A value of either sign with these halves and an exponent within 2^+-2000: products and quotients stay normal. */
function operand(next: () => number, hi: number, lo: number): F80 {
  return new F80((next() & 1) as 0 | 1, BIAS - 2000 + (next() % 4000), hi, lo);
}

const CTXS: RoundCtx[] = [];
for (const prec of [64, 53, 24] as const) for (const rc of [RC_NEAR, RC_DOWN, RC_UP, RC_CHOP]) CTXS.push({ prec, rc, unmasked: 0 });

function show(r: Res): { v: string; flags: number; up: boolean } {
  return { v: toHex(r.v), flags: r.flags, up: r.up };
}

/** Compares fast paths with the general ones where they answer, counting the comparisons and the answers. */
class Tally {
  cases = 0;
  answered = 0;

  same(got: Res | null, want: Res, what: string): void {
    this.cases++;
    if (got === null) return;
    this.answered++;
    expect(show(got), what).to.deep.equal(show(want));
  }
}

describe("kernel/cpu/x87 fast arithmetic", () => {
  it("adds and subtracts as the general path does, in every precision and rounding mode", () => {
    const next = u32Stream(0x5eed);
    const t = new Tally();
    for (let i = 0; i < 6000; i++) {
      const [ah, al] = halves(next, next());
      const [bh, bl] = halves(next, next());
      const ea = 100 + (next() % 32000);
      // Exponent gaps: equal (cancellation), small, and around each word boundary of the shift.
      const gaps = [0, 1, 2, 31, 32, 33, 63, 64, 65, 95, 96, 97, 127, 128, 129, 200];
      const gap = i % 3 === 0 ? gaps[next() % gaps.length]! : next() % 140;
      const eb = Math.max(1, Math.min(EMAX - 1, ea - gap));
      const a = new F80((next() & 1) as 0 | 1, ea, ah, al);
      // Every fourth b is a a few units apart: subtraction cancels most of the significand.
      const b = i % 4 === 1 ? new F80(a.s, ea, ah, (al + (next() % 8)) >>> 0) : new F80((next() & 1) as 0 | 1, eb, bh, bl);
      for (const ctx of CTXS) {
        for (const sub of [false, true]) {
          const what = `${toHex(a)} ${sub ? "-" : "+"} ${toHex(b)} pc ${ctx.prec} rc ${ctx.rc}`;
          t.same(fastAdd(a, b, sub, ctx), addGeneral(a, b, sub, ctx), what);
          t.same(fastAdd(b, a, sub, ctx), addGeneral(b, a, sub, ctx), `${what} (swapped)`);
        }
      }
    }
    // The fast path must answer nearly everything here (all operands are normal, few results are zero).
    expect(t.answered).to.be.greaterThan(t.cases * 0.95);
  });

  it("multiplies as the general path does, in every precision and rounding mode", () => {
    const next = u32Stream(0xfeed);
    const t = new Tally();
    for (let i = 0; i < 8000; i++) {
      const [ah, al] = halves(next, next());
      const [bh, bl] = halves(next, next());
      const a = operand(next, ah, al);
      const b = operand(next, bh, bl);
      for (const ctx of CTXS) {
        t.same(fastMul(a, b, ctx), mulGeneral(a, b, ctx), `${toHex(a)} * ${toHex(b)} pc ${ctx.prec} rc ${ctx.rc}`);
      }
    }
    expect(t.answered).to.equal(t.cases);
  });

  it("divides as the general path does, in every precision and rounding mode", () => {
    const next = u32Stream(0xd1d0);
    const t = new Tally();
    for (let i = 0; i < 8000; i++) {
      const [ah, al] = halves(next, next());
      // Every fourth divisor is the dividend's significand or a few units off it; every fourth dividend is an odd
      // multiple of the divisor (3B/4, 5B/8...): quotients whose remainder is exactly zero, where an estimate one
      // short leaves a remainder equal to the divisor.
      let [bh, bl] = i % 4 === 0 ? [ah, (al - (next() % 3) + 4294967296) % 4294967296] : halves(next, next());
      let [xh, xl] = [ah, al];
      if (i % 4 === 2) {
        const m = BigInt(3 + 2 * (next() % 7));
        const bm = ((BigInt(bh) << 32n) | BigInt(bl)) & ~15n;
        const prod = bm * m;
        const shift = BigInt(prod.toString(2).length - 64);
        const am = prod >> shift;
        [bh, bl] = [Number(bm >> 32n), Number(bm & 0xffffffffn)];
        [xh, xl] = [Number(am >> 32n), Number(am & 0xffffffffn)];
      }
      const a = operand(next, xh, xl);
      const b = operand(next, bh, bl);
      for (const ctx of CTXS) {
        t.same(fastDiv(a, b, ctx), divGeneral(a, b, ctx), `${toHex(a)} / ${toHex(b)} pc ${ctx.prec} rc ${ctx.rc}`);
      }
    }
    expect(t.answered).to.equal(t.cases);
  });

  it("takes square roots as the general path does, exact squares and their neighbours included", () => {
    const next = u32Stream(0x5a7e);
    const t = new Tally();
    for (let i = 0; i < 6000; i++) {
      let [h, l] = halves(next, next());
      if (i % 3 === 0) {
        // A square (of up to 32 bits) or one unit off it, normalised: the root is exact or barely inexact when the
        // exponent's parity matches the shift (half of them).
        const k = BigInt((next() | 1) >>> 0) + 2n; // odd, at least 3: k * k - 1 is not zero
        let sq = k * k + (i % 2 === 0 ? 0n : BigInt(next() % 3) - 1n);
        while (sq < 1n << 63n) sq <<= 1n;
        [h, l] = [Number(sq >> 32n), Number(sq & 0xffffffffn)];
      }
      const a = new F80(0, 1 + (next() % (EMAX - 1)), h, l);
      for (const ctx of CTXS) {
        t.same(fastSqrt(a, ctx), sqrtGeneral(a, ctx), `sqrt ${toHex(a)} pc ${ctx.prec} rc ${ctx.rc}`);
      }
    }
    expect(t.answered).to.equal(t.cases);
    expect(fastSqrt(new F80(1, BIAS, 0x80000000, 0), CTXS[0]!), "a negative operand").to.equal(null);
    expect(fastSqrt(new F80(0, 0, 0, 0), CTXS[0]!), "zero").to.equal(null);
  });

  it("adds, multiplies and divides a normal value and a zero as the general path does", () => {
    const next = u32Stream(0x2e80);
    const t = new Tally();
    for (let i = 0; i < 500; i++) {
      const [h, l] = halves(next, next());
      const x = new F80((next() & 1) as 0 | 1, 1 + (next() % (EMAX - 1)), h, l);
      for (const z of [new F80(0, 0, 0, 0), new F80(1, 0, 0, 0)]) {
        for (const ctx of CTXS) {
          const what = `${toHex(x)} and ${toHex(z)} pc ${ctx.prec} rc ${ctx.rc}`;
          for (const sub of [false, true]) {
            t.same(fastAdd(x, z, sub, ctx), addGeneral(x, z, sub, ctx), `${what} ${sub ? "-" : "+"}`);
            t.same(fastAdd(z, x, sub, ctx), addGeneral(z, x, sub, ctx), `${what} ${sub ? "-" : "+"} (swapped)`);
          }
          t.same(fastMul(x, z, ctx), mulGeneral(x, z, ctx), `${what} *`);
          t.same(fastMul(z, x, ctx), mulGeneral(z, x, ctx), `${what} * (swapped)`);
          t.same(fastDiv(z, x, ctx), divGeneral(z, x, ctx), `${what} 0 /`);
        }
      }
    }
    expect(t.answered).to.equal(t.cases);
  });

  it("leaves tiny, overflowing, zero and non-normal results and operands to the general path", () => {
    const ctx: RoundCtx = { prec: 64, rc: RC_NEAR, unmasked: 0 };
    const one = new F80(0, BIAS, 0x80000000, 0);
    const big = new F80(0, EMAX - 1, 0xffffffff, 0xffffffff);
    const small = new F80(0, 1, 0x80000000, 0);
    expect(fastMul(big, big, ctx), "overflow").to.equal(null);
    expect(fastMul(small, new F80(0, BIAS - 1, 0x80000000, 0), ctx), "tiny").to.equal(null);
    expect(fastAdd(big, big, false, ctx), "overflow by a carry").to.equal(null);
    expect(fastAdd(one, one, true, ctx), "exact zero").to.equal(null);
    expect(fastAdd(new F80(0, 0, 0, 0), new F80(1, 0, 0, 0), false, ctx), "two zeros").to.equal(null);
    expect(fastAdd(new F80(0, 1, 0x80000000, 1), small, true, ctx), "a tiny difference").to.equal(null);
    expect(fastMul(new F80(0, 0, 0x40000000, 0), one, ctx), "denormal operand").to.equal(null);
    expect(fastAdd(new F80(0, EMAX, 0x80000000, 0), one, false, ctx), "infinity").to.equal(null);
    expect(fastAdd(new F80(0, BIAS, 0x40000000, 0), one, false, ctx), "unnormal").to.equal(null);
    expect(fastDiv(one, new F80(0, 0, 0, 0), ctx), "a zero divisor").to.equal(null);
    expect(fastDiv(small, big, ctx), "a tiny quotient").to.equal(null);
    expect(fastDiv(big, small, ctx), "an overflowing quotient").to.equal(null);
  });
});
