// Test helper: runs PV guests built from a guest.json under the real ModuleRunner and createPvVm,
// collecting console lines, notices and the VMs. Returns null when the i386 toolchain is missing.
import type { PartitionConfig, SystemConfig } from "../../kernel/config/model";
import { nanos, type PartitionId } from "../../kernel/mem/types";
import { ModuleRunner, type ModuleRunResult } from "../../kernel/module/module-runner";
import type { PartitionVm } from "../../kernel/module/partition-vm";
import { createPvVm } from "../../kernel/partition/pv-vm";
import { MemoryTracer } from "../../kernel/trace/tracer";
import { buildGuest } from "../paravirt-abi/lib/build";

/** libpv's bytes, or null without a toolchain. */
export function libpvBytes(): Uint8Array | null {
  return buildGuest("paravirt-abi/libpv/guest.json", "libpv", "O2");
}

/** A finished run. */
export interface PvRun {
  readonly result: ModuleRunResult;
  readonly lines: string[];
  readonly notices: string[];
  readonly vms: Map<PartitionId, PartitionVm>;
}

/** Runs `config` for `ns`, each partition's image given by `images` (by partition id). */
export function runPvModule(config: SystemConfig, images: ReadonlyMap<number, Uint8Array>, ns: bigint): PvRun {
  const libpv = libpvBytes();
  if (libpv === null) throw new Error("no toolchain");
  const lines: string[] = [];
  const notices: string[] = [];
  const vms = new Map<PartitionId, PartitionVm>();
  const runner = new ModuleRunner({
    config,
    createVm: (p: PartitionConfig, console) => {
      const image = images.get(p.id);
      if (image === undefined) throw new Error(`no image for ${p.name}`);
      const vm = createPvVm({ partition: p, config, console, clockHz: config.ext.clockHz, libpvImage: libpv, image, imagePath: `${p.name}.elf`, log: (t) => notices.push(t) });
      vms.set(p.id, vm);
      return vm;
    },
    trace: new MemoryTracer(new Set()),
    onConsoleLine: (p, line) => lines.push(`${p}: ${line}`),
    onNotice: (t, text) => notices.push(`${t}: ${text}`),
  });
  return { result: runner.runUntil(nanos(ns)), lines, notices, vms };
}
