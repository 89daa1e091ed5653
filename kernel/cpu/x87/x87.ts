// Instruction semantics of the x87 that compiled blocks call (decode.ts emits the calls): arithmetic, compares and
// stack control, on top of the loads and stores (transfer.ts). Exception checks before an instruction (#NM, pending
// #MF/FERR) are here too; memory layouts of the environment are in env.ts.
import { CR0_EM, CR0_NE, CR0_TS } from "../cpu-state";
import { CpuFault, NM } from "../faults";
import { add, div, mul, type Res, res } from "./arith";
import { compareValues, relFields, ZPC_OF_REL } from "./compare";
import { f32Exp, f32Hi, f64Exp, f64Hi, f64Lo, fieldsF32, fieldsF64, fromF32, fromF64, fromInt32, int32Exp, int32Hi } from "./convert";
import { addInto, divInto, mulInto } from "./fast-arith";
import { classify, Cls, F80, INDEFINITE, isNaN80, ZERO } from "./f80";
import { C0, C1, C2, C3, IE, DE, RC_NEAR } from "./status";
import { X87Transfer } from "./transfer";

/** #MF, the x87 floating-point error exception. */
export const MF = 16;

/** Arithmetic operation numbers (the ModRM reg field of D8 /r; 2 and 3 are the compares). */
export const enum Op { Add = 0, Mul = 1, Sub = 4, SubR = 5, Div = 6, DivR = 7 }

/** The x87 FPU of one vCPU. */
export class X87 extends X87Transfer {
  /** Checks before an x87 instruction: #NM for CR0.EM/TS, then a pending unmasked exception (waiting
   * forms only) as #MF (CR0.NE = 1) or FERR# (CR0.NE = 0; the instruction then proceeds). */
  check(cr0: number, waiting: boolean): void {
    if ((cr0 & (CR0_EM | CR0_TS)) !== 0) throw new CpuFault(NM, undefined);
    if (waiting) this.pending(cr0);
  }

  /** WAIT/FWAIT after its own #NM check. */
  pending(cr0: number): void {
    if ((this.sw & 0x80) === 0) return;
    if ((cr0 & CR0_NE) !== 0) throw new CpuFault(MF, undefined);
    this.ferr?.assert();
  }

  // ---- arithmetic ----

  private compute(op: number, a: F80, b: F80): Res {
    const c = this.ctx();
    switch (op) {
      case Op.Add: return add(a, b, false, c);
      case Op.Mul: return mul(a, b, c);
      case Op.Sub: return add(a, b, true, c);
      case Op.SubR: return add(b, a, true, c);
      case Op.Div: return div(a, b, c);
      case Op.DivR: return div(b, a, c);
      default: throw new Error(`x87: bad arithmetic op ${op}`);
    }
  }

  /** Physical register `pa` op b, b given as its fields, by fast-arith.ts's field forms (the result in OUT); false
   * where they leave the operation to compute's general paths. */
  private computeInto(op: number, pa: number, bs: 0 | 1, be: number, bhi: number, blo: number): boolean {
    const c = this.ctx();
    const as = this.regS[pa] as 0 | 1, ae = this.regE[pa]!, ahi = this.regHi[pa]!, alo = this.regLo[pa]!;
    switch (op) {
      case Op.Add: return addInto(as, ae, ahi, alo, bs, be, bhi, blo, false, c);
      case Op.Mul: return mulInto(as, ae, ahi, alo, bs, be, bhi, blo, c);
      case Op.Sub: return addInto(as, ae, ahi, alo, bs, be, bhi, blo, true, c);
      case Op.SubR: return addInto(bs, be, bhi, blo, as, ae, ahi, alo, true, c);
      case Op.Div: return divInto(as, ae, ahi, alo, bs, be, bhi, blo, c);
      case Op.DivR: return divInto(bs, be, bhi, blo, as, ae, ahi, alo, c);
      default: return false;
    }
  }

  /** Writes an arithmetic result to ST(dst) unless an unmasked exception forbids it; pops if asked. */
  private deliver(dst: number, r: Res, pop: boolean): void {
    this.setC1(r.up);
    if (!this.signal(r.flags)) return;
    this.setSt(dst, r.v);
    if (pop) this.pop();
  }

  /** ST(0) = ST(0) op memory operand (already converted, with its load flags). */
  arM(op: number, src: Res): void {
    if (this.isEmpty(0)) {
      if (this.underflow()) this.setSt(0, INDEFINITE);
      return;
    }
    const r = this.compute(op, this.st(0), src.v);
    r.flags |= src.flags;
    this.deliver(0, r, false);
  }

  // A normal or zero float32 or float64 operand with a value in ST(0) goes to computeInto as its fields.
  arF32(op: number, bits: number): void {
    const p = this.top;
    if (fieldsF32(bits) && (this.emptyMask & (1 << p)) === 0 && this.computeInto(op, p, (bits >>> 31) as 0 | 1, f32Exp(bits), f32Hi(bits), 0)) {
      this.deliverOut(p, false);
      return;
    }
    this.arM(op, fromF32(bits));
  }
  arF64(op: number, lo: number, hi: number): void {
    const p = this.top;
    if (fieldsF64(lo, hi) && (this.emptyMask & (1 << p)) === 0 && this.computeInto(op, p, (hi >>> 31) as 0 | 1, f64Exp(hi), f64Hi(lo, hi), f64Lo(lo))) {
      this.deliverOut(p, false);
      return;
    }
    this.arM(op, fromF64(lo, hi));
  }
  arI16(op: number, v: number): void { this.arInt(op, (v << 16) >> 16); }
  arI32(op: number, v: number): void { this.arInt(op, v | 0); }

  private arInt(op: number, v: number): void {
    const p = this.top;
    if ((this.emptyMask & (1 << p)) === 0 && this.computeInto(op, p, v < 0 ? 1 : 0, int32Exp(v), int32Hi(v), 0)) {
      this.deliverOut(p, false);
      return;
    }
    this.arM(op, res(fromInt32(v)));
  }

  /** Register form: ST(dst) = ST(dst) op ST(src) where one of dst/src is 0. */
  arR(op: number, dst: number, src: number, pop: boolean): void {
    const pd = this.phys(dst), ps = this.phys(src);
    if ((this.emptyMask & ((1 << pd) | (1 << ps))) === 0 && this.computeInto(op, pd, this.regS[ps] as 0 | 1, this.regE[ps]!, this.regHi[ps]!, this.regLo[ps]!)) {
      this.deliverOut(pd, pop);
      return;
    }
    if (this.isEmpty(dst) || this.isEmpty(src)) {
      if (this.underflow()) {
        this.setSt(dst, INDEFINITE);
        if (pop) this.pop();
      }
      return;
    }
    this.deliver(dst, this.compute(op, this.st(dst), this.st(src)), pop);
  }

  // ---- compares ----

  /** Compares a with b: 0 greater, 1 less, 2 equal, 3 unordered; with the flags it raises. */
  private cmp(a: F80, b: F80, unordered: boolean): { rel: number; flags: number } {
    const ca = classify(a), cb = classify(b);
    if (ca === Cls.Unsupported || cb === Cls.Unsupported) return { rel: 3, flags: IE };
    if (isNaN80(ca) || isNaN80(cb)) {
      const sig = ca === Cls.SNaN || cb === Cls.SNaN;
      return { rel: 3, flags: sig || !unordered ? IE : 0 };
    }
    const flags = ca === Cls.Denormal || cb === Cls.Denormal ? DE : 0;
    const d = compareValues(a, ca, b, cb);
    return { rel: d > 0 ? 0 : d < 0 ? 1 : 2, flags };
  }

  private static readonly CC_OF_REL = [0, C0, C3, C0 | C2 | C3];

  private setCc(rel: number): void {
    this.sw = (this.sw & ~(C0 | C1 | C2 | C3)) | X87.CC_OF_REL[rel]!;
  }

  /** FCOM/FCOMP/FUCOM/FUCOMP with a converted memory operand or ST(i) (src < 0: memory). */
  private comWith(b: Res | null, i: number, unordered: boolean, pops: number): void {
    if (this.isEmpty(0) || (b === null && this.isEmpty(i))) {
      if (this.underflow()) {
        this.setCc(3);
        for (let k = 0; k < pops; k++) this.pop();
      }
      return;
    }
    const src = b === null ? this.st(i) : b.v;
    const r = this.cmp(this.st(0), src, unordered);
    const flags = r.flags | (b === null ? 0 : b.flags);
    if (!this.signal(flags)) return;
    this.setCc(r.rel);
    for (let k = 0; k < pops; k++) this.pop();
  }

  /** FCOM/FCOMP/FCOMPP/FUCOM... of ST(0) with an operand given as fields, when both are normal or zero (no flag can
   * be raised): the condition codes set and the pops done. False, with nothing changed, for any other case. */
  private comFields(bs: number, be: number, bhi: number, blo: number, pops: number): boolean {
    const p = this.top;
    if ((this.emptyMask & (1 << p)) !== 0) return false;
    const rel = relFields(this.regS[p]!, this.regE[p]!, this.regHi[p]!, this.regLo[p]!, bs, be, bhi, blo);
    if (rel < 0) return false;
    this.setCc(rel);
    for (let k = 0; k < pops; k++) this.pop();
    return true;
  }

  comR(i: number, unordered: boolean, pops: number): void {
    const q = this.phys(i);
    if ((this.emptyMask & (1 << q)) === 0 && this.comFields(this.regS[q]!, this.regE[q]!, this.regHi[q]!, this.regLo[q]!, pops)) return;
    this.comWith(null, i, unordered, pops);
  }
  comF32(bits: number, pops: number): void {
    if (fieldsF32(bits) && this.comFields(bits >>> 31, f32Exp(bits), f32Hi(bits), 0, pops)) return;
    this.comWith(fromF32(bits), 0, false, pops);
  }
  comF64(lo: number, hi: number, pops: number): void {
    if (fieldsF64(lo, hi) && this.comFields(hi >>> 31, f64Exp(hi), f64Hi(lo, hi), f64Lo(lo), pops)) return;
    this.comWith(fromF64(lo, hi), 0, false, pops);
  }
  comI16(v: number, pops: number): void { this.comInt((v << 16) >> 16, pops); }
  comI32(v: number, pops: number): void { this.comInt(v | 0, pops); }
  private comInt(v: number, pops: number): void {
    if (this.comFields(v < 0 ? 1 : 0, int32Exp(v), int32Hi(v), 0, pops)) return;
    this.comWith(res(fromInt32(v)), 0, false, pops);
  }
  ftst(): void {
    if (this.comFields(0, 0, 0, 0, 0)) return;
    this.comWith(res(ZERO), 0, false, 0);
  }

  /** FCOMI/FCOMIP/FUCOMI/FUCOMIP: returns the ZF|PF|CF bits to set, or -1 to leave EFLAGS alone. */
  comi(i: number, unordered: boolean, pop: boolean): number {
    this.sw &= ~C1;
    const pa = this.top, pb = this.phys(i);
    if ((this.emptyMask & ((1 << pa) | (1 << pb))) === 0) {
      const rel = relFields(this.regS[pa]!, this.regE[pa]!, this.regHi[pa]!, this.regLo[pa]!, this.regS[pb]!, this.regE[pb]!, this.regHi[pb]!, this.regLo[pb]!);
      if (rel >= 0) {
        if (pop) this.pop();
        return ZPC_OF_REL[rel]!;
      }
    }
    if (this.isEmpty(0) || this.isEmpty(i)) {
      if (!this.underflow()) return -1;
      if (pop) this.pop();
      return ZPC_OF_REL[3]!;
    }
    const r = this.cmp(this.st(0), this.st(i), unordered);
    if (!this.signal(r.flags)) return -1;
    if (pop) this.pop();
    return ZPC_OF_REL[r.rel]!;
  }

  /** FXAM: class of ST(0) in C3/C2/C0, sign in C1 (empty registers included). */
  fxam(): void {
    const x = this.st(0);
    let cc: number;
    if (this.isEmpty(0)) cc = C3 | C0;
    else {
      switch (classify(x)) {
        case Cls.Unsupported: cc = 0; break;
        case Cls.QNaN: case Cls.SNaN: cc = C0; break;
        case Cls.Normal: cc = C2; break;
        case Cls.Inf: cc = C2 | C0; break;
        case Cls.Zero: cc = C3; break;
        case Cls.Denormal: cc = C3 | C2; break;
      }
    }
    this.sw = (this.sw & ~(C0 | C1 | C2 | C3)) | cc | (x.s ? C1 : 0);
  }

  // ---- stack and sign ----

  fxch(i: number): void {
    const pi = this.phys(i);
    if ((this.emptyMask & ((1 << this.top) | (1 << pi))) === 0) {
      this.sw &= ~C1;
      this.swapRegs(this.top, pi);
      return;
    }
    if (this.isEmpty(0) || this.isEmpty(i)) {
      if (!this.underflow()) return;
      if (this.isEmpty(0)) this.setSt(0, INDEFINITE);
      if (this.isEmpty(i)) this.setSt(i, INDEFINITE);
    } else this.sw &= ~C1;
    const t = this.st(0);
    this.setSt(0, this.st(i));
    this.setSt(i, t);
  }

  /** FCHS (neg) and FABS on ST(0). */
  sign(op: "chs" | "abs"): void {
    if (this.isEmpty(0)) {
      if (this.underflow()) this.setSt(0, INDEFINITE);
      return;
    }
    this.sw &= ~C1;
    // The sign field alone changes, whatever the class (as f80.ts abs and neg).
    const p = this.top;
    this.regS[p] = op === "abs" ? 0 : this.regS[p]! ^ 1;
  }

  /** FCMOVcc: ST(0) = ST(i) when the condition holds. */
  fcmov(cond: boolean, i: number): void {
    if (this.isEmpty(0) || this.isEmpty(i)) {
      if (this.underflow() && this.isEmpty(0)) this.setSt(0, INDEFINITE);
      return;
    }
    this.sw &= ~C1;
    if (cond) this.setSt(0, this.st(i));
  }

  ffree(i: number, pop: boolean): void {
    this.emptyMask |= 1 << this.phys(i);
    if (pop) this.pop();
  }

  incTop(d: number): void {
    this.top = (this.top + d) & 7;
    this.sw &= ~C1;
  }

  fnclex(): void {
    this.sw &= ~(0xff | 0x8000);
    this.ferrFollowEs();
  }

  fldcw(v: number): void {
    this.cw = (v & 0x1f3f) | 0x40;
    // Unmasking a pending exception sets ES (it is then reported by the next waiting instruction).
    if ((this.sw & ~this.cw & 0x3f) !== 0) this.sw |= 0x8080;
    else this.sw &= ~0x8080;
    this.ferrFollowEs();
  }
}

export { RC_NEAR };
