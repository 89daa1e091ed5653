// One guest machine <-> its snapshot entry: RAM, the vCPU and, for a PC, every device unit the
// registry built. Restore is two-phase: prepare checks every field against a freshly built machine
// and returns the apply step, which cannot fail; nothing is written before everything is checked.
// A restored machine logs its written pages, so that a later save can be a delta (snapshot-chain.ts).
import type { Cpu } from "../cpu/cpu";
import { DEVICE_STATE_VERSION, type DeviceUnit } from "../machine/device-registry";
import type { PhysicalMemory } from "../mem/physical-memory";
import { parseCpuState } from "./cpu-codec";
import type { Json, SnapshotMachine } from "./snapshot-file";

/** A checked restore, ready to apply; or the reason it was refused. */
export type Prepared = { readonly ok: true; readonly apply: () => void } | { readonly ok: false; readonly error: string };

/** Whoever holds a machine's registry devices: a PC, or the devices assigned to a PV partition. */
export interface DeviceHolder {
  units(): readonly DeviceUnit[];
}

/** The snapshot entry of a machine with the given RAM, vCPU and (for a PC) devices. */
export function saveMachine(name: string, kind: "pc" | "pv", memory: PhysicalMemory, cpu: Cpu, pc: DeviceHolder | undefined, vaddrBase: number, extra: Json): SnapshotMachine {
  return {
    name,
    kind,
    ram: memory.u8,
    ramBytes: memory.size,
    vaddrBase,
    cpu: cpu.saveState(),
    devices: (pc?.units() ?? []).map((u) => ({ unit: u.name, version: DEVICE_STATE_VERSION, state: u.device.saveState() as Json })),
    extra,
    dirtyPages: dirtyPages(memory),
  };
}

/** Pages written since the log started (at the restore this machine came from), without resetting it; null when not logging. */
function dirtyPages(memory: PhysicalMemory): number[] | null {
  const log = memory.dirtyLog;
  if (log === null) return null;
  const out: number[] = [];
  const pages = log.pages;
  for (let p = 0; p < pages.length; p++) if (pages[p] !== 0) out.push(p);
  return out;
}

/**
 * Checks `m` against a fresh machine (same RAM size, same device units, every state parses) and
 * returns the step that writes RAM, then the vCPU, then `between` (the owner's clock), then devices
 * (which re-arm their timers from the restored time).
 */
export function prepareMachine(m: SnapshotMachine, memory: PhysicalMemory, cpu: Cpu, pc: DeviceHolder | undefined, between: () => void): Prepared {
  const fail = (error: string): Prepared => ({ ok: false, error });
  if (m.ramBytes !== memory.size) return fail(`machine note ${m.name}: field ramBytes: ${m.ramBytes} is not this machine's ${memory.size}`);
  const cpuState = parseCpuState(m.cpu, `cpu note ${m.name}: field state`);
  if (!cpuState.ok) return fail(cpuState.error);
  const units = pc?.units() ?? [];
  if (m.devices.length !== units.length) return fail(`device notes ${m.name}: ${m.devices.length} devices saved, this machine has ${units.length} (${units.map((u) => u.name).join(", ")})`);
  const states: { apply: () => void }[] = [];
  for (const [i, d] of m.devices.entries()) {
    const u = units[i];
    if (u === undefined || u.name !== d.unit) return fail(`device note ${m.name}/${d.unit}: this machine has ${u?.name ?? "no device"} in that place`);
    if (d.version !== DEVICE_STATE_VERSION) return fail(`device note ${m.name}/${d.unit}: field version: ${d.version} is not ${DEVICE_STATE_VERSION}`);
    const parsed = u.device.parseState(d.state);
    if (!parsed.ok) return fail(`device note ${m.name}/${d.unit}: field ${parsed.error}`);
    states.push({ apply: () => u.device.restoreState(parsed.state) });
  }
  return {
    ok: true,
    apply: () => {
      memory.loadRam(m.ram);
      // From here on the memory layer logs written pages: a later save can store only those (a delta on this snapshot).
      memory.stopDirtyLog();
      memory.startDirtyLog();
      cpu.restoreState(cpuState.state);
      between();
      for (const s of states) s.apply();
    },
  };
}
