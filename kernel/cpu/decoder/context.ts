// Decoding state of one instruction: byte fetch, prefixes, ModRM/SIB and the JavaScript expressions
// that read and write registers and memory operands. Produces strings only; executes nothing.
import { CS, DS, SS } from "../cpu-state";
import { SegMode } from "../seg-mode";
import { EndOfBytes } from "./insn";
import { T_SUP, T_USR } from "../mmu";
import { rdExpr, wrStmt, type TlbAccess } from "./runtime";

/** Fetches the byte at `offset` from the block start, or -1 past the available bytes. */
export type ByteFetch = (offset: number) => number;

/** A decoded ModRM operand. For memory, `off` is the effective-address expression (no segment). */
export interface ModRm {
  readonly mod: number;
  readonly reg: number;
  readonly rm: number;
  readonly isReg: boolean;
  readonly off: string;
  readonly defSeg: number;
}

/** An r/m operand: statements to run first, a read expression and a write statement builder. */
export interface Operand {
  readonly pre: string;
  readonly get: string;
  set(v: string): string;
}

export type Size = 8 | 16 | 32;

/** Per-instruction decoder state. */
export class Ctx {
  pos: number;
  o32: boolean;
  a32: boolean;
  seg = -1;
  rep = 0; // 0 none, 1 REP/REPE (F3), 2 REPNE (F2)
  lock = false;
  constructor(
    private readonly fetch: ByteFetch,
    readonly start: number, // offset of the instruction in the fetch window
    readonly eip: number, // EIP of the instruction
    readonly segMode: number,
  ) {
    this.pos = start;
    this.o32 = (segMode & SegMode.Code32) !== 0;
    this.a32 = this.o32;
  }

  get len(): number {
    return this.pos - this.start;
  }
  /** EIP of the next instruction (as decoded so far). */
  get next(): number {
    return (this.eip + this.len) >>> 0;
  }

  u8(): number {
    if (this.pos - this.start >= 15) throw new TooLong();
    const b = this.fetch(this.pos);
    if (b < 0) throw new EndOfBytes();
    this.pos++;
    return b;
  }
  s8(): number {
    return (this.u8() << 24) >> 24;
  }
  u16(): number {
    const lo = this.u8();
    return lo | (this.u8() << 8);
  }
  s16(): number {
    return (this.u16() << 16) >> 16;
  }
  i32(): number {
    const a = this.u16();
    return (a | (this.u16() << 16)) | 0;
  }
  /** Immediate of the operand size (16 or 32: zero-extended for 16). */
  imm(size: Size): number {
    return size === 8 ? this.u8() : size === 16 ? this.u16() : this.i32();
  }
  /** The TLB entry bit the block's memory accesses need (its CPL is fixed by its segMode). */
  get acc(): TlbAccess {
    return ((this.segMode >> SegMode.CplShift) & 3) === 3 ? T_USR : T_SUP;
  }
  /** Expression reading `size` bits at linear address expression `lin`. */
  rd(size: Size, lin: string): string {
    return rdExpr(size, lin, this.acc, (this.segMode & SegMode.Unpaged) !== 0);
  }
  /** Statement writing `v` (`size` bits) at linear address expression `lin`. */
  wr(size: Size, lin: string, v: string): string {
    return wrStmt(size, lin, v, this.acc);
  }
  /** Operand size of a non-byte instruction. */
  get osize(): 16 | 32 {
    return this.o32 ? 32 : 16;
  }

  modrm(): ModRm {
    const b = this.u8();
    const mod = b >> 6;
    const reg = (b >> 3) & 7;
    const rm = b & 7;
    if (mod === 3) return { mod, reg, rm, isReg: true, off: "", defSeg: DS };
    return this.a32 ? this.ea32(mod, reg, rm) : this.ea16(mod, reg, rm);
  }

  private ea32(mod: number, reg: number, rm: number): ModRm {
    const terms: string[] = [];
    let defSeg = DS;
    let disp = 0;
    if (rm === 4) {
      const sib = this.u8();
      const scale = sib >> 6;
      const index = (sib >> 3) & 7;
      const base = sib & 7;
      if (base === 5 && mod === 0) disp = this.i32();
      else {
        terms.push(`r[${base}]`);
        if (base === 4 || base === 5) defSeg = SS;
      }
      if (index !== 4) terms.push(scale === 0 ? `r[${index}]` : `(r[${index}] << ${scale})`);
    } else if (rm === 5 && mod === 0) {
      disp = this.i32();
    } else {
      terms.push(`r[${rm}]`);
      if (rm === 5) defSeg = SS;
    }
    if (mod === 1) disp = this.s8();
    else if (mod === 2) disp = this.i32();
    if (disp !== 0 || terms.length === 0) terms.push(String(disp));
    const off = terms.length === 1 && terms[0]!.startsWith("r[") ? terms[0]! : `((${terms.join(" + ")}) | 0)`;
    return { mod, reg, rm, isReg: false, off, defSeg };
  }

  private ea16(mod: number, reg: number, rm: number): ModRm {
    const bases: readonly (readonly number[])[] = [[3, 6], [3, 7], [5, 6], [5, 7], [6], [7], [5], [3]];
    let terms: string[] = bases[rm]!.map((x) => `r[${x}]`);
    let defSeg = rm === 2 || rm === 3 || rm === 6 ? SS : DS;
    let disp = 0;
    if (mod === 0 && rm === 6) {
      terms = [];
      defSeg = DS;
      disp = this.u16();
    } else if (mod === 1) disp = this.s8();
    else if (mod === 2) disp = this.s16();
    if (disp !== 0 || terms.length === 0) terms.push(String(disp));
    return { mod, reg, rm, isReg: false, off: `((${terms.join(" + ")}) & 65535)`, defSeg };
  }

  /** Segment an access through `m` uses (override or default). */
  segOf(m: ModRm): number {
    return this.seg >= 0 ? this.seg : m.defSeg;
  }

  /** Linear-address expression for an access of `size` bits at offset expression `off` in `seg`. */
  linear(seg: number, off: string, size: Size, write: boolean): string {
    if ((this.segMode & (1 << seg)) !== 0 && !(write && seg === CS)) return off;
    return `s.segChk(${seg}, ${off}, ${size >> 3}, ${write ? 1 : 0})`;
  }

  /** The r/m operand of `m`, for reading, writing or both. */
  rm(m: ModRm, size: Size, write: boolean): Operand {
    if (m.isReg) return regOperand(m.rm, size);
    const lin = this.linear(this.segOf(m), m.off, size, write);
    return {
      pre: `const ea = ${lin};`,
      get: this.rd(size, "ea"),
      set: (v: string) => this.wr(size, "ea", v),
    };
  }

  /** Address of a memory operand (offset + segment), for instructions that compute their own accesses. */
  memLinear(m: ModRm, size: Size, write: boolean): string {
    return this.linear(this.segOf(m), m.off, size, write);
  }
}

/** Instruction longer than 15 bytes (#GP). */
export class TooLong {
  readonly tooLong = true;
}

/** Read expression of general register `i` at `size`. */
export function regGet(i: number, size: Size): string {
  if (size === 32) return `r[${i}]`;
  if (size === 16) return `(r[${i}] & 65535)`;
  return i < 4 ? `(r[${i}] & 255)` : `((r[${i - 4}] >> 8) & 255)`;
}

/** Statement writing `v` to general register `i` at `size` (upper bits preserved for 8/16). */
export function regSet(i: number, size: Size, v: string): string {
  if (size === 32) return `r[${i}] = ${v};`;
  if (size === 16) return `r[${i}] = (r[${i}] & -65536) | ((${v}) & 65535);`;
  if (i < 4) return `r[${i}] = (r[${i}] & -256) | ((${v}) & 255);`;
  return `r[${i - 4}] = (r[${i - 4}] & -65281) | (((${v}) & 255) << 8);`;
}

/** Register `i` as an operand. */
export function regOperand(i: number, size: Size): Operand {
  return { pre: "", get: regGet(i, size), set: (v: string) => regSet(i, size, v) };
}

/** Sign-extends a `size`-bit expression to int32. */
export function sext(e: string, size: Size): string {
  if (size === 32) return e;
  const sh = 32 - size;
  return `((${e} << ${sh}) >> ${sh})`;
}
