/* config.h: compile-time limits of the RTOS (static tables, no heap beyond the boot-time arena). */
#ifndef RTOS_CONFIG_H
#define RTOS_CONFIG_H

#define RTOS_MAX_TASKS 40        /* including the idle and init tasks */
#define RTOS_MIN_PRIORITY 0
#define RTOS_MAX_PRIORITY 255    /* core range; APEX uses 1..249 */
#define RTOS_NAME_LEN 32
#define RTOS_MIN_STACK 1024u
#define RTOS_DEFAULT_TICK_NS 1000000ull /* when the host gives no tick period */
#define RTOS_RR_SLICE_TICKS 1u  /* round-robin time slice among equal priorities */
#define RTOS_STACK_CANARY 0xC0DEFACEu
#define RTOS_CANARY_WORDS 4u

#endif
