// The i386 disassembler of block dumps (`boot --dump-blocks`): Intel syntax in objdump's style
// (`mov eax,DWORD PTR [ebx+ecx*4+0x10]`), driven by the opcode table (opcodes*.ts): the row gives the
// mnemonic and operand forms, this file only renders them. Pure; the decoder proper is translate*.ts.
import { SegMode } from "../seg-mode";
import { Ctx, TooLong } from "./context";
import { EndOfBytes } from "./insn";
import { findEntry, hasModrm } from "./opcodes-index";
import { PREFIXES } from "./opcodes-one";
import type { OpMap, OpcodeEntry, OperandForm } from "./opcodes";

const R32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];
const R16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"];
const R8 = ["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"];
const SEG = ["es", "cs", "ss", "ds", "fs", "gs", "?", "?"];
const EA16 = ["bx+si", "bx+di", "bp+si", "bp+di", "si", "di", "bp", "bx"];
const SEG_PREFIX: Readonly<Record<number, number>> = { 0x26: 0, 0x2e: 1, 0x36: 2, 0x3e: 3, 0x64: 4, 0x65: 5 };

/** One decoded instruction: its length, the table row (null: #UD or truncated) and the Intel-syntax text. */
export interface Decoded {
  readonly len: number;
  readonly map: OpMap;
  readonly op: number;
  readonly entry: OpcodeEntry | null;
  /** Prefix names in order (e.g. ["lock"]). */
  readonly prefixes: readonly string[];
  /** The mnemonic with the prefixes objdump prints in front of it, e.g. "rep movs", "lock cmpxchg". */
  readonly mnemonic: string;
  readonly text: string;
}

function hex(v: number): string {
  return `0x${(v >>> 0).toString(16)}`;
}

function signedHex(v: number): string {
  return v < 0 ? `-${hex(-v)}` : `+${hex(v)}`;
}

interface State {
  /** The decoder's byte reader (context.ts), used here only to read bytes: 15 at most, as the CPU decodes. */
  readonly c: Ctx;
  readonly eip: number;
  readonly o32: boolean;
  readonly a32: boolean;
  readonly seg: number;
  modrm: number;
  usedSeg: boolean;
}

/** The memory operand of the ModRM byte (without size), e.g. `[ebp-0x8]`, `ds:0x1234`, `fs:[eax]`. */
function memOperand(s: State, defSeg = 3): string {
  const mod = s.modrm >> 6;
  const rm = s.modrm & 7;
  const segName = s.seg >= 0 ? SEG[s.seg]! : SEG[defSeg]!;
  if (s.seg >= 0) s.usedSeg = true;
  const pre = s.seg >= 0 ? `${segName}:` : "";
  if (!s.a32) {
    if (mod === 0 && rm === 6) return `${segName}:${hex(s.c.u16())}`;
    const d = mod === 1 ? s.c.s8() : mod === 2 ? s.c.s16() : 0;
    return `${pre}[${EA16[rm]!}${mod === 0 ? "" : signedHex(d)}]`;
  }
  let base = -1;
  let index = "";
  let disp = 0;
  let hasDisp = mod !== 0;
  if (rm === 4) {
    const sib = s.c.u8();
    const scale = 1 << (sib >> 6);
    const idx = (sib >> 3) & 7;
    const b = sib & 7;
    if (b === 5 && mod === 0) {
      disp = s.c.i32();
      hasDisp = true;
    } else base = b;
    if (idx !== 4) index = `${R32[idx]!}*${scale}`;
    else if (b !== 4 || scale !== 1) index = `eiz*${scale}`;
  } else if (rm === 5 && mod === 0) {
    return `${segName}:${hex((s.c.i32() >>> 0))}`;
  } else base = rm;
  if (mod === 1) disp = s.c.s8();
  else if (mod === 2) disp = s.c.i32();
  const parts: string[] = [];
  if (base >= 0) parts.push(R32[base]!);
  if (index !== "") parts.push(index);
  let body = parts.join("+");
  if (hasDisp) body = parts.length === 0 ? hex(disp) : `${body}${signedHex(disp)}`;
  return `${pre}[${body}]`;
}

function ptr(bytes: number): string {
  switch (bytes) {
    case 1: return "BYTE PTR ";
    case 2: return "WORD PTR ";
    case 4: return "DWORD PTR ";
    case 6: return "FWORD PTR ";
    case 8: return "QWORD PTR ";
    case 10: return "TBYTE PTR ";
    default: return "";
  }
}

function reg(i: number, bytes: number): string {
  return bytes === 1 ? R8[i]! : bytes === 2 ? R16[i]! : R32[i]!;
}

/** Renders one operand form of row `e`. */
function operand(s: State, e: OpcodeEntry, f: OperandForm, opByte: number): string {
  const v = s.o32 ? 4 : 2;
  const isReg = s.modrm >> 6 === 3;
  const regF = (s.modrm >> 3) & 7;
  const rmF = s.modrm & 7;
  // Size of a `v` memory operand: a row with a fixed word size (MOV r/m, Sreg; SLDT; SMSW) stores a word.
  const memV = e.size === "word" ? 2 : v;
  const rmOp = (regBytes: number, memBytes: number): string => (isReg ? reg(rmF, regBytes) : `${ptr(memBytes)}${memOperand(s)}`);
  switch (f) {
    case "Eb": return rmOp(1, 1);
    case "Ew": return rmOp(2, 2);
    case "Ed": return rmOp(4, 4);
    case "Ev": return rmOp(v, memV);
    case "Gb": return reg(regF, 1);
    case "Gw": return reg(regF, 2);
    case "Gv": return reg(regF, v);
    case "Rd": return R32[rmF]!;
    case "Rw": return R16[rmF]!;
    case "Rv": return reg(rmF, v);
    case "Sw": return SEG[regF]!;
    case "Cd": return `cr${regF}`;
    case "Dd": return `dr${regF}`;
    case "Mn": case "Ms": return memOperand(s);
    case "Mb": return `${ptr(1)}${memOperand(s)}`;
    case "Mw": return `${ptr(2)}${memOperand(s)}`;
    case "Md": return `${ptr(4)}${memOperand(s)}`;
    case "Mq": return `${ptr(8)}${memOperand(s)}`;
    case "Mt": return `${ptr(10)}${memOperand(s)}`;
    case "Mv": return `${ptr(v)}${memOperand(s)}`;
    case "Ma": return `${ptr(2 * v)}${memOperand(s)}`;
    case "Mp": return `${ptr(v + 2)}${memOperand(s)}`;
    case "Ib": return hex(s.c.u8());
    case "Iw": return hex(s.c.u16());
    case "Iv": return hex(s.o32 ? (s.c.i32() >>> 0) : s.c.u16());
    case "Ibs": return hex(s.c.s8() & (s.o32 ? 0xffffffff : 0xffff));
    case "Jb": case "Jv": {
      const rel = f === "Jb" ? s.c.s8() : s.o32 ? s.c.i32() : s.c.s16();
      const t = s.eip + s.c.pos + rel;
      return hex(s.o32 ? t >>> 0 : t & 0xffff);
    }
    case "Ob": case "Ov": {
      const off = s.a32 ? (s.c.i32() >>> 0) : s.c.u16();
      if (s.seg >= 0) s.usedSeg = true;
      return `${SEG[s.seg >= 0 ? s.seg : 3]!}:${hex(off)}`;
    }
    case "Ap": {
      const off = s.o32 ? (s.c.i32() >>> 0) : s.c.u16();
      return `${hex(s.c.u16())}:${hex(off)}`;
    }
    case "Zb": return R8[opByte & 7]!;
    case "Zv": return reg(opByte & 7, v);
    case "Zd": return R32[opByte & 7]!;
    case "Xb": case "Xv": case "Yb": case "Yv": {
      const x = f[0] === "X";
      const bytes = f[1] === "b" ? 1 : v;
      const segName = x ? SEG[s.seg >= 0 ? s.seg : 3]! : "es";
      if (x && s.seg >= 0) s.usedSeg = true;
      const r = s.a32 ? (x ? "esi" : "edi") : x ? "si" : "di";
      return `${ptr(bytes)}${segName}:[${r}]`;
    }
    case "AL": return "al";
    case "AX": return "ax";
    case "eAX": return reg(0, v);
    case "CL": return "cl";
    case "DX": return "dx";
    case "one": return "1";
    case "ES": return "es";
    case "CS": return "cs";
    case "SS": return "ss";
    case "DS": return "ds";
    case "FS": return "fs";
    case "GS": return "gs";
    case "ST": return "st";
    case "STi": return `st(${rmF})`;
    default: {
      const never: never = f;
      return never;
    }
  }
}

/** Decodes and renders the instruction at the start of `bytes` (at `eip`), in 32-bit code unless `code32` is false. */
export function decodeInstruction(bytes: ArrayLike<number>, eip: number, code32 = true): Decoded {
  const c = new Ctx((i) => bytes[i] ?? -1, 0, eip, code32 ? SegMode.Code32 : 0);
  const pre: number[] = [];
  let map: OpMap = "one";
  let op = -1;
  try {
    for (;;) {
      const b = c.u8();
      if (PREFIXES[b] === undefined) {
        op = b;
        break;
      }
      pre.push(b);
    }
    if (op === 0x0f) {
      map = "0f";
      op = c.u8();
    }
    const o16 = pre.includes(0x66);
    const segP = [...pre].reverse().find((p) => SEG_PREFIX[p] !== undefined);
    const s: State = {
      c, eip, o32: code32 !== o16, a32: code32 !== pre.includes(0x67), seg: segP === undefined ? -1 : SEG_PREFIX[segP]!, modrm: 0, usedSeg: false,
    };
    if (hasModrm(map, op)) s.modrm = c.u8();
    const e = findEntry(map, op, s.modrm);
    if (e === null) return bad(c.pos, map, op, pre);
    const ops = e.operands.map((f) => operand(s, e, f, op));
    if (e.mnemonic === "xlat") ops.push(`BYTE PTR ${SEG[s.seg >= 0 ? s.seg : 3]!}:[${s.a32 ? "ebx" : "bx"}]`);
    let name = !s.o32 && e.mnemonic16 !== null ? e.mnemonic16 : e.mnemonic;
    // NOP (90) is XCHG EAX,EAX: with 0x66 objdump prints its 16-bit form; F3 90 is PAUSE (SDM).
    if (map === "one" && op === 0x90 && o16) name = "xchg ax,ax";
    const pause = map === "one" && op === 0x90 && pre.includes(0xf3);
    if (pause) name = "pause";
    const sized = e.size === "osize" || e.operands.some((f) => f.endsWith("v") || f === "eAX");
    const names = pre.flatMap((p): string[] => {
      if (p === 0xf0) return ["lock"];
      if (p === 0xf3) return pause ? [] : [e.rep === "rep" ? "rep" : "repz"];
      if (p === 0xf2) return ["repnz"];
      if (p === 0x66) return sized || name === "xchg ax,ax" ? [] : ["data16"];
      if (p === 0x67) return e.operands.some((f) => f[0] === "E" || f[0] === "M" || f[0] === "X" || f[0] === "Y" || f[0] === "O") || e.mnemonic === "xlat" ? [] : ["addr16"];
      return SEG_PREFIX[p] !== undefined && !s.usedSeg ? [SEG[SEG_PREFIX[p]!]!] : [];
    });
    const full = [...names, name].join(" ");
    const text = ops.length > 0 ? `${full} ${ops.join(",")}` : full;
    return { len: c.pos, map, op, entry: e, prefixes: pre.map((p) => PREFIXES[p]!), mnemonic: full, text };
  } catch (err) {
    if (!(err instanceof EndOfBytes) && !(err instanceof TooLong)) throw err;
    return { len: c.pos, map, op, entry: null, prefixes: pre.map((p) => PREFIXES[p]!), mnemonic: "(truncated)", text: "(truncated)" };
  }
}

function bad(len: number, map: OpMap, op: number, pre: readonly number[]): Decoded {
  return { len, map, op, entry: null, prefixes: pre.map((p) => PREFIXES[p]!), mnemonic: "(bad)", text: "(bad)" };
}

/** The mnemonic of the instruction in `bytes` with its prefixes, e.g. "rep movs" or "add". */
export function mnemonic(bytes: ArrayLike<number>): string {
  return decodeInstruction(bytes, 0).mnemonic;
}

/** One listing line: EIP, the bytes in hex and the instruction. */
export function disasmLine(eip: number, bytes: ArrayLike<number>): string {
  const hexBytes = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
  return `${(eip >>> 0).toString(16).padStart(8, "0")}  ${hexBytes.padEnd(30)} ${decodeInstruction(bytes, eip).text}`;
}
