/* mixed.h: what the linux-mixed example's two RTOS partitions share with module.xml: port sizes, the
 * refresh period and the periods; and a time-stamped console print. */
#ifndef MIXED_H
#define MIXED_H

#include <apex/apex.h>
#include <bsp.h>
#include <rt/stdio.h>

#define MIXED_MSG_SIZE 48          /* MaxMessageSize of both channels in module.xml */
#define MIXED_REFRESH_NS 500000000 /* RefreshRateSeconds 0.5 of both destination ports */
#define MIXED_FRAME_NS 10000000    /* the major frame: each partition's period */
#define THERMO_PERIOD_NS 100000000 /* thermo writes a new sample every 100 ms */

void apex_init(const struct bsp_boot_info *info);

/* Prints "[  t ms] " with the partition's GET_TIME, then the formatted text. */
void mixed_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A zero-padded APEX name from a C string. */
void mixed_name(NAME_TYPE out, const char *s);

/* Creates and starts one periodic APEX process; prints and returns 0 on failure. */
PROCESS_ID_TYPE mixed_start(const char *name, void (*entry)(void), SYSTEM_TIME_TYPE period);

#endif
