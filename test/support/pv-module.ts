// Test helper: runs PV guests built from a guest.json under the real ModuleRunner and createPvVm,
// collecting console lines, notices and the VMs. Returns null when the i386 toolchain is missing.
import type { PartitionConfig, SystemConfig } from "../../kernel/config/model";
import { guestVirt, nanos, type PartitionId } from "../../kernel/mem/types";
import { ModuleRunner, type ModuleRunResult } from "../../kernel/module/module-runner";
import type { PartitionVm } from "../../kernel/module/partition-vm";
import { createPvVm, pvMachineOf } from "../../kernel/pv/pv-vm";
import { readGuestU32 } from "../../kernel/mem/guest-access";
import type { TraceEvent } from "../../kernel/trace/trace-event";
import { MemoryTracer } from "../../kernel/trace/tracer";
import { buildGuest } from "../paravirt-abi/lib/build";
import { Elf32 } from "../paravirt-abi/lib/elf32";

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
  /** Port traffic and hypercall trace events, in order. */
  readonly events: readonly TraceEvent[];
}

/** Runs `config` for `ns`, each partition's image given by `images` (by partition id). */
export function runPvModule(config: SystemConfig, images: ReadonlyMap<number, Uint8Array>, ns: bigint): PvRun {
  const libpv = libpvBytes();
  if (libpv === null) throw new Error("no toolchain");
  const lines: string[] = [];
  const notices: string[] = [];
  const vms = new Map<PartitionId, PartitionVm>();
  const tracer = new MemoryTracer(new Set<TraceEvent["kind"]>(["portWrite", "portRead", "portSend", "portReceive", "hypercall"]));
  const runner = new ModuleRunner({
    config,
    createVm: (p: PartitionConfig, console) => {
      const image = images.get(p.id);
      if (image === undefined) throw new Error(`no image for ${p.name}`);
      const vm = createPvVm({ partition: p, config, console, clockHz: config.ext.clockHz, libpvImage: libpv, image, imagePath: `${p.name}.elf`, log: (t) => notices.push(t) });
      vms.set(p.id, vm);
      return vm;
    },
    trace: tracer,
    onConsoleLine: (p, line) => lines.push(`${p}: ${line}`),
    onNotice: (t, text) => notices.push(`${t}: ${text}`),
  });
  return { result: runner.runUntil(nanos(ns)), lines, notices, vms, events: tracer.events };
}

/** `n` words at guest-virtual `at` in a PV VM's memory (as the guest sees it). */
export function guestWords(vm: PartitionVm | undefined, at: number, n: number): number[] {
  const m = vm === undefined ? undefined : pvMachineOf(vm);
  if (m === undefined) throw new Error("not a PV VM");
  return Array.from({ length: n }, (_, i) => {
    const r = readGuestU32(m.cpu, guestVirt(at + 4 * i), { user: true });
    if (!r.ok) throw new Error(`0x${(at + 4 * i).toString(16)} unreadable`);
    return r.value;
  });
}

/** A guest image built from a kernel-test guest.json, with its ELF symbols. */
export function kernelTestGuest(name: string): { readonly bytes: Uint8Array; readonly symbol: (s: string) => number } | null {
  const bytes = buildGuest("test/kernel/hypercall/guests/guest.json", name, "O2");
  if (bytes === null) return null;
  const elf = new Elf32(bytes);
  return { bytes, symbol: (s) => elf.symbol(s) };
}
