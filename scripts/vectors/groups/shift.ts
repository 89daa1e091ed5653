// Vector catalogue, group "shift": ROL ROR RCL RCR SHL SHR SAR by CL, by 1 and by imm8 at 8/16/32 bits,
// and SHLD/SHRD by CL and imm8 at 16/32 bits. The undefined-flags mask depends on the count.
import { AF, CF, OF } from "../flags";
import { edges, modrm, osize, put, r16, r32, r8, randomFlags, randomOf, type CaseSpec, type FormSpec, type Loc, type Size } from "../gen";
import type { Xorshift32 } from "../prng";
import type { VecReg } from "../schema";
import { groupOps } from "../table";

/** Group 2 as the opcode table names it, [mnemonic, ModRM.reg], without the unrecorded /6 alias. */
const OPS = groupOps("one", 0xd3);

/** CL values: the count is masked to 5 bits, so 32/33/63/64/255 alias smaller ones. */
const COUNTS = [0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 63, 64, 255];

const ROTATE_NOTE = "SDM ROL/ROR/RCL/RCR: OF undefined unless the masked count is 1; no flag changes for count 0";
const SHIFT_NOTE =
  "SDM SAL/SAR/SHL/SHR: AF undefined for a non-zero count, OF undefined unless count is 1, CF undefined for SHL/SHR when count >= operand size; no flag changes for count 0";
const DOUBLE_NOTE = "SDM SHLD/SHRD: AF undefined for a non-zero count, OF undefined unless count is 1; counts >= 16 at 16 bits are not recorded (result undefined)";

function undefShift(op: string, size: Size, count: number): number {
  const c = count & 31;
  if (c === 0) return 0;
  const of = c === 1 ? 0 : OF;
  switch (op) {
    case "rol":
    case "ror":
    case "rcl":
    case "rcr":
      return of;
    case "shl":
    case "shr":
      return AF | of | (c >= size ? CF : 0);
    case "sar":
      return AF | of;
    default:
      throw new RangeError(`not a shift: ${op}`);
  }
}

function dstOf(size: Size): Loc {
  return size === 32 ? r32("eax") : size === 16 ? r16("eax") : r8("al");
}

function opcode(size: Size, base: number): number[] {
  return [...osize(size), size === 8 ? base : base + 1];
}

function byCl(rng: Xorshift32, name: string, op: number, size: Size): FormSpec {
  const dst = dstOf(size);
  const cases: CaseSpec[] = [];
  const values = [...edges(size), ...[...Array(6).keys()].map(() => randomOf(rng, size))];
  for (const v of values) {
    for (const count of COUNTS) {
      for (const cf of name === "rcl" || name === "rcr" ? [false, true] : [rng.bit()]) {
        const r: Partial<Record<VecReg, number>> = {};
        put(rng, r, dst, v);
        put(rng, r, r8("cl"), count);
        cases.push({ regs: r, eflags: randomFlags(rng, cf), undef: undefShift(name, size, count) });
      }
    }
  }
  return {
    group: "shift", mnemonic: name, form: `${name} ${dst.name}, cl`, code: [...opcode(size, 0xd2), modrm(op, 0)], in: ["eax", "ecx"], out: ["eax"],
    undefinedFlags: undefShift(name, size, 2), undefinedNote: name.startsWith("r") ? ROTATE_NOTE : SHIFT_NOTE, cases,
  };
}

function byOne(rng: Xorshift32, name: string, op: number, size: Size): FormSpec {
  const dst = size === 32 ? r32("edx") : size === 16 ? r16("edx") : r8("dh");
  const cases: CaseSpec[] = [];
  const values = [...edges(size), ...[...Array(12).keys()].map(() => randomOf(rng, size))];
  for (const v of values) {
    for (const cf of [false, true]) {
      const r: Partial<Record<VecReg, number>> = {};
      put(rng, r, dst, v);
      cases.push({ regs: r, eflags: randomFlags(rng, cf) });
    }
  }
  return {
    group: "shift", mnemonic: name, form: `${name} ${dst.name}, 1`, code: [...opcode(size, 0xd0), modrm(op, dst.code)], in: ["edx"], out: ["edx"],
    undefinedFlags: undefShift(name, size, 1), undefinedNote: name.startsWith("r") ? ROTATE_NOTE : SHIFT_NOTE, cases,
  };
}

function byImm(rng: Xorshift32, name: string, op: number, size: Size): FormSpec {
  const dst = size === 32 ? r32("edi") : size === 16 ? r16("edi") : r8("bl");
  const base = [...opcode(size, 0xc0), modrm(op, dst.code)];
  const cases: CaseSpec[] = [];
  for (const count of COUNTS) {
    for (let k = 0; k < 2; k++) {
      const r: Partial<Record<VecReg, number>> = {};
      put(rng, r, dst, randomOf(rng, size));
      cases.push({ code: [...base, count], regs: r, eflags: randomFlags(rng, rng.bit()), undef: undefShift(name, size, count) });
    }
  }
  return {
    group: "shift", mnemonic: name, form: `${name} ${dst.name}, imm8`, code: [...base, 2], in: [dst.reg], out: [dst.reg],
    undefinedFlags: undefShift(name, size, 2), undefinedNote: name.startsWith("r") ? ROTATE_NOTE : SHIFT_NOTE, cases,
  };
}

function undefDouble(count: number): number {
  const c = count & 31;
  return c === 0 ? 0 : c === 1 ? AF : AF | OF;
}

/** SHLD/SHRD dst, src, CL|imm8 (dst = eax/ax in ModRM rm, src = ebx/bx in reg). */
function doubleShift(rng: Xorshift32, name: string, opCl: number, size: 16 | 32, useImm: boolean): FormSpec {
  const counts = size === 32 ? COUNTS : COUNTS.filter((c) => (c & 31) < 16);
  const dst = size === 32 ? r32("eax") : r16("eax");
  const src = size === 32 ? r32("ebx") : r16("ebx");
  const op = useImm ? opCl - 1 : opCl;
  const base = [...osize(size), 0x0f, op, modrm(src.code, dst.code)];
  const cases: CaseSpec[] = [];
  for (let k = 0; k < (useImm ? 3 : 20); k++) {
    for (const count of counts) {
      const r: Partial<Record<VecReg, number>> = {};
      put(rng, r, dst, k < 2 ? (k === 0 ? 0x8000_0001 : 0x7fff_fffe) : randomOf(rng, size));
      put(rng, r, src, randomOf(rng, size));
      if (!useImm) put(rng, r, r8("cl"), count);
      const c: CaseSpec = { regs: r, eflags: randomFlags(rng, rng.bit()), undef: undefDouble(count) };
      cases.push(useImm ? { ...c, code: [...base, count] } : c);
    }
  }
  return {
    group: "shift", mnemonic: name, form: `${name} ${dst.name}, ${src.name}, ${useImm ? "imm8" : "cl"}`, code: useImm ? [...base, 2] : base,
    in: useImm ? ["eax", "ebx"] : ["eax", "ecx", "ebx"], out: ["eax"], undefinedFlags: undefDouble(2), undefinedNote: DOUBLE_NOTE, cases,
  };
}

/** Memory destination `dword [esi]`, count in CL. */
function memByCl(rng: Xorshift32, name: string, op: number): FormSpec {
  const cases: CaseSpec[] = COUNTS.flatMap((count) =>
    [0, 1].map(() => {
      const r: Partial<Record<VecReg, number>> = { esi: rng.below(5) };
      put(rng, r, r8("cl"), count);
      return { regs: r, eflags: randomFlags(rng, rng.bit()), data: [...Array(8).keys()].map(() => rng.below(256)), undef: undefShift(name, 32, count) };
    }),
  );
  return {
    group: "shift", mnemonic: name, form: `${name} dword [esi], cl`, code: [0xd3, (op << 3) | 6], in: ["ecx", "esi"], out: [], ptr: ["esi"],
    undefinedFlags: undefShift(name, 32, 2), undefinedNote: name.startsWith("r") ? ROTATE_NOTE : SHIFT_NOTE, cases,
  };
}

/** All forms of the group. */
export function shiftForms(rng: Xorshift32): FormSpec[] {
  const sizes: Size[] = [32, 16, 8];
  return [
    ...OPS.flatMap(([name, op]) => [
      ...sizes.flatMap((s) => [byCl(rng, name, op, s), byOne(rng, name, op, s), byImm(rng, name, op, s)]),
      memByCl(rng, name, op),
    ]),
    ...([32, 16] as const).flatMap((s) => [
      doubleShift(rng, "shld", 0xa5, s, false), doubleShift(rng, "shld", 0xa5, s, true),
      doubleShift(rng, "shrd", 0xad, s, false), doubleShift(rng, "shrd", 0xad, s, true),
    ]),
  ];
}
