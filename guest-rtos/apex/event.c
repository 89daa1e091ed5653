/* event.c: APEX events (P1-5 3.7.2.4) over the core's events. */
#include "apex_internal.h"

#define MAX_EVENTS 16

static struct {
    uint8_t used;
    NAME_TYPE name;
    struct event e;
} events[MAX_EVENTS];

static int lookup(EVENT_ID_TYPE id) { return id >= 1 && id <= MAX_EVENTS && events[id - 1].used ? id - 1 : -1; }

void CREATE_EVENT(EVENT_NAME_TYPE name, EVENT_ID_TYPE *id, RETURN_CODE_TYPE *rc)
{
    if (!apex_is_init()) { *rc = INVALID_MODE; return; }
    for (int i = 0; i < MAX_EVENTS; i++)
        if (events[i].used && apex_name_eq(events[i].name, name)) { *rc = NO_ACTION; return; }
    if (!apex_name_ok(name)) { *rc = INVALID_PARAM; return; }
    for (int i = 0; i < MAX_EVENTS; i++) {
        if (events[i].used) continue;
        events[i].used = 1;
        apex_name_copy(events[i].name, name);
        event_init(&events[i].e);
        *id = i + 1;
        *rc = NO_ERROR;
        return;
    }
    *rc = INVALID_CONFIG;
}

void SET_EVENT(EVENT_ID_TYPE id, RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0) { *rc = INVALID_PARAM; return; }
    event_set(&events[i].e);
    *rc = NO_ERROR;
}

void RESET_EVENT(EVENT_ID_TYPE id, RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0) { *rc = INVALID_PARAM; return; }
    event_reset(&events[i].e);
    *rc = NO_ERROR;
}

void WAIT_EVENT(EVENT_ID_TYPE id, SYSTEM_TIME_TYPE timeout, RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0) { *rc = INVALID_PARAM; return; }
    RETURN_CODE_TYPE w = apex_wait_check(timeout);
    if (w != NO_ERROR) { *rc = w; return; }
    enum wake_reason r = event_wait(&events[i].e, apex_deadline(timeout), timeout != 0);
    *rc = (r == WAKE_TIMEOUT && timeout == 0) ? NOT_AVAILABLE : apex_wake_rc(r);
}

void GET_EVENT_ID(EVENT_NAME_TYPE name, EVENT_ID_TYPE *id, RETURN_CODE_TYPE *rc)
{
    for (int i = 0; i < MAX_EVENTS; i++)
        if (events[i].used && apex_name_eq(events[i].name, name)) { *id = i + 1; *rc = NO_ERROR; return; }
    *rc = INVALID_CONFIG;
}

void GET_EVENT_STATUS(EVENT_ID_TYPE id, EVENT_STATUS_TYPE *st, RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0) { *rc = INVALID_PARAM; return; }
    st->EVENT_STATE = events[i].e.up ? UP : DOWN;
    st->WAITING_PROCESSES = (WAITING_RANGE_TYPE)waitq_count(&events[i].e.wq);
    *rc = NO_ERROR;
}
