// Checks the apx:Device entries that name a Server: the server is another partition of the module and
// a PV one, and no port range of a client is claimed twice (two served devices, or a served device and
// an in-kernel one). Pure: config in, diagnostics out.
import { checkDeviceList } from "../machine/device-catalog";
import { overlap, servedDevice, type ServedRange } from "../ioreq/served-devices";
import type { DiagnosticSink } from "./diagnostic";
import type { PartitionConfig } from "./model";

/** The ranges an in-kernel device list entry claims that a served device could also claim. */
function kernelRanges(devices: readonly string[]): { readonly name: string; readonly ranges: readonly ServedRange[] }[] {
  const list = checkDeviceList(devices, true);
  if (!list.ok) return [];
  return list.specs.flatMap((s) => {
    if (s.type === "uart16550" && s.base !== undefined) return [{ name: s.instance, ranges: [{ base: s.base, count: 8 }] }];
    if (s.type !== "ata") return [];
    // The in-kernel controller's ports are the served one's (served-devices.ts): primary channel and control block.
    const served = servedDevice("ata");
    return typeof served === "string" ? [] : [{ name: s.instance, ranges: served.ranges }];
  });
}

/** Reports every problem of every partition's served devices. */
export function checkServedDevices(partitions: ReadonlyMap<number, PartitionConfig>, sink: DiagnosticSink): void {
  const byName = new Map([...partitions.values()].map((p) => [p.name, p]));
  for (const client of partitions.values()) {
    const claimed: { readonly name: string; readonly ranges: readonly ServedRange[] }[] = kernelRanges(client.guest.devices);
    for (const d of client.guest.served ?? []) {
      const server = byName.get(d.server);
      if (server === undefined) sink.error(d.pos, `device "${d.name}" names Server "${d.server}", which is not a partition of this module`);
      else if (server === client) sink.error(d.pos, `device "${d.name}": a partition cannot serve its own devices`);
      else if (server.guest.kind !== "PV") sink.error(d.pos, `device "${d.name}" names Server "${d.server}", an ${server.guest.kind} partition; an I/O server is a PV partition`);
      const spec = servedDevice(d.name);
      if (typeof spec === "string") continue; // reported by the reader
      for (const c of claimed) {
        const o = overlap(spec.ranges, c.ranges);
        if (o !== undefined) sink.error(d.pos, `device "${d.name}" claims port 0x${o.base.toString(16)}, which ${c.name} already claims in partition "${client.name}"`);
      }
      claimed.push({ name: d.name, ranges: spec.ranges });
    }
  }
}
