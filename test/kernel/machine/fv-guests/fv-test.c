/* FV partition test kernel (Multiboot, guest-rtos runtime): prints over COM1, checks the Multiboot info,
 * finds the MP tables, reads the RTC and CMOS, writes the CGA screen, counts PIT ticks through the PIC,
 * and ends with isa-debug-exit. Command-line words pick variants: "triple" triple-faults after the
 * banner; "reset8042" and "resetcf9" reset the PC through the keyboard controller's reset line or the
 * reset control register; "ticks=N" waits for N ticks (default 10); "apic=N" counts N local APIC timer ticks instead,
 * with the PIT delivered through the I/O APIC; "storm" runs both timers at count 1 for ever. Every line is
 * checked by test/kernel/machine. */
#include <stdint.h>
#include <rt/platform.h>
#include <rt/stdio.h>
#include <rt/string.h>
#include "multiboot.h"
#include "pc-io.h"

/* ---- command line ---- */

static const char *find_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (; *s != '\0'; s++)
        if (strncmp(s, w, n) == 0) return s + n;
    return NULL;
}

static uint32_t parse_dec(const char *s)
{
    uint32_t v = 0;
    while (*s >= '0' && *s <= '9') v = v * 10 + (uint32_t)(*s++ - '0');
    return v;
}

/* A physical address as a pointer the compiler cannot see through (gcc warns on small constant addresses). */
static inline uintptr_t phys(uintptr_t a)
{
    __asm__("" : "+r"(a));
    return a;
}

/* ---- MP tables (MP spec 1.4 ch. 4) ---- */

static uint8_t sum_bytes(const uint8_t *p, uint32_t n)
{
    uint8_t s = 0;
    while (n-- > 0) s = (uint8_t)(s + *p++);
    return s;
}

static void find_mp(void)
{
    uint32_t ebda = (uint32_t)(*(volatile uint16_t *)phys(0x40E)) << 4;
    for (uint32_t a = ebda; a < ebda + 1024; a += 16) {
        const uint8_t *f = (const uint8_t *)phys(a);
        if (memcmp(f, "_MP_", 4) != 0 || sum_bytes(f, 16) != 0) continue;
        const uint8_t *t = (const uint8_t *)phys(*(const uint32_t *)(f + 4));
        uint16_t len = *(const uint16_t *)(t + 4);
        uint16_t count = *(const uint16_t *)(t + 34);
        if (memcmp(t, "PCMP", 4) != 0 || sum_bytes(t, len) != 0) break;
        unsigned cpus = 0, ioapics = 0, ints = 0;
        uint32_t ioapic_addr = 0;
        const uint8_t *e = t + 44;
        for (uint16_t i = 0; i < count; i++) {
            switch (e[0]) {
            case 0: cpus++; e += 20; break;
            case 2: ioapics++; ioapic_addr = *(const uint32_t *)(e + 4); e += 8; break;
            case 3: ints++; e += 8; break;
            default: e += 8; break;
            }
        }
        printf("mp: floating 0x%x table 0x%x cpus=%u ioapics=%u at 0x%x isa-ints=%u lapic 0x%x\n", a, (uint32_t)t, cpus, ioapics,
               ioapic_addr, ints, *(const uint32_t *)(t + 36));
        return;
    }
    printf("mp: not found\n");
}

/* ---- CMOS / RTC ---- */

static uint8_t cmos(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static uint8_t bcd(uint8_t v)
{
    return (uint8_t)((v >> 4) * 10 + (v & 15));
}

static void print_rtc(const char *label)
{
    while (cmos(0x0A) & 0x80) {} /* update in progress */
    printf("rtc %s: 20%02u-%02u-%02u %02u:%02u:%02u\n", label, bcd(cmos(9)), bcd(cmos(8)), bcd(cmos(7)), bcd(cmos(4)), bcd(cmos(2)),
           bcd(cmos(0)));
}

/* ---- CGA text ---- */

static void cga_write(int row, const char *s, uint8_t attr)
{
    volatile uint16_t *vram = (volatile uint16_t *)phys(0xB8000);
    for (int col = 0; s[col] != '\0'; col++) vram[row * 80 + col] = (uint16_t)((attr << 8) | (uint8_t)s[col]);
    uint16_t pos = (uint16_t)(row * 80 + (int)strlen(s));
    outb(0x3D4, 0x0E);
    outb(0x3D5, (uint8_t)(pos >> 8));
    outb(0x3D4, 0x0F);
    outb(0x3D5, (uint8_t)pos);
}

/* ---- interrupts: our own GDT and IDT, PICs at 0x20/0x28, PIT at 1 kHz ---- */

static uint64_t gdt[3] = {0, 0x00CF9A000000FFFFull, 0x00CF92000000FFFFull};
static uint64_t idt[256];
static volatile uint32_t ticks;

struct __attribute__((packed)) table_ptr {
    uint16_t limit;
    uint32_t base;
};

void timer_isr(void);
void other_isr(void);
void apic_timer_isr(void);
void ioapic_pit_isr(void);
void spurious_isr(void);
void timer_tick(void);
void apic_tick(void);
void ioapic_tick(void);
void unexpected_interrupt(void);

/* Local APIC and I/O APIC registers (SDM vol. 3 table 11-1; 82093AA datasheet). */
#define LAPIC_BASE 0xFEE00000u
#define LAPIC_EOI 0x0B0
#define LAPIC_SVR 0x0F0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_DIVIDE 0x3E0
#define IOAPIC_BASE 0xFEC00000u

static volatile uint32_t apic_ticks, ioapic_ticks;

static void lapic_write(uint32_t reg, uint32_t v)
{
    *(volatile uint32_t *)phys(LAPIC_BASE + reg) = v;
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
    *(volatile uint32_t *)phys(IOAPIC_BASE) = reg;
    *(volatile uint32_t *)phys(IOAPIC_BASE + 0x10) = v;
}

void apic_tick(void)
{
    apic_ticks++;
    lapic_write(LAPIC_EOI, 0);
}

void ioapic_tick(void)
{
    ioapic_ticks++;
    lapic_write(LAPIC_EOI, 0);
}

void timer_tick(void)
{
    ticks++;
    outb(0x20, 0x20); /* non-specific EOI */
}

void unexpected_interrupt(void)
{
    printf("unexpected interrupt\n");
    rt_exit(3);
}

__asm__(".text\n"
        "timer_isr:\n"
        "  pusha\n"
        "  cld\n"
        "  call timer_tick\n"
        "  popa\n"
        "  iret\n"
        "apic_timer_isr:\n"
        "  pusha\n"
        "  cld\n"
        "  call apic_tick\n"
        "  popa\n"
        "  iret\n"
        "ioapic_pit_isr:\n"
        "  pusha\n"
        "  cld\n"
        "  call ioapic_tick\n"
        "  popa\n"
        "  iret\n"
        "spurious_isr:\n"
        "  iret\n"
        "other_isr:\n"
        "  call unexpected_interrupt\n");

static void set_gate(int vector, void (*handler)(void))
{
    uint32_t a = (uint32_t)handler;
    idt[vector] = (uint64_t)((a & 0xFFFF) | (0x08u << 16)) | ((uint64_t)((a & 0xFFFF0000u) | 0x8E00u) << 32);
}

static void load_tables(void)
{
    struct table_ptr g = {sizeof gdt - 1, (uint32_t)gdt};
    struct table_ptr i = {sizeof idt - 1, (uint32_t)idt};
    __asm__ volatile("lgdt %0\n"
                     "ljmp $0x08, $1f\n"
                     "1: mov $0x10, %%ax\n"
                     "mov %%ax, %%ds\n"
                     "mov %%ax, %%es\n"
                     "mov %%ax, %%ss\n"
                     "lidt %1\n"
                     :
                     : "m"(g), "m"(i)
                     : "eax", "memory");
}

static void pic_remap(void)
{
    static const uint8_t master[4] = {0x11, 0x20, 0x04, 0x01};
    static const uint8_t slave[4] = {0x11, 0x28, 0x02, 0x01};
    for (int k = 0; k < 4; k++) {
        outb(k == 0 ? 0x20 : 0x21, master[k]);
        outb(k == 0 ? 0xA0 : 0xA1, slave[k]);
    }
    outb(0x21, 0xFE); /* only IRQ0 */
    outb(0xA1, 0xFF);
}

static void count_ticks(uint32_t want)
{
    for (int v = 0; v < 256; v++) set_gate(v, other_isr);
    set_gate(0x20, timer_isr);
    load_tables();
    pic_remap();
    outb(0x43, 0x34); /* channel 0, lo/hi, mode 2 */
    outb(0x40, 1193 & 0xFF);
    outb(0x40, 1193 >> 8);
    __asm__ volatile("sti");
    uint32_t seen = 0;
    while (seen < want) {
        __asm__ volatile("hlt");
        if (ticks != seen) {
            seen = ticks;
            printf("tick %u\n", seen);
        }
    }
    __asm__ volatile("cli");
}

/* The local APIC timer (periodic, 1 ms at the 100 MHz bus) and the PIT through I/O APIC pin 2, PICs masked. */
static void count_apic_ticks(uint32_t want)
{
    for (int v = 0; v < 256; v++) set_gate(v, other_isr);
    set_gate(0x40, apic_timer_isr);
    set_gate(0x41, ioapic_pit_isr);
    set_gate(0xFF, spurious_isr);
    load_tables();
    outb(0x21, 0xFF);
    outb(0xA1, 0xFF);
    lapic_write(LAPIC_SVR, 0x1FF);
    lapic_write(LAPIC_TIMER_DIVIDE, 0x0B); /* divide by 1 */
    lapic_write(LAPIC_LVT_TIMER, 0x40 | (1u << 17)); /* vector 0x40, periodic */
    lapic_write(LAPIC_TIMER_INITIAL, 100000);
    ioapic_write(0x10 + 2 * 2, 0x41); /* pin 2 (PIT): vector 0x41, fixed, edge, unmasked */
    ioapic_write(0x11 + 2 * 2, 0);
    outb(0x43, 0x34);
    outb(0x40, 11932 & 0xFF); /* 10 ms */
    outb(0x40, 11932 >> 8);
    __asm__ volatile("sti");
    while (apic_ticks < want) __asm__ volatile("hlt");
    __asm__ volatile("cli");
    printf("apic ticks=%u ioapic pit ticks=%u\n", apic_ticks, ioapic_ticks);
}

/* An interrupt storm: the local APIC timer periodic at count 1 (10 ns at the 100 MHz bus) and the PIT at
 * count 1 through I/O APIC pin 2, then a busy loop that prints the tick counts every 2^16 iterations. */
static void storm(void)
{
    for (int v = 0; v < 256; v++) set_gate(v, other_isr);
    set_gate(0x40, apic_timer_isr);
    set_gate(0x41, ioapic_pit_isr);
    set_gate(0xFF, spurious_isr);
    load_tables();
    outb(0x21, 0xFF);
    outb(0xA1, 0xFF);
    lapic_write(LAPIC_SVR, 0x1FF);
    lapic_write(LAPIC_TIMER_DIVIDE, 0x0B);
    lapic_write(LAPIC_LVT_TIMER, 0x40 | (1u << 17));
    lapic_write(LAPIC_TIMER_INITIAL, 1);
    ioapic_write(0x10 + 2 * 2, 0x41);
    ioapic_write(0x11 + 2 * 2, 0);
    outb(0x43, 0x34);
    outb(0x40, 1);
    outb(0x40, 0);
    __asm__ volatile("sti");
    for (uint32_t i = 1;; i++) {
        __asm__ volatile("pause");
        if ((i & 0xFFFF) == 0) printf("storm apic=%u pit=%u\n", apic_ticks, ioapic_ticks);
    }
}

static void triple_fault(void)
{
    struct table_ptr none = {0, 0};
    __asm__ volatile("lidt %0; int3" : : "m"(none));
}

int main(uint32_t magic, uint32_t info)
{
    const struct multiboot_info *mbi = multiboot_info();
    printf("fv-test: magic 0x%x info 0x%x\n", magic, info);
    if (mbi == NULL) return 1;
    const char *cmd = rt_cmdline();
    printf("cmdline: %s\n", cmd);
    if (find_word(cmd, "clihlt") != NULL) {
        for (;;) __asm__ volatile("cli; hlt"); /* dead for good: the host must say so */
    }
    if (find_word(cmd, "triple") != NULL) {
        triple_fault();
        return 2;
    }
    if (find_word(cmd, "reset8042") != NULL) {
        while (inb(0x64) & 2) {
        }
        outb(0x64, 0xFE); /* pulse the CPU reset line */
        for (;;) __asm__ volatile("hlt");
    }
    if (find_word(cmd, "resetcf9") != NULL) {
        outb(0xCF9, 0x06); /* SYS_RST | RST_CPU */
        for (;;) __asm__ volatile("hlt");
    }
    if (find_word(cmd, "storm") != NULL) storm();
    const char *apic = find_word(cmd, "apic=");
    if (apic != NULL) {
        count_apic_ticks(parse_dec(apic));
        return 0;
    }
    printf("mem: lower %u KiB upper %u KiB\n", mbi->mem_lower, mbi->mem_upper);
    printf("cmos: base %u KiB ext %u KiB\n", cmos(0x15) | (cmos(0x16) << 8), cmos(0x17) | (cmos(0x18) << 8));
    find_mp();
    print_rtc("start");
    cga_write(0, "FV CGA OK", 0x1F);
    const char *t = find_word(cmd, "ticks=");
    count_ticks(t != NULL ? parse_dec(t) : 10);
    print_rtc("end");
    printf("unmapped port 0x%x\n", inb(0x2F8));
    outb(0xE9, 'E');
    outb(0xE9, '9');
    outb(0xE9, '\n');
    return 0;
}
