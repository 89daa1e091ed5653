// Reads the three health-monitoring tables (System_HM_Table, Module_HM_Table, Partition_HM_Table)
// and checks them against each other: every (SystemState, ErrorIdentifier) used by a module or
// partition table must be defined by the System_HM_Table, and no pair appears twice in one table.
import type { DiagnosticSink } from "./diagnostic";
import { ElementReader } from "./element-reader";
import type { ErrorCode, ErrorLevel, ModuleAction, ModuleHmEntry, PartitionAction, PartitionHmEntry, SourcePos, SystemHmEntry } from "./model";
import { readPartitionRef } from "./partition-ref";
import type { PartitionRef } from "./partition-ref";
import { PARTITION_ACTIONS } from "./read-schedule";
import type { XmlElement } from "./xml-tree";
import { SYSTEM_STATE_VALUES, SystemState } from "../health/system-state";

const LEVELS: readonly ErrorLevel[] = ["MODULE", "PARTITION", "PROCESS"];
export const ERROR_CODES: readonly ErrorCode[] = [
  "DEADLINE_MISSED",
  "APPLICATION_ERROR",
  "NUMERIC_ERROR",
  "ILLEGAL_REQUEST",
  "STACK_OVERFLOW",
  "MEMORY_VIOLATION",
  "HARDWARE_FAULT",
  "POWER_FAILURE",
];
const MODULE_ACTIONS: readonly ModuleAction[] = ["IGNORE", "SHUTDOWN", "RESET"];

/** A Partition_HM_Table as read, before its partition is resolved. */
export interface PartitionHmDraft {
  readonly ref: PartitionRef;
  readonly callback: string | undefined;
  readonly entries: readonly PartitionHmEntry[];
}

interface StateEntry {
  readonly state: number;
  readonly children: readonly XmlElement[];
}

function readStates(r: ElementReader, childName: string, sink: DiagnosticSink): StateEntry[] {
  const groups = r.children([{ local: "System_State_Entry", min: 1, max: Infinity }]);
  const out: StateEntry[] = [];
  for (const el of groups.get("System_State_Entry") ?? []) {
    const sr = new ElementReader(el, sink);
    const state = sr.int("SystemState", true);
    sr.string("Description", false);
    const children = sr.children([{ local: childName, min: 1, max: Infinity }]).get(childName) ?? [];
    sr.finish();
    if (state !== undefined && !SYSTEM_STATE_VALUES.includes(state)) {
      const known = Object.entries(SystemState).map(([name, v]) => `${v} ${name}`).join(", ");
      sink.error(el.pos, `SystemState ${state} is not a system state (${known})`);
      continue;
    }
    if (state !== undefined) out.push({ state, children });
  }
  return out;
}

/** Reads the System_HM_Table: error identifier -> level (and optional error code) per system state. */
export function readSystemHm(el: XmlElement, sink: DiagnosticSink): SystemHmEntry[] {
  const r = new ElementReader(el, sink);
  const states = readStates(r, "Error_ID_Level", sink);
  r.finish();
  const out: SystemHmEntry[] = [];
  for (const { state, children } of states) {
    for (const c of children) {
      const cr = new ElementReader(c, sink);
      const errorId = cr.int("ErrorIdentifier", true);
      cr.string("Description", false);
      const level = cr.enumOf("ErrorLevel", LEVELS, true);
      const errorCode = cr.enumOf("ErrorCode", ERROR_CODES, false);
      cr.children([]);
      cr.finish();
      if (errorId !== undefined && level !== undefined) out.push({ systemState: state, errorId, level, errorCode, pos: c.pos });
    }
  }
  return out;
}

function readActions<A extends string>(states: StateEntry[], actions: readonly A[], sink: DiagnosticSink) {
  const out: { systemState: number; errorId: number; action: A; pos: SourcePos }[] = [];
  for (const { state, children } of states) {
    for (const c of children) {
      const cr = new ElementReader(c, sink);
      const errorId = cr.int("ErrorIdentifier", true);
      cr.string("Description", false);
      const action = cr.enumOf("Action", actions, true);
      cr.children([]);
      cr.finish();
      if (errorId !== undefined && action !== undefined) out.push({ systemState: state, errorId, action, pos: c.pos });
    }
  }
  return out;
}

/** Reads the Module_HM_Table (actions IGNORE, SHUTDOWN, RESET). */
export function readModuleHm(el: XmlElement, sink: DiagnosticSink): ModuleHmEntry[] {
  const r = new ElementReader(el, sink);
  r.string("ModuleCallback", false);
  const states = readStates(r, "Error_ID_Action", sink);
  r.finish();
  return readActions<ModuleAction>(states, MODULE_ACTIONS, sink);
}

/** Reads a Partition_HM_Table (actions IGNORE, IDLE, WARM_START, COLD_START). */
export function readPartitionHm(el: XmlElement, sink: DiagnosticSink): PartitionHmDraft | undefined {
  const r = new ElementReader(el, sink);
  const ref = readPartitionRef(r);
  const callback = r.string("PartitionCallback", false);
  const states = readStates(r, "Error_ID_Action", sink);
  r.finish();
  const entries = readActions<PartitionAction>(states, PARTITION_ACTIONS, sink);
  return ref && { ref, callback, entries };
}

interface HmKeyed {
  readonly systemState: number;
  readonly errorId: number;
  readonly pos: SourcePos;
}

/** Reports (SystemState, ErrorIdentifier) pairs given twice in one table. */
export function checkHmDuplicates(table: string, entries: readonly HmKeyed[], sink: DiagnosticSink): void {
  const seen = new Map<string, HmKeyed>();
  for (const e of entries) {
    const key = `${e.systemState}/${e.errorId}`;
    const prev = seen.get(key);
    if (prev) sink.error(e.pos, `${table} lists ErrorIdentifier ${e.errorId} twice for SystemState ${e.systemState} (first at line ${prev.pos.line})`);
    else seen.set(key, e);
  }
}

/** Reports entries whose (SystemState, ErrorIdentifier) the System_HM_Table does not define. */
export function checkHmKnown(
  table: string,
  entries: readonly HmKeyed[],
  system: readonly SystemHmEntry[] | undefined,
  sink: DiagnosticSink,
): void {
  for (const e of entries) {
    if (!system) {
      sink.error(e.pos, `${table} uses ErrorIdentifier ${e.errorId}, but there is no System_HM_Table to define its level; add one`);
    } else if (!system.some((s) => s.systemState === e.systemState && s.errorId === e.errorId)) {
      sink.error(
        e.pos,
        `${table} uses ErrorIdentifier ${e.errorId} in SystemState ${e.systemState}, which the System_HM_Table does not define`,
      );
    }
  }
}
