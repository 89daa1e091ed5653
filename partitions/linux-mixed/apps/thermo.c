/* thermo.c: RTOS partition "thermo" (trap binding) of the linux-mixed example. A periodic process writes
 * a simulated temperature "seq=N celsius=D.D" on the sampling port CELSIUS_OUT every 100 ms; the Linux
 * partition's relay reads it. It logs its first sample and every 50th, so a long Linux boot stays readable. */
#include <rt/string.h>
#include <rtos/app.h>
#include "mixed.h"

static SAMPLING_PORT_ID_TYPE out_port;

static void thermo_process(void)
{
    RETURN_CODE_TYPE rc;
    for (uint32_t seq = 1;; seq++) {
        int32_t tenths = (int32_t)((seq * 37u) % 400u) - 100; /* -10.0 .. 29.9 C, deterministic */
        int32_t mag = tenths < 0 ? -tenths : tenths;
        char msg[MIXED_MSG_SIZE];
        int len = snprintf(msg, sizeof msg, "seq=%u celsius=%s%d.%d", (unsigned)seq, tenths < 0 ? "-" : "", (int)(mag / 10), (int)(mag % 10));
        WRITE_SAMPLING_MESSAGE(out_port, (MESSAGE_ADDR_TYPE)msg, (MESSAGE_SIZE_TYPE)(len + 1), &rc);
        if (seq == 1u || seq % 50u == 0u || rc != NO_ERROR) mixed_log("thermo: wrote \"%s\" rc=%d\n", msg, (int)rc);
        PERIODIC_WAIT(&rc);
    }
}

void app_main(const struct bsp_boot_info *info)
{
    RETURN_CODE_TYPE rc;
    NAME_TYPE name;
    apex_init(info);
    demo_name(name, "CELSIUS_OUT");
    CREATE_SAMPLING_PORT(name, MIXED_MSG_SIZE, SOURCE, MIXED_REFRESH_NS, &out_port, &rc);
    if (rc != NO_ERROR) printf("thermo: CREATE_SAMPLING_PORT failed: %d\n", (int)rc);
    (void)demo_start_process("THERMO", thermo_process, MIXED_PRIORITY, THERMO_PERIOD_NS);
    printf("thermo: partition %s up, a sample every 100 ms on CELSIUS_OUT\n", info->name);
    SET_PARTITION_MODE(NORMAL, &rc);
}
