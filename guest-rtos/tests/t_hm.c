/* t_hm.c: partition, module-schedule and health-monitoring tests. Group "partition" checks the services'
 * return codes and the error-handler path of RAISE_APPLICATION_ERROR; groups "hm_stack", "hm_deadline" and
 * "hm_memory" each provoke one HM path (stack overflow caught by the canary, a missed deadline, a memory
 * violation handled by the kernel's partition HM table with a restart) and report from where it lands. */
#include <rt/string.h>
#include "harness.h"

#define G "partition"

static volatile ERROR_CODE_TYPE handled_code;
static volatile PROCESS_ID_TYPE handled_pid;
static volatile uint32_t handled;
static volatile RETURN_CODE_TYPE handler_rc;

static void error_handler(void)
{
    ERROR_STATUS_TYPE st;
    RETURN_CODE_TYPE rc;
    for (;;) {
        GET_ERROR_STATUS(&st, &rc);
        if (rc != NO_ERROR) break;
        handled_code = st.ERROR_CODE;
        handled_pid = st.FAILED_PROCESS_ID;
        handled++;
    }
    handler_rc = rc;
    STOP_SELF();
}

static void setup(void)
{
    RETURN_CODE_TYPE rc;
    SET_PARTITION_MODE(WARM_START, &rc);
    test_init_check(G, "warm_start_in_cold_start", rc, INVALID_MODE);
    CREATE_ERROR_HANDLER(error_handler, 8192, &rc);
    test_init_check(G, "create_error_handler", rc, NO_ERROR);
    CREATE_ERROR_HANDLER(error_handler, 8192, &rc);
    test_init_check(G, "create_error_handler_again", rc, NO_ACTION);
}

static void partition_status(void)
{
    PARTITION_STATUS_TYPE st;
    RETURN_CODE_TYPE rc;
    GET_PARTITION_STATUS(&st, &rc);
    CHECK_RC(rc, NO_ERROR);
    CHECK(st.OPERATING_MODE == NORMAL && st.LOCK_LEVEL == 0 && st.NUM_ASSIGNED_CORES == 1, "mode %d lock %d",
          (int)st.OPERATING_MODE, (int)st.LOCK_LEVEL);
    CHECK(st.PERIOD > 0 && st.DURATION > 0 && st.DURATION <= st.PERIOD, "period %d duration %d", (int)st.PERIOD,
          (int)st.DURATION);
    CHECK(st.START_CONDITION == NORMAL_START, "start condition %d", (int)st.START_CONDITION);
}

static void set_mode_codes(void)
{
    RETURN_CODE_TYPE rc;
    SET_PARTITION_MODE(NORMAL, &rc);
    CHECK_RC(rc, NO_ACTION);
    SET_PARTITION_MODE((OPERATING_MODE_TYPE)9, &rc);
    CHECK_RC(rc, INVALID_PARAM);
}

static void schedule_services(void)
{
    SCHEDULE_STATUS_TYPE st;
    SCHEDULE_ID_TYPE id = -1;
    RETURN_CODE_TYPE rc;
    GET_MODULE_SCHEDULE_STATUS(&st, &rc);
    CHECK_RC(rc, NO_ERROR);
    GET_MODULE_SCHEDULE_ID(N("main"), &id, &rc);
    CHECK(rc == NO_ERROR && id == st.CURRENT_SCHEDULE, "GET_MODULE_SCHEDULE_ID(main) rc %d id %d current %d", (int)rc,
          (int)id, (int)st.CURRENT_SCHEDULE);
    GET_MODULE_SCHEDULE_ID(N("nosuch"), &id, &rc);
    CHECK_RC(rc, INVALID_CONFIG);
}

static void set_schedule_forbidden(void)
{
    SCHEDULE_STATUS_TYPE st;
    RETURN_CODE_TYPE rc;
    GET_MODULE_SCHEDULE_STATUS(&st, &rc);
    CHECK_RC(rc, NO_ERROR);
    SET_MODULE_SCHEDULE(st.CURRENT_SCHEDULE, &rc); /* a real schedule, but no SetModuleSchedule permission */
    CHECK_RC(rc, INVALID_CONFIG);
    SET_MODULE_SCHEDULE(-1, &rc);
    CHECK_RC(rc, INVALID_PARAM);
}

static void report_message(void)
{
    RETURN_CODE_TYPE rc;
    REPORT_APPLICATION_MESSAGE((MESSAGE_ADDR_TYPE)"rtos-tests says hello", 21, &rc);
    CHECK_RC(rc, NO_ERROR);
    REPORT_APPLICATION_MESSAGE((MESSAGE_ADDR_TYPE)"x", MAX_ERROR_MESSAGE_SIZE + 1, &rc);
    CHECK_RC(rc, INVALID_PARAM);
}

static void raise_to_handler(void)
{
    RETURN_CODE_TYPE rc;
    PROCESS_ID_TYPE me;
    GET_MY_ID(&me, &rc);
    RAISE_APPLICATION_ERROR(NUMERIC_ERROR, (MESSAGE_ADDR_TYPE)"n", 1, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    RAISE_APPLICATION_ERROR(APPLICATION_ERROR, (MESSAGE_ADDR_TYPE)"n", -1, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    handled = 0;
    RAISE_APPLICATION_ERROR(APPLICATION_ERROR, (MESSAGE_ADDR_TYPE)"app-error", 9, &rc);
    CHECK_RC(rc, NO_ERROR);
    CHECK(handled == 1 && handled_code == APPLICATION_ERROR && handled_pid == me, "handler saw %u errors, code %d pid %d",
          handled, (int)handled_code, (int)handled_pid);
    CHECK(handler_rc == NO_ACTION, "GET_ERROR_STATUS on an empty queue gave %d", (int)handler_rc);
}

static void error_status_not_handler(void)
{
    ERROR_STATUS_TYPE st;
    RETURN_CODE_TYPE rc;
    GET_ERROR_STATUS(&st, &rc);
    CHECK_RC(rc, INVALID_CONFIG);
    CREATE_ERROR_HANDLER(error_handler, 8192, &rc);
    CHECK_RC(rc, INVALID_MODE);
}

static const struct test_case cases[] = {
    { "partition_status", partition_status },   { "set_mode_codes", set_mode_codes },
    { "schedule_services", schedule_services }, { "set_schedule_forbidden", set_schedule_forbidden },
    { "report_message", report_message },       { "raise_to_handler", raise_to_handler },
    { "error_status_not_handler", error_status_not_handler }, { 0, 0 },
};

const struct test_group group_partition = { G, setup, cases, 0, 0 };

/* ---- hm_stack: a process overruns its stack; the canary check at its next switch reports
 * STACK_OVERFLOW to the error handler, which prints the verdict. */

static PROCESS_ID_TYPE p_victim;

static void hm_handler(void)
{
    ERROR_STATUS_TYPE st;
    RETURN_CODE_TYPE rc;
    for (;;) {
        GET_ERROR_STATUS(&st, &rc);
        if (rc != NO_ERROR) break;
        if (st.ERROR_CODE == STACK_OVERFLOW) {
            PROCESS_STATUS_TYPE ps;
            GET_PROCESS_STATUS(p_victim, &ps, &rc);
            test_report("hm_stack", "stack_overflow", st.FAILED_PROCESS_ID == p_victim && ps.PROCESS_STATE == DORMANT,
                        "wrong process or still running");
            test_suite_done("hm_stack");
        } else if (st.ERROR_CODE == DEADLINE_MISSED) {
            test_report("hm_deadline", "deadline_missed", st.FAILED_PROCESS_ID == p_victim, "wrong process");
            test_suite_done("hm_deadline");
            STOP(p_victim, &rc);
        }
    }
    STOP_SELF();
}

static void overflow_entry(void)
{
    RETURN_CODE_TYPE rc;
    volatile uint8_t big[4096 + 512];
    for (uint32_t i = 0; i < sizeof big; i++) big[i] = (uint8_t)i;
    TIMED_WAIT((SYSTEM_TIME_TYPE)test_tick(), &rc); /* the switch away finds the canary gone */
    test_report("hm_stack", "stack_overflow", 0, "overflow went unnoticed");
    test_suite_done("hm_stack");
}

static void hm_stack_setup(void)
{
    RETURN_CODE_TYPE rc;
    CREATE_ERROR_HANDLER(hm_handler, 8192, &rc);
    (void)rtos_alloc(8192); /* a pad below the victim's stack absorbs the overrun */
    PROCESS_ATTRIBUTE_TYPE a;
    memset(&a, 0, sizeof a);
    a.PERIOD = INFINITE_TIME_VALUE;
    a.TIME_CAPACITY = INFINITE_TIME_VALUE;
    a.ENTRY_POINT = overflow_entry;
    a.STACK_SIZE = 4096;
    a.BASE_PRIORITY = 50;
    strncpy(a.NAME, "VICTIM", MAX_NAME_LENGTH);
    CREATE_PROCESS(&a, &p_victim, &rc);
    START(p_victim, &rc);
}

static const struct test_case no_cases[] = { { 0, 0 } };

const struct test_group group_hm_stack = { "hm_stack", hm_stack_setup, no_cases, 0, 1 };

/* ---- hm_deadline: a periodic process overruns its time capacity; the tick's deadline check reports
 * DEADLINE_MISSED to the error handler. */

static void overrun_entry(void)
{
    RETURN_CODE_TYPE rc;
    SYSTEM_TIME_TYPE t0, t;
    for (;;) {
        GET_TIME(&t0, &rc);
        do GET_TIME(&t, &rc);
        while (t - t0 < 20 * (SYSTEM_TIME_TYPE)test_tick());
        PERIODIC_WAIT(&rc);
    }
}

static void hm_deadline_setup(void)
{
    RETURN_CODE_TYPE rc;
    PARTITION_STATUS_TYPE ps;
    CREATE_ERROR_HANDLER(hm_handler, 8192, &rc);
    GET_PARTITION_STATUS(&ps, &rc);
    SYSTEM_TIME_TYPE period = ps.PERIOD > 0 ? ps.PERIOD * 4 : 40000000;
    p_victim = test_make_process("OVERRUN", overrun_entry, 50, period, 2 * (SYSTEM_TIME_TYPE)test_tick());
    START(p_victim, &rc);
}

const struct test_group group_hm_deadline = { "hm_deadline", hm_deadline_setup, no_cases, 0, 1 };

/* ---- hm_memory: a process writes through a null pointer; the kernel's partition HM table restarts the
 * partition (COLD_START), and the restarted partition reports the start condition it sees. */

static volatile uintptr_t wild_address = 0x10; /* below PV_IMAGE_BASE: never mapped */

static void wild_entry(void)
{
    volatile uint32_t *bad = (volatile uint32_t *)wild_address;
    *bad = 0xDEAD;
    test_report("hm_memory", "memory_violation", 0, "write to 0x10 did not fault");
    test_suite_done("hm_memory");
}

static void hm_memory_setup(void)
{
    RETURN_CODE_TYPE rc;
    PARTITION_STATUS_TYPE ps;
    GET_PARTITION_STATUS(&ps, &rc);
    if (ps.START_CONDITION != NORMAL_START) {
        /* start=module: the module's tables make it a MODULE-level error that resets the module */
        START_CONDITION_TYPE want = test_cmdline_has("start=module") ? HM_MODULE_RESTART : HM_PARTITION_RESTART;
        test_report("hm_memory", "memory_violation", ps.START_CONDITION == want, "restarted with an unexpected start condition");
        test_suite_done("hm_memory");
        return;
    }
    p_victim = test_make_process("WILD", wild_entry, 50, INFINITE_TIME_VALUE, INFINITE_TIME_VALUE);
    START(p_victim, &rc);
}

const struct test_group group_hm_memory = { "hm_memory", hm_memory_setup, no_cases, 0, 1 };

/* ---- hm_upcall: the same wild write, but the module's tables make MEMORY_VIOLATION a PROCESS-level error:
 * the kernel sends it to the error handler (HM upcall), which sees the code, the faulting process (now
 * dormant) and the failed address (the faulting instruction, inside wild_entry). */

static void upcall_handler(void)
{
    ERROR_STATUS_TYPE st;
    PROCESS_STATUS_TYPE ps;
    RETURN_CODE_TYPE rc, rc2;
    char why[100];
    GET_ERROR_STATUS(&st, &rc);
    GET_PROCESS_STATUS(p_victim, &ps, &rc2);
    uintptr_t at = (uintptr_t)st.FAILED_ADDRESS, entry = (uintptr_t)wild_entry;
    (void)snprintf(why, sizeof why, "rc %d code %d pid %d (victim %d) address 0x%x state %d", (int)rc, (int)st.ERROR_CODE,
                   (int)st.FAILED_PROCESS_ID, (int)p_victim, (unsigned)at, (int)ps.PROCESS_STATE);
    test_report("hm_upcall", "memory_violation_to_handler",
                rc == NO_ERROR && st.ERROR_CODE == MEMORY_VIOLATION && st.FAILED_PROCESS_ID == p_victim && at >= entry &&
                    at < entry + 64 && rc2 == NO_ERROR && ps.PROCESS_STATE == DORMANT,
                why);
    test_suite_done("hm_upcall");
}

static void hm_upcall_setup(void)
{
    RETURN_CODE_TYPE rc;
    CREATE_ERROR_HANDLER(upcall_handler, 8192, &rc);
    p_victim = test_make_process("WILD", wild_entry, 50, INFINITE_TIME_VALUE, INFINITE_TIME_VALUE);
    START(p_victim, &rc);
}

const struct test_group group_hm_upcall = { "hm_upcall", hm_upcall_setup, no_cases, 0, 1 };

/* ---- schedule: a partition with SetModuleSchedule permission switches the module schedule (Part 2):
 * SET_MODULE_SCHEDULE succeeds, the switch waits for the end of the major frame, then "alt" is current. */

static void set_schedule_ok(void)
{
    SCHEDULE_STATUS_TYPE before, pending, after;
    SCHEDULE_ID_TYPE alt = -1;
    SYSTEM_TIME_TYPE t0, t;
    RETURN_CODE_TYPE rc;
    GET_MODULE_SCHEDULE_ID(N("alt"), &alt, &rc);
    CHECK(rc == NO_ERROR && alt > 0, "GET_MODULE_SCHEDULE_ID(alt) rc %d id %d", (int)rc, (int)alt);
    GET_MODULE_SCHEDULE_STATUS(&before, &rc);
    CHECK(rc == NO_ERROR && before.CURRENT_SCHEDULE != alt && before.NEXT_SCHEDULE == before.CURRENT_SCHEDULE,
          "before: current %d next %d", (int)before.CURRENT_SCHEDULE, (int)before.NEXT_SCHEDULE);
    SET_MODULE_SCHEDULE(alt, &rc);
    CHECK_RC(rc, NO_ERROR);
    GET_MODULE_SCHEDULE_STATUS(&pending, &rc);
    CHECK(rc == NO_ERROR && pending.CURRENT_SCHEDULE == before.CURRENT_SCHEDULE && pending.NEXT_SCHEDULE == alt,
          "pending: current %d next %d", (int)pending.CURRENT_SCHEDULE, (int)pending.NEXT_SCHEDULE);
    GET_TIME(&t0, &rc);
    do {
        test_sleep_ticks(1);
        GET_MODULE_SCHEDULE_STATUS(&after, &rc);
        GET_TIME(&t, &rc);
    } while (after.CURRENT_SCHEDULE != alt && t - t0 < 100000000LL);
    CHECK(after.CURRENT_SCHEDULE == alt && after.NEXT_SCHEDULE == alt && after.TIME_OF_LAST_SCHEDULE_SWITCH > t0 &&
              after.TIME_OF_LAST_SCHEDULE_SWITCH <= t0 + 20000000LL,
          "after: current %d next %d switched at %d (asked at %d)", (int)after.CURRENT_SCHEDULE, (int)after.NEXT_SCHEDULE,
          (int)after.TIME_OF_LAST_SCHEDULE_SWITCH, (int)t0);
    SET_MODULE_SCHEDULE(99, &rc);
    CHECK_RC(rc, INVALID_PARAM);
}

static const struct test_case schedule_cases[] = { { "set_schedule_ok", set_schedule_ok }, { 0, 0 } };

const struct test_group group_schedule = { "schedule", 0, schedule_cases, 0, 0 };

/* ---- warm: what survives a restart. A process changes a .data variable and asks for WARM_START: the
 * restarted partition still sees the change (RAM kept; the RTOS rebuilt its .bss objects). It then asks
 * for COLD_START, after which the variable has its image value again (everything reloaded). */

static volatile uint32_t survivor = 0x1111u; /* .data: initialised by the image */

static void warm_entry(void)
{
    RETURN_CODE_TYPE rc;
    survivor = 0x2222u;
    SET_PARTITION_MODE(WARM_START, &rc);
    test_report("warm", "data_survives_warm_start", 0, "SET_PARTITION_MODE(WARM_START) returned");
    test_suite_done("warm");
}

static void warm_setup(void)
{
    RETURN_CODE_TYPE rc;
    PARTITION_STATUS_TYPE ps;
    char why[80];
    GET_PARTITION_STATUS(&ps, &rc);
    if (ps.START_CONDITION == NORMAL_START) {
        PROCESS_ID_TYPE p = test_make_process("WARMER", warm_entry, 50, INFINITE_TIME_VALUE, INFINITE_TIME_VALUE);
        START(p, &rc);
        return;
    }
    if (ps.OPERATING_MODE == WARM_START) {
        (void)snprintf(why, sizeof why, "start condition %d, survivor 0x%x", (int)ps.START_CONDITION, (unsigned)survivor);
        test_report("warm", "data_survives_warm_start", ps.START_CONDITION == PARTITION_RESTART && survivor == 0x2222u, why);
        SET_PARTITION_MODE(COLD_START, &rc);
        test_report("warm", "cold_start_reloads", 0, "SET_PARTITION_MODE(COLD_START) returned");
        test_suite_done("warm");
        return;
    }
    (void)snprintf(why, sizeof why, "mode %d start condition %d, survivor 0x%x", (int)ps.OPERATING_MODE, (int)ps.START_CONDITION,
                   (unsigned)survivor);
    test_report("warm", "cold_start_reloads",
                ps.OPERATING_MODE == COLD_START && ps.START_CONDITION == PARTITION_RESTART && survivor == 0x1111u, why);
    test_suite_done("warm");
}

const struct test_group group_warm = { "warm", warm_setup, no_cases, 0, 1 };
