/* mixed.h: what the linux-mixed example's two RTOS partitions share with module.xml: port sizes, the
 * refresh period and the periods; the console, name and process helpers are the demo's (demo/apps/common.c). */
#ifndef MIXED_H
#define MIXED_H

#include <apex/apex.h>
#include <bsp.h>
#include <rt/stdio.h>
#include "demo.h"

#define MIXED_MSG_SIZE 48          /* MaxMessageSize of both channels in module.xml */
#define MIXED_REFRESH_NS 500000000 /* RefreshRateSeconds 0.5 of both destination ports */
#define MIXED_FRAME_NS 10000000    /* the major frame: each partition's period */
#define THERMO_PERIOD_NS 100000000 /* thermo writes a new sample every 100 ms */

#define MIXED_PRIORITY 10           /* both partitions run one process */

/* Prints "[   t ms] " with the partition's GET_TIME, then the formatted text (one column wider than the demo). */
#define mixed_log(...) demo_log_width(6, __VA_ARGS__)

#endif
