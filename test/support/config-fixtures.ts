// Builders for small validated-config fragments used by the kernel core tests. They fill the
// bookkeeping fields (positions, defaults) so that tests state only what they check.
import type {
  LogbookConfig,
  ChannelConfig,
  ChannelEndpoint,
  ModuleHmEntry,
  ModuleScheduleConfig,
  PartitionAction,
  PartitionConfig,
  PartitionHmTable,
  PartitionScheduleConfig,
  PortConfig,
  PortDirection,
  QueuingDiscipline,
  QueuingPortConfig,
  SamplingPortConfig,
  SourcePos,
  SystemConfig,
  SystemHmEntry,
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

/** A sampling port config. */
export function samplingPort(name: string, direction: PortDirection, maxMessageSize = 16, refresh = 100n): SamplingPortConfig {
  return { kind: "sampling", name, direction, maxMessageSize, refreshPeriod: nanos(refresh), pos: POS };
}

/** A queuing port config. */
export function queuingPort(
  name: string,
  direction: PortDirection,
  maxNbMessages = 2,
  maxMessageSize = 16,
  discipline: QueuingDiscipline = "FIFO",
): QueuingPortConfig {
  return { kind: "queuing", name, direction, maxMessageSize, maxNbMessages, discipline, pos: POS };
}

/** A partition with the given ports and neutral everything else. */
export function partition(id: number, ports: readonly PortConfig[] = []): PartitionConfig {
  return {
    id: partitionId(id),
    name: `P${id}`,
    criticality: "LEVEL_A",
    systemPartition: false,
    entryPoint: undefined,
    ports,
    processes: [],
    memory: [],
    guest: { kind: "PV", image: undefined, binding: "trap", devices: [], commandLine: "", modules: [], pos: undefined },
    pos: POS,
  };
}

/** A channel endpoint: "3:name" names port `name` of partition 3; "@name" a pseudo partition. */
export function endpoint(spec: string): ChannelEndpoint {
  if (spec.startsWith("@")) return { kind: "pseudo", name: spec.slice(1), pos: POS };
  const [p, port] = spec.split(":");
  return { kind: "partition", partition: partitionId(Number(p)), port: port ?? "", pos: POS };
}

/** A channel from compact endpoint specs. */
export function channel(id: number, source: string, ...destinations: string[]): ChannelConfig {
  return { id, name: undefined, source: endpoint(source), destinations: destinations.map(endpoint), pos: POS };
}

/** A whole module config with only what the kernel cores read filled in. */
export function systemConfig(opts: {
  partitions?: readonly PartitionConfig[];
  schedules?: readonly ModuleScheduleConfig[];
  channels?: readonly ChannelConfig[];
  systemHm?: readonly SystemHmEntry[];
  moduleHm?: readonly ModuleHmEntry[];
  partitionHm?: readonly PartitionHmTable[];
  logbooks?: readonly LogbookConfig[];
}): SystemConfig {
  return {
    file: "test.xml",
    moduleName: "test",
    partitions: opts.partitions ?? [],
    schedules: opts.schedules ?? [],
    channels: opts.channels ?? [],
    systemHm: opts.systemHm ?? [],
    moduleHm: opts.moduleHm ?? [],
    partitionHm: opts.partitionHm ?? [],
    logbooks: opts.logbooks ?? [],
    ext: { clockHz: 100_000_000 },
  };
}
