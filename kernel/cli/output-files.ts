// Output files of the CLI (traces, bench reports): created and checked before any work starts, with a
// one-line reason when they cannot be. Never a recursive mkdir (Node's loops forever under /proc).
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, statSync } from "fs";
import { dirname, resolve } from "path";

/** The short text of a Node I/O error ("ENOSPC: no space left on device"). */
export function ioMessage(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    const m = e.message.replace(/, [a-z]+ '.*'$/, "");
    return code !== undefined && !m.startsWith(code) ? `${code}: ${m}` : m;
  }
  return String(e);
}

/** An output file opened for writing; `created` when it did not exist before. */
export type OpenedOutput = { ok: true; fd: number; created: boolean } | { ok: false; message: string };

/**
 * Opens `path` for writing a new output file: a one-line reason when it cannot be. With `keepUntilWritten`
 * an existing file is opened without truncating it, so a run refused before it wrote anything leaves the
 * previous file as it was (the writer truncates at its first write).
 */
export function openOutput(path: string, makeParents = false, keepUntilWritten = false): OpenedOutput {
  try {
    if (makeParents) makeDirs(dirname(resolve(path)));
    const created = !existsSync(path);
    const fd = openSync(path, keepUntilWritten && !created ? "r+" : "w");
    if (!fstatSync(fd).isFile() && path !== "/dev/stdout" && path !== "/dev/null") {
      closeSync(fd);
      return { ok: false, message: `cannot write ${path}: not a regular file` };
    }
    return { ok: true, fd, created };
  } catch (e) {
    return { ok: false, message: `cannot write ${path}: ${ioMessage(e)}` };
  }
}

/** Whether two output paths name the same file (by path, or by inode when one already exists). */
export function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/** Creates `dir` and its missing ancestors one level at a time (throws the first error). */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  let d = dir;
  for (;;) {
    try {
      if (!statSync(d).isDirectory()) throw Object.assign(new Error(`${d} is not a directory`), { code: "ENOTDIR" });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    missing.push(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  for (let i = missing.length - 1; i >= 0; i--) mkdirSync(missing[i]!);
}
