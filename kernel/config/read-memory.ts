// Reads Partition_Memory / Memory_Requirements into memory regions, and checks one partition's
// regions: sizes, 4 KiB granularity, the 512 MiB per-partition limit and overlaps.
import type { DiagnosticSink } from "./diagnostic";
import { ElementReader } from "./element-reader";
import type { MemoryRegionConfig } from "./model";
import { APX_NS } from "./namespaces";
import { readPartitionRef } from "./partition-ref";
import type { PartitionRef } from "./partition-ref";
import type { XmlElement } from "./xml-tree";

/** Region granularity: sizes and physical addresses are multiples of one 4 KiB page. */
export const PAGE_SIZE = 0x1000;
/** Most memory one partition may have in total: 512 MiB. */
export const MAX_PARTITION_MEMORY = 512 * 1024 * 1024;
const MEMORY_TYPES = ["CODE", "DATA", "INPUT_OUTPUT"] as const;
const ACCESSES = ["READ_ONLY", "READ_WRITE"] as const;

/** One Partition_Memory element as read. */
export interface PartitionMemoryDraft {
  readonly ref: PartitionRef;
  readonly regions: readonly MemoryRegionConfig[];
}

/** Reads a Partition_Memory element; undefined when its partition reference is unreadable. */
export function readPartitionMemory(el: XmlElement, sink: DiagnosticSink): PartitionMemoryDraft | undefined {
  const r = new ElementReader(el, sink);
  const ref = readPartitionRef(r);
  const groups = r.children([{ local: "Memory_Requirements", min: 1, max: Infinity }]);
  r.finish();
  const regions: MemoryRegionConfig[] = [];
  for (const m of groups.get("Memory_Requirements") ?? []) {
    const region = readRegion(m, sink);
    if (!region) continue;
    const clash = region.name === undefined ? undefined : regions.find((r) => r.name === region.name);
    if (clash) sink.error(region.pos, `RegionName "${region.name}" is already used in this Partition_Memory at line ${clash.pos.line}`);
    regions.push(region);
  }
  return ref && { ref, regions };
}

function readRegion(el: XmlElement, sink: DiagnosticSink): MemoryRegionConfig | undefined {
  const r = new ElementReader(el, sink);
  const name = r.nameAttr("RegionName", false);
  const type = r.enumOf("Type", MEMORY_TYPES, true);
  const sizeBytes = r.int("SizeBytes", true, { min: 1, max: 0xffff_ffff });
  const physicalAddress = r.int("PhysicalAddress", false, { min: 0, max: 0xffff_ffff });
  const access = r.enumOf("Access", ACCESSES, true);
  const shared = r.nameAttr("Shared", false, APX_NS);
  r.children([]);
  r.finish();
  if (sizeBytes !== undefined && sizeBytes % PAGE_SIZE !== 0) {
    r.error(`SizeBytes ${sizeBytes} is not a multiple of 4 KiB (4096); round it up to ${Math.ceil(sizeBytes / PAGE_SIZE) * PAGE_SIZE}`);
  }
  if (physicalAddress !== undefined && physicalAddress % PAGE_SIZE !== 0) {
    r.error(`PhysicalAddress 0x${physicalAddress.toString(16)} is not aligned to 4 KiB`);
  }
  if (sizeBytes !== undefined && physicalAddress !== undefined && physicalAddress + sizeBytes > 0x1_0000_0000) {
    r.error(`the region at 0x${physicalAddress.toString(16)} of ${sizeBytes} bytes ends beyond 4 GiB`);
  }
  if (type === undefined || sizeBytes === undefined || access === undefined) return undefined;
  return { name, type, sizeBytes, physicalAddress, access, shared, pos: el.pos };
}

/** Checks one partition's regions together: total size limit and no overlap between placed regions. */
export function checkPartitionRegions(partitionName: string, regions: readonly MemoryRegionConfig[], sink: DiagnosticSink): void {
  const total = regions.reduce((sum, r) => sum + r.sizeBytes, 0);
  const first = regions[0];
  if (first && total > MAX_PARTITION_MEMORY) {
    sink.error(first.pos, `partition "${partitionName}" asks for ${total} bytes of memory; the limit is 512 MiB (${MAX_PARTITION_MEMORY})`);
  }
  const placed = regions
    .filter((r) => r.physicalAddress !== undefined)
    .sort((a, b) => (a.physicalAddress ?? 0) - (b.physicalAddress ?? 0) || a.pos.line - b.pos.line);
  for (let i = 1; i < placed.length; i++) {
    const prev = placed[i - 1];
    const cur = placed[i];
    if (!prev || !cur) continue;
    const prevEnd = (prev.physicalAddress ?? 0) + prev.sizeBytes;
    if ((cur.physicalAddress ?? 0) < prevEnd) {
      sink.error(
        cur.pos,
        `this region (0x${(cur.physicalAddress ?? 0).toString(16)}) overlaps the region at line ${prev.pos.line}, which ends at 0x${prevEnd.toString(16)}`,
      );
    }
  }
}

/** Checks apx:Shared regions across partitions: one name, one size; a partition maps a name once. */
export function checkSharedRegions(
  byPartition: ReadonlyMap<string, readonly MemoryRegionConfig[]>,
  sink: DiagnosticSink,
): void {
  const first = new Map<string, { readonly owner: string; readonly region: MemoryRegionConfig }>();
  for (const [owner, regions] of byPartition) {
    const mine = new Set<string>();
    for (const region of regions) {
      if (region.shared === undefined) continue;
      if (mine.has(region.shared)) {
        sink.error(region.pos, `partition "${owner}" maps shared region "${region.shared}" twice`);
        continue;
      }
      mine.add(region.shared);
      const seen = first.get(region.shared);
      if (!seen) first.set(region.shared, { owner, region });
      else if (seen.region.sizeBytes !== region.sizeBytes) {
        sink.error(
          region.pos,
          `shared region "${region.shared}" has ${region.sizeBytes} bytes here but ${seen.region.sizeBytes} in partition "${seen.owner}" (line ${seen.region.pos.line}); a shared region has one size`,
        );
      }
    }
  }
}

/** Most bytes of shared regions one partition maps (the ABI's SHARED_MAX_SIZE: one page table). */
export const MAX_SHARED_PER_PARTITION = 0x40_0000;

/**
 * Checks what apexvisor can map of one partition's apx:Shared regions: Type DATA (a block holds data, not
 * code or devices) and at most MAX_SHARED_PER_PARTITION bytes in all, for PV (guest-virtual window at
 * SHARED_BASE) and FV partitions alike (guest-physical window at SHARED_BASE; check-fv-shared.ts checks
 * that it is clear of the PC's RAM and MMIO windows).
 */
export function checkSharedMappable(partitionName: string, regions: readonly MemoryRegionConfig[], sink: DiagnosticSink): void {
  const shared = regions.filter((r) => r.shared !== undefined);
  for (const r of shared) {
    if (r.type !== "DATA") sink.error(r.pos, `shared region "${r.shared}" has Type ${r.type}; a shared region must be Type="DATA"`);
  }
  const total = shared.reduce((n, r) => n + r.sizeBytes, 0);
  const first = shared[0];
  if (first !== undefined && total > MAX_SHARED_PER_PARTITION) {
    sink.error(first.pos, `partition "${partitionName}" maps ${total} bytes of shared regions; the limit is 4 MiB (${MAX_SHARED_PER_PARTITION})`);
  }
}
