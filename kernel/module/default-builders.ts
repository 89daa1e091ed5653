// The VM builders `apexvisor run` uses: the PC machine for full-virtualized partitions and the
// paravirtualized machine for the RTOS partitions.
import { readFileSync } from "fs";
import { dirname, join, relative } from "path";
import type { SourcePos, SystemConfig } from "../config/model";
import { createFvVm } from "../machine/fv-vm";
import { createPvVm } from "../partition/pv-vm";
import { PartitionLoadError } from "./load-error";
import { LIBPV_IMAGE, REPO_ROOT } from "./repo-paths";
import type { VmBuilders } from "./vm-factory";

/** Builders for every guest kind of `config`. */
export function defaultBuilders(config: SystemConfig): VmBuilders {
  const configDir = dirname(config.file);
  let libpv: Uint8Array | undefined;
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
    PV: (p, images, console) => {
      libpv ??= readLibpv(p);
      return createPvVm({
        partition: p,
        config,
        console,
        clockHz: config.ext.clockHz,
        libpvImage: libpv,
        image: images.image,
        imagePath: relative(configDir, images.imagePath),
      });
    },
  };
}

function readLibpv(p: { name: string; guest: { pos: SourcePos | undefined }; pos: SourcePos }): Uint8Array {
  const file = join(REPO_ROOT, LIBPV_IMAGE);
  try {
    return readFileSync(file);
  } catch (e) {
    throw new PartitionLoadError(p.name, file, p.guest.pos ?? p.pos, `libpv (the host library every PV partition maps) cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; run \`npm run build:guests\``);
  }
}
