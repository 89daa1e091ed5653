// The one place where the Node host reads input files (kernel images, partition images, XML, modules,
// stdin) with a size limit: a regular file over the limit is refused from its size alone, anything
// else (a pipe, /dev/zero) is read in chunks until it ends or passes the limit. The limits themselves
// (INPUT_LIMITS) live in kernel/host/read-limited.ts; NODE_FILES reads through here.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { InputTooLarge } from "../read-limited";

export { INPUT_LIMITS, InputTooLarge } from "../read-limited";

const CHUNK = 1 << 20;

/** Reads the whole of `path` (or file descriptor 0 for stdin) if it is at most `limit` bytes; throws
 * the fs error or InputTooLarge. */
export function readLimited(path: string | 0, limit: number): Buffer {
  const fd = path === 0 ? 0 : openSync(path, "r");
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error("EISDIR: it is a directory"), { code: "EISDIR" });
    if (st.isFile() && st.size > limit) throw new InputTooLarge(limit);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total));
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EAGAIN") continue;
        if ((e as NodeJS.ErrnoException).code === "EOF") break;
        throw e;
      }
      if (n === 0) break;
      total += n;
      if (total > limit) throw new InputTooLarge(limit);
      chunks.push(buf.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } finally {
    if (path !== 0) closeSync(fd);
  }
}

/** The text of a read failure for a one-line message: "no such file", "larger than the 16 MiB limit", ... */
export function readFailure(e: unknown): string {
  if (e instanceof InputTooLarge) return e.message;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory";
  return code ?? (e as Error).message;
}
