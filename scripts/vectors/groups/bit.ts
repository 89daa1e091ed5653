// Vector catalogue, group "bit": BT BTS BTR BTC (register, immediate and memory bit-string forms), BSF,
// BSR and BSWAP.
import { edges, modrm, osize, put, r16, r32, randomFlags, randomOf, type CaseSpec, type FormSpec, type Size } from "../gen";
import { OPCODE_TABLE } from "../../../kernel/cpu/decoder/opcodes-index";
import type { Xorshift32 } from "../prng";
import { groupOps, undefinedFlags } from "../table";
import type { VecReg } from "../schema";

const BT_UNDEF = undefinedFlags("0f", 0xa3);
const BT_NOTE = "SDM BT/BTS/BTR/BTC: OF SF AF PF undefined, ZF unaffected";
const BS_UNDEF = undefinedFlags("0f", 0xbc);
const BS_NOTE =
  "SDM BSF/BSR: CF OF SF AF PF undefined; for a zero source the destination is undefined (SDM) / unchanged (AMD APM), compared as the hardware left it";

/** [mnemonic, 0F opcode of the r/m, reg form, 0F BA /ext of the immediate form], from the opcode table. */
const BT_OPS: ReadonlyArray<readonly [string, number, number]> = groupOps("0f", 0xba).map(([name, ext]) => {
  const reg = OPCODE_TABLE.find((e) => e.map === "0f" && e.mnemonic === name && e.operands.join(",") === "Ev,Gv");
  if (reg === undefined) throw new RangeError(`no register form of ${name} in the opcode table`);
  return [name, reg.op, ext] as const;
});

const OFFSETS = [0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 0xffff_ffff, 0xffff_ffe0, 0x8000_0000, 0x7fff_ffff];

function btReg(rng: Xorshift32, name: string, op: number, size: 16 | 32): FormSpec {
  const dst = size === 32 ? r32("eax") : r16("eax");
  const off = size === 32 ? r32("ecx") : r16("ecx");
  const cases: CaseSpec[] = [];
  for (const o of [...OFFSETS, ...[...Array(16).keys()].map(() => rng.u32())]) {
    for (let k = 0; k < 3; k++) {
      const r: Partial<Record<VecReg, number>> = {};
      put(rng, r, dst, k === 0 ? 0 : k === 1 ? 0xffff_ffff : randomOf(rng, size));
      put(rng, r, off, o);
      cases.push({ regs: r, eflags: randomFlags(rng, rng.bit()) });
    }
  }
  return {
    group: "bit", mnemonic: name, form: `${name} ${dst.name}, ${off.name}`, code: [...osize(size), 0x0f, op, modrm(off.code, dst.code)],
    in: ["eax", "ecx"], out: name === "bt" ? [] : ["eax"], undefinedFlags: BT_UNDEF, undefinedNote: BT_NOTE, cases,
  };
}

function btImm(rng: Xorshift32, name: string, ext: number, size: 16 | 32): FormSpec {
  const dst = size === 32 ? r32("edx") : r16("edx");
  const enc = (v: number): number[] => [...osize(size), 0x0f, 0xba, modrm(ext, dst.code), v];
  const cases: CaseSpec[] = [0, 1, 5, 15, 16, 17, 31, 32, 33, 63, 64, 127, 128, 255].flatMap((v) =>
    [0, 1].map(() => {
      const r: Partial<Record<VecReg, number>> = {};
      put(rng, r, dst, randomOf(rng, size));
      return { code: enc(v), regs: r, eflags: randomFlags(rng, rng.bit()) };
    }),
  );
  return {
    group: "bit", mnemonic: name, form: `${name} ${dst.name}, imm8`, code: enc(0), in: ["edx"], out: name === "bt" ? [] : ["edx"],
    undefinedFlags: BT_UNDEF, undefinedNote: BT_NOTE, cases,
  };
}

function randomData(rng: Xorshift32, n: number): number[] {
  return [...Array(n).keys()].map(() => rng.below(256));
}

/** Bit-string form: [esi] is the middle of a 64-byte buffer, the signed offset in ecx/cx reaches both ways. */
function btMem(rng: Xorshift32, name: string, op: number, size: 16 | 32): FormSpec {
  const off = size === 32 ? r32("ecx") : r16("ecx");
  const offsets = [0, 1, 31, 32, 33, 0xffff_ffff, 0xffff_ffe0, 0xffff_ffdf, 255, 0xffff_ff00];
  const cases: CaseSpec[] = [...offsets, ...[...Array(22).keys()].map(() => (rng.below(512) - 256) >>> 0)].map((o) => {
    const r: Partial<Record<VecReg, number>> = { esi: 32 };
    put(rng, r, off, o);
    return { regs: r, eflags: randomFlags(rng, rng.bit()), data: randomData(rng, 64) };
  });
  return {
    group: "bit", mnemonic: name, form: `${name} ${size === 32 ? "dword" : "word"} [esi], ${off.name}`, code: [...osize(size), 0x0f, op, 0x0e],
    in: ["ecx", "esi"], out: [], ptr: ["esi"], undefinedFlags: BT_UNDEF, undefinedNote: BT_NOTE, cases,
  };
}

function btMemImm(rng: Xorshift32, name: string, ext: number): FormSpec {
  const enc = (v: number): number[] => [0x0f, 0xba, (ext << 3) | 6, v];
  const cases: CaseSpec[] = [0, 1, 7, 8, 31, 32, 33, 200].map((v) => ({
    code: enc(v), regs: { esi: 4 }, eflags: randomFlags(rng, rng.bit()), data: randomData(rng, 16),
  }));
  return {
    group: "bit", mnemonic: name, form: `${name} dword [esi], imm8`, code: enc(0), in: ["esi"], out: [], ptr: ["esi"],
    undefinedFlags: BT_UNDEF, undefinedNote: BT_NOTE, cases,
  };
}

function bitScan(rng: Xorshift32, name: string, op: number, size: 16 | 32): FormSpec {
  const dst = size === 32 ? r32("eax") : r16("eax");
  const src = size === 32 ? r32("ebx") : r16("ebx");
  const values = [
    ...[...Array(size).keys()].map((b) => 2 ** b),
    ...edges(size as Size),
    ...[...Array(24).keys()].map(() => randomOf(rng, size)),
    0, 0,
  ];
  const cases: CaseSpec[] = values.map((v) => {
    const r: Partial<Record<VecReg, number>> = {};
    put(rng, r, dst, randomOf(rng, 32));
    put(rng, r, src, v);
    return { regs: r, eflags: randomFlags(rng, rng.bit()) };
  });
  return {
    group: "bit", mnemonic: name, form: `${name} ${dst.name}, ${src.name}`, code: [...osize(size), 0x0f, op, modrm(dst.code, src.code)],
    in: ["eax", "ebx"], out: ["eax"], undefinedFlags: BS_UNDEF, undefinedNote: BS_NOTE, cases,
  };
}

function bswap(rng: Xorshift32, reg: VecReg): FormSpec {
  const loc = r32(reg);
  const cases: CaseSpec[] = [...edges(32), ...[...Array(8).keys()].map(() => rng.u32())].map((v) => ({
    regs: { [reg]: v }, eflags: randomFlags(rng, rng.bit()),
  }));
  return {
    group: "bit", mnemonic: "bswap", form: `bswap ${reg}`, code: [0x0f, 0xc8 + loc.code], in: [reg], out: [reg],
    undefinedFlags: 0, undefinedNote: "none (no flags change)", cases,
  };
}

/** All forms of the group. */
export function bitForms(rng: Xorshift32): FormSpec[] {
  return [
    ...BT_OPS.flatMap(([name, op, ext]) => [
      btReg(rng, name, op, 32), btReg(rng, name, op, 16), btImm(rng, name, ext, 32), btImm(rng, name, ext, 16),
      btMem(rng, name, op, 32), btMem(rng, name, op, 16), btMemImm(rng, name, ext),
    ]),
    bitScan(rng, "bsf", 0xbc, 32), bitScan(rng, "bsf", 0xbc, 16), bitScan(rng, "bsr", 0xbd, 32), bitScan(rng, "bsr", 0xbd, 16),
    ...(["eax", "ecx", "edx", "ebx", "ebp", "esi", "edi"] as const).map((r) => bswap(rng, r)),
  ];
}
