// Reads one standard Partition element (ports, processes, apx:Guest) into a PartitionConfig without
// memory (Partition_Memory is read separately and attached by the validator).
import { partitionId } from "../mem/types";
import type { DiagnosticSink } from "./diagnostic";
import { ElementReader } from "./element-reader";
import type { Criticality, PartitionConfig, PortConfig, PortDirection, ProcessConfig, QueuingDiscipline } from "./model";
import { APX_NS } from "./namespaces";
import { checkFvPorts } from "./check-fv-ports";
import { readGuest } from "./read-guest";
import type { XmlElement } from "./xml-tree";

const CRITICALITIES: readonly Criticality[] = ["LEVEL_A", "LEVEL_B", "LEVEL_C", "LEVEL_D", "LEVEL_E"];
const DIRECTIONS: readonly PortDirection[] = ["SOURCE", "DESTINATION"];
const DISCIPLINES: readonly QueuingDiscipline[] = ["FIFO", "PRIORITY"];
const MAX_MESSAGE_SIZE = 0x10_0000;
const MAX_NB_MESSAGES = 0x1_0000;

/** A partition as read, before memory is attached; `named` says whether PartitionName was given. */
export interface PartitionDraft {
  readonly config: PartitionConfig;
  readonly named: boolean;
}

/** Reads a Partition element; undefined when its PartitionIdentifier is missing or bad. */
export function readPartition(el: XmlElement, file: string, sink: DiagnosticSink): PartitionDraft | undefined {
  const r = new ElementReader(el, sink);
  const id = r.int("PartitionIdentifier", true);
  const name = r.nameAttr("PartitionName", false);
  const criticality = r.enumOf("Criticality", CRITICALITIES, false) ?? "LEVEL_A";
  const systemPartition = r.bool("SystemPartition", false);
  const entryPoint = r.string("EntryPoint", false);
  const groups = r.children([
    { local: "Sampling_Port", min: 0, max: Infinity },
    { local: "Queuing_Port", min: 0, max: Infinity },
    { local: "Process", min: 0, max: Infinity },
    { local: "Guest", ns: APX_NS, min: 0, max: 1 },
  ]);
  r.finish();
  const ports: PortConfig[] = [];
  for (const child of el.children) {
    if (child.ns !== "") continue;
    if (child.local === "Sampling_Port" || child.local === "Queuing_Port") {
      const port = readPort(child, sink);
      if (!port) continue;
      const clash = ports.find((p) => p.name === port.name);
      if (clash) {
        sink.error(port.pos, `port name "${port.name}" is already used in this partition at line ${clash.pos.line}`);
      } else ports.push(port);
    }
  }
  const processes: ProcessConfig[] = [];
  const processLines = new Map<string, number>();
  for (const pel of groups.get("Process") ?? []) {
    const proc = readProcess(pel, sink);
    const prev = proc.name === undefined ? undefined : processLines.get(proc.name);
    if (prev !== undefined) sink.error(pel.pos, `process name "${proc.name}" is already used in this partition at line ${prev}`);
    else if (proc.name !== undefined) processLines.set(proc.name, pel.pos.line);
    processes.push(proc);
  }
  const guest = readGuest((groups.get("apx:Guest") ?? [])[0], file, sink);
  checkFvPorts(name ?? `partition_${id ?? "?"}`, ports, guest, el.pos, sink);
  if (id === undefined) return undefined;
  return {
    named: name !== undefined,
    config: {
      id: partitionId(id),
      name: name ?? `partition_${id}`,
      criticality,
      systemPartition,
      entryPoint,
      ports,
      processes,
      memory: [],
      guest,
      pos: el.pos,
    },
  };
}

function readPort(el: XmlElement, sink: DiagnosticSink): PortConfig | undefined {
  const r = new ElementReader(el, sink);
  const name = r.nameAttr("Name", true);
  const maxMessageSize = r.int("MaxMessageSize", true, { min: 1, max: MAX_MESSAGE_SIZE });
  const direction = r.enumOf("Direction", DIRECTIONS, true);
  if (el.local === "Sampling_Port") {
    const refreshPeriod = r.seconds("RefreshRateSeconds", true, false);
    r.children([]);
    r.finish();
    if (name === undefined || maxMessageSize === undefined || direction === undefined || refreshPeriod === undefined) return undefined;
    return { kind: "sampling", name, maxMessageSize, direction, refreshPeriod, pos: el.pos };
  }
  const maxNbMessages = r.int("MaxNbMessages", true, { min: 1, max: MAX_NB_MESSAGES });
  const discipline = r.enumOf("Discipline", DISCIPLINES, false, APX_NS) ?? "FIFO";
  r.children([]);
  r.finish();
  if (name === undefined || maxMessageSize === undefined || direction === undefined || maxNbMessages === undefined) return undefined;
  return { kind: "queuing", name, maxMessageSize, direction, maxNbMessages, discipline, pos: el.pos };
}

function readProcess(el: XmlElement, sink: DiagnosticSink): ProcessConfig {
  const r = new ElementReader(el, sink);
  const name = r.nameAttr("Name", false);
  const stackSize = r.int("StackSize", false, { min: 1 });
  r.children([]);
  r.finish();
  return { name, stackSize };
}
