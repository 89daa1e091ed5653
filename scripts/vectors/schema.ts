// Shape of the committed reference-vector files (test/vectors/*.json): written by record.ts, read by
// test/kernel/cpu/vectors.test.ts. Describes data only; the parser checks the shape, not the values.

/** The registers a vector sets and checks (ESP is the harness stack: never an operand). */
export type VecReg = "eax" | "ecx" | "edx" | "ebx" | "ebp" | "esi" | "edi";

/** All vector registers, in the order the host runner uses. */
export const VEC_REGS: readonly VecReg[] = ["eax", "ecx", "edx", "ebx", "ebp", "esi", "edi"];

/** One recorded execution. Arrays follow the form's `in` / `out` register lists, EFLAGS last. */
export interface Vector {
  /** Input values of the form's `in` registers, then input EFLAGS. */
  readonly i: readonly number[];
  /** Output values of the form's `out` registers, then output EFLAGS (compared bits only). */
  readonly o: readonly number[];
  /** i386 bytes when they differ from the form's `code` (e.g. another immediate). */
  readonly c?: string;
  /** Undefined-flags mask when it differs from the form's (e.g. depends on a shift count). */
  readonly u?: number;
  /** Exception vector raised by the instruction (0 = #DE); registers are then as at the fault. */
  readonly x?: number;
  /** Data buffer before (hex); placed at the harness data base. */
  readonly d?: string;
  /** Data buffer after (hex). */
  readonly e?: string;
}

/** One instruction form (same opcode, operand size and registers) and its vectors. */
export interface VectorForm {
  /** Test group, e.g. "alu", "shift". */
  readonly group: string;
  /** Mnemonic the test reports under, e.g. "adc". */
  readonly mnemonic: string;
  /** Human-readable operands, e.g. "adc r/m32, r32 (eax, ebx)". */
  readonly form: string;
  /** i386 instruction bytes (hex), the same bytes the host ran unless `hostPrefix` says otherwise. */
  readonly code: string;
  /** Bytes the host put in front of `code` (hex, e.g. "67" so 64-bit mode uses ESI/EDI/ECX), or "". */
  readonly hostPrefix: string;
  /** Registers given per vector; the others start at the file's `defaults`. */
  readonly in: readonly VecReg[];
  /** Registers recorded per vector; the others must come out unchanged. */
  readonly out: readonly VecReg[];
  /** Registers that hold offsets into the data buffer (add the data base before, subtract after). */
  readonly ptr: readonly VecReg[];
  /** Flags the Intel SDM or AMD APM call undefined for this form: not compared. */
  readonly undefinedFlags: number;
  /** Why those flags are undefined (manual wording, short). */
  readonly undefinedNote: string;
  readonly vectors: readonly Vector[];
}

/** One committed file of vectors. */
export interface VectorFile {
  readonly format: 1;
  /** Which CPU produced the outputs (from /proc/cpuinfo). */
  readonly cpu: { readonly modelName: string; readonly vendor: string; readonly family: string; readonly model: string; readonly stepping: string };
  /** How the vectors were produced. */
  readonly recorder: string;
  /** xorshift32 seed of the operand generator. */
  readonly seed: number;
  /** Starting value of every register not in a form's `in` list. */
  readonly defaults: Readonly<Record<VecReg, number>>;
  readonly forms: readonly VectorForm[];
}
