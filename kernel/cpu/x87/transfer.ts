// The x87's loads and stores: every memory format (float32/64/80, int16/32/64, packed BCD), FLD/FST ST(i) and the
// constants FLD1..FLDZ. The X87Transfer layer of the FPU class, between the register file (fpu-state.ts) and the
// arithmetic, compares and stack control (x87.ts). The usual cases move register fields in place; conversions are
// convert.ts's.
import { type Res, res } from "./arith";
import {
  f32Exp, f32Hi, f64Exp, f64Hi, f64Lo, fieldsF32, fieldsF64, fitsF32, fitsF64, fromBcd, fromF32, fromF64, fromInt32, int32Exp, int32Hi,
  normalToF32, normalToF64, smallIntInto, type StoredWords, toBcd, toF32, toF64Words, toInt,
} from "./convert";
import { fastToInt64, fromInt64 } from "./int-fast";
import { F80, INDEFINITE, ZERO, zeroFields } from "./f80";
import { X87State } from "./fpu-state";
import { C1 } from "./status";
import { roundValue, packExt, EXT64 } from "./round";

/** 128-bit constants (value = hex * 2^exp) that FLD1/FLDL2T/... round under RC (SDM: FLDxx). */
const CONSTS: readonly (readonly [bigint, number])[] = [
  [1n, 0],
  [0xd49a784bcd1b8afe492bf6ff4dafdb4cn, 1 - 127], // log2(10)
  [0xb8aa3b295c17f0bbbe87fed0691d3e89n, 0 - 127], // log2(e)
  [0xc90fdaa22168c234c4c6628b80dc1cd1n, 1 - 127], // pi
  [0x9a209a84fbcff7988f8959ac0b7c9178n, -2 - 127], // log10(2)
  [0xb17217f7d1cf79abc9e3b39803f2f6afn, -1 - 127], // ln(2)
  [0n, 0],
];

/** FLD1 ... FLDZ's values under each RC (index k * 4 + rc), rounded on first use. */
const CONST_VALUES: (F80 | undefined)[] = new Array<F80 | undefined>(CONSTS.length * 4).fill(undefined);

function constValue(k: number, rc: number): F80 {
  const at = k * 4 + rc;
  const known = CONST_VALUES[at];
  if (known !== undefined) return known;
  const [m, e] = CONSTS[k]!;
  const v = m === 0n ? ZERO : packExt(roundValue(0, m, e, false, EXT64, rc), 64);
  CONST_VALUES[at] = v;
  return v;
}

/** Loads and stores of the x87 register stack. */
export class X87Transfer extends X87State {
  /** Words of the last memory result (store helpers fill them, decode.ts writes them out). */
  w0 = 0;
  w1 = 0;
  w2 = 0;
  bytes: number[] = [];
  /** The store fast paths' result (convert.ts's normalToF32/normalToF64/smallIntInto write it: nothing is made per store). */
  private readonly stored: StoredWords = { w0: 0, w1: 0, flags: 0, up: false };

  // ---- loads ----

  private loadRes(r: Res): void {
    if (!this.isEmpty(7)) {
      this.push(INDEFINITE);
      return;
    }
    this.sw &= ~C1;
    if (!this.signal(r.flags)) return;
    this.push(r.v);
  }

  // A normal or zero float32 or float64 is pushed as its fields where the stack has room (exact: no flags); the rest
  // (denormals, NaNs, infinities, a full stack) goes through the Res of convert.ts.
  ldF32(bits: number): void {
    if (fieldsF32(bits) && this.pushFields(bits >>> 31, f32Exp(bits), f32Hi(bits), 0)) return;
    this.loadRes(fromF32(bits));
  }
  ldF64(lo: number, hi: number): void {
    if (fieldsF64(lo, hi) && this.pushFields(hi >>> 31, f64Exp(hi), f64Hi(lo, hi), f64Lo(lo))) return;
    this.loadRes(fromF64(lo, hi));
  }
  /** FLD m80: the ten bytes are the register, whatever their class (no flags). */
  ldF80(lo: number, hi: number, se: number): void {
    if (this.pushFields((se >> 15) & 1, se & 0x7fff, hi | 0, lo | 0)) return;
    this.loadRes(res(new F80(((se >> 15) & 1) as 0 | 1, se & 0x7fff, hi >>> 0, lo >>> 0)));
  }
  ldI16(v: number): void { this.ldInt((v << 16) >> 16); }
  ldI32(v: number): void { this.ldInt(v | 0); }

  /** FILD of a 16- or 32-bit integer (exact): pushed as its fields where the stack has room. */
  private ldInt(v: number): void {
    if (this.pushFields(v < 0 ? 1 : 0, int32Exp(v), int32Hi(v), 0)) return;
    this.loadRes(res(fromInt32(v)));
  }
  ldI64(lo: number, hi: number): void { this.loadRes(res(fromInt64(lo, hi))); }
  ldBcd(b: number[]): void { this.loadRes(res(fromBcd(b))); }

  /** FLD ST(i). */
  ldSt(i: number): void {
    const from = this.phys(i);
    if ((this.emptyMask & (1 << from)) === 0 && this.pushFields(this.regS[from]!, this.regE[from]!, this.regHi[from]!, this.regLo[from]!)) return;
    if (this.isEmpty(i)) {
      if (!this.underflow()) return;
      this.loadRes(res(INDEFINITE));
      return;
    }
    this.loadRes(res(this.st(i)));
  }

  /** FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ (k = 0..6 in that order). */
  ldConst(k: number): void {
    const v = constValue(k, this.ctx().rc);
    if (this.pushFields(v.s, v.e, v.hi, v.lo)) return;
    this.loadRes(res(v));
  }

  // ---- stores ----

  /** Source of a store: ST(0), or the indefinite after a masked stack underflow; null to abort. */
  private storeSrc(): F80 | null {
    if (this.isEmpty(0)) return this.underflow() ? INDEFINITE : null;
    return this.st(0);
  }

  private commitStore(flags: number, up: boolean): boolean {
    this.setC1(up);
    return this.signal(flags) && (flags & ~this.cw & 0x18) === 0;
  }

  stF32(): boolean {
    const p = this.top;
    if ((this.emptyMask & (1 << p)) === 0) {
      // A value that stays a normal float32, or a zero, from the register's fields (as stF64).
      const e = this.regE[p]!, hi = this.regHi[p]!, lo = this.regLo[p]!;
      if (fitsF32(e, hi)) {
        const o = this.stored;
        normalToF32(this.regS[p] as 0 | 1, e, hi, lo, this.ctx().rc, o);
        this.w0 = o.w0;
        return this.commitStore(o.flags, o.up);
      }
      if (zeroFields(e, hi, lo)) {
        this.w0 = this.regS[p]! << 31;
        return this.commitStore(0, false);
      }
    }
    const x = this.storeSrc();
    if (x === null) return false;
    const r = toF32(x, this.ctx().rc, this.ctx().unmasked);
    this.w0 = Number(r.bits) | 0;
    return this.commitStore(r.flags, r.up);
  }

  stF64(): boolean {
    const p = this.top;
    if ((this.emptyMask & (1 << p)) === 0) {
      // A value that stays a normal double, or a zero, from the register's fields.
      const e = this.regE[p]!, hi = this.regHi[p]!, lo = this.regLo[p]!;
      if (fitsF64(e, hi)) {
        const o = this.stored;
        normalToF64(this.regS[p] as 0 | 1, e, hi, lo, this.ctx().rc, o);
        this.w0 = o.w0;
        this.w1 = o.w1;
        return this.commitStore(o.flags, o.up);
      }
      if (zeroFields(e, hi, lo)) {
        this.w0 = 0;
        this.w1 = this.regS[p]! << 31;
        return this.commitStore(0, false);
      }
    }
    const x = this.storeSrc();
    if (x === null) return false;
    const r = toF64Words(x, this.ctx().rc, this.ctx().unmasked);
    this.w0 = r.w0;
    this.w1 = r.w1;
    return this.commitStore(r.flags, r.up);
  }

  stF80(): boolean {
    const p = this.top;
    if ((this.emptyMask & (1 << p)) === 0) {
      this.w0 = this.regLo[p]!;
      this.w1 = this.regHi[p]!;
      this.w2 = (this.regS[p]! << 15) | this.regE[p]!;
      this.sw &= ~C1;
      return true;
    }
    const x = this.storeSrc();
    if (x === null) return false;
    this.w0 = x.lo | 0;
    this.w1 = x.hi | 0;
    this.w2 = (x.s << 15) | x.e;
    this.sw &= ~C1;
    return true;
  }

  /** FIST/FISTP (chop = FISTTP) to `bits` bits. */
  stInt(bits: number, chop: boolean): boolean {
    const rc = chop ? 3 : this.ctx().rc;
    const p = this.top;
    const o = this.stored;
    // 16 and 32 bits from the register's fields where convert.ts's Numbers form answers (a zero, a normal value below
    // 2^31); what it leaves (and an empty ST(0)'s indefinite) goes to toInt.
    if (bits !== 64 && (this.emptyMask & (1 << p)) === 0
      && smallIntInto(this.regS[p] as 0 | 1, this.regE[p]!, this.regHi[p]!, this.regLo[p]!, bits === 16 ? 16 : 32, rc, o)) {
      this.w0 = o.w0;
      this.w1 = 0;
      return this.commitStore(o.flags, o.up);
    }
    const x = this.storeSrc();
    if (x === null) return false;
    const wide = bits === 64 ? fastToInt64(x, rc) : null;
    if (wide !== null) {
      this.w0 = wide.w0;
      this.w1 = wide.w1;
      return this.commitStore(wide.flags, wide.up);
    }
    const r = toInt(x, bits, rc);
    this.w0 = Number(r.bits & 0xffffffffn) | 0;
    this.w1 = Number(r.bits >> 32n) | 0;
    return this.commitStore(r.flags, r.up);
  }

  stBcd(): boolean {
    const x = this.storeSrc();
    if (x === null) return false;
    const r = toBcd(x, this.ctx().rc);
    this.bytes = r.bytes;
    return this.commitStore(r.flags, r.up);
  }

  /** FST/FSTP ST(i). */
  stSt(i: number, pop: boolean): void {
    const p = this.top;
    if ((this.emptyMask & (1 << p)) === 0) {
      // The register copied as it is: its fields (the general path below is for an empty ST(0)).
      this.sw &= ~C1;
      const d = this.phys(i);
      this.copyReg(d, p);
      this.emptyMask &= ~(1 << d);
      if (pop) this.pop();
      return;
    }
    const x = this.storeSrc();
    if (x === null) return;
    this.sw &= ~C1;
    this.setSt(i, x);
    if (pop) this.pop();
  }
}
