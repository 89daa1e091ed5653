/* pv_services.c: the bsp.h partition, schedule, HM, port, logbook and memory-block services over the paravirt
 * ABI's pv_* calls, with the explicit PV_E* -> ARINC translation (pv_abi_to_arinc), written once for every
 * binding: the trap and jump-table BSPs link their pv_* calls, the bare-PC BSP its service device's
 * (pc_apx_bsp.c). <pv_bsp_local.h>, from the binding's include path, says when a binding answers locally. */
#include <bsp.h>
#include <rt/string.h>
#include <pv_bsp_local.h>
#include "pv_abi.h"

static bsp_rc_t rc(uint32_t svc, pv_status_t r) { return pv_abi_to_arinc(svc, r); }

bsp_rc_t bsp_partition_status(struct bsp_partition_status *st)
{
    PV_BSP_LOCAL(partition_status, (st));
    struct pv_partition_status ps;
    pv_status_t r = pv_partition_get_status(&ps);
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
    PV_BSP_LOCAL(partition_set_mode, (mode));
    bsp_console_flush();
    return rc(PV_SVC_PARTITION_SET_MODE, pv_partition_set_mode(mode));
}

bsp_rc_t bsp_schedule_set_next(uint32_t id)
{
    PV_BSP_LOCAL(schedule_set_next, (id));
    return rc(PV_SVC_SCHEDULE_SET_NEXT, pv_schedule_set_next(id));
}

bsp_rc_t bsp_schedule_status(uint64_t *last, uint32_t *cur, uint32_t *next)
{
    PV_BSP_LOCAL(schedule_status, (last, cur, next));
    struct pv_schedule_status s;
    pv_status_t r = pv_schedule_get_status(&s);
    if (r >= 0) {
        *last = s.time_of_last_schedule_switch_ns;
        *cur = s.current_schedule;
        *next = s.next_schedule;
    }
    return rc(PV_SVC_SCHEDULE_GET_STATUS, r);
}

bsp_rc_t bsp_schedule_id(const char *name, uint32_t len, uint32_t *id)
{
    PV_BSP_LOCAL(schedule_id, (name, len, id));
    return rc(PV_SVC_SCHEDULE_GET_ID, pv_schedule_get_id(name, len, id));
}

int bsp_hm_raise_error(uint32_t code, int no_handler, uint32_t address, const char *msg, uint32_t len)
{
    PV_BSP_LOCAL(hm_raise_error, (code, no_handler, address, msg, len));
    bsp_console_flush();
    uint32_t r = pv_hm_raise_error(code, no_handler ? PV_HMF_NO_HANDLER : 0u, address, msg, len);
    return r == 1u ? 1 : 0; /* 0 = the host acted; an error code (a bad argument) is no handler delivery either */
}

void bsp_hm_handler_state(uint32_t state)
{
    PV_BSP_LOCAL_VOID(hm_handler_state, (state));
    (void)pv_hm_set_handler_state(state);
}

bsp_rc_t bsp_hm_report(const char *msg, uint32_t len)
{
    PV_BSP_LOCAL(hm_report, (msg, len));
    return rc(PV_SVC_HM_REPORT_MESSAGE, pv_hm_report_message(msg, len));
}

bsp_rc_t bsp_hm_take_error(uint32_t *code, uint32_t *addr, char *msg, uint32_t cap, uint32_t *len)
{
    PV_BSP_LOCAL(hm_take_error, (code, addr, msg, cap, len));
    struct pv_hm_error_status s;
    pv_status_t r = pv_hm_get_error_status(&s);
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
    PV_BSP_LOCAL(sport_create, (name, max_size, dir, refresh_ns, id));
    struct pv_sampling_port_config c;
    copy_name(c.name, name);
    c.max_message_size = max_size;
    c.direction = dir;
    c.refresh_period_ns = refresh_ns;
    return rc(PV_SVC_SAMPLING_PORT_CREATE, pv_sampling_port_create(&c, id));
}

bsp_rc_t bsp_sport_id(const char *name, uint32_t *id)
{
    PV_BSP_LOCAL(sport_id, (name, id));
    return rc(PV_SVC_SAMPLING_PORT_GET_ID, pv_sampling_port_get_id(name, (uint32_t)strnlen(name, 31), id));
}

bsp_rc_t bsp_sport_write(uint32_t id, const void *msg, uint32_t len)
{
    PV_BSP_LOCAL(sport_write, (id, msg, len));
    return rc(PV_SVC_SAMPLING_PORT_WRITE, pv_sampling_port_write(id, msg, len));
}

bsp_rc_t bsp_sport_read(uint32_t id, void *buf, uint32_t cap, uint32_t *len, uint32_t *valid)
{
    PV_BSP_LOCAL(sport_read, (id, buf, cap, len, valid));
    pv_status_t r = pv_sampling_port_read(id, buf, cap, valid);
    if (r >= 0) *len = (uint32_t)r;
    return rc(PV_SVC_SAMPLING_PORT_READ, r);
}

bsp_rc_t bsp_sport_status(uint32_t id, uint64_t *refresh, uint32_t *max_size, uint32_t *dir, uint32_t *valid)
{
    PV_BSP_LOCAL(sport_status, (id, refresh, max_size, dir, valid));
    struct pv_sampling_port_status s;
    pv_status_t r = pv_sampling_port_status(id, &s);
    if (r >= 0) {
        *refresh = s.refresh_period_ns;
        *max_size = s.max_message_size;
        *dir = s.direction;
        *valid = s.last_msg_validity;
    }
    return rc(PV_SVC_SAMPLING_PORT_STATUS, r);
}

bsp_rc_t bsp_qport_create(const char *name, uint32_t max_size, uint32_t max_nb, uint32_t dir, uint32_t disc, uint32_t *id)
{
    PV_BSP_LOCAL(qport_create, (name, max_size, max_nb, dir, disc, id));
    struct pv_queuing_port_config c;
    copy_name(c.name, name);
    c.max_message_size = max_size;
    c.max_nb_message = max_nb;
    c.direction = dir;
    c.queuing_discipline = disc;
    return rc(PV_SVC_QUEUING_PORT_CREATE, pv_queuing_port_create(&c, id));
}

bsp_rc_t bsp_qport_id(const char *name, uint32_t *id)
{
    PV_BSP_LOCAL(qport_id, (name, id));
    return rc(PV_SVC_QUEUING_PORT_GET_ID, pv_queuing_port_get_id(name, (uint32_t)strnlen(name, 31), id));
}

bsp_rc_t bsp_qport_send(uint32_t id, const void *msg, uint32_t len)
{
    PV_BSP_LOCAL(qport_send, (id, msg, len));
    return rc(PV_SVC_QUEUING_PORT_SEND, pv_queuing_port_send(id, msg, len));
}

bsp_rc_t bsp_qport_receive(uint32_t id, void *buf, uint32_t cap, uint32_t *len)
{
    PV_BSP_LOCAL(qport_receive, (id, buf, cap, len));
    pv_status_t r = pv_queuing_port_receive(id, buf, cap);
    if (r >= 0) *len = (uint32_t)r;
    return rc(PV_SVC_QUEUING_PORT_RECEIVE, r);
}

bsp_rc_t bsp_qport_list_scan(const uint32_t *ids, uint32_t n, uint32_t start, uint32_t *index)
{
    PV_BSP_LOCAL(qport_list_scan, (ids, n, start, index));
    pv_status_t r = pv_queuing_port_list_scan(ids, n * 4u, start);
    if (r >= 0) *index = (uint32_t)r;
    return rc(PV_SVC_QUEUING_PORT_LIST_SCAN, r);
}

bsp_rc_t bsp_qport_status(uint32_t id, uint32_t *nb, uint32_t *max_nb, uint32_t *max_size, uint32_t *dir)
{
    PV_BSP_LOCAL(qport_status, (id, nb, max_nb, max_size, dir));
    struct pv_queuing_port_status s;
    pv_status_t r = pv_queuing_port_status(id, &s);
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
    PV_BSP_LOCAL(qport_clear, (id));
    return rc(PV_SVC_QUEUING_PORT_CLEAR, pv_queuing_port_clear(id));
}

bsp_rc_t bsp_partition_set_mode_of(uint32_t partition_id, uint32_t m)
{
    PV_BSP_LOCAL(partition_set_mode_of, (partition_id, m));
    bsp_console_flush();
    return rc(PV_SVC_PARTITION_SET_MODE_OF, pv_partition_set_mode_of(partition_id, m));
}

bsp_rc_t bsp_logbook_create(const char *name, uint32_t max_size, uint32_t max_logged, uint32_t max_in_progress, uint32_t *id)
{
    PV_BSP_LOCAL(logbook_create, (name, max_size, max_logged, max_in_progress, id));
    struct pv_logbook_config c;
    memset(&c, 0, sizeof c);
    copy_name(c.name, name);
    c.max_message_size = max_size;
    c.max_nb_logged_messages = max_logged;
    c.max_nb_in_progress_messages = max_in_progress;
    return rc(PV_SVC_LOGBOOK_CREATE, pv_logbook_create(&c, id));
}

bsp_rc_t bsp_logbook_write(uint32_t id, const void *msg, uint32_t len)
{
    PV_BSP_LOCAL(logbook_write, (id, msg, len));
    return rc(PV_SVC_LOGBOOK_WRITE, pv_logbook_write(id, msg, len));
}

bsp_rc_t bsp_logbook_read(uint32_t id, uint32_t index, void *buf, uint32_t cap, uint32_t *len)
{
    PV_BSP_LOCAL(logbook_read, (id, index, buf, cap, len));
    pv_status_t r = pv_logbook_read(id, index, buf, cap);
    if (r >= 0) *len = (uint32_t)r;
    return rc(PV_SVC_LOGBOOK_READ, r);
}

bsp_rc_t bsp_logbook_clear(uint32_t id)
{
    PV_BSP_LOCAL(logbook_clear, (id));
    return rc(PV_SVC_LOGBOOK_CLEAR, pv_logbook_clear(id));
}

bsp_rc_t bsp_logbook_id(const char *name, uint32_t *id)
{
    PV_BSP_LOCAL(logbook_id, (name, id));
    return rc(PV_SVC_LOGBOOK_GET_ID, pv_logbook_get_id(name, (uint32_t)strnlen(name, 31), id));
}

bsp_rc_t bsp_logbook_status(uint32_t id, struct bsp_logbook_status *st)
{
    PV_BSP_LOCAL(logbook_status, (id, st));
    struct pv_logbook_status s;
    pv_status_t r = pv_logbook_status(id, &s);
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

bsp_rc_t bsp_sport_read_updated(uint32_t id, void *buf, uint32_t cap, uint32_t *len, uint32_t *valid)
{
    PV_BSP_LOCAL(sport_read_updated, (id, buf, cap, len, valid));
    pv_status_t r = pv_sampling_port_read_updated(id, buf, cap, valid);
    if (r >= 0) *len = (uint32_t)r;
    return rc(PV_SVC_SAMPLING_PORT_READ_UPDATED, r);
}

bsp_rc_t bsp_sport_current_status(uint32_t id, struct bsp_sport_current *st)
{
    PV_BSP_LOCAL(sport_current_status, (id, st));
    struct pv_sampling_port_current_status s;
    pv_status_t r = pv_sampling_port_current_status(id, &s);
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

bsp_rc_t bsp_memory_block_status(const char *name, uint32_t *address, uint32_t *size, uint32_t *mode)
{
    PV_BSP_LOCAL(memory_block_status, (name, address, size, mode));
    struct pv_memory_block_status s;
    pv_status_t r = pv_memory_block_status(name, (uint32_t)strnlen(name, 31), &s);
    if (r >= 0) {
        *address = s.address;
        *size = s.size;
        *mode = s.mode;
    }
    return rc(PV_SVC_MEMORY_BLOCK_STATUS, r);
}
