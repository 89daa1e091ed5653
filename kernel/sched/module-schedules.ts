// ARINC 653 Part 2 multiple module schedules as a pure state machine: SET_MODULE_SCHEDULE,
// GET_MODULE_SCHEDULE_STATUS, GET_MODULE_SCHEDULE_ID, and the switch at the end of the major frame.
// It does not apply ScheduleChangeAction to partitions: it reports them for kernel/partition to apply.
//
// Rules chosen (P2 3.4 as summarised in ARINC653.md, plus our reading where the digest is silent):
// - unknown schedule id -> INVALID_PARAM ("unknownId").
// - caller absent from the current schedule or without SetModuleSchedule="true" -> INVALID_CONFIG
//   ("notPermitted"): the permission is configuration data, so refusing it is a configuration
//   error, like other "not configured for you" cases (GET_*_PORT_ID on a foreign name).
// - request for the current schedule -> NO_ERROR: the caller's wish "next = current" now holds, and
//   any pending change is cancelled (so a partition can withdraw its own request). No switch happens.
// - a new request while another is pending replaces it (last request wins), still at the same frame end.
// - LAST_SWITCH_TIME is 0 until the first switch.
import type { ModuleScheduleConfig, PartitionAction } from "../config/model";
import { nanos, type Nanos, type PartitionId } from "../mem/types";
import type { ServiceOutcome } from "../ports/return-codes";
import { compileSchedule, decideWindow, type CompiledSchedule, type WindowDecision } from "./window-scheduler";

/** Every module schedule of a module, compiled, with lookups by id and name. */
export interface ScheduleSet {
  /** Sorted by schedule id. */
  readonly schedules: readonly CompiledSchedule[];
  readonly initialId: number;
  readonly byId: ReadonlyMap<number, CompiledSchedule>;
  readonly byName: ReadonlyMap<string, CompiledSchedule>;
}

/** Where the module stands in its schedules. Plain immutable data. */
export interface ScheduleState {
  readonly currentId: number;
  /** Start of the current schedule's first major frame. */
  readonly epoch: Nanos;
  /** Time of the last switch; 0 before any switch. */
  readonly lastSwitch: Nanos;
  /** A requested switch and the frame end at which it takes effect. */
  readonly pending: { readonly id: number; readonly at: Nanos } | undefined;
}

/** A schedule switch that happened, with the ScheduleChangeAction of each partition of the new schedule. */
export interface ScheduleSwitch {
  readonly at: Nanos;
  readonly from: number;
  readonly to: number;
  /** Sorted by partition id. */
  readonly actions: readonly { readonly partition: PartitionId; readonly action: PartitionAction }[];
}

/** GET_MODULE_SCHEDULE_STATUS data. */
export interface ScheduleStatus {
  readonly lastSwitch: Nanos;
  readonly current: number;
  /** The pending schedule, or the current one when no change is pending. */
  readonly next: number;
}

/**
 * Compiles every schedule. The initial one is the schedule marked InitialModuleSchedule, or the
 * only one (Part 1 files have a single schedule). Duplicate ids/names or no initial schedule are
 * validator failures, so they throw here.
 */
export function buildScheduleSet(configs: readonly ModuleScheduleConfig[]): ScheduleSet {
  const schedules = configs.map(compileSchedule).sort((a, b) => a.id - b.id);
  const byId = new Map<number, CompiledSchedule>();
  const byName = new Map<string, CompiledSchedule>();
  for (const s of schedules) {
    if (byId.has(s.id) || byName.has(s.name)) throw new Error(`duplicate module schedule ${s.id} "${s.name}"`);
    byId.set(s.id, s);
    byName.set(s.name, s);
  }
  const initials = schedules.filter((s) => s.config.initial);
  const initial = initials.length === 1 ? initials[0] : schedules.length === 1 ? schedules[0] : undefined;
  if (initial === undefined) throw new Error("module schedules: exactly one initial schedule is required");
  return { schedules, initialId: initial.id, byId, byName };
}

/** The state at module start: the initial schedule, first frame at time 0. */
export function initialScheduleState(set: ScheduleSet): ScheduleState {
  return { currentId: set.initialId, epoch: nanos(0), lastSwitch: nanos(0), pending: undefined };
}

function scheduleOf(set: ScheduleSet, id: number): CompiledSchedule {
  const s = set.byId.get(id);
  if (s === undefined) throw new Error(`no module schedule ${id}`);
  return s;
}

/** SET_MODULE_SCHEDULE from partition `caller` at time `now` (see the rules at the top of this file). */
export function requestScheduleChange(
  set: ScheduleSet,
  state: ScheduleState,
  caller: PartitionId,
  scheduleId: number,
  now: Nanos,
): { readonly state: ScheduleState; readonly outcome: ServiceOutcome } {
  if (!set.byId.has(scheduleId)) return { state, outcome: "unknownId" };
  const settled = settle(set, state, now).state;
  const current = scheduleOf(set, settled.currentId);
  const entry = current.config.partitions.find((p) => p.partition === caller);
  if (entry === undefined || !entry.setModuleSchedule) return { state, outcome: "notPermitted" };
  if (scheduleId === settled.currentId) return { state: { ...settled, pending: undefined }, outcome: "ok" };
  const at = nanos(decideWindow(current, settled.epoch, now).frameStart + current.majorFrame);
  return { state: { ...settled, pending: { id: scheduleId, at } }, outcome: "ok" };
}

/** GET_MODULE_SCHEDULE_STATUS as of `now` (a switch due at or before `now` counts as done). */
export function scheduleStatus(set: ScheduleSet, state: ScheduleState, now: Nanos): ScheduleStatus {
  const s = settle(set, state, now).state;
  return { lastSwitch: s.lastSwitch, current: s.currentId, next: s.pending?.id ?? s.currentId };
}

/** GET_MODULE_SCHEDULE_ID: unknown name -> INVALID_CONFIG ("unknownName"), as for the port ids. */
export function scheduleIdByName(
  set: ScheduleSet,
  name: string,
): { readonly outcome: "ok"; readonly id: number } | { readonly outcome: "unknownName" } {
  const s = set.byName.get(name);
  return s === undefined ? { outcome: "unknownName" } : { outcome: "ok", id: s.id };
}

/** Applies a pending switch whose frame end is at or before `now`. */
export function settle(
  set: ScheduleSet,
  state: ScheduleState,
  now: Nanos,
): { readonly state: ScheduleState; readonly switched: ScheduleSwitch | undefined } {
  const pending = state.pending;
  if (pending === undefined || now < pending.at) return { state, switched: undefined };
  const next = scheduleOf(set, pending.id);
  const actions = [...next.config.partitions]
    .sort((a, b) => a.partition - b.partition)
    .map((p) => ({ partition: p.partition, action: p.scheduleChangeAction }));
  return {
    state: { currentId: pending.id, epoch: pending.at, lastSwitch: pending.at, pending: undefined },
    switched: { at: pending.at, from: state.currentId, to: pending.id, actions },
  };
}

/**
 * The module-level decision at `now`: settles a due switch first (it takes effect exactly at the
 * frame end it was scheduled for, even when `now` is later), then asks the window scheduler.
 * A pending switch never cuts a slot short: it is due at a frame end, which is always a slot end.
 */
export function decideModule(
  set: ScheduleSet,
  state: ScheduleState,
  now: Nanos,
  hint?: number,
): { readonly state: ScheduleState; readonly decision: WindowDecision; readonly switched: ScheduleSwitch | undefined } {
  const { state: s, switched } = settle(set, state, now);
  const schedule = scheduleOf(set, s.currentId);
  const decision = switched === undefined && hint !== undefined
    ? decideWindow(schedule, s.epoch, now, hint)
    : decideWindow(schedule, s.epoch, now);
  return { state: s, decision, switched };
}
