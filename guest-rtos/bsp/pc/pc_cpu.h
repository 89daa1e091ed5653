/* pc_cpu.h: the bare-PC BSP's hardware layer (pc_cpu.c, pc_isr.S): descriptor tables, PIC and PIT,
 * COM1 and the isa-debug-exit port. No RTOS knowledge here; pc_bsp.c and pc_host.c build on it. */
#ifndef PC_CPU_H
#define PC_CPU_H

#include <stdint.h>

/* Loads a flat GDT and an IDT (exceptions, IRQ0 tick, other IRQs spurious) and remaps the PICs to
 * vectors 0x20..0x2f with every line masked. Interrupts stay disabled. */
void pc_cpu_init(void);
/* Programs PIT channel 0 in mode 2 for about `period_ns`, unmasks IRQ0; returns the divisor used. */
uint32_t pc_pit_start(uint64_t period_ns);
/* PIT input clock in Hz. */
#define PC_PIT_HZ 1193182u

/* COM1: line set-up and one polled byte. */
void pc_uart_init(void);
void pc_uart_put(uint8_t c);

/* Ends the machine through isa-debug-exit (QEMU status (v << 1) | 1); halts when there is no such device. */
__attribute__((noreturn)) void pc_exit(uint32_t status);

/* Called by pc_isr.S on a CPU exception; never returns. */
__attribute__((noreturn)) void pc_exception(uint32_t vector, uint32_t error, uint32_t eip);

#endif
