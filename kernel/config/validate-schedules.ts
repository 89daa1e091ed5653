// Turns Module_Schedule drafts into ModuleScheduleConfig: schedule identity rules (Part 2: ids,
// names, exactly one initial schedule), partition references, window identifiers, and the timing
// rules of check-schedule.ts.
import { formatSeconds } from "./decimal-time";
import type { DiagnosticSink } from "./diagnostic";
import type { ModuleScheduleConfig, PartitionConfig, PartitionScheduleConfig, WindowConfig } from "./model";
import { resolvePartition } from "./partition-ref";
import { checkPartitionPeriods, checkWindowPlacement } from "./check-schedule";
import type { ScheduleDraft } from "./read-schedule";

/** Validates the schedules together and one by one; returns those complete enough to build. */
export function buildSchedules(
  drafts: readonly ScheduleDraft[],
  partitions: ReadonlyMap<number, PartitionConfig>,
  sink: DiagnosticSink,
): ModuleScheduleConfig[] {
  const several = drafts.length > 1;
  const ids = new Map<number, ScheduleDraft>();
  const names = new Map<string, ScheduleDraft>();
  for (const d of drafts) {
    // Part 2 makes ScheduleIdentifier and ScheduleName required; a lone Part 1 schedule gets defaults.
    if (several && d.id === undefined) sink.error(d.pos, "with several Module_Schedule elements, each needs a ScheduleIdentifier");
    if (several && d.name === undefined) sink.error(d.pos, "with several Module_Schedule elements, each needs a ScheduleName");
    if (d.id !== undefined) {
      const prev = ids.get(d.id);
      if (prev) sink.error(d.pos, `ScheduleIdentifier ${d.id} is already used by the schedule at line ${prev.pos.line}`);
      else ids.set(d.id, d);
    }
    if (d.name !== undefined) {
      const prev = names.get(d.name);
      if (prev) sink.error(d.pos, `ScheduleName "${d.name}" is already used by the schedule at line ${prev.pos.line}`);
      else names.set(d.name, d);
    }
  }
  const initials = drafts.filter((d) => d.initial === true);
  const first = drafts[0];
  if (several && initials.length === 0 && first) {
    sink.error(first.pos, `none of the ${drafts.length} Module_Schedule elements has InitialModuleSchedule="true"; mark exactly one`);
  }
  for (const extra of initials.slice(1)) {
    sink.error(extra.pos, `another Module_Schedule (line ${initials[0]?.pos.line}) is already the initial one; only one may have InitialModuleSchedule="true"`);
  }
  if (!several && first?.initial === false) {
    sink.error(first.pos, 'the only Module_Schedule is always the initial one; remove InitialModuleSchedule="false"');
  }
  const out: ModuleScheduleConfig[] = [];
  drafts.forEach((d, index) => {
    const built = buildSchedule(d, several ? d.initial === true : true, index, partitions, sink);
    if (built) out.push(built);
  });
  return out;
}

function buildSchedule(
  d: ScheduleDraft,
  initial: boolean,
  index: number,
  partitions: ReadonlyMap<number, PartitionConfig>,
  sink: DiagnosticSink,
): ModuleScheduleConfig | undefined {
  const majorFrame = d.majorFrame;
  if (majorFrame !== undefined && d.minorFrame !== undefined && majorFrame % d.minorFrame !== 0n) {
    sink.error(d.pos, `MinorFrameSeconds ${formatSeconds(d.minorFrame)} does not divide MajorFrameSeconds ${formatSeconds(majorFrame)}`);
  }
  const schedName = d.name ?? (d.id !== undefined ? `schedule_${d.id}` : "default");
  const partitionSchedules: PartitionScheduleConfig[] = [];
  const windows: (WindowConfig & { readonly owner: string })[] = [];
  const seenPartitions = new Map<number, number>();
  const windowIds = new Map<number, number>();
  let complete = majorFrame !== undefined;
  for (const ps of d.partitions) {
    const p = resolvePartition(ps.ref, partitions, "Partition_Schedule", sink);
    if (!p) {
      complete = false;
      continue;
    }
    const prevLine = seenPartitions.get(p.id);
    if (prevLine !== undefined) {
      sink.error(ps.pos, `partition "${p.name}" already has a Partition_Schedule in this Module_Schedule (line ${prevLine})`);
      complete = false;
      continue;
    }
    seenPartitions.set(p.id, ps.pos.line);
    for (const w of ps.windows) {
      const prev = windowIds.get(w.id);
      if (prev !== undefined) sink.error(w.pos, `WindowIdentifier ${w.id} is already used at line ${prev} of this Module_Schedule`);
      else windowIds.set(w.id, w.pos.line);
      windows.push({ ...w, partition: p.id, owner: p.name });
    }
    if (!ps.complete || ps.period === undefined || ps.periodDuration === undefined) {
      complete = false;
      continue;
    }
    partitionSchedules.push({
      partition: p.id,
      period: ps.period,
      periodDuration: ps.periodDuration,
      setModuleSchedule: ps.setModuleSchedule,
      scheduleChangeAction: ps.scheduleChangeAction,
      pos: ps.pos,
    });
    if (majorFrame !== undefined) {
      checkPartitionPeriods(
        majorFrame,
        { name: p.name, period: ps.period, periodDuration: ps.periodDuration, windows: ps.windows, pos: ps.pos },
        sink,
      );
    }
  }
  if (majorFrame === undefined) return undefined;
  checkWindowPlacement(majorFrame, windows, sink);
  if (!complete) return undefined;
  const sorted = [...windows].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return {
    id: d.id ?? index,
    name: schedName,
    initial,
    majorFrame,
    minorFrame: d.minorFrame,
    partitions: partitionSchedules,
    windows: sorted.map(({ owner: _owner, ...w }) => w),
    pos: d.pos,
  };
}
