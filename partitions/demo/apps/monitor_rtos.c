/* monitor_rtos.c: the demo's full-virtualized "monitor" partition when it runs the guest RTOS on its
 * bare-PC BSP (guest-rtos/bsp/pc): one aperiodic APEX process prints a heartbeat with GET_TIME, then
 * TIMED_WAITs 4 ms of RTOS time (its 1 ms PIT ticks, counted only while its window runs: about one
 * window); after the beats on the command line ("beats=<n>", default 20) it stops. Aperiodic because the
 * bare-PC BSP reports a 1 s partition period. No ports: an FV partition has no kernel services. */
#include <rt/string.h>
#include <rtos/app.h>
#include "demo.h"

#define BEAT_NS 4000000 /* the monitor's window */

static uint32_t beats = 20;

static void heartbeat_process(void)
{
    RETURN_CODE_TYPE rc;
    for (uint32_t i = 1; i <= beats; i++) {
        SYSTEM_TIME_TYPE now = 0;
        GET_TIME(&now, &rc); /* the RTOS's own tick count: it advances only in this partition's windows */
        uint32_t us = (uint32_t)((uint64_t)now / 1000u);
        printf("monitor: heartbeat %u, RTOS-local time %u.%03u ms\n", i, us / 1000u, us % 1000u);
        TIMED_WAIT(BEAT_NS, &rc);
    }
    printf("monitor: done, stopping\n");
    STOP_SELF();
}

static uint32_t beats_from(const char *cmd, uint32_t len)
{
    for (uint32_t i = 0; i + 6 <= len; i++) {
        if (memcmp(cmd + i, "beats=", 6) != 0) continue;
        uint32_t v = 0;
        for (uint32_t k = i + 6; k < len && cmd[k] >= '0' && cmd[k] <= '9'; k++) v = v * 10u + (uint32_t)(cmd[k] - '0');
        return v;
    }
    return 20;
}

void app_main(const struct bsp_boot_info *info)
{
    RETURN_CODE_TYPE rc;
    apex_init(info);
    beats = beats_from(info->cmdline, info->cmdline_len);
    (void)demo_start_process("HEARTBEAT", heartbeat_process, 10, INFINITE_TIME_VALUE);
    printf("monitor: RTOS on the bare-PC BSP up, going NORMAL\n");
    SET_PARTITION_MODE(NORMAL, &rc);
}
