// One-byte opcode map of the i386: prefixes, then one handler per opcode producing a JavaScript
// fragment (out.ts). Two-byte (0F) opcodes are in translate-0f.ts. Executes nothing.
import { CS, DS, ES, FS, GS, SS } from "../cpu-state";
import { DF, STATUS } from "../flags";
import { aluOp, condExpr, condReads, imulOp, incDec, negOp, rotateBare, shiftImm, testOp } from "./alu-gen";
import { Ctx, regGet, regOperand, regSet, type ModRm, type Size } from "./context";
import { branch, flagsHelper, jump, NEAR, plain, producer, REST_CYCLES, undef, type Out } from "./out";
import { mulDivMember, peekExpr, popExpr, pushStmt, rt } from "./runtime";
import { SegMode } from "../seg-mode";
import { translate0f } from "./translate-0f";
import { translateX87 } from "../x87/decode";

/** Decodes the instruction at the context position (prefixes included). */
export function translateOne(c: Ctx, known: number): Out {
  let op: number;
  for (;;) {
    op = c.u8();
    switch (op) {
      case 0x26: c.seg = ES; continue;
      case 0x2e: c.seg = CS; continue;
      case 0x36: c.seg = SS; continue;
      case 0x3e: c.seg = DS; continue;
      case 0x64: c.seg = FS; continue;
      case 0x65: c.seg = GS; continue;
      case 0x66: c.o32 = (c.segMode & SegMode.Code32) === 0; continue;
      case 0x67: c.a32 = (c.segMode & SegMode.Code32) === 0; continue;
      case 0xf0: c.lock = true; continue;
      case 0xf2: c.rep = 2; continue;
      case 0xf3: c.rep = 1; continue;
    }
    break;
  }
  const out = op === 0x0f ? translate0f(c, c.u8(), known) : oneByte(c, op, known);
  if (c.lock && !out.lockOk) return undef();
  return out;
}

/** True when pushes and pops may use the inline flat 32-bit stack path. */
export function flatStack(c: Ctx): boolean {
  return (c.segMode & SegMode.FlatSS) !== 0 && (c.segMode & SegMode.Stack32) !== 0;
}

/** Statements pushing expression `v` (evaluated first). */
export function pushCode(c: Ctx, v: string, size: 16 | 32): string {
  if (size === 32 && flatStack(c)) return `{ const pv = ${v}; const pe = (r[4] - 4) | 0; ${c.wr(32, "pe", "pv")} r[4] = pe; }`;
  return pushStmt(size, v);
}

/** Statements popping into `set(name)`. */
export function popCode(c: Ctx, size: 16 | 32, set: (v: string) => string): string {
  if (size === 32 && flatStack(c)) return `{ const pv = ${c.rd(32, "r[4]")}; r[4] = (r[4] + 4) | 0; ${set("pv")} }`;
  return `{ const pv = ${popExpr(size)}; ${set("pv")} }`;
}

/** Masks a branch target to the operand size. */
export function target(c: Ctx, t: number): number {
  return c.o32 ? t >>> 0 : t & 0xffff;
}

function memOnly(m: ModRm): boolean {
  return !m.isReg;
}

function aluForm(c: Ctx, op: number, known: number): Out {
  const alu = op >> 3;
  const form = op & 7;
  const size: Size = form & 1 ? c.osize : 8;
  if (form < 4) {
    const m = c.modrm();
    const reg = regOperand(m.reg, size);
    if (form < 2) return producer(aluOp(alu, size, c.rm(m, size, alu !== 7), reg.get, known), { mayBreak: !m.isReg, lockOk: memOnly(m) && alu !== 7 });
    return producer(aluOp(alu, size, reg, rmRead(c, m, size), known));
  }
  const imm = c.imm(size);
  return producer(aluOp(alu, size, regOperand(0, size), String(imm), known));
}

/** Read expression of r/m (memory: with the address inline; used where no write follows). */
export function rmRead(c: Ctx, m: ModRm, size: Size): string {
  if (m.isReg) return regGet(m.rm, size);
  return c.rd(size, c.memLinear(m, size, false));
}

function grp1(c: Ctx, op: number, known: number): Out {
  const size: Size = op === 0x80 || op === 0x82 ? 8 : c.osize;
  const m = c.modrm();
  let imm: number;
  if (op === 0x81) imm = c.imm(size);
  else {
    imm = c.s8();
    if (size === 16) imm &= 0xffff;
    if (size === 8) imm &= 0xff;
  }
  const alu = m.reg;
  return producer(aluOp(alu, size, c.rm(m, size, alu !== 7), `(${imm})`, known), { mayBreak: !m.isReg, lockOk: memOnly(m) && alu !== 7 });
}

function grp2(c: Ctx, op: number): Out {
  const size: Size = op & 1 ? c.osize : 8;
  const m = c.modrm();
  let count: string;
  let imm = -1;
  if (op === 0xc0 || op === 0xc1) imm = c.u8() & 31;
  else if (op === 0xd0 || op === 0xd1) imm = 1;
  else count = "(r[1] & 255)";
  const dst = c.rm(m, size, true);
  if (imm === 0) return plain(`${dst.pre}`);
  let bare: string | null = null;
  if (imm > 0) {
    const f = shiftImm(m.reg, size, dst, imm);
    if (f) return producer(f, { mayBreak: !m.isReg });
    count = String(imm);
    // ROL/ROR of a register by a constant: the helper sets CF and OF and keeps the other flags; where no one
    // can see CF and OF (flagsDead) the block runs the rotate alone.
    if (m.isReg && (m.reg === 0 || m.reg === 1)) bare = rotateBare(m.reg === 0, size, dst, imm);
  }
  const call = `const v = s.grp2(${m.reg}, ${size}, ${dst.get}, ${count!}); ${dst.set("v")}`;
  return bare === null ? flagsHelper(`${dst.pre} ${call}`) : flagsHelper(call, { mayBreak: false, bare });
}

function grp3(c: Ctx, op: number): Out {
  const size: Size = op & 1 ? c.osize : 8;
  const m = c.modrm();
  switch (m.reg) {
    case 0:
    case 1: {
      const a = c.rm(m, size, false);
      return producer(testOp(size, a, `(${c.imm(size)})`));
    }
    case 2: {
      const d = c.rm(m, size, true);
      return { code: `${d.pre} const v = ~${d.get}; ${d.set("v")}`, mayBreak: true, lockOk: memOnly(m) };
    }
    case 3:
      return producer(negOp(size, c.rm(m, size, true)), { mayBreak: true, lockOk: memOnly(m) });
    default: {
      const code = `${rt(mulDivMember(m.reg, size))}(${rmRead(c, m, size)});`;
      if (m.reg >= 6) return { code, cls: "md" };
      return flagsHelper(code, { cls: "md" });
    }
  }
}

function stringOp(c: Ctx, op: number): Out {
  const kinds: Record<number, number> = { 0xa4: 0, 0xa5: 0, 0xa6: 1, 0xa7: 1, 0xaa: 2, 0xab: 2, 0xac: 3, 0xad: 3, 0xae: 4, 0xaf: 4, 0x6c: 5, 0x6d: 5, 0x6e: 6, 0x6f: 6 };
  const kind = kinds[op]!;
  const size: Size = op & 1 ? c.osize : 8;
  const seg = c.seg >= 0 ? c.seg : DS;
  const flags = kind === 1 || kind === 4;
  const call = `s.str(${kind}, ${size}, ${c.a32 ? 1 : 0}, ${seg}, ${c.rep}, ${c.eip}, ${c.next});`;
  const cls = kind >= 5 ? "io" : "str";
  if (c.rep !== 0) {
    if (flags) return flagsHelper(call, { term: true, setsEip: true, cls });
    return jump(call, { cls, fRead: 0 });
  }
  if (flags) return flagsHelper(call, { cls });
  return { code: call, mayBreak: true, cls, term: kind >= 5 };
}

function oneByte(c: Ctx, op: number, known: number): Out {
  if (op < 0x40 && (op & 7) < 6) return aluForm(c, op, known);
  if (op >= 0x40 && op < 0x48) return producer(incDec(false, c.osize, regOperand(op & 7, c.osize), known));
  if (op >= 0x48 && op < 0x50) return producer(incDec(true, c.osize, regOperand(op & 7, c.osize), known));
  if (op >= 0x50 && op < 0x58) return plain(pushCode(c, regGet(op & 7, c.osize), c.osize), true);
  if (op >= 0x58 && op < 0x60) return plain(popCode(c, c.osize, (v) => regSet(op & 7, c.osize, v)), true);
  if (op >= 0x70 && op < 0x80) {
    const rel = c.s8();
    const t = target(c, c.next + rel);
    return branch(condExpr(op & 15, known), t, c.next, condReads(op & 15, known));
  }
  if (op >= 0x91 && op < 0x98) {
    const sz = c.osize;
    return plain(`{ const t = ${regGet(0, sz)}; ${regSet(0, sz, regGet(op & 7, sz))} ${regSet(op & 7, sz, "t")} }`);
  }
  if (op >= 0xb0 && op < 0xb8) return plain(regSet(op & 7, 8, String(c.u8())));
  if (op >= 0xb8 && op < 0xc0) return plain(regSet(op & 7, c.osize, String(c.imm(c.osize))));
  if (op >= 0xd8 && op <= 0xdf) return translateX87(c, op);
  switch (op) {
    case 0x06: case 0x0e: case 0x16: case 0x1e:
      return plain(pushCode(c, `s.segSel[${op >> 3}]`, c.osize), true);
    case 0x07: case 0x17: case 0x1f:
      return jump(`${popCode(c, c.osize, (v) => `s.loadSeg(${op >> 3}, ${v});`)} s.eip = ${c.next};${op === 0x17 ? " s.openShadow();" : ""}`);
    case 0x27: return flagsHelper("s.daa();");
    case 0x2f: return flagsHelper("s.das();");
    case 0x37: return flagsHelper("s.aaa();");
    case 0x3f: return flagsHelper("s.aas();");
    case 0x60: return plain(`s.pusha(${c.o32});`, true);
    case 0x61: return plain(`s.popa(${c.o32});`, true);
    case 0x62: {
      const m = c.modrm();
      if (m.isReg) return undef();
      return plain(`s.bound(${regGet(m.reg, c.osize)}, ${c.memLinear(m, c.osize, false)}, ${c.osize}, ${c.eip});`);
    }
    case 0x63: {
      // ARPL r/m16, r16: raise the destination selector's RPL to the source's; ZF says whether it changed.
      const m = c.modrm();
      const d = c.rm(m, 16, true);
      return flagsHelper(`{ ${d.pre} const v = ${d.get}; const rpl = ${regGet(m.reg, 16)} & 3; if ((v & 3) < rpl) { ${d.set("(v & 0xfffc) | rpl")} s.setStatus(64, 64); } else s.setStatus(64, 0); }`);
    }
    case 0x68: return plain(pushCode(c, String(c.imm(c.osize)), c.osize), true);
    case 0x6a: { const v = c.s8(); return plain(pushCode(c, String(c.o32 ? v : v & 0xffff), c.osize), true); }
    case 0x69: case 0x6b: {
      const sz = c.osize;
      const m = c.modrm();
      const a = c.rm(m, sz, false);
      let imm = op === 0x69 ? c.imm(sz) : c.s8();
      if (sz === 16) imm &= 0xffff;
      return producer(imulOp(sz, (v) => regSet(m.reg, sz, v), a.pre, a.get, `(${imm})`), { cls: "md" });
    }
    case 0x6c: case 0x6d: case 0x6e: case 0x6f:
    case 0xa4: case 0xa5: case 0xa6: case 0xa7: case 0xaa: case 0xab: case 0xac: case 0xad: case 0xae: case 0xaf:
      return stringOp(c, op);
    case 0x80: case 0x81: case 0x82: case 0x83:
      return grp1(c, op, known);
    case 0x84: case 0x85: {
      const sz: Size = op & 1 ? c.osize : 8;
      const m = c.modrm();
      return producer(testOp(sz, c.rm(m, sz, false), regGet(m.reg, sz)));
    }
    case 0x86: case 0x87: {
      const sz: Size = op & 1 ? c.osize : 8;
      const m = c.modrm();
      const d = c.rm(m, sz, true);
      return { code: `${d.pre} const a = ${d.get}; const b = ${regGet(m.reg, sz)}; ${d.set("b")} ${regSet(m.reg, sz, "a")}`, mayBreak: true, lockOk: memOnly(m) };
    }
    case 0x88: case 0x89: {
      const sz: Size = op & 1 ? c.osize : 8;
      const m = c.modrm();
      const d = c.rm(m, sz, true);
      return plain(`${d.pre} ${d.set(regGet(m.reg, sz))}`, !m.isReg);
    }
    case 0x8a: case 0x8b: {
      const sz: Size = op & 1 ? c.osize : 8;
      const m = c.modrm();
      return plain(regSet(m.reg, sz, rmRead(c, m, sz)));
    }
    case 0x8c: {
      const m = c.modrm();
      if (m.reg > 5) return undef();
      if (m.isReg) return plain(regSet(m.rm, c.osize, `s.segSel[${m.reg}]`));
      return plain(`s.wr16(${c.memLinear(m, 16, true)}, s.segSel[${m.reg}]);`, true);
    }
    case 0x8d: {
      const m = c.modrm();
      if (m.isReg) return undef();
      return plain(regSet(m.reg, c.osize, m.off));
    }
    case 0x8e: {
      const m = c.modrm();
      if (m.reg > 5 || m.reg === CS) return undef();
      return jump(`s.loadSeg(${m.reg}, ${rmRead(c, m, 16)}); s.eip = ${c.next};${m.reg === SS ? " s.openShadow();" : ""}`);
    }
    case 0x8f: {
      const m = c.modrm();
      if (m.reg !== 0) return undef();
      const sz = c.osize;
      if (m.isReg) return plain(popCode(c, sz, (v) => regSet(m.rm, sz, v)), true);
      const w = sz >> 3;
      // The address is computed with ESP already incremented (SDM: POP m).
      return plain(
        `{ const pv = ${peekExpr(sz, 0)}; const old = r[4]; s.addSp(${w}); const ea = ${c.memLinear(m, sz, true)}; r[4] = old; ${c.wr(sz, "ea", "pv")} s.addSp(${w}); }`,
        true,
      );
    }
    case 0x90: return plain("");
    case 0x98: return plain(c.o32 ? "r[0] = ((r[0] << 16) >> 16);" : regSet(0, 16, "((r[0] << 24) >> 24)"));
    case 0x99: return plain(c.o32 ? "r[2] = r[0] >> 31;" : regSet(2, 16, "((r[0] << 16) >> 31)"));
    case 0x9a: {
      const off = c.o32 ? c.i32() : c.u16();
      const sel = c.u16();
      return jump(`s.farCall(${sel}, ${off}, ${c.next}, ${c.o32});`);
    }
    case 0x9b: return plain("s.fwait(); s.x87.pending(s.cr0);", true);
    // On a flat 32-bit stack the block pushes and pops the image itself: the helpers then leave the registers alone.
    case 0x9c:
      if (c.o32 && flatStack(c)) return { code: pushCode(c, "s.pushfValue()", 32), fRead: STATUS, mayBreak: true };
      return { code: `s.pushf(${c.o32});`, fRead: STATUS, mayBreak: true };
    // POPF ends the block only when it must (it sets brk when TF is set or IF goes from 0 to 1).
    case 0x9d:
      if (c.o32 && flatStack(c)) return flagsHelper(popCode(c, 32, (v) => `s.popfValue(${v}, true);`));
      return flagsHelper(`s.popf(${c.o32});`);
    case 0x9e: return flagsHelper("s.sahf();");
    case 0x9f: return { code: "s.lahf();", fRead: STATUS };
    case 0xa0: case 0xa1: case 0xa2: case 0xa3: {
      const sz: Size = op & 1 ? c.osize : 8;
      const off = c.a32 ? c.i32() : c.u16();
      const seg = c.seg >= 0 ? c.seg : DS;
      if (op < 0xa2) return plain(regSet(0, sz, c.rd(sz, c.linear(seg, String(off), sz, false))));
      return plain(c.wr(sz, c.linear(seg, String(off), sz, true), regGet(0, sz)), true);
    }
    case 0xa8: return producer(testOp(8, regOperand(0, 8), String(c.u8())));
    case 0xa9: return producer(testOp(c.osize, regOperand(0, c.osize), `(${c.imm(c.osize)})`));
    case 0xc0: case 0xc1: case 0xd0: case 0xd1: case 0xd2: case 0xd3:
      return grp2(c, op);
    case 0xc2: case 0xc3: {
      const imm = op === 0xc2 ? c.u16() : 0;
      if (c.o32 && flatStack(c)) return jump(`{ const t = ${c.rd(32, "r[4]")}; r[4] = (r[4] + ${4 + imm}) | 0; s.eip = t >>> 0; }`, NEAR);
      const sz = c.osize;
      return jump(`{ const t = ${peekExpr(sz, 0)}; s.addSp(${(sz >> 3) + imm}); s.eip = t >>> 0; }`, NEAR);
    }
    case 0xc4: case 0xc5: {
      const m = c.modrm();
      if (m.isReg) return undef();
      return jump(`s.loadFar(${op === 0xc4 ? ES : DS}, ${m.reg}, ${c.memLinear(m, c.osize, false)}, ${c.o32}); s.eip = ${c.next};`);
    }
    case 0xc6: case 0xc7: {
      const sz: Size = op & 1 ? c.osize : 8;
      const m = c.modrm();
      if (m.reg !== 0) return undef();
      const d = c.rm(m, sz, true);
      return plain(`${d.pre} ${d.set(String(c.imm(sz)))}`, !m.isReg);
    }
    case 0xc8: {
      const size = c.u16();
      const level = c.u8();
      return plain(`s.enter(${size}, ${level}, ${c.o32});`, true);
    }
    case 0xc9:
      if (c.o32 && flatStack(c)) return plain(`{ const v = ${c.rd(32, "r[5]")}; r[4] = (r[5] + 4) | 0; r[5] = v; }`);
      return plain(`s.leave(${c.o32});`);
    case 0xca: case 0xcb: {
      const imm = op === 0xca ? c.u16() : 0;
      return jump(`s.farRet(${imm}, ${c.o32});`);
    }
    case 0xcc: return jump(`s.softInt(3, ${c.next}, ${c.eip});`, { fRead: STATUS });
    case 0xcd: { const v = c.u8(); return jump(`s.softInt(${v}, ${c.next}, ${c.eip});`, { fRead: STATUS }); }
    case 0xce: return jump(`if (s.cond(0)) s.softInt(4, ${c.next}, ${c.eip}); else s.eip = ${c.next};`, { fRead: STATUS });
    case 0xcf: return flagsHelper(`s.iret(${c.o32}, ${c.next});`, { term: true, setsEip: true });
    case 0xd4: { const v = c.u8(); return flagsHelper(`s.aam(${v});`); }
    case 0xd5: { const v = c.u8(); return flagsHelper(`s.aad(${v});`); }
    case 0xd6: return { code: "r[0] = (r[0] & -256) | (s.getCF() ? 255 : 0);", fRead: STATUS };
    case 0xd7: {
      const off = c.a32 ? "((r[3] + (r[0] & 255)) | 0)" : "((r[3] + (r[0] & 255)) & 65535)";
      return plain(regSet(0, 8, c.rd(8, c.linear(c.seg >= 0 ? c.seg : DS, off, 8, false))));
    }
    case 0xe0: case 0xe1: case 0xe2: case 0xe3: {
      const rel = c.s8();
      const t = target(c, c.next + rel);
      const cnt = c.a32 ? "r[1]" : "(r[1] & 65535)";
      if (op === 0xe3) return jump(`s.eip = ${cnt} === 0 ? ${t} : ${c.next};`, NEAR);
      const dec = c.a32 ? "const n = (r[1] - 1) | 0; r[1] = n;" : "const n = (r[1] - 1) & 65535; r[1] = (r[1] & -65536) | n;";
      const extra = op === 0xe0 ? ` && !${condExpr(4, known)}` : op === 0xe1 ? ` && ${condExpr(4, known)}` : "";
      return jump(`{ ${dec} s.eip = n !== 0${extra} ? ${t} : ${c.next}; }`, { fRead: op === 0xe2 ? 0 : condReads(4, known), near: true });
    }
    case 0xe4: case 0xe5: case 0xec: case 0xed: {
      const sz: Size = op & 1 ? c.osize : 8;
      const port = op < 0xe8 ? String(c.u8()) : "(r[2] & 65535)";
      return { code: `${regSet(0, sz, `s.ioInAt(${port}, ${sz >> 3}, ${REST_CYCLES})`)}`, mayBreak: true, cls: "io" };
    }
    case 0xe6: case 0xe7: case 0xee: case 0xef: {
      const sz: Size = op & 1 ? c.osize : 8;
      const port = op < 0xe8 ? String(c.u8()) : "(r[2] & 65535)";
      return { code: `s.ioOutAt(${port}, ${sz >> 3}, ${regGet(0, sz)}, ${REST_CYCLES});`, mayBreak: true, cls: "io" };
    }
    case 0xe8: {
      const rel = c.o32 ? c.i32() : c.s16();
      const t = target(c, c.next + rel);
      const push = pushCode(c, String(c.next), c.osize);
      return jump(`${push} s.eip = ${t};`, { call: { target: t, push }, near: true });
    }
    case 0xe9: case 0xeb: {
      const rel = op === 0xeb ? c.s8() : c.o32 ? c.i32() : c.s16();
      return branch("true", target(c, c.next + rel), c.next, 0);
    }
    case 0xea: {
      const off = c.o32 ? c.i32() : c.u16();
      const sel = c.u16();
      return jump(`s.farJmp(${sel}, ${off}, ${c.next});`);
    }
    case 0xf4: return jump(`s.hlt(${c.next});`);
    case 0xf5: return flagsHelper("s.cmc();");
    case 0xf6: case 0xf7: return grp3(c, op);
    case 0xf8: return flagsHelper("s.clc();");
    case 0xf9: return flagsHelper("s.stc();");
    case 0xfa: return plain("s.cli();");
    // STI ends the block only when it opens an interrupt shadow (IF was 0): it sets brk then.
    case 0xfb: return plain("s.sti();", true);
    case 0xfc: return plain(`s.fl &= ${~DF};`);
    case 0xfd: return plain(`s.fl |= ${DF};`);
    case 0xfe: {
      const m = c.modrm();
      if (m.reg > 1) return undef();
      return producer(incDec(m.reg === 1, 8, c.rm(m, 8, true), known), { mayBreak: !m.isReg, lockOk: memOnly(m) });
    }
    case 0xff: return grp5(c, known);
    default:
      return undef();
  }
}

function grp5(c: Ctx, known: number): Out {
  const m = c.modrm();
  const sz = c.osize;
  switch (m.reg) {
    case 0:
    case 1:
      return producer(incDec(m.reg === 1, sz, c.rm(m, sz, true), known), { mayBreak: !m.isReg, lockOk: memOnly(m) });
    case 2: {
      const t = sz === 32 ? "t >>> 0" : "t & 65535";
      return jump(`{ const t = ${rmRead(c, m, sz)}; ${pushCode(c, String(c.next), sz)} s.eip = ${t}; }`, NEAR);
    }
    case 4: {
      const t = sz === 32 ? "t >>> 0" : "t & 65535";
      return jump(`{ const t = ${rmRead(c, m, sz)}; s.eip = ${t}; }`, NEAR);
    }
    case 3:
    case 5: {
      if (m.isReg) return undef();
      const lin = c.memLinear(m, sz, false);
      const w = sz >> 3;
      const sel = `s.rd16((${lin} + ${w}) | 0)`;
      if (m.reg === 3) return jump(`{ const ea = ${lin}; s.farCall(${sel.replace(lin, "ea")}, ${c.rd(sz, "ea")}, ${c.next}, ${c.o32}); }`);
      return jump(`{ const ea = ${lin}; s.farJmp(${sel.replace(lin, "ea")}, ${c.rd(sz, "ea")}, ${c.next}); }`);
    }
    case 6:
      return plain(pushCode(c, rmRead(c, m, sz), sz), true);
    default:
      return undef();
  }
}

