// The x87's register-field fast paths (x87.ts, fpu.ts): FLD/FST m64 and m32, arithmetic with a memory operand or
// ST(i), FILD and integer operands, FCOM/FUCOM/FCOMI, FST/FLD ST(i), FXCH and FSQRT read and write the registers' fields in place. Each is held here to the
// value-object form it stands in for (arM with convert.ts's Res, toF64Words, arith.ts sqrt) on operands of every
// class (zeros of both signs, denormals, infinities, NaNs, the extremes of the double range) under every rounding
// control and precision control: the whole FPU state must come out the same.
import { expect } from "chai";
import { addGeneral, divGeneral, mulGeneral, type Res, type RoundCtx, sqrt } from "../../../../kernel/cpu/x87/arith";
import { fromF32General, fromF64, fromF64General, fromInt32, toF32, toF32General, toF64General, toF64Words, toInt, toSmallInt } from "../../../../kernel/cpu/x87/convert";
import { abs, classify, Cls, type F80, neg, toHex } from "../../../../kernel/cpu/x87/f80";
import { X87Fpu } from "../../../../kernel/cpu/x87/fpu";
import { compareValues, relFields } from "../../../../kernel/cpu/x87/compare";
import { Op } from "../../../../kernel/cpu/x87/x87";
import { C1 } from "../../../../kernel/cpu/x87/status";
import { u32Stream } from "../../../support/prng";

/** A double as the two words FLD m64 reads (low, high). */
function words(v: number): [number, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v, true);
  return [view.getUint32(0, true) | 0, view.getUint32(4, true) | 0];
}

/** A double's words from its bits as a hex string (NaN payloads that Float64Array would not keep). */
function bits(hex: string): [number, number] {
  const b = BigInt(`0x${hex}`);
  return [Number(b & 0xffffffffn) | 0, Number(b >> 32n) | 0];
}

const VALUES: readonly [string, [number, number]][] = [
  ["+0", words(0)], ["-0", words(-0)], ["1", words(1)], ["-1.5", words(-1.5)], ["0.1", words(0.1)],
  ["-7.7", words(-7.7)], ["3", words(3)], ["min normal", words(2 ** -1022)], ["denormal", words(5e-324)],
  ["-denormal", words(-3e-310)], ["max", words(Number.MAX_VALUE)], ["1e300", words(1e300)], ["-1e-300", words(-1e-300)],
  ["+inf", words(Infinity)], ["-inf", words(-Infinity)], ["qnan", bits("7ff8000000000123")], ["snan", bits("fff0000000000001")],
];

const OPS: readonly [string, Op][] = [["add", Op.Add], ["mul", Op.Mul], ["sub", Op.Sub], ["subr", Op.SubR], ["div", Op.Div], ["divr", Op.DivR]];

/** Control words: every RC under PC 64, and PC 24 and 53 under RC nearest and up; all exceptions masked. */
const CWS: readonly number[] = [0x037f, 0x077f, 0x0b7f, 0x0f7f, 0x007f, 0x027f, 0x087f, 0x0a7f];

function fpu(cw: number): X87Fpu {
  const x = new X87Fpu();
  x.init();
  x.fldcw(cw);
  return x;
}

describe("kernel/cpu/x87 register-field fast paths", () => {
  it("FADD/FMUL/FSUB/FSUBR/FDIV/FDIVR m64 leave the state arM leaves with convert.ts's operand", () => {
    let n = 0;
    for (const cw of CWS) {
      for (const [an, a] of VALUES) {
        for (const [bn, b] of VALUES) {
          for (const [on, op] of OPS) {
            const fast = fpu(cw);
            const ref = fpu(cw);
            fast.ldF64(a[0], a[1]);
            ref.ldF64(a[0], a[1]);
            fast.arF64(op, b[0], b[1]);
            ref.arM(op, fromF64(b[0], b[1]));
            expect(fast.saveState(), `${an} ${on} ${bn} cw ${cw.toString(16)}`).to.deep.equal(ref.saveState());
            n++;
          }
        }
      }
    }
    expect(n).to.equal(CWS.length * VALUES.length * VALUES.length * OPS.length);
  });

  it("the m32 forms match arM too, and FLD m32 matches FLD m80 of the same value", () => {
    const singles = [0, -0, 1, -2.5, 0.1, 3.4e38, 1.2e-38, 1e-45, Infinity, -Infinity, NaN].map((v) => {
      const view = new DataView(new ArrayBuffer(4));
      view.setFloat32(0, v, true);
      return view.getUint32(0, true) | 0;
    });
    for (const cw of CWS) {
      for (const a of singles) {
        for (const b of singles) {
          for (const [on, op] of OPS) {
            const fast = fpu(cw);
            const ref = fpu(cw);
            fast.ldF32(a);
            // The BigInt form: fromF32 itself goes through the fields path first, so it would repeat a wrong rule.
            const la = fromF32General(a);
            ref.ldF80(la.v.lo, la.v.hi, (la.v.s << 15) | la.v.e);
            if (la.flags !== 0) ref.signal(la.flags); // FLD m80 raises no #D or #I for the value FLD m32 loads
            expect(fast.saveState(), `fld ${a.toString(16)}`).to.deep.equal(ref.saveState());
            fast.arF32(op, b);
            ref.arM(op, fromF32General(b));
            expect(fast.saveState(), `${a.toString(16)} ${on} ${b.toString(16)} cw ${cw.toString(16)}`).to.deep.equal(ref.saveState());
          }
        }
      }
    }
  });

  it("the register forms (ST(i) op ST(0) with a pop, ST(0) op ST(i)) match arM of the same operands", () => {
    for (const cw of CWS) {
      for (const [an, a] of VALUES) {
        for (const [bn, b] of VALUES) {
          for (const [on, op] of OPS) {
            // FxxxP ST(1), ST(0): ST(1) = ST(1) op ST(0), then a pop, leaves a op b where a was.
            const fast = fpu(cw);
            fast.ldF64(a[0], a[1]);
            fast.ldF64(b[0], b[1]);
            fast.arR(op, 1, 0, true);
            const ref = fpu(cw);
            ref.ldF64(b[0], b[1]); // the same load flags, then b's register is freed
            ref.ffree(0, true);
            ref.ldF64(a[0], a[1]);
            ref.arM(op, fromF64(b[0], b[1]));
            const what = `${an} ${on} ${bn} cw ${cw.toString(16)}`;
            const f = fast.saveState(), r = ref.saveState();
            expect([f.regs[7], f.status, f.empty], what).to.deep.equal([r.regs[7], r.status, r.empty]);
            // Fxxx ST(0), ST(1): ST(0) = ST(0) op ST(1).
            const fast2 = fpu(cw);
            fast2.ldF64(b[0], b[1]);
            fast2.ldF64(a[0], a[1]);
            fast2.arR(op, 0, 1, false);
            const ref2 = fpu(cw);
            ref2.ldF64(b[0], b[1]);
            ref2.ldF64(a[0], a[1]);
            ref2.arM(op, fromF64(b[0], b[1]));
            expect(fast2.saveState(), `${what} (no pop)`).to.deep.equal(ref2.saveState());
          }
        }
      }
    }
  });

  /** Runs `check` on an FPU holding a op b (64 significant bits, so that a store rounds) for every pair of VALUES and
   * every control word. */
  function eachResult(op: Op, check: (x: X87Fpu, what: string, rc: number) => void): void {
    for (const cw of CWS) {
      for (const [an, a] of VALUES) {
        for (const [bn, b] of VALUES) {
          const x = fpu(cw);
          x.ldF64(a[0], a[1]);
          x.arF64(op, b[0], b[1]);
          check(x, `${an} op${op} ${bn} cw ${cw.toString(16)}`, (cw >> 10) & 3);
        }
      }
    }
  }

  it("FST m64 stores toF64Words' words with its flags and C1, from every class and under every RC", () => {
    eachResult(Op.Mul, (x, what, rc) => {
      const before = x.status;
      const want = toF64Words(x.st(0), rc, 0);
      expect(x.stF64(), what).to.equal(true);
      expect([x.w0 | 0, x.w1 | 0], what).to.deep.equal([want.w0 | 0, want.w1 | 0]);
      expect(x.status, what).to.equal(((before & ~C1) | want.flags | (want.up ? C1 : 0)) & 0xffff);
    });
  });

  it("FST m32 stores toF32's word with its flags and C1, and FCHS and FABS change the sign of every class", () => {
    eachResult(Op.Div, (x, what, rc) => {
      const before = x.status;
      const want = toF32(x.st(0), rc, 0);
      expect(x.stF32(), what).to.equal(true);
      expect(x.w0 | 0, what).to.equal(Number(want.bits) | 0);
      expect(x.status, what).to.equal(((before & ~C1) | want.flags | (want.up ? C1 : 0)) & 0xffff);
      const v = x.st(0);
      x.sign("chs");
      expect(toHex(x.st(0)), `chs ${what}`).to.equal(toHex(neg(v)));
      x.sign("abs");
      expect(toHex(x.st(0)), `abs ${what}`).to.equal(toHex(abs(neg(v))));
    });
  });

  it("FIST/FISTTP m16 and m32 store what toSmallInt, or else toInt, gives, with its flags and C1", () => {
    const quotients = [words(2.5), words(-2.5), words(3.5), words(0.5), words(-0.49), words(65535.5), words(-32768.7), words(2147483647.4),
      words(-2147483648.6), words(2 ** 31), words(1e10), words(123456.789)];
    const ops: [string, [number, number]][] = [...VALUES, ...quotients.map((q) => [`q${q[1].toString(16)}`, q] as [string, [number, number]])];
    for (const cw of CWS) {
      for (const [an, a] of ops) {
        for (const bits of [16, 32] as const) {
          for (const chop of [false, true]) {
            const x = fpu(cw);
            x.ldF64(a[0], a[1]);
            x.arF64(Op.Div, ...words(1.0000000001)); // 64 significant bits, so that FIST rounds something
            const v = x.st(0);
            const before = x.status;
            const rc = chop ? 3 : (cw >> 10) & 3;
            const small = toSmallInt(v, bits, rc);
            const wide = toInt(v, bits, rc);
            const want = small ?? { w0: Number(wide.bits & 0xffffffffn) | 0, flags: wide.flags, up: wide.up };
            const what = `fist${chop ? "tp" : ""} m${bits} ${an} cw ${cw.toString(16)}`;
            expect(x.stInt(bits, chop), what).to.equal(true);
            expect(x.w0 & (bits === 16 ? 0xffff : -1), what).to.equal(want.w0 & (bits === 16 ? 0xffff : -1));
            expect(x.status, what).to.equal(((before & ~C1) | want.flags | (want.up ? C1 : 0)) & 0xffff);
          }
        }
      }
    }
  });

  it("FLD m80 and FSTP m80 carry the ten bytes of every class unchanged, with no flag", () => {
    const images: [number, number, number][] = [[0, 0, 0], [0, 0, 0x8000], [0, 0x80000000 | 0, 0x3fff], [0x12345678, 0x9abcdef0 | 0, 0xc001],
      [1, 0, 0], [0, 0x40000000, 0x4000], [0, 0x80000000 | 0, 0x7fff], [0, 0xc0000000 | 0, 0xffff], [5, 0x80000000 | 0, 0x7fff], [-1, -1, 0x7ffe]];
    for (const [lo, hi, se] of images) {
      const x = fpu(0x037f);
      x.ldF80(lo, hi, se);
      const v = x.st(0);
      expect([v.s, v.e, v.hi, v.lo, x.status], `fld m80 ${se.toString(16)}`).to.deep.equal([(se >> 15) & 1, se & 0x7fff, hi >>> 0, lo >>> 0, 0x3800]);
      expect(x.stF80()).to.equal(true);
      expect([x.w0 | 0, x.w1 | 0, x.w2, x.status], `fstp m80 ${se.toString(16)}`).to.deep.equal([lo | 0, hi | 0, se, 0x3800]);
    }
  });

  it("FLD ST(i), FST ST(i), FSTP ST(i) and FXCH move the values and tags, and FSQRT is arith.ts's sqrt", () => {
    const x = fpu(0x037f);
    const vals = [VALUES[2]![1], VALUES[8]![1], VALUES[1]![1], VALUES[15]![1]];
    for (const v of vals) x.ldF64(v[0], v[1]);
    const show = (): string[] => [0, 1, 2, 3, 4].map((i) => (x.isEmpty(i) ? "empty" : x.st(i).s + ":" + x.st(i).e + ":" + x.st(i).hi + ":" + x.st(i).lo));
    const start = show();
    x.fxch(3);
    expect(show()).to.deep.equal([start[3], start[1], start[2], start[0], "empty"]);
    x.fxch(3);
    x.ldSt(2); // pushes a copy of the old ST(2)
    expect(show().slice(0, 5)).to.deep.equal([start[2], ...start.slice(0, 4)]);
    x.stSt(4, true); // FSTP ST(4): the copy lands where the old ST(3) was, then a pop
    expect(show().slice(0, 4)).to.deep.equal([start[0], start[1], start[2], start[2]]);
    x.stSt(1, false);
    expect(show().slice(0, 2)).to.deep.equal([start[0], start[0]]);
    for (const cw of CWS) {
      for (const [an, a] of VALUES) {
        const y = fpu(cw);
        y.ldF64(a[0], a[1]);
        const arg = y.st(0);
        const ref = fpu(cw);
        ref.ldF64(a[0], a[1]);
        y.unary("sqrt");
        const r = sqrt(arg, ref.ctx());
        expect([y.st(0).s, y.st(0).e, y.st(0).hi, y.st(0).lo, (y.status & C1) !== 0], `sqrt ${an} cw ${cw.toString(16)}`)
          .to.deep.equal(ref.signal(r.flags) ? [r.v.s, r.v.e, r.v.hi, r.v.lo, r.up] : [arg.s, arg.e, arg.hi, arg.lo, false]);
      }
    }
  });

  it("relFields orders normal values and zeros as compareValues does, and leaves every other class to it", () => {
    const regs = VALUES.map(([n, w]) => [n, fromF64(w[0], w[1]).v] as const);
    for (const [an, a] of regs) {
      for (const [bn, b] of regs) {
        const ca = classify(a), cb = classify(b);
        const plain = (c: Cls): boolean => c === Cls.Normal || c === Cls.Zero;
        const got = relFields(a.s, a.e, a.hi | 0, a.lo | 0, b.s, b.e, b.hi | 0, b.lo | 0);
        if (!plain(ca) || !plain(cb)) {
          expect(got, `${an} ? ${bn}`).to.equal(-1);
          continue;
        }
        const d = compareValues(a, ca, b, cb);
        expect(got, `${an} ? ${bn}`).to.equal(d > 0 ? 0 : d < 0 ? 1 : 2);
      }
    }
    // Same exponent, halves that differ only where the unsigned order matters.
    expect(relFields(0, 16383, 0x80000000 | 0, 0x80000000 | 0, 0, 16383, 0x80000000 | 0, 1)).to.equal(0);
    expect(relFields(1, 16383, 0xc0000000 | 0, 0, 1, 16383, 0x80000000 | 0, -1)).to.equal(1);
  });

  it("FCOM m64, FCOM ST(i), FCOMI/FUCOMI with pops and FTST set what the value paths set", () => {
    for (const [an, a] of VALUES) {
      for (const [bn, b] of VALUES) {
        const what = `${an} ? ${bn}`;
        const mem = fpu(0x037f);
        mem.ldF64(a[0], a[1]);
        mem.comF64(b[0], b[1], 1);
        const reg = fpu(0x037f);
        reg.ldF64(b[0], b[1]);
        reg.ldF64(a[0], a[1]);
        reg.comR(1, false, 2);
        // The memory form raises its operand's load flags (#D, #I) itself; the register form raised them on FLD.
        expect([mem.status, mem.emptyMask], what).to.deep.equal([reg.status, reg.emptyMask]);
        const fcomi = fpu(0x037f);
        fcomi.ldF64(b[0], b[1]);
        fcomi.ldF64(a[0], a[1]);
        const zpc = fcomi.comi(1, true, true);
        const rel = [0, 0x100, 0x4000, 0x4500].indexOf(mem.status & 0x4500);
        expect(rel, what).to.be.at.least(0);
        expect([zpc, fcomi.top], what).to.deep.equal([[0, 1, 0x40, 0x45][rel], 7]); // two loads and one pop
      }
      const t = fpu(0x037f);
      t.ldF64(a[0], a[1]);
      t.ftst();
      const r = fpu(0x037f);
      r.ldF64(a[0], a[1]);
      r.comF64(0, 0, 0);
      expect(t.status, `ftst ${an}`).to.equal(r.status);
    }
  });

  it("FILD m16/m32 and FIADD/FIMUL/FIDIV... m32 match FLD m80 and arM of fromInt32's value", () => {
    const ints = [0, 1, -1, 7, -300, 32767, -32768, 65535, 0x7fffffff, -0x80000000, 123456789, -98765];
    for (const cw of CWS) {
      for (const v of ints) {
        const fast = fpu(cw);
        fast.ldI32(v);
        const ref = fpu(cw);
        const f = fromInt32(v);
        ref.ldF80(f.lo, f.hi, (f.s << 15) | f.e);
        expect(fast.saveState(), `fild ${v}`).to.deep.equal(ref.saveState());
        const h = fpu(cw);
        h.ldI16(v);
        const g = fromInt32((v << 16) >> 16);
        const hr = fpu(cw);
        hr.ldF80(g.lo, g.hi, (g.s << 15) | g.e);
        expect(h.saveState(), `fild m16 ${v & 0xffff}`).to.deep.equal(hr.saveState());
        for (const [an, a] of VALUES) {
          for (const [on, op] of OPS) {
            const x = fpu(cw);
            x.ldF64(a[0], a[1]);
            x.arI32(op, v);
            const y = fpu(cw);
            y.ldF64(a[0], a[1]);
            y.arM(op, { v: fromInt32(v), flags: 0, up: false });
            expect(x.saveState(), `${an} ${on} ${v} cw ${cw.toString(16)}`).to.deep.equal(y.saveState());
          }
        }
      }
    }
  });

  it("on seeded random doubles (every class, range ends, exact ties), loads, arithmetic and stores equal the BigInt forms", () => {
    const next = u32Stream(0x87f1e1d);
    // A double's words: an exponent field from bands around the bias, the ends of the single range (896, 1150), the
    // ends of the double range (0 for zeros and denormals, 1, 2046, 2047 for infinities and NaNs); a fraction that is
    // random, sparse (one or two bits: products and sums of such land exactly on rounding ties), all ones, exactly halfway
    // between two float32 values, or zero.
    const BANDS: readonly [number, number][] = [[1023 - 32, 64], [896 - 2, 5], [1150 - 2, 5], [0, 2], [2045, 3]];
    const double = (): [number, number] => {
      const [from, width] = BANDS[next() % BANDS.length]!;
      const ex = from + (next() % width);
      let fhi = 0, flo = 0;
      switch (next() % 5) {
        case 0: fhi = next() & 0xfffff; flo = next(); break;
        case 1: {
          const bit = (): void => { const k = next() % 52; if (k >= 32) fhi |= 1 << (k - 32); else flo |= 1 << k; };
          bit();
          if ((next() & 1) === 0) bit();
          break;
        }
        case 2: fhi = 0xfffff; flo = -1; break;
        case 3: fhi = next() & 0xfffff; flo = (next() & 0xe0000000) | 0x10000000; break; // a float32 tie, either parity
        default: break;
      }
      return [flo | 0, ((next() & 1) << 31) | (ex << 20) | fhi];
    };
    const reference = (op: Op, a: F80, b: F80, ctx: RoundCtx): Res => {
      switch (op) {
        case Op.Add: return addGeneral(a, b, false, ctx);
        case Op.Sub: return addGeneral(a, b, true, ctx);
        case Op.SubR: return addGeneral(b, a, true, ctx);
        case Op.Mul: return mulGeneral(a, b, ctx);
        case Op.Div: return divGeneral(a, b, ctx);
        default: return divGeneral(b, a, ctx);
      }
    };
    for (let k = 0; k < 6000; k++) {
      const cw = CWS[k % CWS.length]!;
      const a = double(), b = double();
      const [on, op] = OPS[k % OPS.length]!;
      const what = `${a[1].toString(16)}:${a[0].toString(16)} ${on} ${b[1].toString(16)}:${b[0].toString(16)} cw ${cw.toString(16)}`;
      const x = fpu(cw);
      const ctx = x.ctx();
      const la = fromF64General(a[0], a[1]), lb = fromF64General(b[0], b[1]);
      x.ldF64(a[0], a[1]);
      expect([toHex(x.st(0)), x.status & 0x3f], `fld ${what}`).to.deep.equal([toHex(la.v), la.flags]);
      x.arF64(op, b[0], b[1]);
      const r = reference(op, la.v, lb.v, ctx);
      expect([toHex(x.st(0)), (x.status & C1) !== 0, x.status & 0x3f], what).to.deep.equal([toHex(r.v), r.up, la.flags | lb.flags | r.flags]);
      // The store takes the result, or one time in three the loaded value itself (so the operand's own exponent meets
      // the ends of the single and double ranges).
      if (k % 3 === 2) {
        x.pop();
        x.ldF64(a[0], a[1]);
      }
      const v = x.st(0);
      const before = x.status;
      const want = (k & 1) === 0 ? toF64General(v, ctx.rc, 0) : toF32General(v, ctx.rc, 0);
      expect((k & 1) === 0 ? x.stF64() : x.stF32(), what).to.equal(true);
      const got = (k & 1) === 0 ? (BigInt(x.w1 >>> 0) << 32n) | BigInt(x.w0 >>> 0) : BigInt(x.w0 >>> 0);
      expect([got, x.status], `fst ${what}`).to.deep.equal([want.bits, ((before & ~C1) | want.flags | (want.up ? C1 : 0)) & 0xffff]);
    }
  });
});
