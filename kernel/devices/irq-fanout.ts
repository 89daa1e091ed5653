// One interrupt request driving several controllers, as an ISA IRQ reaches both the 8259 pair and an
// I/O APIC pin on a PC. No state, no edge detection: each controller sees every level change.
import type { IrqLine } from "./device";

/** An IrqLine that forwards each level to every line given. */
export function fanOutIrq(...lines: readonly IrqLine[]): IrqLine {
  return { set: (level) => lines.forEach((line) => line.set(level)) };
}
