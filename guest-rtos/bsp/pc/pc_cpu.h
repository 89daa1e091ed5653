/* pc_cpu.h: the bare-PC BSP's hardware layer (pc_cpu.c, pc_isr.S): descriptor tables, PIC and PIT,
 * COM1 and the isa-debug-exit port. No RTOS knowledge here; pc_bsp.c and pc_host.c build on it. */
#ifndef PC_CPU_H
#define PC_CPU_H

#include <stdint.h>

/* Loads a flat GDT and an IDT (exceptions, IRQ0 tick, other IRQs spurious) and remaps the PICs to
 * vectors 0x20..0x2f with every line masked. Interrupts stay disabled. */
void pc_cpu_init(void);
/* Gives PIC line `irq` (1-15, not 2) its own IDT entry and unmasks it (and the cascade for a slave line). */
void pc_irq_route(uint32_t irq, void (*entry)(void));
/* Masks every PIC line but `irq` (none when irq > 15); returns the previous masks (slave << 8 | master). */
uint32_t pc_irq_mask_only(uint32_t irq);
/* Sets both PICs' masks (slave << 8 | master). */
void pc_irq_set_mask(uint32_t mask);
/* Non-specific EOI for line `irq` (both PICs for a slave line). */
void pc_irq_eoi(uint32_t irq);
/* Programs PIT channel 0 in mode 2 for about `period_ns`, unmasks IRQ0; returns the divisor used. */
uint32_t pc_pit_start(uint64_t period_ns);
/* PIT input clock in Hz. */
#define PC_PIT_HZ 1193182u

/* COM1: line set-up and one polled byte. */
void pc_uart_init(void);
void pc_uart_put(uint8_t c);

/* Ends the machine through isa-debug-exit (QEMU status (v << 1) | 1); halts when there is no such device. */
__attribute__((noreturn)) void pc_exit(uint32_t status);

/* Called by pc_isr.S on a CPU exception: offers it to pc_fault_hook (when linked), prints it and ends
 * the machine; never returns. */
__attribute__((noreturn)) void pc_exception(uint32_t vector, uint32_t error, uint32_t eip);
/* Told of a CPU exception first, with its error code, EIP and the faulting address (CR2 for a page fault, else
 * EIP); may not return (the host restarts the partition). Weak: pc_hm.c reports it to apexvisor's health monitor. */
void pc_fault_hook(uint32_t vector, uint32_t error, uint32_t eip, uint32_t address) __attribute__((weak));

/* Turns paging on with 4 KiB pages over the first 4 MiB and 4 MiB pages (CR4.PSE) up to `top`, all
 * identity-mapped, present, writable and user-accessible, except page 0, which is left unmapped so that a
 * null-pointer access faults. `tables` is two page-aligned pages (page directory, first page table). */
void pc_paging_enable(uint32_t *tables, uint32_t top);

#endif
