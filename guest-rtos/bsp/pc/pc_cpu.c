/* pc_cpu.c: the bare-PC BSP's hardware set-up: flat GDT, IDT, 8259A PIC remap and masks, 8254 PIT
 * channel 0 periodic tick and latch readback, COM1 16550 (polled) and isa-debug-exit. It knows nothing
 * of tasks or APEX; a CPU exception is offered to pc_fault_hook, then printed and the machine is ended (pc_exception). */
#include <rt/stdio.h>
#include "pc-io.h"
#include "pc_cpu.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1
#define PIC_VEC_BASE 0x20
#define ICW1_INIT_ICW4 0x11
#define ICW4_8086 0x01

#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_CH0_LOHI_MODE2 0x34

#define COM1 0x3F8
#define LSR_THRE 0x20
#define THRE_POLL_LIMIT 100000
#define DEBUG_EXIT_PORT 0xF4

#define SEL_CODE 0x08
#define IDT_GATE_INT32 0x8E /* present, ring 0, 32-bit interrupt gate */

struct __attribute__((packed)) table_reg {
    uint16_t limit;
    uint32_t base;
};

/* null, flat code (0x08), flat data (0x10) */
static const uint64_t gdt[3] = { 0, 0x00CF9A000000FFFFull, 0x00CF92000000FFFFull };
static uint64_t idt[256];

void pc_irq0_entry(void);
void pc_irq_other_entry(void);
void pc_load_tables(const struct table_reg *gdtr, const struct table_reg *idtr);
#define EXC_DECL(n) void pc_exc_##n(void);
EXC_DECL(0) EXC_DECL(1) EXC_DECL(2) EXC_DECL(3) EXC_DECL(4) EXC_DECL(5) EXC_DECL(6) EXC_DECL(7)
EXC_DECL(8) EXC_DECL(9) EXC_DECL(10) EXC_DECL(11) EXC_DECL(12) EXC_DECL(13) EXC_DECL(14)
EXC_DECL(16) EXC_DECL(17) EXC_DECL(18) EXC_DECL(19)

static void (*const exc_entries[20])(void) = {
    pc_exc_0, pc_exc_1, pc_exc_2,  pc_exc_3,  pc_exc_4,  pc_exc_5,  pc_exc_6, pc_exc_7,  pc_exc_8,  pc_exc_9,
    pc_exc_10, pc_exc_11, pc_exc_12, pc_exc_13, pc_exc_14, 0, pc_exc_16, pc_exc_17, pc_exc_18, pc_exc_19,
};

static void set_gate(uint32_t vec, void (*fn)(void))
{
    uint32_t a = (uint32_t)(uintptr_t)fn;
    idt[vec] = (uint64_t)(a & 0xFFFFu) | ((uint64_t)SEL_CODE << 16) | ((uint64_t)IDT_GATE_INT32 << 40) |
               ((uint64_t)(a >> 16) << 48);
}

static void pic_remap(void)
{
    outb(PIC1_CMD, ICW1_INIT_ICW4);
    outb(PIC2_CMD, ICW1_INIT_ICW4);
    outb(PIC1_DATA, PIC_VEC_BASE);
    outb(PIC2_DATA, PIC_VEC_BASE + 8);
    outb(PIC1_DATA, 0x04); /* slave on IR2 */
    outb(PIC2_DATA, 0x02); /* cascade identity */
    outb(PIC1_DATA, ICW4_8086);
    outb(PIC2_DATA, ICW4_8086);
    outb(PIC1_DATA, 0xFF);
    outb(PIC2_DATA, 0xFF);
}

void pc_cpu_init(void)
{
    for (uint32_t v = 0; v < 20; v++)
        if (exc_entries[v] != 0) set_gate(v, exc_entries[v]);
    for (uint32_t v = PIC_VEC_BASE; v < PIC_VEC_BASE + 16; v++) set_gate(v, pc_irq_other_entry);
    set_gate(PIC_VEC_BASE, pc_irq0_entry);
    static struct table_reg gdtr, idtr;
    gdtr.limit = sizeof gdt - 1;
    gdtr.base = (uint32_t)(uintptr_t)gdt;
    idtr.limit = sizeof idt - 1;
    idtr.base = (uint32_t)(uintptr_t)idt;
    pc_load_tables(&gdtr, &idtr);
    pic_remap();
}

void pc_irq_route(uint32_t irq, void (*entry)(void))
{
    set_gate(PIC_VEC_BASE + irq, entry);
    if (irq >= 8) {
        outb(PIC2_DATA, inb(PIC2_DATA) & (uint8_t)~(1u << (irq - 8)));
        outb(PIC1_DATA, inb(PIC1_DATA) & (uint8_t)~(1u << 2)); /* the cascade */
    } else {
        outb(PIC1_DATA, inb(PIC1_DATA) & (uint8_t)~(1u << irq));
    }
}

uint32_t pc_irq_mask_only(uint32_t irq)
{
    uint32_t old = (uint32_t)inb(PIC1_DATA) | ((uint32_t)inb(PIC2_DATA) << 8);
    uint32_t keep = irq < 16 ? (1u << irq) | (irq >= 8 ? 1u << 2 : 0u) : 0u;
    pc_irq_set_mask(0xFFFFu & ~keep);
    return old;
}

void pc_irq_set_mask(uint32_t mask)
{
    outb(PIC1_DATA, (uint8_t)mask);
    outb(PIC2_DATA, (uint8_t)(mask >> 8));
}

void pc_irq_eoi(uint32_t irq)
{
    if (irq >= 8) outb(PIC2_CMD, 0x20);
    outb(PIC1_CMD, 0x20);
}

uint32_t pc_pit_start(uint64_t period_ns)
{
    uint64_t d = (period_ns * PC_PIT_HZ + 500000000ull) / 1000000000ull;
    if (d < 2) d = 2;
    if (d > 65535) d = 65535;
    outb(PIT_CMD, PIT_CH0_LOHI_MODE2);
    outb(PIT_CH0, (uint8_t)(d & 0xFF));
    outb(PIT_CH0, (uint8_t)(d >> 8));
    outb(PIC1_DATA, inb(PIC1_DATA) & 0xFE); /* IRQ0, beside a line pc_irq_route gave out */
    return (uint32_t)d;
}

void pc_uart_init(void)
{
    outb(COM1 + 1, 0x00); /* no UART interrupts */
    outb(COM1 + 3, 0x80); /* DLAB */
    outb(COM1 + 0, 0x01); /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1 */
    outb(COM1 + 2, 0x07); /* FIFO on, cleared */
    outb(COM1 + 4, 0x03); /* DTR, RTS */
}

void pc_uart_put(uint8_t c)
{
    for (int i = 0; i < THRE_POLL_LIMIT && (inb(COM1 + 5) & LSR_THRE) == 0; i++) {}
    outb(COM1, c);
}

void pc_exit(uint32_t status)
{
    /* Let COM1 send its last bytes (LSR TEMT) before the exit port ends the machine. */
    for (int i = 0; i < THRE_POLL_LIMIT && (inb(COM1 + 5) & 0x40) == 0; i++) {}
    outl(DEBUG_EXIT_PORT, status);
    for (;;) __asm__ volatile("cli; hlt");
}

#define PTE_P 0x001u
#define PTE_RW 0x002u
#define PTE_US 0x004u
#define PDE_PS 0x080u /* a 4 MiB page */
#define CR0_PG 0x80000000u
#define CR4_PSE 0x10u

void pc_paging_enable(uint32_t *tables, uint32_t top)
{
    uint32_t *pd = tables, *pt = tables + 1024;
    const uint32_t flags = PTE_P | PTE_RW | PTE_US;
    for (uint32_t i = 0; i < 1024; i++) {
        pt[i] = i == 0 ? 0u : (i << 12) | flags;
        pd[i] = i > 0 && (i << 22) < top ? (i << 22) | flags | PDE_PS : 0u;
    }
    pd[0] = (uint32_t)(uintptr_t)pt | flags;
    uint32_t cr0, cr4;
    __asm__ volatile("movl %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("movl %0, %%cr4" : : "r"(cr4 | CR4_PSE) : "memory");
    __asm__ volatile("movl %0, %%cr3" : : "r"((uint32_t)(uintptr_t)pd) : "memory");
    __asm__ volatile("movl %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("movl %0, %%cr0" : : "r"(cr0 | CR0_PG) : "memory");
}

void pc_exception(uint32_t vector, uint32_t error, uint32_t eip)
{
    uint32_t address = eip;
    if (vector == 14) __asm__ volatile("movl %%cr2, %0" : "=r"(address));
    if (pc_fault_hook != 0) pc_fault_hook(vector, error, eip, address);
    printf("pc-bsp: CPU exception %u error %#x at eip %#x: machine stopped\n", vector, error, eip);
    pc_exit(3);
}
