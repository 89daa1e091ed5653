/* t_part2.c: Part 2 sampling port extensions and the system-partition privilege over two partitions
 * (groups "part2_tx", a system partition, and "part2_rx", see partitions/rtos-tests/part2.xml). */
#include <rt/string.h>
#include "harness.h"

#define TX "part2_tx"
#define RX "part2_rx"
#define REFRESH 1000000000LL

static SAMPLING_PORT_ID_TYPE s_port, s_quiet;
static char got[40];

static void tx_setup(void)
{
    RETURN_CODE_TYPE rc, rc2;
    CREATE_SAMPLING_PORT(N("P2_OUT"), 32, SOURCE, REFRESH, &s_port, &rc);
    CREATE_SAMPLING_PORT(N("P2_QUIET_OUT"), 32, SOURCE, REFRESH, &s_quiet, &rc2);
    test_report(TX, "create", rc == NO_ERROR && rc2 == NO_ERROR, "create codes");
}

static void tx_write(void)
{
    RETURN_CODE_TYPE rc;
    WRITE_SAMPLING_MESSAGE(s_port, (MESSAGE_ADDR_TYPE)"p2-1", 5, &rc);
    CHECK_RC(rc, NO_ERROR);
}

static void tx_updated_on_source(void)
{
    RETURN_CODE_TYPE rc;
    MESSAGE_SIZE_TYPE len;
    UPDATED_TYPE u;
    READ_UPDATED_SAMPLING_MESSAGE(s_port, (MESSAGE_ADDR_TYPE)got, &len, &u, &rc);
    CHECK_RC(rc, INVALID_MODE);
    READ_UPDATED_SAMPLING_MESSAGE(99, (MESSAGE_ADDR_TYPE)got, &len, &u, &rc);
    CHECK_RC(rc, INVALID_PARAM);
}

/* After a major frame part2_rx has finished its suite and set itself IDLE: an IDLE partition may be
 * restarted or left IDLE (NO_ACTION), not sent to NORMAL (INVALID_MODE). */
static void tx_set_mode_of(void)
{
    RETURN_CODE_TYPE rc;
    PARTITION_STATUS_TYPE st;
    test_sleep_ticks(25);
    SET_PARTITION_MODE_OF(2, NORMAL, &rc);
    CHECK_RC(rc, INVALID_MODE);
    SET_PARTITION_MODE_OF(2, IDLE, &rc);
    CHECK_RC(rc, NO_ACTION);
    SET_PARTITION_MODE_OF(99, NORMAL, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    SET_PARTITION_MODE_OF(2, (OPERATING_MODE_TYPE)7, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    GET_PARTITION_STATUS(&st, &rc);
    SET_PARTITION_MODE_OF(st.IDENTIFIER, NORMAL, &rc);
    CHECK_RC(rc, NO_ACTION);
}

static const struct test_case tx_cases[] = {
    { "write", tx_write }, { "updated_on_source", tx_updated_on_source }, { "set_mode_of", tx_set_mode_of }, { 0, 0 },
};

const struct test_group group_part2_tx = { TX, tx_setup, tx_cases, 0, 0 };

static void rx_setup(void)
{
    RETURN_CODE_TYPE rc, rc2;
    CREATE_SAMPLING_PORT(N("P2_IN"), 32, DESTINATION, REFRESH, &s_port, &rc);
    CREATE_SAMPLING_PORT(N("P2_QUIET_IN"), 32, DESTINATION, REFRESH, &s_quiet, &rc2);
    test_report(RX, "create", rc == NO_ERROR && rc2 == NO_ERROR, "create codes");
}

static void rx_updated_empty(void)
{
    RETURN_CODE_TYPE rc;
    MESSAGE_SIZE_TYPE len = 7;
    UPDATED_TYPE u = NEW_MESSAGE;
    READ_UPDATED_SAMPLING_MESSAGE(s_quiet, (MESSAGE_ADDR_TYPE)got, &len, &u, &rc);
    CHECK(rc == NO_ACTION && len == 0 && u == EMPTY_PORT, "rc %d len %d updated %d", (int)rc, (int)len, (int)u);
}

static void rx_updated_read(void)
{
    RETURN_CODE_TYPE rc = NO_ACTION;
    MESSAGE_SIZE_TYPE len = 0;
    UPDATED_TYPE u = EMPTY_PORT;
    for (int i = 0; i < 200 && rc != NO_ERROR; i++) {
        READ_UPDATED_SAMPLING_MESSAGE(s_port, (MESSAGE_ADDR_TYPE)got, &len, &u, &rc);
        if (rc != NO_ERROR) test_sleep_ticks(1);
    }
    CHECK(rc == NO_ERROR && len == 5 && strcmp(got, "p2-1") == 0 && u == NEW_MESSAGE, "rc %d len %d \"%s\" updated %d",
          (int)rc, (int)len, got, (int)u);
    READ_UPDATED_SAMPLING_MESSAGE(s_port, (MESSAGE_ADDR_TYPE)got, &len, &u, &rc);
    CHECK(rc == NO_ACTION && len == 0 && u == CONSUMED_MESSAGE, "again: rc %d len %d updated %d", (int)rc, (int)len, (int)u);
}

static void rx_current_status(void)
{
    RETURN_CODE_TYPE rc;
    SAMPLING_PORT_CURRENT_STATUS_TYPE st;
    GET_SAMPLING_PORT_CURRENT_STATUS(s_port, &st, &rc);
    CHECK_RC(rc, NO_ERROR);
    CHECK(st.TIME_STAMP > 0 && st.MAX_MESSAGE_SIZE == 32 && st.PORT_DIRECTION == DESTINATION && st.MESSAGE_AGE == VALID &&
              st.UPDATED == CONSUMED_MESSAGE && st.REFRESH_PERIOD == REFRESH,
          "stamp %d size %d dir %d age %d updated %d", (int)st.TIME_STAMP, (int)st.MAX_MESSAGE_SIZE, (int)st.PORT_DIRECTION,
          (int)st.MESSAGE_AGE, (int)st.UPDATED);
    GET_SAMPLING_PORT_CURRENT_STATUS(s_quiet, &st, &rc);
    CHECK(rc == NO_ERROR && st.UPDATED == EMPTY_PORT && st.MESSAGE_AGE == INVALID && st.TIME_STAMP == 0,
          "quiet: rc %d updated %d", (int)rc, (int)st.UPDATED);
    GET_SAMPLING_PORT_CURRENT_STATUS(99, &st, &rc);
    CHECK_RC(rc, INVALID_PARAM);
}

static void rx_conditional(void)
{
    RETURN_CODE_TYPE rc;
    SAMPLING_PORT_CURRENT_STATUS_TYPE st;
    MESSAGE_SIZE_TYPE len = 0;
    SYSTEM_TIME_TYPE stamp = 0;
    GET_SAMPLING_PORT_CURRENT_STATUS(s_port, &st, &rc);
    CHECK_RC(rc, NO_ERROR);
    READ_SAMPLING_MESSAGE_CONDITIONAL(s_port, st.TIME_STAMP + 1, (MESSAGE_ADDR_TYPE)got, &len, &stamp, &rc);
    CHECK_RC(rc, NOT_AVAILABLE);
    READ_SAMPLING_MESSAGE_CONDITIONAL(s_port, st.TIME_STAMP, (MESSAGE_ADDR_TYPE)got, &len, &stamp, &rc);
    CHECK(rc == NO_ERROR && len == 5 && stamp == st.TIME_STAMP, "rc %d len %d", (int)rc, (int)len);
    READ_SAMPLING_MESSAGE_CONDITIONAL(s_quiet, 0, (MESSAGE_ADDR_TYPE)got, &len, &stamp, &rc);
    CHECK_RC(rc, NO_ACTION);
    READ_SAMPLING_MESSAGE_CONDITIONAL(s_port, -1, (MESSAGE_ADDR_TYPE)got, &len, &stamp, &rc);
    CHECK_RC(rc, INVALID_PARAM);
}

/* part2_rx is not a system partition: the service is not there for it. */
static void rx_set_mode_of_denied(void)
{
    RETURN_CODE_TYPE rc;
    SET_PARTITION_MODE_OF(1, NORMAL, &rc);
    CHECK_RC(rc, INVALID_CONFIG);
}

static const struct test_case rx_cases[] = {
    { "updated_empty", rx_updated_empty }, { "updated_read", rx_updated_read }, { "current_status", rx_current_status },
    { "conditional", rx_conditional },     { "set_mode_of_denied", rx_set_mode_of_denied }, { 0, 0 },
};

const struct test_group group_part2_rx = { RX, rx_setup, rx_cases, 0, 0 };
