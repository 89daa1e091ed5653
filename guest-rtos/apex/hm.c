/* hm.c: APEX health monitoring (P1-5 3.8): the error-handler process, the queue of process-level errors
 * it takes with GET_ERROR_STATUS, RAISE_APPLICATION_ERROR, REPORT_APPLICATION_MESSAGE, the core's
 * stack-overflow hook and the host's HM upcall (a kernel-detected fault sent to the handler). Every
 * error goes to the host's HM tables with its exact code; the handler gets it only when they say so. */
#include <rt/string.h>
#include "apex_internal.h"

#define QUEUE_LEN 8u
#define HANDLER_NONE 0u
#define HANDLER_READY 1u
#define HANDLER_RUNNING 2u

struct hm_error {
    ERROR_CODE_TYPE code;
    PROCESS_ID_TYPE pid;
    uint32_t address;
    uint32_t len;
    char msg[MAX_ERROR_MESSAGE_SIZE];
};

static struct hm_error queue[QUEUE_LEN];
static uint32_t q_head, q_count;
static struct apex_process *handler;

int apex_has_error_handler(void) { return handler != 0; }

/* Queues one error for the handler and makes the handler ready. Caller holds rtos_enter. */
static void queue_for_handler(ERROR_CODE_TYPE code, struct apex_process *p, uint32_t address, const char *msg, uint32_t len)
{
    struct hm_error *e = &queue[(q_head + q_count++) % QUEUE_LEN];
    e->code = code;
    e->pid = p != 0 ? apex_process_id(p) : 0;
    e->address = address;
    e->len = len;
    memcpy(e->msg, msg, len);
    if (handler->task->state == TASK_DORMANT) task_start(handler->task);
}

void apex_hm_process_error(ERROR_CODE_TYPE code, struct apex_process *p, uint32_t address, const char *msg, uint32_t len)
{
    if (len > MAX_ERROR_MESSAGE_SIZE) len = MAX_ERROR_MESSAGE_SIZE;
    uint32_t s = rtos_enter();
    int no_handler = handler == 0 || p == handler || q_count >= QUEUE_LEN;
    if (bsp_hm_raise_error((uint32_t)code, no_handler, address, msg, len) == 1 && !no_handler)
        queue_for_handler(code, p, address, msg, len);
    rtos_leave(s);
}

void rtos_hook_stack_overflow(struct task *t)
{
    struct apex_process *p = (struct apex_process *)t->owner_obj;
    if (p != 0) p->deadline_time = INFINITE_TIME_VALUE;
    task_kill(t); /* its stack is corrupt: it cannot go on; the scheduler switches away after this hook */
    apex_hm_process_error(STACK_OVERFLOW, p, (uint32_t)(uintptr_t)t->stack, "STACK_OVERFLOW", 14);
}

/* The host sent a fault of task t to the error handler: t cannot go on (it would fault again). The
 * records wait in the host's queue; each becomes one GET_ERROR_STATUS entry naming t's process. */
void rtos_hook_fault(struct task *t)
{
    struct apex_process *p = (struct apex_process *)t->owner_obj;
    uint32_t s = rtos_enter();
    int process = p != 0 && !t->is_idle; /* the idle loop or RTOS code is no process to stop */
    if (process) {
        p->deadline_time = INFINITE_TIME_VALUE;
        task_kill(t);
    }
    uint32_t code = 0, addr = 0, len = 0;
    char msg[MAX_ERROR_MESSAGE_SIZE];
    while (bsp_hm_take_error(&code, &addr, msg, sizeof msg, &len) == BSP_RC_OK) {
        if (process && handler != 0 && q_count < QUEUE_LEN) queue_for_handler((ERROR_CODE_TYPE)code, p, addr, msg, len);
        else (void)bsp_hm_raise_error(code, 1, addr, msg, len); /* cannot queue it: the tables act */
    }
    rtos_leave(s);
}

/* Tells the host whether the error handler runs (its errors arise in the ERROR_HANDLER state). */
void rtos_hook_switch(struct task *prev, struct task *next)
{
    if (handler == 0) return;
    if (next == handler->task) bsp_hm_handler_state(HANDLER_RUNNING);
    else if (prev == handler->task) bsp_hm_handler_state(HANDLER_READY);
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
    bsp_hm_handler_state(HANDLER_READY);
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
        st->FAILED_ADDRESS = (SYSTEM_ADDRESS_TYPE)(uintptr_t)e->address;
        st->LENGTH = (ERROR_MESSAGE_SIZE_TYPE)e->len;
        memcpy(st->MESSAGE, e->msg, e->len);
        *rc = NO_ERROR;
        rtos_leave(s);
        return;
    }
    rtos_leave(s);
    *rc = NO_ACTION;
}

void RAISE_APPLICATION_ERROR(ERROR_CODE_TYPE code, MESSAGE_ADDR_TYPE msg, ERROR_MESSAGE_SIZE_TYPE len, RETURN_CODE_TYPE *rc)
{
    if (code != APPLICATION_ERROR) { *rc = INVALID_PARAM; return; }
    if (len < 0 || len > MAX_ERROR_MESSAGE_SIZE || (len > 0 && msg == 0)) { *rc = INVALID_PARAM; return; }
    /* FAILED_ADDRESS: where the application called from */
    apex_hm_process_error(code, apex_self(), (uint32_t)(uintptr_t)__builtin_return_address(0), (const char *)msg, (uint32_t)len);
    *rc = NO_ERROR;
}

void REPORT_APPLICATION_MESSAGE(MESSAGE_ADDR_TYPE msg, MESSAGE_SIZE_TYPE len, RETURN_CODE_TYPE *rc)
{
    if (len < 0 || len > MAX_ERROR_MESSAGE_SIZE || (len > 0 && msg == 0)) { *rc = INVALID_PARAM; return; }
    bsp_rc_t r = bsp_hm_report((const char *)msg, (uint32_t)len);
    *rc = r == BSP_RC_OK ? NO_ERROR : (RETURN_CODE_TYPE)r;
}
