/* buffer.c: APEX buffers (P1-5 3.7.2.1) over the core's message queues. */
#include "apex_internal.h"

#define MAX_BUFFERS 16
#define MAX_BUFFER_MESSAGE 8192

static struct {
    uint8_t used;
    NAME_TYPE name;
    struct msgq q;
} bufs[MAX_BUFFERS];

static int lookup(BUFFER_ID_TYPE id) { return id >= 1 && id <= MAX_BUFFERS && bufs[id - 1].used ? id - 1 : -1; }

void CREATE_BUFFER(BUFFER_NAME_TYPE name, MESSAGE_SIZE_TYPE size, MESSAGE_RANGE_TYPE depth, QUEUING_DISCIPLINE_TYPE disc,
                   BUFFER_ID_TYPE *id, RETURN_CODE_TYPE *rc)
{
    if (!apex_is_init()) { *rc = INVALID_MODE; return; }
    for (int i = 0; i < MAX_BUFFERS; i++)
        if (bufs[i].used && apex_name_eq(bufs[i].name, name)) { *rc = NO_ACTION; return; }
    if (!apex_name_ok(name) || size <= 0 || size > MAX_BUFFER_MESSAGE || depth <= 0 || depth > 512) { *rc = INVALID_PARAM; return; }
    if (disc != FIFO && disc != PRIORITY) { *rc = INVALID_PARAM; return; }
    for (int i = 0; i < MAX_BUFFERS; i++) {
        if (bufs[i].used) continue;
        if (msgq_init(&bufs[i].q, (uint32_t)size, (uint32_t)depth, disc == PRIORITY) != 0) break;
        bufs[i].used = 1;
        apex_name_copy(bufs[i].name, name);
        *id = i + 1;
        *rc = NO_ERROR;
        return;
    }
    *rc = INVALID_CONFIG;
}

void SEND_BUFFER(BUFFER_ID_TYPE id, MESSAGE_ADDR_TYPE msg, MESSAGE_SIZE_TYPE len, SYSTEM_TIME_TYPE timeout, RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0) { *rc = INVALID_PARAM; return; }
    if (len <= 0 || (uint32_t)len > bufs[i].q.msg_size) { *rc = INVALID_PARAM; return; }
    RETURN_CODE_TYPE w = apex_wait_check(timeout);
    if (w != NO_ERROR) { *rc = w; return; }
    enum wake_reason r = msgq_send(&bufs[i].q, msg, (uint32_t)len, apex_deadline(timeout), timeout != 0);
    *rc = (r == WAKE_TIMEOUT && timeout == 0) ? NOT_AVAILABLE : apex_wake_rc(r);
}

void RECEIVE_BUFFER(BUFFER_ID_TYPE id, SYSTEM_TIME_TYPE timeout, MESSAGE_ADDR_TYPE msg, MESSAGE_SIZE_TYPE *len, RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0) { *rc = INVALID_PARAM; return; }
    RETURN_CODE_TYPE w = apex_wait_check(timeout);
    if (w != NO_ERROR) { *rc = w; return; }
    uint32_t n = 0;
    enum wake_reason r = msgq_receive(&bufs[i].q, msg, &n, apex_deadline(timeout), timeout != 0);
    *len = r == WAKE_SIGNALED ? (MESSAGE_SIZE_TYPE)n : 0;
    *rc = (r == WAKE_TIMEOUT && timeout == 0) ? NOT_AVAILABLE : apex_wake_rc(r);
}

void GET_BUFFER_ID(BUFFER_NAME_TYPE name, BUFFER_ID_TYPE *id, RETURN_CODE_TYPE *rc)
{
    for (int i = 0; i < MAX_BUFFERS; i++)
        if (bufs[i].used && apex_name_eq(bufs[i].name, name)) { *id = i + 1; *rc = NO_ERROR; return; }
    *rc = INVALID_CONFIG;
}

void GET_BUFFER_STATUS(BUFFER_ID_TYPE id, BUFFER_STATUS_TYPE *st, RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0) { *rc = INVALID_PARAM; return; }
    struct msgq *q = &bufs[i].q;
    st->NB_MESSAGE = (MESSAGE_RANGE_TYPE)q->count;
    st->MAX_NB_MESSAGE = (MESSAGE_RANGE_TYPE)q->depth;
    st->MAX_MESSAGE_SIZE = (MESSAGE_SIZE_TYPE)q->msg_size;
    st->WAITING_PROCESSES = (WAITING_RANGE_TYPE)(waitq_count(&q->senders) + waitq_count(&q->receivers));
    *rc = NO_ERROR;
}
