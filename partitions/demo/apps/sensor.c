/* sensor.c: the demo's "sensor" partition (trap binding). One periodic APEX process simulates an
 * altitude/temperature sensor: each period it writes a sample with a sequence number on the sampling
 * port ALT_OUT and, every other period, sends a command/event on the queuing port EVT_OUT. */
#include <rt/string.h>
#include <rtos/app.h>
#include "demo.h"

static SAMPLING_PORT_ID_TYPE alt_port;
static QUEUING_PORT_ID_TYPE evt_port;

#define DROPOUT_FIRST 5u
#define DROPOUT_LAST 6u

/* A deterministic, bounded "reading": a climb and a temperature saw-tooth, repeating every 400 periods. */
static void reading(uint32_t seq, uint32_t *alt_ft, int32_t *temp_c)
{
    uint32_t phase = seq % 400u;
    *alt_ft = 1000u + 25u * phase + (seq % 4u) * 3u;
    *temp_c = 15 - (int32_t)(phase % 5u);
}

/* snprintf's return clamped to what fits, plus the terminating NUL: the message length to send. */
static MESSAGE_SIZE_TYPE message_length(int printed, uint32_t size)
{
    uint32_t n = printed < 0 ? 0u : (uint32_t)printed;
    return (MESSAGE_SIZE_TYPE)(n + 1u < size ? n + 1u : size);
}

/* .data: survives a WARM_START (the kernel keeps RAM), so the sequence goes on after the HM restart. */
static volatile uint32_t next_seq = 1u;

static void sensor_process(void)
{
    RETURN_CODE_TYPE rc;
    for (uint32_t seq = next_seq;; seq++) {
        next_seq = seq + 1u;
        uint32_t alt;
        int32_t temp;
        char msg[DEMO_SAMPLE_SIZE];
        reading(seq, &alt, &temp);
        int len = snprintf(msg, sizeof msg, "seq=%u alt=%uft temp=%dC", seq, alt, (int)temp);
        if (seq == DROPOUT_FIRST) {
            /* no error handler here: the module's HM tables decide (the demo's say WARM_START) */
            demo_log("sensor: seq=%u dropout, RAISE_APPLICATION_ERROR\n", seq);
            RAISE_APPLICATION_ERROR(APPLICATION_ERROR, (MESSAGE_ADDR_TYPE)"sensor dropout", 14, &rc);
        } else if (seq > DROPOUT_FIRST && seq <= DROPOUT_LAST) {
            demo_log("sensor: seq=%u dropout, no sample written\n", seq);
        } else {
            WRITE_SAMPLING_MESSAGE(alt_port, (MESSAGE_ADDR_TYPE)msg, message_length(len, sizeof msg), &rc);
            demo_log("sensor: wrote sample \"%s\" rc=%d\n", msg, (int)rc);
        }
        if (seq % 2u == 0u) {
            len = snprintf(msg, sizeof msg, "%s #%u", seq % 4u == 0u ? "CMD climb" : "EVT level", seq / 2u);
            SEND_QUEUING_MESSAGE(evt_port, (MESSAGE_ADDR_TYPE)msg, message_length(len, sizeof msg), 0, &rc);
            demo_log("sensor: sent \"%s\" rc=%d\n", msg, (int)rc);
        }
        PERIODIC_WAIT(&rc);
    }
}

void app_main(const struct bsp_boot_info *info)
{
    RETURN_CODE_TYPE rc;
    NAME_TYPE name;
    apex_init(info);
    demo_name(name, "ALT_OUT");
    CREATE_SAMPLING_PORT(name, DEMO_SAMPLE_SIZE, SOURCE, DEMO_REFRESH_NS, &alt_port, &rc);
    if (rc != NO_ERROR) printf("sensor: CREATE_SAMPLING_PORT failed: %d\n", (int)rc);
    demo_name(name, "EVT_OUT");
    CREATE_QUEUING_PORT(name, DEMO_EVENT_SIZE, DEMO_EVENT_DEPTH, SOURCE, FIFO, &evt_port, &rc);
    if (rc != NO_ERROR) printf("sensor: CREATE_QUEUING_PORT failed: %d\n", (int)rc);
    (void)demo_start_process("SENSOR", sensor_process, 10, DEMO_PERIOD_NS);
    if (info->start_condition != NORMAL_START)
        printf("sensor: restarted (start condition %u), sequence goes on at %u\n", (unsigned)info->start_condition, (unsigned)next_seq);
    printf("sensor: partition %s up (trap binding), going NORMAL\n", info->name);
    SET_PARTITION_MODE(NORMAL, &rc);
}
