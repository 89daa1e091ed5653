// The VM builders `apexvisor run` uses: the PC machine for full-virtualized partitions and the
// paravirtualized machine for the RTOS partitions.
import { dirname, relative } from "path";
import type { SystemConfig } from "../config/model";
import { createFvVm } from "../machine/fv-vm";
import { PartitionLoadError } from "./load-error";
import type { VmBuilders } from "./vm-factory";

/** Builders for every guest kind of `config`. */
export function defaultBuilders(config: SystemConfig): VmBuilders {
  const configDir = dirname(config.file);
  return {
    FV: (p, images, console) =>
      createFvVm({
        partition: p,
        configDir,
        console,
        clockHz: config.ext.clockHz,
        image: images.image,
        // The guest sees its image path as the XML names it, so output does not depend on where the tree lives.
        imagePath: relative(configDir, images.imagePath),
        modules: images.modules,
      }),
    PV: (p) => {
      throw new PartitionLoadError(p.name, p.guest.image, p.guest.pos ?? p.pos, "PV partitions are not wired yet");
    },
  };
}
