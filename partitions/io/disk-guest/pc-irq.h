/* Interrupt plumbing of the disk guest: its own GDT and IDT, the 8259A pair remapped to 0x20/0x28
 * with only IRQ14 unmasked, and the IRQ14 handler hook. */
#ifndef DISK_GUEST_PC_IRQ_H
#define DISK_GUEST_PC_IRQ_H

/* Loads the tables and programs the PICs; interrupts stay disabled (EFLAGS.IF = 0). */
void pc_irq_init(void);
/* Called by the IRQ14 stub (irq-stub.S) with interrupts disabled; sends the EOIs afterwards. */
void ata_irq_handler(void);
/* Ends IRQ14 at both PICs (slave, then master for the cascade). */
void pc_irq14_eoi(void);

#endif
