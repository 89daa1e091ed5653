// How much RAM a partition's machine gets from its Memory_Requirements: the sum of its own (not
// shared) regions, or a default per guest kind when the configuration names none; and which of those
// bytes the regions' Access makes read-only (the regions lie in RAM in configuration order).
import type { PartitionConfig } from "../config/model";

/** RAM of a PV partition that configures no memory. */
export const DEFAULT_PV_RAM_BYTES = 4 * 1024 * 1024;
/** RAM of an FV partition that configures no memory (the size `apexvisor boot` uses). */
export const DEFAULT_FV_RAM_BYTES = 64 * 1024 * 1024;
/** Largest RAM of one partition. */
export const MAX_PARTITION_RAM_BYTES = 512 * 1024 * 1024;

/** Bytes of private RAM for `p` (the config validator has checked sizes and the 512 MiB limit). */
export function partitionRamBytes(p: PartitionConfig): number {
  const own = p.memory.filter((m) => m.shared === undefined).reduce((sum, m) => sum + m.sizeBytes, 0);
  if (own > 0) return own;
  return p.guest.kind === "FV" ? DEFAULT_FV_RAM_BYTES : DEFAULT_PV_RAM_BYTES;
}

/** A read-only stretch of a partition's RAM: byte offsets [start, end) from the start of RAM. */
export interface ReadOnlyRange {
  readonly start: number;
  readonly end: number;
  /** The region's RegionName, or "region N" (for messages). */
  readonly name: string;
}

/** The private regions with Access="READ_ONLY", as RAM offsets (regions laid out in configuration order). */
export function readOnlyRanges(p: PartitionConfig): ReadOnlyRange[] {
  let at = 0;
  const out: ReadOnlyRange[] = [];
  p.memory.filter((m) => m.shared === undefined).forEach((m, i) => {
    if (m.access === "READ_ONLY") out.push({ start: at, end: at + m.sizeBytes, name: m.name ?? `region ${i}` });
    at += m.sizeBytes;
  });
  return out;
}
