// Rows of the one-byte opcode map (Intel SDM vol. 2 table A-2 and the group tables A-6): every
// encoding translate.ts implements. Prefixes (26 2E 36 3E 64 65 66 67 F0 F2 F3) are in PREFIXES.
// Flags per the SDM "Flags Affected" of each instruction; see opcodes.ts for the columns.
import { AF, CF, DF, IF, OF, PF, SF, TF, ZF, ccFlags } from "../flags";
import { ARITH, CC_NAMES, LOGIC_W, row, type OpcodeEntry, type RowOpts } from "./opcodes";

/** Legacy prefixes and what they select. */
export const PREFIXES: Readonly<Record<number, string>> = {
  0x26: "es", 0x2e: "cs", 0x36: "ss", 0x3e: "ds", 0x64: "fs", 0x65: "gs", 0x66: "data16", 0x67: "addr16", 0xf0: "lock", 0xf2: "repnz", 0xf3: "rep",
};

const ALU = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"] as const;
/** Group 2 by ModRM.reg; /6 is the undocumented alias of SHL (objdump also prints it as shl). */
const SHIFT = ["rol", "ror", "rcl", "rcr", "shl", "shr", "shl", "sar"] as const;
/** All of EFLAGS an instruction may save or replace (PUSHF, POPF, INT, IRET). */
const ALL_FLAGS = ARITH | TF | IF | DF;
/** Far CALL/JMP: through a TSS or task gate they switch tasks, which saves EFLAGS and loads the new task's. */
const FAR = { read: ALL_FLAGS, write: ALL_FLAGS, end: "ends" } as const;
const NO_BCD = "BCD adjust: invalid in 64-bit mode, so not recordable on the host; cpu unit tests check it";
const NO_ESP = "ESP is the recording harness's stack pointer: never an operand";
const NO_REX = "0x40-0x4F are REX prefixes in 64-bit mode: not recordable (FF /0 /1 cover INC/DEC)";

function one(op: number, mnemonic: string, operands: string, o: RowOpts = {}): OpcodeEntry {
  return row("one", op, mnemonic, operands, o);
}

/** Flag use of ALU operation `i` (ADD..CMP). */
function aluFlags(i: number): RowOpts {
  const logic = i === 1 || i === 4 || i === 6;
  return { read: i === 2 || i === 3 ? CF : 0, write: logic ? LOGIC_W : ARITH, undef: logic ? AF : 0, vectors: "alu" };
}

/** Shift/rotate `i` (group 2) by one (`byOne`) or by a count. */
function shiftFlags(i: number, byOne: boolean): RowOpts {
  const rcx = i === 2 || i === 3 ? CF : 0;
  const o: RowOpts = i < 4
    ? { read: rcx, write: byOne ? CF | OF : CF, undef: byOne ? 0 : OF }
    : { write: byOne ? CF | OF | SF | ZF | PF : CF | SF | ZF | PF, undef: byOne ? AF : AF | OF };
  return { ...o, vectors: "shift", ...(i === 6 ? { noVectors: "/6 is an undocumented alias of SHL /4 (SDM lists /4 only); not recorded" } : {}) };
}

function build(): OpcodeEntry[] {
  const t: OpcodeEntry[] = [];
  ALU.forEach((name, i) => {
    const base = i << 3;
    const f = aluFlags(i);
    const lock = i !== 7;
    t.push(one(base, name, "Eb,Gb", { ...f, lock }), one(base + 1, name, "Ev,Gv", { ...f, lock }));
    t.push(one(base + 2, name, "Gb,Eb", f), one(base + 3, name, "Gv,Ev", f));
    t.push(one(base + 4, name, "AL,Ib", f), one(base + 5, name, "eAX,Iv", f));
    t.push(one(0x80, name, "Eb,Ib", { ...f, reg: i, lock }), one(0x81, name, "Ev,Iv", { ...f, reg: i, lock }));
    t.push(one(0x82, name, "Eb,Ib", { ...f, reg: i, lock, noVectors: "0x82 (alias of 0x80) is invalid in 64-bit mode: not recordable" }));
    t.push(one(0x83, name, "Ev,Ibs", { ...f, reg: i, lock }));
  });
  const seg = ["ES", "CS", "SS", "DS"] as const;
  seg.forEach((s, i) => {
    t.push(one(0x06 + (i << 3), "push", s, { size: "osize", o16: "pushw" }));
    if (s !== "CS") t.push(one(0x07 + (i << 3), "pop", s, { size: "osize", o16: "popw", end: "ends" }));
  });
  const bcd = { vectors: "alu", noVectors: NO_BCD } as const;
  t.push(one(0x27, "daa", "", { ...bcd, read: CF | AF, write: CF | AF | SF | ZF | PF, undef: OF }));
  t.push(one(0x2f, "das", "", { ...bcd, read: CF | AF, write: CF | AF | SF | ZF | PF, undef: OF }));
  t.push(one(0x37, "aaa", "", { ...bcd, read: AF, write: AF | CF, undef: OF | SF | ZF | PF }));
  t.push(one(0x3f, "aas", "", { ...bcd, read: AF, write: AF | CF, undef: OF | SF | ZF | PF }));
  for (let r = 0; r < 8; r++) {
    const incdec = { write: OF | SF | ZF | AF | PF, vectors: "alu", noVectors: NO_REX } as const;
    t.push(one(0x40 + r, "inc", "Zv", incdec), one(0x48 + r, "dec", "Zv", incdec));
    t.push(one(0x50 + r, "push", "Zv"), one(0x58 + r, "pop", "Zv"));
    if (r > 0) t.push(one(0x90 + r, "xchg", "Zv,eAX", { vectors: "misc", ...(r === 4 ? { noVectors: NO_ESP } : {}) }));
    t.push(one(0xb0 + r, "mov", "Zb,Ib"), one(0xb8 + r, "mov", "Zv,Iv"));
  }
  t.push(one(0x60, "pusha", "", { size: "osize", o16: "pushaw" }), one(0x61, "popa", "", { size: "osize", o16: "popaw" }));
  t.push(one(0x62, "bound", "Gv,Ma", { form: "mem" }));
  t.push(one(0x63, "arpl", "Ew,Gw", { write: ZF }));
  t.push(one(0x68, "push", "Iv", { size: "osize", o16: "pushw" }), one(0x6a, "push", "Ibs", { size: "osize", o16: "pushw" }));
  t.push(one(0x69, "imul", "Gv,Ev,Iv", { write: CF | OF, undef: SF | ZF | AF | PF, cost: "md", vectors: "muldiv" }));
  t.push(one(0x6b, "imul", "Gv,Ev,Ibs", { write: CF | OF, undef: SF | ZF | AF | PF, cost: "md", vectors: "muldiv" }));
  const io = { cost: "io", end: "ends", rep: "rep", read: DF } as const;
  t.push(one(0x6c, "ins", "Yb,DX", io), one(0x6d, "ins", "Yv,DX", io), one(0x6e, "outs", "DX,Xb", io), one(0x6f, "outs", "DX,Xv", io));
  for (let cc = 0; cc < 16; cc++) t.push(one(0x70 + cc, `j${CC_NAMES[cc]!}`, "Jb", { read: ccFlags(cc), end: "branch", vectors: "misc" }));
  t.push(one(0x84, "test", "Eb,Gb", { write: LOGIC_W, undef: AF, vectors: "alu" }), one(0x85, "test", "Ev,Gv", { write: LOGIC_W, undef: AF, vectors: "alu" }));
  t.push(one(0x86, "xchg", "Eb,Gb", { lock: true, vectors: "misc" }), one(0x87, "xchg", "Ev,Gv", { lock: true, vectors: "misc" }));
  t.push(one(0x88, "mov", "Eb,Gb"), one(0x89, "mov", "Ev,Gv"), one(0x8a, "mov", "Gb,Eb"), one(0x8b, "mov", "Gv,Ev"));
  // MOV r/m, Sreg and MOV Sreg, r/m: ModRM.reg names ES..GS (6, 7 and a load of CS are #UD).
  for (let sreg = 0; sreg < 6; sreg++) {
    t.push(one(0x8c, "mov", "Ev,Sw", { reg: sreg, size: "word" }));
    if (sreg !== 1) t.push(one(0x8e, "mov", "Sw,Ev", { reg: sreg, size: "word", end: "ends" }));
  }
  t.push(one(0x8d, "lea", "Gv,Mn", { form: "mem", size: "osize", vectors: "misc" }), one(0x8f, "pop", "Ev", { reg: 0 }));
  t.push(one(0x90, "nop", ""));
  t.push(one(0x98, "cwde", "", { size: "osize", o16: "cbw", vectors: "misc" }), one(0x99, "cdq", "", { size: "osize", o16: "cwd", vectors: "misc" }));
  t.push(one(0x9a, "call", "Ap", { ...FAR, size: "osize" }), one(0x9b, "fwait", ""));
  t.push(one(0x9c, "pushf", "", { read: ALL_FLAGS, size: "osize", o16: "pushfw" }));
  t.push(one(0x9d, "popf", "", { write: ALL_FLAGS, size: "osize", o16: "popfw", end: "mayStop" }));
  t.push(one(0x9e, "sahf", "", { write: SF | ZF | AF | PF | CF, vectors: "misc" }), one(0x9f, "lahf", "", { read: SF | ZF | AF | PF | CF, vectors: "misc" }));
  t.push(one(0xa0, "mov", "AL,Ob"), one(0xa1, "mov", "eAX,Ov"), one(0xa2, "mov", "Ob,AL"), one(0xa3, "mov", "Ov,eAX"));
  const str = { cost: "str", end: "mayStop", rep: "rep", read: DF, vectors: "string" } as const;
  const strc = { ...str, rep: "repz", write: ARITH } as const;
  t.push(one(0xa4, "movs", "Yb,Xb", str), one(0xa5, "movs", "Yv,Xv", str), one(0xa6, "cmps", "Xb,Yb", strc), one(0xa7, "cmps", "Xv,Yv", strc));
  t.push(one(0xa8, "test", "AL,Ib", { write: LOGIC_W, undef: AF, vectors: "alu" }), one(0xa9, "test", "eAX,Iv", { write: LOGIC_W, undef: AF, vectors: "alu" }));
  t.push(one(0xaa, "stos", "Yb,AL", str), one(0xab, "stos", "Yv,eAX", str), one(0xac, "lods", "AL,Xb", str), one(0xad, "lods", "eAX,Xv", str));
  t.push(one(0xae, "scas", "AL,Yb", strc), one(0xaf, "scas", "eAX,Yv", strc));
  SHIFT.forEach((name, i) => {
    t.push(one(0xc0, name, "Eb,Ib", { ...shiftFlags(i, false), reg: i }), one(0xc1, name, "Ev,Ib", { ...shiftFlags(i, false), reg: i }));
    t.push(one(0xd0, name, "Eb,one", { ...shiftFlags(i, true), reg: i }), one(0xd1, name, "Ev,one", { ...shiftFlags(i, true), reg: i }));
    t.push(one(0xd2, name, "Eb,CL", { ...shiftFlags(i, false), reg: i }), one(0xd3, name, "Ev,CL", { ...shiftFlags(i, false), reg: i }));
  });
  t.push(one(0xc2, "ret", "Iw", { end: "ends" }), one(0xc3, "ret", "", { end: "ends" }));
  t.push(one(0xc4, "les", "Gv,Mp", { form: "mem", end: "ends" }), one(0xc5, "lds", "Gv,Mp", { form: "mem", end: "ends" }));
  t.push(one(0xc6, "mov", "Eb,Ib", { reg: 0 }), one(0xc7, "mov", "Ev,Iv", { reg: 0 }));
  t.push(one(0xc8, "enter", "Iw,Ib", { size: "osize", o16: "enterw" }), one(0xc9, "leave", "", { size: "osize", o16: "leavew" }));
  t.push(one(0xca, "retf", "Iw", { end: "ends" }), one(0xcb, "retf", "", { end: "ends" }));
  t.push(one(0xcc, "int3", "", { read: ALL_FLAGS, write: TF | IF, end: "exits" }), one(0xcd, "int", "Ib", { read: ALL_FLAGS, write: TF | IF, end: "exits" }));
  t.push(one(0xce, "into", "", { read: ALL_FLAGS, write: TF | IF, end: "exits" }), one(0xcf, "iret", "", { write: ALL_FLAGS, end: "exits", size: "osize", o16: "iretw" }));
  t.push(one(0xd4, "aam", "Ib", { ...bcd, write: SF | ZF | PF, undef: OF | AF | CF }), one(0xd5, "aad", "Ib", { ...bcd, write: SF | ZF | PF, undef: OF | AF | CF }));
  t.push(one(0xd6, "salc", "", { read: CF }), one(0xd7, "xlat", "", { size: "byte", vectors: "misc" }));
  const loop = (op: number, name: string, read: number): OpcodeEntry => one(op, name, "Jb", { read, end: "ends", vectors: "misc" });
  t.push(loop(0xe0, "loopne", ZF), loop(0xe1, "loope", ZF), loop(0xe2, "loop", 0), loop(0xe3, "jecxz", 0));
  const port = { cost: "io", end: "mayStop" } as const;
  t.push(one(0xe4, "in", "AL,Ib", port), one(0xe5, "in", "eAX,Ib", port), one(0xe6, "out", "Ib,AL", port), one(0xe7, "out", "Ib,eAX", port));
  t.push(one(0xec, "in", "AL,DX", port), one(0xed, "in", "eAX,DX", port), one(0xee, "out", "DX,AL", port), one(0xef, "out", "DX,eAX", port));
  t.push(one(0xe8, "call", "Jv", { end: "ends" }), one(0xe9, "jmp", "Jv", { end: "branch" }), one(0xea, "jmp", "Ap", { ...FAR, size: "osize" }));
  t.push(one(0xeb, "jmp", "Jb", { end: "branch" }), one(0xf4, "hlt", "", { end: "exits" }));
  t.push(one(0xf5, "cmc", "", { read: CF, write: CF, vectors: "misc" }));
  const g3 = { write: LOGIC_W, undef: AF, vectors: "alu" } as const;
  const md = (reg: number, name: string, div: boolean): OpcodeEntry[] => [0xf6, 0xf7].map((op) =>
    one(op, name, op === 0xf6 ? "Eb" : "Ev", { reg, cost: "md", vectors: "muldiv", ...(div ? { undef: ARITH } : { write: CF | OF, undef: SF | ZF | AF | PF }) }));
  t.push(one(0xf6, "test", "Eb,Ib", { ...g3, reg: 0 }), one(0xf7, "test", "Ev,Iv", { ...g3, reg: 0 }));
  const alias = "F6/F7 /1 is an undocumented alias of TEST /0; not recorded";
  t.push(one(0xf6, "test", "Eb,Ib", { ...g3, reg: 1, noVectors: alias }), one(0xf7, "test", "Ev,Iv", { ...g3, reg: 1, noVectors: alias }));
  t.push(one(0xf6, "not", "Eb", { reg: 2, lock: true, vectors: "alu" }), one(0xf7, "not", "Ev", { reg: 2, lock: true, vectors: "alu" }));
  t.push(one(0xf6, "neg", "Eb", { reg: 3, lock: true, write: ARITH, vectors: "alu" }), one(0xf7, "neg", "Ev", { reg: 3, lock: true, write: ARITH, vectors: "alu" }));
  t.push(...md(4, "mul", false), ...md(5, "imul", false), ...md(6, "div", true), ...md(7, "idiv", true));
  t.push(one(0xf8, "clc", "", { write: CF, vectors: "misc" }), one(0xf9, "stc", "", { write: CF, vectors: "misc" }));
  t.push(one(0xfa, "cli", "", { write: IF }), one(0xfb, "sti", "", { write: IF, end: "mayStop" }));
  t.push(one(0xfc, "cld", "", { write: DF, vectors: "misc" }), one(0xfd, "std", "", { write: DF, vectors: "misc" }));
  const incdec = { write: OF | SF | ZF | AF | PF, lock: true, vectors: "alu" } as const;
  t.push(one(0xfe, "inc", "Eb", { ...incdec, reg: 0 }), one(0xfe, "dec", "Eb", { ...incdec, reg: 1 }));
  t.push(one(0xff, "inc", "Ev", { ...incdec, reg: 0 }), one(0xff, "dec", "Ev", { ...incdec, reg: 1 }));
  t.push(one(0xff, "call", "Ev", { reg: 2, end: "ends" }), one(0xff, "call", "Mp", { ...FAR, reg: 3, form: "mem" }));
  t.push(one(0xff, "jmp", "Ev", { reg: 4, end: "ends" }), one(0xff, "jmp", "Mp", { ...FAR, reg: 5, form: "mem" }));
  t.push(one(0xff, "push", "Ev", { reg: 6 }));
  t.push(one(0xf1, "int1", "", { end: "exits", ud: "undocumented ICEBP; not implemented" }));
  return t;
}

/** The one-byte map's rows (x87 escapes D8-DF are in opcodes-x87.ts). */
export const ONE_BYTE_ROWS: readonly OpcodeEntry[] = build();
