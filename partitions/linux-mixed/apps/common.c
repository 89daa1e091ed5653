/* common.c: console and process helpers of the linux-mixed RTOS partitions. */
#include <stdarg.h>
#include <rt/string.h>
#include "mixed.h"

void mixed_log(const char *fmt, ...)
{
    SYSTEM_TIME_TYPE now = 0;
    RETURN_CODE_TYPE rc;
    GET_TIME(&now, &rc);
    uint64_t us = (uint64_t)now / 1000u;
    printf("[%6u.%03u ms] ", (unsigned)(us / 1000u), (unsigned)(us % 1000u));
    va_list ap;
    va_start(ap, fmt);
    (void)vprintf(fmt, ap);
    va_end(ap);
}

void mixed_name(NAME_TYPE out, const char *s)
{
    memset(out, 0, MAX_NAME_LENGTH);
    strncpy(out, s, MAX_NAME_LENGTH);
}

PROCESS_ID_TYPE mixed_start(const char *name, void (*entry)(void), SYSTEM_TIME_TYPE period)
{
    PROCESS_ATTRIBUTE_TYPE a;
    PROCESS_ID_TYPE id = 0;
    RETURN_CODE_TYPE rc;
    memset(&a, 0, sizeof a);
    a.PERIOD = period;
    a.TIME_CAPACITY = period;
    a.ENTRY_POINT = entry;
    a.STACK_SIZE = 8192;
    a.BASE_PRIORITY = 10;
    a.DEADLINE = SOFT;
    mixed_name(a.NAME, name);
    CREATE_PROCESS(&a, &id, &rc);
    if (rc != NO_ERROR) {
        printf("CREATE_PROCESS %s failed: %d\n", name, (int)rc);
        return 0;
    }
    START(id, &rc);
    if (rc != NO_ERROR) printf("START %s failed: %d\n", name, (int)rc);
    return id;
}
