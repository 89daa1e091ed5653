// Test helper: path and bytes of the Multiboot test kernel built from test/kernel/machine/guests (npm run
// build:guests). A missing image fails the test with the command that builds it.
import { existsSync, readFileSync } from "fs";
import { join } from "path";

/** Repository root (tests run from dist/test/...). */
export const REPO_ROOT = join(__dirname, "..", "..", "..", "..");
/** The test kernel, built at -O2. */
export const BOOT_TEST_ELF = join(REPO_ROOT, "build", "guests", "test", "kernel", "machine", "guests", "boot-test-O2.elf");

/** Reads the test kernel or throws with the fix. */
export function bootTestImage(): Uint8Array {
  if (!existsSync(BOOT_TEST_ELF)) throw new Error(`${BOOT_TEST_ELF} is missing: run \`npm run build:guests\``);
  return new Uint8Array(readFileSync(BOOT_TEST_ELF));
}
