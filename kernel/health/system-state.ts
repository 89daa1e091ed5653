// apexvisor's numbering of HM system states (the SystemState of the XML HM tables) and the mapping
// from kernel-detected faults to ARINC ERROR_CODEs. Tables and decisions live in hm-decision.ts.
import type { ErrorCode } from "../config/model";
import type { OperatingMode } from "../partition/partition-mode";

/**
 * SystemState values used to index System_HM_Table, Module_HM_Table and Partition_HM_Table.
 * Configuration files must use these numbers. They follow the order in which the standard lists the
 * system states of its example HM tables (module initialization, system-specific function, partition
 * switching, partition initialization, process management, process execution, error handler), numbered
 * from 1 as those examples are; 0 is not a state (the validator rejects it).
 */
export const SystemState = {
  /** Module initialization: the kernel starts the module, before the first window (no partition context). */
  MODULE_INIT: 1,
  /** A system-specific function of the kernel outside any partition's request (scheduler, module timers). */
  SYSTEM_FUNCTION: 2,
  /** Partition switching: the kernel changes windows or module schedules. */
  PARTITION_SWITCH: 3,
  /** Partition initialization: partition code runs while the partition is in COLD_START or WARM_START. */
  PARTITION_INIT: 4,
  /** Process management: the kernel serves a hypercall on behalf of a partition (bad argument, bad pointer, forbidden service). */
  PROCESS_MANAGEMENT: 5,
  /** Process execution: partition code runs in NORMAL mode (a process or the partition's idle loop). */
  PROCESS_EXECUTION: 6,
  /** The partition's error handler process runs (declared by the RTOS with hm_set_handler_state). */
  ERROR_HANDLER: 7,
} as const;
/** One SystemState value. */
export type SystemState = (typeof SystemState)[keyof typeof SystemState];

/** Every SystemState value, ascending (the validator accepts exactly these). */
export const SYSTEM_STATE_VALUES: readonly number[] = Object.values(SystemState);

/** Where partition code was when an error arose. */
export type PartitionContext = "code" | "errorHandler" | "hypercall";

/** The system state of code running in a partition, from its mode and what runs. */
export function partitionSystemState(mode: OperatingMode, context: PartitionContext): SystemState {
  if (context === "hypercall") return SystemState.PROCESS_MANAGEMENT;
  if (mode !== "NORMAL") return SystemState.PARTITION_INIT;
  return context === "errorHandler" ? SystemState.ERROR_HANDLER : SystemState.PROCESS_EXECUTION;
}

/** Errors the kernel detects itself, before they are classified. */
export type KernelFault =
  /** Access outside the partition's memory or against its permissions; bad hypercall pointer. */
  | "memoryViolation"
  /** A privileged instruction (or I/O port access) in a PV partition, which runs in ring 3 (#GP). */
  | "privilegedInstruction"
  /** An undefined opcode (#UD). */
  | "invalidOpcode"
  /** An unknown hypercall, or one the partition is not allowed to call. */
  | "illegalRequest"
  /** Divide error (#DE), overflow (#OF), x87/SIMD floating-point exception (#MF/#XM). */
  | "numericError"
  /** Stack-segment fault (#SS) or a stack guard hit. */
  | "stackOverflow"
  /** A process deadline passed (reported by the guest RTOS or the kernel's time accounting). */
  | "deadlineMissed"
  /** Double fault, machine check, an emulated device reporting a fault. */
  | "hardwareFault"
  /** Power failure notification (simulated). */
  | "powerFailure";

/**
 * ARINC ERROR_CODE for a kernel fault. Privileged instructions and undefined opcodes are requests
 * the partition may not make, hence ILLEGAL_REQUEST rather than HARDWARE_FAULT (the hardware is fine).
 */
export function errorCodeOfFault(fault: KernelFault): ErrorCode {
  switch (fault) {
    case "memoryViolation":
      return "MEMORY_VIOLATION";
    case "privilegedInstruction":
    case "invalidOpcode":
    case "illegalRequest":
      return "ILLEGAL_REQUEST";
    case "numericError":
      return "NUMERIC_ERROR";
    case "stackOverflow":
      return "STACK_OVERFLOW";
    case "deadlineMissed":
      return "DEADLINE_MISSED";
    case "hardwareFault":
      return "HARDWARE_FAULT";
    case "powerFailure":
      return "POWER_FAILURE";
    default: {
      const unreachable: never = fault;
      throw new Error(`unhandled fault ${String(unreachable)}`);
    }
  }
}

/**
 * ERROR_CODE_TYPE numbering of the APEX bindings; also the default ErrorIdentifier of a code when
 * the System_HM_Table does not name one.
 */
export const ERROR_CODE_VALUES: Readonly<Record<ErrorCode, number>> = {
  DEADLINE_MISSED: 0,
  APPLICATION_ERROR: 1,
  NUMERIC_ERROR: 2,
  ILLEGAL_REQUEST: 3,
  STACK_OVERFLOW: 4,
  MEMORY_VIOLATION: 5,
  HARDWARE_FAULT: 6,
  POWER_FAILURE: 7,
};
