/* services.c: exercises the kernel's checks over the trap binding (bad pointers, unknown and
 * unpermitted ids, bad values) and, per command line, one illegal memory access. */
#include "common.h"
#include "pv_note.h"
#include "pv_trap.h"

PV_ABI_NOTE("services", 0, 0);
PVTEST_START;

volatile uint32_t pvtest_results[24];

/* Through a volatile pointer so that the compiler cannot prove the access out of bounds. */
static volatile uint32_t *volatile target;

static void poke(const struct pv_start_info *si)
{
    const char *cmd = (const char *)si->cmdline;
    uint32_t len = si->cmdline_len;
    if (pvtest_streq(cmd, len, "read-null"))
        { target = (volatile uint32_t *)0x100; pvtest_results[20] = *target; }
    else if (pvtest_streq(cmd, len, "write-libpv"))
        { target = (volatile uint32_t *)si->libpv_base; *target = 1; }
    else if (pvtest_streq(cmd, len, "write-start-info"))
        { target = (volatile uint32_t *)si; *target = 1; }
    else if (pvtest_streq(cmd, len, "write-text"))
        { target = (volatile uint32_t *)0x00400000; *target = 1; }
    else if (pvtest_streq(cmd, len, "read-beyond-ram"))
        { target = (volatile uint32_t *)(si->ram_base + si->ram_size); pvtest_results[20] = *target; }
    else if (pvtest_streq(cmd, len, "raise"))
        (void)pv_hm_raise_application_error(PV_HM_APPLICATION_ERROR, "boom", 4);
    else if (pvtest_streq(cmd, len, "privileged"))
        __asm__ volatile("cli");
}

void pvtest_main(const struct pv_start_info *si)
{
    struct pv_partition_status st;
    struct pv_hm_error_status es;
    uint32_t id = 0;
    uint64_t now = 0;
    pvtest_results[0] = (uint32_t)pv_console_write((const void *)0x1000, 4);
    pvtest_results[1] = (uint32_t)pv_time_get((uint64_t *)0x00400000);
    pvtest_results[2] = (uint32_t)pv_time_get((uint64_t *)si);
    pvtest_results[3] = pv_trap0(99);
    pvtest_results[4] = (uint32_t)pv_schedule_set_next(1);
    pvtest_results[5] = (uint32_t)pv_partition_get_status(&st);
    pvtest_results[6] = st.operating_mode;
    pvtest_results[7] = st.partition_id;
    pvtest_results[8] = (uint32_t)pv_console_write("ok\n", 3);
    pvtest_results[9] = (uint32_t)pv_partition_set_mode(7);
    pvtest_results[10] = (uint32_t)pv_sampling_port_get_id("nope", 4, &id);
    pvtest_results[11] = (uint32_t)pv_hm_report_message("note", 4);
    pvtest_results[12] = (uint32_t)pv_hm_get_error_status(&es);
    pvtest_results[13] = (uint32_t)pv_timer_set_periodic(5);
    pvtest_results[14] = pv_abi_version();
    pvtest_results[15] = (uint32_t)pv_time_get(&now);
    pvtest_results[16] = (uint32_t)now;
    pvtest_results[17] = (uint32_t)pv_console_write("0123456789", 0x7fffffff);
    pvtest_results[18] = (uint32_t)pv_virq_register((void (*)(void))0x1000);
    pvtest_results[19] = 1;
    poke(si);
    pvtest_results[21] = 1;
    pvtest_idle_forever();
}
