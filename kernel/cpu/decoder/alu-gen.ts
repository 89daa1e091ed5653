// Code generation for flag-producing arithmetic: the eight ALU operations, INC/DEC/NEG, immediate
// shifts, IMUL, and Jcc/SETcc/CMOVcc conditions evaluated straight from the block-local lazy record
// when the producer is known at compile time.
import { CF, Lazy, STATUS, ccFlags, packKind } from "../flags";
import type { Operand, Size } from "./context";

/** A generated flag-producing fragment. */
export interface FlagFrag {
  code: string;
  store: string;
  producer: number;
  fRead: number;
  fWrite: number;
  /** The same instruction computing no flags at all, for the block compiler to use where its flags are dead
   * (overwritten by the next instruction before anything can see them); only where it saves a call. */
  bare?: string;
}

/** Store statement for a lazy kind (only the fields its getters use). */
export function storeFor(kind: Lazy): string {
  switch (kind) {
    case Lazy.Logic:
      return "s.fK = lk; s.fR = lr;";
    case Lazy.Add:
    case Lazy.Sub:
      return "s.fK = lk; s.fA = la; s.fB = lb; s.fR = lr;";
    case Lazy.Shift:
      return "s.fK = lk; s.fB = lb; s.fR = lr; s.fC = lc;";
    case Lazy.Mul:
      return "s.fK = lk; s.fR = lr; s.fC = lc;";
    default:
      return "s.fK = lk; s.fA = la; s.fB = lb; s.fR = lr; s.fC = lc;";
  }
}

/** The statements recording a lazy producer in the block's locals. A kind that has no use for `lc` sets it to 0:
 * the earlier producer's (a shift's or IMUL's carry) is then dead, and V8 drops its computation. */
function rec(kind: Lazy, size: Size, a: string, b: string, v: string, c?: string): string {
  return `lk = ${packKind(kind, size)}; la = ${a}; lb = ${b}; lr = ${v}; lc = ${c ?? 0};`;
}

/** ALU operation `op` (0 ADD, 1 OR, 2 ADC, 3 SBB, 4 AND, 5 SUB, 6 XOR, 7 CMP) on `dst` with source expression `src`. */
export function aluOp(op: number, size: Size, dst: Operand, src: string, known = 0): FlagFrag {
  const cf = cfExpr(known);
  let body: string;
  let kind: Lazy;
  let c: string | undefined;
  let fRead = 0;
  switch (op) {
    case 0: body = "const v = (a + b) | 0;"; kind = Lazy.Add; break;
    case 1: body = "const v = a | b;"; kind = Lazy.Logic; break;
    case 2: body = `const c = ${cf ?? "s.getCF()"}; const v = (a + b + c) | 0;`; kind = Lazy.Adc; c = "c"; fRead = cf ? 0 : CF; break;
    case 3: body = `const c = ${cf ?? "s.getCF()"}; const v = (a - b - c) | 0;`; kind = Lazy.Sbb; c = "c"; fRead = cf ? 0 : CF; break;
    case 4: body = "const v = a & b;"; kind = Lazy.Logic; break;
    case 5:
    case 7: body = "const v = (a - b) | 0;"; kind = Lazy.Sub; break;
    default: body = "const v = a ^ b;"; kind = Lazy.Logic; break;
  }
  const write = op === 7 ? "" : dst.set("v");
  return {
    code: `${dst.pre} const a = ${dst.get}; const b = ${src}; ${body} ${write} ${rec(kind, size, "a", "b", "v", c)}`,
    store: storeFor(kind),
    producer: packKind(kind, size),
    fRead,
    fWrite: STATUS,
  };
}

/** TEST: AND without writing. */
export function testOp(size: Size, a: Operand, src: string): FlagFrag {
  return {
    code: `${a.pre} const v = ${a.get} & ${src}; ${rec(Lazy.Logic, size, "0", "0", "v")}`,
    store: storeFor(Lazy.Logic),
    producer: packKind(Lazy.Logic, size),
    fRead: 0,
    fWrite: STATUS,
  };
}

/** CF (0/1) of the current flags where no producer is known statically: the block's locals when they hold a
 * record (lk set: a looping block's later passes start with the last pass's), else the CPU's. Exact anywhere in
 * a block, because lk is non-zero only while the locals hold the latest record (exits store it then). */
export const CURRENT_CF = "(lk !== 0 ? s.cfOf(lk, la, lb, lr, lc) : s.getCF())";

/** INC (dec=false) or DEC: CF preserved (read from the current flags). */
export function incDec(dec: boolean, size: Size, dst: Operand, known = 0): FlagFrag {
  const kind = dec ? Lazy.Dec : Lazy.Inc;
  const cf = cfExpr(known);
  return {
    code: `${dst.pre} const a = ${dst.get}; const v = (a ${dec ? "-" : "+"} 1) | 0; ${dst.set("v")} const c = ${cf ?? CURRENT_CF}; ${rec(kind, size, "a", "1", "v", "c")}`,
    ...(cf === null ? { bare: `${dst.pre} const v = (${dst.get} ${dec ? "-" : "+"} 1) | 0; ${dst.set("v")}` } : {}),
    store: storeFor(kind),
    producer: packKind(kind, size),
    fRead: cf ? 0 : CF,
    fWrite: STATUS,
  };
}

/** NEG: 0 - x with SUB flags. */
export function negOp(size: Size, dst: Operand): FlagFrag {
  return {
    code: `${dst.pre} const b = ${dst.get}; const v = (0 - b) | 0; ${dst.set("v")} ${rec(Lazy.Sub, size, "0", "b", "v")}`,
    store: storeFor(Lazy.Sub),
    producer: packKind(Lazy.Sub, size),
    fRead: 0,
    fWrite: STATUS,
  };
}

/** SHL/SHR/SAR by an immediate count (already masked, non-zero). Returns null for other operations. */
export function shiftImm(op: number, size: Size, dst: Operand, count: number): FlagFrag | null {
  const sh = 32 - size;
  let body: string;
  if (op === 4 || op === 6) {
    const cf = count <= size ? `(a >>> ${size - count}) & 1` : "0";
    body = `const v = a << ${count}; const c = ${cf}; const o = ((v << ${sh}) < 0 ? 1 : 0) ^ c;`;
  } else if (op === 5) {
    body = `const v = (a >>> ${count}) | 0; const c = (a >>> ${count - 1}) & 1; const o = (a << ${sh}) < 0 ? 1 : 0;`;
  } else if (op === 7) {
    const sa = size === 32 ? "a" : `((a << ${sh}) >> ${sh})`;
    body = `const x = ${sa}; const v = x >> ${count}; const c = (x >> ${count - 1}) & 1; const o = 0;`;
  } else return null;
  return {
    code: `${dst.pre} const a = ${dst.get}; ${body} ${dst.set("v")} ${rec(Lazy.Shift, size, "0", "o", "v", "c")}`,
    store: storeFor(Lazy.Shift),
    producer: packKind(Lazy.Shift, size),
    fRead: 0,
    fWrite: STATUS,
  };
}

/** ROL (`left`) or ROR of `dst` by the constant `count` (1..31), computing no flags: the Out.bare of a rotate
 * whose CF and OF no one reads. Null for a count that is a multiple of the size (rare: the helper does it). */
export function rotateBare(left: boolean, size: Size, dst: Operand, count: number): string | null {
  const n = count % size;
  if (n === 0) return null;
  const [up, down] = left ? [n, size - n] : [size - n, n];
  const a = size === 32 ? dst.get : `(${dst.get} & ${(1 << size) - 1})`;
  return `${dst.pre} const a = ${a}; ${dst.set(`(a << ${up}) | (a >>> ${down})`)}`;
}

/** IMUL dst, a, b (two/three operand forms): truncated product, CF=OF on signed overflow. */
export function imulOp(size: Size, dstSet: (v: string) => string, pre: string, a: string, b: string): FlagFrag {
  const body =
    size === 32
      ? "const v = Math.imul(x, y); const c = x * y !== v ? 1 : 0;"
      : "const p = x * y; const v = p & 65535; const c = ((v << 16) >> 16) !== p ? 1 : 0;";
  const sx = (e: string): string => (size === 32 ? e : `((${e} << 16) >> 16)`);
  return {
    code: `${pre} const x = ${sx(a)}; const y = ${sx(b)}; ${body} ${dstSet("v")} ${rec(Lazy.Mul, size, "0", "0", "v", "c")}`,
    store: storeFor(Lazy.Mul),
    producer: packKind(Lazy.Mul, size),
    fRead: 0,
    fWrite: STATUS,
  };
}

/** CF (0/1) straight from the block-local record of a statically known producer, or null. */
export function cfExpr(known: number): string | null {
  if (known <= 0) return null;
  const sh = known & 31;
  const U = (x: string): string => (sh ? `((${x} << ${sh}) >>> 0)` : `(${x} >>> 0)`);
  switch (known >> 5) {
    case Lazy.Add: return `(${U("lr")} < ${U("la")} ? 1 : 0)`;
    case Lazy.Sub: return `(${U("la")} < ${U("lb")} ? 1 : 0)`;
    case Lazy.Logic: return "0";
    case Lazy.Inc:
    case Lazy.Dec:
    case Lazy.Shift:
    case Lazy.Mul: return "(lc & 1)";
    default: return null;
  }
}

/** Flags a condition reads from the CPU object: none when it is evaluated from the locals. */
export function condReads(cc: number, known = 0): number {
  if (!condExpr(cc, known).includes("s.cond")) return 0;
  return ccFlags(cc);
}

/** Boolean expression for condition `cc`, direct from the locals when `known` (packed kind) allows. */
export function condExpr(cc: number, known: number): string {
  const kind = known >> 5;
  const sh = known & 31;
  const S = (x: string): string => (sh ? `(${x} << ${sh})` : `(${x} | 0)`);
  const U = (x: string): string => `(${S(x)} >>> 0)`;
  let e: string | null = null;
  if (known !== 0) {
    switch (cc >> 1) {
      case 2: e = `${S("lr")} === 0`; break;
      case 4: e = `${S("lr")} < 0`; break;
      default:
        if (kind === Lazy.Sub) {
          if (cc >> 1 === 1) e = `${U("la")} < ${U("lb")}`;
          else if (cc >> 1 === 3) e = `${U("la")} <= ${U("lb")}`;
          else if (cc >> 1 === 6) e = `${S("la")} < ${S("lb")}`;
          else if (cc >> 1 === 7) e = `${S("la")} <= ${S("lb")}`;
        } else if (kind === Lazy.Logic) {
          if (cc >> 1 === 0 || cc >> 1 === 1) e = "false";
          else if (cc >> 1 === 3) e = `${S("lr")} === 0`;
          else if (cc >> 1 === 6) e = `${S("lr")} < 0`;
          else if (cc >> 1 === 7) e = `${S("lr")} <= 0`;
        } else if (cc >> 1 === 1 && cfExpr(known) !== null) e = `${cfExpr(known)!} !== 0`;
    }
  }
  if (e === null) return (cc & 1) === 0 ? `s.cond(${cc})` : `!s.cond(${cc & ~1})`;
  return (cc & 1) === 0 ? `(${e})` : `!(${e})`;
}

