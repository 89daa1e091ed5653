// The disks a module run opened (one per FV partition with an apx:Device Name="ata" Image=...), so the
// CLI can write every --persist disk back once when the run ends, however it ends. A partition
// restart keeps its disk: the store belongs to the run, not to one boot of the machine.
import type { HostFiles } from "../host/files";
import type { BlockStore, DiskWriteBack } from "./block-store";
import { openDisk, type DriveSpec, type OpenDisk } from "./disk-image";

/** Opens disks through one host and flushes them together. */
export class OpenDisks {
  private readonly opened: { readonly path: string; readonly store: BlockStore }[] = [];

  /** `writeBack` is the host's writer for persistent images; without one a Persist disk is refused. */
  constructor(
    private readonly files: HostFiles,
    private readonly writeBack: ((path: string) => DiskWriteBack) | undefined,
  ) {}

  /** Opens `spec` (one clean message when it cannot be a disk). */
  open(spec: DriveSpec): OpenDisk {
    const r = openDisk(this.files, spec, (p) => this.writeBack?.(p));
    if (r.ok) this.opened.push({ path: spec.path, store: r.store });
    return r;
  }

  /** Writes every persistent disk back; returns one line per disk that failed (empty when all went well). */
  flushAll(): string[] {
    const errors: string[] = [];
    for (const d of this.opened) {
      const r = d.store.flush();
      if (!r.ok) errors.push(`disk image ${d.path}: ${r.message}`);
    }
    return errors;
  }
}
