// The health-monitor decision: an error in a system state -> a level (System_HM_Table) -> an action
// (Module_HM_Table, Partition_HM_Table or the partition's error handler). Pure; carrying out the
// action (restart, shutdown, running the handler) and logging it are the shell's job.
//
// Rules and defaults chosen (documented in the report; all conservative and deterministic):
// - ErrorIdentifier: the reporter's own, else the lowest ErrorIdentifier of the System_HM_Table
//   entries of that state with that ErrorCode, else the code's ERROR_CODE_TYPE value (system-state.ts).
// - Level when the System_HM_Table has no entry: MODULE without a partition context (MODULE_INIT,
//   SYSTEM_FUNCTION, PARTITION_SWITCH or no partition); otherwise PROCESS for APPLICATION_ERROR and DEADLINE_MISSED (they
//   concern one process, and RAISE_APPLICATION_ERROR exists to reach the error handler), PARTITION
//   for every other code.
// - A PARTITION or PROCESS level without a partition context escalates to MODULE. A PROCESS-level
//   error goes to the error handler if the partition has one and the error did not arise in the
//   handler itself; otherwise it is handled at partition level (Partition_HM_Table).
// - Module action when Module_HM_Table has no entry: SHUTDOWN in MODULE_INIT (a reset would meet
//   the same fault again), RESET otherwise.
// - Partition action when Partition_HM_Table has no entry: IDLE in PARTITION_INIT (a restart would
//   meet the same fault again), COLD_START otherwise.
// - The ErrorCode reported to the handler and logged is the System_HM_Table entry's ErrorCode when
//   it names one, else the detected code.
import type {
  ErrorCode,
  ErrorLevel,
  ModuleAction,
  PartitionAction,
  SystemConfig,
} from "../config/model";
import type { Nanos, PartitionId } from "../mem/types";
import type { HmLogEntry } from "./hm-log";
import { ERROR_CODE_VALUES, errorCodeOfFault, SystemState, type KernelFault } from "./system-state";

/** The three HM tables of a module, indexed for lookup. */
export interface HmTables {
  readonly system: ReadonlyMap<string, { readonly level: ErrorLevel; readonly errorCode: ErrorCode | undefined }>;
  /** "state/code" -> lowest ErrorIdentifier naming that code in that state. */
  readonly idByCode: ReadonlyMap<string, number>;
  readonly module: ReadonlyMap<string, ModuleAction>;
  readonly partition: ReadonlyMap<number, ReadonlyMap<string, PartitionAction>>;
}

/** What went wrong: an ARINC code (guest report) or a fault the kernel detected. */
export type HmError = { readonly kind: "code"; readonly code: ErrorCode } | { readonly kind: "fault"; readonly fault: KernelFault };

/** An error to classify. */
export interface HmInput {
  readonly error: HmError;
  /** The reporter's ErrorIdentifier, when it has one. */
  readonly errorId?: number;
  readonly systemState: number;
  /** The partition in whose context the error arose; undefined for module context. */
  readonly partition: PartitionId | undefined;
  readonly hasErrorHandler: boolean;
  readonly time: Nanos;
  readonly message?: string;
}

/** The action decided. */
export type HmAction =
  | { readonly kind: "module"; readonly action: ModuleAction }
  | { readonly kind: "partition"; readonly partition: PartitionId; readonly action: PartitionAction }
  | { readonly kind: "errorHandler"; readonly partition: PartitionId };

/** The whole decision, with where each part came from. */
export interface HmDecision {
  readonly level: ErrorLevel;
  readonly errorId: number;
  readonly errorCode: ErrorCode;
  readonly action: HmAction;
  /** The partition acted on, or "module". */
  readonly target: PartitionId | "module";
  readonly levelFrom: "table" | "default";
  readonly actionFrom: "table" | "default" | "handler";
  readonly logEntry: HmLogEntry;
}

const key = (state: number, id: number | string): string => `${state}/${id}`;

/** Indexes the HM tables of a validated configuration. Later duplicates are validator bugs: throws. */
export function compileHmTables(config: SystemConfig): HmTables {
  const system = new Map<string, { level: ErrorLevel; errorCode: ErrorCode | undefined }>();
  const idByCode = new Map<string, number>();
  for (const e of config.systemHm) {
    const k = key(e.systemState, e.errorId);
    if (system.has(k)) throw new Error(`duplicate System_HM_Table entry ${k}`);
    system.set(k, { level: e.level, errorCode: e.errorCode });
    if (e.errorCode === undefined) continue;
    const ck = key(e.systemState, e.errorCode);
    const prev = idByCode.get(ck);
    if (prev === undefined || e.errorId < prev) idByCode.set(ck, e.errorId);
  }
  const module = new Map<string, ModuleAction>();
  for (const e of config.moduleHm) module.set(key(e.systemState, e.errorId), e.action);
  const partition = new Map<number, Map<string, PartitionAction>>();
  for (const t of config.partitionHm) {
    const m = new Map<string, PartitionAction>();
    for (const e of t.entries) m.set(key(e.systemState, e.errorId), e.action);
    partition.set(t.partition, m);
  }
  return { system, idByCode, module, partition };
}

function inModuleContext(input: HmInput): boolean {
  return input.partition === undefined || (
    input.systemState === SystemState.MODULE_INIT || input.systemState === SystemState.SYSTEM_FUNCTION || input.systemState === SystemState.PARTITION_SWITCH
  );
}

function defaultLevel(input: HmInput, code: ErrorCode): ErrorLevel {
  if (inModuleContext(input)) return "MODULE";
  return code === "APPLICATION_ERROR" || code === "DEADLINE_MISSED" ? "PROCESS" : "PARTITION";
}

/** Classifies an error and decides the action (rules at the top of this file). */
export function decideHm(tables: HmTables, input: HmInput): HmDecision {
  const detected = input.error.kind === "code" ? input.error.code : errorCodeOfFault(input.error.fault);
  const state = input.systemState;
  const errorId = input.errorId ?? tables.idByCode.get(key(state, detected)) ?? ERROR_CODE_VALUES[detected];
  const entry = tables.system.get(key(state, errorId));
  const errorCode = entry?.errorCode ?? detected;
  let level: ErrorLevel = entry?.level ?? defaultLevel(input, detected);
  const partition = input.partition;
  if (partition === undefined) level = "MODULE";

  let action: HmAction;
  let actionFrom: HmDecision["actionFrom"];
  if (level === "MODULE" || partition === undefined) {
    const configured = tables.module.get(key(state, errorId));
    actionFrom = configured === undefined ? "default" : "table";
    action = { kind: "module", action: configured ?? (state === SystemState.MODULE_INIT ? "SHUTDOWN" : "RESET") };
  } else if (level === "PROCESS" && input.hasErrorHandler && state !== SystemState.ERROR_HANDLER) {
    actionFrom = "handler";
    action = { kind: "errorHandler", partition };
  } else {
    const configured = tables.partition.get(partition)?.get(key(state, errorId));
    actionFrom = configured === undefined ? "default" : "table";
    action = { kind: "partition", partition, action: configured ?? (state === SystemState.PARTITION_INIT ? "IDLE" : "COLD_START") };
  }

  const logEntry: HmLogEntry = {
    time: input.time,
    partition,
    systemState: state,
    errorId,
    errorCode,
    level,
    action: describeAction(action),
    message: input.message ?? "",
  };
  return {
    level,
    errorId,
    errorCode,
    action,
    target: action.kind === "module" ? "module" : action.partition,
    levelFrom: entry === undefined ? "default" : "table",
    actionFrom,
    logEntry,
  };
}

/** "MODULE:RESET", "PARTITION:IDLE", "PROCESS:ERROR_HANDLER": the action as logged and traced. */
export function describeAction(action: HmAction): string {
  switch (action.kind) {
    case "module":
      return `MODULE:${action.action}`;
    case "partition":
      return `PARTITION:${action.action}`;
    case "errorHandler":
      return "PROCESS:ERROR_HANDLER";
    default: {
      const unreachable: never = action;
      throw new Error(`unhandled HM action ${String(unreachable)}`);
    }
  }
}
