// Vector catalogue, group "misc": condition codes (SETcc, CMOVcc, Jcc, LOOPcc, JECXZ), sign/zero
// extension (CBW CWDE CWD CDQ MOVZX MOVSX), exchanges (XCHG XADD CMPXCHG CMPXCHG8B), flag transfer
// (SAHF LAHF CLC STC CMC CLD STD) and LEA address arithmetic.
import { CF, DF, EFLAGS_FIXED, OF, PF, SF, STATUS, ZF } from "../flags";
import { edges, imm, modrm, osize, put, r16, r32, r8, randomFlags, randomOf, type CaseSpec, type FormSpec, type Loc, type Size } from "../gen";
import { OPCODE_TABLE } from "../../../kernel/cpu/decoder/opcodes-index";
import type { Xorshift32 } from "../prng";
import type { VecReg } from "../schema";

const NONE = "none";

/** EFLAGS for combination `k` (0..31) of CF PF ZF SF OF, with AF random. */
function comboFlags(rng: Xorshift32, k: number): number {
  const bits = [CF, PF, ZF, SF, OF];
  let f = EFLAGS_FIXED | (rng.u32() & 0x10);
  bits.forEach((b, i) => {
    if ((k >> i) & 1) f |= b;
  });
  return f;
}

function form(mnemonic: string, name: string, code: number[], inRegs: VecReg[], out: VecReg[], cases: CaseSpec[], hostPrefix?: number[]): FormSpec {
  return {
    group: "misc", mnemonic, form: name, code, in: inRegs, out, undefinedFlags: 0, undefinedNote: NONE, cases,
    ...(hostPrefix === undefined ? {} : { hostPrefix }),
  };
}

/** Condition-code forms: every cc crossed with flag combinations. */
function conditional(rng: Xorshift32, mnemonic: string, name: string, enc: (cc: number) => number[], inRegs: VecReg[], out: VecReg[], combos: number): FormSpec {
  const cases: CaseSpec[] = [];
  for (let cc = 0; cc < 16; cc++) {
    for (let k = 0; k < combos; k++) {
      const regs: Partial<Record<VecReg, number>> = {};
      for (const r of inRegs) regs[r] = rng.u32();
      cases.push({ code: enc(cc), regs, eflags: comboFlags(rng, combos === 32 ? k : rng.below(32)) });
    }
  }
  return form(mnemonic, name, enc(0), inRegs, out, cases);
}

/** LOOP/LOOPE/LOOPNE/JECXZ over `mov eax, 1`; the host needs 0x67 so 64-bit mode counts in ECX. */
function loopForm(rng: Xorshift32, mnemonic: string, op: number): FormSpec {
  const code = [op, 0x05, 0xb8, ...imm(1, 4)];
  const cases: CaseSpec[] = [0, 1, 2, 3, 0xffff_ffff, 0x8000_0000, 0x1_0000].flatMap((ecx) =>
    [0, 1, 2, 3].map((k) => ({ regs: { eax: rng.u32(), ecx }, eflags: randomFlags(rng, rng.bit()) & ~ZF | (k & 1 ? ZF : 0) })),
  );
  return form(mnemonic, `${mnemonic} +5 over mov eax, 1`, code, ["eax", "ecx"], ["eax", "ecx"], cases, [0x67]);
}

function unaryCases(rng: Xorshift32, loc: Loc, inRegs: VecReg[], extra: number): CaseSpec[] {
  return [...edges(loc.size), ...[...Array(extra).keys()].map(() => randomOf(rng, loc.size))].map((v) => {
    const regs: Partial<Record<VecReg, number>> = {};
    for (const r of inRegs) regs[r] = rng.u32();
    put(rng, regs, loc, v);
    return { regs, eflags: randomFlags(rng, rng.bit()) };
  });
}

function extend(rng: Xorshift32, mnemonic: string, code: number[], dst: Loc, src: Loc): FormSpec {
  const inRegs = [...new Set([dst.reg, src.reg])];
  return form(mnemonic, `${mnemonic} ${dst.name}, ${src.name}`, code, inRegs, [dst.reg], unaryCases(rng, src, inRegs, 8));
}

/** Two-register cases over edge values (every other pair) and random pairs; `same` makes b = a sometimes. */
function pairCases(rng: Xorshift32, a: Loc, b: Loc, inRegs: VecReg[], random: number, same: boolean): CaseSpec[] {
  const e = edges(a.size);
  const pairs: Array<[number, number]> = [];
  e.forEach((x, i) => e.forEach((y, j) => ((i + j) % 3 === 0 ? pairs.push([x, y]) : undefined)));
  for (let i = 0; i < random; i++) pairs.push([randomOf(rng, a.size), randomOf(rng, b.size)]);
  return pairs.map(([x, y], n) => {
    const regs: Partial<Record<VecReg, number>> = {};
    for (const r of inRegs) regs[r] = rng.u32();
    put(rng, regs, a, x);
    put(rng, regs, b, same && n % 2 === 0 ? x : y);
    return { regs, eflags: randomFlags(rng, rng.bit()) };
  });
}

function exchangeForms(rng: Xorshift32): FormSpec[] {
  const sizes: Size[] = [32, 16, 8];
  const loc = (s: Size, r32n: VecReg, r8n: string): Loc => (s === 32 ? r32(r32n) : s === 16 ? r16(r32n) : r8(r8n));
  const out: FormSpec[] = [];
  for (const s of sizes) {
    const a = loc(s, "eax", "al");
    const b = loc(s, "ebx", "bh");
    const w = s === 8 ? 0 : 1;
    out.push(form("xchg", `xchg ${a.name}, ${b.name}`, [...osize(s), 0x86 + w, modrm(b.code, a.code)], ["eax", "ebx"], ["eax", "ebx"], pairCases(rng, a, b, ["eax", "ebx"], 4, false)));
    out.push({ ...form("xadd", `xadd ${a.name}, ${b.name}`, [...osize(s), 0x0f, 0xc0 + w, modrm(b.code, a.code)], ["eax", "ebx"], ["eax", "ebx"], pairCases(rng, a, b, ["eax", "ebx"], 48, false)) });
    const d = loc(s, "edx", "dl");
    const c = loc(s, "ecx", "ch");
    out.push(form("cmpxchg", `cmpxchg ${d.name}, ${c.name} (accumulator ${a.name})`, [...osize(s), 0x0f, 0xb0 + w, modrm(c.code, d.code)], ["eax", "ecx", "edx"], ["eax", "edx"],
      pairCases(rng, a, d, ["eax", "ecx", "edx"], 48, true)));
  }
  out.push(form("xchg", "xchg eax, esi (96)", [0x96], ["eax", "esi"], ["eax", "esi"], pairCases(rng, r32("eax"), r32("esi"), ["eax", "esi"], 4, false)));
  const memCases = (n: number, regsIn: VecReg[]): CaseSpec[] =>
    [...Array(n).keys()].map((k) => {
      const data = [...Array(16).keys()].map(() => rng.below(256));
      const esi = rng.below(9);
      const regs: Partial<Record<VecReg, number>> = { esi };
      for (const r of regsIn) if (r !== "esi") regs[r] = rng.u32();
      if (k % 2 === 0 && regs.eax !== undefined) {
        regs.eax = ((data[esi] ?? 0) | ((data[esi + 1] ?? 0) << 8) | ((data[esi + 2] ?? 0) << 16) | ((data[esi + 3] ?? 0) << 24)) >>> 0;
        if (regs.edx !== undefined && k % 4 === 0) regs.edx = ((data[esi + 4] ?? 0) | ((data[esi + 5] ?? 0) << 8) | ((data[esi + 6] ?? 0) << 16) | ((data[esi + 7] ?? 0) << 24)) >>> 0;
      }
      return { regs, eflags: randomFlags(rng, rng.bit()), data };
    });
  const mem = (mnemonic: string, name: string, code: number[], inRegs: VecReg[], outRegs: VecReg[], n: number): FormSpec => ({
    ...form(mnemonic, name, code, inRegs, outRegs, memCases(n, inRegs)), ptr: ["esi"],
  });
  out.push(mem("xadd", "xadd dword [esi], ebx", [0x0f, 0xc1, 0x1e], ["ebx", "esi"], ["ebx"], 24));
  out.push(mem("cmpxchg", "cmpxchg dword [esi], ecx", [0x0f, 0xb1, 0x0e], ["eax", "ecx", "esi"], ["eax"], 32));
  out.push(mem("cmpxchg8b", "cmpxchg8b qword [esi]", [0x0f, 0xc7, 0x0e], ["eax", "ecx", "edx", "ebx", "esi"], ["eax", "edx"], 48));
  return out;
}

function flagForms(rng: Xorshift32): FormSpec[] {
  const sahf: CaseSpec[] = [...Array(256).keys()].map((ah) => ({ regs: { eax: ((rng.u32() & 0xffff_00ff) | (ah << 8)) >>> 0 }, eflags: randomFlags(rng, rng.bit()) }));
  const lahf: CaseSpec[] = [...Array(64).keys()].map((k) => ({ regs: { eax: rng.u32() }, eflags: comboFlags(rng, k & 31) | (k & 32 ? 0x10 : 0) }));
  const simple = (mnemonic: string, op: number): FormSpec =>
    form(mnemonic, mnemonic, [op], [], [], [...Array(16).keys()].map((k) => ({ regs: {}, eflags: (randomFlags(rng, (k & 1) === 1) & (STATUS | EFLAGS_FIXED)) | (k & 2 ? DF : 0) })));
  return [
    form("sahf", "sahf", [0x9e], ["eax"], [], sahf),
    form("lahf", "lahf", [0x9f], ["eax"], ["eax"], lahf),
    simple("clc", 0xf8), simple("stc", 0xf9), simple("cmc", 0xf5), simple("cld", 0xfc), simple("std", 0xfd),
  ];
}

function leaForm(rng: Xorshift32, name: string, code: number[], inRegs: VecReg[], dst: VecReg): FormSpec {
  const cases: CaseSpec[] = [...Array(24).keys()].map((k) => {
    const regs: Partial<Record<VecReg, number>> = {};
    for (const r of inRegs) regs[r] = k < 4 ? [0, 0xffff_ffff, 0x8000_0000, 0x7fff_ffff][k] ?? 0 : rng.u32();
    return { regs, eflags: randomFlags(rng, rng.bit()) };
  });
  return form("lea", name, code, inRegs, [dst], cases);
}

/** XLATB: AL = [EBX + AL]; the host needs 0x67 so 64-bit mode adds EBX, not RBX. */
function xlat(rng: Xorshift32): FormSpec {
  const cases: CaseSpec[] = [0, 1, 0x7f, 0x80, 0xff, ...[...Array(11).keys()].map(() => rng.below(256))].map((al) => ({
    regs: { eax: ((rng.u32() & 0xffff_ff00) | al) >>> 0, ebx: rng.below(16) },
    eflags: randomFlags(rng, rng.bit()),
    data: [...Array(272).keys()].map(() => rng.below(256)),
  }));
  return { ...form("xlat", "xlatb", [0xd7], ["eax", "ebx"], ["eax"], cases, [0x67]), ptr: ["ebx"] };
}

/** All forms of the group. */
export function miscForms(rng: Xorshift32): FormSpec[] {
  return [
    conditional(rng, "setcc", "setcc al (all 16 cc x 32 flag combinations)", (cc) => [0x0f, 0x90 + cc, modrm(0, 0)], ["eax"], ["eax"], 32),
    conditional(rng, "setcc", "setcc bh", (cc) => [0x0f, 0x90 + cc, modrm(0, 7)], ["ebx"], ["ebx"], 8),
    conditional(rng, "cmovcc", "cmovcc eax, ebx (all 16 cc x 32 flag combinations)", (cc) => [0x0f, 0x40 + cc, modrm(0, 3)], ["eax", "ebx"], ["eax"], 32),
    conditional(rng, "cmovcc", "cmovcc dx, si", (cc) => [0x66, 0x0f, 0x40 + cc, modrm(2, 6)], ["edx", "esi"], ["edx"], 8),
    conditional(rng, "jcc", "jcc rel8 over mov eax, 1", (cc) => [0x70 + cc, 0x05, 0xb8, ...imm(1, 4)], ["eax"], ["eax"], 32),
    conditional(rng, "jcc", "jcc rel32 over mov eax, 1", (cc) => [0x0f, 0x80 + cc, ...imm(5, 4), 0xb8, ...imm(1, 4)], ["eax"], ["eax"], 8),
    loopForm(rng, "loop", 0xe2), loopForm(rng, "loope", 0xe1), loopForm(rng, "loopne", 0xe0), loopForm(rng, "jecxz", 0xe3),
    form("cbw", "cbw", [0x66, 0x98], ["eax", "edx"], ["eax"], unaryCases(rng, r8("al"), ["eax", "edx"], 8)),
    form("cwde", "cwde", [0x98], ["eax", "edx"], ["eax"], unaryCases(rng, r16("eax"), ["eax", "edx"], 8)),
    form("cwd", "cwd", [0x66, 0x99], ["eax", "edx"], ["edx"], unaryCases(rng, r16("eax"), ["eax", "edx"], 8)),
    form("cdq", "cdq", [0x99], ["eax", "edx"], ["edx"], unaryCases(rng, r32("eax"), ["eax", "edx"], 8)),
    extend(rng, "movzx", [0x0f, 0xb6, modrm(0, 7)], r32("eax"), r8("bh")),
    extend(rng, "movzx", [0x0f, 0xb7, modrm(1, 6)], r32("ecx"), r16("esi")),
    extend(rng, "movzx", [0x66, 0x0f, 0xb6, modrm(0, 3)], r16("eax"), r8("bl")),
    extend(rng, "movsx", [0x0f, 0xbe, modrm(0, 7)], r32("eax"), r8("bh")),
    extend(rng, "movsx", [0x0f, 0xbf, modrm(1, 6)], r32("ecx"), r16("esi")),
    extend(rng, "movsx", [0x66, 0x0f, 0xbe, modrm(0, 3)], r16("eax"), r8("bl")),
    ...exchangeForms(rng),
    ...flagForms(rng),
    xlat(rng),
    leaForm(rng, "lea eax, [ebx+ecx*4+0x12345678]", [0x8d, 0x84, 0x8b, ...imm(0x1234_5678, 4)], ["ebx", "ecx"], "eax"),
    leaForm(rng, "lea edx, [esi+edi*8-1]", [0x8d, 0x54, 0xfe, 0xff], ["esi", "edi"], "edx"),
    leaForm(rng, "lea ecx, [ecx+ecx*2]", [0x8d, 0x0c, 0x49], ["ecx"], "ecx"),
    leaForm(rng, "lea edi, [ebp+0x10]", [0x8d, 0x7d, 0x10], ["ebp"], "edi"),
    leaForm(rng, "lea esi, [eax*2+0x1000]", [0x8d, 0x34, 0x45, ...imm(0x1000, 4)], ["eax"], "esi"),
    leaForm(rng, "lea ax, [ebx+esi]", [0x66, 0x8d, 0x04, 0x33], ["ebx", "esi"], "eax"),
    // Appended (older forms keep their seeded operands): XCHG eAX with every register the table's rows
    // allow to record (ESP, the host stack, is not) besides ESI above.
    ...OPCODE_TABLE.filter((e) => e.vectors === "misc" && e.noVectors === null && e.operands.join(",") === "Zv,eAX" && e.op !== 0x96).map((e) => {
      const r = r32(VEC_BY_CODE[e.op & 7]!);
      return form("xchg", `xchg eax, ${r.name} (${e.op.toString(16)})`, [e.op], ["eax", r.reg], ["eax", r.reg], pairCases(rng, r32("eax"), r, ["eax", r.reg], 4, false));
    }),
  ];
}

/** Vector registers by their encoding (ESP, 4, is never one). */
const VEC_BY_CODE: Readonly<Record<number, VecReg>> = { 0: "eax", 1: "ecx", 2: "edx", 3: "ebx", 5: "ebp", 6: "esi", 7: "edi" };
