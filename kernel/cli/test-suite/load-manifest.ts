// Reads the test image's C sources (guest-rtos/tests/*.c) into the manifest of expected test names. The
// shell around manifest.ts: file names sorted, so the manifest is the same on every machine.
import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { buildManifest, type TestManifest } from "./manifest";
import { SUITE_SOURCES } from "./plan";

/** The manifest of the sources under `root`. */
export function loadManifest(root: string): TestManifest {
  const dir = join(root, SUITE_SOURCES);
  const files = readdirSync(dir).filter((f) => f.endsWith(".c")).sort();
  return buildManifest(files.map((f) => ({ file: join(SUITE_SOURCES, f), text: readFileSync(join(dir, f), "utf8") })));
}
