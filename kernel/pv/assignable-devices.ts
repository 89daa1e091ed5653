// Which kernel-emulated devices can be assigned to a PV partition (apx:Device Assign="true") and the
// ports and IRQ each brings. Pure (the catalogue only): the config reader and validator use it; the
// chips themselves are built by assigned-devices.ts.
import { checkDeviceList, UART_BASES, type DeviceSpec, type DeviceTypeName } from "../machine/device-catalog";
import type { IoRange } from "./pv-io-bitmap";

/** Types that can be assigned: port devices that need no timer, interrupt controller or disk. */
export const ASSIGNABLE_TYPES: readonly DeviceTypeName[] = ["uart16550"];

/** An assignable device: its registry spec, its ports and its ISA IRQ. */
export interface AssignableDevice {
  readonly spec: DeviceSpec;
  readonly ranges: readonly IoRange[];
  readonly irq: number;
}

/** The device "type@base" as it can be assigned, or why it cannot. */
export function assignableDevice(instance: string): AssignableDevice | string {
  const list = checkDeviceList([instance], true);
  if (!list.ok) return list.errors.join("; ");
  const spec = list.specs[0];
  if (spec === undefined || !ASSIGNABLE_TYPES.includes(spec.type)) {
    return `device "${instance}" cannot be assigned to a partition; assignable devices: ${ASSIGNABLE_TYPES.map((t) => `${t}@BASE`).join(", ")}`;
  }
  const base = spec.base ?? 0x3f8;
  const irq = UART_BASES.get(base);
  if (irq === undefined) return `device "${instance}" is not at a COM port`;
  return { spec: { ...spec, base }, ranges: [{ base, count: 8 }], irq };
}
