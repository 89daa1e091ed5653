// The opcode table of the vCPU: one row per instruction encoding the decoder implements (one-byte,
// 0F two-byte and x87 maps, ModRM.reg groups split out) with mnemonic, operand forms, operand size,
// flags read/written (Intel SDM), cost class, block-end class and the reference-vector group that
// covers it. Rows live in opcodes-one.ts, opcodes-0f.ts and opcodes-x87.ts; this file holds the
// types, the row builder and the lookup. It decodes no instruction bytes itself (opcode-key.ts does).
import { CF, OF, PF, SF, ZF, AF } from "../flags";
import type { CostClass } from "./out";

/** Which opcode map a row belongs to. */
export type OpMap = "one" | "0f";

/** Operand forms, in the Intel SDM appendix A notation (E = ModRM r/m, G = ModRM reg, I = immediate,
 * J = relative target, O = moffs, Z = register in the opcode's low bits, X/Y = DS:ESI / ES:EDI, M =
 * memory only, S = segment register, C/D = control/debug register, R = general register in r/m), with
 * the size letter b (8), w (16), d (32), v (16 or 32 by operand size), q (64), t (80), p (far pointer),
 * and fixed registers by name. `Ibs` is an imm8 sign-extended to the operand size; `Mn` a memory operand
 * printed without a size; `ST`/`STi` x87 stack registers; `Ap` a direct far pointer. */
export const OPERAND_FORMS = [
  "Eb", "Ew", "Ed", "Ev", "Gb", "Gw", "Gv", "Rd", "Rw", "Rv", "Sw", "Cd", "Dd",
  "Mn", "Mb", "Mw", "Md", "Mq", "Mt", "Mv", "Mp", "Ma", "Ms",
  "Ib", "Iw", "Iv", "Ibs", "Jb", "Jv", "Ob", "Ov", "Ap", "Zb", "Zv", "Zd",
  "Xb", "Xv", "Yb", "Yv", "AL", "AX", "eAX", "CL", "DX", "one",
  "ES", "CS", "SS", "DS", "FS", "GS", "ST", "STi",
] as const;
export type OperandForm = (typeof OPERAND_FORMS)[number];

/** Operand size behaviour: byte, operand size (16/32, the 0x66 prefix flips it), fixed 16, fixed 32, none. */
export type SizeRule = "byte" | "osize" | "word" | "dword" | "none";

/** How an instruction ends (or not) a compiled block:
 * - `continues`: falls through; the block goes on (a memory operand may still fault);
 * - `mayStop`: falls through, but the translator emits a stop check after it (writes that may hit code,
 *   helpers that may make an interrupt deliverable: STI, POPF, IN/OUT, string steps);
 * - `branch`: a direct branch (Jcc, JMP rel) the block compiler turns into a side exit or a loop;
 * - `ends`: always ends the block (indirect/far transfers, segment and mode loads, RDTSC);
 * - `exits`: ends the block and normally leaves to the run loop (HLT, INT n, IRET, #UD by definition). */
export type BlockEnd = "continues" | "mayStop" | "branch" | "ends" | "exits";

/** Reference-vector groups (scripts/vectors/groups/*.ts, test/vectors/<group>.json). */
export type VectorGroup = "alu" | "shift" | "bit" | "muldiv" | "string" | "misc";

/** Flags an instruction reads, writes with a defined value, and leaves undefined (SDM "Flags Affected"). */
export interface FlagUse {
  readonly read: number;
  readonly written: number;
  readonly undefined: number;
}

/** One implemented encoding. A key is (map, op, reg, form, rm): `reg`/`rm` null = any value. */
export interface OpcodeEntry {
  readonly map: OpMap;
  readonly op: number;
  /** ModRM.reg of a group opcode (null: no ModRM or any reg). */
  readonly reg: number | null;
  /** ModRM.rm for x87 register forms named per register (null: any). */
  readonly rm: number | null;
  /** Whether the instruction has a ModRM byte. */
  readonly modrm: boolean;
  /** Which ModRM forms are valid ("any" for instructions without ModRM). */
  readonly form: "any" | "mem" | "reg";
  readonly mnemonic: string;
  /** Mnemonic under a 16-bit operand size when it differs (CWDE → CBW). */
  readonly mnemonic16: string | null;
  readonly operands: readonly OperandForm[];
  readonly size: SizeRule;
  readonly flags: FlagUse;
  readonly cost: CostClass;
  readonly end: BlockEnd;
  /** Accepts LOCK (memory forms only). */
  readonly lock: boolean;
  /** REP prefixes it honours: "rep" (F3 only) or "repz" (F3 REPE and F2 REPNE); null: none. */
  readonly rep: "rep" | "repz" | null;
  /** The vector group expected to cover it (null: none applies, e.g. system or control transfer). */
  readonly vectors: VectorGroup | null;
  /** Why a row of a vector group has no vectors (it cannot be recorded on the 64-bit host). */
  readonly noVectors: string | null;
  /** Non-null for a named encoding the CPU does not implement: it raises #UD (the reason). */
  readonly ud: string | null;
}

/** Options of a table row (everything defaults to: no flags, plain cost, continues). */
export interface RowOpts {
  readonly reg?: number;
  readonly rm?: number;
  readonly form?: "mem" | "reg";
  readonly modrm?: boolean;
  readonly read?: number;
  readonly write?: number;
  readonly undef?: number;
  readonly cost?: CostClass;
  readonly end?: BlockEnd;
  readonly lock?: boolean;
  readonly rep?: "rep" | "repz";
  readonly size?: SizeRule;
  readonly o16?: string;
  readonly vectors?: VectorGroup;
  readonly noVectors?: string;
  readonly ud?: string;
}

const E_FORMS = new Set<OperandForm>(["Eb", "Ew", "Ed", "Ev", "Gb", "Gw", "Gv", "Rd", "Rw", "Rv", "Sw", "Cd", "Dd", "Mn", "Mb", "Mw", "Md", "Mq", "Mt", "Mv", "Mp", "Ma", "Ms", "STi"]);

/** The size rule implied by the first data operand (immediates, targets and CL do not decide it). */
function sizeOf(ops: readonly OperandForm[]): SizeRule {
  for (const o of ops) {
    if (o === "AL") return "byte";
    if (o === "eAX") return "osize";
    if (!/^[EGRMZXYO]/.test(o) || o === "Mn" || o === "Ms") continue;
    switch (o[o.length - 1]) {
      case "b": return "byte";
      case "w": return "word";
      case "d": return "dword";
      case "v": case "a": case "p": return "osize";
      default: return "none";
    }
  }
  return "none";
}

function operandForm(text: string): OperandForm {
  const f = OPERAND_FORMS.find((x) => x === text);
  if (f === undefined) throw new RangeError(`opcode table: unknown operand form "${text}"`);
  return f;
}

/** Builds one row. `operands` is a comma-separated list of OperandForm ("" for none). */
export function row(map: OpMap, op: number, mnemonic: string, operands: string, o: RowOpts = {}): OpcodeEntry {
  const ops = operands === "" ? [] : operands.split(",").map(operandForm);
  const modrm = o.modrm ?? (o.reg !== undefined || ops.some((x) => E_FORMS.has(x)));
  return {
    map, op, reg: o.reg ?? null, rm: o.rm ?? null, modrm, form: o.form ?? "any", mnemonic, mnemonic16: o.o16 ?? null,
    operands: ops, size: o.size ?? sizeOf(ops), flags: { read: o.read ?? 0, written: o.write ?? 0, undefined: o.undef ?? 0 },
    cost: o.cost ?? "plain", end: o.end ?? "continues", lock: o.lock ?? false, rep: o.rep ?? null,
    vectors: o.vectors ?? null, noVectors: o.noVectors ?? null, ud: o.ud ?? null,
  };
}

/** Condition-code mnemonic suffixes (cc = low 4 bits of Jcc/SETcc/CMOVcc), SDM appendix B.1.4.7. */
export const CC_NAMES: readonly string[] = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];

/** Common flag sets of the rows. */
export const ARITH = CF | PF | AF | ZF | SF | OF;
/** Logic operations: CF, OF cleared; SF ZF PF set from the result; AF undefined. */
export const LOGIC_W = CF | OF | SF | ZF | PF;
