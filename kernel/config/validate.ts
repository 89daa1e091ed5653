// The pure config validator: an XML element tree in, a deep-readonly SystemConfig or every
// diagnostic out. No I/O (load.ts reads files). Reads the ARINC_653_Module root, then checks the
// cross-references between partitions, memory, schedules, channels and health-monitoring tables.
import { checkServedDevices } from "./check-served";
import { checkFvSharedWindow } from "./check-fv-shared";
import { checkAssignedDevices } from "./check-assigned";
import type { Diagnostic } from "./diagnostic";
import { DiagnosticSink } from "./diagnostic";
import { ElementReader } from "./element-reader";
import type { ModuleHmEntry, PartitionConfig, PartitionHmTable, SystemConfig, SystemHmEntry } from "./model";
import { APX_NS, ARINC_NS } from "./namespaces";
import { resolvePartition } from "./partition-ref";
import { checkChannels } from "./check-channels";
import { readConnectionTable } from "./read-channels";
import { checkHmDuplicates, checkHmKnown, readModuleHm, readPartitionHm, readSystemHm } from "./read-hm";
import { checkPartitionRegions, checkSharedMappable, checkSharedRegions, readPartitionMemory } from "./read-memory";
import { readLogbookSystem } from "./read-logbook";
import { readPartition } from "./read-partition";
import { readPlatform } from "./read-platform";
import { readSchedule } from "./read-schedule";
import { buildSchedules } from "./validate-schedules";
import type { XmlElement } from "./xml-tree";

/** Either a valid configuration or the sorted list of everything wrong with it. */
export type ValidationResult =
  | { readonly ok: true; readonly config: SystemConfig }
  | { readonly ok: false; readonly errors: readonly Diagnostic[] };

const ROOT = "ARINC_653_Module";

/** Validates the element tree of `file` (the name is used for positions and relative image paths). */
export function validateTree(root: XmlElement, file: string): ValidationResult {
  const sink = new DiagnosticSink();
  if (root.local !== ROOT || root.ns !== "") {
    const ns = root.ns ? ` in namespace "${root.ns}"` : "";
    sink.error(root.pos, `the root element is ${root.local}${ns}; an ARINC 653 configuration starts with ${ROOT} (no namespace)`);
    return { ok: false, errors: sink.sorted() };
  }
  const config = readModule(root, file, sink);
  return sink.count === 0 ? { ok: true, config } : { ok: false, errors: sink.sorted() };
}

function readModule(root: XmlElement, file: string, sink: DiagnosticSink): SystemConfig {
  const r = new ElementReader(root, sink);
  const moduleName = r.nameAttr("ModuleName", false);
  r.string("ModuleVersion", false);
  r.int("ModuleId", false);
  const g = r.children([
    { local: "System_HM_Table", min: 0, max: 1 },
    { local: "Module_HM_Table", min: 0, max: 1 },
    { local: "Partition", min: 1, max: Infinity },
    { local: "Partition_Memory", min: 0, max: Infinity },
    { local: "Module_Schedule", min: 1, max: Infinity },
    { local: "Partition_HM_Table", min: 0, max: Infinity },
    { local: "Connection_Table", min: 0, max: 1 },
    { local: "LogbookSystem", min: 0, max: 1 },
    { local: "Platform", ns: APX_NS, min: 0, max: 1 },
  ]);
  r.finish();
  const each = (name: string): XmlElement[] => g.get(name) ?? [];

  const partitions = readPartitions(each("Partition"), file, sink);
  checkServedDevices(partitions, sink);
  checkAssignedDevices(partitions, sink);
  const memory = attachMemory(each("Partition_Memory"), partitions, sink);
  const systemHmEl = each("System_HM_Table")[0];
  const systemHm: SystemHmEntry[] | undefined = systemHmEl && readSystemHm(systemHmEl, sink);
  const moduleHmEl = each("Module_HM_Table")[0];
  const moduleHm: ModuleHmEntry[] = moduleHmEl ? readModuleHm(moduleHmEl, sink) : [];
  const moduleCallback = moduleHmEl?.attributes.find((a) => a.local === "ModuleCallback" && a.ns === ARINC_NS)?.value;
  if (systemHm) checkHmDuplicates("System_HM_Table", systemHm, sink);
  checkHmDuplicates("Module_HM_Table", moduleHm, sink);
  checkHmKnown("Module_HM_Table", moduleHm, systemHm, sink);
  const partitionHm = readPartitionHmTables(each("Partition_HM_Table"), partitions, systemHm, sink);
  const schedules = buildSchedules(
    each("Module_Schedule").map((s) => readSchedule(s, sink)),
    partitions,
    sink,
  );
  checkEveryPartitionScheduled(each("Module_Schedule").length, schedules, partitions, sink);
  const channelDrafts = each("Connection_Table").flatMap((c) => readConnectionTable(c, sink));
  const channels = checkChannels(channelDrafts, partitions, sink);
  const logbookEl = each("LogbookSystem")[0];
  const logbooks = logbookEl === undefined ? [] : readLogbookSystem(logbookEl, partitions, sink);
  const ext = readPlatform(each("apx:Platform")[0], sink);
  return {
    file,
    moduleName,
    partitions: [...partitions.values()].map((p) => ({ ...p, memory: memory.get(p.id) ?? [] })),
    schedules,
    channels,
    logbooks,
    systemHm: systemHm ?? [],
    moduleHm,
    ...(moduleCallback === undefined ? {} : { moduleCallback }),
    partitionHm,
    ext,
  };
}

function readPartitions(els: readonly XmlElement[], file: string, sink: DiagnosticSink): Map<number, PartitionConfig> {
  const byId = new Map<number, PartitionConfig>();
  const byName = new Map<string, PartitionConfig>();
  for (const el of els) {
    const draft = readPartition(el, file, sink);
    if (!draft) continue;
    const p = draft.config;
    const sameId = byId.get(p.id);
    if (sameId) {
      sink.error(p.pos, `PartitionIdentifier ${p.id} is already used by the partition at line ${sameId.pos.line}`);
      continue;
    }
    const sameName = draft.named ? byName.get(p.name) : undefined;
    if (sameName) sink.error(p.pos, `PartitionName "${p.name}" is already used by the partition at line ${sameName.pos.line}`);
    byId.set(p.id, p);
    if (draft.named) byName.set(p.name, p);
  }
  return byId;
}

function attachMemory(
  els: readonly XmlElement[],
  partitions: ReadonlyMap<number, PartitionConfig>,
  sink: DiagnosticSink,
): Map<number, PartitionConfig["memory"]> {
  const out = new Map<number, PartitionConfig["memory"]>();
  const lines = new Map<number, number>();
  for (const el of els) {
    const draft = readPartitionMemory(el, sink);
    const p = draft && resolvePartition(draft.ref, partitions, "Partition_Memory", sink);
    if (!draft || !p) continue;
    const prev = lines.get(p.id);
    if (prev !== undefined) {
      sink.error(el.pos, `partition "${p.name}" already has a Partition_Memory at line ${prev}; list all its regions there`);
      continue;
    }
    lines.set(p.id, el.pos.line);
    checkPartitionRegions(p.name, draft.regions, sink);
    checkSharedMappable(p.name, draft.regions, sink);
    checkFvSharedWindow(p, draft.regions, sink);
    out.set(p.id, draft.regions);
  }
  const named = new Map([...out].map(([id, regions]) => [partitions.get(id)?.name ?? String(id), regions]));
  checkSharedRegions(named, sink);
  return out;
}

function readPartitionHmTables(
  els: readonly XmlElement[],
  partitions: ReadonlyMap<number, PartitionConfig>,
  systemHm: readonly SystemHmEntry[] | undefined,
  sink: DiagnosticSink,
): PartitionHmTable[] {
  const out: PartitionHmTable[] = [];
  const lines = new Map<number, number>();
  for (const el of els) {
    const draft = readPartitionHm(el, sink);
    const p = draft && resolvePartition(draft.ref, partitions, "Partition_HM_Table", sink);
    if (!draft || !p) continue;
    const prev = lines.get(p.id);
    if (prev !== undefined) {
      sink.error(el.pos, `partition "${p.name}" already has a Partition_HM_Table at line ${prev}`);
      continue;
    }
    lines.set(p.id, el.pos.line);
    // An FV guest runs the callback from the apx_services device's upcall line (kernel/devices/apx-services.md).
    if (draft.callback !== undefined && p.guest.kind === "FV" && p.guest.apxIrq === undefined) {
      sink.error(el.pos, `PartitionCallback "${draft.callback}": partition "${p.name}" is full-virtualized without an HM upcall line; give it <apx:Device Name="apx_services" Irq="N"/> (its guest then runs the callback) or make it a PV partition`);
    }
    checkHmDuplicates("Partition_HM_Table", draft.entries, sink);
    checkHmKnown("Partition_HM_Table", draft.entries, systemHm, sink);
    out.push({ partition: p.id, callback: draft.callback, entries: draft.entries });
  }
  return out;
}

function checkEveryPartitionScheduled(
  scheduleCount: number,
  schedules: SystemConfig["schedules"],
  partitions: ReadonlyMap<number, PartitionConfig>,
  sink: DiagnosticSink,
): void {
  // Only meaningful when every schedule was built; otherwise the missing one may hold the windows.
  if (schedules.length !== scheduleCount) return;
  for (const p of partitions.values()) {
    if (!schedules.some((s) => s.partitions.some((ps) => ps.partition === p.id))) {
      sink.error(p.pos, `partition "${p.name}" has no Partition_Schedule in any Module_Schedule, so it would never run`);
    }
  }
}
