// The x87 conversions' fast paths (convert.ts fromF32/fromF64 for normal values, toF64Words and toF32 for values that
// stay normal doubles and singles, fromInt32 and toSmallInt for FILD and FIST of up to 32 bits, f80.ts bitLen) against slower
// references: the general paths (round.ts roundValue and packIeee, convert.ts fromInt and toInt, which the recorded
// vectors check), JavaScript's own double conversion and toString(2). The recorded vectors hold few exact halfway
// cases and directed-rounding stores, so these tests sweep them on purpose.
import { expect } from "chai";
import { fromF32, fromF64, fromInt, fromInt32, type Stored, toF32, toF64Words, toInt, toSmallInt } from "../../../../kernel/cpu/x87/convert";
import type { Res } from "../../../../kernel/cpu/x87/arith";
import { BIAS, bitLen, type F80, f80, toHex } from "../../../../kernel/cpu/x87/f80";
import { DOUBLE, packIeee, roundValue, SINGLE } from "../../../../kernel/cpu/x87/round";
import { RC_CHOP, RC_DOWN, RC_NEAR, RC_UP } from "../../../../kernel/cpu/x87/status";
import { u32Stream } from "../../../support/prng";


const INT_BIT = 1n << 63n;

/** A significand with the integer bit set; every other kind ends its low `drop` bits (11 for a double's 53 kept
 * bits, 40 for a float32's 24) at a rounding boundary. */
function significand(next: () => number, kind: number, drop = 11n): bigint {
  const m = (BigInt(next()) << 32n) | BigInt(next()) | INT_BIT;
  const half = 1n << (drop - 1n);
  switch (kind % 5) {
    case 1: return (m >> drop) << drop; // exact
    case 2: return ((m >> drop) << drop) | half; // exactly half, either parity
    case 3: return (1n << 64n) - 1n - BigInt(next() % 2048); // rounds up into the next binade
    case 4: return ((m >> drop) << drop) | (half - 1n); // just below half
    default: return m;
  }
}

/** A result with its value as 20 hex digits (toHex), for deep comparison. */
function plain(r: Res): { v: string; flags: number; up: boolean } {
  return { v: toHex(r.v), flags: r.flags, up: r.up };
}

/** FST m64 (toF64Words) with its two words as one bigint, the general path's form. */
function toF64(x: F80, rc: number, unmasked: number): Stored {
  const r = toF64Words(x, rc, unmasked);
  return { bits: (BigInt(r.w1 >>> 0) << 32n) | BigInt(r.w0 >>> 0), flags: r.flags, up: r.up };
}

/** toF64 the general way: round to the double format, then pack. */
function generalToF64(x: F80, rc: number): { bits: bigint; flags: number; up: boolean } {
  const r = roundValue(x.s, x.m, x.e - BIAS - 63, false, DOUBLE, rc);
  return { bits: packIeee(r, DOUBLE, 11), flags: r.flags, up: r.up };
}

function f64Bits(v: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v, true);
  return view.getBigUint64(0, true);
}

describe("kernel/cpu/x87 fast paths", () => {
  it("toF64 equals the general rounding path in every rounding mode, halfway cases and the ends of the range included", () => {
    const next = u32Stream(0x1234567);
    for (let i = 0; i < 20_000; i++) {
      // -1022..1022, the range the fast path takes, and one in four at its ends and past them (overflow, tininess).
      const top = i % 4 === 0 ? [-1025, -1023, -1022, 1022, 1023, 1024][next() % 6]! : (next() % 2045) - 1022;
      const x = f80((i & 1) as 0 | 1, top + BIAS, significand(next, i));
      for (const rc of [RC_NEAR, RC_DOWN, RC_UP, RC_CHOP]) {
        const want = generalToF64(x, rc);
        const got = toF64(x, rc, 0);
        if (got.bits !== want.bits || got.flags !== want.flags || got.up !== want.up) {
          expect({ x, rc, got }).to.deep.equal({ x, rc, got: want });
        }
      }
    }
  });

  it("toF32 equals the general rounding path in every rounding mode, at the ends of the single range too", () => {
    const next = u32Stream(0x5eed32);
    for (let i = 0; i < 20_000; i++) {
      // -126..126, the range the fast path takes, and one in four at its ends and past them (overflow, tininess).
      const top = i % 4 === 0 ? [-129, -127, -126, 126, 127, 128][next() % 6]! : (next() % 253) - 126;
      const x = f80((i & 1) as 0 | 1, top + BIAS, significand(next, i, 40n));
      for (const rc of [RC_NEAR, RC_DOWN, RC_UP, RC_CHOP]) {
        const r = roundValue(x.s, x.m, x.e - BIAS - 63, false, SINGLE, rc);
        const want = { bits: packIeee(r, SINGLE, 8), flags: r.flags, up: r.up };
        const got = toF32(x, rc, 0);
        if (got.bits !== want.bits || got.flags !== want.flags || got.up !== want.up) {
          expect({ x: toHex(x), rc, got }).to.deep.equal({ x: toHex(x), rc, got: want });
        }
      }
    }
  });

  it("toF64 of a zero is its sign alone, without flags, in every rounding mode", () => {
    for (const rc of [RC_NEAR, RC_DOWN, RC_UP, RC_CHOP]) {
      expect(toF64(f80(0, 0, 0n), rc, 0)).to.deep.equal({ bits: 0n, flags: 0, up: false });
      expect(toF64(f80(1, 0, 0n), rc, 0)).to.deep.equal({ bits: 1n << 63n, flags: 0, up: false });
    }
  });

  it("toF64 rounding to nearest equals JavaScript's own conversion of the exact value", () => {
    const next = u32Stream(0xbeef);
    for (let i = 0; i < 20_000; i++) {
      const top = (next() % 2045) - 1022;
      const x = f80((i & 1) as 0 | 1, top + BIAS, significand(next, i));
      // Number(m) rounds m to 53 bits, to nearest and ties to even; the powers of two then scale it exactly
      // (first into [1, 2], then by 2^top: a normal double all the way).
      const exact = (x.s === 1 ? -1 : 1) * ((Number(x.m) * 2 ** -63) * 2 ** top);
      expect(toF64(x, RC_NEAR, 0).bits, `m=${x.m.toString(16)} top=${top}`).to.equal(f64Bits(exact));
    }
  });

  it("fromF64 and fromF32 of normal values put the fraction under the integer bit, exponent rebiased", () => {
    const next = u32Stream(42);
    for (let i = 0; i < 20_000; i++) {
      const hi = next();
      const lo = next();
      const ex = (hi >>> 20) & 0x7ff;
      if (ex !== 0 && ex !== 0x7ff) {
        const frac = ((BigInt(hi & 0xfffff) << 32n) | BigInt(lo)) << 11n;
        expect(plain(fromF64(lo, hi))).to.deep.equal({ v: toHex(f80((hi >>> 31) as 0 | 1, ex - 1023 + BIAS, INT_BIT | frac)), flags: 0, up: false });
      }
      const ex32 = (hi >>> 23) & 0xff;
      if (ex32 !== 0 && ex32 !== 0xff) {
        expect(plain(fromF32(hi))).to.deep.equal({ v: toHex(f80((hi >>> 31) as 0 | 1, ex32 - 127 + BIAS, INT_BIT | (BigInt(hi & 0x7fffff) << 40n))), flags: 0, up: false });
      }
    }
  });

  it("FILD's fromInt32 and FIST's toSmallInt equal the general conversions, limits and halfway cases included", () => {
    const next = u32Stream(0x1f15);
    const ints = [0, 1, -1, 2, -2, 32767, -32768, 32768, -32769, 2147483647, -2147483648, 12345, -987654];
    for (let i = 0; i < 2000; i++) ints.push(next() | 0, (next() % 70000) - 35000);
    for (const v of ints) expect(toHex(fromInt32(v)), String(v)).to.equal(toHex(fromInt(BigInt(v))));
    // Values from 1/8 up to 2^31 in magnitude, with fractions of one half exactly, just below and just above it.
    const values: F80[] = [f80(0, 0, 0n), f80(1, 0, 0n)];
    for (let i = 0; i < 4000; i++) {
      const top = (next() % 35) - 3;
      let m = (BigInt(next()) << 32n) | BigInt(next()) | INT_BIT;
      if (i % 3 === 0 && top >= 0 && top < 62) {
        const frac = 63n - BigInt(top); // the half's bit is frac - 1
        m = ((m >> frac) << frac) | (1n << (frac - 1n));
        if (i % 2 === 0) m += BigInt(next() % 3) - 1n;
      }
      values.push(f80((i & 1) as 0 | 1, BIAS + top, m));
    }
    for (const v of [2147483647.5, -2147483648.5, -2147483647.5, 32767.5, -32768.5, 32768, -32768, 0.5, -0.5, 1.5, 2.5]) {
      const w = new DataView(new ArrayBuffer(8));
      w.setFloat64(0, v, true);
      values.push(fromF64(w.getUint32(0, true), w.getUint32(4, true)).v);
    }
    let answered = 0;
    for (const x of values) {
      for (const bits of [16, 32] as const) {
        for (const rc of [RC_NEAR, RC_DOWN, RC_UP, RC_CHOP]) {
          const got = toSmallInt(x, bits, rc);
          if (got === null) continue;
          answered++;
          const want = toInt(x, bits, rc);
          expect(got, `${toHex(x)} to ${bits} bits, rc ${rc}`).to.deep.equal({ w0: Number(want.bits) | 0, flags: want.flags, up: want.up });
        }
      }
    }
    expect(answered).to.be.greaterThan(values.length * 8 * 0.8);
  });

  it("bitLen equals the length of the binary digits, up to thousands of bits", () => {
    const next = u32Stream(7);
    const values = [0n, 1n, (1n << 32n) - 1n, 1n << 32n, (1n << 64n) - 1n, 1n << 64n];
    for (let i = 0; i < 5_000; i++) values.push((BigInt(next()) << BigInt(next() % 3000)) + BigInt(i % 3));
    for (const v of values) expect(bitLen(v), v.toString(16)).to.equal(v === 0n ? 0 : v.toString(2).length);
  });
});
