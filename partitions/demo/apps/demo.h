/* demo.h: what the demo's sensor and display applications share: the message layout written on the
 * sampling port, the port names of the module XML; and the helpers of common.c, which the examples and
 * linux-mixed applications link too. */
#ifndef DEMO_H
#define DEMO_H

#include <apex/apex.h>
#include <bsp.h>
#include <rt/stdio.h>

#define DEMO_SAMPLE_SIZE 32      /* MaxMessageSize of the sampling channel in module.xml */
#define DEMO_EVENT_SIZE 32       /* MaxMessageSize of the queuing channel */
#define DEMO_EVENT_DEPTH 4       /* MaxNbMessages of the queuing ports */
#define DEMO_REFRESH_NS 40000000 /* a sample older than two major frames is INVALID */
#define DEMO_PERIOD_NS 20000000  /* one major frame */

void apex_init(const struct bsp_boot_info *info);

/* Prints "[  t ms] " with the partition's GET_TIME (the whole milliseconds `width` columns wide), then the
 * formatted text. demo_log: the demo's width. */
void demo_log_width(int width, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define demo_log(...) demo_log_width(5, __VA_ARGS__)

/* Creates and starts one APEX process; prints and returns 0 on failure. */
PROCESS_ID_TYPE demo_start_process(const char *name, void (*entry)(void), PRIORITY_TYPE prio,
                                   SYSTEM_TIME_TYPE period);

/* A zero-padded APEX name from a C string. */
void demo_name(NAME_TYPE out, const char *s);

#endif
