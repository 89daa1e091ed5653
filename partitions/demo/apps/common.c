/* common.c: helpers of the RTOS applications under partitions/ (demo, examples, linux-mixed): time-stamped
 * printing, APEX names and process creation. */
#include <stdarg.h>
#include <rt/string.h>
#include "demo.h"

void demo_log_width(int width, const char *fmt, ...)
{
    SYSTEM_TIME_TYPE now = 0;
    RETURN_CODE_TYPE rc;
    GET_TIME(&now, &rc);
    uint64_t us = (uint64_t)now / 1000u;
    printf("[%*u.%03u ms] ", width, (unsigned)(us / 1000u), (unsigned)(us % 1000u));
    va_list ap;
    va_start(ap, fmt);
    (void)vprintf(fmt, ap);
    va_end(ap);
}

void demo_name(NAME_TYPE out, const char *s)
{
    memset(out, 0, MAX_NAME_LENGTH);
    strncpy(out, s, MAX_NAME_LENGTH);
}

PROCESS_ID_TYPE demo_start_process(const char *name, void (*entry)(void), PRIORITY_TYPE prio,
                                   SYSTEM_TIME_TYPE period)
{
    PROCESS_ATTRIBUTE_TYPE a;
    PROCESS_ID_TYPE id = 0;
    RETURN_CODE_TYPE rc;
    memset(&a, 0, sizeof a);
    a.PERIOD = period;
    a.TIME_CAPACITY = period;
    a.ENTRY_POINT = entry;
    a.STACK_SIZE = 8192;
    a.BASE_PRIORITY = prio;
    a.DEADLINE = SOFT;
    demo_name(a.NAME, name);
    CREATE_PROCESS(&a, &id, &rc);
    if (rc != NO_ERROR) {
        printf("CREATE_PROCESS %s failed: %d\n", name, (int)rc);
        return 0;
    }
    START(id, &rc);
    if (rc != NO_ERROR) printf("START %s failed: %d\n", name, (int)rc);
    return id;
}
