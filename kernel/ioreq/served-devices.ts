// The devices an I/O server partition can serve for an FV client, and the port ranges or MMIO window
// each one claims on the client's PC. Pure: no device is built here (the server partition emulates it).
import type { PartitionGuestConfig } from "../config/model";
import { IoreqDevice } from "../hypercall/generated/abi-generated";
import { DEFAULT_PC_DEVICES, UART_BASES } from "../machine/device-catalog";

/** One port range a served device claims. */
export interface ServedRange {
  readonly base: number;
  readonly count: number;
}

/** A served device as the client's bus sees it: its apx:Device name and its ranges. */
export interface ServedDeviceSpec {
  readonly instance: string;
  readonly type: "uart16550" | "ata";
  /** The model as the ring names it (struct pv_ioreq_slot.device). */
  readonly device: IoreqDevice;
  /** Port ranges (empty for a device in an MMIO window). */
  readonly ranges: readonly ServedRange[];
  /** The guest-physical MMIO window (base, bytes), for a device placed in memory space instead of ports. */
  readonly mmio?: ServedRange;
  /** The client's ISA IRQ line (the server drives it with ioreq_irq_set; see kernel/ioreq/README.md). */
  readonly irq: number;
  /** Ports whose REP INS/OUTS runs may go as one request with a repeat count (a data FIFO). */
  readonly stringPorts?: readonly number[];
}

/** Types a partition can serve (the server must emulate them: partitions/ioserver/). */
export const SERVABLE_TYPES = ["uart16550", "ata"] as const;

/** Bytes of a served 16550's MMIO window: eight byte-wide registers, one per address (Linux's
 * `console=uart,mmio,ADDR`, register shift 0). */
export const UART_MMIO_BYTES = 8;

/**
 * The ranges of a served device "type" or "type@base", or a message saying why it cannot be served.
 * With `mmio` (apx:Device Mmio="true") the base is a guest-physical address and the device claims that
 * window instead of ports; `irq` (apx:Device Irq) then names its ISA line (default 4).
 */
export function servedDevice(instance: string, opts: { readonly mmio?: boolean; readonly irq?: number } = {}): ServedDeviceSpec | string {
  const [type = "", baseText] = instance.toLowerCase().split("@");
  const base = baseText === undefined ? undefined : Number(baseText);
  if (opts.irq !== undefined && opts.mmio !== true) return `device "${instance}": Irq is only for a device in an MMIO window (Mmio="true"); a port device has its PC line`;
  switch (type) {
    case "uart16550": {
      if (opts.mmio === true) {
        if (base === undefined) return `device "${instance}": a uart16550 in an MMIO window names its address, like "uart16550@0xfebff000"`;
        return { instance, type, device: IoreqDevice.UART16550, ranges: [], mmio: { base, count: UART_MMIO_BYTES }, irq: opts.irq ?? 4 };
      }
      const at = base ?? 0x3f8;
      const irq = UART_BASES.get(at);
      if (irq === undefined) return `a served uart16550 sits at one of ${[...UART_BASES.keys()].map((b) => `0x${b.toString(16)}`).join(", ")}`;
      return { instance, type, device: IoreqDevice.UART16550, ranges: [{ base: at, count: 8 }], irq };
    }
    case "ata":
      // Primary channel: command block 0x1F0-0x1F7, control block 0x3F6 (ATA-6 section 7.1; IRQ 14).
      if (opts.mmio === true) return `a served ata controller is reached through its ports; Mmio="true" is for a uart16550`;
      if (base !== undefined) return `a served ata controller is the primary channel at its fixed PC address; write "ata" without @base`;
      return { instance, type, device: IoreqDevice.ATA, ranges: [{ base: 0x1f0, count: 8 }, { base: 0x3f6, count: 1 }], irq: 14, stringPorts: [0x1f0] };
    default:
      return `"${instance}" cannot be served by a partition; servable devices: ${SERVABLE_TYPES.join(", ")}`;
  }
}

/** The register offset of `port` in a device's port ranges, counted across them in order (ata: 0x3F6 is 8). */
export function portOffset(spec: ServedDeviceSpec, port: number): number {
  let before = 0;
  for (const r of spec.ranges) {
    if (port >= r.base && port < r.base + r.count) return before + (port - r.base);
    before += r.count;
  }
  throw new Error(`port 0x${port.toString(16)} is not in ${spec.instance}`);
}

/** The first overlap between two range lists, or undefined. */
export function overlap(a: readonly ServedRange[], b: readonly ServedRange[]): ServedRange | undefined {
  for (const x of a) for (const y of b) if (x.base < y.base + y.count && y.base < x.base + x.count) return x.base >= y.base ? x : y;
  return undefined;
}

/**
 * The in-kernel device list of an FV partition with served devices: its own apx:Device list, or the
 * default PC without the chips whose ports a served device takes (the validator rejects an explicit
 * list that claims them too).
 */
export function kernelDevicesBeside(guest: PartitionGuestConfig): readonly string[] {
  if (guest.devices.length > 0) return guest.devices;
  const taken = (guest.served ?? []).flatMap((d) => {
    const s = servedDevice(d.name, d);
    return typeof s === "string" ? [] : s.ranges;
  });
  return DEFAULT_PC_DEVICES.filter((name) => {
    const [type = "", base] = name.split("@");
    if (type !== "uart16550") return true;
    return overlap([{ base: Number(base ?? 0x3f8), count: 8 }], taken) === undefined;
  });
}
