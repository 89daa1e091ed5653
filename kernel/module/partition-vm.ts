// What the module runner needs from one partition's virtual machine, paravirtualized or full. The
// runner owns time, windows, modes and the health monitor; a VM owns its CPU, memory and devices.
import type { ErrorCode, PortConfig } from "../config/model";
import type { Cpu } from "../cpu/cpu";
import type { CpuExit } from "../cpu/exit";
import type { HmDecision } from "../health/hm-decision";
import type { KernelFault } from "../health/system-state";
import type { PhysicalMemory } from "../mem/physical-memory";
import type { Nanos, PartitionId } from "../mem/types";
import type { IoreqHub } from "../ioreq/ioreq-hub";
import type { PartitionModeState, StartCondition } from "../partition/partition-mode";
import type { LogbookIdResult, LogbookRequest, LogbookStatus } from "../logbook/logbook-store";
import type { QueuingPortStatus, SamplingCurrentStatus, SamplingPortStatus, SamplingRead } from "../ports/port-router";
import type { PortIdResult, QueuingPortRequest, SamplingPortRequest } from "../ports/port-table";
import type { ReturnCode, ServiceOutcome } from "../ports/return-codes";
import type { ScheduleStatus } from "../sched/module-schedules";
import type { Prepared } from "../snapshot/machine-state";
import type { SnapshotMachine } from "../snapshot/snapshot-file";

/** One run slice: why it ended and how many cycles it consumed. */
export interface VmSlice {
  readonly exit: VmExit;
  /** Cycles the guest ran (the partition's cyclesRun). */
  readonly cycles: number;
  /**
   * Cycles of hypercalls the VM served itself during the slice (PartitionVm.runNs's `inPlace`), which the
   * runner charges as it charges a service it serves: as sleep, time passing without guest cycles. 0 or
   * absent when it served none.
   */
  readonly serviceCycles?: number;
}

/** How the reason of a run ended by Ctrl-A x begins (a user's quit, not a health-monitor shutdown). */
export const USER_QUIT = "Ctrl-A x on the console of ";

/**
 * Why a slice ended: a CPU exit; or (FV) the guest reset its PC (i8042 pulse, port 0xCF9) with the cause;
 * or the user quit the terminal feeding the partition's console (Ctrl-A x): the run ends.
 */
export type VmExit = CpuExit | { readonly kind: "reset"; readonly cause: string } | { readonly kind: "quit" };

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
  /** `now` as a safe-integer number of ns (the runner keeps time below 2^53 ns): no BigInt on the exit path. */
  readonly nowNs?: number;
  /** SET_PARTITION_MODE with the guest's raw OPERATING_MODE value; effects apply when the call returns. */
  setPartitionMode(requested: number): ReturnCode;
  /** A system partition sets partition `target`'s mode (raw values); "unknownPartition" when no partition has that id. */
  setPartitionModeOf(target: number, requested: number): ReturnCode | "unknownPartition";
  /** The caller's logbooks (kernel/logbook, bound to the caller and its mode). */
  readonly logbooks: LogbookServices;
  /** RAISE_APPLICATION_ERROR / a guest-detected error, classified by the HM tables after the call returns. */
  raiseError(code: ErrorCode, message: string): ReturnCode;
  /**
   * An error the guest RTOS detected, with its exact code: classified now through the HM tables. True
   * when the decision is the partition's error handler (the RTOS queues the error there); otherwise the
   * module or partition action applies once the call returns.
   */
  raiseGuestError(error: GuestError): boolean;
  /** The caller's operating mode and start condition. */
  readonly mode: PartitionModeState;
  /** The caller's period and duration in the current module schedule (0 when it has no windows there). */
  readonly timing: { readonly period: Nanos; readonly duration: Nanos };
  /** Ports of the caller through kernel/ports (the caller and its mode are supplied by the kernel). */
  readonly ports: PortServices;
  /** SET_MODULE_SCHEDULE from the caller. */
  setModuleSchedule(scheduleId: number): ServiceOutcome;
  /** GET_MODULE_SCHEDULE_STATUS. */
  scheduleStatus(): ScheduleStatus;
  /** GET_MODULE_SCHEDULE_ID. */
  scheduleIdByName(name: string): { readonly outcome: "ok"; readonly id: number } | { readonly outcome: "unknownName" };
  /** REPORT_APPLICATION_MESSAGE: recorded in the HM log, no action. */
  reportMessage(message: string): void;
  /** GET_ERROR_STATUS: takes the oldest partition-level error recorded for the caller. */
  takeError(): PartitionError | undefined;
  /** A kernel notice for the user (logged, not an HM event). */
  notice(text: string): void;
  /** Records a completed trap in the trace: service name and the EAX result, or "fault" for an HM error. */
  traceHypercall(service: string, result: number | "fault"): void;
  /** hm_callback_return: the partition HM callback ended; false when none runs. The VM restored its context. */
  hmCallbackReturn(): boolean;
  /**
   * A CPU exception an FV guest's own IDT took in its code and reported (apx_services FAULT): classified as
   * the kernel classifies a PV partition's fault. "handler": it goes to the error handler (the VM posted the HM
   * upcall); "waits": its module action waits for the ModuleCallback in another partition; "acts": the module
   * or partition action applies once the report returns.
   */
  raiseReportedFault?(fault: KernelFault, message: string, failedAddress: number): ReportedFaultOutcome;
}

/** What became of a fault an FV guest reported (KernelApi.raiseReportedFault). */
export type ReportedFaultOutcome = "handler" | "waits" | "acts";

/** An error reported by the guest RTOS (hm_raise_error). */
export interface GuestError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly failedAddress: number;
  /** The RTOS cannot give it to its error handler (the handler raised it, or its queue is full). */
  readonly noHandler: boolean;
}

/** Which HM callback: the Partition_HM_Table's PartitionCallback or the Module_HM_Table's ModuleCallback. */
export type HmCallbackKind = "partition" | "module";

/** The guest RTOS's error-handler state as it declared it (hm_set_handler_state). */
export type ErrorHandlerState = "none" | "ready" | "running";

/** A partition-level error the kernel recorded for the caller's error handler. */
export interface PartitionError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly failedAddress: number;
}

/** The logbook services of one caller. */
export interface LogbookServices {
  create(req: LogbookRequest): LogbookIdResult;
  idOf(name: string): LogbookIdResult;
  maxMessageSize(id: number): number | undefined;
  write(id: number, data: Uint8Array): ServiceOutcome;
  read(id: number, index: number): { readonly outcome: ServiceOutcome; readonly message?: Uint8Array };
  clear(id: number): ServiceOutcome;
  status(id: number): LogbookStatus | undefined;
}

/** The port services of one caller (kernel/ports/port-router.ts bound to the calling partition). */
export interface PortServices {
  createSampling(req: SamplingPortRequest): PortIdResult;
  createQueuing(req: QueuingPortRequest): PortIdResult;
  idOf(kind: PortConfig["kind"], name: string): PortIdResult;
  writeSampling(id: number, data: Uint8Array): ServiceOutcome;
  readSampling(id: number): SamplingRead;
  samplingStatus(id: number): { readonly outcome: ServiceOutcome; readonly status?: SamplingPortStatus };
  readUpdatedSampling(id: number): SamplingRead;
  samplingCurrentStatus(id: number): { readonly outcome: ServiceOutcome; readonly status?: SamplingCurrentStatus };
  sendQueuing(id: number, data: Uint8Array): ServiceOutcome;
  receiveQueuing(id: number): { readonly outcome: ServiceOutcome; readonly message: Uint8Array };
  queuingStatus(id: number): { readonly outcome: ServiceOutcome; readonly status?: QueuingPortStatus };
  clearQueuing(id: number): ServiceOutcome;
}

/** A partition's machine as the module runner drives it. */
export interface PartitionVm {
  /**
   * Runs guest code starting at virtual time `now` for at most `budget` cycles. Device timers inside
   * the VM are its own business; it returns on budget, or on an exit the kernel must handle.
   */
  run(budget: number, now: Nanos): VmSlice;
  /**
   * run() with `now` as a safe-integer number of ns; the runner prefers it (no BigInt per slice). With
   * `inPlace` the VM may serve, inside the slice and through that API, a hypercall that needs nothing of
   * the runner once served: quiet (kernel/hypercall/quiet-services.ts IN_PLACE: no trace to write at the
   * runner's time, no deferred action, no mode change, no sleep, no yield) and ending within the budget,
   * its cycles reported in VmSlice.serviceCycles. The runner offers it when no one traces the run.
   */
  runNs?(budget: number, nowNs: number, inPlace?: KernelApi): VmSlice;
  /** Reloads the partition's image and memory and resets its machine, for a COLD_START or WARM_START. */
  restart(mode: "COLD_START" | "WARM_START", startCondition?: StartCondition): void;
  /** A window of this partition begins at `start` and ends at `end` (PV: WINDOW_START virq, window_end_ns). */
  beginWindow?(start: Nanos, end: Nanos): void;
  /** One of the partition's ports changed state (PV: PORT virq). */
  portEvent?(): void;
  /** Up to 15 bytes at the current instruction pointer (fewer where unmapped), to classify a fault. */
  instructionBytes(): Uint8Array;
  /** The machine's state for a snapshot (machine name = partition name), between run slices. */
  snapshot?(): SnapshotMachine;
  /** Checks a saved machine against this freshly built VM; the returned apply step cannot fail. */
  prepareRestore?(m: SnapshotMachine): Prepared;
  /** The vCPU, RAM and interrupt lines of the current machine, for the VM tree and debugger (kernel/introspect). */
  introspect?(): VmInternals;
  /**
   * The guest's error-handler state, and whether an HM upcall can reach it now (an upcall handler is
   * registered and virqs are not masked; FV: apx_services has an upcall line). A VM without it has no error handler.
   */
  errorHandler?(): { readonly state: ErrorHandlerState; readonly deliverable: boolean };
  /**
   * Raises the HM upcall: a process-level error record waits in the kernel's queue (PV: the HM virq; FV: the
   * apx_services line with a copy of the decision and the failed address).
   */
  raiseHmUpcall?(decision: HmDecision, failedAddress: number): void;
  /**
   * Enters an HM callback of the partition's image with `args` as C arguments, saving the interrupted
   * context: the PartitionCallback of its Partition_HM_Table, or (a system partition) the module's
   * ModuleCallback. "none" when the image has no such callback or one runs already, "badStack" when
   * the stack cannot take the frame (PV: kernel/partition/hm-callback.ts; FV: posted on the apx_services line).
   */
  enterHmCallback?(kind: HmCallbackKind, args: readonly number[]): "entered" | "none" | "badStack";
  /** True when the image defines the callback of that kind (the module agent is found this way). */
  hasHmCallback?(kind: HmCallbackKind): boolean;
  /** Leaves the HM callback: restores the context saved at entry (no-op when none runs). */
  leaveHmCallback?(): void;
  /** True when the guest sets its own operating modes through paravirt calls (an FV machine with apx_services); PV always does. */
  readonly apexModes?: boolean;
  /** Serves the hypercall the last slice exited with (PV traps; FV calls through apx_services). */
  serviceHypercall?(vector: number, kernel: KernelApi): ServiceResult;
}

/** What kernel/introspect may see of a partition's machine (a restart builds a new one: ask again). */
export interface VmInternals {
  readonly cpu: Cpu;
  readonly memory: PhysicalMemory;
  /** Raises and lowers an IRQ line of the machine's interrupt controller; an error text when there is none. */
  pulseIrq(line: number): string | null;
}

/** What the module runner shares between the VMs it builds: the forwarded-device routing (kernel/ioreq). */
export interface VmLinks {
  /** Present when some FV partition has a device served by a PV partition. */
  readonly ioreq: IoreqHub | undefined;
  /** The port services bound to a partition (an FV partition's "sampling_ports" device); ask after construction. */
  readonly ports?: (partition: PartitionId) => PortServices;
}
