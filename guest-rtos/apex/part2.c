/* part2.c: APEX Part 2 logbooks, sampling port extensions and SET_PARTITION_MODE_OF over the BSP. The
 * host keeps logbooks and decides the return codes; this file checks what the APEX layer can check
 * alone (parameter ranges, mode) and adapts the types. */
#include "apex_internal.h"

static int name_in(LOGBOOK_NAME_TYPE name, char n[MAX_NAME_LENGTH + 1])
{
    if (!apex_name_ok(name)) return 0;
    apex_name_copy(n, name);
    n[MAX_NAME_LENGTH] = '\0';
    return 1;
}

void CREATE_LOGBOOK(LOGBOOK_NAME_TYPE name, MESSAGE_SIZE_TYPE size, MESSAGE_RANGE_TYPE logged,
                    MESSAGE_RANGE_TYPE in_progress, LOGBOOK_ID_TYPE *id, RETURN_CODE_TYPE *rc)
{
    char n[MAX_NAME_LENGTH + 1];
    uint32_t kid = 0;
    if (!apex_is_init()) { *rc = INVALID_MODE; return; }
    if (size <= 0 || logged <= 0 || in_progress <= 0) { *rc = INVALID_PARAM; return; }
    if (!name_in(name, n)) { *rc = INVALID_CONFIG; return; }
    bsp_rc_t r = bsp_logbook_create(n, (uint32_t)size, (uint32_t)logged, (uint32_t)in_progress, &kid);
    if (r == BSP_RC_OK || r == BSP_RC_NO_ACTION) *id = (LOGBOOK_ID_TYPE)kid;
    *rc = (RETURN_CODE_TYPE)r;
}

void WRITE_LOGBOOK(LOGBOOK_ID_TYPE id, MESSAGE_ADDR_TYPE msg, MESSAGE_SIZE_TYPE len, RETURN_CODE_TYPE *rc)
{
    if (id < 1 || len <= 0) { *rc = INVALID_PARAM; return; }
    *rc = (RETURN_CODE_TYPE)bsp_logbook_write((uint32_t)id, msg, (uint32_t)len);
}

void READ_LOGBOOK(LOGBOOK_ID_TYPE id, MESSAGE_RANGE_TYPE number, MESSAGE_ADDR_TYPE msg, MESSAGE_SIZE_TYPE *len,
                  WRITE_STATUS_TYPE *status, RETURN_CODE_TYPE *rc)
{
    struct bsp_logbook_status st;
    uint32_t n = 0;
    *len = 0;
    if (id < 1 || number < 1 || bsp_logbook_status((uint32_t)id, &st) != BSP_RC_OK) { *rc = INVALID_PARAM; return; }
    bsp_rc_t r = bsp_logbook_read((uint32_t)id, (uint32_t)number, msg, st.max_message_size, &n);
    if (r == BSP_RC_OK) {
        *len = (MESSAGE_SIZE_TYPE)n;
        *status = COMPLETE; /* the host commits every write before WRITE_LOGBOOK returns */
    }
    *rc = (RETURN_CODE_TYPE)r;
}

void CLEAR_LOGBOOK(LOGBOOK_ID_TYPE id, RETURN_CODE_TYPE *rc)
{
    if (id < 1) { *rc = INVALID_PARAM; return; }
    *rc = (RETURN_CODE_TYPE)bsp_logbook_clear((uint32_t)id);
}

void GET_LOGBOOK_ID(LOGBOOK_NAME_TYPE name, LOGBOOK_ID_TYPE *id, RETURN_CODE_TYPE *rc)
{
    char n[MAX_NAME_LENGTH + 1];
    uint32_t kid = 0;
    if (!name_in(name, n)) { *rc = INVALID_CONFIG; return; }
    bsp_rc_t r = bsp_logbook_id(n, &kid);
    if (r == BSP_RC_OK) *id = (LOGBOOK_ID_TYPE)kid;
    *rc = (RETURN_CODE_TYPE)r;
}

void GET_LOGBOOK_STATUS(LOGBOOK_ID_TYPE id, LOGBOOK_STATUS_TYPE *status, RETURN_CODE_TYPE *rc)
{
    struct bsp_logbook_status st;
    if (id < 1) { *rc = INVALID_PARAM; return; }
    bsp_rc_t r = bsp_logbook_status((uint32_t)id, &st);
    if (r == BSP_RC_OK) {
        status->MAX_MESSAGE_SIZE = (MESSAGE_SIZE_TYPE)st.max_message_size;
        status->MAX_NB_LOGGED_MESSAGES = (MESSAGE_RANGE_TYPE)st.max_nb_logged;
        status->MAX_NB_IN_PROGRESS_MESSAGES = (MESSAGE_RANGE_TYPE)st.max_nb_in_progress;
        status->NB_LOGGED_MESSAGES = (MESSAGE_RANGE_TYPE)st.nb_logged;
        status->NB_IN_PROGRESS_MESSAGES = (MESSAGE_RANGE_TYPE)st.nb_in_progress;
        status->NB_ABORTED_MESSAGES = 0;
    }
    *rc = (RETURN_CODE_TYPE)r;
}

void GET_SAMPLING_PORT_CURRENT_STATUS(SAMPLING_PORT_ID_TYPE id, SAMPLING_PORT_CURRENT_STATUS_TYPE *status,
                                      RETURN_CODE_TYPE *rc)
{
    struct bsp_sport_current st;
    if (id < 1) { *rc = INVALID_PARAM; return; }
    bsp_rc_t r = bsp_sport_current_status((uint32_t)id - 1, &st);
    if (r == BSP_RC_OK) {
        status->REFRESH_PERIOD = (SYSTEM_TIME_TYPE)st.refresh_ns;
        status->TIME_STAMP = (SYSTEM_TIME_TYPE)st.time_stamp_ns;
        status->MAX_MESSAGE_SIZE = (MESSAGE_SIZE_TYPE)st.max_size;
        status->PORT_DIRECTION = (PORT_DIRECTION_TYPE)st.dir;
        status->MESSAGE_AGE = st.validity != 0 ? VALID : INVALID;
        status->UPDATED = (UPDATED_TYPE)st.updated;
    }
    *rc = (RETURN_CODE_TYPE)r;
}

void READ_UPDATED_SAMPLING_MESSAGE(SAMPLING_PORT_ID_TYPE id, MESSAGE_ADDR_TYPE msg, MESSAGE_SIZE_TYPE *len,
                                   UPDATED_TYPE *updated, RETURN_CODE_TYPE *rc)
{
    struct bsp_sport_current st;
    uint32_t n = 0, v = 0;
    *len = 0;
    if (id < 1 || bsp_sport_current_status((uint32_t)id - 1, &st) != BSP_RC_OK) { *rc = INVALID_PARAM; return; }
    bsp_rc_t r = bsp_sport_read_updated((uint32_t)id - 1, msg, st.max_size, &n, &v);
    *updated = (UPDATED_TYPE)st.updated;
    if (r == BSP_RC_OK) *len = (MESSAGE_SIZE_TYPE)n;
    *rc = (RETURN_CODE_TYPE)r;
}

void READ_SAMPLING_MESSAGE_CONDITIONAL(SAMPLING_PORT_ID_TYPE id, SYSTEM_TIME_TYPE ref, MESSAGE_ADDR_TYPE msg,
                                       MESSAGE_SIZE_TYPE *len, SYSTEM_TIME_TYPE *stamp, RETURN_CODE_TYPE *rc)
{
    SAMPLING_PORT_CURRENT_STATUS_TYPE st;
    VALIDITY_TYPE v;
    *len = 0;
    if (ref < 0) { *rc = INVALID_PARAM; return; }
    GET_SAMPLING_PORT_CURRENT_STATUS(id, &st, rc);
    if (*rc != NO_ERROR) return;
    if (st.PORT_DIRECTION != DESTINATION) { *rc = INVALID_MODE; return; }
    if (st.UPDATED == EMPTY_PORT) { *rc = NO_ACTION; return; }
    if (st.TIME_STAMP < ref) { *rc = NOT_AVAILABLE; return; }
    /* No other partition runs between the status and the read: the message is the one just checked. */
    READ_SAMPLING_MESSAGE(id, msg, len, &v, rc);
    if (*rc == NO_ERROR) *stamp = st.TIME_STAMP;
}

void SET_PARTITION_MODE_OF(PARTITION_ID_TYPE partition, OPERATING_MODE_TYPE m, RETURN_CODE_TYPE *rc)
{
    if (partition < 0 || (m != IDLE && m != COLD_START && m != WARM_START && m != NORMAL)) { *rc = INVALID_PARAM; return; }
    *rc = (RETURN_CODE_TYPE)bsp_partition_set_mode_of((uint32_t)partition, (uint32_t)m);
}

void GET_MEMORY_BLOCK_STATUS(MEMORY_BLOCK_NAME_TYPE name, MEMORY_BLOCK_STATUS_TYPE *status, RETURN_CODE_TYPE *rc)
{
    char n[MAX_NAME_LENGTH + 1];
    uint32_t address = 0, size = 0, mode = 0;
    if (!name_in(name, n)) { *rc = INVALID_CONFIG; return; }
    bsp_rc_t r = bsp_memory_block_status(n, &address, &size, &mode);
    if (r == BSP_RC_OK) {
        status->ADDRESS = (MESSAGE_ADDR_TYPE)(uintptr_t)address;
        status->SIZE = (APEX_UNSIGNED)size;
        status->MODE = mode != 0 ? READ_WRITE : READ;
    }
    *rc = (RETURN_CODE_TYPE)r;
}
