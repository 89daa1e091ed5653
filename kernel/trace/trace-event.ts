// The structured events the kernel records, stamped with virtual time. Plain data only: collecting
// them is tracer.ts, and the output formats are jsonl-writer.ts and chrome-trace-writer.ts.
import type { ErrorCode, ErrorLevel } from "../config/model";
import type { Nanos, PartitionId } from "../mem/types";
import type { OperatingMode, StartCondition } from "../partition/partition-mode";
import type { ReturnCode } from "../ports/return-codes";

/** The four port traffic events share one shape. */
export type PortEventKind = "portWrite" | "portRead" | "portSend" | "portReceive";

/**
 * One trace event. `time` is virtual time in ns since module start. Console output is traced per
 * completed line (kind "console"), so a trace alone shows what each partition printed and when.
 */
export type TraceEvent =
  /** A partition's window begins; it ends at `until` (windows are exact). */
  | { readonly kind: "windowStart"; readonly time: Nanos; readonly partition: PartitionId; readonly windowId: number; readonly schedule: number; readonly until: Nanos }
  /** A partition's window ends. */
  | { readonly kind: "windowEnd"; readonly time: Nanos; readonly partition: PartitionId; readonly windowId: number }
  /** An idle gap (no partition runs) begins and lasts until `until`. */
  | { readonly kind: "idle"; readonly time: Nanos; readonly until: Nanos }
  | {
      readonly kind: "modeChange";
      readonly time: Nanos;
      readonly partition: PartitionId;
      readonly from: OperatingMode;
      readonly to: OperatingMode;
      readonly startCondition: StartCondition;
    }
  | { readonly kind: "scheduleSwitch"; readonly time: Nanos; readonly from: number; readonly to: number }
  | {
      readonly kind: "hmEvent";
      readonly time: Nanos;
      readonly partition: PartitionId | undefined;
      /** The SystemState the error arose in (kernel/health/system-state.ts). */
      readonly systemState: number;
      readonly errorId: number;
      readonly errorCode: ErrorCode;
      readonly level: ErrorLevel;
      /** As logged, e.g. "PARTITION:COLD_START". */
      readonly action: string;
    }
  | {
      readonly kind: PortEventKind;
      readonly time: Nanos;
      readonly partition: PartitionId;
      readonly port: string;
      /** Bytes written, sent or delivered (0 when nothing moved). */
      readonly length: number;
      readonly returnCode: ReturnCode;
      /** portRead only: the validity returned with the message. */
      readonly validity?: "VALID" | "INVALID";
    }
  /**
   * A paravirt trap completed; `result` is the value returned to the guest in EAX (signed), or "fault"
   * when the call itself was an error for the health monitor (an hmEvent follows).
   */
  | { readonly kind: "hypercall"; readonly time: Nanos; readonly partition: PartitionId; readonly service: string; readonly result: number | "fault" }
  /** One line of partition console output, without its newline; `time`: when its last byte was written (console-mux.ts). */
  | { readonly kind: "console"; readonly time: Nanos; readonly partition: PartitionId; readonly text: string }
  /**
   * A forwarded device access (kernel/ioreq): "issued" by the client `partition` in its window `window`,
   * "served" when the server `partition` handed it back in its window (outcome "ok", or "floating"
   * when it completes as a floating bus), "completed" when the client resumed with `data`.
   */
  | {
      readonly kind: "ioreq";
      readonly time: Nanos;
      readonly phase: "issued" | "served" | "completed";
      readonly partition: PartitionId;
      readonly window: number;
      readonly id: number;
      readonly client: PartitionId;
      /** The port (or MMIO address) accessed. */
      readonly addr: number;
      readonly dir: "in" | "out";
      /** The value (of a string access: its first element). */
      readonly data: number;
      /** Elements of a REP INS/OUTS batch (absent: one). */
      readonly count?: number;
      /** "mmio" for an access to a served device's MMIO window (absent: a port). */
      readonly space?: "mmio";
      readonly outcome: "ok" | "floating";
    };

/** Every event kind, in declaration order. */
export const TRACE_EVENT_KINDS: readonly TraceEvent["kind"][] = [
  "windowStart",
  "windowEnd",
  "idle",
  "modeChange",
  "scheduleSwitch",
  "hmEvent",
  "portWrite",
  "portRead",
  "portSend",
  "portReceive",
  "hypercall",
  "console",
  "ioreq",
];
