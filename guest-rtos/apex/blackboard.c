/* blackboard.c: APEX blackboards (P1-5 3.7.2.2): one message that stays until replaced or cleared; a
 * display wakes every reader waiting on the empty board. */
#include <rt/string.h>
#include "apex_internal.h"

#define MAX_BLACKBOARDS 16
#define MAX_BB_MESSAGE 8192

static struct {
    uint8_t used, full;
    NAME_TYPE name;
    uint32_t max, len;
    uint8_t *data;
    struct waitq readers;
} bbs[MAX_BLACKBOARDS];

static int lookup(BLACKBOARD_ID_TYPE id) { return id >= 1 && id <= MAX_BLACKBOARDS && bbs[id - 1].used ? id - 1 : -1; }

void CREATE_BLACKBOARD(BLACKBOARD_NAME_TYPE name, MESSAGE_SIZE_TYPE size, BLACKBOARD_ID_TYPE *id, RETURN_CODE_TYPE *rc)
{
    if (!apex_is_init()) { *rc = INVALID_MODE; return; }
    for (int i = 0; i < MAX_BLACKBOARDS; i++)
        if (bbs[i].used && apex_name_eq(bbs[i].name, name)) { *rc = NO_ACTION; return; }
    if (!apex_name_ok(name) || size <= 0 || size > MAX_BB_MESSAGE) { *rc = INVALID_PARAM; return; }
    for (int i = 0; i < MAX_BLACKBOARDS; i++) {
        if (bbs[i].used) continue;
        bbs[i].data = rtos_alloc((uint32_t)size);
        if (bbs[i].data == 0) break;
        bbs[i].used = 1;
        bbs[i].full = 0;
        bbs[i].max = (uint32_t)size;
        bbs[i].readers.head = 0;
        bbs[i].readers.by_priority = 0;
        apex_name_copy(bbs[i].name, name);
        *id = i + 1;
        *rc = NO_ERROR;
        return;
    }
    *rc = INVALID_CONFIG;
}

void DISPLAY_BLACKBOARD(BLACKBOARD_ID_TYPE id, MESSAGE_ADDR_TYPE msg, MESSAGE_SIZE_TYPE len, RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0) { *rc = INVALID_PARAM; return; }
    if (len <= 0 || (uint32_t)len > bbs[i].max) { *rc = INVALID_PARAM; return; }
    uint32_t s = rtos_enter();
    memcpy(bbs[i].data, msg, (uint32_t)len);
    bbs[i].len = (uint32_t)len;
    bbs[i].full = 1;
    for (struct task *t = bbs[i].readers.head; t != 0; t = t->wq_next) {
        memcpy(t->wait_buf, msg, (uint32_t)len);
        t->wait_len = (uint32_t)len;
    }
    waitq_wake_all(&bbs[i].readers, WAKE_SIGNALED);
    sched_reschedule();
    rtos_leave(s);
    *rc = NO_ERROR;
}

void READ_BLACKBOARD(BLACKBOARD_ID_TYPE id, SYSTEM_TIME_TYPE timeout, MESSAGE_ADDR_TYPE msg, MESSAGE_SIZE_TYPE *len,
                     RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0) { *rc = INVALID_PARAM; return; }
    RETURN_CODE_TYPE w = apex_wait_check(timeout);
    if (w != NO_ERROR) { *rc = w; return; }
    uint32_t s = rtos_enter();
    if (bbs[i].full) {
        memcpy(msg, bbs[i].data, bbs[i].len);
        *len = (MESSAGE_SIZE_TYPE)bbs[i].len;
        *rc = NO_ERROR;
    } else if (timeout == 0) {
        *len = 0;
        *rc = NOT_AVAILABLE;
    } else {
        struct task *me = task_current();
        me->wait_buf = msg;
        enum wake_reason r = task_wait(&bbs[i].readers, apex_deadline(timeout));
        *len = r == WAKE_SIGNALED ? (MESSAGE_SIZE_TYPE)me->wait_len : 0;
        *rc = apex_wake_rc(r);
    }
    rtos_leave(s);
}

void CLEAR_BLACKBOARD(BLACKBOARD_ID_TYPE id, RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0) { *rc = INVALID_PARAM; return; }
    bbs[i].full = 0;
    *rc = NO_ERROR;
}

void GET_BLACKBOARD_ID(BLACKBOARD_NAME_TYPE name, BLACKBOARD_ID_TYPE *id, RETURN_CODE_TYPE *rc)
{
    for (int i = 0; i < MAX_BLACKBOARDS; i++)
        if (bbs[i].used && apex_name_eq(bbs[i].name, name)) { *id = i + 1; *rc = NO_ERROR; return; }
    *rc = INVALID_CONFIG;
}

void GET_BLACKBOARD_STATUS(BLACKBOARD_ID_TYPE id, BLACKBOARD_STATUS_TYPE *st, RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0) { *rc = INVALID_PARAM; return; }
    st->EMPTY_INDICATOR = bbs[i].full ? OCCUPIED : EMPTY;
    st->MAX_MESSAGE_SIZE = (MESSAGE_SIZE_TYPE)bbs[i].max;
    st->WAITING_PROCESSES = (WAITING_RANGE_TYPE)waitq_count(&bbs[i].readers);
    *rc = NO_ERROR;
}
