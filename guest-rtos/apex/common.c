/* common.c: name handling and the rules every blocking APEX service shares (timeout validity, who may
 * wait, wake reason to return code). */
#include <rt/string.h>
#include "apex_internal.h"

int apex_name_eq(const char *a, const char *b) { return strncmp(a, b, MAX_NAME_LENGTH) == 0; }

void apex_name_copy(char *dst, const char *src)
{
    memset(dst, 0, MAX_NAME_LENGTH);
    strncpy(dst, src, MAX_NAME_LENGTH);
}

int apex_name_ok(const char *name) { return name != 0 && name[0] != '\0'; }

RETURN_CODE_TYPE apex_wait_check(SYSTEM_TIME_TYPE timeout)
{
    if (timeout < INFINITE_TIME_VALUE) return INVALID_PARAM;
    if (timeout == 0) return NO_ERROR;
    struct apex_process *me = apex_self();
    if (me == 0 || me->is_error_handler) return INVALID_MODE;
    if (me->task->mutexes > 0 || sched_lock_level() > 0) return INVALID_MODE;
    return NO_ERROR;
}

uint64_t apex_deadline(SYSTEM_TIME_TYPE timeout)
{
    if (timeout == INFINITE_TIME_VALUE) return RTOS_FOREVER;
    return rtos_now() + (uint64_t)timeout;
}

RETURN_CODE_TYPE apex_wake_rc(enum wake_reason r)
{
    switch (r) {
    case WAKE_SIGNALED: return NO_ERROR;
    case WAKE_TIMEOUT: return TIMED_OUT;
    case WAKE_STOPPED: return INVALID_MODE;
    case WAKE_NONE: return TIMED_OUT;
    }
    return TIMED_OUT;
}
