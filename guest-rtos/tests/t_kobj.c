/* t_kobj.c: core kernel-object tests (group "core", with t_sched.c): semaphores, mutexes with priority
 * ceiling, events and message queues, through the core API from the runner process (priority 100). */
#include <rt/string.h>
#include "harness.h"

extern const struct test_case core_sched_cases[];
void t_core_setup(void);

static volatile uint32_t hits, order_log;
static struct sem s1;
static struct mutex m1;
static struct event e1;
static struct msgq q1;
static char got[16];
static uint32_t got_len;

static void sem_count(void)
{
    sem_init(&s1, 2, 3, 0);
    CHECK(sem_wait(&s1, 0, 0) == WAKE_SIGNALED, "first take");
    CHECK(sem_wait(&s1, 0, 0) == WAKE_SIGNALED, "second take");
    CHECK(sem_wait(&s1, 0, 0) == WAKE_TIMEOUT, "third take should fail");
    CHECK(sem_signal(&s1) == 0 && sem_wait(&s1, 0, 0) == WAKE_SIGNALED, "signal then take");
}

static void sem_max(void)
{
    sem_init(&s1, 3, 3, 0);
    CHECK(sem_signal(&s1) == -1 && s1.count == 3, "signal above max accepted");
}

static void sem_taker(void)
{
    if (sem_wait(&s1, RTOS_FOREVER, 1) == WAKE_SIGNALED) hits++;
}

static void sem_blocks(void)
{
    sem_init(&s1, 0, 5, 0);
    hits = 0;
    task_start(task_create("SEMT", sem_taker, 150, 4096));
    CHECK(hits == 0 && waitq_count(&s1.wq) == 1, "taker did not block");
    CHECK(sem_signal(&s1) == 0, "signal");
    CHECK(hits == 1 && s1.count == 0, "signal did not hand over (hits %u count %d)", hits, s1.count);
}

static void sem_timeout(void)
{
    sem_init(&s1, 0, 1, 0);
    uint64_t t0 = rtos_now();
    enum wake_reason r = sem_wait(&s1, t0 + 2 * rtos_tick_ns(), 1);
    CHECK(r == WAKE_TIMEOUT, "wake %d", (int)r);
    CHECK(rtos_now() - t0 >= 2 * rtos_tick_ns(), "timed out early");
}

static void prio_taker_a(void)
{
    if (sem_wait(&s1, RTOS_FOREVER, 1) == WAKE_SIGNALED) order_log = order_log * 10 + 1;
}
static void prio_taker_b(void)
{
    if (sem_wait(&s1, RTOS_FOREVER, 1) == WAKE_SIGNALED) order_log = order_log * 10 + 2;
}

static void sem_priority_order(void)
{
    sem_init(&s1, 0, 5, 1);
    order_log = 0;
    task_start(task_create("PA", prio_taker_a, 120, 4096));
    task_start(task_create("PB", prio_taker_b, 140, 4096));
    (void)sem_signal(&s1);
    (void)sem_signal(&s1);
    CHECK(order_log == 21, "wake order %u, want 21 (higher priority first)", order_log);
}

static void mutex_recursive(void)
{
    mutex_init(&m1, -1, 0);
    CHECK(mutex_lock(&m1, 0, 0) == WAKE_SIGNALED && mutex_lock(&m1, 0, 0) == WAKE_SIGNALED, "lock twice");
    CHECK(m1.depth == 2 && m1.owner == task_current(), "depth %u", m1.depth);
    CHECK(mutex_unlock(&m1) == 0 && m1.owner == task_current(), "first unlock freed it");
    CHECK(mutex_unlock(&m1) == 0 && m1.owner == 0, "second unlock did not free it");
}

static void mutex_ceiling(void)
{
    int before = task_current()->prio;
    mutex_init(&m1, 200, 0);
    (void)mutex_lock(&m1, 0, 0);
    int during = task_current()->prio;
    (void)mutex_unlock(&m1);
    CHECK(during == 200, "priority %d while holding, want the ceiling 200", during);
    CHECK(task_current()->prio == before, "priority %d after release, want %d", task_current()->prio, before);
}

static void other_unlock(void)
{
    if (mutex_unlock(&m1) == -1) hits = 99;
}

static void mutex_not_owner(void)
{
    mutex_init(&m1, -1, 0);
    (void)mutex_lock(&m1, 0, 0);
    hits = 0;
    task_start(task_create("UNL", other_unlock, 150, 4096));
    CHECK(hits == 99 && m1.owner == task_current(), "a non-owner could unlock");
    (void)mutex_unlock(&m1);
}

static void mutex_waiter(void)
{
    if (mutex_lock(&m1, RTOS_FOREVER, 1) == WAKE_SIGNALED) {
        hits = m1.owner == task_current() ? 1 : 2;
        (void)mutex_unlock(&m1);
    }
}

static void mutex_handover(void)
{
    mutex_init(&m1, -1, 1);
    (void)mutex_lock(&m1, 0, 0);
    hits = 0;
    task_start(task_create("MW", mutex_waiter, 150, 4096));
    CHECK(hits == 0 && waitq_count(&m1.wq) == 1, "waiter did not block");
    (void)mutex_unlock(&m1);
    CHECK(hits == 1, "ownership not handed to the waiter (%u)", hits);
}

static void event_waiter(void)
{
    if (event_wait(&e1, RTOS_FOREVER, 1) == WAKE_SIGNALED) hits++;
}

static void event_all(void)
{
    event_init(&e1);
    hits = 0;
    task_start(task_create("EW1", event_waiter, 150, 4096));
    task_start(task_create("EW2", event_waiter, 150, 4096));
    CHECK(waitq_count(&e1.wq) == 2, "%u waiters, want 2", waitq_count(&e1.wq));
    event_set(&e1);
    CHECK(hits == 2, "%u woke, want 2", hits);
}

static void event_reset_blocks(void)
{
    event_init(&e1);
    event_set(&e1);
    CHECK(event_wait(&e1, 0, 0) == WAKE_SIGNALED, "up event blocked");
    event_reset(&e1);
    CHECK(event_wait(&e1, 0, 0) == WAKE_TIMEOUT, "down event did not block");
}

static void msgq_fifo(void)
{
    static int ready;
    if (!ready) ready = msgq_init(&q1, 16, 2, 0) == 0;
    CHECK(ready, "no storage");
    q1.count = 0;
    CHECK(msgq_send(&q1, "one", 4, 0, 0) == WAKE_SIGNALED, "send 1");
    CHECK(msgq_send(&q1, "two!", 5, 0, 0) == WAKE_SIGNALED, "send 2");
    CHECK(msgq_send(&q1, "x", 2, 0, 0) == WAKE_TIMEOUT, "send to a full queue succeeded");
    CHECK(msgq_receive(&q1, got, &got_len, 0, 0) == WAKE_SIGNALED && got_len == 4 && strcmp(got, "one") == 0, "first");
    CHECK(msgq_receive(&q1, got, &got_len, 0, 0) == WAKE_SIGNALED && got_len == 5 && strcmp(got, "two!") == 0, "second");
    CHECK(msgq_receive(&q1, got, &got_len, 0, 0) == WAKE_TIMEOUT, "received from an empty queue");
}

static void receiver(void)
{
    if (msgq_receive(&q1, got, &got_len, RTOS_FOREVER, 1) == WAKE_SIGNALED) hits = 5;
}

static void msgq_direct(void)
{
    hits = 0;
    memset(got, 0, sizeof got);
    task_start(task_create("RX", receiver, 150, 4096));
    CHECK(waitq_count(&q1.receivers) == 1, "receiver did not block");
    (void)msgq_send(&q1, "hand", 5, 0, 0);
    CHECK(hits == 5 && strcmp(got, "hand") == 0 && q1.count == 0, "not handed straight to the receiver");
}

static void sender(void)
{
    if (msgq_send(&q1, "late", 5, RTOS_FOREVER, 1) == WAKE_SIGNALED) hits = 6;
}

static void msgq_blocked_sender(void)
{
    hits = 0;
    (void)msgq_send(&q1, "a", 2, 0, 0);
    (void)msgq_send(&q1, "b", 2, 0, 0);
    task_start(task_create("TX", sender, 150, 4096));
    CHECK(waitq_count(&q1.senders) == 1, "sender did not block on a full queue");
    (void)msgq_receive(&q1, got, &got_len, 0, 0);
    CHECK(hits == 6 && q1.count == 2, "sender not admitted (hits %u count %u)", hits, q1.count);
    (void)msgq_receive(&q1, got, &got_len, 0, 0);
    (void)msgq_receive(&q1, got, &got_len, 0, 0);
    CHECK(strcmp(got, "late") == 0, "last message \"%s\"", got);
}

static const struct test_case cases[] = {
    { "sem_count", sem_count },       { "sem_max", sem_max },
    { "sem_blocks", sem_blocks },     { "sem_timeout", sem_timeout },
    { "sem_priority_order", sem_priority_order },
    { "mutex_recursive", mutex_recursive }, { "mutex_ceiling", mutex_ceiling },
    { "mutex_not_owner", mutex_not_owner }, { "mutex_handover", mutex_handover },
    { "event_all", event_all },       { "event_reset_blocks", event_reset_blocks },
    { "msgq_fifo", msgq_fifo },       { "msgq_direct", msgq_direct },
    { "msgq_blocked_sender", msgq_blocked_sender }, { 0, 0 },
};

const struct test_group group_core = {
    "core", t_core_setup, core_sched_cases, cases, 0,
};
