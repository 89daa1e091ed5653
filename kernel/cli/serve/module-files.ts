// What `apexvisor serve` hands the page: the module XML, every image and Multiboot module it names and
// libpv, read once at start. The page fetches exactly these files and nothing else from this machine.
import { formatDiagnostic } from "../../config/diagnostic";
import { loadConfig } from "../../config/load";
import { describeFailure, type ModuleHost } from "../../host/files";

/** One served file: the path the kernel asks for, and its bytes. */
export interface ServedFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** The module's files for the page, or why they cannot be served. */
export type ModuleFiles =
  | { readonly ok: true; readonly xmlPath: string; readonly libpvPath: string; readonly files: readonly ServedFile[] }
  | { readonly ok: false; readonly kind: "invalid" | "missing"; readonly message: string };

/** Reads the module at `xmlPath` and every file a run of it would read, through `host`. */
export function collectModuleFiles(xmlPath: string, host: ModuleHost): ModuleFiles {
  const loaded = loadConfig(xmlPath, host.files);
  if (!loaded.ok) return { ok: false, kind: "invalid", message: loaded.errors.map(formatDiagnostic).join("\n") };
  const paths = [xmlPath];
  for (const p of loaded.config.partitions) {
    if (p.guest.image !== undefined) paths.push(p.guest.image);
    paths.push(...p.guest.modules);
  }
  if (loaded.config.partitions.some((p) => p.guest.kind === "PV")) paths.push(host.libpvPath);
  const files: ServedFile[] = [];
  for (const path of [...new Set(paths)]) {
    const r = host.files.read(path);
    if (!r.ok) return { ok: false, kind: "missing", message: `${path}: ${describeFailure(r)}${path === host.libpvPath ? " (libpv; run `npm run build:guests`)" : ""}` };
    files.push({ path, bytes: r.bytes });
  }
  return { ok: true, xmlPath, libpvPath: host.libpvPath, files };
}
