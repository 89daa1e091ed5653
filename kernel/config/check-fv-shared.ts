// Checks where an FV partition's apx:Shared regions land in its PC: the shared window from SHARED_BASE
// (kernel/machine/fv-memory-map.ts) must stay clear of the partition's RAM, its in-kernel devices' MMIO
// windows and the MMIO windows of its served devices. Pure: config in, diagnostics out.
import { CGA_TEXT_BASE, CGA_TEXT_SIZE } from "../devices/cga-text";
import { IO_APIC_BASE, IO_APIC_SIZE } from "../devices/io-apic";
import { LOCAL_APIC_BASE, LOCAL_APIC_SIZE } from "../devices/local-apic";
import { PV_CONSTANTS } from "../hypercall/generated/abi-layout";
import { overlap, servedDevice, type ServedRange } from "../ioreq/served-devices";
import { DEFAULT_PC_DEVICES } from "../machine/device-catalog";
import { DEFAULT_FV_RAM_BYTES } from "../module/partition-memory";
import type { DiagnosticSink } from "./diagnostic";
import type { MemoryRegionConfig, PartitionConfig } from "./model";

/** Where an FV partition's shared window starts (guest-physical), as for PV (guest-virtual). */
const WINDOW_BASE = PV_CONSTANTS.SHARED_BASE;

/** What else claims guest-physical space in `p`'s PC, by name. */
function claims(p: PartitionConfig, regions: readonly MemoryRegionConfig[]): { readonly name: string; readonly range: ServedRange }[] {
  const own = regions.filter((r) => r.shared === undefined).reduce((n, r) => n + r.sizeBytes, 0);
  const ram = own > 0 ? own : DEFAULT_FV_RAM_BYTES;
  const devices = p.guest.devices.length > 0 ? p.guest.devices : DEFAULT_PC_DEVICES;
  const out = [{ name: `its RAM (0x0-0x${(ram - 1).toString(16)})`, range: { base: 0, count: ram } }];
  if (devices.includes("local_apic")) out.push({ name: "the local_apic window", range: { base: LOCAL_APIC_BASE, count: LOCAL_APIC_SIZE } });
  if (devices.includes("io_apic")) out.push({ name: "the io_apic window", range: { base: IO_APIC_BASE, count: IO_APIC_SIZE } });
  if (devices.includes("cga_text")) out.push({ name: "the cga_text window", range: { base: CGA_TEXT_BASE, count: CGA_TEXT_SIZE } });
  for (const d of p.guest.served ?? []) {
    const spec = servedDevice(d.name, d);
    if (typeof spec !== "string" && spec.mmio !== undefined) out.push({ name: `the MMIO window of served device "${d.name}"`, range: spec.mmio });
  }
  return out;
}

/**
 * Reports an FV partition's shared region whose place in the window (regions one after another from
 * SHARED_BASE, in configuration order) overlaps anything else in its PC's guest-physical space.
 */
export function checkFvSharedWindow(p: PartitionConfig, regions: readonly MemoryRegionConfig[], sink: DiagnosticSink): void {
  if (p.guest.kind !== "FV") return;
  const others = claims(p, regions);
  let at = WINDOW_BASE;
  for (const r of regions) {
    if (r.shared === undefined) continue;
    const mine = { base: at, count: r.sizeBytes };
    at += r.sizeBytes;
    for (const o of others) {
      if (overlap([mine], [o.range]) === undefined) continue;
      sink.error(r.pos, `shared region "${r.shared}" lands at guest-physical 0x${mine.base.toString(16)}+0x${mine.count.toString(16)} in FV partition "${p.name}", which overlaps ${o.name}`);
    }
  }
}
