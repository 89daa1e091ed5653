/* qlist.c: ARINC 653 Part 2 queuing port lists: a process waits on several destination queuing ports at
 * once. A list is a partition-local object (like a buffer) naming ports of this partition, each ACTIVE
 * (scanned) or INACTIVE (skipped). The kernel's queuing_port_list_scan finds the first non-empty ACTIVE
 * port in one trap; waiting happens here, woken like queuing ports by the PORT virq or a tick.
 * Scan order: RESET starts at the list's first port; CONTINUE starts after the port the list returned
 * last (round robin, so one busy port cannot starve the others). Return-code rules: part2.h. */
#include "apex_internal.h"

#define MAX_QLISTS 4
#define MAX_QLIST_SIZE 16

static struct {
    uint8_t used;
    NAME_TYPE name;
    uint32_t max_size, n;
    uint32_t last;                          /* index of the port returned last; n means none yet */
    QUEUING_PORT_ID_TYPE port[MAX_QLIST_SIZE];
    PORT_ACTION_TYPE action[MAX_QLIST_SIZE];
    struct waitq waiters;
} lists[MAX_QLISTS];

static int lookup(QUEUING_PORT_LIST_ID_TYPE id) { return id >= 1 && id <= MAX_QLISTS && lists[id - 1].used ? id - 1 : -1; }

static int slot_of(int l, QUEUING_PORT_ID_TYPE port)
{
    for (uint32_t k = 0; k < lists[l].n; k++)
        if (lists[l].port[k] == port) return (int)k;
    return -1;
}

void apex_qlists_poll(void)
{
    for (int i = 0; i < MAX_QLISTS; i++)
        if (lists[i].used && lists[i].waiters.head != 0) waitq_wake_all(&lists[i].waiters, WAKE_SIGNALED);
}

void CREATE_QUEUING_PORT_LIST(QUEUING_PORT_LIST_NAME_TYPE name, LIST_SIZE_TYPE max_size, QUEUING_PORT_LIST_ID_TYPE *id,
                              RETURN_CODE_TYPE *rc)
{
    if (!apex_is_init()) { *rc = INVALID_MODE; return; }
    if (!apex_name_ok(name)) { *rc = INVALID_CONFIG; return; }
    for (int i = 0; i < MAX_QLISTS; i++)
        if (lists[i].used && apex_name_eq(lists[i].name, name)) { *rc = NO_ACTION; return; }
    if (max_size <= 0 || max_size > MAX_QLIST_SIZE) { *rc = INVALID_PARAM; return; }
    for (int i = 0; i < MAX_QLISTS; i++) {
        if (lists[i].used) continue;
        lists[i].used = 1;
        apex_name_copy(lists[i].name, name);
        lists[i].max_size = (uint32_t)max_size;
        lists[i].n = 0;
        lists[i].last = 0;
        lists[i].waiters.head = 0;
        lists[i].waiters.by_priority = 0;
        *id = i + 1;
        *rc = NO_ERROR;
        return;
    }
    *rc = INVALID_CONFIG;
}

void ADD_PORT_TO_QUEUING_PORT_LIST(QUEUING_PORT_LIST_ID_TYPE list, QUEUING_PORT_ID_TYPE port, PORT_ACTION_TYPE action,
                                   RETURN_CODE_TYPE *rc)
{
    int l = lookup(list);
    struct apex_qport_info q;
    if (l < 0 || apex_qport_info(port, &q) != 0 || (action != INACTIVE && action != ACTIVE)) { *rc = INVALID_PARAM; return; }
    if (!apex_is_init()) { *rc = INVALID_MODE; return; }
    if (q.dir != DESTINATION) { *rc = INVALID_MODE; return; }
    if (slot_of(l, port) >= 0) { *rc = NO_ACTION; return; }
    if (lists[l].n >= lists[l].max_size) { *rc = INVALID_CONFIG; return; }
    lists[l].port[lists[l].n] = port;
    lists[l].action[lists[l].n] = action;
    lists[l].n++;
    lists[l].last = lists[l].n; /* none returned yet: CONTINUE starts at the first port */
    *rc = NO_ERROR;
}

void SET_PORT_ACTION_IN_QUEUING_PORT_LIST(QUEUING_PORT_LIST_ID_TYPE list, QUEUING_PORT_ID_TYPE port, PORT_ACTION_TYPE action,
                                          RETURN_CODE_TYPE *rc)
{
    int l = lookup(list);
    int k = l < 0 ? -1 : slot_of(l, port);
    if (k < 0 || (action != INACTIVE && action != ACTIVE)) { *rc = INVALID_PARAM; return; }
    if (lists[l].action[k] == action) { *rc = NO_ACTION; return; }
    lists[l].action[k] = action;
    *rc = NO_ERROR;
}

void GET_QUEUING_PORT_ACTION_STATUS(QUEUING_PORT_LIST_ID_TYPE list, QUEUING_PORT_ID_TYPE port, PORT_ACTION_TYPE *action,
                                    RETURN_CODE_TYPE *rc)
{
    int l = lookup(list);
    int k = l < 0 ? -1 : slot_of(l, port);
    if (k < 0) { *rc = INVALID_PARAM; return; }
    *action = lists[l].action[k];
    *rc = NO_ERROR;
}

/* One scan of the ACTIVE ports from where `reset` says: the list slot of a port holding a message, or
 * -1 (none, or no ACTIVE port). */
static int scan(int l, RESET_LIST_TYPE reset, RETURN_CODE_TYPE *err)
{
    uint32_t kids[MAX_QLIST_SIZE], slot[MAX_QLIST_SIZE], n = 0, start = 0;
    uint32_t first = reset == RESET || lists[l].last >= lists[l].n ? 0 : lists[l].last + 1;
    for (uint32_t k = 0; k < lists[l].n; k++) {
        struct apex_qport_info q;
        if (lists[l].action[k] != ACTIVE || apex_qport_info(lists[l].port[k], &q) != 0) continue;
        if (k < first) start++;
        kids[n] = q.kid;
        slot[n++] = k;
    }
    *err = NO_ERROR;
    if (n == 0) return -1;
    uint32_t at = 0;
    bsp_rc_t r = bsp_qport_list_scan(kids, n, start % n, &at);
    if (r == BSP_RC_NOT_AVAILABLE) return -1;
    if (r != BSP_RC_OK || at >= n) { *err = r != BSP_RC_OK ? (RETURN_CODE_TYPE)r : INVALID_CONFIG; return -1; }
    return (int)slot[at];
}

/* Scans until a port has a message or the timeout passes: the list slot, or -1 with *rc set. */
static int wait_for(int l, SYSTEM_TIME_TYPE timeout, RESET_LIST_TYPE reset, RETURN_CODE_TYPE *rc)
{
    int k = scan(l, reset, rc);
    if (k >= 0 || *rc != NO_ERROR) return k;
    if (timeout == 0) { *rc = NOT_AVAILABLE; return -1; }
    uint64_t until = apex_deadline(timeout);
    for (;;) {
        uint32_t s = rtos_enter();
        enum wake_reason why = task_wait(&lists[l].waiters, until);
        rtos_leave(s);
        k = scan(l, reset, rc);
        if (k >= 0 || *rc != NO_ERROR) return k;
        if (why == WAKE_TIMEOUT || rtos_now() >= until) { *rc = TIMED_OUT; return -1; }
        if (why == WAKE_STOPPED) { *rc = INVALID_MODE; return -1; }
    }
}

static RETURN_CODE_TYPE list_call_check(int l, SYSTEM_TIME_TYPE timeout, RESET_LIST_TYPE reset)
{
    if (l < 0 || (reset != RESET && reset != CONTINUE)) return INVALID_PARAM;
    return apex_wait_check(timeout);
}

void RECEIVE_MESSAGE_FROM_QUEUING_PORT_LIST(QUEUING_PORT_LIST_ID_TYPE list, SYSTEM_TIME_TYPE timeout, MESSAGE_ADDR_TYPE msg,
                                            MESSAGE_SIZE_TYPE buffer_size, RESET_LIST_TYPE reset,
                                            QUEUING_PORT_ID_TYPE *port, MESSAGE_SIZE_TYPE *len, RETURN_CODE_TYPE *rc)
{
    int l = lookup(list);
    *len = 0;
    RETURN_CODE_TYPE w = list_call_check(l, timeout, reset);
    if (w != NO_ERROR) { *rc = w; return; }
    for (uint32_t k = 0; k < lists[l].n; k++) {
        struct apex_qport_info q;
        if (apex_qport_info(lists[l].port[k], &q) == 0 && buffer_size < (MESSAGE_SIZE_TYPE)q.max_size) { *rc = INVALID_PARAM; return; }
    }
    for (;;) {
        int k = wait_for(l, timeout, reset, rc);
        if (k < 0) return;
        struct apex_qport_info q;
        uint32_t n = 0;
        (void)apex_qport_info(lists[l].port[k], &q);
        bsp_rc_t r = bsp_qport_receive(q.kid, msg, q.max_size, &n);
        if (r == BSP_RC_NOT_AVAILABLE) continue; /* another process of this partition took it first */
        lists[l].last = (uint32_t)k;
        *port = lists[l].port[k];
        *len = r == BSP_RC_OK ? (MESSAGE_SIZE_TYPE)n : 0;
        *rc = (RETURN_CODE_TYPE)r;
        return;
    }
}

void WAIT_FOR_MESSAGE_FROM_QUEUING_PORT_LIST(QUEUING_PORT_LIST_ID_TYPE list, SYSTEM_TIME_TYPE timeout, RESET_LIST_TYPE reset,
                                             QUEUING_PORT_ID_TYPE *port, RETURN_CODE_TYPE *rc)
{
    int l = lookup(list);
    RETURN_CODE_TYPE w = list_call_check(l, timeout, reset);
    if (w != NO_ERROR) { *rc = w; return; }
    int k = wait_for(l, timeout, reset, rc);
    if (k < 0) return;
    lists[l].last = (uint32_t)k;
    *port = lists[l].port[k];
    *rc = NO_ERROR;
}
