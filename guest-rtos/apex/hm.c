/* hm.c: APEX health monitoring (P1-5 3.8): the error-handler process, the queue of process-level errors
 * it takes with GET_ERROR_STATUS (then the kernel's, for faults it detected), RAISE_APPLICATION_ERROR,
 * REPORT_APPLICATION_MESSAGE, and the core's stack-overflow hook. Without a handler, a process-level error
 * goes to the kernel's partition HM table. */
#include <rt/string.h>
#include "apex_internal.h"

#define QUEUE_LEN 8u

struct hm_error {
    ERROR_CODE_TYPE code;
    PROCESS_ID_TYPE pid;
    uint32_t len;
    char msg[MAX_ERROR_MESSAGE_SIZE];
};

static struct hm_error queue[QUEUE_LEN];
static uint32_t q_head, q_count;
static struct apex_process *handler;

int apex_has_error_handler(void) { return handler != 0; }

void apex_hm_process_error(ERROR_CODE_TYPE code, struct apex_process *p, const char *msg, uint32_t len)
{
    if (len > MAX_ERROR_MESSAGE_SIZE) len = MAX_ERROR_MESSAGE_SIZE;
    if (handler == 0 || p == handler) {
        (void)bsp_hm_raise(msg, len); /* partition level: the kernel's table decides */
        return;
    }
    uint32_t s = rtos_enter();
    if (q_count < QUEUE_LEN) {
        struct hm_error *e = &queue[(q_head + q_count++) % QUEUE_LEN];
        e->code = code;
        e->pid = p != 0 ? apex_process_id(p) : 0;
        e->len = len;
        memcpy(e->msg, msg, len);
    }
    if (handler->task->state == TASK_DORMANT) task_start(handler->task);
    rtos_leave(s);
}

void rtos_hook_stack_overflow(struct task *t)
{
    struct apex_process *p = (struct apex_process *)t->owner_obj;
    if (p != 0) p->deadline_time = INFINITE_TIME_VALUE;
    task_kill(t); /* its stack is corrupt: it cannot go on; the scheduler switches away after this hook */
    apex_hm_process_error(STACK_OVERFLOW, p, "STACK_OVERFLOW", 14);
}

void CREATE_ERROR_HANDLER(SYSTEM_ADDRESS_TYPE entry, STACK_SIZE_TYPE stack, RETURN_CODE_TYPE *rc)
{
    if (!apex_is_init()) { *rc = INVALID_MODE; return; }
    if (handler != 0) { *rc = NO_ACTION; return; }
    if (entry == 0 || stack == 0 || stack > 256u * 1024u) { *rc = INVALID_PARAM; return; }
    PROCESS_ATTRIBUTE_TYPE a;
    memset(&a, 0, sizeof a);
    a.PERIOD = INFINITE_TIME_VALUE;
    a.TIME_CAPACITY = INFINITE_TIME_VALUE;
    a.ENTRY_POINT = entry;
    a.STACK_SIZE = stack;
    a.BASE_PRIORITY = MAX_PRIORITY_VALUE;
    apex_name_copy(a.NAME, "ERROR_HANDLER");
    struct apex_process *p = apex_process_alloc(&a, APEX_ERROR_HANDLER_PRIORITY);
    if (p == 0) { *rc = INVALID_CONFIG; return; }
    p->is_error_handler = 1;
    handler = p;
    *rc = NO_ERROR;
}

void GET_ERROR_STATUS(ERROR_STATUS_TYPE *st, RETURN_CODE_TYPE *rc)
{
    if (handler == 0 || apex_self() != handler) { *rc = INVALID_CONFIG; return; }
    uint32_t s = rtos_enter();
    if (q_count > 0) {
        struct hm_error *e = &queue[q_head];
        q_head = (q_head + 1) % QUEUE_LEN;
        q_count--;
        st->ERROR_CODE = e->code;
        st->FAILED_PROCESS_ID = e->pid;
        st->FAILED_ADDRESS = 0;
        st->LENGTH = (ERROR_MESSAGE_SIZE_TYPE)e->len;
        memcpy(st->MESSAGE, e->msg, e->len);
        *rc = NO_ERROR;
        rtos_leave(s);
        return;
    }
    rtos_leave(s);
    uint32_t code = 0, addr = 0, len = 0;
    if (bsp_hm_take_error(&code, &addr, (char *)st->MESSAGE, MAX_ERROR_MESSAGE_SIZE, &len) == BSP_RC_OK) {
        st->ERROR_CODE = (ERROR_CODE_TYPE)code;
        st->FAILED_PROCESS_ID = 0;
        st->FAILED_ADDRESS = (SYSTEM_ADDRESS_TYPE)(uintptr_t)addr;
        st->LENGTH = (ERROR_MESSAGE_SIZE_TYPE)len;
        *rc = NO_ERROR;
        return;
    }
    *rc = NO_ACTION;
}

void RAISE_APPLICATION_ERROR(ERROR_CODE_TYPE code, MESSAGE_ADDR_TYPE msg, ERROR_MESSAGE_SIZE_TYPE len, RETURN_CODE_TYPE *rc)
{
    if (code != APPLICATION_ERROR) { *rc = INVALID_PARAM; return; }
    if (len < 0 || len > MAX_ERROR_MESSAGE_SIZE || (len > 0 && msg == 0)) { *rc = INVALID_PARAM; return; }
    apex_hm_process_error(code, apex_self(), (const char *)msg, (uint32_t)len);
    *rc = NO_ERROR;
}

void REPORT_APPLICATION_MESSAGE(MESSAGE_ADDR_TYPE msg, MESSAGE_SIZE_TYPE len, RETURN_CODE_TYPE *rc)
{
    if (len < 0 || len > MAX_ERROR_MESSAGE_SIZE || (len > 0 && msg == 0)) { *rc = INVALID_PARAM; return; }
    bsp_rc_t r = bsp_hm_report((const char *)msg, (uint32_t)len);
    *rc = r == BSP_RC_OK ? NO_ERROR : (RETURN_CODE_TYPE)r;
}
