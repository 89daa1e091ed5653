/* start-jmptab.c: conformance guest for the jump-table binding: stamps .pvabi, binds the resolver from
 * start-info, calls a few imports (pv_imports.c declares them all; extra.c adds an unknown one) and
 * leaves their results in pvtest_results for the host test to read. */
#include "pv_external.h"
#include "pv_note.h"

PV_ABI_NOTE("pvext-conformance", PV_NOTE_LAZY_OK, PV_FEAT_LAZY_BIND);

void pvtest_main(uint32_t magic, const struct pv_start_info *si);

/* [0] console_write, [1..2] time lo/hi, [3] first null, [4] second null, [5] unknown import, [6] done */
volatile uint32_t pvtest_results[8];
pv_status_t pvtest_extra(void);

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
    if (magic != PV_ABI_MAGIC)
        return;
    pv_bind_init(si);
    pvtest_results[0] = (uint32_t)pv_console_write("hello\n", 6);
    (void)pv_time_get(&now);
    pvtest_results[1] = (uint32_t)now;
    pvtest_results[2] = (uint32_t)(now >> 32);
    pvtest_results[3] = (uint32_t)pv_null();
    pvtest_results[4] = (uint32_t)pv_null();
    pvtest_results[5] = (uint32_t)pvtest_extra();
    pvtest_results[6] = 1;
    (void)pv_window_yield();
}
