/* sem.c: counting semaphores over a wait queue. A signal with waiters hands the unit straight to the
 * first waiter (the count stays), so a woken task never has to retry. */
#include <rtos/sync.h>

void sem_init(struct sem *s, int32_t initial, int32_t max, int by_priority)
{
    s->count = initial;
    s->max = max;
    s->wq.head = 0;
    s->wq.by_priority = (uint8_t)(by_priority != 0);
}

enum wake_reason sem_wait(struct sem *s, uint64_t until_ns, int may_block)
{
    uint32_t st = rtos_enter();
    enum wake_reason r = WAKE_SIGNALED;
    if (s->count > 0) s->count--;
    else if (!may_block) r = WAKE_TIMEOUT;
    else r = task_wait(&s->wq, until_ns);
    rtos_leave(st);
    return r;
}

int sem_signal(struct sem *s)
{
    uint32_t st = rtos_enter();
    int r = 0;
    if (s->wq.head != 0) {
        (void)waitq_wake_one(&s->wq, WAKE_SIGNALED);
        sched_reschedule();
    } else if (s->count >= s->max) {
        r = -1;
    } else {
        s->count++;
    }
    rtos_leave(st);
    return r;
}
