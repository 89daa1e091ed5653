/* time.c: APEX time management (P1-5 3.4): TIMED_WAIT, PERIODIC_WAIT, GET_TIME and REPLENISH, on the
 * partition tick (waits end at the first tick at or after their time). */
#include "apex_internal.h"

void TIMED_WAIT(SYSTEM_TIME_TYPE delay, RETURN_CODE_TYPE *rc)
{
    RETURN_CODE_TYPE w = apex_wait_check(delay);
    if (delay == INFINITE_TIME_VALUE) { *rc = INVALID_PARAM; return; }
    if (w != NO_ERROR) { *rc = w; return; }
    if (delay == 0) {
        task_yield();
    } else {
        uint32_t s = rtos_enter();
        (void)task_wait(0, rtos_now() + (uint64_t)delay);
        rtos_leave(s);
    }
    *rc = NO_ERROR;
}

void PERIODIC_WAIT(RETURN_CODE_TYPE *rc)
{
    struct apex_process *p = apex_self();
    if (p == 0 || p->is_error_handler || p->attr.PERIOD == INFINITE_TIME_VALUE) { *rc = INVALID_MODE; return; }
    if (p->task->mutexes > 0 || sched_lock_level() > 0) { *rc = INVALID_MODE; return; }
    uint32_t s = rtos_enter();
    SYSTEM_TIME_TYPE next = p->release_time + p->attr.PERIOD;
    p->release_time = next;
    p->deadline_time = next + p->attr.TIME_CAPACITY;
    p->deadline_reported = 0;
    (void)task_wait(0, (uint64_t)next);
    rtos_leave(s);
    *rc = NO_ERROR;
}

void GET_TIME(SYSTEM_TIME_TYPE *t, RETURN_CODE_TYPE *rc)
{
    *t = (SYSTEM_TIME_TYPE)rtos_now();
    *rc = NO_ERROR;
}

void REPLENISH(SYSTEM_TIME_TYPE budget, RETURN_CODE_TYPE *rc)
{
    struct apex_process *p = apex_self();
    if (p == 0 || p->is_error_handler || apex_mode() != NORMAL) { *rc = NO_ACTION; return; }
    if (budget < INFINITE_TIME_VALUE) { *rc = INVALID_PARAM; return; }
    SYSTEM_TIME_TYPE now = (SYSTEM_TIME_TYPE)rtos_now();
    if (budget == INFINITE_TIME_VALUE) {
        if (p->attr.PERIOD != INFINITE_TIME_VALUE) { *rc = INVALID_MODE; return; }
        p->deadline_time = INFINITE_TIME_VALUE;
    } else {
        if (p->attr.PERIOD != INFINITE_TIME_VALUE && now + budget > p->release_time + p->attr.PERIOD) { *rc = INVALID_MODE; return; }
        p->deadline_time = now + budget;
    }
    p->deadline_reported = 0;
    *rc = NO_ERROR;
}
