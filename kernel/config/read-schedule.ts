// Reads Module_Schedule / Partition_Schedule / Window_Schedule (Part 1 single schedule and Part 2
// multiple schedules) into drafts; the timing rules themselves live in check-schedule.ts.
import type { Nanos } from "../mem/types";
import type { DiagnosticSink } from "./diagnostic";
import { ElementReader } from "./element-reader";
import type { PartitionAction, SourcePos } from "./model";
import { readPartitionRef } from "./partition-ref";
import type { PartitionRef } from "./partition-ref";
import type { XmlElement } from "./xml-tree";

/** Partition actions of Partition_Schedule/@ScheduleChangeAction and Partition_HM_Table. */
export const PARTITION_ACTIONS: readonly PartitionAction[] = ["IGNORE", "IDLE", "WARM_START", "COLD_START"];

/** A Window_Schedule as read (its partition is its Partition_Schedule's). */
export interface WindowDraft {
  readonly id: number;
  readonly start: Nanos;
  readonly duration: Nanos;
  readonly partitionPeriodStart: boolean;
  readonly pos: SourcePos;
}

/** A Partition_Schedule as read. */
export interface PartitionScheduleDraft {
  readonly ref: PartitionRef;
  readonly period: Nanos | undefined;
  readonly periodDuration: Nanos | undefined;
  readonly setModuleSchedule: boolean;
  readonly scheduleChangeAction: PartitionAction;
  readonly windows: readonly WindowDraft[];
  /** False when some attribute or window could not be read: timing checks then skip it. */
  readonly complete: boolean;
  readonly pos: SourcePos;
}

/** A Module_Schedule as read. */
export interface ScheduleDraft {
  readonly id: number | undefined;
  readonly name: string | undefined;
  readonly initial: boolean | undefined;
  readonly majorFrame: Nanos | undefined;
  readonly minorFrame: Nanos | undefined;
  readonly partitions: readonly PartitionScheduleDraft[];
  readonly pos: SourcePos;
}

/** Reads one Module_Schedule element. */
export function readSchedule(el: XmlElement, sink: DiagnosticSink): ScheduleDraft {
  const r = new ElementReader(el, sink);
  const majorFrame = r.seconds("MajorFrameSeconds", true, true);
  const id = r.int("ScheduleIdentifier", false);
  const name = r.nameAttr("ScheduleName", false);
  const initialAttr = r.attribute("InitialModuleSchedule");
  const initial = r.bool("InitialModuleSchedule", false);
  const minorFrame = r.seconds("MinorFrameSeconds", false, true);
  const groups = r.children([{ local: "Partition_Schedule", min: 1, max: Infinity }]);
  r.finish();
  const partitions: PartitionScheduleDraft[] = [];
  for (const ps of groups.get("Partition_Schedule") ?? []) {
    const draft = readPartitionSchedule(ps, sink);
    if (draft) partitions.push(draft);
  }
  return { id, name, initial: initialAttr ? initial : undefined, majorFrame, minorFrame, partitions, pos: el.pos };
}

function readPartitionSchedule(el: XmlElement, sink: DiagnosticSink): PartitionScheduleDraft | undefined {
  const before = sink.count;
  const r = new ElementReader(el, sink);
  const ref = readPartitionRef(r);
  const period = r.seconds("PeriodSeconds", true, true);
  const periodDuration = r.seconds("PeriodDurationSeconds", true, true);
  const setModuleSchedule = r.bool("SetModuleSchedule", false);
  const scheduleChangeAction = r.enumOf("ScheduleChangeAction", PARTITION_ACTIONS, false) ?? "IGNORE";
  const groups = r.children([{ local: "Window_Schedule", min: 1, max: Infinity }]);
  r.finish();
  const windows: WindowDraft[] = [];
  for (const w of groups.get("Window_Schedule") ?? []) {
    const wr = new ElementReader(w, sink);
    const id = wr.int("WindowIdentifier", true);
    const start = wr.seconds("WindowStartSeconds", true, false);
    const duration = wr.seconds("WindowDurationSeconds", true, true);
    const partitionPeriodStart = wr.bool("PartitionPeriodStart", false);
    wr.children([]);
    wr.finish();
    if (id !== undefined && start !== undefined && duration !== undefined) {
      windows.push({ id, start, duration, partitionPeriodStart, pos: w.pos });
    }
  }
  if (period !== undefined && periodDuration !== undefined && periodDuration > period) {
    r.error(`PeriodDurationSeconds is longer than PeriodSeconds; a partition cannot run longer than its period`);
  }
  if (!ref) return undefined;
  return {
    ref,
    period,
    periodDuration,
    setModuleSchedule,
    scheduleChangeAction,
    windows,
    complete: sink.count === before,
    pos: el.pos,
  };
}
