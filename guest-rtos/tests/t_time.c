/* t_time.c: APEX time management tests (group "process", after t_process.c): GET_TIME, TIMED_WAIT,
 * PERIODIC_WAIT of a periodic process and REPLENISH. */
#include <rt/string.h>
#include "harness.h"

static PROCESS_ID_TYPE p_per;
static SYSTEM_TIME_TYPE per_period;
static volatile uint32_t releases;
static SYSTEM_TIME_TYPE release_at[4];

static void periodic_entry(void)
{
    RETURN_CODE_TYPE rc;
    for (;;) {
        if (releases < 4) GET_TIME(&release_at[releases], &rc);
        releases++;
        PERIODIC_WAIT(&rc);
    }
}

void t_time_setup(void);
void t_time_setup(void)
{
    PARTITION_STATUS_TYPE ps;
    RETURN_CODE_TYPE rc;
    GET_PARTITION_STATUS(&ps, &rc);
    per_period = ps.PERIOD > 0 ? ps.PERIOD : 10000000;
    p_per = test_make_process("PERIODIC", periodic_entry, 160, per_period, per_period);
}

static void get_time(void)
{
    SYSTEM_TIME_TYPE a, b;
    RETURN_CODE_TYPE rc;
    GET_TIME(&a, &rc);
    CHECK_RC(rc, NO_ERROR);
    test_sleep_ticks(1);
    GET_TIME(&b, &rc);
    CHECK(b > a, "time did not advance (%d -> %d)", (int)a, (int)b);
}

static void timed_wait(void)
{
    SYSTEM_TIME_TYPE a, b;
    RETURN_CODE_TYPE rc;
    GET_TIME(&a, &rc);
    TIMED_WAIT((SYSTEM_TIME_TYPE)(3 * test_tick()), &rc);
    CHECK_RC(rc, NO_ERROR);
    GET_TIME(&b, &rc);
    CHECK(b - a >= (SYSTEM_TIME_TYPE)(3 * test_tick()), "woke after %d ns", (int)(b - a));
}

static void timed_wait_errors(void)
{
    RETURN_CODE_TYPE rc;
    TIMED_WAIT(INFINITE_TIME_VALUE, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    TIMED_WAIT(-7, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    TIMED_WAIT(0, &rc);
    CHECK_RC(rc, NO_ERROR);
}

static void periodic_wait(void)
{
    RETURN_CODE_TYPE rc;
    PERIODIC_WAIT(&rc);
    CHECK_RC(rc, INVALID_MODE); /* the runner is aperiodic */
    releases = 0;
    START(p_per, &rc);
    CHECK_RC(rc, NO_ERROR);
    TIMED_WAIT(per_period * 3 + (SYSTEM_TIME_TYPE)test_tick(), &rc);
    uint32_t n = releases;
    STOP(p_per, &rc);
    CHECK(n >= 3, "%u releases in 3 periods", n);
    SYSTEM_TIME_TYPE d = release_at[2] - release_at[1];
    CHECK(d >= per_period && d < per_period + 2 * (SYSTEM_TIME_TYPE)test_tick() + per_period / 2,
          "releases %d ns apart, period %d", (int)d, (int)per_period);
}

static void replenish(void)
{
    RETURN_CODE_TYPE rc;
    REPLENISH(1000000000, &rc);
    CHECK_RC(rc, NO_ERROR);
    REPLENISH(-5, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    REPLENISH(INFINITE_TIME_VALUE, &rc);
    CHECK_RC(rc, NO_ERROR);
}

const struct test_case time_cases[] = {
    { "get_time", get_time },     { "timed_wait", timed_wait }, { "timed_wait_errors", timed_wait_errors },
    { "periodic_wait", periodic_wait }, { "replenish", replenish }, { 0, 0 },
};
