/* t_access.c: the Access attribute of a partition's own memory regions. Group "mem_access"
 * (partitions/rtos-tests/mem_access.xml: regions code READ_ONLY 1 MiB, rom READ_ONLY 64 KiB, data
 * READ_WRITE, laid out from PV_IMAGE_BASE in that order) reads the read-only region "rom", then stores
 * into it: MEMORY_VIOLATION, and the partition HM table warm-starts the partition (RAM kept), which checks
 * that the store did not land and that its own .data did survive. */
#include <rt/string.h>
#include "harness.h"

/* The last page of region "rom": PV_IMAGE_BASE + 1 MiB (code) + 60 KiB. */
#define ROM_LAST_PAGE 0x0050F000u

static const struct test_case no_cases[] = { { 0, 0 } };
/* Initialised to non-zero so that it lives in .data, which a warm start keeps. */
static volatile uint32_t access_marker = 1u;

static void access_entry(void)
{
    volatile uint32_t *rom = (volatile uint32_t *)(uintptr_t)ROM_LAST_PAGE;
    access_marker = *rom == 0u ? 2u : 3u; /* the read must work and see zeroed memory */
    *rom = 0xC0DEu;
    test_report("mem_access", "readonly_region_store_faults", 0, "a store into a READ_ONLY region did not fault");
    test_suite_done("mem_access");
}

static void mem_access_setup(void)
{
    RETURN_CODE_TYPE rc;
    PARTITION_STATUS_TYPE ps;
    char why[100];
    GET_PARTITION_STATUS(&ps, &rc);
    if (ps.START_CONDITION != NORMAL_START) {
        uint32_t now = *(volatile uint32_t *)(uintptr_t)ROM_LAST_PAGE;
        (void)snprintf(why, sizeof why, "start condition %d mode %d, marker %u, rom word 0x%x", (int)ps.START_CONDITION,
                       (int)ps.OPERATING_MODE, (unsigned)access_marker, (unsigned)now);
        test_report("mem_access", "readonly_region_store_faults",
                    ps.START_CONDITION == HM_PARTITION_RESTART && ps.OPERATING_MODE == WARM_START && access_marker == 2u && now == 0u,
                    why);
        test_suite_done("mem_access");
        return;
    }
    START(test_make_process("ACCESS", access_entry, 50, INFINITE_TIME_VALUE, INFINITE_TIME_VALUE), &rc);
}

const struct test_group group_mem_access = { "mem_access", mem_access_setup, no_cases, 0, 1 };
