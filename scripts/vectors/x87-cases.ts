// The x87 part of the vector catalogue: each case restores a full FPU image (FRSTOR [esi]), runs one x87
// instruction (memory operand at [edi]), and saves the FPU (FNSAVE [esi+0x70]); the recorder runs the same
// bytes on the host (runner.c) and the test on the emulator, and both compare the data buffer and EFLAGS.
import { Xorshift32 } from "./prng";

/** Data buffer layout (offsets from ESI's buffer; EDI points at MEM_OFF). */
export const IN_OFF = 0, OUT_OFF = 0x70, MEM_OFF = 0x100, DATA_LEN = 0x110;
/** Bytes of the output image that hold host addresses (FIP, FCS/FOP, FDP, FDS): not compared. */
export const OUT_IGNORED: readonly [number, number] = [OUT_OFF + 12, OUT_OFF + 28];

export interface X87Case {
  readonly name: string;
  /** Full i386 bytes: FRSTOR [esi]; the instruction; FNSAVE [esi+0x70]. */
  readonly code: number[];
  readonly eflags: number;
  readonly data: number[];
}

type Val = string; // 20 hex digits, sign/exponent first

const SPECIAL: Val[] = [
  "00000000000000000000", "80000000000000000000", "3fff8000000000000000", "bfff8000000000000000",
  "3fffc000000000000000", "4000c90fdaa22168c235", "7fff8000000000000000", "ffff8000000000000000",
  "7fffc000000000000000", "7fffa000000000000001", "ffffc000000000000000", "00000000000000000001",
  "00008000000000000000", "00010000000000000001", "00018000000000000000", "7ffeffffffffffffffff",
  "3ffe0000000000000001", "40008000000000000000", "3ffdaaaaaaaaaaaaaaab", "403e8000000000000000",
  "bffb8000000000000000", "401d8000000000000000", "3c018000000000000000", "43fe8000000000000000",
];

function hexVal(r: Xorshift32, expLo: number, expHi: number): Val {
  const e = expLo + r.below(expHi - expLo + 1);
  const s = r.bit() ? 0x8000 : 0;
  const hi = (r.u32() | 0x80000000) >>> 0;
  const lo = r.u32();
  return ((s | e).toString(16).padStart(4, "0") + hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0"));
}

function valBytes(v: Val): number[] {
  const b: number[] = [];
  for (let i = 0; i < 10; i++) b.push(parseInt(v.slice(20 - 2 * (i + 1), 20 - 2 * i), 16));
  return b;
}

/** FRSTOR image (32-bit protected-mode layout) with ST(0..n-1) = vals and the others empty. */
function image(cw: number, vals: readonly Val[], sw = 0): number[] {
  const b = new Array<number>(108).fill(0);
  const w16 = (o: number, v: number): void => { b[o] = v & 0xff; b[o + 1] = (v >> 8) & 0xff; };
  w16(0, cw);
  w16(4, sw); // TOP = 0: ST(i) is physical register i
  let tw = 0xffff;
  vals.forEach((_, i) => { tw &= ~(3 << (2 * i)); });
  w16(8, tw);
  vals.forEach((v, i) => valBytes(v).forEach((x, k) => { b[28 + 10 * i + k] = x; }));
  return b;
}

const FRSTOR = [0xdd, 0x26];
const FNSAVE = [0xdd, 0x76, OUT_OFF];

function mk(name: string, insn: number[], cw: number, vals: Val[], mem: number[] = [], eflags = 0x202): X87Case {
  const data = new Array<number>(DATA_LEN).fill(0);
  image(cw, vals).forEach((x, i) => { data[IN_OFF + i] = x; });
  mem.forEach((x, i) => { data[MEM_OFF + i] = x; });
  return { name, code: [...FRSTOR, ...insn, ...FNSAVE], eflags, data };
}

/** Control words: all masked with each PC and RC; a few with exceptions unmasked. */
const CWS = [0x037f, 0x027f, 0x007f, 0x077f, 0x0b7f, 0x0f7f, 0x047f, 0x087f, 0x0c7f];

function bytesOf(bits: bigint, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Number((bits >> BigInt(8 * i)) & 0xffn));
  return out;
}

/** Every case of the catalogue, deterministic. `perForm` random operand pairs per form. */
export function x87Cases(perForm: number): X87Case[] {
  const r = new Xorshift32(0x87878787);
  const cases: X87Case[] = [];
  const operand = (): Val => (r.below(4) === 0 ? r.pick(SPECIAL) : r.below(5) === 0 ? hexVal(r, 0, 0x7ffe) : hexVal(r, 0x3fb0, 0x4050));
  const pairs = (): [Val, Val][] => {
    const out: [Val, Val][] = [];
    for (const a of SPECIAL.slice(0, 12)) for (const b of [SPECIAL[2]!, SPECIAL[8]!, SPECIAL[9]!, SPECIAL[11]!]) out.push([a, b]);
    for (let k = 0; k < perForm; k++) out.push([operand(), operand()]);
    return out;
  };
  const regForms: [string, number[], number][] = [
    ["fadd st,st1", [0xd8, 0xc1], 2], ["fmul st,st1", [0xd8, 0xc9], 2], ["fsub st,st1", [0xd8, 0xe1], 2],
    ["fsubr st,st1", [0xd8, 0xe9], 2], ["fdiv st,st1", [0xd8, 0xf1], 2], ["fdivr st,st1", [0xd8, 0xf9], 2],
    ["faddp st1", [0xde, 0xc1], 2], ["fsubp st1", [0xde, 0xe9], 2], ["fdivrp st1", [0xde, 0xf1], 2],
    ["fcom st1", [0xd8, 0xd1], 2], ["fucom st1", [0xdd, 0xe1], 2], ["fcompp", [0xde, 0xd9], 2],
    ["fucompp", [0xda, 0xe9], 2], ["fcomi st1", [0xdb, 0xf1], 2], ["fucomip st1", [0xdf, 0xe9], 2],
    ["ftst", [0xd9, 0xe4], 1], ["fxam", [0xd9, 0xe5], 1], ["fchs", [0xd9, 0xe0], 1], ["fabs", [0xd9, 0xe1], 1],
    ["fsqrt", [0xd9, 0xfa], 1], ["frndint", [0xd9, 0xfc], 1], ["fscale", [0xd9, 0xfd], 2], ["fxtract", [0xd9, 0xf4], 1],
    ["fprem", [0xd9, 0xf8], 2], ["fprem1", [0xd9, 0xf5], 2], ["fxch st1", [0xd9, 0xc9], 2], ["fld st1", [0xd9, 0xc1], 2],
    ["fst st1", [0xdd, 0xd1], 2], ["fstp st1", [0xdd, 0xd9], 2], ["ffree st1", [0xdd, 0xc1], 2],
    ["fdecstp", [0xd9, 0xf6], 1], ["fincstp", [0xd9, 0xf7], 1], ["fcmovb", [0xda, 0xc1], 2], ["fcmovne", [0xdb, 0xc9], 2],
    ["f2xm1", [0xd9, 0xf0], 1], ["fyl2x", [0xd9, 0xf1], 2], ["fyl2xp1", [0xd9, 0xf9], 2], ["fptan", [0xd9, 0xf2], 1],
    ["fpatan", [0xd9, 0xf3], 2], ["fsin", [0xd9, 0xfe], 1], ["fcos", [0xd9, 0xff], 1], ["fsincos", [0xd9, 0xfb], 1],
  ];
  for (const [name, insn, n] of regForms) {
    const transc = name.startsWith("f2x") || name.startsWith("fyl") || name.startsWith("fp") && !name.startsWith("fprem") || name.startsWith("fsin") || name === "fcos";
    for (const [a, b] of pairs()) {
      let av = a, bv = b;
      if (transc && (name === "f2xm1" || name === "fyl2xp1") && r.bit()) av = hexVal(r, 0x3fe0, 0x3ffd);
      const cw = r.pick(CWS);
      cases.push(mk(name, insn, cw, n === 2 ? [av, bv] : [av], [], r.bit() ? 0x203 : 0x242));
    }
  }
  // Stack faults: instructions on an empty stack, and a push onto a full one.
  for (const [name, insn] of regForms.slice(0, 8)) cases.push(mk(`${name} (empty)`, insn, 0x037f, []));
  cases.push(mk("fld1 (full)", [0xd9, 0xe8], 0x037f, ["3fff8000000000000000", "3fff8000000000000000", "3fff8000000000000000", "3fff8000000000000000", "3fff8000000000000000", "3fff8000000000000000", "3fff8000000000000000", "3fff8000000000000000"]));
  // Constants under every rounding mode.
  for (let k = 0; k < 7; k++) for (const cw of [0x037f, 0x077f, 0x0b7f, 0x0f7f]) cases.push(mk(`fldconst ${k}`, [0xd9, 0xe8 + k], cw, []));
  // Memory forms ([edi]).
  const memVals = (bitsOf: (x: number) => bigint, n: number, name: string, insn: number[], withSt: boolean): void => {
    for (let k = 0; k < perForm + 12; k++) {
      const cw = r.pick(CWS);
      const st = withSt ? [operand()] : [];
      cases.push(mk(name, insn, cw, st, bytesOf(bitsOf(k), n)));
    }
  };
  const f32 = (k: number): bigint => BigInt([0, 0x80000000, 0x3f800000, 0x7f800000, 0x7fc00000, 0x7fa00000, 1, 0x807fffff, 0x7f7fffff, 0x00800000, 0x3eaaaaab, 0xc0490fdb][k] ?? r.u32());
  const f64 = (k: number): bigint => [0n, 1n << 63n, 0x3ff0000000000000n, 0x7ff0000000000000n, 0x7ff8000000000000n, 0x7ff4000000000000n, 1n, 0x800fffffffffffffn, 0x7fefffffffffffffn, 0x0010000000000000n, 0x3fd5555555555555n, 0x400921fb54442d18n][k] ?? ((BigInt(r.u32()) << 32n) | BigInt(r.u32()));
  const i32 = (k: number): bigint => BigInt([0, 1, 0xffffffff, 0x80000000, 0x7fffffff, 16777217, 3, 0xfffffffd, 100, 0x01000001, 10, 7][k] ?? r.u32());
  const i16 = (k: number): bigint => BigInt([0, 1, 0xffff, 0x8000, 0x7fff, 3, 10, 100, 1000, 0xfff0, 7, 2][k] ?? (r.u32() & 0xffff));
  const f80 = (k: number): bigint => { const v = k < SPECIAL.length ? SPECIAL[k]! : operand(); return BigInt("0x" + v.slice(4)) | (BigInt("0x" + v.slice(0, 4)) << 64n); };
  const bcd = (k: number): bigint => { let v = 0n; const d = k === 0 ? 0 : (r.u32() % 1000000000) * 1000000000 + (r.u32() % 1000000000); let n = BigInt(d); for (let i = 0; i < 18; i++) { v |= (n % 10n) << BigInt(4 * i); n /= 10n; } return v | (r.bit() ? 0x80n << 72n : 0n); };
  memVals(f32, 4, "fld m32", [0xd9, 0x07], false);
  memVals(f64, 8, "fld m64", [0xdd, 0x07], false);
  memVals(f80, 10, "fld m80", [0xdb, 0x2f], false);
  memVals(i16, 2, "fild m16", [0xdf, 0x07], false);
  memVals(i32, 4, "fild m32", [0xdb, 0x07], false);
  memVals(f64, 8, "fild m64", [0xdf, 0x2f], false);
  memVals(bcd, 10, "fbld", [0xdf, 0x27], false);
  memVals(f32, 4, "fadd m32", [0xd8, 0x07], true);
  memVals(f64, 8, "fmul m64", [0xdc, 0x0f], true);
  memVals(f64, 8, "fdivr m64", [0xdc, 0x3f], true);
  memVals(f64, 8, "fsub m64", [0xdc, 0x27], true);
  memVals(i32, 4, "fiadd m32", [0xda, 0x07], true);
  memVals(i16, 2, "fidiv m16", [0xde, 0x37], true);
  memVals(f32, 4, "fcom m32", [0xd8, 0x17], true);
  memVals(f64, 8, "fcomp m64", [0xdc, 0x1f], true);
  memVals(i32, 4, "ficom m32", [0xda, 0x17], true);
  memVals(() => 0n, 4, "fst m32", [0xd9, 0x17], true);
  memVals(() => 0n, 8, "fst m64", [0xdd, 0x17], true);
  memVals(() => 0n, 10, "fstp m80", [0xdb, 0x3f], true);
  memVals(() => 0n, 2, "fist m16", [0xdf, 0x17], true);
  memVals(() => 0n, 4, "fistp m32", [0xdb, 0x1f], true);
  memVals(() => 0n, 8, "fistp m64", [0xdf, 0x3f], true);
  memVals(() => 0n, 8, "fisttp m64", [0xdd, 0x0f], true);
  memVals(() => 0n, 4, "fisttp m32", [0xdb, 0x0f], true);
  memVals(() => 0n, 10, "fbstp", [0xdf, 0x37], true);
  memVals(() => BigInt(r.u32() & 0x1f7f), 2, "fldcw", [0xd9, 0x2f], true);
  memVals(() => 0n, 2, "fnstcw", [0xd9, 0x3f], true);
  memVals(() => 0n, 2, "fnstsw m16", [0xdd, 0x3f], true);
  return cases;
}
