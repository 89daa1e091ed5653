// Host memory a module will need, checked before anything runs: each partition's RAM plus its CPU's
// block-cache budget, and the number of partitions, against documented host limits. Pure.
import { DEFAULT_BLOCK_CACHE_BYTES, FV_BLOCK_CACHE_BYTES } from "../cpu/block-cache";
import type { Diagnostic } from "../config/diagnostic";
import type { PartitionConfig, SystemConfig } from "../config/model";
import { partitionRamBytes } from "./partition-memory";

/** Most partitions one module may have. */
export const MAX_PARTITIONS = 1024;
/** Host memory all partitions together may need (RAM + block caches). */
export const HOST_BUDGET_BYTES = 16 * 1024 * 1024 * 1024;

const GIB = 1024 * 1024 * 1024;

/** Problems with the module's size against the host limits (empty when it fits). */
export function checkHostBudget(config: SystemConfig): Diagnostic[] {
  const pos = config.partitions[0]?.pos ?? { file: config.file, line: 1, column: 1 };
  const out: Diagnostic[] = [];
  if (config.partitions.length > MAX_PARTITIONS) out.push({ pos, message: `the module has ${config.partitions.length} partitions; at most ${MAX_PARTITIONS} are supported` });
  const need = config.partitions.reduce((sum, p) => sum + partitionRamBytes(p) + blockCacheBytes(p), 0);
  if (need > HOST_BUDGET_BYTES) {
    out.push({
      pos,
      message: `the partitions need ${(need / GIB).toFixed(1)} GiB of host memory (RAM + a block cache each: ${mib(DEFAULT_BLOCK_CACHE_BYTES)} MiB for PV, ${mib(FV_BLOCK_CACHE_BYTES)} MiB for FV); the host budget is ${HOST_BUDGET_BYTES / GIB} GiB`,
    });
  }
  return out;
}

/** The block-cache budget of `p`'s CPU: a PC machine's for an FV partition, the default for a PV one. */
export function blockCacheBytes(p: PartitionConfig): number {
  return p.guest.kind === "FV" ? FV_BLOCK_CACHE_BYTES : DEFAULT_BLOCK_CACHE_BYTES;
}

function mib(bytes: number): number {
  return bytes / 1048576;
}
