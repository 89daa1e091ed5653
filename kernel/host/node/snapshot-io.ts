// Reading and writing snapshot files for the CLI: a missing or unreadable file becomes the same kind
// of one-line reason as a corrupt one; a file is written whole (temporary file, then rename) or not at all.
// A delta file is read with its chain of bases (snapshot-chain.ts), each found next to the file naming it.
import { readFileSync, renameSync, unlinkSync, writeFileSync } from "fs";
import { dirname, relative, resolve } from "path";
import { applyDelta, MAX_CHAIN } from "../../snapshot/snapshot-chain";
import { decodeSnapshot, encodeSnapshot, type SnapshotContent, type SnapshotRead } from "../../snapshot/snapshot-file";

/** Reads and checks `path`; a delta comes back whole, applied to its base chain (every link checked). */
export function readSnapshotFile(path: string, depth = 0): SnapshotRead {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    return { ok: false, error: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  const read = decodeSnapshot(bytes);
  const ref = read.ok ? read.content.base : undefined;
  if (!read.ok || ref === undefined) return read;
  if (depth >= MAX_CHAIN) return { ok: false, error: `base snapshot ${ref.file}: the chain is longer than ${MAX_CHAIN} files` };
  const base = readSnapshotFile(resolve(dirname(path), ref.file), depth + 1);
  if (!base.ok) return { ok: false, error: base.error.startsWith("base snapshot ") ? base.error : `base snapshot ${ref.file}: ${base.error}` };
  return applyDelta(read.content, base.content);
}

/** Writes `content` to `path`; returns the byte count, or the reason it could not be written (nothing is left behind). */
export function writeSnapshotFile(path: string, content: SnapshotContent): { ok: true; bytes: number } | { ok: false; error: string } {
  // A delta names its base relative to its own folder, so the pair can move together.
  const c = content.base === undefined ? content : { ...content, base: { ...content.base, file: relative(dirname(resolve(path)), resolve(content.base.file)) } };
  const bytes = encodeSnapshot(c);
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
