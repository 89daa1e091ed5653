/* task.c: task lifecycle: creation with a canary-guarded stack, start, delayed start, stop, suspend,
 * resume and priority changes. Picking and switching are sched.c's; these only change states. */
#include <bsp.h>
#include <rt/string.h>
#include <rtos/sync.h>

struct task *sched_slot_alloc(void);
void sched_make_ready(struct task *t);
void sched_end_wait(struct task *t, enum wake_reason why);

static void task_trampoline(void)
{
    struct task *t = task_current();
    bsp_irq_restore(0); /* a new task starts with interrupts enabled */
    t->entry();
    (void)rtos_enter();
    rtos_hook_task_exit(t);
    task_stop(t);
    for (;;) {
    }
}

int task_stack_ok(const struct task *t)
{
    const uint32_t *w = (const uint32_t *)t->stack;
    if (w == 0) return 1;
    for (uint32_t i = 0; i < RTOS_CANARY_WORDS; i++)
        if (w[i] != RTOS_STACK_CANARY) return 0;
    return 1;
}

struct task *task_create(const char *name, void (*entry)(void), int prio, uint32_t stack_size)
{
    if (stack_size < RTOS_MIN_STACK) stack_size = RTOS_MIN_STACK;
    stack_size = (stack_size + 15u) & ~15u;
    uint32_t s = rtos_enter();
    struct task *t = 0;
    if (rtos_arena_left() >= stack_size) t = sched_slot_alloc();
    if (t != 0) {
        uint32_t id = t->id;
        memset(t, 0, sizeof *t);
        t->id = id;
        t->stack = rtos_alloc(stack_size);
        t->stack_size = stack_size;
        t->entry = entry;
        t->base_prio = t->prio = prio;
        t->wake_ns = t->suspend_wake_ns = RTOS_FOREVER;
        t->state = TASK_DORMANT;
        strncpy(t->name, name, RTOS_NAME_LEN - 1);
    }
    rtos_leave(s);
    return t;
}

static void reset_context(struct task *t)
{
    uint32_t *w = (uint32_t *)t->stack;
    for (uint32_t i = 0; i < RTOS_CANARY_WORDS; i++) w[i] = RTOS_STACK_CANARY;
    t->sp = bsp_ctx_init(t->stack, t->stack_size, task_trampoline);
    t->prio = t->base_prio;
    t->suspended = 0;
    t->overflowed = 0;
    t->mutexes = 0;
    t->suspend_wake_ns = RTOS_FOREVER;
}

void task_start(struct task *t)
{
    uint32_t s = rtos_enter();
    reset_context(t);
    t->wake_ns = RTOS_FOREVER;
    sched_make_ready(t);
    sched_reschedule();
    rtos_leave(s);
}

void task_start_at(struct task *t, uint64_t at_ns)
{
    uint32_t s = rtos_enter();
    reset_context(t);
    t->state = TASK_WAITING;
    t->delayed = 1;
    t->wake_ns = at_ns;
    rtos_leave(s);
}

void task_kill(struct task *t)
{
    uint32_t s = rtos_enter();
    if (t->wq != 0) sched_end_wait(t, WAKE_STOPPED);
    t->state = TASK_DORMANT;
    t->suspended = 0;
    t->delayed = 0;
    t->wake_ns = RTOS_FOREVER;
    rtos_leave(s);
}

void task_stop(struct task *t)
{
    uint32_t s = rtos_enter();
    task_kill(t);
    if (t == task_current()) sched_reschedule(); /* never returns */
    rtos_leave(s);
}

void task_set_priority(struct task *t, int prio)
{
    uint32_t s = rtos_enter();
    int raised = t->prio != t->base_prio;
    t->base_prio = prio;
    if (!raised || prio > t->prio) t->prio = prio;
    if (t->state == TASK_READY) sched_make_ready(t);
    waitq_requeue(t);
    sched_reschedule();
    rtos_leave(s);
}

void task_suspend(struct task *t, uint64_t until_ns)
{
    uint32_t s = rtos_enter();
    t->suspended = 1;
    t->suspend_wake_ns = until_ns;
    sched_reschedule();
    rtos_leave(s);
}

void task_resume(struct task *t)
{
    uint32_t s = rtos_enter();
    t->suspended = 0;
    t->suspend_wake_ns = RTOS_FOREVER;
    if (t->state == TASK_READY) sched_make_ready(t);
    sched_reschedule();
    rtos_leave(s);
}

__attribute__((weak)) void rtos_hook_tick(uint64_t now) { (void)now; }
__attribute__((weak)) void rtos_hook_task_exit(struct task *t) { (void)t; }
__attribute__((weak)) void rtos_hook_stack_overflow(struct task *t)
{
    task_kill(t);
    (void)bsp_hm_raise_error(4 /* STACK_OVERFLOW */, 1, (uint32_t)(uintptr_t)t->stack, "STACK_OVERFLOW", 14);
}
__attribute__((weak)) void rtos_hook_fault(struct task *t) { task_kill(t); }
__attribute__((weak)) void rtos_hook_switch(struct task *prev, struct task *next) { (void)prev, (void)next; }
