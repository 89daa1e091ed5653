// What `run` needs beyond a valid configuration: every partition names a guest image. `validate`
// accepts a module without images (a standard file has none); `run` reports these first. Pure: it
// does not look at the file system (the loader reports missing or bad image files).
import type { Diagnostic } from "./diagnostic";
import type { SystemConfig } from "./model";

/** Diagnostics for partitions that cannot be started because they have no guest image. */
export function checkRunnable(config: SystemConfig): readonly Diagnostic[] {
  return config.partitions
    .filter((p) => p.guest.image === undefined)
    .map((p) => ({
      pos: p.guest.pos ?? p.pos,
      message: `partition "${p.name}" has no guest image; add <apx:Guest Image="path/to/guest.elf"/> inside its Partition (xmlns:apx="urn:apexvisor:ext:1")`,
    }));
}
