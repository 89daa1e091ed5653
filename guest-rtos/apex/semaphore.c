/* semaphore.c: APEX semaphores (P1-5 3.7.2.3) over the core's counting semaphores. */
#include "apex_internal.h"

#define MAX_SEMAPHORES 16

static struct {
    uint8_t used;
    NAME_TYPE name;
    struct sem s;
} sems[MAX_SEMAPHORES];

static int lookup(SEMAPHORE_ID_TYPE id) { return id >= 1 && id <= MAX_SEMAPHORES && sems[id - 1].used ? id - 1 : -1; }

void CREATE_SEMAPHORE(SEMAPHORE_NAME_TYPE name, SEMAPHORE_VALUE_TYPE cur, SEMAPHORE_VALUE_TYPE max,
                      QUEUING_DISCIPLINE_TYPE disc, SEMAPHORE_ID_TYPE *id, RETURN_CODE_TYPE *rc)
{
    if (!apex_is_init()) { *rc = INVALID_MODE; return; }
    for (int i = 0; i < MAX_SEMAPHORES; i++)
        if (sems[i].used && apex_name_eq(sems[i].name, name)) { *rc = NO_ACTION; return; }
    if (!apex_name_ok(name) || max < 1 || max > MAX_SEMAPHORE_VALUE || cur < 0 || cur > max) { *rc = INVALID_PARAM; return; }
    if (disc != FIFO && disc != PRIORITY) { *rc = INVALID_PARAM; return; }
    for (int i = 0; i < MAX_SEMAPHORES; i++) {
        if (sems[i].used) continue;
        sems[i].used = 1;
        apex_name_copy(sems[i].name, name);
        sem_init(&sems[i].s, cur, max, disc == PRIORITY);
        *id = i + 1;
        *rc = NO_ERROR;
        return;
    }
    *rc = INVALID_CONFIG;
}

void WAIT_SEMAPHORE(SEMAPHORE_ID_TYPE id, SYSTEM_TIME_TYPE timeout, RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0) { *rc = INVALID_PARAM; return; }
    RETURN_CODE_TYPE w = apex_wait_check(timeout);
    if (w != NO_ERROR) { *rc = w; return; }
    enum wake_reason r = sem_wait(&sems[i].s, apex_deadline(timeout), timeout != 0);
    *rc = (r == WAKE_TIMEOUT && timeout == 0) ? NOT_AVAILABLE : apex_wake_rc(r);
}

void SIGNAL_SEMAPHORE(SEMAPHORE_ID_TYPE id, RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0) { *rc = INVALID_PARAM; return; }
    *rc = sem_signal(&sems[i].s) == 0 ? NO_ERROR : NO_ACTION;
}

void GET_SEMAPHORE_ID(SEMAPHORE_NAME_TYPE name, SEMAPHORE_ID_TYPE *id, RETURN_CODE_TYPE *rc)
{
    for (int i = 0; i < MAX_SEMAPHORES; i++)
        if (sems[i].used && apex_name_eq(sems[i].name, name)) { *id = i + 1; *rc = NO_ERROR; return; }
    *rc = INVALID_CONFIG;
}

void GET_SEMAPHORE_STATUS(SEMAPHORE_ID_TYPE id, SEMAPHORE_STATUS_TYPE *st, RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0) { *rc = INVALID_PARAM; return; }
    st->CURRENT_VALUE = sems[i].s.count;
    st->MAXIMUM_VALUE = sems[i].s.max;
    st->WAITING_PROCESSES = (WAITING_RANGE_TYPE)waitq_count(&sems[i].s.wq);
    *rc = NO_ERROR;
}
