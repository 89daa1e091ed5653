// The devices an I/O server partition can serve for an FV client, and the port ranges each one
// claims on the client's bus. Pure: no device is built here (the server partition emulates it).
import type { PartitionGuestConfig } from "../config/model";
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
  readonly ranges: readonly ServedRange[];
  /** The client's ISA IRQ line (the server drives it with ioreq_irq_set; see kernel/ioreq/README.md). */
  readonly irq: number;
  /** Ports whose REP INS/OUTS runs may go as one request with a repeat count (a data FIFO). */
  readonly stringPorts?: readonly number[];
}

/** Types a partition can serve (the server must emulate them: partitions/ioserver/). */
export const SERVABLE_TYPES = ["uart16550", "ata"] as const;

/** The ranges of a served device "type" or "type@base", or a message saying why it cannot be served. */
export function servedDevice(instance: string): ServedDeviceSpec | string {
  const [type = "", baseText] = instance.toLowerCase().split("@");
  const base = baseText === undefined ? undefined : Number(baseText);
  switch (type) {
    case "uart16550": {
      const at = base ?? 0x3f8;
      const irq = UART_BASES.get(at);
      if (irq === undefined) return `a served uart16550 sits at one of ${[...UART_BASES.keys()].map((b) => `0x${b.toString(16)}`).join(", ")}`;
      return { instance, type, ranges: [{ base: at, count: 8 }], irq };
    }
    case "ata":
      // Primary channel: command block 0x1F0-0x1F7, control block 0x3F6 (ATA-6 section 7.1; IRQ 14).
      if (base !== undefined) return `a served ata controller is the primary channel at its fixed PC address; write "ata" without @base`;
      return { instance, type, ranges: [{ base: 0x1f0, count: 8 }, { base: 0x3f6, count: 1 }], irq: 14, stringPorts: [0x1f0] };
    default:
      return `"${instance}" cannot be served by a partition; servable devices: ${SERVABLE_TYPES.join(", ")}`;
  }
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
    const s = servedDevice(d.name);
    return typeof s === "string" ? [] : s.ranges;
  });
  return DEFAULT_PC_DEVICES.filter((name) => {
    const [type = "", base] = name.split("@");
    if (type !== "uart16550") return true;
    return overlap([{ base: Number(base ?? 0x3f8), count: 8 }], taken) === undefined;
  });
}
