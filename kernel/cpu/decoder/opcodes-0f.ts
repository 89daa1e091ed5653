// Rows of the two-byte (0F xx) opcode map (Intel SDM vol. 2 table A-3 and groups 6, 7, 8, 9, 15, 16):
// every encoding translate-0f.ts implements. MMX/SSE space and the later processors' opcodes are not
// rows, so they decode as #UD (kernel/cpu/README.md lists them).
import { AF, CF, OF, PF, SF, ZF, ccFlags } from "../flags";
import { ARITH, CC_NAMES, row, type OpcodeEntry, type RowOpts } from "./opcodes";

function two(op: number, mnemonic: string, operands: string, o: RowOpts = {}): OpcodeEntry {
  return row("0f", op, mnemonic, operands, o);
}

function build(): OpcodeEntry[] {
  const t: OpcodeEntry[] = [];
  const grp6 = ["sldt", "str", "lldt", "ltr", "verr", "verw"];
  grp6.forEach((name, reg) => {
    const store = reg < 2;
    t.push(two(0x00, name, store ? "Ev" : "Ew", {
      reg, size: "word", ...(reg === 2 || reg === 3 ? { end: "ends" } : {}), ...(reg >= 4 ? { write: ZF } : {}),
    }));
  });
  // objdump spells the 32-bit forms with a "d" (sgdtd); the operand is 6 bytes either way.
  ["sgdt", "sidt", "lgdt", "lidt"].forEach((name, reg) => t.push(two(0x01, `${name}d`, "Ms", { reg, form: "mem", size: "osize", o16: `${name}w` })));
  t.push(two(0x01, "smsw", "Ev", { reg: 4, size: "word" }), two(0x01, "lmsw", "Ew", { reg: 6, end: "ends" }));
  t.push(two(0x01, "invlpg", "Mb", { reg: 7, form: "mem", end: "ends" }));
  t.push(two(0x02, "lar", "Gv,Ev", { write: ZF, size: "word" }), two(0x03, "lsl", "Gv,Ev", { write: ZF, size: "word" }));
  t.push(two(0x06, "clts", ""), two(0x08, "invd", ""), two(0x09, "wbinvd", ""));
  ["prefetchnta", "prefetcht0", "prefetcht1", "prefetcht2"].forEach((name, reg) => t.push(two(0x18, name, "Mb", { reg, form: "mem" })));
  for (let reg = 4; reg < 8; reg++) t.push(two(0x18, "nop", "Ev", { reg }));
  t.push(two(0x18, "nop", "Ev", { reg: 0, form: "reg" }), two(0x18, "nop", "Ev", { reg: 1, form: "reg" }));
  t.push(two(0x18, "nop", "Ev", { reg: 2, form: "reg" }), two(0x18, "nop", "Ev", { reg: 3, form: "reg" }));
  for (let op = 0x19; op <= 0x1f; op++) t.push(two(op, "nop", "Ev"));
  t.push(two(0x20, "mov", "Rd,Cd"), two(0x21, "mov", "Rd,Dd"), two(0x22, "mov", "Cd,Rd", { end: "ends" }), two(0x23, "mov", "Dd,Rd", { end: "ends" }));
  t.push(two(0x30, "wrmsr", "", { end: "ends" }), two(0x31, "rdtsc", "", { end: "ends" }), two(0x32, "rdmsr", ""), two(0x33, "rdpmc", ""));
  t.push(two(0x34, "sysenter", "", { end: "ends" }), two(0x35, "sysexit", "", { end: "ends" }));
  for (let cc = 0; cc < 16; cc++) {
    const name = CC_NAMES[cc]!;
    t.push(two(0x40 + cc, `cmov${name}`, "Gv,Ev", { read: ccFlags(cc), vectors: "misc" }));
    t.push(two(0x80 + cc, `j${name}`, "Jv", { read: ccFlags(cc), end: "branch", vectors: "misc" }));
    t.push(two(0x90 + cc, `set${name}`, "Eb", { read: ccFlags(cc), vectors: "misc" }));
  }
  t.push(two(0xa0, "push", "FS", { size: "osize", o16: "pushw" }), two(0xa1, "pop", "FS", { size: "osize", o16: "popw", end: "ends" }));
  t.push(two(0xa8, "push", "GS", { size: "osize", o16: "pushw" }), two(0xa9, "pop", "GS", { size: "osize", o16: "popw", end: "ends" }));
  t.push(two(0xa2, "cpuid", ""));
  const bt = { write: CF, undef: OF | SF | AF | PF, vectors: "bit" } as const;
  t.push(two(0xa3, "bt", "Ev,Gv", bt), two(0xab, "bts", "Ev,Gv", { ...bt, lock: true }));
  t.push(two(0xb3, "btr", "Ev,Gv", { ...bt, lock: true }), two(0xbb, "btc", "Ev,Gv", { ...bt, lock: true }));
  ["bt", "bts", "btr", "btc"].forEach((name, k) => t.push(two(0xba, name, "Ev,Ib", { ...bt, reg: 4 + k, lock: k > 0 })));
  const dbl = { write: CF | SF | ZF | PF, undef: OF | AF, vectors: "shift" } as const;
  t.push(two(0xa4, "shld", "Ev,Gv,Ib", dbl), two(0xa5, "shld", "Ev,Gv,CL", dbl), two(0xac, "shrd", "Ev,Gv,Ib", dbl), two(0xad, "shrd", "Ev,Gv,CL", dbl));
  t.push(two(0xae, "fxsave", "Mn", { reg: 0, form: "mem", cost: "x87ctl" }), two(0xae, "fxrstor", "Mn", { reg: 1, form: "mem", cost: "x87ctl" }));
  t.push(two(0xaf, "imul", "Gv,Ev", { write: CF | OF, undef: SF | ZF | AF | PF, cost: "md", vectors: "muldiv" }));
  t.push(two(0xb0, "cmpxchg", "Eb,Gb", { write: ARITH, lock: true, vectors: "misc" }), two(0xb1, "cmpxchg", "Ev,Gv", { write: ARITH, lock: true, vectors: "misc" }));
  t.push(two(0xb2, "lss", "Gv,Mp", { form: "mem", end: "ends" }), two(0xb4, "lfs", "Gv,Mp", { form: "mem", end: "ends" }), two(0xb5, "lgs", "Gv,Mp", { form: "mem", end: "ends" }));
  t.push(two(0xb6, "movzx", "Gv,Eb", { vectors: "misc" }), two(0xb7, "movzx", "Gv,Ew", { vectors: "misc" }));
  t.push(two(0xbe, "movsx", "Gv,Eb", { vectors: "misc" }), two(0xbf, "movsx", "Gv,Ew", { vectors: "misc" }));
  const bs = { write: ZF, undef: CF | OF | SF | AF | PF, vectors: "bit" } as const;
  t.push(two(0xbc, "bsf", "Gv,Ev", bs), two(0xbd, "bsr", "Gv,Ev", bs));
  t.push(two(0xc0, "xadd", "Eb,Gb", { write: ARITH, lock: true, vectors: "misc" }), two(0xc1, "xadd", "Ev,Gv", { write: ARITH, lock: true, vectors: "misc" }));
  t.push(two(0xc7, "cmpxchg8b", "Mq", { reg: 1, form: "mem", write: ZF, lock: true, vectors: "misc" }));
  const noEsp = "ESP is the recording harness's stack pointer: never an operand";
  for (let r = 0; r < 8; r++) t.push(two(0xc8 + r, "bswap", "Zd", { vectors: "bit", ...(r === 4 ? { noVectors: noEsp } : {}) }));
  // Named encodings that raise #UD (kernel/cpu/README.md, "what still raises #UD"): listed so that the
  // disassembler names them; the consistency test checks that they do raise #UD.
  const ud = (op: number, name: string, operands: string, why: string): OpcodeEntry => two(op, name, operands, { end: "exits", ud: why });
  t.push(ud(0x05, "syscall", "", "later processors' instruction, not in CPUID"), ud(0x07, "sysret", "", "later processors' instruction, not in CPUID"));
  t.push(ud(0x0b, "ud2", "", "#UD by definition"), ud(0xb9, "ud1", "Gv,Ev", "#UD by definition"), ud(0xff, "ud0", "Gv,Ev", "#UD by definition"));
  t.push(ud(0xaa, "rsm", "", "only valid in SMM, which does not exist here"));
  return t;
}

/** The 0F map's rows. */
export const TWO_BYTE_ROWS: readonly OpcodeEntry[] = build();
