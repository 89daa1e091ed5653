/* start-upcall.c: conformance guest for virtual interrupts: registers the ready-made upcall entry,
 * unmasks and spins until the handler has run, then yields. Results land in pvtest_results. */
#include "pv_note.h"
#include "pv_upcall.h"

PV_ABI_NOTE("upcall-conformance", 0, 0);

void pvtest_main(uint32_t magic, const struct pv_start_info *si);

/* [0] pending bits, [1] missed ticks, [2] handler runs, [3] spins, [4] register result, [5] done */
volatile uint32_t pvtest_results[8];
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

void pv_upcall_handler(uint32_t pending, uint32_t missed_ticks)
{
    pvtest_results[0] |= pending;
    pvtest_results[1] += missed_ticks;
    pvtest_results[2]++;
}

void pvtest_main(uint32_t magic, const struct pv_start_info *si)
{
    uint32_t spins = 0;
    if (magic != PV_ABI_MAGIC || si->abi_major != PV_ABI_MAJOR)
        return;
    pvtest_results[4] = (uint32_t)pv_virq_register(pv_upcall_entry);
    pv_virq_unmask();
    while (pvtest_results[2] == 0)
        spins = spins * 3u + 1u;
    pvtest_results[3] = spins;
    pvtest_results[5] = 1;
    (void)pv_window_yield();
}
