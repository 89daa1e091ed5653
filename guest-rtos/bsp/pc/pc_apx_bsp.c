/* pc_apx_bsp.c: bsp.h partition, schedule, HM, port and logbook services of the bare-PC BSP. With the
 * apexvisor service device (pc_apx.c) each is the kernel's service, with the same explicit PV_E* -> ARINC
 * translation as the PV BSPs (pv_abi_to_arinc); without it, the local answers of pc_host.c/pc_logbook.c.
 * Like the PV BSPs it never blocks: the core waits (an HLT until the next PIT tick). */
#include <bsp.h>
#include <rt/string.h>
#include "pv_abi.h"
#include "pc_apx.h"
#include "pc_local.h"

#define W(p) ((uint32_t)(uintptr_t)(p))
#define CALL(svc, a, b, c, d, e) ((pv_status_t)pc_apx_call((svc), (a), (b), (c), (d), (e)))

static bsp_rc_t rc(uint32_t svc, pv_status_t r) { return pv_abi_to_arinc(svc, r); }

bsp_rc_t bsp_partition_status(struct bsp_partition_status *st)
{
    if (!pc_apx_present()) return pc_local_partition_status(st);
    struct pv_partition_status ps;
    pv_status_t r = CALL(PV_SVC_PARTITION_GET_STATUS, W(&ps), 0, 0, 0, 0);
    if (r >= 0) {
        st->period_ns = ps.period_ns;
        st->duration_ns = ps.duration_ns;
        st->identifier = ps.partition_id;
        st->operating_mode = ps.operating_mode;
        st->start_condition = ps.start_condition;
        st->num_assigned_cores = ps.num_assigned_cores;
    }
    return rc(PV_SVC_PARTITION_GET_STATUS, r);
}

bsp_rc_t bsp_partition_set_mode(uint32_t mode)
{
    if (!pc_apx_present()) return pc_local_partition_set_mode(mode);
    return rc(PV_SVC_PARTITION_SET_MODE, CALL(PV_SVC_PARTITION_SET_MODE, mode, 0, 0, 0, 0));
}

bsp_rc_t bsp_partition_set_mode_of(uint32_t partition_id, uint32_t mode)
{
    if (!pc_apx_present()) return pc_local_partition_set_mode_of(partition_id, mode);
    return rc(PV_SVC_PARTITION_SET_MODE_OF, CALL(PV_SVC_PARTITION_SET_MODE_OF, partition_id, mode, 0, 0, 0));
}

bsp_rc_t bsp_schedule_set_next(uint32_t id)
{
    if (!pc_apx_present()) return pc_local_schedule_set_next(id);
    return rc(PV_SVC_SCHEDULE_SET_NEXT, CALL(PV_SVC_SCHEDULE_SET_NEXT, id, 0, 0, 0, 0));
}

bsp_rc_t bsp_schedule_status(uint64_t *last, uint32_t *cur, uint32_t *next)
{
    if (!pc_apx_present()) return pc_local_schedule_status(last, cur, next);
    struct pv_schedule_status s;
    pv_status_t r = CALL(PV_SVC_SCHEDULE_GET_STATUS, W(&s), 0, 0, 0, 0);
    if (r >= 0) {
        *last = s.time_of_last_schedule_switch_ns;
        *cur = s.current_schedule;
        *next = s.next_schedule;
    }
    return rc(PV_SVC_SCHEDULE_GET_STATUS, r);
}

bsp_rc_t bsp_schedule_id(const char *name, uint32_t len, uint32_t *id)
{
    if (!pc_apx_present()) return pc_local_schedule_id(name, len, id);
    return rc(PV_SVC_SCHEDULE_GET_ID, CALL(PV_SVC_SCHEDULE_GET_ID, W(name), len, W(id), 0, 0));
}

bsp_rc_t bsp_memory_block_status(const char *name, uint32_t *address, uint32_t *size, uint32_t *mode)
{
    if (!pc_apx_present()) return pc_local_memory_block_status(name, address, size, mode);
    struct pv_memory_block_status s;
    pv_status_t r = CALL(PV_SVC_MEMORY_BLOCK_STATUS, W(name), (uint32_t)strnlen(name, 31), W(&s), 0, 0);
    if (r >= 0) {
        *address = s.address;
        *size = s.size;
        *mode = s.mode;
    }
    return rc(PV_SVC_MEMORY_BLOCK_STATUS, r);
}

/* 1: the error goes to the RTOS's error handler; 0: the kernel's HM tables acted (or will, after the call). */
int bsp_hm_raise_error(uint32_t code, int no_handler, uint32_t address, const char *msg, uint32_t len)
{
    if (!pc_apx_present()) return pc_local_hm_raise_error(code, no_handler, address, msg, len);
    uint32_t r = pc_apx_call(PV_SVC_HM_RAISE_ERROR, code, no_handler ? PV_HMF_NO_HANDLER : 0u, address, W(msg), len);
    return r == 1u ? 1 : 0;
}

void bsp_hm_handler_state(uint32_t state)
{
    if (!pc_apx_present()) {
        pc_local_hm_handler_state(state);
        return;
    }
    (void)CALL(PV_SVC_HM_SET_HANDLER_STATE, state, 0, 0, 0, 0);
}

bsp_rc_t bsp_hm_report(const char *msg, uint32_t len)
{
    if (!pc_apx_present()) return pc_local_hm_report(msg, len);
    return rc(PV_SVC_HM_REPORT_MESSAGE, CALL(PV_SVC_HM_REPORT_MESSAGE, W(msg), len, 0, 0, 0));
}

bsp_rc_t bsp_hm_take_error(uint32_t *code, uint32_t *addr, char *msg, uint32_t cap, uint32_t *len)
{
    if (!pc_apx_present()) return pc_local_hm_take_error(code, addr, msg, cap, len);
    struct pv_hm_error_status s;
    pv_status_t r = CALL(PV_SVC_HM_GET_ERROR_STATUS, W(&s), 0, 0, 0, 0);
    if (r >= 0) {
        uint32_t n = s.message_len < cap ? s.message_len : cap;
        if (n > sizeof s.message) n = sizeof s.message;
        *code = s.error_code;
        *addr = s.failed_address;
        memcpy(msg, s.message, n);
        *len = n;
    }
    return rc(PV_SVC_HM_GET_ERROR_STATUS, r);
}

static void copy_name(char dst[32], const char *name)
{
    memset(dst, 0, 32);
    strncpy(dst, name, 31);
}

bsp_rc_t bsp_sport_create(const char *name, uint32_t max_size, uint32_t dir, uint64_t refresh_ns, uint32_t *id)
{
    if (!pc_apx_present()) return pc_local_sport_create(name, max_size, dir, refresh_ns, id);
    struct pv_sampling_port_config c;
    copy_name(c.name, name);
    c.max_message_size = max_size;
    c.direction = dir;
    c.refresh_period_ns = refresh_ns;
    return rc(PV_SVC_SAMPLING_PORT_CREATE, CALL(PV_SVC_SAMPLING_PORT_CREATE, W(&c), W(id), 0, 0, 0));
}

bsp_rc_t bsp_sport_id(const char *name, uint32_t *id)
{
    if (!pc_apx_present()) return pc_local_sport_id(name, id);
    return rc(PV_SVC_SAMPLING_PORT_GET_ID, CALL(PV_SVC_SAMPLING_PORT_GET_ID, W(name), (uint32_t)strnlen(name, 31), W(id), 0, 0));
}

bsp_rc_t bsp_sport_write(uint32_t id, const void *msg, uint32_t len)
{
    if (!pc_apx_present()) return pc_local_sport_write(id, msg, len);
    return rc(PV_SVC_SAMPLING_PORT_WRITE, CALL(PV_SVC_SAMPLING_PORT_WRITE, id, W(msg), len, 0, 0));
}

bsp_rc_t bsp_sport_read(uint32_t id, void *buf, uint32_t cap, uint32_t *len, uint32_t *valid)
{
    if (!pc_apx_present()) return pc_local_sport_read(id, buf, cap, len, valid);
    pv_status_t r = CALL(PV_SVC_SAMPLING_PORT_READ, id, W(buf), cap, W(valid), 0);
    if (r >= 0) *len = (uint32_t)r;
    return rc(PV_SVC_SAMPLING_PORT_READ, r);
}

bsp_rc_t bsp_sport_status(uint32_t id, uint64_t *refresh, uint32_t *max_size, uint32_t *dir, uint32_t *valid)
{
    if (!pc_apx_present()) return pc_local_sport_status(id, refresh, max_size, dir, valid);
    struct pv_sampling_port_status s;
    pv_status_t r = CALL(PV_SVC_SAMPLING_PORT_STATUS, id, W(&s), 0, 0, 0);
    if (r >= 0) {
        *refresh = s.refresh_period_ns;
        *max_size = s.max_message_size;
        *dir = s.direction;
        *valid = s.last_msg_validity;
    }
    return rc(PV_SVC_SAMPLING_PORT_STATUS, r);
}

bsp_rc_t bsp_sport_read_updated(uint32_t id, void *buf, uint32_t cap, uint32_t *len, uint32_t *valid)
{
    if (!pc_apx_present()) return pc_local_sport_read_updated(id, buf, cap, len, valid);
    pv_status_t r = CALL(PV_SVC_SAMPLING_PORT_READ_UPDATED, id, W(buf), cap, W(valid), 0);
    if (r >= 0) *len = (uint32_t)r;
    return rc(PV_SVC_SAMPLING_PORT_READ_UPDATED, r);
}

bsp_rc_t bsp_sport_current_status(uint32_t id, struct bsp_sport_current *st)
{
    if (!pc_apx_present()) return pc_local_sport_current_status(id, st);
    struct pv_sampling_port_current_status s;
    pv_status_t r = CALL(PV_SVC_SAMPLING_PORT_CURRENT_STATUS, id, W(&s), 0, 0, 0);
    if (r >= 0) {
        st->refresh_ns = s.refresh_period_ns;
        st->time_stamp_ns = s.time_stamp_ns;
        st->max_size = s.max_message_size;
        st->dir = s.direction;
        st->validity = s.message_validity;
        st->updated = s.updated;
    }
    return rc(PV_SVC_SAMPLING_PORT_CURRENT_STATUS, r);
}

bsp_rc_t bsp_qport_create(const char *name, uint32_t max_size, uint32_t max_nb, uint32_t dir, uint32_t disc, uint32_t *id)
{
    if (!pc_apx_present()) return pc_local_qport_create(name, max_size, max_nb, dir, disc, id);
    struct pv_queuing_port_config c;
    copy_name(c.name, name);
    c.max_message_size = max_size;
    c.max_nb_message = max_nb;
    c.direction = dir;
    c.queuing_discipline = disc;
    return rc(PV_SVC_QUEUING_PORT_CREATE, CALL(PV_SVC_QUEUING_PORT_CREATE, W(&c), W(id), 0, 0, 0));
}

bsp_rc_t bsp_qport_id(const char *name, uint32_t *id)
{
    if (!pc_apx_present()) return pc_local_qport_id(name, id);
    return rc(PV_SVC_QUEUING_PORT_GET_ID, CALL(PV_SVC_QUEUING_PORT_GET_ID, W(name), (uint32_t)strnlen(name, 31), W(id), 0, 0));
}

bsp_rc_t bsp_qport_send(uint32_t id, const void *msg, uint32_t len)
{
    if (!pc_apx_present()) return pc_local_qport_send(id, msg, len);
    return rc(PV_SVC_QUEUING_PORT_SEND, CALL(PV_SVC_QUEUING_PORT_SEND, id, W(msg), len, 0, 0));
}

bsp_rc_t bsp_qport_receive(uint32_t id, void *buf, uint32_t cap, uint32_t *len)
{
    if (!pc_apx_present()) return pc_local_qport_receive(id, buf, cap, len);
    pv_status_t r = CALL(PV_SVC_QUEUING_PORT_RECEIVE, id, W(buf), cap, 0, 0);
    if (r >= 0) *len = (uint32_t)r;
    return rc(PV_SVC_QUEUING_PORT_RECEIVE, r);
}

bsp_rc_t bsp_qport_status(uint32_t id, uint32_t *nb, uint32_t *max_nb, uint32_t *max_size, uint32_t *dir)
{
    if (!pc_apx_present()) return pc_local_qport_status(id, nb, max_nb, max_size, dir);
    struct pv_queuing_port_status s;
    pv_status_t r = CALL(PV_SVC_QUEUING_PORT_STATUS, id, W(&s), 0, 0, 0);
    if (r >= 0) {
        *nb = s.nb_message;
        *max_nb = s.max_nb_message;
        *max_size = s.max_message_size;
        *dir = s.direction;
    }
    return rc(PV_SVC_QUEUING_PORT_STATUS, r);
}

bsp_rc_t bsp_qport_clear(uint32_t id)
{
    if (!pc_apx_present()) return pc_local_qport_clear(id);
    return rc(PV_SVC_QUEUING_PORT_CLEAR, CALL(PV_SVC_QUEUING_PORT_CLEAR, id, 0, 0, 0, 0));
}

bsp_rc_t bsp_qport_list_scan(const uint32_t *ids, uint32_t n, uint32_t start, uint32_t *index)
{
    if (!pc_apx_present()) return pc_local_qport_list_scan(ids, n, start, index);
    pv_status_t r = CALL(PV_SVC_QUEUING_PORT_LIST_SCAN, W(ids), n * 4u, start, 0, 0);
    if (r >= 0) *index = (uint32_t)r;
    return rc(PV_SVC_QUEUING_PORT_LIST_SCAN, r);
}

bsp_rc_t bsp_logbook_create(const char *name, uint32_t max_size, uint32_t max_logged, uint32_t max_in_progress, uint32_t *id)
{
    if (!pc_apx_present()) return pc_local_logbook_create(name, max_size, max_logged, max_in_progress, id);
    struct pv_logbook_config c;
    memset(&c, 0, sizeof c);
    copy_name(c.name, name);
    c.max_message_size = max_size;
    c.max_nb_logged_messages = max_logged;
    c.max_nb_in_progress_messages = max_in_progress;
    return rc(PV_SVC_LOGBOOK_CREATE, CALL(PV_SVC_LOGBOOK_CREATE, W(&c), W(id), 0, 0, 0));
}

bsp_rc_t bsp_logbook_write(uint32_t id, const void *msg, uint32_t len)
{
    if (!pc_apx_present()) return pc_local_logbook_write(id, msg, len);
    return rc(PV_SVC_LOGBOOK_WRITE, CALL(PV_SVC_LOGBOOK_WRITE, id, W(msg), len, 0, 0));
}

bsp_rc_t bsp_logbook_read(uint32_t id, uint32_t index, void *buf, uint32_t cap, uint32_t *len)
{
    if (!pc_apx_present()) return pc_local_logbook_read(id, index, buf, cap, len);
    pv_status_t r = CALL(PV_SVC_LOGBOOK_READ, id, index, W(buf), cap, 0);
    if (r >= 0) *len = (uint32_t)r;
    return rc(PV_SVC_LOGBOOK_READ, r);
}

bsp_rc_t bsp_logbook_clear(uint32_t id)
{
    if (!pc_apx_present()) return pc_local_logbook_clear(id);
    return rc(PV_SVC_LOGBOOK_CLEAR, CALL(PV_SVC_LOGBOOK_CLEAR, id, 0, 0, 0, 0));
}

bsp_rc_t bsp_logbook_id(const char *name, uint32_t *id)
{
    if (!pc_apx_present()) return pc_local_logbook_id(name, id);
    return rc(PV_SVC_LOGBOOK_GET_ID, CALL(PV_SVC_LOGBOOK_GET_ID, W(name), (uint32_t)strnlen(name, 31), W(id), 0, 0));
}

bsp_rc_t bsp_logbook_status(uint32_t id, struct bsp_logbook_status *st)
{
    if (!pc_apx_present()) return pc_local_logbook_status(id, st);
    struct pv_logbook_status s;
    pv_status_t r = CALL(PV_SVC_LOGBOOK_STATUS, id, W(&s), 0, 0, 0);
    if (r >= 0) {
        st->max_message_size = s.max_message_size;
        st->max_nb_logged = s.max_nb_logged_messages;
        st->max_nb_in_progress = s.max_nb_in_progress_messages;
        st->nb_logged = s.nb_logged_messages;
        st->nb_in_progress = s.nb_in_progress_messages;
        st->nb_overwritten = s.nb_overwritten_messages;
    }
    return rc(PV_SVC_LOGBOOK_STATUS, r);
}

/* The kernel's virtual time (the module clock the port time stamps use); 0 when the call fails. */
uint64_t pc_apx_time_ns(void)
{
    uint64_t t = 0;
    (void)CALL(PV_SVC_TIME_GET, W(&t), 0, 0, 0, 0);
    return t;
}
