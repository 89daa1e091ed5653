/* pc_host.c: the local answers (pc_local.h) to the bsp.h partition, schedule, HM and port services for a
 * bare PC without the apexvisor service device (pv_bsp_local.h: pv_services.c asks the device first),
 * linked into the image: one partition owning the CPU (window = major frame), one module schedule named
 * on the command line (`schedule=<id>:<name>`, as the module XML names it; none when absent) that the
 * partition may not switch, no configured ports (creation is INVALID_CONFIG, as for a name absent from the configuration),
 * and a local HM policy with no tables: an error the RTOS can give to its error handler goes there
 * (PROCESS level), any other is printed and the machine stops. Restarts are not available (no loader
 * to reload .data), so COLD_START/WARM_START stop the machine as well. Logbooks: pc_logbook.c. */
#include <bsp.h>
#include <rt/stdio.h>
#include <rt/string.h>
#include "pc_cpu.h"
#include "pc_host.h"
#include "pc_local.h"

#define MAJOR_FRAME_NS 1000000000ull
#define MODE_IDLE 0u
#define MODE_COLD_START 1u
#define MODE_WARM_START 2u
#define MODE_NORMAL 3u
#define SCHEDULE_NAME_MAX 30u
#define EXIT_IDLE 0u
#define EXIT_HM 2u
#define EXIT_RESTART 4u

static uint32_t mode = MODE_COLD_START;
static uint32_t schedule_id;      /* 0: no schedule named on the command line */
static char schedule_name[SCHEDULE_NAME_MAX + 1];

void pc_host_configure(const char *cmdline, uint32_t len)
{
    static const char key[] = "schedule=";
    if (pc_logbook_configure != 0) pc_logbook_configure(cmdline, len);
    const uint32_t klen = sizeof key - 1;
    for (uint32_t i = 0; i + klen <= len; i++) {
        if ((i > 0 && cmdline[i - 1] != ' ') || memcmp(cmdline + i, key, klen) != 0) continue;
        uint32_t j = i + klen, id = 0, n = 0;
        while (j < len && cmdline[j] >= '0' && cmdline[j] <= '9') id = id * 10u + (uint32_t)(cmdline[j++] - '0');
        if (j >= len || cmdline[j] != ':' || id == 0) return;
        j++;
        while (j + n < len && cmdline[j + n] != ' ' && n < SCHEDULE_NAME_MAX) n++;
        memcpy(schedule_name, cmdline + j, n);
        schedule_name[n] = '\0';
        schedule_id = id;
        return;
    }
}

void pc_host_halt(const char *why, uint32_t status)
{
    (void)bsp_irq_save();
    printf("pc-bsp: machine stopped: %s\n", why);
    pc_exit(status);
}

bsp_rc_t pc_local_partition_status(struct bsp_partition_status *st)
{
    st->period_ns = MAJOR_FRAME_NS;
    st->duration_ns = MAJOR_FRAME_NS;
    st->identifier = PC_PARTITION_ID;
    st->operating_mode = mode;
    st->start_condition = PC_START_CONDITION;
    st->num_assigned_cores = 1;
    return BSP_RC_OK;
}

bsp_rc_t pc_local_partition_set_mode(uint32_t m)
{
    switch (m) {
    case MODE_NORMAL: mode = m; return BSP_RC_OK;
    case MODE_IDLE: pc_host_halt("partition set to IDLE", EXIT_IDLE);
    case MODE_COLD_START:
    case MODE_WARM_START: pc_host_halt("restart requested; a bare PC has no loader to restart from", EXIT_RESTART);
    default: return BSP_RC_INVALID_PARAM;
    }
}

bsp_rc_t pc_local_schedule_set_next(uint32_t id)
{
    if (schedule_id == 0 || id != schedule_id) return BSP_RC_INVALID_PARAM; /* no such schedule */
    return BSP_RC_INVALID_CONFIG; /* the one partition has no SetModuleSchedule permission */
}

bsp_rc_t pc_local_schedule_status(uint64_t *last_switch_ns, uint32_t *current, uint32_t *next)
{
    if (schedule_id == 0) return BSP_RC_UNSUPPORTED;
    *last_switch_ns = 0;
    *current = schedule_id;
    *next = schedule_id;
    return BSP_RC_OK;
}

bsp_rc_t pc_local_schedule_id(const char *name, uint32_t name_len, uint32_t *id)
{
    if (schedule_id == 0 || name_len != strlen(schedule_name) || memcmp(name, schedule_name, name_len) != 0)
        return BSP_RC_INVALID_CONFIG;
    *id = schedule_id;
    return BSP_RC_OK;
}

int pc_local_hm_raise_error(uint32_t code, int no_handler, uint32_t address, const char *msg, uint32_t len)
{
    if (!no_handler) return 1; /* local policy: the error handler takes what it can */
    (void)bsp_irq_save();
    printf("pc-bsp: HM error code %u at 0x%x \"%.*s\"; local policy: stop\n", (unsigned)code, (unsigned)address, (int)len, msg);
    pc_host_halt("health monitor", EXIT_HM);
}

void pc_local_hm_handler_state(uint32_t state) { (void)state; /* no host tables to tell */ }

bsp_rc_t pc_local_hm_report(const char *msg, uint32_t len)
{
    printf("pc-bsp: HM report \"%.*s\"\n", (int)len, msg);
    return BSP_RC_OK;
}

bsp_rc_t pc_local_hm_take_error(uint32_t *code, uint32_t *address, char *msg, uint32_t cap, uint32_t *len)
{
    (void)code, (void)address, (void)msg, (void)cap, (void)len;
    return BSP_RC_NO_ACTION; /* no HM upcall on a bare PC: the queue is always empty */
}

/* --- ports: none configured --- */
bsp_rc_t pc_local_sport_create(const char *name, uint32_t max_size, uint32_t dir, uint64_t refresh_ns, uint32_t *id)
{
    (void)name, (void)max_size, (void)dir, (void)refresh_ns, (void)id;
    return BSP_RC_INVALID_CONFIG;
}

bsp_rc_t pc_local_sport_id(const char *name, uint32_t *id)
{
    (void)name, (void)id;
    return BSP_RC_INVALID_CONFIG;
}

bsp_rc_t pc_local_sport_write(uint32_t id, const void *msg, uint32_t len)
{
    (void)id, (void)msg, (void)len;
    return BSP_RC_INVALID_PARAM;
}

bsp_rc_t pc_local_sport_read(uint32_t id, void *buf, uint32_t cap, uint32_t *len, uint32_t *valid)
{
    (void)id, (void)buf, (void)cap, (void)len, (void)valid;
    return BSP_RC_INVALID_PARAM;
}

bsp_rc_t pc_local_sport_status(uint32_t id, uint64_t *refresh_ns, uint32_t *max_size, uint32_t *dir, uint32_t *valid)
{
    (void)id, (void)refresh_ns, (void)max_size, (void)dir, (void)valid;
    return BSP_RC_INVALID_PARAM;
}

bsp_rc_t pc_local_qport_create(const char *name, uint32_t max_size, uint32_t max_nb, uint32_t dir, uint32_t discipline, uint32_t *id)
{
    (void)name, (void)max_size, (void)max_nb, (void)dir, (void)discipline, (void)id;
    return BSP_RC_INVALID_CONFIG;
}

bsp_rc_t pc_local_qport_id(const char *name, uint32_t *id)
{
    (void)name, (void)id;
    return BSP_RC_INVALID_CONFIG;
}

bsp_rc_t pc_local_qport_send(uint32_t id, const void *msg, uint32_t len)
{
    (void)id, (void)msg, (void)len;
    return BSP_RC_INVALID_PARAM;
}

bsp_rc_t pc_local_qport_receive(uint32_t id, void *buf, uint32_t cap, uint32_t *len)
{
    (void)id, (void)buf, (void)cap, (void)len;
    return BSP_RC_INVALID_PARAM;
}

bsp_rc_t pc_local_qport_status(uint32_t id, uint32_t *nb, uint32_t *max_nb, uint32_t *max_size, uint32_t *dir)
{
    (void)id, (void)nb, (void)max_nb, (void)max_size, (void)dir;
    return BSP_RC_INVALID_PARAM;
}

bsp_rc_t pc_local_qport_clear(uint32_t id)
{
    (void)id;
    return BSP_RC_INVALID_PARAM;
}

bsp_rc_t pc_local_qport_list_scan(const uint32_t *ids, uint32_t n, uint32_t start, uint32_t *index)
{
    (void)ids, (void)n, (void)start, (void)index;
    return BSP_RC_INVALID_PARAM; /* no port can be created, so no list can hold one */
}

/* Part 2 services that need other partitions (SET_PARTITION_MODE_OF) or port routing: a bare PC has
 * neither. (Its logbook is pc_logbook.c.) */
bsp_rc_t pc_local_partition_set_mode_of(uint32_t partition_id, uint32_t m)
{
    (void)partition_id, (void)m;
    return BSP_RC_INVALID_CONFIG;
}

bsp_rc_t pc_local_sport_read_updated(uint32_t id, void *buf, uint32_t cap, uint32_t *len, uint32_t *valid)
{
    (void)id, (void)buf, (void)cap, (void)len, (void)valid;
    return BSP_RC_INVALID_PARAM;
}

bsp_rc_t pc_local_sport_current_status(uint32_t id, struct bsp_sport_current *st)
{
    (void)id, (void)st;
    return BSP_RC_INVALID_PARAM;
}

bsp_rc_t pc_local_memory_block_status(const char *name, uint32_t *address, uint32_t *size, uint32_t *mode)
{
    (void)name, (void)address, (void)size, (void)mode;
    return BSP_RC_INVALID_CONFIG;
}
