// The x87 FPU object a vCPU owns (`cpu.x87`): the instruction semantics of x87.ts plus the unary and
// transcendental instructions that work on ST(0)/ST(1), and the environment/state images (env.ts).
import { type Res, sqrt } from "./arith";
import { roundInt } from "./convert";
import { INDEFINITE, ONE } from "./f80";
import { sqrtInto } from "./fast-arith";
import { fxrstor, fxsave, type LinearMem, loadEnv, restore, save, storeEnv } from "./env";
import { C0, C1, C2, C3 } from "./status";
import { atan2, f2xm1, fyl2x, fyl2xp1, sincos, sinOrCos, tan } from "./transcend";
import { fprem, fscale, fxtract } from "./unary";
import { X87 } from "./x87";

/** One-operand instructions on ST(0) (D9 E0..FF group). */
export type Unary = "sqrt" | "rndint" | "f2xm1" | "sin" | "cos";
/** Instructions on ST(0) and ST(1) with the result in ST(1) and a pop. */
export type Binary = "fyl2x" | "fyl2xp1" | "fpatan";

export class X87Fpu extends X87 {
  /** Checks that ST(0) (and ST(1) with `two`) hold values; on a masked underflow fills `fill` and returns false. */
  private need(two: boolean, fill: number): boolean {
    if (!this.isEmpty(0) && (!two || !this.isEmpty(1))) return true;
    if (this.underflow() && fill >= 0) this.setSt(fill, INDEFINITE);
    return false;
  }

  private put(i: number, r: Res): boolean {
    this.setC1(r.up);
    if (!this.signal(r.flags)) return false;
    this.setSt(i, r.v);
    return true;
  }

  unary(op: Unary): void {
    if (!this.need(false, 0)) return;
    const p = this.top;
    if (op === "sqrt" && sqrtInto(this.regS[p] as 0 | 1, this.regE[p]!, this.regHi[p]!, this.regLo[p]!, this.ctx())) {
      this.deliverOut(p, false);
      return;
    }
    const x = this.st(0), c = this.ctx();
    switch (op) {
      case "sqrt": this.put(0, sqrt(x, c)); return;
      case "rndint": this.put(0, roundInt(x, c.rc)); return;
      case "f2xm1": this.put(0, f2xm1(x, c)); return;
      case "sin":
      case "cos": {
        const t = sinOrCos(x, c, op);
        if (!("inRange" in t)) { this.put(0, t); this.sw &= ~C2; return; }
        if (!t.inRange) { this.sw |= C2; return; }
        this.sw &= ~C2;
        this.put(0, t.v);
        return;
      }
    }
  }

  binary(op: Binary): void {
    if (!this.need(true, 1)) {
      if (!this.isEmpty(1) || (this.cw & 1) !== 0) this.pop();
      return;
    }
    const x = this.st(0), y = this.st(1), c = this.ctx();
    const r = op === "fyl2x" ? fyl2x(x, y, c) : op === "fyl2xp1" ? fyl2xp1(x, y, c) : atan2(y, x, c);
    if (this.put(1, r)) this.pop();
  }

  fsincos(): void {
    if (!this.need(false, 0)) return;
    const t = sincos(this.st(0), this.ctx());
    if (!("inRange" in t)) {
      if (this.put(0, t)) { this.sw &= ~C2; this.push(t.v); }
      return;
    }
    if (!t.inRange) { this.sw |= C2; return; }
    this.sw &= ~C2;
    this.setC1(t.sin.up);
    if (!this.signal(t.sin.flags | t.cos.flags)) return;
    this.setSt(0, t.sin.v);
    this.push(t.cos.v);
  }

  fptan(): void {
    if (!this.need(false, 0)) return;
    const t = tan(this.st(0), this.ctx());
    if (!t.inRange) { this.sw |= C2; return; }
    this.sw &= ~C2;
    if (!this.put(0, t.v)) return;
    // A NaN operand (or the indefinite) is pushed again instead of 1.0 (measured).
    this.push(t.v.v.e === 0x7fff && t.v.v.m !== 1n << 63n ? t.v.v : ONE);
  }

  fscale(): void {
    if (!this.need(true, 0)) return;
    this.put(0, fscale(this.st(0), this.st(1), this.ctx()));
  }

  fxtract(): void {
    if (!this.need(false, 0)) return;
    const r = fxtract(this.st(0));
    if (!("exp" in r)) { this.put(0, r); return; }
    this.sw &= ~C1;
    if (!this.signal(r.exp.flags)) return;
    this.setSt(0, r.exp.v);
    this.push(r.sig);
  }

  fprem(nearest: boolean): void {
    if (!this.need(true, 0)) return;
    const r = fprem(this.st(0), this.st(1), nearest);
    if (!this.signal(r.r.flags)) return;
    this.sw = (this.sw & ~(C0 | C1 | C2 | C3)) | r.cc;
    this.setSt(0, r.r.v);
  }

  fnstenv(m: LinearMem, a: number, o32: boolean): void { storeEnv(this, m, a, o32); }
  fldenv(m: LinearMem, a: number, o32: boolean): void { loadEnv(this, m, a, o32); }
  fnsave(m: LinearMem, a: number, o32: boolean): void { save(this, m, a, o32); }
  frstor(m: LinearMem, a: number, o32: boolean): void { restore(this, m, a, o32); }
  fxsave(m: LinearMem, a: number): void { fxsave(this, m, a); }
  fxrstor(m: LinearMem, a: number): void { fxrstor(this, m, a); }
}
