/* pc_local.h: the bare-PC BSP's own answers to the bsp.h partition, schedule, HM, port and logbook services
 * (pc_host.c, pc_logbook.c), used when no apexvisor service device is present (pv_bsp_local.h decides). */
#ifndef PC_LOCAL_H
#define PC_LOCAL_H

#include <bsp.h>

bsp_rc_t pc_local_partition_status(struct bsp_partition_status *st);
bsp_rc_t pc_local_partition_set_mode(uint32_t m);
bsp_rc_t pc_local_schedule_set_next(uint32_t id);
bsp_rc_t pc_local_schedule_status(uint64_t *last_switch_ns, uint32_t *current, uint32_t *next);
bsp_rc_t pc_local_schedule_id(const char *name, uint32_t name_len, uint32_t *id);
int pc_local_hm_raise_error(uint32_t code, int no_handler, uint32_t address, const char *msg, uint32_t len);
void pc_local_hm_handler_state(uint32_t state);
bsp_rc_t pc_local_hm_report(const char *msg, uint32_t len);
bsp_rc_t pc_local_hm_take_error(uint32_t *code, uint32_t *address, char *msg, uint32_t cap, uint32_t *len);
bsp_rc_t pc_local_sport_create(const char *name, uint32_t max_size, uint32_t dir, uint64_t refresh_ns, uint32_t *id);
bsp_rc_t pc_local_sport_id(const char *name, uint32_t *id);
bsp_rc_t pc_local_sport_write(uint32_t id, const void *msg, uint32_t len);
bsp_rc_t pc_local_sport_read(uint32_t id, void *buf, uint32_t cap, uint32_t *len, uint32_t *valid);
bsp_rc_t pc_local_sport_status(uint32_t id, uint64_t *refresh_ns, uint32_t *max_size, uint32_t *dir, uint32_t *valid);
bsp_rc_t pc_local_qport_create(const char *name, uint32_t max_size, uint32_t max_nb, uint32_t dir, uint32_t discipline, uint32_t *id);
bsp_rc_t pc_local_qport_id(const char *name, uint32_t *id);
bsp_rc_t pc_local_qport_send(uint32_t id, const void *msg, uint32_t len);
bsp_rc_t pc_local_qport_receive(uint32_t id, void *buf, uint32_t cap, uint32_t *len);
bsp_rc_t pc_local_qport_status(uint32_t id, uint32_t *nb, uint32_t *max_nb, uint32_t *max_size, uint32_t *dir);
bsp_rc_t pc_local_qport_clear(uint32_t id);
bsp_rc_t pc_local_qport_list_scan(const uint32_t *ids, uint32_t n, uint32_t start, uint32_t *index);
bsp_rc_t pc_local_partition_set_mode_of(uint32_t partition_id, uint32_t m);
bsp_rc_t pc_local_sport_read_updated(uint32_t id, void *buf, uint32_t cap, uint32_t *len, uint32_t *valid);
bsp_rc_t pc_local_sport_current_status(uint32_t id, struct bsp_sport_current *st);
bsp_rc_t pc_local_memory_block_status(const char *name, uint32_t *address, uint32_t *size, uint32_t *mode);
bsp_rc_t pc_local_logbook_create(const char *name, uint32_t max_size, uint32_t max_logged, uint32_t max_in_progress, uint32_t *id);
bsp_rc_t pc_local_logbook_write(uint32_t id, const void *msg, uint32_t len);
bsp_rc_t pc_local_logbook_read(uint32_t id, uint32_t index, void *buf, uint32_t cap, uint32_t *len);
bsp_rc_t pc_local_logbook_clear(uint32_t id);
bsp_rc_t pc_local_logbook_id(const char *name, uint32_t *id);
bsp_rc_t pc_local_logbook_status(uint32_t id, struct bsp_logbook_status *st);

#endif
