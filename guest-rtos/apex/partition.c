/* partition.c: partition management (P1-5 3.2) and the APEX layer's boot: the operating mode the RTOS
 * keeps in step with the kernel, the init gate (only the init task runs before NORMAL), the tick hook. */
#include <rtos/app.h>
#include "apex_internal.h"

static OPERATING_MODE_TYPE mode = COLD_START;
static uint32_t start_condition;

OPERATING_MODE_TYPE apex_mode(void) { return mode; }
int apex_is_init(void) { return mode == COLD_START || mode == WARM_START; }

/* Called by the test main / application before anything else. */
void apex_init(const struct bsp_boot_info *info);
void apex_init(const struct bsp_boot_info *info)
{
    struct bsp_partition_status st;
    start_condition = info->start_condition;
    if (bsp_partition_status(&st) == BSP_RC_OK && (st.operating_mode == COLD_START || st.operating_mode == WARM_START))
        mode = (OPERATING_MODE_TYPE)st.operating_mode;
    sched_set_gate(task_current());
}

void rtos_hook_tick(uint64_t now)
{
    if (mode != NORMAL) return;
    apex_check_deadlines(now);
    apex_ports_poll();
}

void GET_PARTITION_STATUS(PARTITION_STATUS_TYPE *st, RETURN_CODE_TYPE *rc)
{
    struct bsp_partition_status b;
    bsp_rc_t r = bsp_partition_status(&b);
    if (r != BSP_RC_OK) {
        b.period_ns = b.duration_ns = 0;
        b.identifier = 0;
        b.start_condition = start_condition;
        b.num_assigned_cores = 1;
    }
    st->PERIOD = (SYSTEM_TIME_TYPE)b.period_ns;
    st->DURATION = (SYSTEM_TIME_TYPE)b.duration_ns;
    st->IDENTIFIER = (PARTITION_ID_TYPE)b.identifier;
    st->LOCK_LEVEL = (LOCK_LEVEL_TYPE)sched_lock_level();
    st->OPERATING_MODE = mode;
    st->START_CONDITION = (START_CONDITION_TYPE)b.start_condition;
    st->NUM_ASSIGNED_CORES = b.num_assigned_cores == 0 ? 1 : b.num_assigned_cores;
    *rc = NO_ERROR;
}

void SET_PARTITION_MODE(OPERATING_MODE_TYPE m, RETURN_CODE_TYPE *rc)
{
    if (m != IDLE && m != COLD_START && m != WARM_START && m != NORMAL) { *rc = INVALID_PARAM; return; }
    if (m == NORMAL && mode == NORMAL) { *rc = NO_ACTION; return; }
    if (m == WARM_START && mode == COLD_START) { *rc = INVALID_MODE; return; }
    bsp_rc_t r = bsp_partition_set_mode((uint32_t)m);
    if (r != BSP_RC_OK) { *rc = (RETURN_CODE_TYPE)r; return; }
    if (m != NORMAL) { *rc = NO_ERROR; return; } /* the kernel restarts or idles us: not reached */
    uint32_t s = rtos_enter();
    struct task *me = task_current();
    int from_init = apex_self() == 0;
    mode = NORMAL;
    sched_set_gate(0);
    apex_processes_go_normal();
    *rc = NO_ERROR;
    if (from_init) task_stop(me); /* the init task's job is done */
    sched_reschedule();
    rtos_leave(s);
}
