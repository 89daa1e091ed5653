// Which modules the RTOS test suite runs: every partitions/rtos-tests/*.xml, by binding (`<group>.xml` is
// the trap binding, `<group>.jumptable.xml` the jump-table one, `<group>.pc.xml` the bare-PC BSP in an FV
// partition), and the images they need. Reads a
// directory listing only; runs nothing and builds nothing.
import { existsSync, readdirSync } from "fs";
import { join } from "path";

/** The bindings the suite covers, in report order. */
export const SUITE_BINDINGS = ["trap", "jumptable", "pc"] as const;
/** A binding the suite covers. */
export type SuiteBinding = (typeof SUITE_BINDINGS)[number];

/** One module of the suite. */
export interface SuiteModule {
  readonly name: string;
  readonly binding: SuiteBinding;
  readonly file: string;
}

/** Folder of the suite's modules, relative to the repo root. */
export const SUITE_DIR = join("partitions", "rtos-tests");
/** Images the suite's modules name, relative to the repo root. */
export const SUITE_IMAGES: Readonly<Record<SuiteBinding, string>> = {
  trap: join("build", "guests", "guest-rtos", "tests", "rtos-tests-trap-O2.elf"),
  jumptable: join("build", "guests", "guest-rtos", "tests", "rtos-tests-jumptable-O2.elf"),
  pc: join("build", "guests", "guest-rtos", "bsp", "pc", "rtos-tests-pc-O2.elf"),
};
import { LIBPV_IMAGE } from "../../module/repo-paths";

export { LIBPV_IMAGE };

/** The binding a module file name says, from its suffix. */
export function bindingOfFile(file: string): SuiteBinding {
  if (file.endsWith(".jumptable.xml")) return "jumptable";
  return file.endsWith(".pc.xml") ? "pc" : "trap";
}

/** Every module of the suite under `root`, sorted by binding then name. */
export function planSuite(root: string): SuiteModule[] {
  const dir = join(root, SUITE_DIR);
  const files = readdirSync(dir).filter((f) => f.endsWith(".xml")).sort();
  const mods = files.map((f) => ({ name: f.replace(/(\.jumptable|\.pc)?\.xml$/, ""), binding: bindingOfFile(f), file: join(dir, f) }));
  return SUITE_BINDINGS.flatMap((b) => mods.filter((m) => m.binding === b));
}

/** Images (repo-relative) the suite needs that are not built. */
export function missingImages(root: string): string[] {
  return [...Object.values(SUITE_IMAGES), LIBPV_IMAGE].filter((p) => !existsSync(join(root, p)));
}

/** Folder of the test image's sources (the manifest of expected test names is read from them). */
export const SUITE_SOURCES = join("guest-rtos", "tests");
