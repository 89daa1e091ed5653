/* t_sched.c: core scheduler tests (group "core"): priorities, FIFO and round-robin among equals, delays,
 * suspend/resume, priority changes, stop, the preemption lock, the stack canary and the tick. They use
 * the core task API directly from the runner process (priority 100). */
#include "harness.h"

static volatile uint32_t flag, count_a, count_b;
static char log_buf[8];
static volatile uint32_t log_len;

static void note(char c)
{
    if (log_len < sizeof log_buf - 1) log_buf[log_len++] = c;
    log_buf[log_len] = '\0';
}

static void set_flag(void) { flag = 1; }
static void log_a(void) { note('A'); }
static void log_b(void) { note('B'); }
static void spin_a(void) { for (;;) count_a++; }
static void spin_b(void) { for (;;) count_b++; }
static void ticker(void)
{
    for (;;) {
        count_a++;
        uint32_t s = rtos_enter();
        (void)task_wait(0, rtos_now() + rtos_tick_ns());
        rtos_leave(s);
    }
}

static void delay_ticks(uint32_t n)
{
    uint32_t s = rtos_enter();
    (void)task_wait(0, rtos_now() + n * rtos_tick_ns());
    rtos_leave(s);
}

static struct task *mk(const char *name, void (*fn)(void), int prio)
{
    struct task *t = task_create(name, fn, prio, 4096);
    return t;
}

static struct task *t_hi, *t_lo, *t_eq1, *t_eq2, *t_spin1, *t_spin2, *t_tick;

static void priority_preempts(void)
{
    flag = 0;
    task_start(t_hi);
    CHECK(flag == 1, "higher-priority task did not run at once");
}

static void lower_waits(void)
{
    flag = 0;
    task_start(t_lo);
    CHECK(flag == 0, "lower-priority task preempted the runner");
    delay_ticks(1);
    CHECK(flag == 1, "lower-priority task did not run while the runner slept");
}

static void fifo_equal(void)
{
    log_len = 0;
    task_start(t_eq1);
    task_start(t_eq2);
    CHECK(log_len == 0, "equal-priority task preempted the runner");
    task_yield();
    CHECK(log_len == 2 && log_buf[0] == 'A' && log_buf[1] == 'B', "order \"%s\", want AB", log_buf);
}

static void round_robin(void)
{
    count_a = count_b = 0;
    t_spin1->timeslice = t_spin2->timeslice = 1;
    task_start(t_spin1);
    task_start(t_spin2);
    delay_ticks(6);
    task_stop(t_spin1);
    task_stop(t_spin2);
    CHECK(count_a > 0 && count_b > 0, "one equal-priority spinner starved (%u, %u)", count_a, count_b);
}

static void delay_wakes(void)
{
    uint64_t t0 = rtos_now();
    delay_ticks(3);
    uint64_t dt = rtos_now() - t0;
    CHECK(dt >= 3 * rtos_tick_ns(), "woke after %u ns, want >= 3 ticks", (uint32_t)dt);
}

static void suspend_resume(void)
{
    count_a = 0;
    task_start(t_tick);
    CHECK(count_a == 1, "ticker did not run once");
    task_suspend(t_tick, RTOS_FOREVER);
    uint32_t frozen = count_a;
    delay_ticks(4);
    CHECK(count_a == frozen, "suspended task ran (%u -> %u)", frozen, count_a);
    task_resume(t_tick);
    delay_ticks(3);
    task_stop(t_tick);
    CHECK(count_a > frozen, "resumed task did not run");
}

static void set_priority_preempts(void)
{
    flag = 0;
    task_start(t_lo);
    CHECK(flag == 0, "low task ran early");
    task_set_priority(t_lo, 180);
    CHECK(flag == 1, "raising priority above the runner did not preempt");
    task_set_priority(t_lo, 50);
}

static struct sem stop_sem;
static void sem_waiter(void) { (void)sem_wait(&stop_sem, RTOS_FOREVER, 1); flag = 7; }

static void stop_waiting(void)
{
    struct task *w = mk("SEMW", sem_waiter, 150);
    CHECK(w != 0, "no task");
    sem_init(&stop_sem, 0, 1, 0);
    flag = 0;
    task_start(w);
    CHECK(w->state == TASK_WAITING && waitq_count(&stop_sem.wq) == 1, "waiter not queued");
    task_stop(w);
    CHECK(w->state == TASK_DORMANT && waitq_count(&stop_sem.wq) == 0 && flag == 0, "stop left it queued");
}

static void preemption_lock(void)
{
    flag = 0;
    uint32_t s = rtos_enter();
    sched_lock();
    rtos_leave(s);
    task_start(t_hi);
    int ran_locked = flag;
    s = rtos_enter();
    sched_unlock();
    sched_reschedule();
    rtos_leave(s);
    CHECK(!ran_locked, "preempted while locked");
    CHECK(flag == 1, "did not run after unlock");
}

static void canary_ok(void)
{
    CHECK(task_stack_ok(task_current()), "runner canary broken");
    CHECK(task_current()->stack != 0, "runner has no guarded stack");
}

static void tick_advances(void)
{
    uint32_t t0 = rtos_ticks();
    delay_ticks(2);
    CHECK(rtos_ticks() >= t0 + 2, "ticks %u -> %u", t0, rtos_ticks());
}

static void setup(void)
{
    t_hi = mk("HI", set_flag, 150);
    t_lo = mk("LO", set_flag, 50);
    t_eq1 = mk("EQ1", log_a, 100);
    t_eq2 = mk("EQ2", log_b, 100);
    t_spin1 = mk("SPIN1", spin_a, 90);
    t_spin2 = mk("SPIN2", spin_b, 90);
    t_tick = mk("TICKER", ticker, 150);
}

void t_core_setup(void);
void t_core_setup(void) { setup(); }

const struct test_case core_sched_cases[] = {
    { "priority_preempts", priority_preempts }, { "lower_waits", lower_waits },
    { "fifo_equal", fifo_equal },               { "round_robin", round_robin },
    { "delay_wakes", delay_wakes },             { "suspend_resume", suspend_resume },
    { "set_priority_preempts", set_priority_preempts }, { "stop_waiting", stop_waiting },
    { "preemption_lock", preemption_lock },     { "canary_ok", canary_ok },
    { "tick_advances", tick_advances },         { 0, 0 },
};
