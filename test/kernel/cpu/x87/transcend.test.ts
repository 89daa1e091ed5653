// The transcendental operations' two-step evaluation (192 working bits, checked, then 512 when the check fails)
// against the single 512-bit evaluation they replaced (FULL_PRECISION), on seeded operands across each operation's
// domain: tiny and large arguments, arguments next to multiples of pi/2 (where the reduced argument cancels), values
// next to 1 for the logarithms, in every rounding mode.
import { expect } from "chai";
import { div, type Res, type RoundCtx } from "../../../../kernel/cpu/x87/arith";
import { fromF64 } from "../../../../kernel/cpu/x87/convert";
import { BIAS, F80, toHex } from "../../../../kernel/cpu/x87/f80";
import { PE, RC_CHOP, RC_DOWN, RC_NEAR, RC_UP } from "../../../../kernel/cpu/x87/status";
import { atan2, f2xm1, FULL_PRECISION, fyl2x, fyl2xp1, sincos, sinOrCos, tan } from "../../../../kernel/cpu/x87/transcend";
import { u32Stream } from "../../../support/prng";
import { normalF80 } from "../../../support/f80-values";



/** The register value nearest to the double v, moved by `ulps` units of its last place. */
function near(v: number, ulps: number): F80 {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v, true);
  const x = fromF64(view.getUint32(0, true), view.getUint32(4, true)).v;
  const lo = x.lo + ulps;
  return new F80(x.s, x.e, x.hi, lo >>> 0); // the low word of a double's significand has room for a few units
}

const CTXS: RoundCtx[] = [RC_NEAR, RC_DOWN, RC_UP, RC_CHOP].map((rc) => ({ prec: 64, rc, unmasked: 0 }));

function show(r: Res): string {
  return `${toHex(r.v)} flags ${r.flags} up ${r.up}`;
}

describe("kernel/cpu/x87 transcendentals", () => {
  it("FSINCOS, FSIN, FCOS and FPTAN give the single 512-bit evaluation's results", () => {
    const next = u32Stream(0x51c05);
    const xs: F80[] = [];
    for (let i = 0; i < 150; i++) xs.push(normalF80(next, (next() % 110) - 46));
    // Next to multiples of pi/2 the reduced argument cancels to a few bits of the operand.
    for (let k = 1; k <= 60; k++) xs.push(near((k * Math.PI) / 2, (next() % 5) - 2));
    for (const x of xs) {
      for (const ctx of CTXS) {
        const what = `${toHex(x)} rc ${ctx.rc}`;
        const got = sincos(x, ctx), want = FULL_PRECISION.sincos(x, ctx);
        if ("inRange" in got && "inRange" in want) {
          expect(got.inRange, what).to.equal(want.inRange);
          expect(show(got.sin), `sin ${what}`).to.equal(show(want.sin));
          expect(show(got.cos), `cos ${what}`).to.equal(show(want.cos));
          // FSIN and FCOS alone run one series: the same results as FSINCOS's.
          const sin = sinOrCos(x, ctx, "sin"), cos = sinOrCos(x, ctx, "cos");
          if (!("inRange" in sin) || !("inRange" in cos)) throw new Error(`${what}: sin or cos alone gave a special result`);
          expect([sin.inRange, show(sin.v)], `sin alone ${what}`).to.deep.equal([want.inRange, show(want.sin)]);
          expect([cos.inRange, show(cos.v)], `cos alone ${what}`).to.deep.equal([want.inRange, show(want.cos)]);
        } else expect(got, what).to.deep.equal(want);
        const t = tan(x, ctx), tw = FULL_PRECISION.tan(x, ctx);
        expect([t.inRange, show(t.v)], `tan ${what}`).to.deep.equal([tw.inRange, show(tw.v)]);
      }
    }
  });

  it("FPATAN of operands far apart in magnitude is the quotient just below, pi or pi/2, at any exponents", () => {
    const next = u32Stream(0xfa7a);
    const vOf = (r: Res): [string, boolean] => [toHex(r.v), r.up];
    let exacts = 0;
    for (let i = 0; i < 200; i++) {
      // |y / x| below 2^-200 (exponents anywhere, denormal y included): atan t = t - t^3/3..., so an inexact quotient
      // rounds as the quotient does, and an exact one as a value just below it.
      const gap = 201 + (next() % 32000);
      const tx = (next() % 16000) - 8000;
      const ty = Math.max(tx - gap, -16445);
      const x = normalF80(next, tx, 0);
      const y = ty < -16382 ? new F80((next() & 1) as 0 | 1, 0, 0, (1 << (ty + 16445)) >>> 0) : normalF80(next, ty);
      for (const ctx of CTXS) {
        const what = `atan2 ${toHex(y)} ${toHex(x)} rc ${ctx.rc}`;
        const q = div(y, x, ctx);
        if ((q.flags & PE) !== 0) expect(show(atan2(y, x, ctx)), what).to.equal(show(q));
        // Any y over a power of two with the same significand: an exact quotient (unless it is too small to be a
        // normal or denormal value as it is).
        const x2 = new F80(0, BIAS + tx, y.hi, y.lo);
        const exact = div(y, x2, ctx);
        if (y.e !== 0 && (exact.flags & PE) === 0) {
          exacts++;
          const a = atan2(y, x2, ctx);
          const below = y.s === 0 ? ctx.rc === RC_DOWN || ctx.rc === RC_CHOP : ctx.rc === RC_UP || ctx.rc === RC_CHOP;
          if (below) expect(toHex(a.v), `${what} (exact, rounds down in magnitude)`).to.not.equal(toHex(exact.v));
          else expect(vOf(a), `${what} (exact)`).to.deep.equal([toHex(exact.v), true]);
        }
        // x negative: pi (y's sign); |y / x| above 2^200: pi/2 (y's sign), as with a zero operand.
        const negX = new F80(1, x.e, x.hi, x.lo);
        expect(vOf(atan2(y, negX, ctx)), `${what}, x < 0`).to.deep.equal(vOf(atan2(new F80(y.s, 0, 0, 0), negX, ctx)));
        expect(vOf(atan2(x, y, ctx)), `${what}, swapped`).to.deep.equal(vOf(atan2(x, new F80(0, 0, 0, 0), ctx)));
      }
    }
    expect(exacts, "exact quotients").to.be.greaterThan(200);
    // The smallest denormal over 1, rounded up: one unit, as the recording CPU has it (the vector the 512-bit
    // series got wrong: its truncations leaned above the quotient).
    const tiny = new F80(0, 0, 0, 1), one = new F80(0, BIAS, 0x80000000, 0);
    expect(toHex(atan2(tiny, one, { prec: 64, rc: RC_UP, unmasked: 0 }).v)).to.equal("00000000000000000001");
  });

  it("FYL2XP1 outside its documented domain is FYL2X of 1 + x, and costs no more near -1", () => {
    const next = u32Stream(0x1092);
    const f = (v: number): F80 => near(v, 0);
    // 1 + x exact and not a power of two (FYL2X then rounds an inexact logarithm too): 1.5, 3, 2^30 + 2, -0.625...
    const xs = [0.5, 1.5, 2, 2 ** 30 + 1, 2 ** 52 + 3, -0.625, -0.3125, -0.6875, -(1 - 3 * 2 ** -40)];
    for (const xv of xs) {
      const x = f(xv), onePlus = f(1 + xv);
      for (let i = 0; i < 5; i++) {
        const y = normalF80(next, (next() % 200) - 100);
        for (const ctx of CTXS) {
          expect(show(fyl2xp1(x, y, ctx)), `fyl2xp1 ${xv} ${toHex(y)} rc ${ctx.rc}`).to.equal(show(fyl2x(onePlus, y, ctx)));
        }
      }
    }
    // A tiny x keeps its own precision (1 + x would cancel against ln 2's last bits): a recorded vector, rounded up.
    const tinyX = new F80(1, 0x059c, 0xe1eba11a, 0x2cddd43e), negY = new F80(1, 0x3fe7, 0xe0e8ae20, 0xd0be0276);
    expect(toHex(fyl2xp1(tinyX, negY, { prec: 64, rc: RC_UP, unmasked: 0 }).v)).to.equal("05868f2cc2e3f0db33a2");
    // x <= -1 has no logarithm: the operand with #P.
    const minusTwo = f(-2);
    expect(toHex(fyl2xp1(minusTwo, f(3), CTXS[0]!).v)).to.equal(toHex(minusTwo));
  });

  it("F2XM1 of 1 and -1 rounds a value just below 1 and -0.5, as the recording CPU does", () => {
    const at = (x: number, rc: number): [string, number, boolean] => {
      const r = f2xm1(near(x, 0), { prec: 64, rc, unmasked: 0 });
      return [toHex(r.v), r.flags, r.up];
    };
    expect(at(1, RC_DOWN)).to.deep.equal(["3ffeffffffffffffffff", PE, false]);
    expect(at(1, RC_NEAR)).to.deep.equal(["3fff8000000000000000", PE, true]);
    expect(at(-1, RC_UP)).to.deep.equal(["bffe8000000000000000", PE, false]);
    expect(at(-1, RC_DOWN)).to.deep.equal(["bffe8000000000000001", PE, true]);
  });

  it("FPATAN, F2XM1, FYL2X and FYL2XP1 give the single 512-bit evaluation's results", () => {
    const next = u32Stream(0xa7a2);
    for (let i = 0; i < 120; i++) {
      const y = normalF80(next, (next() % 140) - 70), x = normalF80(next, (next() % 140) - 70);
      const small = normalF80(next, -1 - (next() % 60)); // |small| < 1: F2XM1's domain
      const tiny = normalF80(next, -3 - (next() % 60)); // |tiny| < 1/4: FYL2XP1's domain
      // FYL2X of values around 1 (a few units off it), of exact powers of two and of anything positive.
      const pos = i % 3 === 0 ? near(1, (next() % 9) - 4) : i % 3 === 1 ? new F80(0, BIAS + (next() % 200) - 100, 0x80000000, 0) : normalF80(next, (next() % 200) - 100, 0);
      for (const ctx of CTXS) {
        const what = `rc ${ctx.rc}`;
        expect(show(atan2(y, x, ctx)), `atan2 ${toHex(y)} ${toHex(x)} ${what}`).to.equal(show(FULL_PRECISION.atan2(y, x, ctx)));
        expect(show(f2xm1(small, ctx)), `f2xm1 ${toHex(small)} ${what}`).to.equal(show(FULL_PRECISION.f2xm1(small, ctx)));
        expect(show(fyl2x(pos, y, ctx)), `fyl2x ${toHex(pos)} ${toHex(y)} ${what}`).to.equal(show(FULL_PRECISION.fyl2x(pos, y, ctx)));
        expect(show(fyl2xp1(tiny, y, ctx)), `fyl2xp1 ${toHex(tiny)} ${toHex(y)} ${what}`).to.equal(show(FULL_PRECISION.fyl2xp1(tiny, y, ctx)));
      }
    }
  });
});
