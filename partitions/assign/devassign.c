/* devassign.c: a PV partition that drives a kernel-emulated 16550A assigned to it (apx:Device
 * Assign="true", COM2 at 0x2F8). Its IN/OUT instructions reach the UART directly from ring 3 through the
 * I/O bitmap of its TSS; the UART's IRQ arrives as PV_VIRQ_ASSIGNED_IRQ in the shared page. It reports
 * what it saw on its console, then, with the command-line word "denied", reads COM1 (0x3F8), a port not
 * assigned to it: a #GP that the kernel hands to the HM (ILLEGAL_REQUEST). */
#include "pv_abi.h"
#include "pv_note.h"
#include "bare-pv.h"
#include "pc-io.h" /* inb/outb, the same instructions in ring 3 */

PV_ABI_NOTE("devassign", 0, 0);

uint8_t devassign_boot_stack[8192] __attribute__((aligned(16), used));
__asm__(".pushsection .text.start,\"ax\",@progbits\n"
        "\t.globl _start\n"
        "_start:\n"
        "\tmovl $devassign_boot_stack + 8192, %esp\n"
        "\tpushl %ebx\n"
        "\tcall devassign_main\n"
        "1:\tjmp 1b\n"
        ".popsection\n");

#define COM2 0x2F8u
#define COM1 0x3F8u
/* 16550A registers (offsets from the base) and bits (PC16550D datasheet). */
#define UART_DATA 0u
#define UART_IER 1u
#define UART_IIR 2u
#define UART_LCR 3u
#define UART_MCR 4u
#define UART_LSR 5u
#define UART_SCR 7u
#define IER_RDA 0x01u
#define IER_THRE 0x02u
#define LCR_DLAB 0x80u
#define LCR_8N1 0x03u
#define MCR_OUT2 0x08u
#define MCR_LOOP 0x10u
#define LSR_THRE 0x20u

static void say_hex(const char *label, uint32_t v)
{
    char buf[16];
    const char *digits = "0123456789abcdef";
    bare_say(label);
    buf[0] = '0';
    buf[1] = 'x';
    buf[2] = digits[(v >> 4) & 15];
    buf[3] = digits[v & 15];
    buf[4] = 0;
    bare_say(buf);
}

/* Takes the pending virq bits (the kernel sets them; the guest takes them with xchg). */
static uint32_t take_virqs(void)
{
    volatile struct pv_shared_page *sp = (volatile struct pv_shared_page *)PV_SHARED_PAGE_VADDR;
    uint32_t bits = 0;
    __asm__ volatile("xchgl %0, %1" : "+r"(bits), "+m"(sp->pending_bitmap) : : "memory");
    sp->irq_pending = 0;
    return bits;
}

static void report_irq(const char *what)
{
    uint32_t bits = take_virqs();
    uint8_t iir = inb(COM2 + UART_IIR);
    bare_say(what);
    bare_say((bits & (1u << PV_VIRQ_ASSIGNED_IRQ)) != 0 ? ": virq ASSIGNED_IRQ pending" : ": no ASSIGNED_IRQ virq");
    say_hex(", iir ", iir);
    bare_say("\n");
}

static void com2_write(const char *s)
{
    for (uint32_t i = 0; s[i] != 0; i++) {
        while ((inb(COM2 + UART_LSR) & LSR_THRE) == 0)
            ;
        outb(COM2 + UART_DATA, (uint8_t)s[i]);
    }
}

void devassign_main(const struct pv_start_info *si);

void devassign_main(const struct pv_start_info *si)
{
    int denied = bare_has_word((const char *)si->cmdline, si->cmdline_len, "denied");
    bare_say("devassign: start\n");
    outb(COM2 + UART_LCR, LCR_DLAB);
    outb(COM2 + UART_DATA, 1); /* divisor 1: 115200 baud */
    outb(COM2 + UART_IER, 0);
    outb(COM2 + UART_LCR, LCR_8N1);
    outb(COM2 + UART_MCR, MCR_OUT2);
    outb(COM2 + UART_SCR, 0x5A);
    say_hex("devassign: COM2 scratch reads ", inb(COM2 + UART_SCR));
    bare_say("\n");
    (void)take_virqs(); /* WINDOW_START and friends: only what follows counts */
    com2_write("COM2: hello from a UART assigned to a PV partition\n");
    report_irq("devassign: after writing with IER 0");
    outb(COM2 + UART_IER, IER_THRE); /* the transmitter is empty: the line rises now */
    report_irq("devassign: THRE interrupt enabled");
    outb(COM2 + UART_IER, 0);
    outb(COM2 + UART_MCR, MCR_OUT2 | MCR_LOOP);
    outb(COM2 + UART_IER, IER_RDA);
    (void)take_virqs();
    outb(COM2 + UART_DATA, 'Z'); /* loopback: the byte comes back as received data */
    report_irq("devassign: loopback byte sent");
    say_hex("devassign: received ", inb(COM2 + UART_DATA));
    bare_say("\n");
    outb(COM2 + UART_IER, 0);
    outb(COM2 + UART_MCR, MCR_OUT2);
    if (denied) {
        bare_say("devassign: reading COM1, which is not assigned\n");
        uint8_t v = inb(COM1 + UART_LSR);
        say_hex("devassign: COM1 read ", v); /* not reached: the #GP stops the partition */
        bare_say("\n");
    }
    bare_say("devassign: done\n");
    (void)pv_partition_set_mode(PV_MODE_IDLE);
    for (;;)
        (void)pv_window_yield();
}
