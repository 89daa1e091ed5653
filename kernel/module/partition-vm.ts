// What the module runner needs from one partition's virtual machine, paravirtualized or full. The
// runner owns time, windows, modes and the health monitor; a VM owns its CPU, memory and devices.
import type { ErrorCode } from "../config/model";
import type { CpuExit } from "../cpu/exit";
import type { KernelFault } from "../health/system-state";
import type { Nanos, PartitionId } from "../mem/types";
import type { ReturnCode } from "../ports/return-codes";

/** One run slice: why it ended and how many cycles it consumed. */
export interface VmSlice {
  readonly exit: CpuExit;
  readonly cycles: number;
}

/** What a hypercall asks the runner to do once the service has run. */
export type ServiceResult =
  /** Continue the partition; the service cost `cycles` of its window. */
  | { readonly kind: "resume"; readonly cycles: number }
  /** The partition gives up the rest of its window. */
  | { readonly kind: "yieldWindow"; readonly cycles: number }
  /** The partition sleeps until `time` (or its window ends, whichever is first). */
  | { readonly kind: "sleepUntil"; readonly time: Nanos; readonly cycles: number }
  /** The call itself is an error for the health monitor (bad id, bad pointer...). */
  | { readonly kind: "error"; readonly fault: KernelFault; readonly message: string };

/** Module services a hypercall can reach, bound to the calling partition (never taken from guest data). */
export interface KernelApi {
  readonly partition: PartitionId;
  /** Virtual time at the call. */
  readonly now: Nanos;
  /** SET_PARTITION_MODE with the guest's raw OPERATING_MODE value; effects apply when the call returns. */
  setPartitionMode(requested: number): ReturnCode;
  /** RAISE_APPLICATION_ERROR / a guest-detected error, classified by the HM tables after the call returns. */
  raiseError(code: ErrorCode, message: string): ReturnCode;
}

/** A partition's machine as the module runner drives it. */
export interface PartitionVm {
  /**
   * Runs guest code starting at virtual time `now` for at most `budget` cycles. Device timers inside
   * the VM are its own business; it returns on budget, or on an exit the kernel must handle.
   */
  run(budget: number, now: Nanos): VmSlice;
  /** Reloads the partition's image and memory and resets its machine, for a COLD_START or WARM_START. */
  restart(mode: "COLD_START" | "WARM_START"): void;
  /** Up to 15 bytes at the current instruction pointer (fewer where unmapped), to classify a fault. */
  instructionBytes(): Uint8Array;
  /** Serves the hypercall the last slice exited with. Only PV machines have hypercalls. */
  serviceHypercall?(vector: number, kernel: KernelApi): ServiceResult;
}
