/* pc_hm.h: the bare-PC BSP's end of apexvisor's HM upcall (kernel/devices/apx-services.md, "HM upcall"): CPU
 * exceptions reported to the kernel's HM, and the interrupt that brings back the error-handler record or an HM
 * callback to run. Without the device's upcall line nothing here is active. */
#ifndef PC_HM_H
#define PC_HM_H

#include <stdint.h>

/* Routes the device's upcall line (its IRQ register) to pc_irq_apx_entry and unmasks it; no-op without one. */
void pc_hm_init(void);
/* The line's interrupt handler (called by pc_isr.S with interrupts off): takes the waiting record, ACKs it, and
 * runs the RTOS's HM upcall or the named callback. */
void pc_hm_irq(void);

#endif
