// Partition operating modes and start conditions as a pure transition function (ARINC 653 P1 3.2):
// SET_PARTITION_MODE from the partition itself, and the partition actions imposed by the health
// monitor or a schedule change. Performing the effects (stopping, reloading the image) is the shell's job.
//
// Rules (SET_PARTITION_MODE, per ARINC653.md and a653rs partition.rs):
// - a value that is no OPERATING_MODE -> INVALID_PARAM;
// - NORMAL while NORMAL -> NO_ACTION; WARM_START while COLD_START -> INVALID_MODE;
// - IDLE stops the partition; COLD_START/WARM_START restart it with start condition PARTITION_RESTART;
// - NORMAL from COLD_START/WARM_START ends initialisation; the start condition is kept.
// Rules chosen for imposed actions (HM Partition_HM_Table, Part 2 ScheduleChangeAction):
// - IGNORE changes nothing; IDLE on an IDLE partition changes nothing;
// - COLD_START restarts; WARM_START restarts warm, except from COLD_START or IDLE, where it restarts
//   cold: a partition that never finished initialising, or that was stopped, has no state to keep;
// - start condition HM_PARTITION_RESTART for the HM, PARTITION_RESTART for a schedule change (the
//   standard has no dedicated value for the latter; the change was requested by a partition).
import type { PartitionAction } from "../config/model";
import type { ServiceOutcome } from "../ports/return-codes";

/** OPERATING_MODE_TYPE. */
export type OperatingMode = "IDLE" | "COLD_START" | "WARM_START" | "NORMAL";
/** OPERATING_MODE_TYPE numbering of the APEX bindings. */
export const OPERATING_MODE_VALUES: Readonly<Record<OperatingMode, number>> = {
  IDLE: 0,
  COLD_START: 1,
  WARM_START: 2,
  NORMAL: 3,
};

/** START_CONDITION_TYPE. */
export type StartCondition = "NORMAL_START" | "PARTITION_RESTART" | "HM_MODULE_RESTART" | "HM_PARTITION_RESTART";
/** START_CONDITION_TYPE numbering of the APEX bindings (declaration order). */
export const START_CONDITION_VALUES: Readonly<Record<StartCondition, number>> = {
  NORMAL_START: 0,
  PARTITION_RESTART: 1,
  HM_MODULE_RESTART: 2,
  HM_PARTITION_RESTART: 3,
};

/** A partition's mode and why it last started. */
export interface PartitionModeState {
  readonly mode: OperatingMode;
  readonly startCondition: StartCondition;
}

/** What the shell must do after a transition. */
export type ModeEffect =
  /** Stop executing the partition: its windows stay reserved but run nothing. */
  | { readonly kind: "stop" }
  /** Reload the partition image and enter it at its entry point in the given mode. */
  | { readonly kind: "restart"; readonly mode: "COLD_START" | "WARM_START" }
  /** Initialisation is over: process scheduling starts in the guest. */
  | { readonly kind: "enterNormal" };

/** The result of a transition: the new state (unchanged on refusal), effects and the outcome. */
export interface ModeTransition extends PartitionModeState {
  readonly effects: readonly ModeEffect[];
  readonly outcome: ServiceOutcome;
}

/** Who imposes a partition action. */
export type ActionCause = "healthMonitor" | "scheduleChange" | "partitionRequest";

/** State at module start: every partition cold-starts; NORMAL_START on power-on, else HM_MODULE_RESTART. */
export function moduleStartState(cause: "powerOn" | "moduleRestart"): PartitionModeState {
  return { mode: "COLD_START", startCondition: cause === "powerOn" ? "NORMAL_START" : "HM_MODULE_RESTART" };
}

/** Decodes an OPERATING_MODE_TYPE value from a guest; undefined when it is none. */
export function operatingModeFromValue(value: number): OperatingMode | undefined {
  for (const [mode, v] of Object.entries(OPERATING_MODE_VALUES) as [OperatingMode, number][]) {
    if (v === value) return mode;
  }
  return undefined;
}

function unchanged(state: PartitionModeState, outcome: ServiceOutcome): ModeTransition {
  return { mode: state.mode, startCondition: state.startCondition, effects: [], outcome };
}

function restart(mode: "COLD_START" | "WARM_START", startCondition: StartCondition): ModeTransition {
  return { mode, startCondition, effects: [{ kind: "restart", mode }], outcome: "ok" };
}

/**
 * SET_PARTITION_MODE requested by the partition itself with a raw OPERATING_MODE value. An IDLE
 * partition runs no code and so cannot call; a call from it is a host bug and throws.
 */
export function setPartitionMode(state: PartitionModeState, requested: number): ModeTransition {
  if (state.mode === "IDLE") throw new Error("SET_PARTITION_MODE from an IDLE partition");
  const mode = operatingModeFromValue(requested);
  if (mode === undefined) return unchanged(state, "badParam");
  switch (mode) {
    case "NORMAL":
      if (state.mode === "NORMAL") return unchanged(state, "noChange");
      return { mode, startCondition: state.startCondition, effects: [{ kind: "enterNormal" }], outcome: "ok" };
    case "IDLE":
      return { mode, startCondition: state.startCondition, effects: [{ kind: "stop" }], outcome: "ok" };
    case "WARM_START":
      if (state.mode === "COLD_START") return unchanged(state, "wrongMode");
      return restart(mode, "PARTITION_RESTART");
    case "COLD_START":
      return restart(mode, "PARTITION_RESTART");
    default: {
      const unreachable: never = mode;
      throw new Error(`unhandled mode ${String(unreachable)}`);
    }
  }
}

/** Applies a partition action imposed by the health monitor or by a module schedule change. */
export function applyPartitionAction(state: PartitionModeState, action: PartitionAction, cause: ActionCause): ModeTransition {
  const condition: StartCondition = cause === "healthMonitor" ? "HM_PARTITION_RESTART" : "PARTITION_RESTART";
  switch (action) {
    case "IGNORE":
      return unchanged(state, "noChange");
    case "IDLE":
      if (state.mode === "IDLE") return unchanged(state, "noChange");
      return { mode: "IDLE", startCondition: state.startCondition, effects: [{ kind: "stop" }], outcome: "ok" };
    case "COLD_START":
      return restart("COLD_START", condition);
    case "WARM_START":
      return restart(state.mode === "COLD_START" || state.mode === "IDLE" ? "COLD_START" : "WARM_START", condition);
    default: {
      const unreachable: never = action;
      throw new Error(`unhandled partition action ${String(unreachable)}`);
    }
  }
}
