/* ports.c: APEX sampling and queuing ports (P1-5 3.6) over the kernel's port services. The kernel never
 * blocks: a queuing send/receive that finds the queue full/empty waits here on the port's local queue and
 * retries when the PORT virq or a tick arrives (apex_ports_poll), producing TIMED_OUT itself. */
#include "apex_internal.h"

#define MAX_QPORTS 16

static struct {
    uint8_t used;
    uint32_t kid;               /* the kernel's port id */
    struct waitq waiters;
} qports[MAX_QPORTS];

void apex_ports_poll(void)
{
    for (int i = 0; i < MAX_QPORTS; i++)
        if (qports[i].used && qports[i].waiters.head != 0) waitq_wake_all(&qports[i].waiters, WAKE_SIGNALED);
    if (apex_qlists_poll != 0) apex_qlists_poll();
}

static int lookup(QUEUING_PORT_ID_TYPE id) { return id >= 1 && id <= MAX_QPORTS && qports[id - 1].used ? id - 1 : -1; }

int apex_qport_info(QUEUING_PORT_ID_TYPE id, struct apex_qport_info *out)
{
    int i = lookup(id);
    uint32_t nb, max_nb, max = 0, dir = 0;
    if (i < 0 || bsp_qport_status(qports[i].kid, &nb, &max_nb, &max, &dir) != BSP_RC_OK) return -1;
    out->kid = qports[i].kid;
    out->max_size = max;
    out->dir = dir == 0 ? SOURCE : DESTINATION;
    return 0;
}

void CREATE_SAMPLING_PORT(SAMPLING_PORT_NAME_TYPE name, MESSAGE_SIZE_TYPE size, PORT_DIRECTION_TYPE dir,
                          SYSTEM_TIME_TYPE refresh, SAMPLING_PORT_ID_TYPE *id, RETURN_CODE_TYPE *rc)
{
    uint32_t kid = 0;
    if (!apex_is_init()) { *rc = INVALID_MODE; return; }
    if (size <= 0 || (dir != SOURCE && dir != DESTINATION) || refresh < 0) { *rc = INVALID_PARAM; return; }
    if (!apex_name_ok(name)) { *rc = INVALID_CONFIG; return; }
    char n[MAX_NAME_LENGTH + 1];
    apex_name_copy(n, name);
    n[MAX_NAME_LENGTH] = '\0';
    bsp_rc_t r = bsp_sport_create(n, (uint32_t)size, (uint32_t)dir, (uint64_t)refresh, &kid);
    if (r == BSP_RC_OK) *id = (SAMPLING_PORT_ID_TYPE)kid + 1;
    *rc = (RETURN_CODE_TYPE)r;
}

void WRITE_SAMPLING_MESSAGE(SAMPLING_PORT_ID_TYPE id, MESSAGE_ADDR_TYPE msg, MESSAGE_SIZE_TYPE len, RETURN_CODE_TYPE *rc)
{
    if (id < 1 || len <= 0) { *rc = INVALID_PARAM; return; }
    *rc = (RETURN_CODE_TYPE)bsp_sport_write((uint32_t)id - 1, msg, (uint32_t)len);
}

void READ_SAMPLING_MESSAGE(SAMPLING_PORT_ID_TYPE id, MESSAGE_ADDR_TYPE msg, MESSAGE_SIZE_TYPE *len, VALIDITY_TYPE *valid,
                           RETURN_CODE_TYPE *rc)
{
    uint64_t refresh;
    uint32_t max = 0, dir, v = 0, n = 0;
    if (id < 1 || bsp_sport_status((uint32_t)id - 1, &refresh, &max, &dir, &v) != BSP_RC_OK) { *rc = INVALID_PARAM; return; }
    bsp_rc_t r = bsp_sport_read((uint32_t)id - 1, msg, max, &n, &v);
    *len = r == BSP_RC_OK ? (MESSAGE_SIZE_TYPE)n : 0;
    *valid = (r == BSP_RC_OK && v != 0) ? VALID : INVALID;
    *rc = (RETURN_CODE_TYPE)r;
}

void GET_SAMPLING_PORT_ID(SAMPLING_PORT_NAME_TYPE name, SAMPLING_PORT_ID_TYPE *id, RETURN_CODE_TYPE *rc)
{
    uint32_t kid = 0;
    char n[MAX_NAME_LENGTH + 1];
    if (!apex_name_ok(name)) { *rc = INVALID_CONFIG; return; }
    apex_name_copy(n, name);
    n[MAX_NAME_LENGTH] = '\0';
    bsp_rc_t r = bsp_sport_id(n, &kid);
    if (r == BSP_RC_OK) *id = (SAMPLING_PORT_ID_TYPE)kid + 1;
    *rc = (RETURN_CODE_TYPE)r;
}

void GET_SAMPLING_PORT_STATUS(SAMPLING_PORT_ID_TYPE id, SAMPLING_PORT_STATUS_TYPE *st, RETURN_CODE_TYPE *rc)
{
    uint64_t refresh = 0;
    uint32_t max = 0, dir = 0, v = 0;
    if (id < 1) { *rc = INVALID_PARAM; return; }
    bsp_rc_t r = bsp_sport_status((uint32_t)id - 1, &refresh, &max, &dir, &v);
    if (r == BSP_RC_OK) {
        st->REFRESH_PERIOD = (SYSTEM_TIME_TYPE)refresh;
        st->MAX_MESSAGE_SIZE = (MESSAGE_SIZE_TYPE)max;
        st->PORT_DIRECTION = dir == 0 ? SOURCE : DESTINATION;
        st->LAST_MSG_VALIDITY = v != 0 ? VALID : INVALID;
    }
    *rc = (RETURN_CODE_TYPE)r;
}

void CREATE_QUEUING_PORT(QUEUING_PORT_NAME_TYPE name, MESSAGE_SIZE_TYPE size, MESSAGE_RANGE_TYPE depth,
                         PORT_DIRECTION_TYPE dir, QUEUING_DISCIPLINE_TYPE disc, QUEUING_PORT_ID_TYPE *id,
                         RETURN_CODE_TYPE *rc)
{
    uint32_t kid = 0;
    if (!apex_is_init()) { *rc = INVALID_MODE; return; }
    if (size <= 0 || depth <= 0 || (dir != SOURCE && dir != DESTINATION) || (disc != FIFO && disc != PRIORITY)) {
        *rc = INVALID_PARAM;
        return;
    }
    if (!apex_name_ok(name)) { *rc = INVALID_CONFIG; return; }
    char n[MAX_NAME_LENGTH + 1];
    apex_name_copy(n, name);
    n[MAX_NAME_LENGTH] = '\0';
    bsp_rc_t r = bsp_qport_create(n, (uint32_t)size, (uint32_t)depth, (uint32_t)dir, (uint32_t)disc, &kid);
    if (r != BSP_RC_OK) { *rc = (RETURN_CODE_TYPE)r; return; }
    for (int i = 0; i < MAX_QPORTS; i++) {
        if (qports[i].used) continue;
        qports[i].used = 1;
        qports[i].kid = kid;
        qports[i].waiters.head = 0;
        qports[i].waiters.by_priority = disc == PRIORITY;
        *id = i + 1;
        *rc = NO_ERROR;
        return;
    }
    *rc = INVALID_CONFIG;
}

/* Retries `op` until it stops saying NOT_AVAILABLE or the timeout passes. */
static RETURN_CODE_TYPE with_timeout(int i, SYSTEM_TIME_TYPE timeout, bsp_rc_t (*op)(int i, void *ctx), void *ctx)
{
    bsp_rc_t r = op(i, ctx);
    if (r != BSP_RC_NOT_AVAILABLE || timeout == 0) return (RETURN_CODE_TYPE)r;
    RETURN_CODE_TYPE w = apex_wait_check(timeout);
    if (w != NO_ERROR) return w;
    uint64_t until = apex_deadline(timeout);
    for (;;) {
        uint32_t s = rtos_enter();
        enum wake_reason why = task_wait(&qports[i].waiters, until);
        rtos_leave(s);
        r = op(i, ctx);
        if (r != BSP_RC_NOT_AVAILABLE) return (RETURN_CODE_TYPE)r;
        if (why == WAKE_TIMEOUT || rtos_now() >= until) return TIMED_OUT;
        if (why == WAKE_STOPPED) return INVALID_MODE;
    }
}

struct xfer {
    void *buf;
    uint32_t len;
};

static bsp_rc_t do_send(int i, void *ctx)
{
    struct xfer *x = ctx;
    return bsp_qport_send(qports[i].kid, x->buf, x->len);
}

static bsp_rc_t do_receive(int i, void *ctx)
{
    struct xfer *x = ctx;
    uint32_t nb, max_nb, max = 0, dir;
    bsp_rc_t r = bsp_qport_status(qports[i].kid, &nb, &max_nb, &max, &dir);
    if (r != BSP_RC_OK) return r;
    return bsp_qport_receive(qports[i].kid, x->buf, max, &x->len);
}

void SEND_QUEUING_MESSAGE(QUEUING_PORT_ID_TYPE id, MESSAGE_ADDR_TYPE msg, MESSAGE_SIZE_TYPE len, SYSTEM_TIME_TYPE timeout,
                          RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0 || len <= 0 || timeout < INFINITE_TIME_VALUE) { *rc = INVALID_PARAM; return; }
    struct xfer x = { msg, (uint32_t)len };
    *rc = with_timeout(i, timeout, do_send, &x);
}

void RECEIVE_QUEUING_MESSAGE(QUEUING_PORT_ID_TYPE id, SYSTEM_TIME_TYPE timeout, MESSAGE_ADDR_TYPE msg, MESSAGE_SIZE_TYPE *len,
                             RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0 || timeout < INFINITE_TIME_VALUE) { *rc = INVALID_PARAM; return; }
    struct xfer x = { msg, 0 };
    *rc = with_timeout(i, timeout, do_receive, &x);
    *len = *rc == NO_ERROR ? (MESSAGE_SIZE_TYPE)x.len : 0;
}

void GET_QUEUING_PORT_ID(QUEUING_PORT_NAME_TYPE name, QUEUING_PORT_ID_TYPE *id, RETURN_CODE_TYPE *rc)
{
    uint32_t kid = 0;
    char n[MAX_NAME_LENGTH + 1];
    if (!apex_name_ok(name)) { *rc = INVALID_CONFIG; return; }
    apex_name_copy(n, name);
    n[MAX_NAME_LENGTH] = '\0';
    bsp_rc_t r = bsp_qport_id(n, &kid);
    if (r != BSP_RC_OK) { *rc = (RETURN_CODE_TYPE)r; return; }
    for (int i = 0; i < MAX_QPORTS; i++)
        if (qports[i].used && qports[i].kid == kid) { *id = i + 1; *rc = NO_ERROR; return; }
    *rc = INVALID_CONFIG;
}

void GET_QUEUING_PORT_STATUS(QUEUING_PORT_ID_TYPE id, QUEUING_PORT_STATUS_TYPE *st, RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    uint32_t nb = 0, max_nb = 0, max = 0, dir = 0;
    if (i < 0) { *rc = INVALID_PARAM; return; }
    bsp_rc_t r = bsp_qport_status(qports[i].kid, &nb, &max_nb, &max, &dir);
    if (r == BSP_RC_OK) {
        st->NB_MESSAGE = (MESSAGE_RANGE_TYPE)nb;
        st->MAX_NB_MESSAGE = (MESSAGE_RANGE_TYPE)max_nb;
        st->MAX_MESSAGE_SIZE = (MESSAGE_SIZE_TYPE)max;
        st->PORT_DIRECTION = dir == 0 ? SOURCE : DESTINATION;
        st->WAITING_PROCESSES = (WAITING_RANGE_TYPE)waitq_count(&qports[i].waiters);
    }
    *rc = (RETURN_CODE_TYPE)r;
}

void CLEAR_QUEUING_PORT(QUEUING_PORT_ID_TYPE id, RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0) { *rc = INVALID_PARAM; return; }
    *rc = (RETURN_CODE_TYPE)bsp_qport_clear(qports[i].kid);
}
