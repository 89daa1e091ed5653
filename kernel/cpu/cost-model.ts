// The one cost table of the CPU: how many cycles each instruction class and each event is charged.
// Every entry says its assumption. The clock rate turns cycles into virtual time elsewhere.

/** Cycles charged per instruction class and per event. Integers >= 0 (instruction classes >= 1). */
export interface CostModel {
  /** Any instruction not listed below. Assumption: a simple in-order core retiring one instruction per cycle. */
  readonly instruction: number;
  /** MUL/IMUL/DIV/IDIV. Default 1: the model counts instructions, not latencies. */
  readonly multiplyDivide: number;
  /** Each iteration of a REP string instruction (an iteration is interruptible on hardware, so it is counted like an instruction). */
  readonly stringIteration: number;
  /** IN/OUT/INS/OUTS per transfer. Default 1: device emulation time is the device's business. */
  readonly io: number;
  /** Extra cycles to deliver an exception or interrupt through the IDT. Default 0: folded into the instruction. */
  readonly interruptDelivery: number;
  /** Extra cycles when that delivery (or IRET) changes privilege. Default 0. */
  readonly privilegeChange: number;
  /** Extra cycles for a hypercall trap into the kernel (the kernel charges its service cost itself). Default 0. */
  readonly hypercallEntry: number;
  /** x87 loads, stores, FLD constants, FXCH, FCMOV. Default 1: counted as one instruction, like the integer core. */
  readonly x87LoadStore: number;
  /** x87 add/subtract/multiply, compares, sign and rounding operations. Default 1. */
  readonly x87Arith: number;
  /** x87 divide, square root and partial remainder. Default 1 (the model counts instructions, not latencies). */
  readonly x87DivSqrt: number;
  /** x87 transcendental instructions (FSIN ... FYL2XP1). Default 1. */
  readonly x87Transcendental: number;
  /** x87 control: FLDCW/FNSTCW/FNSTSW/FNCLEX/FNINIT/FLDENV/FNSTENV/FNSAVE/FRSTOR/FXSAVE/FXRSTOR/FFREE. Default 1. */
  readonly x87Control: number;
}

/** Default: 1 cycle per instruction, nothing extra; at the default 100 MHz clock one instruction is 10 ns. */
export const DEFAULT_COST_MODEL: CostModel = {
  instruction: 1,
  multiplyDivide: 1,
  stringIteration: 1,
  io: 1,
  interruptDelivery: 0,
  privilegeChange: 0,
  hypercallEntry: 0,
  x87LoadStore: 1,
  x87Arith: 1,
  x87DivSqrt: 1,
  x87Transcendental: 1,
  x87Control: 1,
};

/** Default CPU clock in Hz (the module configuration may change it). */
export const DEFAULT_CLOCK_HZ = 100_000_000;

/** Checks a cost table (host bug if malformed: the config layer validates user input first). */
export function checkCostModel(m: CostModel): void {
  for (const [k, v] of Object.entries(m)) {
    const min = k === "interruptDelivery" || k === "privilegeChange" || k === "hypercallEntry" ? 0 : 1;
    if (!Number.isInteger(v) || v < min || v > 1_000_000) throw new RangeError(`cost model ${k}=${String(v)} out of range`);
  }
}
