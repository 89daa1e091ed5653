/* The MMIO guest's interrupt-driven mode ("irq" on its command line): a GDT and IDT and the 8259A
 * pair at 0x20/0x28 with only IRQ4 unmasked (pc-irq.c), and a transmit queue that the THRE interrupt of the
 * served MMIO UART drains (IER.ETBEI on while bytes wait, off when the queue is empty); then a loopback
 * byte received through the RDA interrupt. The CPU sleeps in HLT between interrupts. */
#include <stdint.h>
#include <rt/stdio.h>
#include "irq-console.h"
#include "pc-irq.h"

#define UART_IRQ_LINE 4u
#define THR 0
#define IER 1
#define IIR 2
#define MCR 4
#define LSR 5
#define IER_ERBFI 0x01
#define IER_ETBEI 0x02
#define IIR_THRE 0x02
#define IIR_RDA 0x04
#define MCR_LOOP_OUT2 0x18

void irq4_stub(void);
void uart_irq_handler(void);

static volatile uint8_t *uart;
static char queue[128];
static volatile uint32_t head, tail;
static volatile uint32_t thre_irqs, rda_irqs;
static volatile int received = -1;

/* IRQ4: every pending source by IIR, then the EOI. */
void uart_irq_handler(void)
{
    for (;;) {
        uint8_t iir = uart[IIR] & 0x0F;
        if (iir == IIR_THRE) {
            thre_irqs++;
            if (head != tail) {
                uart[THR] = (uint8_t)queue[head % sizeof queue];
                head++;
            } else {
                uart[IER] = (uint8_t)(uart[IER] & ~IER_ETBEI); /* nothing to send: quiet */
            }
        } else if (iir == IIR_RDA) {
            rda_irqs++;
            received = uart[THR];
        } else {
            break;
        }
    }
    pc_irq_eoi(UART_IRQ_LINE);
}

static void send(const char *s)
{
    while (*s != 0) {
        queue[tail % sizeof queue] = *s++;
        tail++;
    }
    uart[IER] = (uint8_t)(uart[IER] | IER_ETBEI); /* THRE fires at once: the handler starts the queue */
}

int irq_console_run(volatile uint8_t *window)
{
    uart = window;
    pc_irq_init(irq4_stub, UART_IRQ_LINE);
    uart[MCR] = 0x08; /* OUT2 (a PC board's interrupt gate) */
    __asm__ volatile("sti");
    send("mmio-uart: this line went out by THRE interrupts\n");
    while (head != tail || (uart[IER] & IER_ETBEI) != 0)
        __asm__ volatile("hlt");
    uart[MCR] = MCR_LOOP_OUT2; /* loopback: what is sent comes back to the receiver */
    uart[IER] = IER_ERBFI;
    uart[THR] = 'Z';
    while (received < 0)
        __asm__ volatile("hlt");
    __asm__ volatile("cli");
    printf("mmio irq: THRE interrupts %u, RDA interrupts %u, received '%c'\n", thre_irqs, rda_irqs, received);
    int ok = thre_irqs >= 50 && rda_irqs == 1 && received == 'Z';
    printf("mmio irq: %s\n", ok ? "interrupt-driven console works" : "FAILED");
    return ok ? 0 : 1;
}
