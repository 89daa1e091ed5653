// The suite's VM factory: createPvVm (kernel/partition/pv-vm.ts) bound to libpv and each partition's image.
// Until the PV kernel is merged, createPvVm is looked up at run time, so this file builds without it and
// the suite reports "PV partitions are not available yet" instead of failing to compile; once merged,
// replace the lookup with a static import.
import { readFileSync } from "fs";
import { join } from "path";
import type { PartitionConfig, SystemConfig } from "../../config/model";
import type { PartitionVm } from "../../module/partition-vm";
import { LIBPV_IMAGE } from "./plan";
import type { SuiteVmFactory } from "./run-module";

/** The options createPvVm takes (kernel/partition/pv-vm.ts PvVmOptions). */
interface PvVmOptions {
  readonly partition: PartitionConfig;
  readonly config: SystemConfig;
  readonly console: (bytes: Uint8Array) => void;
  readonly clockHz: number;
  readonly libpvImage: Uint8Array;
  readonly image: Uint8Array;
  readonly imagePath: string;
}
type CreatePvVm = (opts: PvVmOptions) => PartitionVm;

function findCreatePvVm(): CreatePvVm | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require("../../partition/pv-vm") as { createPvVm?: unknown };
    return typeof mod.createPvVm === "function" ? (mod.createPvVm as CreatePvVm) : null;
  } catch {
    return null;
  }
}

/** A factory for the suite's PV partitions, or null when this build has no PV kernel. */
export function pvSuiteFactory(root: string): SuiteVmFactory | null {
  const create = findCreatePvVm();
  if (create === null) return null;
  const libpvImage = readFileSync(join(root, LIBPV_IMAGE));
  const images = new Map<string, Uint8Array>();
  return (partition, config, imagePath, console) => {
    let image = images.get(imagePath);
    if (image === undefined) {
      image = readFileSync(imagePath);
      images.set(imagePath, image);
    }
    return create({ partition, config, console, clockHz: config.ext.clockHz, libpvImage, image, imagePath });
  };
}
