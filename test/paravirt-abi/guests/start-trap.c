/* start-trap.c: conformance guest for the trap binding (every service a trap, pv_trap_services.c) and,
 * built with libpv's sources, for the linked-library binding. Leaves its results in pvtest_results. */
#include "pv_abi.h"
#include "pv_note.h"

PV_ABI_NOTE("trap-conformance", 0, 0);

void pvtest_main(uint32_t magic, const struct pv_start_info *si);

/* [0] console_write, [1..2] time lo/hi, [3] timer, [4] get_id, [5] id, [6] abi_version, [7] old mask, [8] done */
volatile uint32_t pvtest_results[10];

uint8_t pvtest_boot_stack[4096] __attribute__((aligned(16), used));

__asm__(".pushsection .text.start,\"ax\",@progbits\n"
        "\t.globl _start\n"
        "_start:\n"
        "\tmovl $pvtest_boot_stack + 4096, %esp\n"
        "\tpushl %ebx\n"
        "\tpushl %eax\n"
        "\tcall pvtest_main\n"
        "1:\tjmp 1b\n"
        ".popsection\n");

void pvtest_main(uint32_t magic, const struct pv_start_info *si)
{
    uint64_t now = 0;
    uint32_t id = 0;
    uint32_t was;
    if (magic != PV_ABI_MAGIC || si->abi_major != PV_ABI_MAJOR)
        return;
    was = pv_virq_mask();
    pvtest_results[0] = (uint32_t)pv_console_write("hello\n", 6);
    (void)pv_time_get(&now);
    pvtest_results[1] = (uint32_t)now;
    pvtest_results[2] = (uint32_t)(now >> 32);
    pvtest_results[3] = (uint32_t)pv_timer_set_periodic(now + 1000000u);
    pvtest_results[4] = (uint32_t)pv_queuing_port_get_id("Q1", 2, &id);
    pvtest_results[5] = id;
    pvtest_results[6] = pv_abi_version();
    pvtest_results[7] = was;
    pv_virq_restore(was);
    pvtest_results[8] = 1;
    (void)pv_window_yield();
}
