/* Multiboot kernel for the debugger tests (test/kernel/introspect): built at -O0 with -g so that gdb finds
 * functions, lines and locals. Default: compute(10) writes each partial sum to `watched`, prints the result
 * and exits. "dirty": writes one byte into each of pages 0x300..0x302 and 0x310, then spins. "irq": installs
 * an IDT with handlers for vector 0x40 and for PIC IRQ 5 (remapped to 0x25), then spins with interrupts on
 * until both have run, and exits. */
#include <stdint.h>
#include <rt/platform.h>
#include <rt/stdio.h>
#include <rt/string.h>
#include "pc-io.h"

volatile uint32_t watched;
volatile uint32_t vector_hits;
volatile uint32_t line_hits;

__attribute__((noinline)) uint32_t compute(uint32_t n)
{
    uint32_t acc = 0;
    for (uint32_t i = 1; i <= n; i++) {
        acc += i * i;
        watched = acc;
    }
    return acc;
}

/* ---- interrupts ---- */

struct __attribute__((packed)) gate {
    uint16_t off_lo, sel;
    uint8_t zero, type;
    uint16_t off_hi;
};
static struct gate idt[256];
/* Multiboot leaves no usable GDT (spec 3.2): a gate's CS is looked up there, so bring our own flat one. */
static const uint64_t gdt[3] = {0, 0x00cf9a000000ffffull, 0x00cf92000000ffffull};
static struct __attribute__((packed)) { uint16_t limit; uint32_t base; } gdtr;
static struct __attribute__((packed)) { uint16_t limit; uint32_t base; } idtr;

void on_vector(void);
void on_line(void);
__asm__(".text\n"
        "on_vector:\n"
        "  incl vector_hits\n"
        "  iret\n"
        "on_line:\n"
        "  push %eax\n"
        "  incl line_hits\n"
        "  mov $0x20, %al\n"
        "  outb %al, $0x20\n" /* non-specific EOI to the master 8259A */
        "  pop %eax\n"
        "  iret\n");

static void set_gate(int v, void (*fn)(void))
{
    uint32_t a = (uint32_t)(uintptr_t)fn;
    idt[v] = (struct gate){(uint16_t)a, 0x08, 0, 0x8e, (uint16_t)(a >> 16)};
}

static int irq_test(void)
{
    gdtr.limit = sizeof gdt - 1;
    gdtr.base = (uint32_t)(uintptr_t)gdt;
    __asm__ volatile("lgdt %0\n"
                     "ljmp $0x08, $1f\n"
                     "1: mov $0x10, %%ax\n"
                     "mov %%ax, %%ds\n mov %%ax, %%es\n mov %%ax, %%ss\n mov %%ax, %%fs\n mov %%ax, %%gs"
                     : : "m"(gdtr) : "eax", "memory");
    /* 8259A master: ICW1-4 with vectors at 0x20, then mask everything but IRQ 5; slave fully masked. */
    outb(0x20, 0x11); outb(0x21, 0x20); outb(0x21, 0x04); outb(0x21, 0x01);
    outb(0x21, 0xdf); outb(0xa1, 0xff);
    set_gate(0x40, on_vector);
    set_gate(0x25, on_line);
    idtr.limit = sizeof idt - 1;
    idtr.base = (uint32_t)(uintptr_t)idt;
    __asm__ volatile("lidt %0; sti" : : "m"(idtr));
    printf("irq: waiting\n");
    while (vector_hits == 0 || line_hits == 0) __asm__ volatile("pause");
    printf("irq: vector 0x40 handled %u, line 5 handled %u\n", vector_hits, line_hits);
    return 0;
}

static __attribute__((noreturn)) void dirty_test(void)
{
    static const uint32_t pages[] = {0x300, 0x301, 0x302, 0x310};
    printf("dirty: ready\n");
    for (uint32_t i = 0; i < 4; i++) {
        uint32_t a = pages[i] << 12;
        __asm__ volatile("movb $1, (%0)" : : "r"(a) : "memory");
    }
    printf("dirty: written\n");
    for (;;) __asm__ volatile("pause");
}

static int has(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (; *s != '\0'; s++)
        if (strncmp(s, w, n) == 0) return 1;
    return 0;
}

int main(uint32_t magic, uint32_t info)
{
    (void)magic;
    (void)info;
    const char *cmd = rt_cmdline();
    if (has(cmd, " irq")) return irq_test();
    if (has(cmd, " dirty")) dirty_test();
    uint32_t r = compute(10);
    printf("compute(10) = %u\n", r);
    return 0;
}
