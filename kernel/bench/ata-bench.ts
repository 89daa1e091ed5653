// Disk-controller figures for `apexvisor bench` (issue 11): host ns per ATA port access through a PC's
// I/O bus, sectors per second (host and virtual time) for the disk guest writing and reading back a
// 4 MiB region, and the kernel-process memory the model holds. One row per (metric, placement): the
// in-kernel controller's rows come from here; a partition-served placement adds rows of the same shape.
import { performance } from "perf_hooks";
import { BlockStore, SECTOR_BYTES } from "../disk/block-store";
import { DEFAULT_CLOCK_HZ } from "../cpu/cost-model";
import { bootMultiboot } from "../machine/pc-boot";
import { PcMachine } from "../machine/pc-machine";
import { ioPort, type Nanos } from "../mem/types";
import { median } from "./stats";

/** Where the ATA model runs. */
export type AtaPlacement = "in-kernel" | "partition";

/** One figure of the disk-controller table. */
export interface AtaBenchRow {
  readonly metric: string;
  readonly placement: AtaPlacement;
  readonly value: number;
  readonly unit: string;
  /** Host-timed (varies run to run) or exact (deterministic virtual time / byte counts). */
  readonly exact: boolean;
}

/** Host ns per port access: READ SECTORS of 256 sectors driven register by register (status polls, 256 INW per sector). */
function portAccessNs(runs: number): number {
  let clock = 0n;
  const pc = new PcMachine({
    memoryBytes: 2 * 1024 * 1024,
    now: () => clock as Nanos,
    serialOut: { write: () => undefined },
    requestExit: () => undefined,
    // No PIT: its periodic timer would keep the settle loop below busy forever.
    devices: ["pic8259", "ata"],
    disk: new BlockStore(new Uint8Array(512 * SECTOR_BYTES), undefined),
  });
  const bus = pc.bus;
  const out = (p: number, v: number): void => bus.write(ioPort(p), 1, v);
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    let accesses = 0;
    const t = performance.now();
    for (const [p, v] of [[0x1f6, 0xe0], [0x1f2, 0], [0x1f3, 0], [0x1f4, 0], [0x1f5, 0], [0x1f7, 0x20]] as const) out(p, v);
    accesses += 6;
    for (let s = 0; s < 256; s++) {
      for (let d = pc.timers.nextDeadline(); d !== null; d = pc.timers.nextDeadline()) {
        clock = d;
        pc.timers.fireDue();
      }
      bus.read(ioPort(0x1f7), 1);
      for (let w = 0; w < 256; w++) bus.read(ioPort(0x1f0), 2);
      accesses += 257;
    }
    samples.push(((performance.now() - t) * 1e6) / accesses);
  }
  return median(samples);
}

/** Runs the disk guest's bench mode over `sectors` sectors: host and virtual sectors/s, overlay bytes. */
function guestRun(elf: Uint8Array, sectors: number): { hostSectorsPerS: number; virtualSectorsPerS: number; overlayBytes: number; imageBytes: number } {
  const image = new Uint8Array((sectors + 1) * SECTOR_BYTES);
  const disk = new BlockStore(image, undefined);
  let text = "";
  const t = performance.now();
  const r = bootMultiboot({ elf, elfPath: "disk-guest.elf", commandLine: `bench=${sectors} multiple=16`, stdout: (b) => (text += Buffer.from(b).toString("latin1")), disk });
  const hostS = (performance.now() - t) / 1000;
  if (r.end.kind !== "debugExit" || r.end.status !== 1 || !text.includes("match")) throw new Error(`bench: disk guest failed: ${text.trim()} (${r.end.kind})`);
  const moved = 2 * sectors; // written, then read back
  return { hostSectorsPerS: moved / hostS, virtualSectorsPerS: moved / (r.cycles / DEFAULT_CLOCK_HZ), overlayBytes: disk.written().length * SECTOR_BYTES, imageBytes: image.length };
}

/** The in-kernel controller's rows; `sectors` is 8192 (4 MiB) in a full run. */
export function measureAta(diskGuestElf: Uint8Array, sectors: number, runs: number): AtaBenchRow[] {
  const g = guestRun(diskGuestElf, sectors);
  const mib = (sectors * SECTOR_BYTES) / 1048576;
  return [
    { metric: "host ns per port access (READ SECTORS x256, I/O bus)", placement: "in-kernel", value: portAccessNs(runs), unit: "ns", exact: false },
    { metric: `disk guest: ${mib} MiB written + read back, host time`, placement: "in-kernel", value: g.hostSectorsPerS, unit: "sectors/s", exact: false },
    { metric: `disk guest: ${mib} MiB written + read back, virtual time`, placement: "in-kernel", value: g.virtualSectorsPerS, unit: "sectors/s", exact: true },
    { metric: "kernel-process memory: disk image held", placement: "in-kernel", value: g.imageBytes, unit: "bytes", exact: true },
    { metric: "kernel-process memory: copy-on-write overlay after the run", placement: "in-kernel", value: g.overlayBytes, unit: "bytes", exact: true },
  ];
}

/** The markdown section of the rows. */
export function ataMarkdown(rows: readonly AtaBenchRow[]): string {
  const lines = ["| metric | placement | value | unit |", "|---|---|---:|---|"];
  for (const r of rows) lines.push(`| ${r.metric} | ${r.placement} | ${r.exact ? Math.round(r.value) : r.value.toFixed(1)} | ${r.unit} |`);
  return `## Disk controller (ATA PIO)\n\n${lines.join("\n")}\n\nVirtual-time sectors/s follow the controller's documented timing (kernel/devices/ata/ata-controller.ts: 1 us per command, 2 us per sector) plus the guest's own instructions at the cost model's clock.`;
}
