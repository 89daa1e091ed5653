/* schedule.c: Part 2 multiple module schedules: SET_MODULE_SCHEDULE, GET_MODULE_SCHEDULE_STATUS and
 * GET_MODULE_SCHEDULE_ID, served by the kernel (permission from the configuration). */
#include <rt/string.h>
#include "apex_internal.h"

void SET_MODULE_SCHEDULE(SCHEDULE_ID_TYPE id, RETURN_CODE_TYPE *rc)
{
    if (id < 0) { *rc = INVALID_PARAM; return; }
    *rc = (RETURN_CODE_TYPE)bsp_schedule_set_next((uint32_t)id);
}

void GET_MODULE_SCHEDULE_STATUS(SCHEDULE_STATUS_TYPE *st, RETURN_CODE_TYPE *rc)
{
    uint64_t last = 0;
    uint32_t cur = 0, next = 0;
    bsp_rc_t r = bsp_schedule_status(&last, &cur, &next);
    if (r == BSP_RC_OK) {
        st->TIME_OF_LAST_SCHEDULE_SWITCH = (SYSTEM_TIME_TYPE)last;
        st->CURRENT_SCHEDULE = (SCHEDULE_ID_TYPE)cur;
        st->NEXT_SCHEDULE = (SCHEDULE_ID_TYPE)next;
    }
    *rc = (RETURN_CODE_TYPE)r;
}

void GET_MODULE_SCHEDULE_ID(SCHEDULE_NAME_TYPE name, SCHEDULE_ID_TYPE *id, RETURN_CODE_TYPE *rc)
{
    uint32_t v = 0;
    if (!apex_name_ok(name)) { *rc = INVALID_CONFIG; return; }
    bsp_rc_t r = bsp_schedule_id(name, (uint32_t)strnlen(name, MAX_NAME_LENGTH), &v);
    if (r == BSP_RC_OK) *id = (SCHEDULE_ID_TYPE)v;
    *rc = (RETURN_CODE_TYPE)r;
}
