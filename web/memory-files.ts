// The page's HostFiles: files fetched from `apexvisor serve` or dropped by the user, held in memory.
// Dropped files carry no folder, so they may be matched by base name (the XML names "../build/x.elf").
import type { FileRead, HostFiles } from "../kernel/host/files";
import { normalize } from "../kernel/host/posix-path";
import type { ModuleFile } from "./protocol";

/** Files by normalized path; with `byBaseName`, a path not found matches a file of the same base name. */
export class MemoryFiles implements HostFiles {
  private readonly byPath = new Map<string, Uint8Array>();
  private readonly byBase = new Map<string, Uint8Array | "ambiguous">();

  constructor(files: readonly ModuleFile[], private readonly byBaseName: boolean) {
    for (const f of files) {
      this.byPath.set(normalize(f.path), f.bytes);
      const base = baseName(f.path);
      this.byBase.set(base, this.byBase.has(base) ? "ambiguous" : f.bytes);
    }
  }

  read(path: string): FileRead {
    const exact = this.byPath.get(normalize(path));
    if (exact !== undefined) return { ok: true, bytes: exact };
    if (!this.byBaseName) return { ok: false, reason: "missing" };
    const b = this.byBase.get(baseName(path));
    if (b === undefined) return { ok: false, reason: "missing" };
    if (b === "ambiguous") return { ok: false, reason: "other", message: `several dropped files are named ${baseName(path)}` };
    return { ok: true, bytes: b };
  }

  /** Paths in memory have no working folder to depend on. */
  absolute(path: string): string {
    return normalize(path);
  }
}

function baseName(p: string): string {
  const i = p.lastIndexOf("/");
  return i < 0 ? p : p.slice(i + 1);
}
