/* harness.c: result bookkeeping and printing for the RTOS test suite, and small helpers for tests. */
#include <stdarg.h>
#include <rt/string.h>
#include "harness.h"

static int failed_now;
static char reason[120];
static uint32_t passed_total, failed_total;

void test_fail(const char *fmt, ...)
{
    if (failed_now) return;
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    failed_now = 1;
}

int test_failed(void) { return failed_now; }

void test_report(const char *group, const char *name, int pass, const char *why)
{
    if (pass) {
        passed_total++;
        printf("TEST %s.%s PASS\n", group, name);
    } else {
        failed_total++;
        printf("TEST %s.%s FAIL %s\n", group, name, why != 0 && why[0] != '\0' ? why : "failed");
    }
}

/* Prints the SUITE line and ends the partition (IDLE): the harness counts a run only after this clean,
 * declared end, and fails anything that happens after the SUITE line. */
void test_suite_done(const char *group)
{
    RETURN_CODE_TYPE rc;
    printf("SUITE %s DONE %u %u\n", group, passed_total, failed_total);
    bsp_console_flush();
    SET_PARTITION_MODE(IDLE, &rc);
    printf("rtos-tests: SET_PARTITION_MODE(IDLE) returned %d\n", (int)rc); /* reached only on failure */
}

/* Runs one case and reports it. */
void test_run_case(const char *group, const struct test_case *c);
void test_run_case(const char *group, const struct test_case *c)
{
    failed_now = 0;
    reason[0] = '\0';
    c->fn();
    test_report(group, c->name, !failed_now, reason);
}

void test_init_check(const char *group, const char *name, RETURN_CODE_TYPE got, RETURN_CODE_TYPE want)
{
    char why[64];
    (void)snprintf(why, sizeof why, "rc %d, want %d", (int)got, (int)want);
    test_report(group, name, got == want, why);
}

static const char *cmd;
static uint32_t cmd_len;

void test_set_cmdline(const char *cmdline, uint32_t len)
{
    cmd = cmdline;
    cmd_len = len;
}

int test_cmdline_has(const char *token)
{
    uint32_t n = (uint32_t)strlen(token);
    for (uint32_t i = 0; i + n <= cmd_len; i++) {
        if (i > 0 && cmd[i - 1] != ' ') continue;
        if (memcmp(cmd + i, token, n) == 0 && (i + n == cmd_len || cmd[i + n] == ' ' || cmd[i + n] == '\0')) return 1;
    }
    return 0;
}

uint64_t test_tick(void) { return rtos_tick_ns(); }

void test_sleep_ticks(uint32_t n)
{
    RETURN_CODE_TYPE rc;
    TIMED_WAIT((SYSTEM_TIME_TYPE)(n * test_tick()), &rc);
}

PROCESS_ID_TYPE test_make_process(const char *name, void (*entry)(void), PRIORITY_TYPE prio, SYSTEM_TIME_TYPE period,
                                  SYSTEM_TIME_TYPE capacity)
{
    PROCESS_ATTRIBUTE_TYPE a;
    PROCESS_ID_TYPE id = 0;
    RETURN_CODE_TYPE rc;
    memset(&a, 0, sizeof a);
    a.PERIOD = period;
    a.TIME_CAPACITY = capacity;
    a.ENTRY_POINT = entry;
    a.STACK_SIZE = 8192;
    a.BASE_PRIORITY = prio;
    a.DEADLINE = SOFT;
    strncpy(a.NAME, name, MAX_NAME_LENGTH);
    CREATE_PROCESS(&a, &id, &rc);
    if (rc != NO_ERROR) printf("setup: CREATE_PROCESS %s failed: %d\n", name, (int)rc);
    return id;
}

char *N(const char *s)
{
    static NAME_TYPE names[8];
    static uint32_t next;
    char *n = names[next++ % 8];
    memset(n, 0, MAX_NAME_LENGTH);
    strncpy(n, s, MAX_NAME_LENGTH);
    return n;
}
