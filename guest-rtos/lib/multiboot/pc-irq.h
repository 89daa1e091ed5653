/* pc-irq.h: interrupt plumbing for a freestanding Multiboot PC guest with one device interrupt: its own flat
 * GDT and an IDT with one gate, the 8259A pair remapped to 0x20/0x28 with only that IRQ line unmasked (and
 * the cascade for a slave line). Not an interrupt framework: one line, one handler, no exceptions. */
#ifndef PC_IRQ_H
#define PC_IRQ_H

#include <stdint.h>

/* The vector IRQ line `irq` (0-15) arrives at once pc_irq_init remapped the PICs. */
#define PC_IRQ_VECTOR(irq) (0x20u + (irq))

/* Loads the GDT (code 0x08, data 0x10) and the IDT with `handler` (an iret-ending stub) at
 * PC_IRQ_VECTOR(irq), then programs the PICs; interrupts stay disabled (EFLAGS.IF = 0). */
void pc_irq_init(void (*handler)(void), uint32_t irq);
/* Ends an interrupt of line `irq` at the PICs (a slave line: the slave, then the master for the cascade). */
void pc_irq_eoi(uint32_t irq);

#endif
