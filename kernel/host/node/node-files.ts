// The Node implementation of the kernel's host interfaces: files from the disk, libpv from the build
// folder of this repository. Used by the CLI, the scripts and the tests; never bundled for the browser.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { FileRead, HostFiles, ModuleHost } from "../files";
import { LIBPV_IMAGE } from "../../module/repo-paths";

/** The repository root, from the compiled location of this file (dist/kernel/host/node). */
export const REPO_ROOT = resolve(__dirname, "..", "..", "..", "..");

/** Files on the local disk, read whole. */
export const NODE_FILES: HostFiles = {
  read(path: string): FileRead {
    try {
      return { ok: true, bytes: new Uint8Array(readFileSync(path)) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { ok: false, reason: "missing" };
      if (code === "EISDIR") return { ok: false, reason: "directory" };
      return { ok: false, reason: "other", message: code ?? (e as Error).message };
    }
  },
  absolute(path: string): string {
    return resolve(path);
  },
};

/** The CLI's module host: the disk and libpv from build/guests of this repository. */
export const NODE_HOST: ModuleHost = { files: NODE_FILES, libpvPath: join(REPO_ROOT, LIBPV_IMAGE) };
