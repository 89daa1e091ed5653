/* task.h: tasks (ARINC processes at the core level), the scheduler and waiting. The scheduler is a
 * fixed-priority preemptive one with FIFO order among equals and an optional round-robin slice; every
 * call here must run with interrupts masked (rtos_enter / rtos_leave) unless it says otherwise. */
#ifndef RTOS_TASK_H
#define RTOS_TASK_H

#include <stdint.h>
#include "config.h"

#define RTOS_FOREVER UINT64_MAX

enum task_state { TASK_UNUSED, TASK_DORMANT, TASK_READY, TASK_WAITING };

/* Why a wait ended. */
enum wake_reason { WAKE_NONE, WAKE_SIGNALED, WAKE_TIMEOUT, WAKE_STOPPED };

struct task;

/* A queue of waiting tasks, ordered FIFO or by current priority (FIFO among equals). */
struct waitq {
    struct task *head;
    uint8_t by_priority;
};

struct task {
    uint32_t sp;                 /* saved ESP while switched out */
    uint8_t *stack;              /* lowest address; canary words live here */
    uint32_t stack_size;
    enum task_state state;
    uint8_t suspended;           /* SUSPEND: not eligible even when its wait ends */
    uint8_t timeslice;           /* takes part in round-robin among equal priorities */
    uint8_t delayed;             /* waiting only for wake_ns (delay, periodic wait, delayed start) */
    uint8_t is_idle;
    uint8_t overflowed;          /* stack overflow already reported */
    uint32_t mutexes;            /* mutexes held (blocking services refuse while > 0) */
    int base_prio;
    int prio;                    /* current (raised by a mutex's ceiling) */
    uint32_t seq;                /* FIFO order among equal priorities */
    uint32_t slice_left;
    struct waitq *wq;            /* queue it waits in, or 0 */
    struct task *wq_next;
    uint64_t wake_ns;            /* timeout (absolute), RTOS_FOREVER for none */
    uint64_t suspend_wake_ns;    /* SUSPEND timeout, RTOS_FOREVER for none */
    enum wake_reason wake;
    void (*entry)(void);
    void *wait_buf;              /* object-specific payload of the wait (message buffer, ...) */
    uint32_t wait_len;
    uint32_t id;                 /* index in the task table */
    void *owner_obj;             /* APEX process record, or 0 */
    char name[RTOS_NAME_LEN];
};

/* Critical sections: mask interrupts; nestable through the returned state. */
uint32_t rtos_enter(void);
void rtos_leave(uint32_t state);

struct task *task_current(void);
struct task *task_by_id(uint32_t id);
/* Allocates a dormant task with its own stack; returns 0 when the table or the arena is full. */
struct task *task_create(const char *name, void (*entry)(void), int prio, uint32_t stack_size);
/* Makes a dormant task ready at its entry point (fresh stack, base priority). */
void task_start(struct task *t);
/* Makes a dormant task wait until `at_ns`, then start it. */
void task_start_at(struct task *t, uint64_t at_ns);
/* Stops a task (any state) and makes it dormant; a stopped waiter leaves its queue. */
void task_stop(struct task *t);
/* Makes a task dormant without switching away, even from itself (the caller reschedules). */
void task_kill(struct task *t);
void task_set_priority(struct task *t, int prio);
void task_suspend(struct task *t, uint64_t until_ns);
void task_resume(struct task *t);
/* Moves the running task behind its equals. */
void task_yield(void);
/* Blocks the current task on q (0: delay only) until woken or `until_ns`; returns why it woke. */
enum wake_reason task_wait(struct waitq *q, uint64_t until_ns);
/* Wakes the first waiter of q (0 when empty). */
struct task *waitq_wake_one(struct waitq *q, enum wake_reason why);
void waitq_wake_all(struct waitq *q, enum wake_reason why);
uint32_t waitq_count(const struct waitq *q);
/* Re-sorts a waiter after its priority changed. */
void waitq_requeue(struct task *t);

/* Preemption lock (LOCK_PREEMPTION): while > 0 the running task keeps the CPU unless it waits. */
uint32_t sched_lock_level(void);
void sched_lock(void);
void sched_unlock(void);
/* Picks the highest ready task and switches to it if it is not the running one. */
void sched_reschedule(void);
/* While set, only tasks flagged by sched_set_gate run (APEX: only the init task before NORMAL mode). */
void sched_set_gate(struct task *only);

/* Time on the partition tick. */
uint64_t rtos_now(void);
uint64_t rtos_tick_ns(void);
uint32_t rtos_ticks(void);

/* Hooks the APEX layer supplies (weak defaults in core). */
void rtos_hook_tick(uint64_t now);                       /* deadlines, port polling */
void rtos_hook_stack_overflow(struct task *t);           /* HM: STACK_OVERFLOW */
void rtos_hook_task_exit(struct task *t);                /* entry returned */
void rtos_hook_fault(struct task *t);                    /* HM upcall: the host sent t's fault to the error handler */
void rtos_hook_switch(struct task *prev, struct task *next); /* just before a context switch */

/* Checks the current task's stack canary (also done at every switch). */
int task_stack_ok(const struct task *t);

#endif
