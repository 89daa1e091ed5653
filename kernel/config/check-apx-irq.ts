// The apx_services device's interrupt line (apx:Device Name="apx_services" Irq="N", the HM upcall of an FV
// partition: kernel/devices/apx-services.md) checked against the ISA lines its PC's other devices drive.
// Pure: a device list and the served devices in, the conflicts out (read-guest.ts reports them).
import { UART_BASES, checkDeviceList } from "../machine/device-catalog";
import type { ServedDeviceSpec } from "../ioreq/served-devices";

/** ISA lines of the in-kernel device types that drive one (the PIC pair's IRQ2 is the cascade). */
const FIXED_LINES: Readonly<Record<string, readonly number[]>> = {
  pic8259: [2],
  pit8254: [0],
  i8042: [1, 12],
  cmos_rtc: [8],
  fpu_error: [13],
  ata: [14],
};

/** The device that already drives `irq` on a PC with `devices` (in-kernel) and `served`; undefined when the line is free. */
export function isaLineOwner(irq: number, devices: readonly string[], served: readonly Pick<ServedDeviceSpec, "instance" | "irq">[]): string | undefined {
  const list = checkDeviceList(devices, true);
  for (const spec of list.ok ? list.specs : []) {
    const lines = spec.type === "uart16550" ? [UART_BASES.get(spec.base ?? 0x3f8) ?? -1] : (FIXED_LINES[spec.type] ?? []);
    if (lines.includes(irq)) return spec.instance;
  }
  return served.find((s) => s.irq === irq)?.instance;
}
