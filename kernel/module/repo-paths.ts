// Paths of build products the kernel loads at run time, relative to the repository root (the folder
// that holds package.json; dist/ mirrors the tree one level down).
import { join, resolve } from "path";

/** The repository root, from the compiled location of this file (dist/kernel/module). */
export const REPO_ROOT = resolve(__dirname, "..", "..", "..");
/** libpv, which every PV partition maps, relative to the repository root. */
export const LIBPV_IMAGE = join("build", "guests", "paravirt-abi", "libpv", "libpv-O2.elf");
