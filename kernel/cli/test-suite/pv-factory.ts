// The suite's VM factory: createPvVm (kernel/partition/pv-vm.ts) bound to libpv and each partition's image.
import { readFileSync } from "fs";
import { join } from "path";
import { createPvVm } from "../../partition/pv-vm";
import { LIBPV_IMAGE } from "./plan";
import type { SuiteVmFactory } from "./run-module";

/** A factory for the suite's PV partitions; images are read once per path. */
export function pvSuiteFactory(root: string): SuiteVmFactory {
  const libpvImage = readFileSync(join(root, LIBPV_IMAGE));
  const images = new Map<string, Uint8Array>();
  return (partition, config, imagePath, console) => {
    let image = images.get(imagePath);
    if (image === undefined) {
      image = readFileSync(imagePath);
      images.set(imagePath, image);
    }
    return createPvVm({ partition, config, console, clockHz: config.ext.clockHz, libpvImage, image, imagePath });
  };
}
