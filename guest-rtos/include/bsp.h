/* bsp.h: what the RTOS core and APEX layer need from the platform under them (a paravirt binding, a bare
 * PC with PIT/PIC/COM1, ...). Every BSP implements all of it; a service the host lacks returns
 * BSP_RC_UNSUPPORTED rather than pretending. The BSP calls back into the core through rtos_isr_*. */
#ifndef BSP_H
#define BSP_H

#include <stdint.h>

/* BSP results use ARINC RETURN_CODE_TYPE numbers (0 = NO_ERROR .. 6 = TIMED_OUT), each BSP translating its
 * host's codes explicitly; BSP_RC_UNSUPPORTED means the host has no such facility (maps to INVALID_CONFIG). */
typedef uint32_t bsp_rc_t;
#define BSP_RC_OK 0u
#define BSP_RC_NO_ACTION 1u
#define BSP_RC_NOT_AVAILABLE 2u
#define BSP_RC_INVALID_PARAM 3u
#define BSP_RC_INVALID_CONFIG 4u
#define BSP_RC_INVALID_MODE 5u
#define BSP_RC_UNSUPPORTED 4u

/* What the BSP learned at boot. */
struct bsp_boot_info {
    uint32_t partition_id;
    uint32_t start_condition;  /* ARINC START_CONDITION_TYPE value */
    uint32_t system_partition; /* 1 when the partition may call module-level services */
    uintptr_t free_base;       /* RAM the RTOS may use for stacks and objects */
    uint32_t free_size;
    uint64_t tick_period_ns;
    char name[32];
    const char *cmdline;       /* not NUL-terminated */
    uint32_t cmdline_len;
};

/* Entry of the RTOS, called once by the BSP's start code on its boot stack with virtual interrupts masked. */
__attribute__((noreturn)) void rtos_boot(const struct bsp_boot_info *info);
/* Called by the BSP from interrupt context (interrupts masked) with the number of ticks elapsed. */
void rtos_isr_tick(uint32_t ticks);
/* Called by the BSP from interrupt context when a port or other host event may have unblocked someone. */
void rtos_isr_event(void);
/* The host's HM upcall arrived: the task running when it came caused a fault it sent to the error handler. */
void rtos_isr_hm(void);

/* --- console, time, interrupts --- */
void bsp_console_write(const char *s, uint32_t len);
void bsp_console_flush(void);
uint64_t bsp_time_ns(void);
/* Starts the periodic tick that drives rtos_isr_tick; returns the period actually used. */
uint64_t bsp_tick_start(uint64_t period_ns);
/* Masks interrupts and returns the previous state for bsp_irq_restore. */
uint32_t bsp_irq_save(void);
void bsp_irq_restore(uint32_t state);
/* Waits (interrupts enabled) until an interrupt has been handled. */
void bsp_idle(void);

/* --- partition and module --- */
struct bsp_partition_status {
    uint64_t period_ns, duration_ns;
    uint32_t identifier, operating_mode, start_condition, num_assigned_cores;
};
bsp_rc_t bsp_partition_status(struct bsp_partition_status *st);
/* Tells the host the partition's new mode; IDLE, COLD_START and WARM_START may not return. */
bsp_rc_t bsp_partition_set_mode(uint32_t mode);
bsp_rc_t bsp_schedule_set_next(uint32_t schedule_id);
bsp_rc_t bsp_schedule_status(uint64_t *last_switch_ns, uint32_t *current, uint32_t *next);
bsp_rc_t bsp_schedule_id(const char *name, uint32_t name_len, uint32_t *id);

/* A system partition sets another partition's operating mode (Part 2 privilege; INVALID_CONFIG elsewhere). */
bsp_rc_t bsp_partition_set_mode_of(uint32_t partition_id, uint32_t mode);

/* Part 2 memory blocks: where the host mapped shared region `name`, its size and mode (0 read, 1 read-write). */
bsp_rc_t bsp_memory_block_status(const char *name, uint32_t *address, uint32_t *size, uint32_t *mode);

/* --- logbooks (Part 2): kept by the host, they outlive restarts of the partition --- */
struct bsp_logbook_status {
    uint32_t max_message_size, max_nb_logged, max_nb_in_progress, nb_logged, nb_in_progress, nb_overwritten;
};
bsp_rc_t bsp_logbook_create(const char *name, uint32_t max_size, uint32_t max_logged, uint32_t max_in_progress, uint32_t *id);
bsp_rc_t bsp_logbook_write(uint32_t id, const void *msg, uint32_t len);
bsp_rc_t bsp_logbook_read(uint32_t id, uint32_t index, void *buf, uint32_t cap, uint32_t *len);
bsp_rc_t bsp_logbook_clear(uint32_t id);
bsp_rc_t bsp_logbook_id(const char *name, uint32_t *id);
bsp_rc_t bsp_logbook_status(uint32_t id, struct bsp_logbook_status *st);

/* --- health monitoring (levels and actions decided by the host's HM tables) --- */
/* Reports an error the RTOS detected, with its exact ARINC ERROR_CODE and failed address. Returns 1 when
 * the host gives it to the partition's error handler (the RTOS queues it there), 0 when the host acted
 * (a restart or a stop does not return). no_handler: the RTOS cannot give it to its handler (none, the
 * handler itself raised it, or its queue is full). */
int bsp_hm_raise_error(uint32_t code, int no_handler, uint32_t address, const char *msg, uint32_t len);
/* Declares the error-handler state to the host: 0 none, 1 ready, 2 running. */
void bsp_hm_handler_state(uint32_t state);
bsp_rc_t bsp_hm_report(const char *msg, uint32_t len);
/* Takes one host-detected error sent to the error handler (the HM upcall): code (ARINC ERROR_CODE_TYPE),
 * failed address, message. */
bsp_rc_t bsp_hm_take_error(uint32_t *code, uint32_t *address, char *msg, uint32_t cap, uint32_t *len);

/* --- inter-partition ports; never block: BSP_RC_NOT_AVAILABLE and the core waits --- */
bsp_rc_t bsp_sport_create(const char *name, uint32_t max_size, uint32_t dir, uint64_t refresh_ns, uint32_t *id);
bsp_rc_t bsp_sport_id(const char *name, uint32_t *id);
bsp_rc_t bsp_sport_write(uint32_t id, const void *msg, uint32_t len);
bsp_rc_t bsp_sport_read(uint32_t id, void *buf, uint32_t cap, uint32_t *len, uint32_t *valid);
bsp_rc_t bsp_sport_status(uint32_t id, uint64_t *refresh_ns, uint32_t *max_size, uint32_t *dir, uint32_t *valid);
/* Part 2 sampling port extensions: read only a message not read yet; the stored message's state. */
struct bsp_sport_current {
    uint64_t refresh_ns, time_stamp_ns;
    uint32_t max_size, dir, validity, updated;
};
bsp_rc_t bsp_sport_read_updated(uint32_t id, void *buf, uint32_t cap, uint32_t *len, uint32_t *valid);
bsp_rc_t bsp_sport_current_status(uint32_t id, struct bsp_sport_current *st);
bsp_rc_t bsp_qport_create(const char *name, uint32_t max_size, uint32_t max_nb, uint32_t dir, uint32_t discipline, uint32_t *id);
bsp_rc_t bsp_qport_id(const char *name, uint32_t *id);
bsp_rc_t bsp_qport_send(uint32_t id, const void *msg, uint32_t len);
bsp_rc_t bsp_qport_receive(uint32_t id, void *buf, uint32_t cap, uint32_t *len);
bsp_rc_t bsp_qport_status(uint32_t id, uint32_t *nb, uint32_t *max_nb, uint32_t *max_size, uint32_t *dir);
bsp_rc_t bsp_qport_clear(uint32_t id);
/* Part 2 queuing port lists: the index (in ids[0..n-1], scanned from `start`, wrapping once) of the first
 * destination port holding a message; BSP_RC_NOT_AVAILABLE when all are empty. Dequeues nothing. */
bsp_rc_t bsp_qport_list_scan(const uint32_t *ids, uint32_t n, uint32_t start, uint32_t *index);

/* --- context switch (i386, bsp/i386/switch.S) --- */
/* Saves callee-saved registers on the current stack, stores ESP at *save_sp, loads new_sp and resumes. */
void bsp_ctx_switch(uint32_t *save_sp, uint32_t new_sp);
/* Builds the initial stack of a task that will enter `entry` (never returning) on its first switch-in. */
uint32_t bsp_ctx_init(uint8_t *stack_base, uint32_t stack_size, void (*entry)(void));

#endif /* BSP_H */
