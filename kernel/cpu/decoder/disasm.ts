// A minimal i386 disassembler for block dumps (`boot --dump-blocks`): the mnemonic of each opcode (ModRM
// groups resolved by their reg field), with prefixes named. Operands are not decoded: the dump prints the
// instruction bytes next to the mnemonic. Pure; the decoder proper is translate*.ts.

const CC = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];
const ALU = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"];
const SHIFT = ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"];
const GRP3 = ["test", "test", "not", "neg", "mul", "imul", "div", "idiv"];
const GRP5 = ["inc", "dec", "call", "callf", "jmp", "jmpf", "push", "(bad)"];
const PREFIX: Readonly<Record<number, string>> = {
  0x26: "es", 0x2e: "cs", 0x36: "ss", 0x3e: "ds", 0x64: "fs", 0x65: "gs", 0x66: "o16", 0x67: "a16", 0xf0: "lock", 0xf2: "repne", 0xf3: "rep",
};

/** Mnemonics of the one-byte opcodes that do not depend on ModRM.reg (index = opcode). */
const ONE: readonly string[] = (() => {
  const t: string[] = new Array<string>(256).fill("");
  for (let op = 0; op < 0x40; op++) if ((op & 7) < 6) t[op] = ALU[op >> 3]!;
  Object.assign(t, { 0x06: "push es", 0x07: "pop es", 0x0e: "push cs", 0x16: "push ss", 0x17: "pop ss", 0x1e: "push ds", 0x1f: "pop ds" });
  Object.assign(t, { 0x27: "daa", 0x2f: "das", 0x37: "aaa", 0x3f: "aas" });
  for (let i = 0; i < 8; i++) {
    t[0x40 + i] = "inc";
    t[0x48 + i] = "dec";
    t[0x50 + i] = "push";
    t[0x58 + i] = "pop";
    t[0x90 + i] = i === 0 ? "nop" : "xchg";
    t[0xb0 + i] = "mov";
    t[0xb8 + i] = "mov";
  }
  for (let i = 0; i < 16; i++) t[0x70 + i] = `j${CC[i]!}`;
  Object.assign(t, {
    0x60: "pusha", 0x61: "popa", 0x62: "bound", 0x63: "arpl", 0x68: "push", 0x69: "imul", 0x6a: "push", 0x6b: "imul",
    0x6c: "insb", 0x6d: "ins", 0x6e: "outsb", 0x6f: "outs", 0x84: "test", 0x85: "test", 0x86: "xchg", 0x87: "xchg",
    0x88: "mov", 0x89: "mov", 0x8a: "mov", 0x8b: "mov", 0x8c: "mov", 0x8d: "lea", 0x8e: "mov", 0x8f: "pop",
    0x98: "cwde", 0x99: "cdq", 0x9a: "callf", 0x9b: "fwait", 0x9c: "pushf", 0x9d: "popf", 0x9e: "sahf", 0x9f: "lahf",
    0xa0: "mov", 0xa1: "mov", 0xa2: "mov", 0xa3: "mov", 0xa4: "movsb", 0xa5: "movs", 0xa6: "cmpsb", 0xa7: "cmps",
    0xa8: "test", 0xa9: "test", 0xaa: "stosb", 0xab: "stos", 0xac: "lodsb", 0xad: "lods", 0xae: "scasb", 0xaf: "scas",
    0xc2: "ret", 0xc3: "ret", 0xc4: "les", 0xc5: "lds", 0xc6: "mov", 0xc7: "mov", 0xc8: "enter", 0xc9: "leave",
    0xca: "retf", 0xcb: "retf", 0xcc: "int3", 0xcd: "int", 0xce: "into", 0xcf: "iret", 0xd4: "aam", 0xd5: "aad",
    0xd6: "salc", 0xd7: "xlat", 0xe0: "loopne", 0xe1: "loope", 0xe2: "loop", 0xe3: "jecxz", 0xe4: "in", 0xe5: "in",
    0xe6: "out", 0xe7: "out", 0xe8: "call", 0xe9: "jmp", 0xea: "jmpf", 0xeb: "jmp", 0xec: "in", 0xed: "in",
    0xee: "out", 0xef: "out", 0xf1: "int1", 0xf4: "hlt", 0xf5: "cmc", 0xf8: "clc", 0xf9: "stc", 0xfa: "cli",
    0xfb: "sti", 0xfc: "cld", 0xfd: "std",
  });
  for (let op = 0xd8; op <= 0xdf; op++) t[op] = "x87";
  return t;
})();

/** Two-byte (0F xx) mnemonics that do not depend on ModRM.reg. */
const TWO: Readonly<Record<number, string>> = (() => {
  const t: Record<number, string> = {
    0x00: "sldt/str/lldt/ltr/verr/verw", 0x01: "sgdt/sidt/lgdt/lidt/smsw/lmsw/invlpg", 0x02: "lar", 0x03: "lsl",
    0x06: "clts", 0x08: "invd", 0x09: "wbinvd", 0x0b: "ud2", 0x20: "mov", 0x21: "mov", 0x22: "mov", 0x23: "mov",
    0x30: "wrmsr", 0x31: "rdtsc", 0x32: "rdmsr", 0x33: "rdpmc", 0x34: "sysenter", 0x35: "sysexit", 0xa0: "push fs",
    0xa1: "pop fs", 0xa2: "cpuid", 0xa3: "bt", 0xa4: "shld", 0xa5: "shld", 0xa8: "push gs", 0xa9: "pop gs",
    0xab: "bts", 0xac: "shrd", 0xad: "shrd", 0xae: "fxsave/fxrstor", 0xaf: "imul", 0xb0: "cmpxchg", 0xb1: "cmpxchg",
    0xb2: "lss", 0xb3: "btr", 0xb4: "lfs", 0xb5: "lgs", 0xb6: "movzx", 0xb7: "movzx", 0xba: "bt/bts/btr/btc",
    0xbb: "btc", 0xbc: "bsf", 0xbd: "bsr", 0xbe: "movsx", 0xbf: "movsx", 0xc0: "xadd", 0xc1: "xadd", 0xc7: "cmpxchg8b",
  };
  for (let i = 0; i < 16; i++) {
    t[0x40 + i] = `cmov${CC[i]!}`;
    t[0x80 + i] = `j${CC[i]!}`;
    t[0x90 + i] = `set${CC[i]!}`;
  }
  for (let i = 0; i < 8; i++) t[0xc8 + i] = "bswap";
  return t;
})();

/** The mnemonic of the instruction in `bytes` (prefixes first), e.g. "rep movs" or "add". */
export function mnemonic(bytes: ArrayLike<number>): string {
  const pre: string[] = [];
  let i = 0;
  while (i < bytes.length && PREFIX[bytes[i]!] !== undefined) pre.push(PREFIX[bytes[i++]!]!);
  const op = bytes[i];
  if (op === undefined) return [...pre, "(truncated)"].join(" ");
  const reg = ((bytes[i + 1] ?? 0) >> 3) & 7;
  let name: string;
  if (op === 0x0f) {
    const op2 = bytes[i + 1];
    name = op2 === undefined ? "(truncated)" : (TWO[op2] ?? `(bad 0f ${op2.toString(16).padStart(2, "0")})`);
  } else if (op >= 0x80 && op <= 0x83) name = ALU[reg]!;
  else if (op === 0xc0 || op === 0xc1 || (op >= 0xd0 && op <= 0xd3)) name = SHIFT[reg]!;
  else if (op === 0xf6 || op === 0xf7) name = GRP3[reg]!;
  else if (op === 0xfe) name = reg < 2 ? GRP5[reg]! : "(bad)";
  else if (op === 0xff) name = GRP5[reg]!;
  else name = ONE[op] || "(bad)";
  return [...pre, name].join(" ");
}

/** One listing line: EIP, the bytes in hex and the mnemonic. */
export function disasmLine(eip: number, bytes: ArrayLike<number>): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
  return `${(eip >>> 0).toString(16).padStart(8, "0")}  ${hex.padEnd(30)} ${mnemonic(bytes)}`;
}
