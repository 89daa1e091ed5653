/* A Multiboot guest that drives a 16550A in an MMIO window (register shift 0, as Linux's
 * console=uart,mmio,ADDR), served by an I/O partition: it checks loads and stores through the kinds of
 * instruction that reach memory (MOV, ADD from memory, OR to memory, XCHG, CMPS with one or two loads, MOVS between the window
 * and RAM or the window itself, REP MOVS), prints one line per check and a verdict on COM1, and sends a
 * greeting through the MMIO UART's transmitter. Exit status 0 when every check passed. With "irq" on its
 * command line it runs its console interrupt-driven instead (irq-console.c). */
#include <stdint.h>
#include <rt/platform.h>
#include <rt/stdio.h>
#include "irq-console.h"

/* The window's address: the module XML's apx:Device Name="uart16550@0xfebff000" Mmio="true". */
#define UART ((volatile uint8_t *)0xFEBFF000u)
#define THR 0
#define LCR 3
#define MCR 4
#define LSR 5
#define SCR 7
#define LSR_THRE 0x20

static int failures;

/* Whether `word` appears in `line` between spaces (or at an end). */
static int has_word(const char *line, const char *word)
{
    for (const char *p = line; *p != 0; p++) {
        if (p != line && p[-1] != ' ')
            continue;
        const char *a = p, *b = word;
        while (*b != 0 && *a == *b) {
            a++;
            b++;
        }
        if (*b == 0 && (*a == 0 || *a == ' '))
            return 1;
    }
    return 0;
}

static void check(const char *what, uint32_t got, uint32_t want)
{
    printf("mmio: %s = 0x%x %s\n", what, got, got == want ? "ok" : "WRONG");
    if (got != want)
        failures++;
}

static void mmio_putc(char c)
{
    for (int i = 0; i < 1000 && (UART[LSR] & LSR_THRE) == 0; i++) {}
    UART[THR] = (uint8_t)c;
}

int main(uint32_t magic, uint32_t info)
{
    (void)magic;
    (void)info;
    if (has_word(rt_cmdline(), "irq"))
        return irq_console_run(UART);
    volatile uint8_t *scr = &UART[SCR];

    UART[SCR] = 0x5A; /* MOV store, MOV load */
    check("mov", UART[SCR], 0x5A);

    uint32_t x = 0x100; /* ADD r8, m8: the load feeds the ALU */
    __asm__ volatile("addb (%1), %b0" : "+q"(x) : "r"(scr) : "cc", "memory");
    check("add", x, 0x15A);

    __asm__ volatile("orb $0x81, (%0)" : : "r"(scr) : "cc", "memory"); /* read-modify-write */
    check("or", *scr, 0xDB);

    uint32_t y = 0x33; /* XCHG: a load and a store in one instruction */
    __asm__ volatile("xchgb %b0, (%1)" : "+q"(y) : "r"(scr) : "memory");
    check("xchg old", y, 0xDB);
    check("xchg new", *scr, 0x33);

    uint8_t ram = 0x33; /* CMPS: RAM against the window */
    uint8_t zf;
    const void *si = &ram;
    volatile void *di = scr;
    __asm__ volatile("cmpsb; setz %0" : "=q"(zf), "+S"(si), "+D"(di) : : "cc", "memory");
    check("cmps equal", zf, 1);

    si = (const void *)scr; /* CMPS: two loads from the window in one instruction */
    di = scr;
    __asm__ volatile("cmpsb; setz %0" : "=q"(zf), "+S"(si), "+D"(di) : : "cc", "memory");
    check("cmps window to window", zf, 1);

    *scr = 0x44; /* MOVS window -> RAM */
    uint8_t got = 0;
    si = (const void *)scr;
    void *dst = &got;
    __asm__ volatile("movsb" : "+S"(si), "+D"(dst) : : "memory");
    check("movs to ram", got, 0x44);

    si = (const void *)scr; /* MOVS window -> window: SCR into LCR */
    di = &UART[LCR];
    __asm__ volatile("movsb" : "+S"(si), "+D"(di) : : "memory");
    check("movs window to window", UART[LCR], 0x44);
    UART[LCR] = 0x03; /* 8N1, DLAB off */

    UART[MCR] = 0x03; /* REP MOVS window -> RAM: MCR, LSR, MSR, SCR, one element per request */
    uint8_t regs[4] = {0, 0, 0, 0};
    uint32_t n = 4;
    si = (const void *)&UART[MCR];
    dst = regs;
    __asm__ volatile("rep movsb" : "+S"(si), "+D"(dst), "+c"(n) : : "memory");
    check("rep movs from window", (uint32_t)regs[0] | (uint32_t)regs[1] << 8 | (uint32_t)regs[2] << 16 | (uint32_t)regs[3] << 24, 0x44B06003u);

    static const uint8_t two[2] = {0x11, 0x77}; /* REP MOVS RAM -> window: MSR (ignored), then SCR */
    n = 2;
    si = two;
    di = &UART[6];
    __asm__ volatile("rep movsb" : "+S"(si), "+D"(di), "+c"(n) : : "memory");
    check("rep movs to window", *scr, 0x77);

    for (const char *s = "mmio-uart: hello through an MMIO window\n"; *s != 0; s++)
        mmio_putc(*s);

    printf("mmio: %s\n", failures == 0 ? "all checks passed" : "FAILED");
    return failures == 0 ? 0 : 1;
}
