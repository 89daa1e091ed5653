// The VM builders `apexvisor run` uses: the PV machine (paravirt ABI) and the FV PC machine.
import { PartitionLoadError } from "./load-error";
import type { VmBuilders } from "./vm-factory";

/** Builders for every guest kind. */
export function defaultBuilders(): VmBuilders {
  const unavailable = (kind: string) => (p: { name: string; guest: { pos: import("../config/model").SourcePos | undefined }; pos: import("../config/model").SourcePos }) => {
    throw new PartitionLoadError(p.name, undefined, p.guest.pos ?? p.pos, `${kind} partitions are not wired yet`);
  };
  return { PV: unavailable("PV"), FV: unavailable("FV") };
}
