// Temporary folders for tests that leave files behind them (gdb scripts, sockets, junk images): each is removed
// when the test process exits, however the test ended, so a run leaves nothing in the system's temporary folder.
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

const made: string[] = [];
let hooked = false;

/** A fresh private folder under the system's temporary folder, named `prefix` and a random tail; removed with its
 * contents when the process exits. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  if (!hooked) {
    hooked = true;
    process.on("exit", () => {
      for (const d of made) rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}
