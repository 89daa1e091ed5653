/* event.c: ARINC-style events: a level (up/down); SET wakes every waiter and stays up until RESET. */
#include <rtos/sync.h>

void event_init(struct event *e)
{
    e->up = 0;
    e->wq.head = 0;
    e->wq.by_priority = 0;
}

void event_set(struct event *e)
{
    uint32_t st = rtos_enter();
    e->up = 1;
    if (e->wq.head != 0) {
        waitq_wake_all(&e->wq, WAKE_SIGNALED);
        sched_reschedule();
    }
    rtos_leave(st);
}

void event_reset(struct event *e) { e->up = 0; }

enum wake_reason event_wait(struct event *e, uint64_t until_ns, int may_block)
{
    uint32_t st = rtos_enter();
    enum wake_reason r = WAKE_SIGNALED;
    if (!e->up) r = may_block ? task_wait(&e->wq, until_ns) : WAKE_TIMEOUT;
    rtos_leave(st);
    return r;
}
