/* GDT, IDT and 8259A setup of the disk guest (pc-irq.h). */
#include <stdint.h>
#include "pc-io.h"
#include "pc-irq.h"

#define PIC1 0x20
#define PIC2 0xA0
#define IRQ_BASE 0x20
#define IRQ14_VECTOR (IRQ_BASE + 14)

void irq14_stub(void);

struct __attribute__((packed)) table_ptr {
    uint16_t limit;
    uint32_t base;
};

/* null, flat ring-0 code (0x08), flat ring-0 data (0x10) */
static const uint64_t gdt[3] = {0, 0x00CF9A000000FFFFull, 0x00CF92000000FFFFull};
static uint64_t idt[256];

static void idt_gate(int vector, void (*handler)(void))
{
    uint32_t off = (uint32_t)(uintptr_t)handler;
    /* 32-bit interrupt gate, DPL 0, present, selector 0x08 */
    idt[vector] = (uint64_t)(off & 0xFFFF) | ((uint64_t)0x08 << 16) | ((uint64_t)0x8E00 << 32) | ((uint64_t)(off >> 16) << 48);
}

void pc_irq_init(void)
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
    idt_gate(IRQ14_VECTOR, irq14_stub);
    __asm__ volatile("lidt %0" : : "m"(i));
    /* ICW1-4: edge triggered, cascade, vectors 0x20 / 0x28, slave on IRQ2, 8086 mode */
    outb(PIC1, 0x11);
    outb(PIC2, 0x11);
    outb(PIC1 + 1, IRQ_BASE);
    outb(PIC2 + 1, IRQ_BASE + 8);
    outb(PIC1 + 1, 0x04);
    outb(PIC2 + 1, 0x02);
    outb(PIC1 + 1, 0x01);
    outb(PIC2 + 1, 0x01);
    outb(PIC1 + 1, 0xFB); /* only the cascade */
    outb(PIC2 + 1, 0xBF); /* only IRQ14 (slave line 6) */
}

void pc_irq14_eoi(void)
{
    outb(PIC2, 0x20);
    outb(PIC1, 0x20);
}
