// The one VM factory: the PC machine for full-virtualized partitions and the paravirtualized machine for
// the RTOS partitions, used by `apexvisor run`, `apexvisor test` (the RTOS suite), the bench and the page.
import type { SourcePos, SystemConfig } from "../config/model";
import { describeFailure, type ModuleHost } from "../host/files";
import { INPUT_LIMITS } from "../host/read-limited";
import { dirname, relative } from "../host/posix-path";
import { createFvVm } from "../machine/fv-vm";
import { createPvVm } from "../pv/pv-vm";
import { PartitionLoadError } from "./load-error";
import type { VmBuilders } from "./vm-factory";

/** Input for one FV partition's COM1 receiver (`apexvisor run --console NAME`). */
export interface ConsoleInput {
  readonly partition: string;
  readonly bytes: Uint8Array;
}

/** Builders for every guest kind of `config`, reading libpv through `host`; `input` feeds one partition's COM1. */
export function defaultBuilders(config: SystemConfig, host: ModuleHost, input?: ConsoleInput): VmBuilders {
  const configDir = dirname(config.file);
  let libpv: Uint8Array | undefined;
  return {
    FV: (p, images, console, links) =>
      createFvVm({
        partition: p,
        configDir,
        console,
        clockHz: config.ext.clockHz,
        image: images.image,
        // The guest sees its image path as the XML names it, so output does not depend on where the tree lives.
        imagePath: relative(configDir, images.imagePath),
        modules: images.modules,
        ...(links?.ioreq === undefined ? {} : { ioreq: links.ioreq }),
        ...(input !== undefined && input.partition === p.name ? { stdin: byteReader(input.bytes) } : {}),
      }),
    PV: (p, images, console, links) => {
      libpv ??= readLibpv(host, p);
      return createPvVm({
        partition: p,
        config,
        console,
        clockHz: config.ext.clockHz,
        libpvImage: libpv,
        image: images.image,
        imagePath: relative(configDir, images.imagePath),
        ...(links?.ioreq === undefined ? {} : { ioreq: links.ioreq }),
      });
    },
  };
}

function readLibpv(host: ModuleHost, p: { name: string; guest: { pos: SourcePos | undefined }; pos: SourcePos }): Uint8Array {
  const file = host.libpvPath;
  const r = host.files.read(file, INPUT_LIMITS.image);
  if (r.ok) return r.bytes;
  throw new PartitionLoadError(p.name, file, p.guest.pos ?? p.pos, `libpv (the host library every PV partition maps) cannot be read: ${describeFailure(r)}; run \`npm run build:guests\``);
}

/** A pull reader over `bytes`: the next byte, or undefined at the end. */
function byteReader(bytes: Uint8Array): () => number | undefined {
  let next = 0;
  return () => (next < bytes.length ? bytes[next++] : undefined);
}
