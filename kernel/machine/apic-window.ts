// IA32_APIC_BASE as seen by the PC: moves the local APIC's MMIO page when the guest relocates it and
// removes it while the APIC is globally disabled (SDM vol. 3 10.4.3-10.4.5). Global disable resets the
// APIC, so PIC interrupts reach the CPU directly again; the CPU's MSR file decides what is writable.
import type { ApicBaseControl } from "../cpu/msr";
import { LOCAL_APIC_SIZE, type LocalApic } from "../devices/local-apic";
import type { PhysicalMemory } from "../mem/physical-memory";
import { guestPhys } from "../mem/types";

/** The ApicBaseControl of a PC: `lapic` starts mapped at its reset base. */
export function apicWindow(memory: PhysicalMemory, lapic: LocalApic): ApicBaseControl {
  return {
    apicBaseChanged(base: number, enabled: boolean): void {
      memory.unmapMmio(lapic);
      if (!enabled) {
        lapic.reset(); // a globally disabled APIC forgets its state (software-disabled, LVTs masked)
        return;
      }
      try {
        memory.mapMmio(guestPhys(base), LOCAL_APIC_SIZE, lapic);
      } catch {
        // A base over another device's window: the SDM leaves that undefined; here the APIC is unreachable.
      }
    },
  };
}
