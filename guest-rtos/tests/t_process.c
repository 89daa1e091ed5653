/* t_process.c: APEX process management tests (group "process"): creation errors in COLD_START, start,
 * delayed start, stop, suspend/resume, priorities, status, preemption locking, ids and core affinity.
 * Time services are in t_time.c (same group). */
#include <rt/string.h>
#include "harness.h"

#define G "process"

extern const struct test_case time_cases[];
void t_time_setup(void);

static volatile uint32_t flag, counter;
static PROCESS_ID_TYPE p_hi, p_lo, p_loop, p_resumer, p_runner_id;

static void hi_entry(void) { flag = 1; }
static void lo_entry(void) { flag = 2; }
static void loop_entry(void)
{
    for (;;) {
        counter++;
        test_sleep_ticks(1);
    }
}
static void resumer_entry(void)
{
    RETURN_CODE_TYPE rc;
    test_sleep_ticks(2);
    RESUME(p_runner_id, &rc);
}

static PROCESS_ATTRIBUTE_TYPE attr(const char *name, void (*fn)(void), PRIORITY_TYPE prio, STACK_SIZE_TYPE stack)
{
    PROCESS_ATTRIBUTE_TYPE a;
    memset(&a, 0, sizeof a);
    a.PERIOD = INFINITE_TIME_VALUE;
    a.TIME_CAPACITY = INFINITE_TIME_VALUE;
    a.ENTRY_POINT = fn;
    a.STACK_SIZE = stack;
    a.BASE_PRIORITY = prio;
    strncpy(a.NAME, name, MAX_NAME_LENGTH);
    return a;
}

static void setup(void)
{
    PROCESS_ATTRIBUTE_TYPE a;
    PROCESS_ID_TYPE id;
    RETURN_CODE_TYPE rc;
    a = attr("HI", hi_entry, 150, 8192);
    CREATE_PROCESS(&a, &p_hi, &rc);
    test_init_check(G, "create_ok", rc, NO_ERROR);
    CREATE_PROCESS(&a, &id, &rc);
    test_init_check(G, "create_duplicate", rc, NO_ACTION);
    a = attr("BADPRIO", hi_entry, MAX_PRIORITY_VALUE + 1, 8192);
    CREATE_PROCESS(&a, &id, &rc);
    test_init_check(G, "create_bad_priority", rc, INVALID_PARAM);
    a = attr("BADSTACK", hi_entry, 10, 0);
    CREATE_PROCESS(&a, &id, &rc);
    test_init_check(G, "create_bad_stack", rc, INVALID_PARAM);
    PARTITION_STATUS_TYPE ps;
    GET_PARTITION_STATUS(&ps, &rc);
    a = attr("BADPERIOD", hi_entry, 10, 8192);
    a.PERIOD = ps.PERIOD + 1;
    a.TIME_CAPACITY = ps.PERIOD;
    CREATE_PROCESS(&a, &id, &rc);
    test_init_check(G, "create_period_not_multiple", rc, ps.PERIOD > 1 ? INVALID_CONFIG : NO_ERROR);
    a = attr("BADCAP", hi_entry, 10, 8192);
    a.PERIOD = ps.PERIOD > 0 ? ps.PERIOD : 10000000;
    a.TIME_CAPACITY = a.PERIOD * 2;
    CREATE_PROCESS(&a, &id, &rc);
    test_init_check(G, "create_capacity_above_period", rc, INVALID_PARAM);
    a = attr("LO", lo_entry, 50, 8192);
    CREATE_PROCESS(&a, &p_lo, &rc);
    a = attr("LOOP", loop_entry, 150, 8192);
    CREATE_PROCESS(&a, &p_loop, &rc);
    a = attr("RESUMER", resumer_entry, 150, 8192);
    CREATE_PROCESS(&a, &p_resumer, &rc);
    INITIALIZE_PROCESS_CORE_AFFINITY(p_hi, 0, &rc);
    RETURN_CODE_TYPE rc2, rc3;
    INITIALIZE_PROCESS_CORE_AFFINITY(p_hi, 5, &rc2);
    INITIALIZE_PROCESS_CORE_AFFINITY(999, 0, &rc3);
    test_report(G, "core_affinity", rc == NO_ERROR && rc2 == INVALID_CONFIG && rc3 == INVALID_PARAM, "affinity codes");
    t_time_setup();
}

static void create_in_normal(void)
{
    PROCESS_ATTRIBUTE_TYPE a = attr("LATE", hi_entry, 10, 8192);
    PROCESS_ID_TYPE id;
    RETURN_CODE_TYPE rc;
    CREATE_PROCESS(&a, &id, &rc);
    CHECK_RC(rc, INVALID_MODE);
}

static void get_ids(void)
{
    PROCESS_ID_TYPE id = 0, me = 0;
    RETURN_CODE_TYPE rc;
    GET_PROCESS_ID(N("HI"), &id, &rc);
    CHECK(rc == NO_ERROR && id == p_hi, "GET_PROCESS_ID(HI) rc %d id %d", (int)rc, (int)id);
    GET_PROCESS_ID(N("NOBODY"), &id, &rc);
    CHECK_RC(rc, INVALID_CONFIG);
    GET_MY_ID(&me, &rc);
    CHECK_RC(rc, NO_ERROR);
    GET_PROCESS_ID(N("RUNNER"), &id, &rc);
    CHECK(id == me, "GET_MY_ID %d, RUNNER is %d", (int)me, (int)id);
    p_runner_id = me;
}

static void start_preempts(void)
{
    RETURN_CODE_TYPE rc;
    flag = 0;
    START(p_hi, &rc);
    CHECK_RC(rc, NO_ERROR);
    CHECK(flag == 1, "higher-priority process did not run at once");
}

static void start_errors(void)
{
    RETURN_CODE_TYPE rc;
    flag = 0;
    START(p_lo, &rc);
    CHECK_RC(rc, NO_ERROR);
    CHECK(flag == 0, "lower-priority process preempted");
    START(p_lo, &rc);
    CHECK_RC(rc, NO_ACTION);
    START(12345, &rc);
    CHECK_RC(rc, INVALID_PARAM);
}

static void stop_codes(void)
{
    RETURN_CODE_TYPE rc;
    STOP(p_lo, &rc); /* still ready from start_errors */
    CHECK_RC(rc, NO_ERROR);
    STOP(p_lo, &rc);
    CHECK_RC(rc, NO_ACTION);
    STOP(p_runner_id, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    STOP(0, &rc);
    CHECK_RC(rc, INVALID_PARAM);
}

static void delayed_start(void)
{
    RETURN_CODE_TYPE rc;
    PROCESS_STATUS_TYPE st;
    flag = 0;
    DELAYED_START(p_hi, -5, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    DELAYED_START(p_hi, (SYSTEM_TIME_TYPE)(3 * test_tick()), &rc);
    CHECK_RC(rc, NO_ERROR);
    GET_PROCESS_STATUS(p_hi, &st, &rc);
    CHECK(st.PROCESS_STATE == WAITING && flag == 0, "state %d flag %u before the delay", (int)st.PROCESS_STATE, flag);
    test_sleep_ticks(5);
    CHECK(flag == 1, "did not start after the delay");
}

static void suspend_resume(void)
{
    RETURN_CODE_TYPE rc;
    SUSPEND(p_loop, &rc);
    CHECK_RC(rc, INVALID_MODE); /* dormant */
    counter = 0;
    START(p_loop, &rc);
    CHECK(counter == 1, "loop did not run");
    SUSPEND(p_loop, &rc);
    CHECK_RC(rc, NO_ERROR);
    SUSPEND(p_loop, &rc);
    CHECK_RC(rc, NO_ACTION);
    uint32_t frozen = counter;
    test_sleep_ticks(4);
    CHECK(counter == frozen, "suspended process ran");
    RESUME(p_loop, &rc);
    CHECK_RC(rc, NO_ERROR);
    test_sleep_ticks(3);
    CHECK(counter > frozen, "resumed process did not run");
    RESUME(p_loop, &rc);
    CHECK_RC(rc, NO_ACTION);
    SUSPEND(p_runner_id, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    STOP(p_loop, &rc);
}

static void suspend_self_timeout(void)
{
    RETURN_CODE_TYPE rc;
    SUSPEND_SELF(0, &rc);
    CHECK_RC(rc, NO_ERROR);
    SYSTEM_TIME_TYPE t0, t1;
    RETURN_CODE_TYPE rc_suspend;
    GET_TIME(&t0, &rc);
    SUSPEND_SELF((SYSTEM_TIME_TYPE)(2 * test_tick()), &rc_suspend);
    GET_TIME(&t1, &rc);
    CHECK_RC(rc_suspend, TIMED_OUT); /* nobody resumes us: the timeout ends the suspension */
    CHECK_RC(rc, NO_ERROR);
    SUSPEND_SELF((SYSTEM_TIME_TYPE)(2 * test_tick()), &rc);
    CHECK_RC(rc, TIMED_OUT);
    CHECK(t1 - t0 >= (SYSTEM_TIME_TYPE)(2 * test_tick()), "woke early");
}

static void suspend_self_resumed(void)
{
    RETURN_CODE_TYPE rc;
    START(p_resumer, &rc);
    SUSPEND_SELF(INFINITE_TIME_VALUE, &rc);
    CHECK_RC(rc, NO_ERROR);
}

static void set_priority(void)
{
    RETURN_CODE_TYPE rc;
    SET_PRIORITY(p_lo, 200, &rc);
    CHECK_RC(rc, INVALID_MODE); /* dormant */
    flag = 0;
    START(p_lo, &rc);
    CHECK(flag == 0, "low ran early");
    SET_PRIORITY(p_lo, MAX_PRIORITY_VALUE + 1, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    SET_PRIORITY(p_lo, 200, &rc);
    CHECK_RC(rc, NO_ERROR);
    CHECK(flag == 2, "raised process did not preempt");
}

static void get_status(void)
{
    PROCESS_STATUS_TYPE st;
    RETURN_CODE_TYPE rc;
    GET_PROCESS_STATUS(p_hi, &st, &rc);
    CHECK_RC(rc, NO_ERROR);
    CHECK(st.PROCESS_STATE == DORMANT && st.ATTRIBUTES.BASE_PRIORITY == 150 && strcmp(st.ATTRIBUTES.NAME, "HI") == 0,
          "state %d prio %d", (int)st.PROCESS_STATE, (int)st.ATTRIBUTES.BASE_PRIORITY);
    GET_PROCESS_STATUS(p_runner_id, &st, &rc);
    CHECK(st.PROCESS_STATE == RUNNING && st.CURRENT_PRIORITY == 100, "runner state %d", (int)st.PROCESS_STATE);
    GET_PROCESS_STATUS(-1, &st, &rc);
    CHECK_RC(rc, INVALID_PARAM);
}

static void lock_preemption(void)
{
    LOCK_LEVEL_TYPE lvl = -1;
    RETURN_CODE_TYPE rc, rc2;
    flag = 0;
    LOCK_PREEMPTION(&lvl, &rc);
    CHECK(rc == NO_ERROR && lvl == 1, "lock rc %d level %d", (int)rc, (int)lvl);
    START(p_hi, &rc);
    uint32_t during = flag;
    TIMED_WAIT((SYSTEM_TIME_TYPE)test_tick(), &rc2);
    UNLOCK_PREEMPTION(&lvl, &rc);
    CHECK(during == 0, "preempted while locked");
    CHECK_RC(rc2, INVALID_MODE);
    CHECK(rc == NO_ERROR && lvl == 0 && flag == 1, "unlock rc %d level %d flag %u", (int)rc, (int)lvl, flag);
    UNLOCK_PREEMPTION(&lvl, &rc);
    CHECK_RC(rc, NO_ACTION);
}

static void core_and_index(void)
{
    PROCESSOR_CORE_ID_TYPE core = -1;
    PROCESS_INDEX_TYPE idx = -1;
    RETURN_CODE_TYPE rc;
    GET_MY_PROCESSOR_CORE_ID(&core, &rc);
    CHECK(rc == NO_ERROR && core == 0, "core %d", (int)core);
    PROCESS_ID_TYPE me = 0;
    GET_MY_INDEX(&idx, &rc);
    CHECK_RC(rc, NO_ERROR);
    GET_MY_ID(&me, &rc);
    /* this RTOS numbers processes by creation slot: the index is the slot, the id the slot + 1 */
    CHECK(idx >= 0 && idx < MAX_NUMBER_OF_PROCESSES && idx == (PROCESS_INDEX_TYPE)(me - 1), "index %d for id %d", (int)idx, (int)me);
}

static const struct test_case cases[] = {
    { "create_in_normal", create_in_normal },   { "get_ids", get_ids },
    { "start_preempts", start_preempts },       { "start_errors", start_errors },
    { "stop_codes", stop_codes },               { "delayed_start", delayed_start },
    { "suspend_resume", suspend_resume },       { "suspend_self_timeout", suspend_self_timeout },
    { "suspend_self_resumed", suspend_self_resumed }, { "set_priority", set_priority },
    { "get_status", get_status },               { "lock_preemption", lock_preemption },
    { "core_and_index", core_and_index },       { 0, 0 },
};

const struct test_group group_process = { G, setup, cases, time_cases, 0 };
