// Opens a disk image named by `boot --drive` or an XML apx:Device Image: reads it through HostFiles
// within the disk size limit, checks it is a whole number of sectors an LBA28 disk can address, and
// builds its BlockStore (copy-on-write, or written back through the host with --persist).
import { describeFailure, type HostFiles } from "../host/files";
import { INPUT_LIMITS } from "../host/read-limited";
import { BlockStore, SECTOR_BYTES, type DiskWriteBack } from "./block-store";

/** Sectors an LBA28 command can address (ATA-6 section 6.2: 28-bit LBA). */
export const LBA28_SECTORS = 1 << 28;

/** A disk as the configuration names it. */
export interface DriveSpec {
  readonly path: string;
  /** Write the guest's changes back to the file (flush on exit and stop); false = copy-on-write. */
  readonly persist: boolean;
}

/** The opened disk, or one line saying why not. */
export type OpenDisk = { readonly ok: true; readonly store: BlockStore } | { readonly ok: false; readonly message: string; readonly reason: string };

function refused(path: string, reason: string, sep = ": "): OpenDisk {
  return { ok: false, message: `disk image ${path}${sep}${reason}`, reason };
}

/** Checks the size of an image's bytes; null when it can be a disk. */
export function checkDiskSize(bytes: number): string | null {
  if (bytes === 0) return "is empty; a disk image holds at least one 512-byte sector";
  if (bytes % SECTOR_BYTES !== 0) return `is ${bytes} bytes, not a whole number of 512-byte sectors`;
  if (bytes / SECTOR_BYTES > LBA28_SECTORS) return `has more sectors than 28-bit LBA addresses (${LBA28_SECTORS})`;
  return null;
}

/** Reads `spec.path` and builds its store; `writeBack(path)` gives the host's writer when persisting. */
export function openDisk(files: HostFiles, spec: DriveSpec, writeBack: (path: string) => DiskWriteBack | undefined): OpenDisk {
  const r = files.read(spec.path, INPUT_LIMITS.disk);
  if (!r.ok) return refused(spec.path, describeFailure(r));
  const bad = checkDiskSize(r.bytes.length);
  if (bad !== null) return refused(spec.path, bad, " ");
  let wb: DiskWriteBack | undefined;
  if (spec.persist) {
    wb = writeBack(spec.path);
    if (wb === undefined) return refused(spec.path, "this host cannot write files, so Persist is not available");
  }
  return { ok: true, store: new BlockStore(r.bytes, wb) };
}
