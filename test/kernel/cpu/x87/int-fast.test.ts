// The x87's integer roundings, 64-bit integer conversions, FSCALE and FXTRACT in Numbers (int-fast.ts, unary.ts),
// held to their BigInt forms on seeded operands where rounding is hard: fractions of exactly one half, just above
// and below it, all-ones significands that carry into the next power of two, exact integers, magnitudes from below
// one half to 2^63, in every rounding mode and both signs.
import { expect } from "chai";
import type { Res } from "../../../../kernel/cpu/x87/arith";
import { fromInt, roundIntGeneral, toInt } from "../../../../kernel/cpu/x87/convert";
import { BIAS, EMAX, F80, toHex } from "../../../../kernel/cpu/x87/f80";
import { fastPrem, fastRoundInt, fastToInt64, fromInt64 } from "../../../../kernel/cpu/x87/int-fast";
import { RC_CHOP, RC_DOWN, RC_NEAR, RC_UP } from "../../../../kernel/cpu/x87/status";
import { fpremGeneral, fscale, fscaleGeneral, fxtract, fxtractGeneral } from "../../../../kernel/cpu/x87/unary";
import { Prng } from "../../../support/prng";

const RCS = [RC_NEAR, RC_DOWN, RC_UP, RC_CHOP];

function show(r: Res): string {
  return `${toHex(r.v)} flags ${r.flags} up ${r.up}`;
}

/** Normal operands with 2^top <= |x| < 2^(top + 1), top from -3 to 66, and significands whose fraction at the binary
 * point is random, zero, exactly one half, one unit either side of it, or all ones. */
function operands(seed: number): F80[] {
  const p = new Prng(seed);
  const next = (): number => p.nextU32();
  const out: F80[] = [];
  for (let top = -3; top <= 66; top++) {
    const f = 63 - top; // fraction bits
    for (let k = 0; k < 12; k++) {
      let m = (BigInt((next() | 0x80000000) >>> 0) << 32n) | BigInt(next() >>> 0);
      if (f >= 1 && f <= 63) {
        const point = 1n << BigInt(f);
        const int = m & ~(point - 1n);
        const half = point >> 1n;
        const fracs = [m & (point - 1n), 0n, half, half + 1n, half - 1n, point - 1n];
        // The integer part's last bit odd for k < 6, even after: each fraction (a tie too) with either parity.
        m = ((int & ~point) | (k < 6 ? point : 0n)) | fracs[k % fracs.length]!;
        if (k === 11) m = (1n << 64n) - 1n; // all ones: rounding up carries out
      }
      if ((m >> 63n) !== 1n) m |= 1n << 63n;
      out.push(new F80((k & 1) as 0 | 1, BIAS + top, Number(m >> 32n), Number(m & 0xffffffffn)));
    }
  }
  return out;
}

describe("kernel/cpu/x87 integer and exponent operations in Numbers", () => {
  const xs = operands(0x1a7);

  it("FRNDINT gives the BigInt rounding's value, flags and C1 in every mode", () => {
    let answered = 0;
    for (const x of xs) {
      for (const rc of RCS) {
        const fast = fastRoundInt(x, rc);
        if (fast === null) continue;
        answered++;
        expect(show(fast), `${toHex(x)} rc ${rc}`).to.equal(show(roundIntGeneral(x, rc)));
      }
    }
    expect(answered).to.equal(xs.length * RCS.length); // every normal operand
  });

  it("FIST to 64 bits gives toInt's words, flags and C1, below 2^63 and at -2^63", () => {
    let answered = 0;
    const cases = [...xs, new F80(1, BIAS + 62, 0xffffffff, 0xffffffff), new F80(0, BIAS + 62, 0xffffffff, 0xffffffff), new F80(1, BIAS + 63, 0x80000000, 0)];
    for (const x of cases) {
      for (const rc of RCS) {
        const fast = fastToInt64(x, rc);
        const want = toInt(x, 64, rc);
        if (fast === null) {
          // Left to toInt: |x| >= 2^63, or a positive value that rounds up to 2^63 (the indefinite).
          expect(x.e - BIAS >= 63 || (x.s === 0 && want.flags !== 0 && want.bits === 1n << 63n), `${toHex(x)} rc ${rc}`).to.equal(true);
          continue;
        }
        answered++;
        const bits = (BigInt(fast.w1 >>> 0) << 32n) | BigInt(fast.w0 >>> 0);
        expect([bits.toString(16), fast.flags, fast.up], `${toHex(x)} rc ${rc}`).to.deep.equal([want.bits.toString(16), want.flags, want.up]);
      }
    }
    expect(answered).to.be.greaterThan(xs.length * RCS.length * 0.9);
  });

  it("FILD of 64 bits gives fromInt's value for every magnitude and sign", () => {
    const p = new Prng(0x64);
    const words: [number, number][] = [[0, 0], [1, 0], [0xffffffff, 0xffffffff], [0, 0x80000000], [0xffffffff, 0x7fffffff], [0, 1], [0x80000000, 0], [0, 0xffffffff]];
    for (let i = 0; i < 64; i++) words.push([p.nextU32(), i < 32 ? p.nextU32() >>> (i % 32) : -(p.nextU32() >>> (i % 32))]);
    for (const [lo, hi] of words) {
      const v = BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
      expect(toHex(fromInt64(lo, hi)), `${v}`).to.equal(toHex(fromInt(v)));
    }
  });

  it("FPREM and FPREM1 give the BigInt remainder, its sign and C0/C3/C1, up to 63 binades apart", () => {
    const p = new Prng(0x9e3);
    const next = (): number => p.nextU32();
    const word = (): number => (next() | 0x80000000) >>> 0;
    let answered = 0;
    let asked = 0;
    const check = (a: F80, b: F80): void => {
      for (const nearest of [false, true]) {
        asked++;
        const fast = fastPrem(a, b, nearest);
        if (fast === null) continue;
        answered++;
        const want = fpremGeneral(a, b, nearest);
        expect([show(fast.r), fast.cc], `${nearest ? "fprem1" : "fprem"} ${toHex(a)} ${toHex(b)}`).to.deep.equal([show(want.r), want.cc]);
      }
    };
    for (let d = -3; d <= 66; d++) {
      for (let k = 0; k < 6; k++) {
        const b = new F80((next() & 1) as 0 | 1, BIAS + (next() % 200) - 100, k === 5 ? 0xffffffff : word(), k === 5 ? 0xffffffff : next());
        check(new F80((next() & 1) as 0 | 1, b.e + d, word(), next()), b);
      }
    }
    // Exact multiples (a zero remainder), halfway remainders (FPREM1 rounds the quotient to even), and a remainder
    // far below b (normalised up by many bits; tiny ones are left to the BigInt form).
    for (let k = 0; k < 24; k++) {
      const b = new F80(0, BIAS + 3, word(), (next() & 0xfffff000) >>> 0);
      const bm = (BigInt(b.hi) << 32n) | BigInt(b.lo);
      const mult = (qv: bigint, extra: bigint): F80 => {
        const m = qv * bm + extra;
        const top = m.toString(2).length - 1;
        const norm = top >= 63 ? m >> BigInt(top - 63) : m << BigInt(63 - top);
        return new F80((k & 1) as 0 | 1, b.e + top - 63, Number(norm >> 32n), Number(norm & 0xffffffffn));
      };
      const qv = BigInt(1 + (next() % 1000));
      check(mult(qv, 0n), b);
      check(mult(qv, bm >> 1n), b); // 2r = B exactly: the quotient's parity decides
      check(mult(qv, 1n << BigInt(next() % 8)), b);
    }
    check(new F80(0, 1, 0x80000000, 1), new F80(0, 1, 0x80000000, 0)); // a remainder far below the smallest normal
    expect(answered).to.be.greaterThan(asked * 0.85);
  });

  it("FSCALE and FXTRACT of normal values give the BigInt forms' results, and leave the rest to them", () => {
    const p = new Prng(0x5ca1e);
    const next = (): number => p.nextU32();
    const scales = [0.25, 0.99, 1, 1.5, 2, 17.75, 1000.5, 16383, 16384, 30000, 2 ** 30 + 0.5, 2 ** 31];
    let answered = 0;
    for (const top of [-16382, -16300, -5, 0, 3, 16000, 16383]) {
      const a = new F80((next() & 1) as 0 | 1, BIAS + top, (next() | 0x80000000) >>> 0, next());
      for (const v of scales) {
        for (const s of [0, 1] as const) {
          const e = Math.floor(Math.log2(v));
          const m = BigInt(Math.round(v * 2 ** (63 - e)));
          const b = new F80(s, BIAS + e, Number(m >> 32n), Number(m & 0xffffffffn));
          for (const rc of RCS) {
            const ctx = { prec: 64 as const, rc, unmasked: 0 };
            const got = fscale(a, b, ctx);
            expect(show(got), `fscale ${toHex(a)} ${toHex(b)} rc ${rc}`).to.equal(show(fscaleGeneral(a, b, ctx)));
            if (got.flags === 0) answered++;
          }
        }
      }
      const x = fxtract(a), want = fxtractGeneral(a);
      if (!("exp" in x) || !("exp" in want)) throw new Error("a normal value's FXTRACT gave a special result");
      expect([show(x.exp), toHex(x.sig)], `fxtract ${toHex(a)}`).to.deep.equal([show(want.exp), toHex(want.sig)]);
    }
    expect(answered).to.be.greaterThan(100);
    expect(EMAX).to.equal(0x7fff);
  });
});
