// Reads the Part 2 LogbookSystem element: LogicalDevice (Name, DeviceName) and LogBook (LogbookName,
// OwnerPartitionName, MaxNBLoggedMessages, MaxNBInProgressMessages), and checks the owners and names.
// Logical devices are accepted and listed; apexvisor keeps every logbook in kernel storage, so the
// device only names where a real module would put it.
import type { DiagnosticSink } from "./diagnostic";
import { ElementReader } from "./element-reader";
import type { LogbookConfig, PartitionConfig } from "./model";
import type { XmlElement } from "./xml-tree";

/** Most messages one logbook may be configured to keep (bounds kernel memory). */
export const MAX_LOGGED_MESSAGES = 4096;

/** Reads LogbookSystem; every problem is reported to `sink`, and only sound logbooks are returned. */
export function readLogbookSystem(el: XmlElement, partitions: ReadonlyMap<number, PartitionConfig>, sink: DiagnosticSink): LogbookConfig[] {
  const r = new ElementReader(el, sink);
  const g = r.children([
    { local: "LogicalDevice", min: 0, max: Infinity },
    { local: "LogBook", min: 0, max: Infinity },
  ]);
  r.finish();
  for (const d of g.get("LogicalDevice") ?? []) {
    const dr = new ElementReader(d, sink);
    dr.nameAttr("Name", true);
    dr.string("DeviceName", false);
    dr.children([]);
    dr.finish();
  }
  const byName = new Map([...partitions.values()].map((p) => [p.name, p]));
  const out: LogbookConfig[] = [];
  for (const b of g.get("LogBook") ?? []) {
    const br = new ElementReader(b, sink);
    const name = br.nameAttr("LogbookName", true);
    const ownerName = br.nameAttr("OwnerPartitionName", true);
    const maxNbLogged = br.int("MaxNBLoggedMessages", true, { min: 1, max: MAX_LOGGED_MESSAGES });
    const maxNbInProgress = br.int("MaxNBInProgressMessages", true, { min: 1, max: MAX_LOGGED_MESSAGES });
    br.children([]);
    br.finish();
    if (name === undefined || ownerName === undefined || maxNbLogged === undefined || maxNbInProgress === undefined) continue;
    const owner = byName.get(ownerName);
    if (owner === undefined) {
      const known = [...byName.keys()].sort().join(", ");
      br.error(`LogBook "${name}" names OwnerPartitionName "${ownerName}", but no Partition has that name (known: ${known || "none"})`);
      continue;
    }
    const clash = out.find((o) => o.name === name);
    if (clash !== undefined) {
      br.error(`LogbookName "${name}" is already used by the LogBook at line ${clash.pos.line}`);
      continue;
    }
    out.push({ name, owner: owner.id, maxNbLogged, maxNbInProgress, pos: b.pos });
  }
  return out;
}
