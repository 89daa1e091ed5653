// Checks device assignment across the module (apx:Device Assign="true"): a kernel-emulated device
// belongs to one partition at most, so no port of one assigned device is assigned again elsewhere.
// Which device names can be assigned, and that the partition is PV, the reader checks. Pure.
import { assignableDevice } from "../pv/assignable-devices";
import type { DiagnosticSink } from "./diagnostic";
import type { PartitionConfig } from "./model";

/** Reports each assignment that claims a port another partition's assigned device already has. */
export function checkAssignedDevices(partitions: ReadonlyMap<number, PartitionConfig>, sink: DiagnosticSink): void {
  const owner = new Map<number, { readonly partition: string; readonly device: string }>();
  for (const p of partitions.values()) {
    for (const a of p.guest.assigned ?? []) {
      const d = assignableDevice(a.name);
      if (typeof d === "string") continue; // reported by the reader
      const clash = d.ranges.flatMap((r) => Array.from({ length: r.count }, (_, i) => owner.get(r.base + i))).find((o) => o !== undefined);
      if (clash !== undefined) {
        sink.error(a.pos, `device "${a.name}" is already assigned to partition "${clash.partition}" (as "${clash.device}"); a device belongs to one partition`);
        continue;
      }
      for (const r of d.ranges) for (let i = 0; i < r.count; i++) owner.set(r.base + i, { partition: p.name, device: a.name });
    }
  }
}
