/* process.c: the APEX process table and process management services (P1-5 3.3): creation in the init
 * modes, start and delayed start (deferred to NORMAL mode when called earlier), stop, suspend, resume,
 * priorities, status, preemption locking and the one-core affinity services. Time services: time.c. */
#include <rt/string.h>
#include "apex_internal.h"

#define MAX_STACK (256u * 1024u)

static struct apex_process procs[MAX_NUMBER_OF_PROCESSES];
static struct waitq suspend_q[MAX_NUMBER_OF_PROCESSES]; /* SUSPEND_SELF with a timeout */

void apex_mutexes_release_all(struct task *t);

PROCESS_ID_TYPE apex_process_id(const struct apex_process *p) { return (PROCESS_ID_TYPE)(p - procs) + 1; }

struct apex_process *apex_process_of(PROCESS_ID_TYPE id)
{
    if (id < 1 || id > MAX_NUMBER_OF_PROCESSES || !procs[id - 1].used) return 0;
    return &procs[id - 1];
}

struct apex_process *apex_self(void)
{
    struct task *t = task_current();
    return t == 0 ? 0 : (struct apex_process *)t->owner_obj;
}

static struct apex_process *find(const char *name)
{
    for (uint32_t i = 0; i < MAX_NUMBER_OF_PROCESSES; i++)
        if (procs[i].used && apex_name_eq(procs[i].attr.NAME, name)) return &procs[i];
    return 0;
}

struct apex_process *apex_process_alloc(const PROCESS_ATTRIBUTE_TYPE *attr, int prio)
{
    for (uint32_t i = 0; i < MAX_NUMBER_OF_PROCESSES; i++) {
        struct apex_process *p = &procs[i];
        if (p->used) continue;
        char tname[RTOS_NAME_LEN];
        memset(tname, 0, sizeof tname);
        memcpy(tname, attr->NAME, MAX_NAME_LENGTH);
        struct task *t = task_create(tname, attr->ENTRY_POINT, prio, attr->STACK_SIZE);
        if (t == 0) return 0;
        memset(p, 0, sizeof *p);
        p->used = 1;
        p->task = t;
        p->attr = *attr;
        p->deadline_time = INFINITE_TIME_VALUE;
        t->owner_obj = p;
        suspend_q[i].head = 0;
        suspend_q[i].by_priority = 0;
        return p;
    }
    return 0;
}

void CREATE_PROCESS(PROCESS_ATTRIBUTE_TYPE *a, PROCESS_ID_TYPE *id, RETURN_CODE_TYPE *rc)
{
    if (!apex_is_init()) { *rc = INVALID_MODE; return; }
    if (a == 0 || !apex_name_ok(a->NAME) || a->ENTRY_POINT == 0) { *rc = INVALID_PARAM; return; }
    if (find(a->NAME) != 0) { *rc = NO_ACTION; return; }
    if (a->STACK_SIZE == 0 || a->STACK_SIZE > MAX_STACK) { *rc = INVALID_PARAM; return; }
    if (a->BASE_PRIORITY < MIN_PRIORITY_VALUE || a->BASE_PRIORITY > MAX_PRIORITY_VALUE) { *rc = INVALID_PARAM; return; }
    if (a->PERIOD == 0 || a->PERIOD < INFINITE_TIME_VALUE) { *rc = INVALID_PARAM; return; }
    if (a->TIME_CAPACITY == 0 || a->TIME_CAPACITY < INFINITE_TIME_VALUE) { *rc = INVALID_PARAM; return; }
    if (a->DEADLINE != SOFT && a->DEADLINE != HARD) { *rc = INVALID_PARAM; return; }
    if (a->PERIOD != INFINITE_TIME_VALUE) {
        if (a->TIME_CAPACITY == INFINITE_TIME_VALUE || a->TIME_CAPACITY > a->PERIOD) { *rc = INVALID_PARAM; return; }
        PARTITION_STATUS_TYPE ps;
        RETURN_CODE_TYPE r;
        GET_PARTITION_STATUS(&ps, &r);
        if (r == NO_ERROR && ps.PERIOD > 0 && a->PERIOD % ps.PERIOD != 0) { *rc = INVALID_CONFIG; return; }
    }
    struct apex_process *p = apex_process_alloc(a, a->BASE_PRIORITY);
    if (p == 0) { *rc = INVALID_CONFIG; return; }
    *id = apex_process_id(p);
    *rc = NO_ERROR;
}

/* Makes a (dormant) process run `delay` ns from now, setting its first release and deadline. */
void apex_process_release(struct apex_process *p, SYSTEM_TIME_TYPE delay)
{
    SYSTEM_TIME_TYPE now = (SYSTEM_TIME_TYPE)rtos_now();
    p->release_time = now + delay;
    p->deadline_reported = 0;
    p->deadline_time = p->attr.TIME_CAPACITY == INFINITE_TIME_VALUE ? INFINITE_TIME_VALUE : now + delay + p->attr.TIME_CAPACITY;
    if (delay == 0) task_start(p->task);
    else task_start_at(p->task, (uint64_t)(now + delay));
}

void apex_processes_go_normal(void)
{
    for (uint32_t i = 0; i < MAX_NUMBER_OF_PROCESSES; i++) {
        struct apex_process *p = &procs[i];
        if (p->used && p->pending_start) {
            p->pending_start = 0;
            apex_process_release(p, p->start_delay);
        }
    }
}

static void start_common(PROCESS_ID_TYPE id, SYSTEM_TIME_TYPE delay, RETURN_CODE_TYPE *rc)
{
    struct apex_process *p = apex_process_of(id);
    if (p == 0 || p->is_error_handler) { *rc = INVALID_PARAM; return; }
    if (delay < 0 || (p->attr.PERIOD != INFINITE_TIME_VALUE && delay >= p->attr.PERIOD)) { *rc = INVALID_PARAM; return; }
    if (p->task->state != TASK_DORMANT || p->pending_start) { *rc = NO_ACTION; return; }
    if (apex_is_init()) {
        p->pending_start = 1;
        p->start_delay = delay;
    } else {
        apex_process_release(p, delay);
    }
    *rc = NO_ERROR;
}

void START(PROCESS_ID_TYPE id, RETURN_CODE_TYPE *rc) { start_common(id, 0, rc); }

void DELAYED_START(PROCESS_ID_TYPE id, SYSTEM_TIME_TYPE delay, RETURN_CODE_TYPE *rc)
{
    if (delay == INFINITE_TIME_VALUE) { *rc = INVALID_PARAM; return; }
    start_common(id, delay, rc);
}

static void stop_process(struct apex_process *p)
{
    uint32_t s = rtos_enter();
    p->pending_start = 0;
    p->deadline_time = INFINITE_TIME_VALUE;
    apex_mutexes_release_all(p->task);
    task_stop(p->task);
    rtos_leave(s);
}

void STOP(PROCESS_ID_TYPE id, RETURN_CODE_TYPE *rc)
{
    struct apex_process *p = apex_process_of(id);
    if (p == 0 || p == apex_self()) { *rc = INVALID_PARAM; return; }
    if (p->task->state == TASK_DORMANT && !p->pending_start) { *rc = NO_ACTION; return; }
    stop_process(p);
    *rc = NO_ERROR;
}

void STOP_SELF(void)
{
    struct apex_process *p = apex_self();
    if (p == 0) return;
    stop_process(p);
}

void SUSPEND(PROCESS_ID_TYPE id, RETURN_CODE_TYPE *rc)
{
    struct apex_process *p = apex_process_of(id);
    if (p == 0 || p == apex_self()) { *rc = INVALID_PARAM; return; }
    if (p->task->state == TASK_DORMANT || p->attr.PERIOD != INFINITE_TIME_VALUE) { *rc = INVALID_MODE; return; }
    if (p->task->suspended || p->task->wq == &suspend_q[p - procs]) { *rc = NO_ACTION; return; }
    task_suspend(p->task, RTOS_FOREVER);
    *rc = NO_ERROR;
}

void SUSPEND_SELF(SYSTEM_TIME_TYPE timeout, RETURN_CODE_TYPE *rc)
{
    struct apex_process *p = apex_self();
    RETURN_CODE_TYPE w = apex_wait_check(timeout);
    if (p == 0 || p->is_error_handler) { *rc = INVALID_MODE; return; }
    if (w != NO_ERROR) { *rc = w; return; }
    if (p->attr.PERIOD != INFINITE_TIME_VALUE) { *rc = INVALID_MODE; return; }
    if (timeout == 0) { *rc = NO_ERROR; return; }
    uint32_t s = rtos_enter();
    enum wake_reason r = task_wait(&suspend_q[p - procs], apex_deadline(timeout));
    rtos_leave(s);
    *rc = r == WAKE_TIMEOUT ? TIMED_OUT : NO_ERROR;
}

void RESUME(PROCESS_ID_TYPE id, RETURN_CODE_TYPE *rc)
{
    struct apex_process *p = apex_process_of(id);
    if (p == 0 || p == apex_self()) { *rc = INVALID_PARAM; return; }
    if (p->task->state == TASK_DORMANT) { *rc = INVALID_MODE; return; }
    struct waitq *q = &suspend_q[p - procs];
    uint32_t s = rtos_enter();
    if (p->task->wq == q) {
        (void)waitq_wake_one(q, WAKE_SIGNALED);
        sched_reschedule();
        *rc = NO_ERROR;
    } else if (p->task->suspended) {
        task_resume(p->task);
        *rc = NO_ERROR;
    } else {
        *rc = NO_ACTION;
    }
    rtos_leave(s);
}

void SET_PRIORITY(PROCESS_ID_TYPE id, PRIORITY_TYPE prio, RETURN_CODE_TYPE *rc)
{
    struct apex_process *p = apex_process_of(id);
    if (p == 0 || prio < MIN_PRIORITY_VALUE || prio > MAX_PRIORITY_VALUE) { *rc = INVALID_PARAM; return; }
    if (p->task->state == TASK_DORMANT) { *rc = INVALID_MODE; return; }
    task_set_priority(p->task, prio);
    *rc = NO_ERROR;
}

void GET_PROCESS_ID(PROCESS_NAME_TYPE name, PROCESS_ID_TYPE *id, RETURN_CODE_TYPE *rc)
{
    struct apex_process *p = find(name);
    if (p == 0 || p->is_error_handler) { *rc = INVALID_CONFIG; return; }
    *id = apex_process_id(p);
    *rc = NO_ERROR;
}

void GET_PROCESS_STATUS(PROCESS_ID_TYPE id, PROCESS_STATUS_TYPE *st, RETURN_CODE_TYPE *rc)
{
    struct apex_process *p = apex_process_of(id);
    if (p == 0) { *rc = INVALID_PARAM; return; }
    struct task *t = p->task;
    st->ATTRIBUTES = p->attr;
    st->CURRENT_PRIORITY = t->prio;
    st->DEADLINE_TIME = p->deadline_time;
    if (t->state == TASK_DORMANT) st->PROCESS_STATE = p->pending_start ? WAITING : DORMANT;
    else if (t == task_current()) st->PROCESS_STATE = RUNNING;
    else if (t->state == TASK_WAITING || t->suspended) st->PROCESS_STATE = WAITING;
    else st->PROCESS_STATE = READY;
    *rc = NO_ERROR;
}

void GET_MY_ID(PROCESS_ID_TYPE *id, RETURN_CODE_TYPE *rc)
{
    struct apex_process *p = apex_self();
    if (p == 0 || p->is_error_handler) { *rc = INVALID_MODE; return; }
    *id = apex_process_id(p);
    *rc = NO_ERROR;
}

void LOCK_PREEMPTION(LOCK_LEVEL_TYPE *level, RETURN_CODE_TYPE *rc)
{
    struct apex_process *p = apex_self();
    if (apex_is_init() || p == 0 || p->is_error_handler) { *level = (LOCK_LEVEL_TYPE)sched_lock_level(); *rc = NO_ACTION; return; }
    if (sched_lock_level() >= MAX_LOCK_LEVEL) { *level = MAX_LOCK_LEVEL; *rc = INVALID_CONFIG; return; }
    sched_lock();
    *level = (LOCK_LEVEL_TYPE)sched_lock_level();
    *rc = NO_ERROR;
}

void UNLOCK_PREEMPTION(LOCK_LEVEL_TYPE *level, RETURN_CODE_TYPE *rc)
{
    struct apex_process *p = apex_self();
    if (apex_is_init() || p == 0 || p->is_error_handler || sched_lock_level() == 0) {
        *level = (LOCK_LEVEL_TYPE)sched_lock_level();
        *rc = NO_ACTION;
        return;
    }
    uint32_t s = rtos_enter();
    sched_unlock();
    *level = (LOCK_LEVEL_TYPE)sched_lock_level();
    if (*level == 0) sched_reschedule();
    rtos_leave(s);
    *rc = NO_ERROR;
}

void INITIALIZE_PROCESS_CORE_AFFINITY(PROCESS_ID_TYPE id, PROCESSOR_CORE_ID_TYPE core, RETURN_CODE_TYPE *rc)
{
    if (!apex_is_init()) { *rc = INVALID_MODE; return; }
    if (apex_process_of(id) == 0) { *rc = INVALID_PARAM; return; }
    /* One core: only core 0 (or no preference) names a core this partition has. */
    *rc = (core == 0 || core == CORE_AFFINITY_NO_PREFERENCE) ? NO_ERROR : INVALID_CONFIG;
}

void GET_MY_PROCESSOR_CORE_ID(PROCESSOR_CORE_ID_TYPE *core, RETURN_CODE_TYPE *rc)
{
    *core = 0;
    *rc = NO_ERROR;
}

void GET_MY_INDEX(PROCESS_INDEX_TYPE *index, RETURN_CODE_TYPE *rc)
{
    struct apex_process *p = apex_self();
    if (p == 0 || p->is_error_handler) { *rc = INVALID_MODE; return; }
    *index = (PROCESS_INDEX_TYPE)(p - procs);
    *rc = NO_ERROR;
}

void apex_check_deadlines(uint64_t now)
{
    for (uint32_t i = 0; i < MAX_NUMBER_OF_PROCESSES; i++) {
        struct apex_process *p = &procs[i];
        if (!p->used || p->deadline_reported || p->deadline_time == INFINITE_TIME_VALUE) continue;
        if (p->task->state == TASK_DORMANT || (SYSTEM_TIME_TYPE)now <= p->deadline_time) continue;
        p->deadline_reported = 1;
        apex_hm_process_error(DEADLINE_MISSED, p, (uint32_t)(uintptr_t)p->attr.ENTRY_POINT, "DEADLINE_MISSED", 15);
    }
}
