// The one name lookup behind lazy and eager binding: libpv's exports filtered for one partition
// (SERVICE exports only where that service is permitted, LOCAL always, INTERNAL never).
import type { LibpvImage } from "../loader/libpv-image";
import { ExportFlags, type ServiceId } from "./generated/abi-generated";

/** Bindable name -> entry address for one partition; anything else binds to `enosys`. */
export interface ExportLookup {
  readonly targets: ReadonlyMap<string, number>;
  readonly enosys: number;
}

/** Builds the lookup of a partition allowed `permitted`. */
export function buildExportLookup(libpv: LibpvImage, permitted: ReadonlySet<ServiceId>): ExportLookup {
  const targets = new Map<string, number>();
  for (const e of libpv.exports) {
    if ((e.flags & ExportFlags.INTERNAL) !== 0) continue;
    const local = (e.flags & ExportFlags.LOCAL) !== 0;
    const service = (e.flags & ExportFlags.SERVICE) !== 0 && permitted.has(e.serviceId as ServiceId);
    if ((local || service) && !targets.has(e.name)) targets.set(e.name, e.address);
  }
  return { targets, enosys: libpv.enosys };
}

/** The address `name` binds to, and whether it was found (false: pv_enosys). */
export function lookupExport(lookup: ExportLookup, name: string): { readonly address: number; readonly found: boolean } {
  const a = lookup.targets.get(name);
  return a === undefined ? { address: lookup.enosys, found: false } : { address: a, found: true };
}
