// Building blocks for the vector catalogue: register operand locations, ModRM and immediate encoding,
// edge-case operand lists, random EFLAGS. Pure helpers; they run nothing.
import { EFLAGS_FIXED, STATUS } from "./flags";
import type { Xorshift32 } from "./prng";
import type { VecReg } from "./schema";

/** Operand size in bits. */
export type Size = 8 | 16 | 32;

/** One case to run: the i386 bytes (when not the form's), registers (at least the form's `in`), EFLAGS, data. */
export interface CaseSpec {
  readonly code?: readonly number[];
  readonly regs: Partial<Record<VecReg, number>>;
  readonly eflags: number;
  readonly data?: readonly number[];
  /** Undefined-flags mask when it differs from the form's. */
  readonly undef?: number;
}

/** One form of the catalogue before recording: what to run and which registers to record. */
export interface FormSpec {
  readonly group: string;
  readonly mnemonic: string;
  readonly form: string;
  readonly code: readonly number[];
  readonly hostPrefix?: readonly number[];
  readonly in: readonly VecReg[];
  readonly out: readonly VecReg[];
  readonly ptr?: readonly VecReg[];
  readonly undefinedFlags: number;
  readonly undefinedNote: string;
  readonly cases: readonly CaseSpec[];
}

/** A register operand: which 32-bit register holds it, its size, and whether it is the high byte (AH..BH). */
export interface Loc {
  readonly reg: VecReg;
  readonly size: Size;
  readonly high: boolean;
  /** Register number in ModRM/opcode fields. */
  readonly code: number;
  readonly name: string;
}

const CODE32: Readonly<Record<VecReg, number>> = { eax: 0, ecx: 1, edx: 2, ebx: 3, ebp: 5, esi: 6, edi: 7 };

/** The 32-bit register as an operand. */
export function r32(reg: VecReg): Loc {
  return { reg, size: 32, high: false, code: CODE32[reg], name: reg };
}

/** The low 16 bits of a register as an operand. */
export function r16(reg: VecReg): Loc {
  return { reg, size: 16, high: false, code: CODE32[reg], name: reg.slice(1) };
}

const R8: Readonly<Record<string, readonly [VecReg, boolean, number]>> = {
  al: ["eax", false, 0], cl: ["ecx", false, 1], dl: ["edx", false, 2], bl: ["ebx", false, 3],
  ah: ["eax", true, 4], ch: ["ecx", true, 5], dh: ["edx", true, 6], bh: ["ebx", true, 7],
};

/** An 8-bit register (al..bh) as an operand. */
export function r8(name: string): Loc {
  const e = R8[name];
  if (e === undefined) throw new RangeError(`no 8-bit register ${name}`);
  return { reg: e[0], size: 8, high: e[1], code: e[2], name };
}

/** Register-direct ModRM byte (mod = 11). */
export function modrm(regField: number, rm: number): number {
  return 0xc0 | ((regField & 7) << 3) | (rm & 7);
}

/** Operand-size prefix for a size (0x66 for 16-bit). */
export function osize(size: Size): number[] {
  return size === 16 ? [0x66] : [];
}

/** All-ones mask of a size. */
export function maskOf(size: Size): number {
  return size === 32 ? 0xffff_ffff : (1 << size) - 1;
}

/** Little-endian immediate of `bytes` bytes. */
export function imm(value: number, bytes: 1 | 2 | 4): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes; i++) out.push((value >>> (8 * i)) & 0xff);
  return out;
}

/** Immediate bytes of a size. */
export function immOf(value: number, size: Size): number[] {
  return imm(value, size === 8 ? 1 : size === 16 ? 2 : 4);
}

/** Writes `value` into the operand's bits of `regs[loc.reg]`, keeping (or randomising, if absent) the other bits. */
export function put(rng: Xorshift32, regs: Partial<Record<VecReg, number>>, loc: Loc, value: number): void {
  const shift = loc.high ? 8 : 0;
  const m = maskOf(loc.size) * 2 ** shift;
  const old = regs[loc.reg] ?? rng.u32();
  regs[loc.reg] = ((old & ~m) | ((value & maskOf(loc.size)) << shift)) >>> 0;
}

/** Edge-case operands of a size: 0, 1, sign boundaries, all ones, alternating bits, and a few more. */
export function edges(size: Size): number[] {
  switch (size) {
    case 8:
      return [0, 1, 2, 0x0f, 0x10, 0x55, 0x7e, 0x7f, 0x80, 0x81, 0xaa, 0xfe, 0xff];
    case 16:
      return [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x5555, 0x7ffe, 0x7fff, 0x8000, 0x8001, 0xaaaa, 0xfffe, 0xffff];
    case 32:
      return [
        0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x1_0000, 0x5555_5555, 0x7fff_fffe, 0x7fff_ffff,
        0x8000_0000, 0x8000_0001, 0xaaaa_aaaa, 0xffff_fffe, 0xffff_ffff,
      ];
    default: {
      const never: never = size;
      throw new RangeError(`bad size ${String(never)}`);
    }
  }
}

/** A random value of a size, biased towards small and near-boundary numbers a quarter of the time. */
export function randomOf(rng: Xorshift32, size: Size): number {
  const m = maskOf(size);
  const r = rng.u32();
  switch (rng.below(8)) {
    case 0:
      return r & 0xf;
    case 1:
      return (m - (r & 0xf)) >>> 0;
    default:
      return (r & m) >>> 0;
  }
}

/** EFLAGS with a random subset of the six status flags, DF clear, CF forced when `cf` is given. */
export function randomFlags(rng: Xorshift32, cf?: boolean): number {
  let f = (rng.u32() & STATUS) | EFLAGS_FIXED;
  if (cf !== undefined) f = cf ? f | 1 : f & ~1;
  return f;
}
