// EFLAGS bit names and the lazy arithmetic-flags model: an ALU instruction records (kind, operand
// size, a, b, result, carry) and the six status flags are derived only when read. Pure functions;
// the CPU state holds the fields (cpu-state.ts).

export const CF = 0x1;
export const PF = 0x4;
export const AF = 0x10;
export const ZF = 0x40;
export const SF = 0x80;
export const TF = 0x100;
export const IF = 0x200;
export const DF = 0x400;
export const OF = 0x800;
export const IOPL = 0x3000;
export const NT = 0x4000;
export const RF = 0x10000;
export const VM = 0x20000;
export const AC = 0x40000;
export const ID = 0x200000;
/** The six status flags the lazy model computes. */
export const STATUS = CF | PF | AF | ZF | SF | OF;
/** Bits software can hold in EFLAGS on this CPU (bit 1 always reads 1). */
export const EFLAGS_WRITABLE = STATUS | TF | IF | DF | IOPL | NT | RF | AC | ID;

/** Lazy kinds (high bits of the packed kind; the low 5 bits hold 32 - operand size). */
export const enum Lazy {
  /** Status flags are concrete in the EFLAGS word. */
  None = 0,
  Add = 1,
  Adc = 2,
  Sub = 3,
  Sbb = 4,
  /** AND/OR/XOR/TEST: CF=OF=0, AF=0. */
  Logic = 5,
  /** INC: as Add with b=1 but CF is the saved carry. */
  Inc = 6,
  /** DEC: as Sub with b=1 but CF is the saved carry. */
  Dec = 7,
  /** Shifts: CF = c&1, OF = b&1, AF = 0. */
  Shift = 8,
  /** MUL/IMUL: CF = OF = c&1, AF = 0. */
  Mul = 9,
}

/** Packs a lazy kind with an operand size of 8, 16 or 32 bits. */
export function packKind(kind: Lazy, size: 8 | 16 | 32): number {
  return (kind << 5) | (32 - size);
}

const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let p = 1;
  for (let b = 0; b < 8; b++) p ^= (i >> b) & 1;
  PARITY[i] = p ? PF : 0;
}
/** PF bit for the low byte of a result. */
export function parityOf(v: number): number {
  return PARITY[v & 0xff]!;
}

/** Carry flag (0/1) of a packed lazy record. */
export function lazyCF(k: number, a: number, b: number, r: number, c: number): number {
  const sh = k & 31;
  switch (k >> 5) {
    case Lazy.Add:
      return (r << sh) >>> 0 < (a << sh) >>> 0 ? 1 : 0;
    case Lazy.Adc:
      return c & 1 ? ((r << sh) >>> 0 <= (a << sh) >>> 0 ? 1 : 0) : (r << sh) >>> 0 < (a << sh) >>> 0 ? 1 : 0;
    case Lazy.Sub:
      return (a << sh) >>> 0 < (b << sh) >>> 0 ? 1 : 0;
    case Lazy.Sbb:
      return c & 1 ? ((a << sh) >>> 0 <= (b << sh) >>> 0 ? 1 : 0) : (a << sh) >>> 0 < (b << sh) >>> 0 ? 1 : 0;
    case Lazy.Inc:
    case Lazy.Dec:
    case Lazy.Shift:
    case Lazy.Mul:
      return c & 1;
    default:
      return 0;
  }
}

/** Overflow flag (0/1) of a packed lazy record. */
export function lazyOF(k: number, a: number, b: number, r: number, c: number): number {
  const sh = k & 31;
  switch (k >> 5) {
    case Lazy.Add:
    case Lazy.Adc:
    case Lazy.Inc:
      return ((a ^ r) & (b ^ r)) << sh < 0 ? 1 : 0;
    case Lazy.Sub:
    case Lazy.Sbb:
    case Lazy.Dec:
      return ((a ^ b) & (a ^ r)) << sh < 0 ? 1 : 0;
    case Lazy.Shift:
      return b & 1;
    case Lazy.Mul:
      return c & 1;
    default:
      return 0;
  }
}

/** All six status flags of a packed lazy record, as EFLAGS bits. */
export function lazyStatus(k: number, a: number, b: number, r: number, c: number): number {
  const sh = k & 31;
  const kind = k >> 5;
  const rs = r << sh;
  let f = lazyCF(k, a, b, r, c) | (lazyOF(k, a, b, r, c) << 11) | PARITY[r & 0xff]!;
  if (rs === 0) f |= ZF;
  if (rs < 0) f |= SF;
  if (kind <= Lazy.Sbb || kind === Lazy.Inc || kind === Lazy.Dec) f |= (a ^ b ^ r) & AF;
  return f;
}

/** Evaluates condition code `cc` (0..15, the Jcc/SETcc/CMOVcc encoding) on an EFLAGS value. */
export function condOf(cc: number, f: number): boolean {
  let t: boolean;
  switch (cc >> 1) {
    case 0: t = (f & OF) !== 0; break;
    case 1: t = (f & CF) !== 0; break;
    case 2: t = (f & ZF) !== 0; break;
    case 3: t = (f & (CF | ZF)) !== 0; break;
    case 4: t = (f & SF) !== 0; break;
    case 5: t = (f & PF) !== 0; break;
    case 6: t = ((f & SF) !== 0) !== ((f & OF) !== 0); break;
    default: t = (f & ZF) !== 0 || ((f & SF) !== 0) !== ((f & OF) !== 0); break;
  }
  return (cc & 1) === 0 ? t : !t;
}

/** Flags condition code `cc` (0..15) tests (SDM table B-1): what condOf reads. */
export function ccFlags(cc: number): number {
  switch (cc >> 1) {
    case 0: return OF;
    case 1: return CF;
    case 2: return ZF;
    case 3: return CF | ZF;
    case 4: return SF;
    case 5: return PF;
    case 6: return SF | OF;
    default: return ZF | SF | OF;
  }
}
