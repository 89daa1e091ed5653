/* sync.h: the core's kernel objects: counting semaphores, mutexes with priority ceiling, events and
 * fixed-size message queues. Calls from tasks mask interrupts themselves; none allocate after boot. */
#ifndef RTOS_SYNC_H
#define RTOS_SYNC_H

#include <stdint.h>
#include "task.h"

struct sem {
    int32_t count, max;
    struct waitq wq;
};
void sem_init(struct sem *s, int32_t initial, int32_t max, int by_priority);
/* Returns WAKE_SIGNALED when taken, WAKE_TIMEOUT (also for a zero timeout that finds none), WAKE_STOPPED. */
enum wake_reason sem_wait(struct sem *s, uint64_t until_ns, int may_block);
/* Returns 0, or -1 when the count is already at max. */
int sem_signal(struct sem *s);

struct mutex {
    struct task *owner;
    uint32_t depth;
    int ceiling;                 /* priority the owner runs at, -1 for none */
    int saved_prio;
    struct waitq wq;
};
void mutex_init(struct mutex *m, int ceiling, int by_priority);
enum wake_reason mutex_lock(struct mutex *m, uint64_t until_ns, int may_block);
/* Returns 0, or -1 when the caller does not own it. */
int mutex_unlock(struct mutex *m);
/* Forces the mutex free (RESET_MUTEX / owner stopped), restoring the owner's priority. */
void mutex_reset(struct mutex *m);

struct event {
    uint8_t up;
    struct waitq wq;
};
void event_init(struct event *e);
void event_set(struct event *e);
void event_reset(struct event *e);
enum wake_reason event_wait(struct event *e, uint64_t until_ns, int may_block);

struct msgq {
    uint8_t *storage;
    uint32_t msg_size, depth, count, head;
    uint32_t *lens;
    struct waitq senders, receivers;
};
/* Storage comes from the boot arena; returns -1 when it is exhausted. */
int msgq_init(struct msgq *q, uint32_t msg_size, uint32_t depth, int by_priority);
enum wake_reason msgq_send(struct msgq *q, const void *msg, uint32_t len, uint64_t until_ns, int may_block);
enum wake_reason msgq_receive(struct msgq *q, void *buf, uint32_t *len, uint64_t until_ns, int may_block);

/* Boot-time arena (stacks, queue storage); never freed. */
void *rtos_alloc(uint32_t size);
uint32_t rtos_arena_left(void);
void rtos_arena_init(uintptr_t base, uint32_t size);

#endif
