// The two namespaces the reader cares about. Standard ARINC 653 elements and attributes carry no
// namespace; apexvisor's own settings live in APX_NS. Every other namespace is vendor data, ignored.

/** Namespace of standard ARINC 653 configuration elements (none, as in the published schemas). */
export const ARINC_NS = "";
/** apexvisor's extension namespace (conventional prefix `apx`). */
export const APX_NS = "urn:apexvisor:ext:1";

/** True when the reader must understand a node of namespace `ns` (ours or the standard's). */
export function isKnownNamespace(ns: string): boolean {
  return ns === ARINC_NS || ns === APX_NS;
}

/** Display name for a node: the standard name bare, ours as `apx:Name`. */
export function displayName(local: string, ns: string): string {
  return ns === APX_NS ? `apx:${local}` : local;
}

/** Where each apexvisor extension element belongs (parent's display name), for "wrong place" messages. */
export const APX_HOMES: ReadonlyMap<string, string> = new Map([
  ["Guest", "Partition"],
  ["Device", "apx:Guest"],
  ["MultibootModule", "apx:Guest"],
  ["Platform", "ARINC_653_Module"],
  ["Cost", "apx:Platform"],
]);

/** Every standard element name apexvisor reads, to tell "misplaced" from "unknown" in messages. */
export const ARINC_ELEMENTS: ReadonlySet<string> = new Set([
  "ARINC_653_Module", "System_HM_Table", "Module_HM_Table", "Partition_HM_Table", "System_State_Entry",
  "Error_ID_Level", "Error_ID_Action", "Partition", "Sampling_Port", "Queuing_Port", "Process",
  "Partition_Memory", "Memory_Requirements", "Module_Schedule", "Partition_Schedule", "Window_Schedule",
  "Connection_Table", "Channel", "Source", "Destination", "Standard_Partition", "Pseudo_Partition",
  "LogbookSystem", "LogicalDevice", "LogBook",
]);
