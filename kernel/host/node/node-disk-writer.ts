// The Node host's write-back for persistent disk images (boot --drive FILE --persist, apx:Device
// Persist="true"): writes flushed sectors in place and syncs the file. Only the CLI supplies this.
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import type { DiskWriteBack } from "../../disk/block-store";

/** Writes into the existing file at `path` (never creates or truncates it). */
export function nodeDiskWriteBack(path: string): DiskWriteBack {
  return {
    writeAt(offset: number, bytes: Uint8Array) {
      let fd: number | undefined;
      try {
        fd = openSync(path, "r+");
        let done = 0;
        while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, offset + done);
        fsyncSync(fd);
        return { ok: true } as const;
      } catch (e) {
        return { ok: false, message: (e as NodeJS.ErrnoException).code ?? (e as Error).message } as const;
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    },
  };
}
