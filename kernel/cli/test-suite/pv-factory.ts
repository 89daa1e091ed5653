// The suite's VM factory: createPvVm (kernel/pv/pv-vm.ts) bound to libpv and each partition's image,
// or createFvVm (a whole PC) for FV partitions such as the bare-PC BSP's modules.
import { INPUT_LIMITS, readLimited } from "../../host/node/read-limited";
import { dirname, join } from "path";
import { NODE_FILES } from "../../host/node/node-files";
import { createFvVm } from "../../machine/fv-vm";
import { createPvVm } from "../../pv/pv-vm";
import { LIBPV_IMAGE } from "./plan";
import type { SuiteVmFactory } from "./run-module";

/** A factory for the suite's partitions (PV, or FV for the pc binding); images are read once per path. */
export function pvSuiteFactory(root: string): SuiteVmFactory {
  const libpvImage = readLimited(join(root, LIBPV_IMAGE), INPUT_LIMITS.image);
  const images = new Map<string, Uint8Array>();
  return (partition, config, imagePath, console) => {
    let image = images.get(imagePath);
    if (image === undefined) {
      image = readLimited(imagePath, INPUT_LIMITS.image);
      images.set(imagePath, image);
    }
    if (partition.guest.kind === "FV")
      return createFvVm({ partition, configDir: dirname(config.file), console, clockHz: config.ext.clockHz, image, imagePath, files: NODE_FILES });
    return createPvVm({ partition, config, console, clockHz: config.ext.clockHz, libpvImage, image, imagePath });
  };
}
