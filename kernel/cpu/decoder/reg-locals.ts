// Guest registers held in JavaScript locals within a block (issue 14). Fragments name the general registers as
// `r[0]`..`r[7]` (elements of the CPU's Int32Array); a block of more than one instruction renames them to the
// locals `r0`..`r7`, loaded once at its start, so that V8 keeps them in machine registers instead of loading
// and storing the array around every instruction. The array is brought up to date wherever anything else can
// see it: before every exit (`s.ex`, the block's end), in the fault handler, and around the code of an
// instruction that calls a CPU helper reading or writing the registers itself (PUSH through the segmented
// helper, MUL/DIV, string instructions, INT...): those keep `r[k]`, with the locals stored before and loaded
// again after.
import { ALU_HELPERS, everyMember, FLAG_HELPERS, MEMORY_ACCESSORS, type RuntimeMember } from "./runtime";

/** CPU members generated code may call or read without the CPU looking at the general registers: memory
 * accessors (a fault they throw goes through the block's handler, which stores the locals first), flag and ALU
 * helpers (an ALU helper's operands are its arguments), IN and OUT (devices never see the registers: a hypercall or
 * stop is handled after the block returns; a served port tells an IN from an INS by Cpu.insElement, not by EDI),
 * block bookkeeping, and the x87 with what its instructions read (CR0, the selectors of the last instruction and
 * operand): the FPU holds no reference to the registers (x87/), and FNSTSW AX writes EAX in its fragment's own
 * text. An x87 call handed the CPU itself (FLDENV, FNSAVE, FXSAVE...) stays opaque: see opaqueWrites. */
const REGISTER_BLIND = new Set<string>([
  ...MEMORY_ACCESSORS, "segChk", "tlbR", "tlbW", "m8", "m32",
  "eip", "fl", "fK", "fA", "fB", "fR", "fC", "left", "instructions", "brk", "fi", "openShadow",
  ...FLAG_HELPERS, ...ALU_HELPERS, "cli", "sti", "ioInAt", "ioOutAt", "pushfValue", "popfValue",
  "x87", "cr0", "segSel",
] satisfies RuntimeMember[]);

/** A call that passes the CPU object itself (`f(s, ...)`): the callee may reach anything, registers included. */
const PASSES_CPU = /[(,]\s*s\s*[,)]/;

const ESP = 4;
/** Helpers that read the registers but write none but ESP (the stack helpers): after one, only ESP and
 * the registers the fragment's own text writes are loaded again. Any other member may write any register. */
const WRITES_ESP_ONLY = new Set<string>([
  "push16", "push32", "pop16", "pop32", "peek16", "peek32", "addSp", "pushf", "popf", "enter", "leave",
] satisfies RuntimeMember[]);

const ALL = [0, 1, 2, 3, 4, 5, 6, 7];
const REG = /(?<![\w$.])r\[([0-7])\]/g;
const REG_WRITE = /(?<![\w$.])r\[([0-7])\]\s*=(?!=)/g;

/** The registers an opaque instruction's code may change in the array (the locals to load again after it),
 * or null when the code is not opaque: it calls only register-blind members, and its own register
 * elements can be renamed. */
export function opaqueWrites(code: string): readonly number[] | null {
  if (PASSES_CPU.test(code)) return ALL;
  let espOnly = false;
  const blind = everyMember(code, (name) => {
    if (REGISTER_BLIND.has(name)) return true;
    espOnly = true;
    return WRITES_ESP_ONLY.has(name);
  });
  if (!blind) return ALL;
  if (!espOnly) return null;
  const out = new Set<number>([ESP]);
  for (const m of code.matchAll(REG_WRITE)) out.add(Number(m[1]));
  return [...out].sort((a, b) => a - b);
}

/** The registers of one block held in locals: which are read or written at all, and which are written. */
export class RegisterLocals {
  private readonly used = new Set<number>();
  private readonly written = new Set<number>();

  /** Renames the register elements of `code` (code that is not opaque) to locals, noting which it uses. */
  rename(code: string): string {
    for (const m of code.matchAll(REG_WRITE)) this.written.add(Number(m[1]));
    return code.replace(REG, (_all, k: string) => {
      this.used.add(Number(k));
      return `r${k}`;
    });
  }

  /** Whether any register was renamed. */
  get any(): boolean {
    return this.used.size > 0;
  }

  /** Declarations loading every renamed register (the block's start). */
  declare(): string {
    return this.used.size === 0 ? "" : `let ${this.sorted(this.used).map((k) => `r${k}=r[${k}]`).join(",")};`;
  }

  /** Statements storing the written locals into the array. */
  spill(): string {
    return this.sorted(this.written).map((k) => `r[${k}]=r${k};`).join("");
  }

  /** Statements loading the renamed locals among `regs` from the array again (after an opaque instruction;
   * fills in once every register of the block is known, hence the placeholder). */
  reload(regs: readonly number[]): string {
    return regs.filter((k) => this.used.has(k)).map((k) => `r${k}=r[${k}];`).join("");
  }

  private sorted(s: Set<number>): number[] {
    return [...s].sort((a, b) => a - b);
  }
}
