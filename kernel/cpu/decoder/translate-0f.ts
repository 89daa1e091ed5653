// Two-byte (0F xx) opcode map: system instructions, Jcc rel32, SETcc, CMOVcc, bit operations,
// SHLD/SHRD, MOVZX/MOVSX, CMPXCHG/XADD/CMPXCHG8B, BSWAP, CPUID, RDTSC, RDMSR/WRMSR, SYSENTER/SYSEXIT. x87/MMX/SSE space is #UD.
import { FS, GS, SS } from "../cpu-state";
import { Lazy, STATUS, packKind } from "../flags";
import { condExpr, condReads, imulOp, storeFor } from "./alu-gen";
import { Ctx, regGet, regOperand, regSet, sext, type ModRm, type Size } from "./context";
import { branch, flagsHelper, jump, plain, producer, undef, type Out } from "./out";
import { rt } from "./runtime";
import { popCode, pushCode, rmRead, target } from "./translate";
import { translateFxsr } from "../x87/decode";

/** Decodes the byte after 0F. */
export function translate0f(c: Ctx, op: number, known: number): Out {
  if (op >= 0x80 && op < 0x90) {
    const rel = c.o32 ? c.i32() : c.s16();
    const t = target(c, c.next + rel);
    return branch(condExpr(op & 15, known), t, c.next, condReads(op & 15, known));
  }
  if (op >= 0x40 && op < 0x50) {
    const m = c.modrm();
    const sz = c.osize;
    return { code: `{ const v = ${rmRead(c, m, sz)}; if (${condExpr(op & 15, known)}) { ${regSet(m.reg, sz, "v")} } }`, fRead: condReads(op & 15, known) };
  }
  if (op >= 0x90 && op < 0xa0) {
    const m = c.modrm();
    const d = c.rm(m, 8, true);
    return { code: `${d.pre} ${d.set(`(${condExpr(op & 15, known)} ? 1 : 0)`)}`, fRead: condReads(op & 15, known), mayBreak: !m.isReg };
  }
  if (op >= 0xc8 && op <= 0xcf) {
    const i = op & 7;
    return plain(`{ const x = r[${i}]; r[${i}] = (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24); }`);
  }
  if (op >= 0x18 && op <= 0x1f) {
    c.modrm();
    return plain("");
  }
  switch (op) {
    case 0x00: return grp6(c);
    case 0x01: return grp7(c);
    case 0x02: case 0x03: {
      const m = c.modrm();
      const q = op === 0x02 ? "lar" : "lsl";
      return flagsHelper(`{ const v = s.descQuery("${q}", ${rmRead(c, m, 16)}); if (v !== undefined) { ${regSet(m.reg, c.osize, "v")} } }`);
    }
    case 0x06: return plain("s.clts();");
    case 0x08: case 0x09: return plain("s.privCheck();");
    case 0x20: case 0x21: case 0x22: case 0x23: {
      // MOV to/from CRn/DRn: always register operands; the mod bits are ignored (SDM vol. 2B, MOV—Move
      // to/from Control Registers), so no SIB or displacement follows whatever mod says.
      const b = c.u8();
      const m = { reg: (b >> 3) & 7, rm: b & 7 };
      const dr = (op & 1) !== 0;
      if (op < 0x22) return plain(`r[${m.rm}] = ${rt(dr ? "movFromDr" : "movFromCr")}(${m.reg});`);
      return jump(`${rt(dr ? "movToDr" : "movToCr")}(${m.reg}, r[${m.rm}]); s.eip = ${c.next};`);
    }
    case 0x30: return jump(`s.wrmsr(); s.eip = ${c.next};`);
    case 0x32: return plain("s.rdmsr();");
    case 0x33: return plain("s.rdpmc();");
    case 0x34: return jump("s.sysenter();");
    case 0x35: return jump("s.sysexit();");
    case 0x31: return { code: "s.rdtsc();", term: true, mayBreak: true };
    case 0xa0: case 0xa8: return plain(pushCode(c, `s.segSel[${op === 0xa0 ? FS : GS}]`, c.osize), true);
    case 0xa1: case 0xa9:
      return jump(`${popCode(c, c.osize, (v) => `s.loadSeg(${op === 0xa1 ? FS : GS}, ${v});`)} s.eip = ${c.next};`);
    case 0xa2: return plain("s.cpuid();");
    case 0xa3: case 0xab: case 0xb3: case 0xbb: return bitOp(c, [0xa3, 0xab, 0xb3, 0xbb].indexOf(op));
    case 0xba: {
      const m = c.modrm();
      if (m.reg < 4) return undef();
      return bitOpM(c, m, m.reg - 4, c.u8());
    }
    case 0xa4: case 0xa5: case 0xac: case 0xad: {
      const sz = c.osize;
      const m = c.modrm();
      const d = c.rm(m, sz, true);
      const count = op & 1 ? "(r[1] & 31)" : String(c.u8() & 31);
      const name = rt(op < 0xa8 ? "shld" : "shrd");
      return flagsHelper(`${d.pre} const v = ${name}(${sz}, ${d.get}, ${regGet(m.reg, sz)}, ${count}); ${d.set("v")}`);
    }
    case 0xae: {
      const m = c.modrm();
      return translateFxsr(c, m) ?? undef();
    }
    case 0xaf: {
      const sz = c.osize;
      const m = c.modrm();
      const a = c.rm(m, sz, false);
      return producer(imulOp(sz, (v) => regSet(m.reg, sz, v), a.pre, regGet(m.reg, sz), a.get), { cls: "md" });
    }
    case 0xb0: case 0xb1: {
      const sz: Size = op & 1 ? c.osize : 8;
      const m = c.modrm();
      const d = c.rm(m, sz, true);
      const k = packKind(Lazy.Sub, sz);
      return {
        code: `${d.pre} const a = ${regGet(0, sz)}; const b = ${d.get}; const v = (a - b) | 0; if (v << ${32 - sz} === 0) { ${d.set(regGet(m.reg, sz))} } else { ${m.isReg ? "" : d.set("b")} ${regSet(0, sz, "b")} } lk = ${k}; la = a; lb = b; lr = v;`,
        store: storeFor(Lazy.Sub),
        producer: k,
        fWrite: STATUS,
        mayBreak: true,
        lockOk: !m.isReg,
      };
    }
    case 0xb2: case 0xb4: case 0xb5: {
      const m = c.modrm();
      if (m.isReg) return undef();
      const seg = op === 0xb2 ? SS : op === 0xb4 ? FS : GS;
      return jump(`s.loadFar(${seg}, ${m.reg}, ${c.memLinear(m, c.osize, false)}, ${c.o32}); s.eip = ${c.next};`);
    }
    case 0xb6: case 0xb7: case 0xbe: case 0xbf: {
      const src: Size = op & 1 ? 16 : 8;
      const m = c.modrm();
      const v = rmRead(c, m, src);
      return plain(regSet(m.reg, c.osize, op >= 0xbe ? sext(v, src) : v));
    }
    case 0xbc: case 0xbd: {
      const sz = c.osize;
      const m = c.modrm();
      return flagsHelper(`{ const v = ${rt(op === 0xbc ? "bsf" : "bsr")}(${sz}, ${rmRead(c, m, sz)}, ${regGet(m.reg, sz)}); ${regSet(m.reg, sz, "v")} }`);
    }
    case 0xc0: case 0xc1: {
      const sz: Size = op & 1 ? c.osize : 8;
      const m = c.modrm();
      const d = c.rm(m, sz, true);
      const k = packKind(Lazy.Add, sz);
      return {
        code: `${d.pre} const a = ${d.get}; const b = ${regGet(m.reg, sz)}; const v = (a + b) | 0; ${d.set("v")} ${regSet(m.reg, sz, "a")} lk = ${k}; la = a; lb = b; lr = v;`,
        store: storeFor(Lazy.Add),
        producer: k,
        fWrite: STATUS,
        mayBreak: true,
        lockOk: !m.isReg,
      };
    }
    case 0xc7: {
      const m = c.modrm();
      if (m.reg !== 1 || m.isReg) return undef();
      return flagsHelper(`s.cmpxchg8b(${c.memLinear(m, 32, true)});`, { lockOk: true });
    }
    default:
      return undef();
  }
}

function bitOp(c: Ctx, kind: number): Out {
  return bitOpM(c, c.modrm(), kind, -1);
}

/** BT/BTS/BTR/BTC (kind 0..3) with a register bit offset (imm < 0) or an immediate one. */
function bitOpM(c: Ctx, m: ModRm, kind: number, imm: number): Out {
  const sz = c.osize;
  const lockOk = kind !== 0 && !m.isReg;
  if (m.isReg) {
    const bit = imm >= 0 ? String(imm & (sz - 1)) : `(${regGet(m.reg, sz)} & ${sz - 1})`;
    const d = regOperand(m.rm, sz);
    return flagsHelper(`{ const v = s.bt(${kind}, ${d.get}, ${bit}); ${kind ? d.set("v") : ""} }`);
  }
  let off = m.off;
  let bit: string;
  if (imm >= 0) bit = String(imm & (sz - 1));
  else {
    const rv = sz === 32 ? `r[${m.reg}]` : `((r[${m.reg}] << 16) >> 16)`;
    const shift = sz === 32 ? 5 : 4;
    off = `((${m.off} + ((${rv} >> ${shift}) << ${shift - 3})) | 0)`;
    if (!c.a32) off = `(${off} & 65535)`;
    bit = `(r[${m.reg}] & ${sz - 1})`;
  }
  const lin = c.linear(c.segOf(m), off, sz, kind !== 0);
  return flagsHelper(`{ const ea = ${lin}; const v = s.bt(${kind}, ${c.rd(sz, "ea")}, ${bit}); ${kind ? c.wr(sz, "ea", "v") : ""} }`, { lockOk });
}

function grp6(c: Ctx): Out {
  const m = c.modrm();
  switch (m.reg) {
    case 0:
    case 1: {
      const v = m.reg === 0 ? "s.ldtSel" : "s.trSel";
      if (m.isReg) return plain(regSet(m.rm, c.osize, v));
      return plain(`s.wr16(${c.memLinear(m, 16, true)}, ${v});`, true);
    }
    case 2:
      return jump(`s.lldt(${rmRead(c, m, 16)}); s.eip = ${c.next};`);
    case 3:
      return jump(`s.ltr(${rmRead(c, m, 16)}); s.eip = ${c.next};`);
    case 4:
    case 5:
      return flagsHelper(`s.descQuery("${m.reg === 4 ? "verr" : "verw"}", ${rmRead(c, m, 16)});`);
    default:
      return undef();
  }
}

function grp7(c: Ctx): Out {
  const m = c.modrm();
  if (m.isReg) {
    if (m.reg === 4) return plain(regSet(m.rm, c.osize, "s.smsw()"));
    if (m.reg === 6) return jump(`s.lmsw(${regGet(m.rm, 16)}); s.eip = ${c.next};`);
    return undef();
  }
  switch (m.reg) {
    case 0:
    case 1:
      return plain(`s.sdt(${m.reg}, ${c.memLinear(m, 32, true)});`, true);
    case 2:
    case 3:
      return plain(`s.ldt_(${m.reg}, ${c.memLinear(m, 32, false)}, ${c.o32});`);
    case 4:
      return plain(`s.wr16(${c.memLinear(m, 16, true)}, s.smsw());`, true);
    case 6:
      return jump(`s.lmsw(${rmRead(c, m, 16)}); s.eip = ${c.next};`);
    case 7: {
      const seg = c.segOf(m);
      const lin = (c.segMode & (1 << seg)) !== 0 ? m.off : `((s.segBase[${seg}] + ${m.off}) | 0)`;
      return jump(`s.invlpg(${lin}); s.eip = ${c.next};`);
    }
    default:
      return undef();
  }
}

