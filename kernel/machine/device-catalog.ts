// The names of the PC devices a machine can be assembled from, the default list (today's PC) and the
// check of a device list from the XML (apx:Device). Pure: no chip is built here (device-registry.ts).
/** Device type names, in the order a machine builds them (interrupt controllers first). */
export const DEVICE_TYPES = [
  "pic8259",
  "local_apic",
  "io_apic",
  "pit8254",
  "system_port_b",
  "i8042",
  "reset_control",
  "fpu_error",
  "uart16550",
  "cmos_rtc",
  "cga_text",
  "isa_debug_exit",
  "debug_console_e9",
  "ata",
  "pci_host_bridge",
  "sampling_ports",
  "apx_services",
] as const;
/** One device type name. */
export type DeviceTypeName = (typeof DEVICE_TYPES)[number];

/** COM ports a uart16550 may sit at, with their ISA IRQ (COM1/COM3 on IRQ4, COM2/COM4 on IRQ3). */
export const UART_BASES: ReadonlyMap<number, number> = new Map([
  [0x3f8, 4],
  [0x2f8, 3],
  [0x3e8, 4],
  [0x2e8, 3],
]);

/** Today's PC, as an FV partition without apx:Device entries gets it. */
export const DEFAULT_PC_DEVICES: readonly string[] = [
  "pic8259",
  "local_apic",
  "io_apic",
  "pit8254",
  "system_port_b",
  "i8042",
  "reset_control",
  "fpu_error",
  "cmos_rtc",
  "cga_text",
  "uart16550@0x3f8",
  "isa_debug_exit",
  "debug_console_e9",
  "pci_host_bridge",
];

/** One entry of a device list: its type, its base (uart16550 only) and its instance name. */
export interface DeviceSpec {
  readonly type: DeviceTypeName;
  readonly base: number | undefined;
  /** The name as written in the list: unique per machine, used in snapshots. */
  readonly instance: string;
}

/** A device list checked: the specs in build order, or every problem found. */
export type DeviceListResult = { readonly ok: true; readonly specs: readonly DeviceSpec[] } | { readonly ok: false; readonly errors: readonly string[] };

/** Types another type cannot work without. */
const REQUIRES: Partial<Record<DeviceTypeName, DeviceTypeName>> = { io_apic: "local_apic" };

function isType(name: string): name is DeviceTypeName {
  return (DEVICE_TYPES as readonly string[]).includes(name);
}

/** Checks a device list ("type" or "type@base") and orders it for building; `alone` skips the checks between entries. */
export function checkDeviceList(names: readonly string[], alone = false): DeviceListResult {
  const errors: string[] = [];
  const specs: DeviceSpec[] = [];
  for (const instance of names) {
    const [type = "", baseText] = instance.toLowerCase().split("@");
    if (!isType(type)) {
      errors.push(`unknown device "${instance}"; known devices: ${DEVICE_TYPES.join(", ")}`);
      continue;
    }
    const base = baseText === undefined ? undefined : Number(baseText);
    if (type === "uart16550") {
      const at = base ?? 0x3f8;
      if (!UART_BASES.has(at)) {
        errors.push(`device "${instance}": a uart16550 sits at one of ${[...UART_BASES.keys()].map((b) => `0x${b.toString(16)}`).join(", ")}`);
        continue;
      }
      if (specs.some((s) => s.type === "uart16550" && s.base === at)) {
        errors.push(`device "${instance}": another uart16550 is at 0x${at.toString(16)}`);
        continue;
      }
      specs.push({ type, base: at, instance });
      continue;
    }
    if (base !== undefined) {
      errors.push(`device "${instance}": ${type} sits at its fixed PC address; write "${type}" without @base`);
      continue;
    }
    if (specs.some((s) => s.type === type)) {
      errors.push(`device "${instance}" is listed twice`);
      continue;
    }
    specs.push({ type, base, instance });
  }
  for (const s of alone ? [] : specs) {
    const needed = REQUIRES[s.type];
    if (needed !== undefined && !specs.some((o) => o.type === needed)) errors.push(`device "${s.instance}" needs "${needed}" in the same list`);
  }
  if (errors.length > 0) return { ok: false, errors };
  specs.sort((a, b) => DEVICE_TYPES.indexOf(a.type) - DEVICE_TYPES.indexOf(b.type) || (a.base ?? 0) - (b.base ?? 0));
  return { ok: true, specs };
}
