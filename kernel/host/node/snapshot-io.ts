// Reading and writing snapshot files for the CLI: a missing or unreadable file becomes the same kind
// of one-line reason as a corrupt one; a file is written whole (temporary file, then rename) or not at all.
import { readFileSync, renameSync, unlinkSync, writeFileSync } from "fs";
import { decodeSnapshot, encodeSnapshot, type SnapshotContent, type SnapshotRead } from "../../snapshot/snapshot-file";

/** Reads and checks `path`. */
export function readSnapshotFile(path: string): SnapshotRead {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    return { ok: false, error: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  return decodeSnapshot(bytes);
}

/** Writes `content` to `path`; returns the byte count, or the reason it could not be written (nothing is left behind). */
export function writeSnapshotFile(path: string, content: SnapshotContent): { ok: true; bytes: number } | { ok: false; error: string } {
  const bytes = encodeSnapshot(content);
  const tmp = `${path}.partial`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
    return { ok: true, bytes: bytes.length };
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was created
    }
    return { ok: false, error: `cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
}
