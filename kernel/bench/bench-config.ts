// The synthetic module configurations the benchmarks run: partitions with neutral settings and one
// round-robin schedule, built in code (no XML). Decides no measurement and validates nothing: the
// benchmarks only build configurations the validator would accept.
import type { ModuleScheduleConfig, PartitionConfig, PartitionGuestConfig, PortConfig, SourcePos, SystemConfig } from "../config/model";
import { DEFAULT_CLOCK_HZ } from "../cpu/cost-model";
import { nanos, partitionId } from "../mem/types";

/** Where synthetic configuration items come from (shown in errors). */
export const BENCH_POS: SourcePos = { file: "<apexvisor bench>", line: 1, column: 1 };

/** A partition `id` named P<id> with the given guest fields and ports, neutral everything else. */
export function benchPartition(id: number, guest: Partial<PartitionGuestConfig> = {}, ports: readonly PortConfig[] = []): PartitionConfig {
  return {
    id: partitionId(id),
    name: `P${id}`,
    criticality: "LEVEL_A",
    systemPartition: false,
    entryPoint: undefined,
    ports,
    processes: [],
    memory: [],
    guest: { kind: "PV", image: undefined, binding: "trap", devices: [], commandLine: "", modules: [], pos: undefined, ...guest },
    pos: BENCH_POS,
  };
}

/** One schedule: a window of `windowNs` per partition, in order; the major frame is their sum. */
export function roundRobinSchedule(partitions: readonly PartitionConfig[], windowNs: number | bigint): ModuleScheduleConfig {
  const w = BigInt(windowNs);
  return {
    id: 1,
    name: "bench",
    initial: true,
    majorFrame: nanos(w * BigInt(partitions.length)),
    minorFrame: undefined,
    partitions: partitions.map((p) => ({
      partition: p.id,
      period: nanos(w * BigInt(partitions.length)),
      periodDuration: nanos(w),
      setModuleSchedule: false,
      scheduleChangeAction: "IGNORE",
      pos: BENCH_POS,
    })),
    windows: partitions.map((p, i) => ({ id: i + 1, partition: p.id, start: nanos(w * BigInt(i)), duration: nanos(w), partitionPeriodStart: true, pos: BENCH_POS })),
    pos: BENCH_POS,
  };
}

/** A module of `partitions` under the round-robin schedule, no channels, no HM tables, default clock. */
export function benchModule(partitions: readonly PartitionConfig[], windowNs: number | bigint): SystemConfig {
  return {
    file: "<apexvisor bench>",
    moduleName: "bench",
    partitions,
    schedules: [roundRobinSchedule(partitions, windowNs)],
    channels: [],
    systemHm: [],
    moduleHm: [],
    partitionHm: [],
    logbooks: [],
    ext: { clockHz: DEFAULT_CLOCK_HZ },
  };
}
