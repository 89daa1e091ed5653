// Vector catalogue, group "alu": the eight two-operand ALU operations (add or adc sbb and sub xor cmp),
// TEST, and the one-operand INC DEC NEG NOT, in register, immediate and memory forms at 8/16/32 bits.
import { edges, imm, modrm, put, r16, r32, r8, randomFlags, randomOf, type CaseSpec, type FormSpec, type Loc, type Size } from "../gen";
import type { Xorshift32 } from "../prng";
import type { VecReg } from "../schema";
import { groupOps, undefinedFlags } from "../table";

/** The eight ALU operations as the opcode table names them: [mnemonic, ALU index = 80 /reg]. */
const OPS = groupOps("one", 0x80);

const LOGIC_NOTE = "SDM AND/OR/XOR/TEST: AF undefined";

/** Undefined flags of an ALU mnemonic, from its opcode-table row (TEST: 84). */
function undefOf(op: string): [number, string] {
  const row = OPS.find(([name]) => name === op);
  const undef = undefinedFlags("one", row === undefined ? 0x84 : 0x80, row === undefined ? null : row[1]);
  return undef !== 0 ? [undef, LOGIC_NOTE] : [0, "none"];
}

/** Operand pairs: every edge pair (crossed with CF 0 and 1 when the op reads CF), then random pairs. */
function pairs(rng: Xorshift32, size: Size, random: number, useEdges: boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (useEdges) for (const a of edges(size)) for (const b of edges(size)) out.push([a, b]);
  for (let i = 0; i < random; i++) out.push([randomOf(rng, size), randomOf(rng, size)]);
  return out;
}

function regs(list: readonly Loc[]): VecReg[] {
  return [...new Set(list.map((l) => l.reg))];
}

/** Two register operands: `dst op= src` with ModRM rm = dst (opcode `base`) or reg = dst (`base` + 2 style). */
function regReg(
  rng: Xorshift32, mnemonic: string, code: number[], dst: Loc, src: Loc, writes: boolean, readsCf: boolean, random: number, useEdges: boolean,
): FormSpec {
  const [undef, note] = undefOf(mnemonic);
  const cases: CaseSpec[] = [];
  for (const [a, b] of pairs(rng, dst.size, random, useEdges)) {
    for (const cf of readsCf ? [false, true] : [undefined]) {
      const r: Partial<Record<VecReg, number>> = {};
      put(rng, r, dst, a);
      put(rng, r, src, b);
      cases.push({ regs: r, eflags: randomFlags(rng, cf) });
    }
  }
  return {
    group: "alu", mnemonic, form: `${mnemonic} ${dst.name}, ${src.name}`, code, in: regs([dst, src]), out: writes ? [dst.reg] : [],
    undefinedFlags: undef, undefinedNote: note, cases,
  };
}

/** Register-immediate form; the immediate varies per case (`enc` builds the bytes). */
function regImm(
  rng: Xorshift32, mnemonic: string, form: string, dst: Loc, immSize: Size, enc: (v: number) => number[], writes: boolean, count: number,
): FormSpec {
  const [undef, note] = undefOf(mnemonic);
  const cases: CaseSpec[] = [];
  const e = edges(immSize);
  for (let i = 0; i < count; i++) {
    const v = i < e.length ? (e[i] ?? 0) : randomOf(rng, immSize);
    const r: Partial<Record<VecReg, number>> = {};
    put(rng, r, dst, randomOf(rng, dst.size));
    cases.push({ code: enc(v), regs: r, eflags: randomFlags(rng, rng.bit()) });
  }
  return { group: "alu", mnemonic, form, code: enc(0), in: [dst.reg], out: writes ? [dst.reg] : [], undefinedFlags: undef, undefinedNote: note, cases };
}

/** Memory operand at [esi] (a 32-bit dword in an 8-byte buffer), with a register. */
function memForm(rng: Xorshift32, mnemonic: string, form: string, code: number[], reg: VecReg, writesReg: boolean, count: number): FormSpec {
  const [undef, note] = undefOf(mnemonic);
  const cases: CaseSpec[] = [];
  for (let i = 0; i < count; i++) {
    const off = rng.below(5);
    const data = [...Array(8).keys()].map(() => rng.below(256));
    const r: Partial<Record<VecReg, number>> = { esi: off };
    put(rng, r, r32(reg), i < 19 ? (edges(32)[i] ?? 0) : randomOf(rng, 32));
    cases.push({ regs: r, eflags: randomFlags(rng, rng.bit()), data });
  }
  return {
    group: "alu", mnemonic, form, code, in: [reg, "esi"], out: writesReg ? [reg] : [], ptr: ["esi"], undefinedFlags: undef, undefinedNote: note, cases,
  };
}

function binaryOp(rng: Xorshift32, name: string, op: number): FormSpec[] {
  const w = name !== "cmp";
  const cf = name === "adc" || name === "sbb";
  const ax = r32("eax");
  return [
    regReg(rng, name, [op * 8 + 1, modrm(3, 0)], ax, r32("ebx"), w, cf, 96, true),
    regReg(rng, name, [0x66, op * 8 + 1, modrm(6, 2)], r16("edx"), r16("esi"), w, cf, 64, true),
    regReg(rng, name, [op * 8, modrm(7, 0)], r8("al"), r8("bh"), w, cf, 64, true),
    regReg(rng, name, [op * 8, modrm(2, 5)], r8("ch"), r8("dl"), w, cf, 48, false),
    regReg(rng, name, [op * 8 + 3, modrm(1, 7)], r32("ecx"), r32("edi"), w, cf, 64, false),
    regImm(rng, name, `${name} esi, imm8 (83 /${op}, sign-extended)`, r32("esi"), 8, (v) => [0x83, modrm(op, 6), v], w, 40),
    regImm(rng, name, `${name} ebp, imm32 (81 /${op})`, r32("ebp"), 32, (v) => [0x81, modrm(op, 5), ...imm(v, 4)], w, 32),
    regImm(rng, name, `${name} eax, imm32 (short form)`, ax, 32, (v) => [op * 8 + 5, ...imm(v, 4)], w, 24),
    regImm(rng, name, `${name} ax, imm16 (short form)`, r16("eax"), 16, (v) => [0x66, op * 8 + 5, ...imm(v, 2)], w, 24),
    regImm(rng, name, `${name} al, imm8 (short form)`, r8("al"), 8, (v) => [op * 8 + 4, v], w, 24),
    regImm(rng, name, `${name} dh, imm8 (80 /${op})`, r8("dh"), 8, (v) => [0x80, modrm(op, 6), v], w, 24),
    memForm(rng, name, `${name} dword [esi], ebx`, [op * 8 + 1, 0x1e], "ebx", false, 40),
    memForm(rng, name, `${name} eax, dword [esi]`, [op * 8 + 3, 0x06], "eax", w, 40),
  ];
}

function testOp(rng: Xorshift32): FormSpec[] {
  return [
    regReg(rng, "test", [0x85, modrm(3, 0)], r32("eax"), r32("ebx"), false, false, 64, true),
    regReg(rng, "test", [0x66, 0x85, modrm(6, 2)], r16("edx"), r16("esi"), false, false, 32, true),
    regReg(rng, "test", [0x84, modrm(7, 0)], r8("al"), r8("bh"), false, false, 32, true),
    regImm(rng, "test", "test eax, imm32 (A9)", r32("eax"), 32, (v) => [0xa9, ...imm(v, 4)], false, 32),
    regImm(rng, "test", "test al, imm8 (A8)", r8("al"), 8, (v) => [0xa8, v], false, 24),
    regImm(rng, "test", "test esi, imm32 (F7 /0)", r32("esi"), 32, (v) => [0xf7, modrm(0, 6), ...imm(v, 4)], false, 32),
    regImm(rng, "test", "test ch, imm8 (F6 /0)", r8("ch"), 8, (v) => [0xf6, modrm(0, 5), v], false, 24),
    memForm(rng, "test", "test dword [esi], ebx", [0x85, 0x1e], "ebx", false, 32),
  ];
}

/** One-operand op on a register: every edge value plus random ones, random flags (CF both ways). */
function unary(rng: Xorshift32, mnemonic: string, code: number[], dst: Loc, random: number): FormSpec {
  const cases: CaseSpec[] = [];
  const values = [...edges(dst.size), ...[...Array(random).keys()].map(() => randomOf(rng, dst.size))];
  for (const v of values) {
    for (const cf of [false, true]) {
      const r: Partial<Record<VecReg, number>> = {};
      put(rng, r, dst, v);
      cases.push({ regs: r, eflags: randomFlags(rng, cf) });
    }
  }
  return { group: "alu", mnemonic, form: `${mnemonic} ${dst.name}`, code, in: [dst.reg], out: [dst.reg], undefinedFlags: 0, undefinedNote: "none", cases };
}

function unaryOp(rng: Xorshift32, name: string, op32: number, op8: number, ext: number): FormSpec[] {
  const memCases: CaseSpec[] = [...Array(24).keys()].map(() => ({
    regs: { esi: rng.below(5) }, eflags: randomFlags(rng, rng.bit()), data: [...Array(8).keys()].map(() => rng.below(256)),
  }));
  return [
    unary(rng, name, [op32, modrm(ext, 0)], r32("eax"), 24),
    unary(rng, name, [op32, modrm(ext, 7)], r32("edi"), 8),
    unary(rng, name, [0x66, op32, modrm(ext, 6)], r16("esi"), 16),
    unary(rng, name, [op8, modrm(ext, 0)], r8("al"), 8),
    unary(rng, name, [op8, modrm(ext, 7)], r8("bh"), 8),
    {
      group: "alu", mnemonic: name, form: `${name} dword [esi]`, code: [op32, (ext << 3) | 6], in: ["esi"], out: [], ptr: ["esi"],
      undefinedFlags: 0, undefinedNote: "none", cases: memCases,
    },
  ];
}

/** All forms of the group. */
export function aluForms(rng: Xorshift32): FormSpec[] {
  return [
    ...OPS.flatMap(([name, op]) => binaryOp(rng, name, op)),
    ...testOp(rng),
    ...unaryOp(rng, "inc", 0xff, 0xfe, 0),
    ...unaryOp(rng, "dec", 0xff, 0xfe, 1),
    ...unaryOp(rng, "not", 0xf7, 0xf6, 2),
    ...unaryOp(rng, "neg", 0xf7, 0xf6, 3),
    // Appended (after every older form, so their seeded operands stay as recorded): the r8, r/m8 encodings.
    ...OPS.map(([name, op]) => regReg(rng, name, [op * 8 + 2, modrm(1, 6)], r8("cl"), r8("dh"), name !== "cmp", name === "adc" || name === "sbb", 32, false)),
  ];
}

