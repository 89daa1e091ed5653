// Vector catalogue, group "muldiv": MUL and IMUL (one-, two- and three-operand forms) and DIV/IDIV at
// 8/16/32 bits, including divide-by-zero and quotient-overflow cases that raise #DE.
import { STATUS } from "../flags";
import { edges, imm, maskOf, modrm, osize, put, r16, r32, r8, randomFlags, randomOf, type CaseSpec, type FormSpec, type Loc, type Size } from "../gen";
import type { Xorshift32 } from "../prng";
import { groupOps, undefinedFlags } from "../table";
import type { VecReg } from "../schema";

/** F7 /4../7 as the opcode table names them: MUL IMUL, then DIV IDIV. */
const MUL = groupOps("one", 0xf7).filter(([, reg]) => reg === 4 || reg === 5);
const DIV = groupOps("one", 0xf7).filter(([, reg]) => reg === 6 || reg === 7);
const MUL_UNDEF = undefinedFlags("one", 0xf7, 4);
const MUL_NOTE = "SDM MUL/IMUL: SF ZF AF PF undefined";
const DIV_NOTE = "SDM DIV/IDIV: CF OF SF ZF AF PF undefined";

function accOf(size: Size): Loc {
  return size === 32 ? r32("eax") : size === 16 ? r16("eax") : r8("al");
}

function operandPairs(rng: Xorshift32, size: Size, random: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const a of edges(size)) for (const b of edges(size)) out.push([a, b]);
  for (let i = 0; i < random; i++) out.push([randomOf(rng, size), randomOf(rng, size)]);
  return out;
}

/** MUL/IMUL r/m (one operand): accumulator times ebx/bx/bh into EDX:EAX, DX:AX or AX. */
function mulOne(rng: Xorshift32, name: string, ext: number, size: Size): FormSpec {
  const src = size === 32 ? r32("ebx") : size === 16 ? r16("ebx") : r8("bh");
  const cases: CaseSpec[] = operandPairs(rng, size, 48).map(([a, b]) => {
    const r: Partial<Record<VecReg, number>> = {};
    put(rng, r, accOf(size), a);
    put(rng, r, src, b);
    return { regs: r, eflags: randomFlags(rng, rng.bit()) };
  });
  return {
    group: "muldiv", mnemonic: name, form: `${name} ${src.name}`, code: [...osize(size), size === 8 ? 0xf6 : 0xf7, modrm(ext, src.code)],
    in: ["eax", "ebx"], out: size === 8 ? ["eax"] : ["eax", "edx"], undefinedFlags: MUL_UNDEF, undefinedNote: MUL_NOTE, cases,
  };
}

/** IMUL r, r/m (0F AF): ecx *= esi. */
function imulTwo(rng: Xorshift32, size: 16 | 32): FormSpec {
  const dst = size === 32 ? r32("ecx") : r16("ecx");
  const src = size === 32 ? r32("esi") : r16("esi");
  const cases: CaseSpec[] = operandPairs(rng, size, 48).map(([a, b]) => {
    const r: Partial<Record<VecReg, number>> = {};
    put(rng, r, dst, a);
    put(rng, r, src, b);
    return { regs: r, eflags: randomFlags(rng, rng.bit()) };
  });
  return {
    group: "muldiv", mnemonic: "imul", form: `imul ${dst.name}, ${src.name}`, code: [...osize(size), 0x0f, 0xaf, modrm(dst.code, src.code)],
    in: ["ecx", "esi"], out: ["ecx"], undefinedFlags: MUL_UNDEF, undefinedNote: MUL_NOTE, cases,
  };
}

/** IMUL r, r/m, imm (69 full immediate, 6B sign-extended imm8): edx = ebx * imm. */
function imulThree(rng: Xorshift32, size: 16 | 32, short: boolean): FormSpec {
  const dst = size === 32 ? r32("edx") : r16("edx");
  const src = size === 32 ? r32("ebx") : r16("ebx");
  const immSize: Size = short ? 8 : size;
  const enc = (v: number): number[] => [...osize(size), short ? 0x6b : 0x69, modrm(dst.code, src.code), ...imm(v, short ? 1 : size === 16 ? 2 : 4)];
  const cases: CaseSpec[] = [];
  for (let i = 0; i < 64; i++) {
    const e = edges(immSize);
    const v = i < e.length ? (e[i] ?? 0) : randomOf(rng, immSize);
    const r: Partial<Record<VecReg, number>> = {};
    put(rng, r, src, rng.pick(edges(size)) ^ (i & 1 ? randomOf(rng, size) : 0));
    cases.push({ code: enc(v), regs: r, eflags: randomFlags(rng, rng.bit()) });
  }
  return {
    group: "muldiv", mnemonic: "imul", form: `imul ${dst.name}, ${src.name}, imm${immSize}`, code: enc(0), in: ["ebx"], out: ["edx"],
    undefinedFlags: MUL_UNDEF, undefinedNote: MUL_NOTE, cases,
  };
}

function signedOf(v: bigint, bits: number): bigint {
  return BigInt.asIntN(bits, v);
}

/** Dividends for one divisor: exact quotient/remainder picks (mostly valid), raw random (mostly #DE), small. */
function dividends(rng: Xorshift32, size: Size, divisor: number, signed: boolean): bigint[] {
  const n = BigInt(size);
  const wide = 2 * size;
  const d = signed ? signedOf(BigInt(divisor), size) : BigInt(divisor);
  const out: bigint[] = [];
  for (let k = 0; k < 6; k++) {
    const q = signed ? signedOf(BigInt(randomOf(rng, size)), size) : BigInt(randomOf(rng, size));
    const ad = d < 0n ? -d : d;
    const r = ad === 0n ? 0n : BigInt(rng.u32()) % ad;
    const x = q * d + (signed && q * d < 0n ? -r : r);
    out.push(BigInt.asUintN(wide, x));
  }
  out.push(BigInt.asUintN(wide, (BigInt(rng.u32()) << 32n) | BigInt(rng.u32())));
  out.push(BigInt(rng.below(1000)));
  out.push(BigInt.asUintN(wide, -BigInt(rng.below(1000))));
  out.push(1n << (2n * n - 1n));
  out.push(BigInt.asUintN(wide, (1n << n) * BigInt(divisor) - 1n));
  return out.map((x) => BigInt.asUintN(wide, x));
}

/** DIV/IDIV by ecx/cx/ch of EDX:EAX, DX:AX or AX. */
function divForm(rng: Xorshift32, name: string, ext: number, size: Size): FormSpec {
  const src = size === 32 ? r32("ecx") : size === 16 ? r16("ecx") : r8("ch");
  const signed = name === "idiv";
  const divisors = [...edges(size), ...[...Array(8).keys()].map(() => randomOf(rng, size))];
  const cases: CaseSpec[] = [];
  for (const d of divisors) {
    for (const x of dividends(rng, size, d, signed)) {
      const r: Partial<Record<VecReg, number>> = {};
      const lo = Number(x & BigInt(maskOf(size)));
      const hi = Number(x >> BigInt(size));
      if (size === 8) put(rng, r, r16("eax"), Number(x));
      else {
        put(rng, r, accOf(size), lo);
        put(rng, r, size === 32 ? r32("edx") : r16("edx"), hi);
      }
      put(rng, r, src, d);
      cases.push({ regs: r, eflags: randomFlags(rng, rng.bit()) });
    }
  }
  return {
    group: "muldiv", mnemonic: name, form: `${name} ${src.name}`, code: [...osize(size), size === 8 ? 0xf6 : 0xf7, modrm(ext, src.code)],
    in: size === 8 ? ["eax", "ecx"] : ["eax", "edx", "ecx"], out: size === 8 ? ["eax"] : ["eax", "edx"],
    undefinedFlags: STATUS, undefinedNote: DIV_NOTE, cases,
  };
}

/** All forms of the group. */
export function muldivForms(rng: Xorshift32): FormSpec[] {
  const sizes: Size[] = [32, 16, 8];
  return [
    ...MUL.flatMap(([name, ext]) => sizes.map((s) => mulOne(rng, name, ext, s))),
    imulTwo(rng, 32), imulTwo(rng, 16),
    imulThree(rng, 32, false), imulThree(rng, 32, true), imulThree(rng, 16, false), imulThree(rng, 16, true),
    ...DIV.flatMap(([name, ext]) => sizes.map((s) => divForm(rng, name, ext, s))),
  ];
}
