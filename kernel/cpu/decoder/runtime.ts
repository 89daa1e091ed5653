// What compiled block code may touch: the BlockRuntime is the part of the Cpu a block function gets as
// `s`. Fragment generators name members only through `rt()` and the size tables below, so the compiler
// checks every name the generated JavaScript uses (no `s.rd${size}` assembled from strings).
import type { Cpu } from "../cpu";
import type { T_SUP, T_USR } from "../mmu";
import type { Size } from "./context";

/** Every Cpu member generated code may use (block-builder tests check generated code against it). */
export const RUNTIME_MEMBERS = [
  // registers, EIP, lazy flags, budget and block bookkeeping
  "r", "eip", "fl", "fK", "fA", "fB", "fR", "fC", "left", "instructions", "brk", "fi", "openShadow",
  "segSel", "segBase", "cr0", "x87",
  // block exits and flags
  "ex", "fixFlags", "cond", "getCF", "cfOf", "setStatus",
  // memory (tlbR/tlbW/m8/m32/winBase/winBytes: only through memoryLocals, for the inline hits of rdExpr/wrStmt)
  "rd8", "rd16", "rd32", "wr8", "wr16", "wr32", "segChk", "tlbR", "tlbW", "m8", "m32", "winBase", "winBytes",
  "push16", "push32", "pop16", "pop32", "peek16", "peek32", "addSp", "pusha", "popa", "pushf", "popf", "pushfValue", "popfValue",
  "enter", "leave", "bound", "str",
  // arithmetic helpers
  "mul8", "mul16", "mul32", "imul8", "imul16", "imul32", "div8", "div16", "div32", "idiv8", "idiv16", "idiv32",
  "grp2", "shld", "shrd", "bt", "bsf", "bsr", "cmpxchg8b", "daa", "das", "aaa", "aas", "aam", "aad",
  "cmc", "clc", "stc", "sahf", "lahf",
  // control transfers, interrupts, system
  "raise", "softInt", "farJmp", "farCall", "farRet", "iret", "hlt", "cli", "sti", "ioInAt", "ioOutAt",
  "loadSeg", "loadFar", "privCheck", "movToCr", "movFromCr", "movToDr", "movFromDr", "lmsw", "smsw", "clts",
  "sdt", "ldt_", "lldt", "ltr", "ldtSel", "trSel", "descQuery", "invlpg", "cpuid", "rdtsc", "rdmsr",
  "wrmsr", "rdpmc", "sysenter", "sysexit", "fwait",
] as const;

export type RuntimeMember = (typeof RUNTIME_MEMBERS)[number];

/** The CPU as compiled block code sees it. */
export type BlockRuntime = Pick<Cpu, RuntimeMember>;

/** A compiled block function: runs the block, settles its own account (the cycles of what it did not run go
 * back to the budget the run loop charged up front, the instructions it ran are counted: block-builder's
 * settle), and returns the position it left at (block-shape.ts; Cpu's exit watch reads it). */
export type BlockFn = (s: BlockRuntime) => number;

/** `s.NAME` for a runtime member (checked by the compiler). */
export function rt(name: RuntimeMember): string {
  return `s.${name}`;
}

const RD = { 8: "rd8", 16: "rd16", 32: "rd32" } as const satisfies Record<Size, RuntimeMember>;
const WR = { 8: "wr8", 16: "wr16", 32: "wr32" } as const satisfies Record<Size, RuntimeMember>;

/** The sized memory accessors (what rdExpr/wrStmt call on a slow path, and generated code calls for 16 bits). */
export const MEMORY_ACCESSORS: readonly RuntimeMember[] = [...Object.values(RD), ...Object.values(WR)];

/** The lazy-flag helpers: they read or write EFLAGS' status bits and the flag record, nothing else. */
export const FLAG_HELPERS = ["fixFlags", "cond", "getCF", "cfOf", "setStatus", "cmc", "clc", "stc"] as const satisfies readonly RuntimeMember[];

/** The ALU helpers that take their operands as arguments and return the result: they read or write the status
 * flags and nothing else of the CPU (no register, budget, count or brk), as the flag helpers do. */
export const ALU_HELPERS = ["grp2", "shld", "shrd", "bt", "bsf", "bsr"] as const satisfies readonly RuntimeMember[];

const PUSH = { 16: "push16", 32: "push32" } as const satisfies Record<16 | 32, RuntimeMember>;
const POP = { 16: "pop16", 32: "pop32" } as const satisfies Record<16 | 32, RuntimeMember>;
const PEEK = { 16: "peek16", 32: "peek32" } as const satisfies Record<16 | 32, RuntimeMember>;

/** The TLB entry bit (mmu.ts T_SUP/T_USR) an access at the block's privilege needs. A block runs at one CPL
 * (it is part of the segMode its cache entry is checked against) and every instruction that changes the
 * CPL (far transfers, INT, IRET, SYSENTER/SYSEXIT, task switches) ends its block, so the bit is a constant
 * of the generated code. */
export type TlbAccess = typeof T_SUP | typeof T_USR;

/** Access sizes whose TLB hits are done in the block itself; the others (and 16 bits) always call s.rdN/s.wrN. */
const INLINE: Readonly<Record<8 | 32, boolean>> = { 8: true, 32: true };

/** An operand expression that may be repeated: a local or a register (no side effect, no fault). */
function repeatable(e: string): boolean {
  return /^(?:[a-z]\w*|r\[[0-7]\])$/.test(e);
}

/** The RAM element a hit reads or writes: `te` holds the TLB entry, `a` the linear address. */
function ramRef(size: 8 | 32, a: string): string {
  return size === 32 ? `m32[(te&-4096|${a}&4095)>>>2]` : `m8[te&-4096|${a}&4095]`;
}

/** The inline hit test: entry present for this privilege, and (32 bits) aligned, so the access cannot
 * straddle a page. Anything else (miss, MMIO, unaligned) takes s.rdN/s.wrN with the full semantics. */
function hit(table: "tlbR" | "tlbW", size: 8 | 32, a: string, acc: TlbAccess): string {
  return `(te=${table}[${a}>>>12])&${acc}${size === 32 ? `&&!(${a}&3)` : ""}`;
}

/** Whether character code `c` is a word character ([A-Za-z0-9_], a regular expression's `\w`). */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/**
 * Calls `each` with the name of every CPU member generated code names (`s.name`, with `s` a whole word), in order,
 * until it returns false; returns false then, else true. The scanners of generated code (which members it calls,
 * reads or writes) use this rather than a global regular expression: it allocates no match objects, and it runs for
 * every instruction of every block compiled (a Linux boot compiles some 57,000 blocks).
 */
export function everyMember(code: string, each: (name: string) => boolean): boolean {
  const n = code.length;
  for (let i = code.indexOf("s."); i >= 0; i = code.indexOf("s.", i + 2)) {
    if (i > 0 && isWordChar(code.charCodeAt(i - 1))) continue;
    let j = i + 2;
    while (j < n && isWordChar(code.charCodeAt(j))) j++;
    if (j > i + 2 && !each(code.slice(i + 2, j))) return false;
  }
  return true;
}

/** How many times `part` occurs in `code`, not overlapping. */
export function occurrences(code: string, part: string): number {
  let k = 0;
  for (let i = code.indexOf(part); i >= 0; i = code.indexOf(part, i + part.length)) k++;
  return k;
}

/** What an inline access's slow path appends after its call: the block's copy of `brk` (a stop the call asked
 * for: a write into the running block's code, a device) is read again there, so that the fast path of an access
 * reads nothing from the CPU object (block-builder's `bk`). */
export const BRK_REFRESH = "bk=s.brk";

/** Expression reading `size` bits at linear address expression `lin` (evaluated once). In a block compiled
 * `unpaged` (SegMode.Unpaged), an address inside the flat read window (locals `wb`, `wn`: CpuMmu.winBase) is read
 * from RAM at once, and any other goes to s.rdN, whose own TLB hit is as good as an inline one there. */
export function rdExpr(size: Size, lin: string, acc: TlbAccess, unpaged = false): string {
  if (size === 16 || !INLINE[size]) return `s.${RD[size]}(${lin})`;
  if (!repeatable(lin)) return `(ta=${lin},${rdExpr(size, "ta", acc, unpaged)})`;
  const slow = `(tv=s.${RD[size]}(${lin}),${BRK_REFRESH},tv)`;
  if (unpaged) return `(((${lin}-wb)>>>0)<wn${size === 32 ? `&&!(${lin}&3)?m32[${lin}>>>2]` : `?m8[${lin}]`}:${slow})`;
  return `(${hit("tlbR", size, lin, acc)}?${ramRef(size, lin)}:${slow})`;
}

/** Statement writing `v` (`size` bits) at linear address expression `lin` (both evaluated once, `lin` first).
 * An inline store is exact because of the TLB write-entry invariant (mmu.ts): a hit is plain writable RAM
 * holding no decoded code and, while dirty logging, already marked dirty. */
export function wrStmt(size: Size, lin: string, v: string, acc: TlbAccess): string {
  if (size === 16 || !INLINE[size]) return `s.${WR[size]}(${lin}, ${v});`;
  if (!repeatable(lin) || !repeatable(v)) return `{const wa=${lin},wv=${v};${wrStmt(size, "wa", "wv", acc)}}`;
  return `{if(${hit("tlbW", size, lin, acc)})${ramRef(size, lin)}=${v};else{s.${WR[size]}(${lin},${v});${BRK_REFRESH};}}`;
}

/** The block-local constants the inline accesses above use, for the names `body` uses (the block prologue):
 * loaded once per block call, which is exact because the arrays are never reassigned (mmu.ts). */
export function memoryLocals(body: string): string {
  const consts = (["tlbR", "tlbW", "m8", "m32"] as const satisfies readonly RuntimeMember[]).filter((n) => body.includes(`${n}[`));
  if (consts.length === 0) return "";
  const window = body.includes(")<wn") ? `,wb=${rt("winBase")},wn=${rt("winBytes")}` : "";
  return `const ${consts.map((n) => `${n}=${rt(n)}`).join(",")}${window};let te=0${body.includes("(ta=") ? ",ta=0" : ""}${body.includes("(tv=") ? ",tv=0" : ""};\n`;
}

/** Statement pushing `v` through the general (segmented) stack helper. */
export function pushStmt(size: 16 | 32, v: string): string {
  return `s.${PUSH[size]}(${v});`;
}

/** Expression popping through the general stack helper. */
export function popExpr(size: 16 | 32): string {
  return `s.${POP[size]}()`;
}

/** Expression reading the stack `depth` bytes above ESP without popping. */
export function peekExpr(size: 16 | 32, depth: number): string {
  return `s.${PEEK[size]}(${depth})`;
}

const MULDIV = {
  mul: { 8: "mul8", 16: "mul16", 32: "mul32" },
  imul: { 8: "imul8", 16: "imul16", 32: "imul32" },
  div: { 8: "div8", 16: "div16", 32: "div32" },
  idiv: { 8: "idiv8", 16: "idiv16", 32: "idiv32" },
} as const satisfies Record<string, Record<Size, RuntimeMember>>;

/** The one-operand MUL/IMUL/DIV/IDIV helper for ModRM reg 4..7 at `size`. */
export function mulDivMember(reg: number, size: Size): RuntimeMember {
  const name = (["mul", "imul", "div", "idiv"] as const)[reg - 4];
  if (name === undefined) throw new RangeError(`not a MUL/DIV group member: /${reg}`);
  return MULDIV[name][size];
}
