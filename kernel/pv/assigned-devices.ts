// Kernel-emulated devices assigned to a PV partition (apx:Device Assign="true"): which devices can be
// assigned and the ports each occupies, and the built set: the registry's chips on a port bus of their
// own that the partition's ring-3 code reaches directly (the TSS's I/O bitmap, pv-io-bitmap.ts), each
// IRQ raising PV_VIRQ_ASSIGNED_IRQ on a rising edge. Not responsible for the XML checks (config/).
import type { IrqLine, TimerService } from "../devices/device";
import { IoBus } from "../devices/io-bus";
import { buildDevices, type DeviceUnit } from "../machine/device-registry";
import type { Nanos } from "../mem/types";
import type { AssignableDevice } from "./assignable-devices";
import type { IoRange } from "./pv-io-bitmap";

/** What the built devices reach: the partition's console (a UART's output) and its virq. */
export interface AssignedCollaborators {
  readonly console: (bytes: Uint8Array) => void;
  readonly raiseVirq: () => void;
  readonly now: () => Nanos;
}

/** A rising-edge detector on the devices' IRQ lines; quiet while a snapshot is applied (the line is restored, not raised). */
class EdgeToVirq implements IrqLine {
  private level = false;
  quiet = false;
  constructor(private readonly raise: () => void) {}
  set(level: boolean): void {
    if (level && !this.level && !this.quiet) this.raise();
    this.level = level;
  }
}

/** The assigned devices of one PV partition, built once and reset on each partition restart. */
export class AssignedDevices {
  readonly bus = new IoBus();
  readonly ranges: readonly IoRange[];
  private readonly unitList: readonly DeviceUnit[];
  private readonly lines: EdgeToVirq[] = [];

  constructor(devices: readonly AssignableDevice[], c: AssignedCollaborators) {
    const timers: TimerService = {
      now: c.now,
      arm: (id) => {
        throw new Error(`assigned device armed timer ${id}: only timer-less devices are assignable (ASSIGNABLE_TYPES)`);
      },
      cancel: () => undefined,
    };
    const placed = buildDevices(
      {
        timers,
        memoryBytes: 0,
        baseMemoryKiB: 0,
        serialOut: { write: (b) => c.console(Uint8Array.of(b)) },
        debugConsoleOut: undefined,
        requestExit: () => undefined,
        requestReset: () => undefined,
        built: { uarts: [] },
        disk: undefined,
        isaLine: () => {
          const line = new EdgeToVirq(c.raiseVirq);
          this.lines.push(line);
          return line;
        },
      },
      devices.map((d) => d.spec),
    );
    for (const p of placed) for (const r of p.ports) this.bus.register(r.name, r.base, r.count, r.device);
    this.unitList = placed.flatMap((p) => p.units);
    this.ranges = devices.flatMap((d) => d.ranges);
  }

  /** The saveable units, in build order (device notes of the partition's machine). */
  units(): readonly DeviceUnit[] {
    return this.unitList;
  }

  /** Power-on state (a partition restart). */
  reset(): void {
    for (const u of this.unitList) u.device.reset();
  }

  /** Runs `apply` (a snapshot's device states) without raising virqs for the restored line levels. */
  restoring(apply: () => void): void {
    for (const l of this.lines) l.quiet = true;
    try {
      apply();
    } finally {
      for (const l of this.lines) l.quiet = false;
    }
  }
}
