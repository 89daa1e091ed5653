// Builders for small validated-config fragments used by the kernel core tests. They fill the
// bookkeeping fields (positions, defaults) so that tests state only what they check.
import type {
  ModuleScheduleConfig,
  PartitionAction,
  PartitionScheduleConfig,
  SourcePos,
  WindowConfig,
} from "../../kernel/config/model";
import { nanos, partitionId } from "../../kernel/mem/types";

/** A source position for synthetic config items. */
export const POS: SourcePos = { file: "test.xml", line: 1, column: 1 };

/** [partition, start, duration] in ns, optionally with PartitionPeriodStart. */
export type WindowSpec = readonly [partition: number, start: number | bigint, duration: number | bigint, periodStart?: boolean];

/** A window list from compact specs; ids are 1-based positions. */
export function windows(specs: readonly WindowSpec[]): WindowConfig[] {
  return specs.map(([p, start, duration, periodStart], i) => ({
    id: i + 1,
    partition: partitionId(p),
    start: nanos(start),
    duration: nanos(duration),
    partitionPeriodStart: periodStart ?? false,
    pos: POS,
  }));
}

/** Per-partition schedule entry. */
export function partitionSchedule(
  p: number,
  opts: { period?: bigint; setModuleSchedule?: boolean; action?: PartitionAction } = {},
): PartitionScheduleConfig {
  return {
    partition: partitionId(p),
    period: nanos(opts.period ?? 1000n),
    periodDuration: nanos(1n),
    setModuleSchedule: opts.setModuleSchedule ?? false,
    scheduleChangeAction: opts.action ?? "IGNORE",
    pos: POS,
  };
}

/** A module schedule; the partition list defaults to every partition that has a window. */
export function moduleSchedule(opts: {
  id?: number;
  name?: string;
  initial?: boolean;
  majorFrame: number | bigint;
  windows: readonly WindowSpec[];
  partitions?: readonly PartitionScheduleConfig[];
}): ModuleScheduleConfig {
  const ws = windows(opts.windows);
  const ids = [...new Set(ws.map((w) => w.partition as number))].sort((a, b) => a - b);
  return {
    id: opts.id ?? 1,
    name: opts.name ?? `sched${opts.id ?? 1}`,
    initial: opts.initial ?? true,
    majorFrame: nanos(opts.majorFrame),
    minorFrame: undefined,
    partitions: opts.partitions ?? ids.map((p) => partitionSchedule(p)),
    windows: ws,
    pos: POS,
  };
}
