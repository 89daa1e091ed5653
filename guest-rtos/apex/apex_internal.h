/* apex_internal.h: state shared by the APEX service files: the partition mode, the process table,
 * name handling, the blocking-call rules and HM error queueing. Not an application header. */
#ifndef APEX_INTERNAL_H
#define APEX_INTERNAL_H

#include <apex/apex.h>
#include <bsp.h>
#include <rtos/sync.h>

struct apex_process {
    uint8_t used;
    uint8_t pending_start;       /* START/DELAYED_START before NORMAL mode */
    uint8_t deadline_reported;
    uint8_t is_error_handler;
    SYSTEM_TIME_TYPE start_delay;
    SYSTEM_TIME_TYPE deadline_time; /* absolute ns, INFINITE_TIME_VALUE for none */
    SYSTEM_TIME_TYPE release_time;  /* last release of a periodic process */
    struct task *task;
    PROCESS_ATTRIBUTE_TYPE attr;
};

#define APEX_ERROR_HANDLER_PRIORITY 252

OPERATING_MODE_TYPE apex_mode(void);
int apex_is_init(void);                              /* COLD_START or WARM_START */
struct apex_process *apex_process_of(PROCESS_ID_TYPE id);
struct apex_process *apex_self(void);                /* 0 when the caller is not a process */
PROCESS_ID_TYPE apex_process_id(const struct apex_process *p);
/* Allocates a process record with its task; used by CREATE_PROCESS and CREATE_ERROR_HANDLER. */
struct apex_process *apex_process_alloc(const PROCESS_ATTRIBUTE_TYPE *attr, int prio);
void apex_process_release(struct apex_process *p, SYSTEM_TIME_TYPE delay);
void apex_processes_go_normal(void);
void apex_check_deadlines(uint64_t now);

/* Names: NAME_TYPE is 30 bytes, NUL-terminated when shorter. */
int apex_name_eq(const char *a, const char *b);
void apex_name_copy(char *dst, const char *src);
int apex_name_ok(const char *name);

/* Blocking rules shared by every waiting service: INVALID_PARAM for a bad timeout, INVALID_MODE when the
 * caller may not wait (holds a mutex, is the error handler, locked preemption, not a process). */
RETURN_CODE_TYPE apex_wait_check(SYSTEM_TIME_TYPE timeout);
uint64_t apex_deadline(SYSTEM_TIME_TYPE timeout);
RETURN_CODE_TYPE apex_wake_rc(enum wake_reason r);

/* HM: a process-level error (deadline, stack overflow, application error). */
void apex_hm_process_error(ERROR_CODE_TYPE code, struct apex_process *p, uint32_t address, const char *msg, uint32_t len);
int apex_has_error_handler(void);
void apex_ports_poll(void);
/* A queuing port of this partition as queuing port lists see it (qlist.c): 0, or -1 for an unknown id. */
struct apex_qport_info {
    uint32_t kid, max_size;
    PORT_DIRECTION_TYPE dir;
};
int apex_qport_info(QUEUING_PORT_ID_TYPE id, struct apex_qport_info *out);
/* Wakes list waiters; weak: an image without qlist.c (no queuing port lists) has nothing to wake. */
void apex_qlists_poll(void) __attribute__((weak));

#endif
