// Checks the apx:Device entries that name a Server: the server is another partition of the module and
// a PV one, no port range of a client is claimed twice (two served devices, or a served device and
// an in-kernel one), and an MMIO window lies in the 32-bit space clear of the client's RAM, its in-kernel
// devices' windows and the other served windows. Pure: config in, diagnostics out.
import { IO_APIC_BASE, IO_APIC_SIZE } from "../devices/io-apic";
import { LOCAL_APIC_BASE, LOCAL_APIC_SIZE } from "../devices/local-apic";
import { checkDeviceList, DEFAULT_PC_DEVICES } from "../machine/device-catalog";
import { partitionRamBytes } from "../module/partition-memory";
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

/** The MMIO windows of a client's in-kernel devices (at their reset bases) and its RAM, by name. */
function kernelWindows(client: PartitionConfig): { readonly name: string; readonly ranges: readonly ServedRange[] }[] {
  const devices = client.guest.devices.length > 0 ? client.guest.devices : DEFAULT_PC_DEVICES;
  const out = [{ name: `its RAM (0x0-0x${(partitionRamBytes(client) - 1).toString(16)})`, ranges: [{ base: 0, count: partitionRamBytes(client) }] }];
  if (devices.includes("local_apic")) out.push({ name: "local_apic", ranges: [{ base: LOCAL_APIC_BASE, count: LOCAL_APIC_SIZE }] });
  if (devices.includes("io_apic")) out.push({ name: "io_apic", ranges: [{ base: IO_APIC_BASE, count: IO_APIC_SIZE }] });
  return out;
}

/** Reports every problem of every partition's served devices. */
export function checkServedDevices(partitions: ReadonlyMap<number, PartitionConfig>, sink: DiagnosticSink): void {
  const byName = new Map([...partitions.values()].map((p) => [p.name, p]));
  for (const client of partitions.values()) {
    const claimed: { readonly name: string; readonly ranges: readonly ServedRange[] }[] = kernelRanges(client.guest.devices);
    const windows = client.guest.kind === "FV" && (client.guest.served ?? []).some((d) => d.mmio === true) ? kernelWindows(client) : [];
    for (const d of client.guest.served ?? []) {
      const server = byName.get(d.server);
      if (server === undefined) sink.error(d.pos, `device "${d.name}" names Server "${d.server}", which is not a partition of this module`);
      else if (server === client) sink.error(d.pos, `device "${d.name}": a partition cannot serve its own devices`);
      else if (server.guest.kind !== "PV") sink.error(d.pos, `device "${d.name}" names Server "${d.server}", an ${server.guest.kind} partition; an I/O server is a PV partition`);
      const spec = servedDevice(d.name, d);
      if (typeof spec === "string") continue; // reported by the reader
      const w = spec.mmio;
      if (w !== undefined) {
        if (w.base + w.count > 0x1_0000_0000) sink.error(d.pos, `device "${d.name}": its MMIO window 0x${w.base.toString(16)}+${w.count} goes past the 32-bit address space`);
        for (const c of windows) {
          const o = overlap([w], c.ranges);
          if (o !== undefined) sink.error(d.pos, `device "${d.name}": its MMIO window 0x${w.base.toString(16)}+${w.count} overlaps ${c.name} in partition "${client.name}"`);
        }
        windows.push({ name: d.name, ranges: [w] });
      }
      for (const c of claimed) {
        const o = overlap(spec.ranges, c.ranges);
        if (o !== undefined) sink.error(d.pos, `device "${d.name}" claims port 0x${o.base.toString(16)}, which ${c.name} already claims in partition "${client.name}"`);
      }
      claimed.push({ name: d.name, ranges: spec.ranges });
    }
  }
}
