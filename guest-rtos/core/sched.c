/* sched.c: the scheduler proper: the task table, picking the next task (highest priority, FIFO among
 * equals, the preemption lock and the init gate), switching, waiting with timeouts and the tick.
 * Task lifecycle operations live in task.c, kernel objects in their own files. */
#include <bsp.h>
#include <rtos/task.h>

static struct task tasks[RTOS_MAX_TASKS];
static struct task *current;
static struct task *gate;
static uint32_t next_seq;
static uint32_t lock_level;
static uint32_t tick_count;
static uint64_t tick_ns;

uint32_t rtos_enter(void) { return bsp_irq_save(); }
void rtos_leave(uint32_t state) { bsp_irq_restore(state); }

struct task *task_current(void) { return current; }
struct task *task_by_id(uint32_t id) { return id < RTOS_MAX_TASKS ? &tasks[id] : 0; }
uint32_t sched_lock_level(void) { return lock_level; }
void sched_set_gate(struct task *only) { gate = only; }
uint64_t rtos_now(void) { return bsp_time_ns(); }
uint64_t rtos_tick_ns(void) { return tick_ns; }
uint32_t rtos_ticks(void) { return tick_count; }

/* Internal to the core (task.c). */
struct task *sched_slot_alloc(void);
void sched_make_ready(struct task *t);
void sched_set_current(struct task *t);
void sched_set_tick(uint64_t ns);

struct task *sched_slot_alloc(void)
{
    for (uint32_t i = 0; i < RTOS_MAX_TASKS; i++) {
        if (tasks[i].state == TASK_UNUSED) {
            tasks[i].id = i;
            return &tasks[i];
        }
    }
    return 0;
}

void sched_make_ready(struct task *t)
{
    t->state = TASK_READY;
    t->seq = ++next_seq;
    t->slice_left = RTOS_RR_SLICE_TICKS;
}

void sched_set_current(struct task *t) { current = t; }
void sched_set_tick(uint64_t ns) { tick_ns = ns; }

void sched_lock(void) { lock_level++; }
void sched_unlock(void)
{
    if (lock_level > 0) lock_level--;
}

static int eligible(const struct task *t)
{
    if (t->state != TASK_READY || t->suspended) return 0;
    return gate == 0 || t == gate || t->is_idle;
}

static struct task *pick(void)
{
    if (lock_level > 0 && current != 0 && eligible(current)) return current;
    struct task *best = 0;
    for (uint32_t i = 0; i < RTOS_MAX_TASKS; i++) {
        struct task *t = &tasks[i];
        if (!eligible(t)) continue;
        if (best == 0 || t->prio > best->prio || (t->prio == best->prio && t->seq < best->seq)) best = t;
    }
    return best;
}

void sched_reschedule(void)
{
    struct task *prev = current;
    if (prev != 0 && !prev->is_idle && prev->state != TASK_UNUSED && !prev->overflowed && !task_stack_ok(prev)) {
        prev->overflowed = 1;
        rtos_hook_stack_overflow(prev); /* may stop prev: then we switch away below and never return */
    }
    struct task *next = pick();
    if (prev == 0 || next == 0 || next == prev) return; /* prev 0: still on the boot stack */
    rtos_hook_switch(prev, next);
    current = next;
    bsp_ctx_switch(&prev->sp, next->sp);
}

static void waitq_insert(struct waitq *q, struct task *t)
{
    struct task **pp = &q->head;
    if (q->by_priority) {
        while (*pp != 0 && (*pp)->prio >= t->prio) pp = &(*pp)->wq_next;
    } else {
        while (*pp != 0) pp = &(*pp)->wq_next;
    }
    t->wq_next = *pp;
    *pp = t;
    t->wq = q;
}

static void waitq_remove(struct task *t)
{
    if (t->wq == 0) return;
    struct task **pp = &t->wq->head;
    while (*pp != 0 && *pp != t) pp = &(*pp)->wq_next;
    if (*pp == t) *pp = t->wq_next;
    t->wq = 0;
    t->wq_next = 0;
}

void waitq_requeue(struct task *t)
{
    struct waitq *q = t->wq;
    if (q == 0) return;
    waitq_remove(t);
    waitq_insert(q, t);
}

/* Ends a task's wait (any reason); it becomes ready unless it is also suspended. */
void sched_end_wait(struct task *t, enum wake_reason why);
void sched_end_wait(struct task *t, enum wake_reason why)
{
    waitq_remove(t);
    t->wake = why;
    t->delayed = 0;
    t->wake_ns = RTOS_FOREVER;
    sched_make_ready(t);
}

enum wake_reason task_wait(struct waitq *q, uint64_t until_ns)
{
    struct task *t = current;
    t->wake = WAKE_NONE;
    t->wake_ns = until_ns;
    t->delayed = q == 0;
    if (q != 0) waitq_insert(q, t);
    t->state = TASK_WAITING;
    sched_reschedule();
    return t->wake;
}

struct task *waitq_wake_one(struct waitq *q, enum wake_reason why)
{
    struct task *t = q->head;
    if (t != 0) sched_end_wait(t, why);
    return t;
}

void waitq_wake_all(struct waitq *q, enum wake_reason why)
{
    while (q->head != 0) sched_end_wait(q->head, why);
}

uint32_t waitq_count(const struct waitq *q)
{
    uint32_t n = 0;
    for (const struct task *t = q->head; t != 0; t = t->wq_next) n++;
    return n;
}

void task_yield(void)
{
    uint32_t s = rtos_enter();
    if (current->state == TASK_READY) current->seq = ++next_seq;
    sched_reschedule();
    rtos_leave(s);
}

void rtos_isr_tick(uint32_t ticks)
{
    uint64_t now = bsp_time_ns();
    tick_count += ticks;
    for (uint32_t i = 0; i < RTOS_MAX_TASKS; i++) {
        struct task *t = &tasks[i];
        if (t->state == TASK_WAITING && t->wake_ns != RTOS_FOREVER && t->wake_ns <= now)
            sched_end_wait(t, t->delayed ? WAKE_SIGNALED : WAKE_TIMEOUT);
        if (t->suspended && t->suspend_wake_ns != RTOS_FOREVER && t->suspend_wake_ns <= now) {
            t->suspended = 0;
            t->suspend_wake_ns = RTOS_FOREVER;
            if (t->state == TASK_READY) t->seq = ++next_seq;
        }
    }
    struct task *c = current;
    if (c != 0 && c->timeslice && c->state == TASK_READY && lock_level == 0) {
        if (c->slice_left <= ticks) {
            c->slice_left = RTOS_RR_SLICE_TICKS;
            c->seq = ++next_seq;
        } else {
            c->slice_left -= ticks;
        }
    }
    rtos_hook_tick(now);
    sched_reschedule();
}

void rtos_isr_hm(void)
{
    if (current != 0) rtos_hook_fault(current);
    sched_reschedule();
}

void rtos_isr_event(void)
{
    rtos_hook_tick(bsp_time_ns());
    sched_reschedule();
}
