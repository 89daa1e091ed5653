// Builds each partition's VM from its configuration: reads the guest image named in the XML and hands
// it to the builder for the guest kind. File problems become PartitionLoadError naming the file and
// the config line; what the bytes mean is the builder's business.
import type { PartitionConfig } from "../config/model";
import type { HostFiles } from "../host/files";
import { INPUT_LIMITS } from "../host/read-limited";
import type { ConsoleBytes } from "./console-mux";
import { PartitionLoadError } from "./load-error";
import type { PartitionVm, VmLinks } from "./partition-vm";

/** The guest image and Multiboot modules of a partition, read from disk. */
export interface PartitionImages {
  readonly image: Uint8Array;
  readonly imagePath: string;
  readonly modules: readonly { readonly path: string; readonly data: Uint8Array }[];
}

/** Makes a VM of one kind from a partition's config, its images and its console sink. */
export type VmBuilder = (p: PartitionConfig, images: PartitionImages, console: ConsoleBytes, links?: VmLinks) => PartitionVm;

/** One builder per guest kind. */
export interface VmBuilders {
  readonly PV: VmBuilder;
  readonly FV: VmBuilder;
}

function readOrFail(files: HostFiles, p: PartitionConfig, path: string, what: string): Uint8Array {
  const r = files.read(path, INPUT_LIMITS.image);
  if (r.ok) return r.bytes;
  // A Linux guest's kernel and initrd come from `npm run fetch:linux` (Debian's packages), not from the guest build.
  const linux = p.guest.initrd !== undefined || p.guest.format === "linux";
  const reason =
    r.reason === "missing"
      ? `${what} not found (${linux ? "fetch Debian's kernel and build the initramfs with \`npm run fetch:linux\`" : "build the guests with \`npm run build:guests\`"}, or fix the path in the XML)`
      : `${what} cannot be read: ${r.reason === "directory" ? "it is a directory" : r.message}`;
  throw new PartitionLoadError(p.name, path, p.guest.pos ?? p.pos, reason);
}

/** Reads a partition's image and modules; throws PartitionLoadError when one is missing or unreadable. */
export function readPartitionImages(p: PartitionConfig, files: HostFiles): PartitionImages {
  const imagePath = p.guest.image;
  if (imagePath === undefined) {
    throw new PartitionLoadError(p.name, undefined, p.guest.pos ?? p.pos, "no guest image is configured (apx:Guest Image)");
  }
  return {
    image: readOrFail(files, p, imagePath, "guest image"),
    imagePath,
    // A Linux kernel's initrd rides where a Multiboot kernel's modules do (kernel-plan.ts makes it the initrd).
    modules: p.guest.initrd !== undefined ? [{ path: p.guest.initrd, data: readOrFail(files, p, p.guest.initrd, "initrd") }] : p.guest.modules.map((m) => ({ path: m, data: readOrFail(files, p, m, "Multiboot module") })),
  };
}

/** A createVm function for ModuleRunner that reads images and dispatches on the guest kind. */
export function vmFactory(builders: VmBuilders, files: HostFiles): (p: PartitionConfig, console: ConsoleBytes, links?: VmLinks) => PartitionVm {
  return (p, console, links) => {
    const images = readPartitionImages(p, files);
    switch (p.guest.kind) {
      case "PV":
        return builders.PV(p, images, console, links);
      case "FV":
        return builders.FV(p, images, console, links);
      default: {
        const unreachable: never = p.guest.kind;
        throw new Error(`unknown guest kind ${String(unreachable)}`);
      }
    }
  };
}
