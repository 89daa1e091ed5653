// The one interrupt source the vCPU of an FV PC asks: fixed interrupts accepted by the local APIC
// first, then the 8259 pair's INTR when the APIC lets ExtINT through (virtual-wire mode, or an APIC
// still software-disabled as after reset). It owns neither chip and decides no priorities of its own.
import type { InterruptSource } from "../cpu/io";
import type { LocalApic } from "./local-apic";

/** Combines the local APIC and the PIC pair (anything with pending/acknowledge) into one source. */
export function apicWithPic(lapic: Pick<LocalApic, "pending" | "acknowledge" | "acceptsExtInt">, pic: InterruptSource): InterruptSource {
  return {
    pending: () => lapic.pending() || (lapic.acceptsExtInt() && pic.pending()),
    acknowledge: () => (lapic.pending() ? lapic.acknowledge() : pic.acknowledge()),
  };
}
