// The partition-served placement of the ATA rows in `apexvisor bench` (ata-bench.ts has the in-kernel
// ones): the disk guest's bench mode (write N sectors from sector 1, read them back, compare) as the FV
// client of partitions/io-partition/disk.xml, its disk and console served by the ioserver partition.
// The disk image is a zeroed in-memory file given to the module through the host's file view.
import { join } from "path";
import { performance } from "perf_hooks";
import type { HostFiles, ModuleHost } from "../host/files";
import { NODE_HOST } from "../host/node/node-files";
import { SECTOR_BYTES } from "../disk/block-store";
import { nanos } from "../mem/types";
import { defaultBuilders } from "../module/default-builders";
import { prepareModule } from "../module/run-module";
import type { TraceSink } from "../trace/tracer";
import type { AtaBenchRow } from "./ata-bench";

/** Serves `files` (path -> bytes) from memory, everything else from NODE_HOST. */
function memoryFiles(files: ReadonlyMap<string, Uint8Array>): ModuleHost {
  const base = NODE_HOST.files;
  const view: HostFiles = {
    read: (path, limit) => {
      const b = files.get(path);
      return b === undefined ? base.read(path, limit) : { ok: true, bytes: b };
    },
    absolute: (path) => (files.has(path) ? path : base.absolute(path)),
  };
  return { ...NODE_HOST, files: view };
}

/** The served rows for `sectors` written and read back (virtual time exact, host time measured once). */
export function measureServedAta(root: string, sectors: number): AtaBenchRow[] {
  const dir = join(root, "partitions", "io-partition");
  const read = NODE_HOST.files.read(join(dir, "disk.xml"));
  if (!read.ok) throw new Error(`bench: served ATA: cannot read ${join(dir, "disk.xml")}`);
  const xml = new TextDecoder()
    .decode(read.bytes)
    .replace('CommandLine="mode=irq multiple=8"', `CommandLine="bench=${sectors} multiple=16"`)
    .replace('Image="disk.img"', 'Image="bench-disk.img"');
  const file = join(dir, "bench-disk.xml");
  const host = memoryFiles(new Map([[file, new TextEncoder().encode(xml)], [join(dir, "bench-disk.img"), new Uint8Array((sectors + 1) * SECTOR_BYTES)]]));
  let console = "";
  const limit = nanos(BigInt(sectors) * 2n * 2_000_000n + 100_000_000n); // far above 2 frames per request
  let guestEnd: bigint | undefined;
  const sink: TraceSink = { emit: (e) => void (e.kind === "modeChange" && e.partition === 1 && e.to === "IDLE" && guestEnd === undefined ? (guestEnd = e.time) : undefined) };
  const p = prepareModule({ file, length: { kind: "duration", value: limit }, host, builders: (c) => defaultBuilders(c, host), trace: sink, onConsoleLine: (_n, l) => (console += `${l}\n`) });
  if (p.kind !== "ready") throw new Error(`bench: served ATA: ${p.kind}`);
  // Run frame by frame up to the guest's end (it stops its partition after printing the result).
  const t = performance.now();
  for (let at = 10_000_000n; at <= limit && guestEnd === undefined; at += 10_000_000n) p.runner.runUntil(nanos(at));
  const hostS = (performance.now() - t) / 1000;
  if (!console.includes("match") || guestEnd === undefined) throw new Error(`bench: served ATA: the disk guest failed: ${console.trim()}`);
  const moved = 2 * sectors;
  const mib = (sectors * SECTOR_BYTES) / 1048576;
  return [
    { metric: `disk guest: ${mib} MiB written + read back, host time`, placement: "partition", value: moved / hostS, unit: "sectors/s", exact: false },
    { metric: `disk guest: ${mib} MiB written + read back, virtual time`, placement: "partition", value: moved / (Number(guestEnd) / 1e9), unit: "sectors/s", exact: true },
  ];
}
