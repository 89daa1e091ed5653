/* panel.c: RTOS partition "panel" (jump-table binding) of the linux-mixed example. A periodic process reads
 * the sampling port FAHRENHEIT_IN every major frame and prints each new message the Linux relay wrote, and
 * once when the last message ages past the refresh period (the writer fell silent). */
#include <rt/string.h>
#include <rtos/app.h>
#include "mixed.h"

static SAMPLING_PORT_ID_TYPE in_port;

static void panel_process(void)
{
    RETURN_CODE_TYPE rc;
    char last[MIXED_MSG_SIZE + 1] = "";
    int stale_said = 0;
    for (;;) {
        char msg[MIXED_MSG_SIZE + 1];
        MESSAGE_SIZE_TYPE len = 0;
        VALIDITY_TYPE valid = INVALID;
        READ_SAMPLING_MESSAGE(in_port, (MESSAGE_ADDR_TYPE)msg, &len, &valid, &rc);
        if (rc == NO_ERROR) {
            msg[len < MIXED_MSG_SIZE ? len : MIXED_MSG_SIZE] = '\0';
            if (strcmp(msg, last) != 0) {
                mixed_log("panel: received \"%s\" %s\n", msg, valid == VALID ? "VALID" : "INVALID");
                memcpy(last, msg, sizeof last);
                stale_said = 0;
            } else if (valid != VALID && !stale_said) {
                mixed_log("panel: \"%s\" is now INVALID (no new message for 500 ms)\n", msg);
                stale_said = 1;
            }
        }
        PERIODIC_WAIT(&rc);
    }
}

void app_main(const struct bsp_boot_info *info)
{
    RETURN_CODE_TYPE rc;
    NAME_TYPE name;
    apex_init(info);
    demo_name(name, "FAHRENHEIT_IN");
    CREATE_SAMPLING_PORT(name, MIXED_MSG_SIZE, DESTINATION, MIXED_REFRESH_NS, &in_port, &rc);
    if (rc != NO_ERROR) printf("panel: CREATE_SAMPLING_PORT failed: %d\n", (int)rc);
    (void)demo_start_process("PANEL", panel_process, MIXED_PRIORITY, MIXED_FRAME_NS);
    printf("panel: partition %s up, waiting for the relay on FAHRENHEIT_IN\n", info->name);
    SET_PARTITION_MODE(NORMAL, &rc);
}
