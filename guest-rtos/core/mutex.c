/* mutex.c: recursive mutexes with the priority-ceiling protocol: the owner runs at max(own, ceiling)
 * until it releases the last level; ownership passes directly to the first waiter. */
#include <rtos/sync.h>

void mutex_init(struct mutex *m, int ceiling, int by_priority)
{
    m->owner = 0;
    m->depth = 0;
    m->ceiling = ceiling;
    m->saved_prio = 0;
    m->wq.head = 0;
    m->wq.by_priority = (uint8_t)(by_priority != 0);
}

static void take(struct mutex *m, struct task *t)
{
    m->owner = t;
    m->depth = 1;
    m->saved_prio = t->prio;
    t->mutexes++;
    if (m->ceiling > t->prio) t->prio = m->ceiling;
}

static void give_up(struct mutex *m)
{
    struct task *o = m->owner;
    o->prio = m->saved_prio < o->base_prio ? o->base_prio : m->saved_prio;
    if (o->mutexes > 0) o->mutexes--;
    if (o->mutexes == 0) o->prio = o->base_prio;
    m->owner = 0;
    m->depth = 0;
}

enum wake_reason mutex_lock(struct mutex *m, uint64_t until_ns, int may_block)
{
    uint32_t st = rtos_enter();
    struct task *me = task_current();
    enum wake_reason r = WAKE_SIGNALED;
    if (m->owner == 0) take(m, me);
    else if (m->owner == me) m->depth++;
    else if (!may_block) r = WAKE_TIMEOUT;
    else r = task_wait(&m->wq, until_ns); /* on WAKE_SIGNALED the releaser made us owner */
    rtos_leave(st);
    return r;
}

static void hand_over(struct mutex *m)
{
    struct task *next = waitq_wake_one(&m->wq, WAKE_SIGNALED);
    if (next != 0) take(m, next);
}

int mutex_unlock(struct mutex *m)
{
    uint32_t st = rtos_enter();
    int r = 0;
    if (m->owner != task_current()) {
        r = -1;
    } else if (--m->depth == 0) {
        give_up(m);
        hand_over(m);
        sched_reschedule();
    }
    rtos_leave(st);
    return r;
}

void mutex_reset(struct mutex *m)
{
    uint32_t st = rtos_enter();
    if (m->owner != 0) {
        give_up(m);
        hand_over(m);
        sched_reschedule();
    }
    rtos_leave(st);
}
