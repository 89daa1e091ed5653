// Where the HM callbacks the XML names start in a partition's image, for PV and FV partitions alike: an ELF
// symbol inside an executable segment. The PartitionCallback of the partition's HM table must be there; the
// ModuleCallback is looked for in every system partition, and the runner checks that one defines it.
import type { SystemConfig } from "../config/model";
import type { ElfSegment } from "../loader/elf32";
import type { HmCallbackKind } from "./partition-vm";

/** The entry of each HM callback the image defines, by kind. */
export type HmCallbackEntries = { readonly [K in HmCallbackKind]?: number };

/** The image's HM callback entries, or why one cannot run (the partition's load is refused with it). */
export function hmCallbackEntries(
  config: Pick<SystemConfig, "partitionHm" | "moduleCallback">,
  partition: { readonly id: number; readonly systemPartition: boolean },
  symbols: ReadonlyMap<string, number>,
  segments: readonly ElfSegment[],
): HmCallbackEntries | string {
  const entry = (name: string | undefined, what: string): number | undefined | string => {
    if (name === undefined) return undefined;
    const at = symbols.get(name);
    if (at === undefined) return `${what} "${name}" is not a symbol of the image (is it stripped, or the name misspelt?)`;
    const executable = segments.some((s) => (s.flags & 1) !== 0 && at >= s.vaddr && at < s.vaddr + s.memSize);
    return executable ? at : `${what} "${name}" at 0x${at.toString(16)} is not in an executable segment`;
  };
  const callback = entry(config.partitionHm.find((t) => t.partition === partition.id)?.callback, "PartitionCallback");
  if (typeof callback === "string") return callback;
  const moduleName = partition.systemPartition ? config.moduleCallback : undefined;
  const moduleCallback = moduleName !== undefined && symbols.has(moduleName) ? entry(moduleName, "ModuleCallback") : undefined;
  if (typeof moduleCallback === "string") return moduleCallback;
  return { ...(callback !== undefined ? { partition: callback } : {}), ...(moduleCallback !== undefined ? { module: moduleCallback } : {}) };
}
