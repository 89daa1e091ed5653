/* t_hm_callback.c: the HM callbacks the XML names. Group "hm_callback": the Partition_HM_Table's
 * PartitionCallback runs in the partition before the table's WARM_START. Group "hm_modcb": the
 * Module_HM_Table's ModuleCallback runs in this system partition before the module RESET that another
 * partition's MODULE-level error asks for. Each callback records its arguments where the restart keeps them. */
#include <rt/string.h>
#include <apex/part2.h>
#include "harness.h"

static volatile uintptr_t wild_address = 0x10; /* below PV_IMAGE_BASE: never mapped */
static const struct test_case no_cases[] = { { 0, 0 } };

/* ---- hm_callback: a wild write at PARTITION level, handled by WARM_START. The callback records its
 * arguments in .data, which the warm start keeps; the restarted partition reports them. */

/* Initialised to non-zero so that they live in .data (the RTOS zeroes .bss at every start). */
static volatile uint32_t cb_calls = 1u, cb_code = 0xFFu, cb_id = 0xFFu, cb_state = 0xFFu;

void hm_partition_callback(uint32_t error_code, uint32_t error_id, uint32_t system_state);
__attribute__((used, noinline)) void hm_partition_callback(uint32_t error_code, uint32_t error_id, uint32_t system_state)
{
    cb_calls++;
    cb_code = error_code;
    cb_id = error_id;
    cb_state = system_state;
}

static void wild_callback_entry(void)
{
    volatile uint32_t *bad = (volatile uint32_t *)wild_address;
    *bad = 0xBEEF;
    test_report("hm_callback", "callback_then_warm_start", 0, "write to 0x10 did not fault");
    test_suite_done("hm_callback");
}

static void hm_callback_setup(void)
{
    RETURN_CODE_TYPE rc;
    PARTITION_STATUS_TYPE ps;
    char why[100];
    GET_PARTITION_STATUS(&ps, &rc);
    if (ps.START_CONDITION != NORMAL_START) {
        (void)snprintf(why, sizeof why, "start condition %d mode %d, callback calls %u code %u id %u state %u", (int)ps.START_CONDITION,
                       (int)ps.OPERATING_MODE, (unsigned)(cb_calls - 1u), (unsigned)cb_code, (unsigned)cb_id, (unsigned)cb_state);
        test_report("hm_callback", "callback_then_warm_start",
                    ps.START_CONDITION == HM_PARTITION_RESTART && ps.OPERATING_MODE == WARM_START && cb_calls == 2u &&
                        cb_code == MEMORY_VIOLATION && cb_id == 3u && cb_state == 6u,
                    why);
        test_suite_done("hm_callback");
        return;
    }
    PROCESS_ID_TYPE p = test_make_process("WILD", wild_callback_entry, 50, INFINITE_TIME_VALUE, INFINITE_TIME_VALUE);
    START(p, &rc);
}

const struct test_group group_hm_callback = { "hm_callback", hm_callback_setup, no_cases, 0, 1 };

/* ---- hm_modcb: this partition waits; when the kernel runs the ModuleCallback here, it writes its arguments
 * to the logbook LB_HM (logbooks survive a module reset), and the restarted partition reads them back. */

static LOGBOOK_ID_TYPE modcb_book = -1;

void hm_module_callback(uint32_t error_code, uint32_t error_id, uint32_t system_state, uint32_t partition);
__attribute__((used, noinline)) void hm_module_callback(uint32_t error_code, uint32_t error_id, uint32_t system_state, uint32_t partition)
{
    char msg[48];
    RETURN_CODE_TYPE rc;
    int n = snprintf(msg, sizeof msg, "module callback %u/%u/%u/%u", (unsigned)error_code, (unsigned)error_id, (unsigned)system_state,
                     (unsigned)partition);
    WRITE_LOGBOOK(modcb_book, (MESSAGE_ADDR_TYPE)msg, (MESSAGE_SIZE_TYPE)n + 1, &rc);
}

static void modcb_wait(void)
{
    RETURN_CODE_TYPE rc;
    for (;;) TIMED_WAIT(10000000, &rc);
}

static void hm_modcb_setup(void)
{
    RETURN_CODE_TYPE rc, rc2;
    PARTITION_STATUS_TYPE ps;
    LOGBOOK_STATUS_TYPE st;
    char got[64] = { 0 }, why[120];
    MESSAGE_SIZE_TYPE len = 0;
    WRITE_STATUS_TYPE ws = ABORTED;
    CREATE_LOGBOOK(N("LB_HM"), 64, 4, 1, &modcb_book, &rc);
    GET_PARTITION_STATUS(&ps, &rc2);
    if (ps.START_CONDITION == NORMAL_START) {
        START(test_make_process("WAIT", modcb_wait, 10, INFINITE_TIME_VALUE, INFINITE_TIME_VALUE), &rc2);
        return;
    }
    GET_LOGBOOK_STATUS(modcb_book, &st, &rc2);
    READ_LOGBOOK(modcb_book, st.NB_LOGGED_MESSAGES, (MESSAGE_ADDR_TYPE)got, &len, &ws, &rc2);
    got[sizeof got - 1] = 0;
    (void)snprintf(why, sizeof why, "create %d, start condition %d, %d logged, last \"%s\"", (int)rc, (int)ps.START_CONDITION,
                   (int)st.NB_LOGGED_MESSAGES, got);
    test_report("hm_modcb", "callback_before_reset",
                rc == NO_ERROR && ps.START_CONDITION == HM_MODULE_RESTART && st.NB_LOGGED_MESSAGES == 1 &&
                    strcmp(got, "module callback 5/3/6/2") == 0,
                why);
    test_suite_done("hm_modcb");
}

const struct test_group group_hm_modcb = { "hm_modcb", hm_modcb_setup, no_cases, 0, 1 };
