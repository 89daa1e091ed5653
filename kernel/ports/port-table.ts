// The configured ports of a module with their kernel ids: CREATE_*_PORT, GET_*_PORT_ID and the
// ownership check every port service starts with. Message storage and routing live in port-router.ts.
//
// Rules chosen (ARINC653.md digest for CREATE_* and GET_*_PORT_ID), checked in this order:
// 1. caller in NORMAL mode -> INVALID_MODE ("wrongMode");
// 2. no port of that name configured for the caller -> INVALID_CONFIG ("unknownName");
// 3. port already created -> NO_ACTION ("noChange"), same id returned;
// 4. size, count or refresh period out of range (<= 0; refresh < 0) -> INVALID_PARAM ("badParam");
// 5. size, count, direction, discipline or refresh period different from the configuration ->
//    INVALID_CONFIG ("configMismatch"). A SOURCE sampling port's refresh period is not compared:
//    it has no meaning for the writer (a653rs passes an arbitrary one).
// GET_*_PORT_ID of a name the caller has not created (or does not have) -> INVALID_CONFIG.
// Any service on an id that is not the caller's created port of that kind -> INVALID_PARAM.
// Ids: 1..n over all ports, by partition id then configuration order (stable, not hash order).
import type { PartitionConfig, PortConfig, PortDirection, QueuingDiscipline } from "../config/model";
import type { Brand, Nanos, PartitionId } from "../mem/types";
import type { OperatingMode } from "../partition/partition-mode";
import type { ServiceOutcome } from "./return-codes";

/** Kernel identifier of a port (SAMPLING_PORT_ID_TYPE / QUEUING_PORT_ID_TYPE). */
export type PortId = Brand<number, "PortId">;

/** One configured port. */
export interface PortEntry {
  readonly id: PortId;
  readonly partition: PartitionId;
  readonly config: PortConfig;
}

/** CREATE_SAMPLING_PORT arguments. */
export interface SamplingPortRequest {
  readonly name: string;
  readonly maxMessageSize: number;
  readonly direction: PortDirection;
  readonly refreshPeriod: Nanos;
}

/** CREATE_QUEUING_PORT arguments. */
export interface QueuingPortRequest {
  readonly name: string;
  readonly maxMessageSize: number;
  readonly maxNbMessages: number;
  readonly direction: PortDirection;
  readonly discipline: QueuingDiscipline;
}

/** Result of a service that yields a port id. */
export type PortIdResult =
  | { readonly outcome: "ok" | "noChange"; readonly id: PortId }
  | { readonly outcome: Exclude<ServiceOutcome, "ok" | "noChange"> };

/** The module's ports, by id and by (partition, name), with their created flags. */
export class PortTable {
  private readonly entries: PortEntry[] = [];
  private readonly byName = new Map<string, PortEntry>();
  private readonly created = new Set<PortId>();

  constructor(partitions: readonly PartitionConfig[]) {
    const sorted = [...partitions].sort((a, b) => a.id - b.id);
    for (const p of sorted) {
      for (const config of p.ports) {
        const entry: PortEntry = { id: (this.entries.length + 1) as PortId, partition: p.id, config };
        const key = nameKey(p.id, config.name);
        if (this.byName.has(key)) throw new Error(`duplicate port ${key}`);
        this.entries.push(entry);
        this.byName.set(key, entry);
      }
    }
  }

  /** Every port, in id order. */
  all(): readonly PortEntry[] {
    return this.entries;
  }

  /** The port with kernel id `id`; an id the kernel did not hand out is a host bug and throws. */
  entry(id: PortId): PortEntry {
    const e = this.entries[id - 1];
    if (e === undefined) throw new Error(`no port ${id}`);
    return e;
  }

  /** The port `name` of `partition`, created or not. */
  find(partition: PartitionId, name: string): PortEntry | undefined {
    return this.byName.get(nameKey(partition, name));
  }

  /** The caller's created port `id` of the given kind, or "unknownId". */
  owned(caller: PartitionId, id: number, kind: PortConfig["kind"]): PortEntry | "unknownId" {
    const entry = this.entries[id - 1];
    if (entry === undefined || entry.partition !== caller || entry.config.kind !== kind) return "unknownId";
    return this.created.has(entry.id) ? entry : "unknownId";
  }

  /** GET_SAMPLING_PORT_ID / GET_QUEUING_PORT_ID. */
  idOf(caller: PartitionId, kind: PortConfig["kind"], name: string): PortIdResult {
    const entry = this.find(caller, name);
    if (entry === undefined || entry.config.kind !== kind || !this.created.has(entry.id)) return { outcome: "unknownName" };
    return { outcome: "ok", id: entry.id };
  }

  /** CREATE_SAMPLING_PORT (rules at the top of this file). */
  createSampling(caller: PartitionId, mode: OperatingMode, req: SamplingPortRequest): PortIdResult {
    return this.create(caller, mode, req.name, "sampling", (config) => {
      if (config.kind !== "sampling") return "unknownName";
      if (req.maxMessageSize <= 0 || req.refreshPeriod < 0n) return "badParam";
      const refreshMatters = req.direction === "DESTINATION";
      const same =
        config.maxMessageSize === req.maxMessageSize &&
        config.direction === req.direction &&
        (!refreshMatters || config.refreshPeriod === req.refreshPeriod);
      return same ? undefined : "configMismatch";
    });
  }

  /** CREATE_QUEUING_PORT (rules at the top of this file). */
  createQueuing(caller: PartitionId, mode: OperatingMode, req: QueuingPortRequest): PortIdResult {
    return this.create(caller, mode, req.name, "queuing", (config) => {
      if (config.kind !== "queuing") return "unknownName";
      if (req.maxMessageSize <= 0 || req.maxNbMessages <= 0) return "badParam";
      const same =
        config.maxMessageSize === req.maxMessageSize &&
        config.maxNbMessages === req.maxNbMessages &&
        config.direction === req.direction &&
        config.discipline === req.discipline;
      return same ? undefined : "configMismatch";
    });
  }

  private create(
    caller: PartitionId,
    mode: OperatingMode,
    name: string,
    kind: PortConfig["kind"],
    check: (config: PortConfig) => Exclude<ServiceOutcome, "ok" | "noChange"> | undefined,
  ): PortIdResult {
    if (mode === "NORMAL") return { outcome: "wrongMode" };
    const entry = this.find(caller, name);
    if (entry === undefined || entry.config.kind !== kind) return { outcome: "unknownName" };
    if (this.created.has(entry.id)) return { outcome: "noChange", id: entry.id };
    const refusal = check(entry.config);
    if (refusal !== undefined) return { outcome: refusal };
    this.created.add(entry.id);
    return { outcome: "ok", id: entry.id };
  }

  /** Ids of the ports created so far, ascending (snapshots). */
  createdIds(): PortId[] {
    return [...this.created].sort((a, b) => a - b);
  }

  /** Sets the created ports (restoring a snapshot; ids checked by the caller). */
  restoreCreated(ids: readonly PortId[]): void {
    this.created.clear();
    for (const id of ids) this.created.add(id);
  }

  /** Forgets the created ports of a partition (its restart re-runs its initialisation). */
  resetPartition(partition: PartitionId): void {
    for (const e of this.entries) if (e.partition === partition) this.created.delete(e.id);
  }
}

function nameKey(partition: PartitionId, name: string): string {
  return `${partition}/${name}`;
}
