/* The MMIO guest's interrupt-driven mode ("irq" on its command line): its own GDT and IDT, the 8259A
 * pair at 0x20/0x28 with only IRQ4 unmasked, and a transmit queue that the THRE interrupt of the
 * served MMIO UART drains (IER.ETBEI on while bytes wait, off when the queue is empty); then a loopback
 * byte received through the RDA interrupt. The CPU sleeps in HLT between interrupts. */
#include <stdint.h>
#include <rt/stdio.h>
#include "irq-console.h"
#include "pc-io.h"

#define PIC1 0x20
#define PIC2 0xA0
#define IRQ4_VECTOR 0x24
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

struct __attribute__((packed)) table_ptr {
    uint16_t limit;
    uint32_t base;
};

/* null, flat ring-0 code (0x08), flat ring-0 data (0x10) */
static const uint64_t gdt[3] = {0, 0x00CF9A000000FFFFull, 0x00CF92000000FFFFull};
static uint64_t idt[256];

static volatile uint8_t *uart;
static char queue[128];
static volatile uint32_t head, tail;
static volatile uint32_t thre_irqs, rda_irqs;
static volatile int received = -1;

static void tables_init(void)
{
    struct table_ptr g = {sizeof gdt - 1, (uint32_t)(uintptr_t)gdt};
    struct table_ptr i = {sizeof idt - 1, (uint32_t)(uintptr_t)idt};
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp $0x08, $1f\n"
                     "1:\n\t"
                     "movw $0x10, %%ax\n\t"
                     "movw %%ax, %%ds\n\t"
                     "movw %%ax, %%es\n\t"
                     "movw %%ax, %%ss\n\t"
                     "movw %%ax, %%fs\n\t"
                     "movw %%ax, %%gs"
                     :
                     : "m"(g)
                     : "eax", "memory");
    uint32_t off = (uint32_t)(uintptr_t)irq4_stub;
    /* 32-bit interrupt gate, DPL 0, present, selector 0x08 */
    idt[IRQ4_VECTOR] = (uint64_t)(off & 0xFFFF) | ((uint64_t)0x08 << 16) | ((uint64_t)0x8E00 << 32) | ((uint64_t)(off >> 16) << 48);
    __asm__ volatile("lidt %0" : : "m"(i));
    /* ICW1-4: edge triggered, cascade, vectors 0x20 / 0x28, slave on IRQ2, 8086 mode; only IRQ4 unmasked */
    outb(PIC1, 0x11);
    outb(PIC2, 0x11);
    outb(PIC1 + 1, 0x20);
    outb(PIC2 + 1, 0x28);
    outb(PIC1 + 1, 0x04);
    outb(PIC2 + 1, 0x02);
    outb(PIC1 + 1, 0x01);
    outb(PIC2 + 1, 0x01);
    outb(PIC1 + 1, 0xEF);
    outb(PIC2 + 1, 0xFF);
}

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
    outb(PIC1, 0x20);
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
    tables_init();
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
