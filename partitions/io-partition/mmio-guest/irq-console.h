/* The MMIO guest's interrupt-driven console mode (irq-console.c). */
#ifndef MMIO_GUEST_IRQ_CONSOLE_H
#define MMIO_GUEST_IRQ_CONSOLE_H

#include <stdint.h>

/* Runs the THRE and RDA checks on the 16550A at `window`; returns the exit status (0: passed). */
int irq_console_run(volatile uint8_t *window);

#endif
