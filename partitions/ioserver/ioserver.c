/* ioserver.c: the I/O server partition. Attaches a page of its own RAM as its ioreq ring, then, in every
 * window, ends the ATA busy phases that are due (ata.c), emulates each READY slot (the devices its
 * clients' apx:Device entries name: 16550A UARTs, the ATA primary channel), marks it DONE and hands the
 * ring back with ioreq_notify; then yields the rest of the window. It sees requests from its own clients
 * only and no client memory; a served disk is reached through the block services. Two command-line
 * words make it misbehave, for the tests: "bogus" completes every slot with a changed id (a hostile
 * server); "crash" (or "crash=N") writes to address 0 (a MEMORY_VIOLATION) after 40 (N) requests, in its
 * first run only (a restart says PARTITION_RESTART). "hang" stops completing after 40 requests (it
 * yields every window, never notifies) and "spin" loops forever instead, both in the first run only: a
 * hung server for the kernel's deadline (server-watch.ts). "hostile" (or "hostile=CLIENT") first calls the
 * block and interrupt services with arguments the kernel must refuse and prints the codes (hostile.c). */
#include "served.h"
#include "bare-pv.h"
#include "pv_note.h"

PV_ABI_NOTE("ioserver", 0, 0);

uint8_t ioserver_boot_stack[8192] __attribute__((aligned(16), used));
__asm__(".pushsection .text.start,\"ax\",@progbits\n"
        "\t.globl _start\n"
        "_start:\n"
        "\tmovl $ioserver_boot_stack + 8192, %esp\n"
        "\tpushl %ebx\n"
        "\tcall ioserver_main\n"
        "1:\tjmp 1b\n"
        ".popsection\n");

static uint8_t ring[PV_PAGE_SIZE] __attribute__((aligned(PV_PAGE_SIZE)));

/* Virtual time at the start of this pass (the shared page's clock, read under its sequence counter). */
static uint64_t now_ns(void)
{
    const volatile struct pv_shared_page *sp = (const volatile struct pv_shared_page *)PV_SHARED_PAGE_VADDR;
    for (;;) {
        uint32_t seq = sp->time_seq;
        uint64_t t = sp->time_ns;
        if ((seq & 1) == 0 && sp->time_seq == seq)
            return t;
    }
}

/* The value of one access, by the model the kernel names (device) and the register (offset); `area` is
 * the slot's string data. The same 16550 model serves a COM port and an MMIO window. */
static uint32_t emulate(const struct pv_ioreq_slot *s, uint8_t *area)
{
    if (s->client > IOSERVER_MAX_CLIENTS || (s->space != PV_IOREQ_SPACE_PORT && s->space != PV_IOREQ_SPACE_MMIO))
        return 0xFFFFFFFFu;
    if (s->size != 1 && s->size != 2 && s->size != 4)
        return 0xFFFFFFFFu;
    if (s->count > 1 && (s->count > PV_IOREQ_DATA_MAX / s->size || s->device != PV_IOREQ_DEVICE_ATA || s->offset != 0))
        return 0xFFFFFFFFu; /* only the ATA Data port is batched (kernel/ioreq/served-devices.ts) */
    switch (s->device) {
    case PV_IOREQ_DEVICE_ATA:
        if (s->space != PV_IOREQ_SPACE_PORT || s->offset > 8)
            return 0xFFFFFFFFu;
        return ata_access(s->client, s->offset, s->dir, s->size, s->count, s->data, area);
    case PV_IOREQ_DEVICE_UART16550:
        if (s->offset > 7)
            return 0xFFFFFFFFu;
        return uart_access(s->client, s->addr - s->offset, s->irq, s->offset, s->dir, s->data);
    default:
        return 0xFFFFFFFFu; /* a model this server does not have: floating bus */
    }
}

void ioserver_main(const struct pv_start_info *si);

void ioserver_main(const struct pv_start_info *si)
{
    int bogus = bare_has_word((const char *)si->cmdline, si->cmdline_len, "bogus");
    int crash = bare_has_word((const char *)si->cmdline, si->cmdline_len, "crash") && si->start_condition == PV_START_NORMAL_START;
    uint32_t crash_after = bare_word_value((const char *)si->cmdline, si->cmdline_len, "crash", 40);
    int first_run = si->start_condition == PV_START_NORMAL_START;
    int hang = bare_has_word((const char *)si->cmdline, si->cmdline_len, "hang") && first_run;
    int spin = bare_has_word((const char *)si->cmdline, si->cmdline_len, "spin") && first_run;
    uint32_t total = 0;
    if (pv_ioreq_attach(ring) != PV_OK) {
        bare_say("ioserver: ioreq_attach failed\n");
        for (;;)
            (void)pv_window_yield();
    }
    bare_say("ioserver: ring attached\n");
    if (bare_has_word((const char *)si->cmdline, si->cmdline_len, "hostile"))
        hostile_probe(bare_word_value((const char *)si->cmdline, si->cmdline_len, "hostile", 1));
    (void)pv_partition_set_mode(PV_MODE_NORMAL);
    for (;;) {
        uint32_t served = 0;
        ata_pass(now_ns());
        for (uint32_t i = 0; i < PV_IOREQ_SLOTS; i++) {
            volatile struct pv_ioreq_slot *s = (volatile struct pv_ioreq_slot *)(ring + PV_IOREQ_SLOT_OFFSET + i * sizeof(struct pv_ioreq_slot));
            if (s->state != PV_IOREQ_READY)
                continue;
            struct pv_ioreq_slot copy = *(const struct pv_ioreq_slot *)s;
            uint32_t v = emulate(&copy, ring + PV_IOREQ_DATA_OFFSET + i * PV_IOREQ_DATA_MAX);
            if (copy.dir == PV_IOREQ_DIR_IN)
                s->data = v;
            if (bogus)
                s->id = copy.id + 1;
            s->state = PV_IOREQ_DONE;
            served++;
        }
        total += served;
        if (crash && total >= crash_after)
            *(volatile uint32_t *)0 = total;
        while (hang && total >= 40)
            (void)pv_window_yield();
        while (spin && total >= 40)
            __asm__ volatile("" ::: "memory");
        if (served != 0)
            (void)pv_ioreq_notify();
        (void)pv_window_yield();
    }
}
