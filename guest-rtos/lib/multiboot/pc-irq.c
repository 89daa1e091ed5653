/* pc-irq.c: flat GDT, one-gate IDT and 8259A setup of a Multiboot PC guest (pc-irq.h); the PIC masks
 * follow from the IRQ line, e.g. 0xEF/0xFF for IRQ4 and 0xFB/0xBF for IRQ14 (slave line 6 plus the cascade). */
#include <stdint.h>
#include "pc-io.h"
#include "pc-irq.h"

#define PIC1 0x20
#define PIC2 0xA0
#define PIC_EOI 0x20
#define CASCADE_LINE 2u

struct __attribute__((packed)) table_ptr {
    uint16_t limit;
    uint32_t base;
};

/* null, flat ring-0 code (0x08), flat ring-0 data (0x10) */
static const uint64_t gdt[3] = {0, 0x00CF9A000000FFFFull, 0x00CF92000000FFFFull};
static uint64_t idt[256];

static void idt_gate(uint32_t vector, void (*handler)(void))
{
    uint32_t off = (uint32_t)(uintptr_t)handler;
    /* 32-bit interrupt gate, DPL 0, present, selector 0x08 */
    idt[vector & 0xFFu] = (uint64_t)(off & 0xFFFF) | ((uint64_t)0x08 << 16) | ((uint64_t)0x8E00 << 32) | ((uint64_t)(off >> 16) << 48);
}

void pc_irq_init(void (*handler)(void), uint32_t irq)
{
    struct table_ptr g = {sizeof gdt - 1, (uint32_t)(uintptr_t)gdt};
    struct table_ptr i = {sizeof idt - 1, (uint32_t)(uintptr_t)idt};
    irq &= 15u;
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
    idt_gate(PC_IRQ_VECTOR(irq), handler);
    __asm__ volatile("lidt %0" : : "m"(i));
    /* ICW1-4: edge triggered, cascade, vectors 0x20 / 0x28, slave on IRQ2, 8086 mode */
    outb(PIC1, 0x11);
    outb(PIC2, 0x11);
    outb(PIC1 + 1, PC_IRQ_VECTOR(0));
    outb(PIC2 + 1, PC_IRQ_VECTOR(8));
    outb(PIC1 + 1, 1u << CASCADE_LINE);
    outb(PIC2 + 1, CASCADE_LINE);
    outb(PIC1 + 1, 0x01);
    outb(PIC2 + 1, 0x01);
    /* OCW1: a set bit masks its line; a slave line also needs the master's cascade input open. */
    uint8_t master = irq < 8 ? (uint8_t)~(1u << irq) : (uint8_t)~(1u << CASCADE_LINE);
    uint8_t slave = irq < 8 ? 0xFF : (uint8_t)~(1u << (irq - 8));
    outb(PIC1 + 1, master);
    outb(PIC2 + 1, slave);
}

void pc_irq_eoi(uint32_t irq)
{
    if ((irq & 15u) >= 8) outb(PIC2, PIC_EOI);
    outb(PIC1, PIC_EOI);
}
