// The one VM factory: the PC machine for full-virtualized partitions and the paravirtualized machine for
// the RTOS partitions, used by `apexvisor run`, `apexvisor test` (the RTOS suite), the bench and the page.
import type { SourcePos, SystemConfig } from "../config/model";
import { describeFailure, type ModuleHost } from "../host/files";
import { INPUT_LIMITS } from "../host/read-limited";
import { dirname, relative } from "../host/posix-path";
import type { BlockStore } from "../disk/block-store";
import type { DriveSpec } from "../disk/disk-image";
import { OpenDisks } from "../disk/open-disks";
import { createFvVm } from "../machine/fv-vm";
import type { InputSource } from "../machine/serial-input";
import { createPvVm } from "../pv/pv-vm";
import { PartitionLoadError } from "./load-error";
import type { VmBuilders } from "./vm-factory";
import type { PortServices, VmLinks } from "./partition-vm";
import type { PartitionId } from "../mem/types";

/** Input for one FV partition's COM1 receiver and keyboard (`apexvisor run --console NAME`). */
export interface ConsoleInput {
  readonly partition: string;
  /** A stream (pipe, file) or a terminal; read as the guest's line takes bytes, never all at once. */
  readonly source: InputSource;
  /** On a resume: `source` is new input, not the saved run's input again (kernel/snapshot/input-position.ts). */
  readonly fresh?: boolean;
}

/** Builders for every guest kind of `config`, reading libpv through `host`; `input` feeds one partition's COM1. */
export function defaultBuilders(config: SystemConfig, host: ModuleHost, input?: ConsoleInput, disks: OpenDisks = new OpenDisks(host.files, undefined)): VmBuilders {
  const configDir = dirname(config.file);
  let libpv: Uint8Array | undefined;
  return {
    FV: (p, images, console, links) =>
      createFvVm({
        partition: p,
        config,
        configDir,
        console,
        clockHz: config.ext.clockHz,
        image: images.image,
        // The guest sees its image path as the XML names it, so output does not depend on where the tree lives.
        imagePath: relative(configDir, images.imagePath),
        modules: images.modules,
        ...(links?.ioreq === undefined ? {} : { ioreq: links.ioreq }),
        ...portsOf(links, p.id),
        ...(input !== undefined && input.partition === p.name ? { input: input.source, freshInput: input.fresh === true } : {}),
        ...(p.guest.drive !== undefined ? { disk: openDrive(disks, p.name, p.guest.drive, p.guest.pos ?? p.pos) } : {}),
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

/** The FV builder's port services of partition `id`, when the runner links any. */
function portsOf(links: VmLinks | undefined, id: PartitionId): { ports?: () => PortServices } {
  const ports = links?.ports;
  return ports === undefined ? {} : { ports: () => ports(id) };
}

function readLibpv(host: ModuleHost, p: { name: string; guest: { pos: SourcePos | undefined }; pos: SourcePos }): Uint8Array {
  const file = host.libpvPath;
  const r = host.files.read(file, INPUT_LIMITS.image);
  if (r.ok) return r.bytes;
  throw new PartitionLoadError(p.name, file, p.guest.pos ?? p.pos, `libpv (the host library every PV partition maps) cannot be read: ${describeFailure(r)}; run \`npm run build:guests\``);
}

/** Opens an FV partition's disk; a missing, unreadable or mis-sized image is a PartitionLoadError (one line). */
function openDrive(disks: OpenDisks, partition: string, drive: DriveSpec, pos: SourcePos): BlockStore {
  const r = disks.open(drive);
  if (!r.ok) throw new PartitionLoadError(partition, drive.path, pos, `disk image: ${r.reason}`);
  return r.store;
}
