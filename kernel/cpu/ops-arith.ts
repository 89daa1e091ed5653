// Arithmetic helpers the compiled blocks call for the less common instructions: rotates and shifts
// by CL, MUL/IMUL/DIV/IDIV (with #DE), BCD adjusts, bit tests and scans, SHLD/SHRD, CMPXCHG8B and
// the direct flag instructions. Results follow the SDM; undefined flags are noted where chosen.
import { AF, CF, Lazy, OF, PF, SF, ZF, packKind, parityOf } from "./flags";
import { CpuFault, DE } from "./faults";
import { CpuInt } from "./interrupts";

function maskOf(size: number): number {
  return size === 32 ? -1 : (1 << size) - 1;
}

/** Arithmetic instruction semantics over the CPU state. */
export class CpuArith extends CpuInt {
  /** Records a lazy flags result. */
  setLazy(kind: Lazy, size: 8 | 16 | 32, a: number, b: number, r: number, c: number): void {
    this.fK = packKind(kind, size);
    this.fA = a;
    this.fB = b;
    this.fR = r;
    this.fC = c;
  }

  /** Sets the status bits in `mask` to `bits` (others kept). */
  setStatus(mask: number, bits: number): void {
    this.materializeFlags();
    this.fl = (this.fl & ~mask) | (bits & mask);
  }

  /** Group-2 shift/rotate `op` of a `size`-bit value by `count` (masked to 5 bits). */
  grp2(op: number, size: 8 | 16 | 32, a: number, count: number): number {
    const c = count & 31;
    const mask = maskOf(size);
    a &= mask;
    if (c === 0) return a;
    const top = size - 1;
    const msb = (v: number): number => (v >>> top) & 1;
    switch (op) {
      case 0: {
        const n = c % size;
        const v = n === 0 ? a : ((a << n) | (a >>> (size - n))) & mask;
        const cf = v & 1;
        this.setStatus(CF | OF, cf | ((msb(v) ^ cf) << 11));
        return v;
      }
      case 1: {
        const n = c % size;
        const v = n === 0 ? a : ((a >>> n) | (a << (size - n))) & mask;
        this.setStatus(CF | OF, msb(v) | ((msb(v) ^ ((v >>> (top - 1)) & 1)) << 11));
        return v;
      }
      case 2: {
        const n = size === 32 ? c : c % (size + 1);
        if (n === 0) return a;
        let cf = this.getCF();
        let v = a;
        for (let k = 0; k < n; k++) {
          const out = msb(v);
          v = ((v << 1) | cf) & mask;
          cf = out;
        }
        this.setStatus(CF | OF, cf | ((msb(v) ^ cf) << 11));
        return v;
      }
      case 3: {
        const n = size === 32 ? c : c % (size + 1);
        if (n === 0) return a;
        let cf = this.getCF();
        const of = msb(a) ^ cf;
        let v = a;
        for (let k = 0; k < n; k++) {
          const out = v & 1;
          v = ((v >>> 1) | (cf << top)) & mask;
          cf = out;
        }
        this.setStatus(CF | OF, cf | (of << 11));
        return v;
      }
      case 4:
      case 6: {
        const v = (a << c) & mask;
        const cf = c <= size ? (a >>> (size - c)) & 1 : 0;
        this.setLazy(Lazy.Shift, size, 0, msb(v) ^ cf, v, cf);
        return v;
      }
      case 5: {
        const v = c >= 32 ? 0 : a >>> c;
        const cf = c <= size ? (a >>> (c - 1)) & 1 : 0;
        this.setLazy(Lazy.Shift, size, 0, msb(a), v, cf);
        return v & mask;
      }
      default: {
        const sa = (a << (32 - size)) >> (32 - size);
        const v = sa >> c;
        this.setLazy(Lazy.Shift, size, 0, 0, v, (sa >> (c - 1)) & 1);
        return v & mask;
      }
    }
  }

  /** SHLD: `a` shifted left, filled from the top of `b`. */
  shld(size: 16 | 32, a: number, b: number, count: number): number {
    const c = count & 31;
    const mask = maskOf(size);
    a &= mask;
    b &= mask;
    if (c === 0) return a;
    let v: number;
    let cf: number;
    if (size === 32) {
      v = (a << c) | (b >>> (32 - c));
      cf = (a >>> (32 - c)) & 1;
    } else {
      // 16-bit counts above 16 are undefined; this shifts the 48-bit a:b:a pattern.
      v = c <= 16 ? ((a << c) | (b >>> (16 - c))) & 0xffff : ((b << (c - 16)) | (a >>> (32 - c))) & 0xffff;
      cf = c <= 16 ? (a >>> (16 - c)) & 1 : (b >>> (32 - c)) & 1;
    }
    const top = size - 1;
    this.setLazy(Lazy.Shift, size, 0, ((v ^ a) >>> top) & 1, v, cf);
    return v;
  }

  /** SHRD: `a` shifted right, filled from the bottom of `b`. */
  shrd(size: 16 | 32, a: number, b: number, count: number): number {
    const c = count & 31;
    const mask = maskOf(size);
    a &= mask;
    b &= mask;
    if (c === 0) return a;
    let v: number;
    if (size === 32) v = (a >>> c) | (b << (32 - c));
    else v = c <= 16 ? ((a >>> c) | (b << (16 - c))) & 0xffff : ((b >>> (c - 16)) | (a << (32 - c))) & 0xffff;
    const cf = c <= size ? (a >>> (c - 1)) & 1 : (b >>> (c - 17)) & 1;
    const top = size - 1;
    this.setLazy(Lazy.Shift, size, 0, ((v ^ a) >>> top) & 1, v, cf);
    return v;
  }

  mul8(v: number): void {
    const p = (this.r[0]! & 0xff) * (v & 0xff);
    this.r[0] = (this.r[0]! & -65536) | p;
    this.setLazy(Lazy.Mul, 8, 0, 0, p, p > 0xff ? 1 : 0);
  }
  mul16(v: number): void {
    const p = (this.r[0]! & 0xffff) * (v & 0xffff);
    this.r[0] = (this.r[0]! & -65536) | (p & 0xffff);
    this.r[2] = (this.r[2]! & -65536) | (p >>> 16);
    this.setLazy(Lazy.Mul, 16, 0, 0, p, p > 0xffff ? 1 : 0);
  }
  mul32(v: number): void {
    const a = this.r[0]! >>> 0;
    const b = v >>> 0;
    const lo = Math.imul(a, b);
    const hi = mulHigh(a, b);
    this.r[0] = lo;
    this.r[2] = hi;
    this.setLazy(Lazy.Mul, 32, 0, 0, lo, hi !== 0 ? 1 : 0);
  }
  imul8(v: number): void {
    const p = ((this.r[0]! << 24) >> 24) * ((v << 24) >> 24);
    this.r[0] = (this.r[0]! & -65536) | (p & 0xffff);
    this.setLazy(Lazy.Mul, 8, 0, 0, p, ((p << 24) >> 24) !== p ? 1 : 0);
  }
  imul16(v: number): void {
    const p = ((this.r[0]! << 16) >> 16) * ((v << 16) >> 16);
    this.r[0] = (this.r[0]! & -65536) | (p & 0xffff);
    this.r[2] = (this.r[2]! & -65536) | ((p >> 16) & 0xffff);
    this.setLazy(Lazy.Mul, 16, 0, 0, p, ((p << 16) >> 16) !== p ? 1 : 0);
  }
  imul32(v: number): void {
    const a = this.r[0]! | 0;
    const b = v | 0;
    const lo = Math.imul(a, b);
    let hi = mulHigh(a >>> 0, b >>> 0);
    if (a < 0) hi = (hi - b) | 0;
    if (b < 0) hi = (hi - a) | 0;
    this.r[0] = lo;
    this.r[2] = hi;
    this.setLazy(Lazy.Mul, 32, 0, 0, lo, hi !== lo >> 31 ? 1 : 0);
  }

  div8(v: number): void {
    const d = v & 0xff;
    const n = this.r[0]! & 0xffff;
    if (d === 0) throw new CpuFault(DE, undefined);
    const q = Math.floor(n / d);
    if (q > 0xff) throw new CpuFault(DE, undefined);
    this.r[0] = (this.r[0]! & -65536) | ((n % d) << 8) | q;
  }
  idiv8(v: number): void {
    const d = (v << 24) >> 24;
    const n = (this.r[0]! << 16) >> 16;
    if (d === 0) throw new CpuFault(DE, undefined);
    const q = Math.trunc(n / d);
    if (q > 127 || q < -128) throw new CpuFault(DE, undefined);
    this.r[0] = (this.r[0]! & -65536) | (((n % d) & 0xff) << 8) | (q & 0xff);
  }
  div16(v: number): void {
    const d = v & 0xffff;
    const n = (((this.r[2]! & 0xffff) << 16) | (this.r[0]! & 0xffff)) >>> 0;
    if (d === 0) throw new CpuFault(DE, undefined);
    const q = Math.floor(n / d);
    if (q > 0xffff) throw new CpuFault(DE, undefined);
    this.r[0] = (this.r[0]! & -65536) | q;
    this.r[2] = (this.r[2]! & -65536) | (n % d);
  }
  idiv16(v: number): void {
    const d = (v << 16) >> 16;
    const n = ((this.r[2]! & 0xffff) << 16) | (this.r[0]! & 0xffff);
    if (d === 0) throw new CpuFault(DE, undefined);
    const q = Math.trunc(n / d);
    if (q > 32767 || q < -32768) throw new CpuFault(DE, undefined);
    this.r[0] = (this.r[0]! & -65536) | (q & 0xffff);
    this.r[2] = (this.r[2]! & -65536) | ((n % d) & 0xffff);
  }
  div32(v: number): void {
    const d = v >>> 0;
    if (d === 0) throw new CpuFault(DE, undefined);
    const hi = this.r[2]! >>> 0;
    const lo = this.r[0]! >>> 0;
    if (hi >= d) throw new CpuFault(DE, undefined);
    let q: number;
    let rem: number;
    if (hi === 0) {
      q = Math.floor(lo / d);
      rem = lo - q * d;
    } else if (hi < 0x200000) {
      const n = hi * 4294967296 + lo;
      q = Math.floor(n / d);
      rem = n - q * d;
      if (rem < 0) {
        q--;
        rem += d;
      } else if (rem >= d) {
        q++;
        rem -= d;
      }
    } else {
      const n = (BigInt(hi) << 32n) | BigInt(lo);
      const bd = BigInt(d);
      q = Number(n / bd);
      rem = Number(n % bd);
    }
    this.r[0] = q;
    this.r[2] = rem;
  }
  idiv32(v: number): void {
    const d = v | 0;
    if (d === 0) throw new CpuFault(DE, undefined);
    const lo = this.r[0]! | 0;
    const hi = this.r[2]! | 0;
    if (hi === lo >> 31) {
      if (lo === -2147483648 && d === -1) throw new CpuFault(DE, undefined);
      this.r[0] = (lo / d) | 0;
      this.r[2] = lo % d;
      return;
    }
    const n = (BigInt(hi) << 32n) | BigInt(lo >>> 0);
    const bd = BigInt(d);
    const q = n / bd;
    if (q > 2147483647n || q < -2147483648n) throw new CpuFault(DE, undefined);
    this.r[0] = Number(q);
    this.r[2] = Number(n % bd);
  }

  daa(): void {
    const f = this.getEflags();
    const al = this.r[0]! & 0xff;
    let v = al;
    let cf = 0;
    let af = 0;
    if ((al & 0xf) > 9 || f & AF) {
      v = (v + 6) & 0xff;
      af = AF;
    }
    if (al > 0x99 || f & CF) {
      v = (v + 0x60) & 0xff;
      cf = CF;
    }
    this.r[0] = (this.r[0]! & -256) | v;
    this.setStatus(CF | PF | AF | ZF | SF | OF, cf | af | this.szp(v, 8));
  }
  das(): void {
    const f = this.getEflags();
    const al = this.r[0]! & 0xff;
    let v = al;
    let cf = 0;
    let af = 0;
    if ((al & 0xf) > 9 || f & AF) {
      v = (v - 6) & 0xff;
      af = AF;
      if (f & CF || al < 6) cf = CF;
    }
    if (al > 0x99 || f & CF) {
      v = (v - 0x60) & 0xff;
      cf = CF;
    }
    this.r[0] = (this.r[0]! & -256) | v;
    this.setStatus(CF | PF | AF | ZF | SF | OF, cf | af | this.szp(v, 8));
  }
  aaa(): void {
    const f = this.getEflags();
    let ax = this.r[0]! & 0xffff;
    let fl = 0;
    if ((ax & 0xf) > 9 || f & AF) {
      ax = (ax + 0x106) & 0xffff;
      fl = AF | CF;
    }
    ax &= 0xff0f;
    this.r[0] = (this.r[0]! & -65536) | ax;
    this.setStatus(CF | PF | AF | ZF | SF | OF, fl | this.szp(ax & 0xff, 8));
  }
  aas(): void {
    const f = this.getEflags();
    let ax = this.r[0]! & 0xffff;
    let fl = 0;
    if ((ax & 0xf) > 9 || f & AF) {
      // Current processors subtract 6 from the whole AX (AL < 6 borrows from AH), then decrement AH (SDM AAS).
      ax = (ax - 6) & 0xffff;
      ax = (ax - 0x100) & 0xffff;
      fl = AF | CF;
    }
    ax &= 0xff0f;
    this.r[0] = (this.r[0]! & -65536) | ax;
    this.setStatus(CF | PF | AF | ZF | SF | OF, fl | this.szp(ax & 0xff, 8));
  }
  aam(base: number): void {
    if (base === 0) throw new CpuFault(DE, undefined);
    const al = this.r[0]! & 0xff;
    const v = ((Math.floor(al / base) & 0xff) << 8) | (al % base);
    this.r[0] = (this.r[0]! & -65536) | v;
    this.setLazy(Lazy.Logic, 8, 0, 0, v & 0xff, 0);
  }
  aad(base: number): void {
    const ax = this.r[0]! & 0xffff;
    const v = ((ax & 0xff) + (ax >> 8) * base) & 0xff;
    this.r[0] = (this.r[0]! & -65536) | v;
    this.setLazy(Lazy.Logic, 8, 0, 0, v, 0);
  }

  /** SF, ZF, PF bits of a `size`-bit result. */
  szp(v: number, size: number): number {
    const m = maskOf(size);
    return ((v & m) === 0 ? ZF : 0) | ((v >>> (size - 1)) & 1 ? SF : 0) | parityOf(v);
  }

  /** BT (0) / BTS (1) / BTR (2) / BTC (3): CF = the bit; returns the new value. Other flags unchanged. */
  bt(kind: number, v: number, bit: number): number {
    this.setStatus(CF, (v >>> bit) & 1);
    switch (kind) {
      case 1: return v | (1 << bit);
      case 2: return v & ~(1 << bit);
      case 3: return v ^ (1 << bit);
      default: return v;
    }
  }

  /** BSF: index of the lowest set bit; ZF=1 and destination unchanged when the source is 0. */
  bsf(size: number, v: number, old: number): number {
    v &= maskOf(size);
    if (v === 0) {
      this.setStatus(ZF, ZF);
      return old;
    }
    this.setStatus(ZF, 0);
    return 31 - Math.clz32(v & -v);
  }
  /** BSR: index of the highest set bit. */
  bsr(size: number, v: number, old: number): number {
    v &= maskOf(size);
    if (v === 0) {
      this.setStatus(ZF, ZF);
      return old;
    }
    this.setStatus(ZF, 0);
    return 31 - Math.clz32(v);
  }

  /** CMPXCHG8B m64: compares EDX:EAX with the operand; ZF tells which way it went. */
  cmpxchg8b(lin: number): void {
    const lo = this.rd32(lin);
    const hi = this.rd32((lin + 4) | 0);
    const r = this.r;
    if (lo === r[0] && hi === r[2]) {
      this.wr32(lin, r[3]!);
      this.wr32((lin + 4) | 0, r[1]!);
      this.setStatus(ZF, ZF);
    } else {
      this.wr32(lin, lo);
      this.wr32((lin + 4) | 0, hi);
      r[0] = lo;
      r[2] = hi;
      this.setStatus(ZF, 0);
    }
  }

  cmc(): void {
    this.setStatus(CF, this.getCF() ^ 1);
  }
  clc(): void {
    this.setStatus(CF, 0);
  }
  stc(): void {
    this.setStatus(CF, CF);
  }
  sahf(): void {
    this.setStatus(SF | ZF | AF | PF | CF, (this.r[0]! >> 8) & 0xd5);
  }
  lahf(): void {
    this.r[0] = (this.r[0]! & -65281) | (((this.getEflags() & 0xd5) | 2) << 8);
  }
}

/** High 32 bits of the unsigned 64-bit product of two uint32 values. */
export function mulHigh(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const t = al * bl;
  const mid = ah * bl + al * bh + (t >>> 16);
  return (ah * bh + Math.floor(mid / 65536)) | 0;
}
