/* display.c: the demo's "display" partition (jump-table binding). A periodic process reads the
 * sampling port ALT_IN and prints the sample with its validity; an aperiodic process blocks on the
 * queuing port EVT_IN and prints every command/event it receives. */
#include <rt/string.h>
#include <rtos/app.h>
#include "demo.h"

static SAMPLING_PORT_ID_TYPE alt_port;
static QUEUING_PORT_ID_TYPE evt_port;

static void reader_process(void)
{
    RETURN_CODE_TYPE rc;
    for (;;) {
        char msg[DEMO_SAMPLE_SIZE + 1];
        MESSAGE_SIZE_TYPE len = 0;
        VALIDITY_TYPE valid = INVALID;
        READ_SAMPLING_MESSAGE(alt_port, (MESSAGE_ADDR_TYPE)msg, &len, &valid, &rc);
        if (rc == NO_ERROR) {
            msg[len < DEMO_SAMPLE_SIZE ? len : DEMO_SAMPLE_SIZE] = '\0';
            demo_log("display: sample \"%s\" %s\n", msg, valid == VALID ? "VALID" : "INVALID");
        } else {
            demo_log("display: no sample yet (rc=%d)\n", (int)rc);
        }
        PERIODIC_WAIT(&rc);
    }
}

static void receiver_process(void)
{
    RETURN_CODE_TYPE rc;
    for (;;) {
        char msg[DEMO_EVENT_SIZE + 1];
        MESSAGE_SIZE_TYPE len = 0;
        RECEIVE_QUEUING_MESSAGE(evt_port, INFINITE_TIME_VALUE, (MESSAGE_ADDR_TYPE)msg, &len, &rc);
        if (rc != NO_ERROR) { /* not expected with an infinite timeout: report, back off a frame */
            demo_log("display: RECEIVE_QUEUING_MESSAGE rc=%d\n", (int)rc);
            TIMED_WAIT(DEMO_PERIOD_NS, &rc);
            continue;
        }
        msg[len < DEMO_EVENT_SIZE ? len : DEMO_EVENT_SIZE] = '\0';
        demo_log("display: received \"%s\"\n", msg);
    }
}

void app_main(const struct bsp_boot_info *info)
{
    RETURN_CODE_TYPE rc;
    NAME_TYPE name;
    apex_init(info);
    demo_name(name, "ALT_IN");
    CREATE_SAMPLING_PORT(name, DEMO_SAMPLE_SIZE, DESTINATION, DEMO_REFRESH_NS, &alt_port, &rc);
    if (rc != NO_ERROR) printf("display: CREATE_SAMPLING_PORT failed: %d\n", (int)rc);
    demo_name(name, "EVT_IN");
    CREATE_QUEUING_PORT(name, DEMO_EVENT_SIZE, DEMO_EVENT_DEPTH, DESTINATION, FIFO, &evt_port, &rc);
    if (rc != NO_ERROR) printf("display: CREATE_QUEUING_PORT failed: %d\n", (int)rc);
    (void)demo_start_process("READER", reader_process, 10, DEMO_PERIOD_NS);
    (void)demo_start_process("RECEIVER", receiver_process, 20, INFINITE_TIME_VALUE);
    printf("display: partition %s up (jump-table binding), going NORMAL\n", info->name);
    SET_PARTITION_MODE(NORMAL, &rc);
}
