/* mutex.c: APEX mutexes (P1-5 3.7.2.5) over the core's priority-ceiling mutexes. */
#include "apex_internal.h"

#define MAX_MUTEXES 16

static struct {
    uint8_t used;
    NAME_TYPE name;
    PRIORITY_TYPE prio;
    struct mutex m;
} mutexes[MAX_MUTEXES];

static int lookup(MUTEX_ID_TYPE id) { return id >= 1 && id <= MAX_MUTEXES && mutexes[id - 1].used ? id - 1 : -1; }

/* Releases every mutex `t` owns (STOP of an owner). */
void apex_mutexes_release_all(struct task *t);
void apex_mutexes_release_all(struct task *t)
{
    for (int i = 0; i < MAX_MUTEXES; i++)
        if (mutexes[i].used && mutexes[i].m.owner == t) mutex_reset(&mutexes[i].m);
}

void CREATE_MUTEX(MUTEX_NAME_TYPE name, PRIORITY_TYPE prio, QUEUING_DISCIPLINE_TYPE disc, MUTEX_ID_TYPE *id,
                  RETURN_CODE_TYPE *rc)
{
    if (!apex_is_init()) { *rc = INVALID_MODE; return; }
    for (int i = 0; i < MAX_MUTEXES; i++)
        if (mutexes[i].used && apex_name_eq(mutexes[i].name, name)) { *rc = NO_ACTION; return; }
    if (!apex_name_ok(name) || prio < MIN_PRIORITY_VALUE || prio > MAX_PRIORITY_VALUE) { *rc = INVALID_PARAM; return; }
    if (disc != FIFO && disc != PRIORITY) { *rc = INVALID_PARAM; return; }
    for (int i = 0; i < MAX_MUTEXES; i++) {
        if (mutexes[i].used) continue;
        mutexes[i].used = 1;
        mutexes[i].prio = prio;
        apex_name_copy(mutexes[i].name, name);
        mutex_init(&mutexes[i].m, prio, disc == PRIORITY);
        *id = i + 1;
        *rc = NO_ERROR;
        return;
    }
    *rc = INVALID_CONFIG;
}

void ACQUIRE_MUTEX(MUTEX_ID_TYPE id, SYSTEM_TIME_TYPE timeout, RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0) { *rc = INVALID_PARAM; return; }
    struct apex_process *me = apex_self();
    if (me == 0 || me->is_error_handler || sched_lock_level() > 0) { *rc = INVALID_MODE; return; }
    if (timeout < INFINITE_TIME_VALUE) { *rc = INVALID_PARAM; return; }
    struct mutex *m = &mutexes[i].m;
    if (m->owner != me->task && me->task->prio > mutexes[i].prio) { *rc = INVALID_CONFIG; return; }
    if (m->owner == me->task && m->depth >= 0x7FFFu) { *rc = INVALID_CONFIG; return; }
    if (m->owner != 0 && m->owner != me->task && timeout != 0 && me->task->mutexes > 0) { *rc = INVALID_MODE; return; }
    enum wake_reason r = mutex_lock(m, apex_deadline(timeout), timeout != 0);
    *rc = (r == WAKE_TIMEOUT && timeout == 0) ? NOT_AVAILABLE : apex_wake_rc(r);
}

void RELEASE_MUTEX(MUTEX_ID_TYPE id, RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0) { *rc = INVALID_PARAM; return; }
    if (apex_self() == 0) { *rc = INVALID_MODE; return; }
    *rc = mutex_unlock(&mutexes[i].m) == 0 ? NO_ERROR : INVALID_MODE;
}

void RESET_MUTEX(MUTEX_ID_TYPE id, PROCESS_ID_TYPE pid, RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    struct apex_process *p = apex_process_of(pid);
    if (i < 0 || p == 0) { *rc = INVALID_PARAM; return; }
    if (mutexes[i].m.owner != p->task) { *rc = INVALID_MODE; return; }
    mutex_reset(&mutexes[i].m);
    *rc = NO_ERROR;
}

void GET_MUTEX_ID(MUTEX_NAME_TYPE name, MUTEX_ID_TYPE *id, RETURN_CODE_TYPE *rc)
{
    for (int i = 0; i < MAX_MUTEXES; i++)
        if (mutexes[i].used && apex_name_eq(mutexes[i].name, name)) { *id = i + 1; *rc = NO_ERROR; return; }
    *rc = INVALID_CONFIG;
}

void GET_MUTEX_STATUS(MUTEX_ID_TYPE id, MUTEX_STATUS_TYPE *st, RETURN_CODE_TYPE *rc)
{
    int i = lookup(id);
    if (i < 0) { *rc = INVALID_PARAM; return; }
    struct mutex *m = &mutexes[i].m;
    struct apex_process *o = m->owner != 0 ? (struct apex_process *)m->owner->owner_obj : 0;
    st->MUTEX_OWNER = o != 0 ? apex_process_id(o) : NO_MUTEX_OWNED;
    st->MUTEX_STATE = m->owner != 0 ? OWNED : AVAILABLE;
    st->MUTEX_PRIORITY = mutexes[i].prio;
    st->LOCK_COUNT = (APEX_INTEGER)m->depth;
    st->WAITING_PROCESSES = (WAITING_RANGE_TYPE)waitq_count(&m->wq);
    *rc = NO_ERROR;
}

void GET_PROCESS_MUTEX_STATE(PROCESS_ID_TYPE pid, MUTEX_ID_TYPE *id, RETURN_CODE_TYPE *rc)
{
    struct apex_process *p = apex_process_of(pid);
    if (p == 0) { *rc = INVALID_PARAM; return; }
    *id = NO_MUTEX_OWNED;
    for (int i = 0; i < MAX_MUTEXES; i++)
        if (mutexes[i].used && mutexes[i].m.owner == p->task) { *id = i + 1; break; }
    *rc = NO_ERROR;
}
