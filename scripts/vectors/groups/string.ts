// Vector catalogue, group "string": MOVS STOS LODS CMPS SCAS at 8/16/32 bits, without prefix, with REP /
// REPE and (CMPS, SCAS) REPNE, with DF = 0 and DF = 1. The host runs them behind a 0x67 address-size
// prefix so 64-bit mode uses ESI/EDI/ECX; the i386 bytes are recorded without it.
import { DF } from "../flags";
import { maskOf, osize, randomFlags, type CaseSpec, type FormSpec, type Size } from "../gen";
import { OPCODE_TABLE } from "../../../kernel/cpu/decoder/opcodes-index";
import type { Xorshift32 } from "../prng";

type Kind = "movs" | "stos" | "lods" | "cmps" | "scas";
type Rep = "" | "rep" | "repe" | "repne";

/** Byte-form opcode of each kind, from the opcode table's string rows (the next opcode is the word/dword form). */
const OPCODE: Readonly<Record<Kind, number>> = (() => {
  const byName = (k: Kind): number => {
    const e = OPCODE_TABLE.find((x) => x.vectors === "string" && x.mnemonic === k && x.size === "byte");
    if (e === undefined) throw new RangeError(`no byte string row ${k} in the opcode table`);
    return e.op;
  };
  return { movs: byName("movs"), stos: byName("stos"), lods: byName("lods"), cmps: byName("cmps"), scas: byName("scas") };
})();
const COUNTS = [0, 1, 2, 3, 4, 6];
const BUF = 64;

function suffix(size: Size): string {
  return size === 8 ? "b" : size === 16 ? "w" : "d";
}

/** Buffer contents that make CMPS/SCAS stop early or run to the end, each about half the time. */
function fillData(rng: Xorshift32, kind: Kind, size: Size, esi: number, edi: number, n: number, step: number, value: number): number[] {
  const data = [...Array(BUF).keys()].map(() => rng.below(256));
  const bytes = size / 8;
  const span = Math.max(n, 1);
  const elem = (base: number, i: number): number => base + i * step;
  if (kind === "cmps") {
    for (let i = 0; i < span; i++) for (let b = 0; b < bytes; b++) data[elem(edi, i) + b] = data[elem(esi, i) + b] ?? 0;
  }
  if (kind === "scas") {
    const same = rng.bit();
    for (let i = 0; i < span; i++) {
      for (let b = 0; b < bytes; b++) data[elem(edi, i) + b] = same ? (value >>> (8 * b)) & 0xff : rng.below(4);
    }
  }
  if ((kind === "cmps" || kind === "scas") && rng.below(4) !== 0) {
    const at = elem(edi, rng.below(span)) + rng.below(bytes);
    data[at] = kind === "scas" && rng.bit() ? (value >>> (8 * ((at - edi) & (bytes - 1)))) & 0xff : (data[at] ?? 0) ^ 0x10;
  }
  return data;
}

function stringForm(rng: Xorshift32, kind: Kind, size: Size, rep: Rep, down: boolean): FormSpec {
  const prefix = rep === "" ? [] : rep === "repne" ? [0xf2] : [0xf3];
  const code = [...prefix, ...osize(size), OPCODE[kind] + (size === 8 ? 0 : 1)];
  const bytes = size / 8;
  const step = down ? -bytes : bytes;
  const cases: CaseSpec[] = [];
  for (const n of COUNTS) {
    for (let k = 0; k < 2; k++) {
      const last = Math.max(n, 1) - 1;
      const esi = down ? 24 + rng.below(4) : rng.below(4);
      const edi = down ? 56 + rng.below(4) : 32 + rng.below(4);
      if (Math.min(esi, edi) + (down ? -last * bytes : 0) < 0) throw new Error("string case leaves the buffer");
      const eax = rng.below(4) === 0 ? rng.u32() : rng.u32() & ~maskOf(size) | (rng.below(4) * 0x0101_0101 & maskOf(size));
      const ecx = rep === "" ? rng.u32() : n;
      const data = fillData(rng, kind, size, esi, edi, rep === "" ? 1 : n, step, eax >>> 0);
      const flags = (randomFlags(rng, rng.bit()) & ~DF) | (down ? DF : 0);
      cases.push({ regs: { eax: eax >>> 0, ecx, esi, edi }, eflags: flags, data });
    }
  }
  const name = rep === "" ? `${kind}${suffix(size)}` : `${rep} ${kind}${suffix(size)}`;
  return {
    group: "string", mnemonic: kind, form: `${name}, DF=${down ? 1 : 0}`, code, hostPrefix: [0x67], in: ["eax", "ecx", "esi", "edi"],
    out: ["eax", "ecx", "esi", "edi"], ptr: ["esi", "edi"], undefinedFlags: 0, undefinedNote: "none", cases,
  };
}

/** REP MOVS with source and destination overlapping by less than the count: copies element by element,
 * so a forward copy to a higher address replicates the first bytes (a memmove would not). */
function overlapForm(rng: Xorshift32, size: Size, down: boolean): FormSpec {
  const bytes = size / 8;
  const code = [0xf3, ...osize(size), 0xa4 + (size === 8 ? 0 : 1)];
  const cases: CaseSpec[] = [];
  for (const n of [2, 3, 5, 8]) {
    for (const gap of [1, 2, 3, -1, -2]) {
      const esi = down ? 40 + rng.below(4) : 8 + rng.below(4);
      const edi = esi + gap;
      const data = [...Array(BUF).keys()].map(() => rng.below(256));
      const flags = (randomFlags(rng, rng.bit()) & ~DF) | (down ? DF : 0);
      cases.push({ regs: { eax: rng.u32(), ecx: n, esi, edi }, eflags: flags, data });
    }
  }
  return {
    group: "string", mnemonic: "movs", form: `rep movs${suffix(size)} overlapping (edi = esi + 1..3 or - 1..2), DF=${down ? 1 : 0}`, code,
    hostPrefix: [0x67], in: ["eax", "ecx", "esi", "edi"], out: ["eax", "ecx", "esi", "edi"], ptr: ["esi", "edi"], undefinedFlags: 0,
    undefinedNote: `none (elements of ${bytes} byte(s))`, cases,
  };
}

/** All forms of the group. */
export function stringForms(rng: Xorshift32): FormSpec[] {
  const out: FormSpec[] = [];
  const kinds: Kind[] = ["movs", "stos", "lods", "cmps", "scas"];
  for (const kind of kinds) {
    const reps: Rep[] = kind === "cmps" || kind === "scas" ? ["", "repe", "repne"] : ["", "rep"];
    for (const size of [8, 16, 32] as const) for (const rep of reps) for (const down of [false, true]) out.push(stringForm(rng, kind, size, rep, down));
  }
  for (const size of [8, 16, 32] as const) for (const down of [false, true]) out.push(overlapForm(rng, size, down));
  return out;
}
