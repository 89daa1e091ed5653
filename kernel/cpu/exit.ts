// Why Cpu.run() returned: one discriminated union, handled by the kernel with an exhaustive switch.

/** The reason a run slice ended. */
export type CpuExit =
  /** Consumed exactly the budget. */
  | { kind: "budget" }
  /** HLT executed (EIP after the HLT); cpu.halted stays true until an interrupt is delivered. */
  | { kind: "halt" }
  /** INT n with n in opts.hypercallVectors at CPL 3; EIP already after the INT; nothing pushed. */
  | { kind: "hypercall"; vector: number }
  /** With opts.exceptionsExit: an exception handed to the kernel; state (EIP included) as at the faulting instruction. */
  | { kind: "fault"; vector: number; errorCode: number | undefined; eip: number; cr2: number | undefined }
  /** A fault while delivering a double fault: the machine would reset. */
  | { kind: "tripleFault" }
  /** cpu.requestStop(reason) was called (takes effect after the current instruction). */
  | { kind: "stop"; reason: string };

/** Renders an exit for traces and messages. */
export function describeExit(e: CpuExit): string {
  switch (e.kind) {
    case "budget":
    case "halt":
    case "tripleFault":
      return e.kind;
    case "hypercall":
      return `hypercall ${e.vector}`;
    case "fault":
      return `fault ${e.vector}${e.errorCode === undefined ? "" : `(${e.errorCode})`} at ${e.eip.toString(16)}`;
    case "stop":
      return `stop: ${e.reason}`;
    default: {
      const never: never = e;
      return never;
    }
  }
}
