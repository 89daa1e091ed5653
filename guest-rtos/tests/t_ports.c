/* t_ports.c: inter-partition port tests over two partitions (groups "ports_tx" and "ports_rx", see
 * partitions/rtos-tests/ports.xml): sampling and queuing ports, their error returns, and queuing
 * timeouts the RTOS produces itself (the kernel never blocks). */
#include <rt/string.h>
#include "harness.h"

#define TX "ports_tx"
#define RX "ports_rx"
#define REFRESH 1000000000LL

static SAMPLING_PORT_ID_TYPE s_port;
static QUEUING_PORT_ID_TYPE q_port, q_full;
static char got[40];

static void tx_setup(void)
{
    RETURN_CODE_TYPE rc, rc2, rc3, rc4;
    APEX_INTEGER id;
    CREATE_SAMPLING_PORT(N("S_OUT"), 32, SOURCE, REFRESH, &s_port, &rc);
    test_init_check(TX, "sampling_create", rc, NO_ERROR);
    CREATE_SAMPLING_PORT(N("S_OUT"), 32, SOURCE, REFRESH, &id, &rc);
    test_init_check(TX, "sampling_create_again", rc, NO_ACTION);
    CREATE_SAMPLING_PORT(N("S_NONE"), 32, SOURCE, REFRESH, &id, &rc);
    test_init_check(TX, "sampling_create_unknown", rc, INVALID_CONFIG);
    RETURN_CODE_TYPE rc5;
    char why[80];
    CREATE_QUEUING_PORT(N("Q_FULL"), 64, 2, SOURCE, FIFO, &id, &rc3); /* size differs from the configuration */
    CREATE_QUEUING_PORT(N("Q_OUT"), 32, 4, SOURCE, FIFO, &q_port, &rc);
    CREATE_QUEUING_PORT(N("Q_FULL"), 16, 2, SOURCE, FIFO, &q_full, &rc2);
    CREATE_QUEUING_PORT(N("Q_OUT"), 32, 4, SOURCE, FIFO, &id, &rc5); /* already created */
    CREATE_QUEUING_PORT(N("Q_OUT"), 32, 4, 7, FIFO, &id, &rc4);
    (void)snprintf(why, sizeof why, "create codes %d %d %d %d %d", (int)rc3, (int)rc, (int)rc2, (int)rc5, (int)rc4);
    test_report(TX, "queuing_create",
                rc3 == INVALID_CONFIG && rc == NO_ERROR && rc2 == NO_ERROR && rc5 == NO_ACTION && rc4 == INVALID_PARAM, why);
}

static void sampling_write(void)
{
    RETURN_CODE_TYPE rc;
    SAMPLING_PORT_STATUS_TYPE st;
    MESSAGE_SIZE_TYPE len;
    VALIDITY_TYPE v;
    WRITE_SAMPLING_MESSAGE(s_port, (MESSAGE_ADDR_TYPE)"sample-1", 9, &rc);
    CHECK_RC(rc, NO_ERROR);
    WRITE_SAMPLING_MESSAGE(s_port, (MESSAGE_ADDR_TYPE)got, 33, &rc);
    CHECK_RC(rc, INVALID_CONFIG);
    READ_SAMPLING_MESSAGE(s_port, (MESSAGE_ADDR_TYPE)got, &len, &v, &rc);
    CHECK_RC(rc, INVALID_MODE);
    GET_SAMPLING_PORT_STATUS(s_port, &st, &rc);
    CHECK(rc == NO_ERROR && st.PORT_DIRECTION == SOURCE && st.MAX_MESSAGE_SIZE == 32 && st.REFRESH_PERIOD == REFRESH,
          "status rc %d", (int)rc);
}

static void queuing_send(void)
{
    RETURN_CODE_TYPE rc;
    static const char *msgs[3] = { "msg-0", "msg-1", "msg-2" };
    for (int i = 0; i < 3; i++) {
        SEND_QUEUING_MESSAGE(q_port, (MESSAGE_ADDR_TYPE)msgs[i], 6, INFINITE_TIME_VALUE, &rc);
        CHECK(rc == NO_ERROR, "send %d: rc %d", i, (int)rc);
    }
}

/* Fills Q_FULL until both the source and the destination side are full (the kernel moves messages
 * across between windows), then checks that the RTOS itself times the sender out. */
static void queuing_full(void)
{
    RETURN_CODE_TYPE rc = NO_ERROR;
    int sent = 0, round_sent;
    do {
        round_sent = 0;
        for (;;) {
            SEND_QUEUING_MESSAGE(q_full, (MESSAGE_ADDR_TYPE)"full", 5, 0, &rc);
            if (rc != NO_ERROR || sent >= 16) break;
            sent++;
            round_sent++;
        }
        CHECK_RC(rc, NOT_AVAILABLE);
        test_sleep_ticks(25); /* longer than a major frame: whatever can move across has moved */
    } while (round_sent > 0);
    CHECK(sent >= 2, "only %d messages fit", sent);
    SEND_QUEUING_MESSAGE(q_full, (MESSAGE_ADDR_TYPE)"late", 5, (SYSTEM_TIME_TYPE)(3 * test_tick()), &rc);
    CHECK_RC(rc, TIMED_OUT);
    char done[24];
    (void)snprintf(done, sizeof done, "full-done %d", sent); /* tells ports_rx to clear, and how many were sent */
    WRITE_SAMPLING_MESSAGE(s_port, (MESSAGE_ADDR_TYPE)done, (MESSAGE_SIZE_TYPE)strlen(done) + 1, &rc);
}

static void queuing_errors(void)
{
    RETURN_CODE_TYPE rc;
    QUEUING_PORT_ID_TYPE id;
    QUEUING_PORT_STATUS_TYPE st;
    SEND_QUEUING_MESSAGE(q_port, (MESSAGE_ADDR_TYPE)got, 33, 0, &rc);
    CHECK_RC(rc, INVALID_CONFIG);
    SEND_QUEUING_MESSAGE(99, (MESSAGE_ADDR_TYPE)got, 3, 0, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    GET_QUEUING_PORT_ID(N("Q_OUT"), &id, &rc);
    CHECK(rc == NO_ERROR && id == q_port, "GET_QUEUING_PORT_ID rc %d", (int)rc);
    GET_QUEUING_PORT_ID(N("Q_NONE"), &id, &rc);
    CHECK_RC(rc, INVALID_CONFIG);
    GET_QUEUING_PORT_STATUS(q_full, &st, &rc);
    CHECK(rc == NO_ERROR && st.PORT_DIRECTION == SOURCE && st.MAX_NB_MESSAGE == 2, "status rc %d", (int)rc);
    CREATE_QUEUING_PORT(N("Q_OUT"), 32, 4, SOURCE, FIFO, &id, &rc);
    CHECK_RC(rc, INVALID_MODE);
}

static const struct test_case tx_cases[] = {
    { "sampling_write", sampling_write }, { "queuing_send", queuing_send },
    { "queuing_full", queuing_full },     { "queuing_errors", queuing_errors }, { 0, 0 },
};

const struct test_group group_ports_tx = { TX, tx_setup, tx_cases, 0, 0 };

static void rx_setup(void)
{
    RETURN_CODE_TYPE rc, rc2, rc3;
    CREATE_SAMPLING_PORT(N("S_IN"), 32, DESTINATION, REFRESH, &s_port, &rc);
    CREATE_QUEUING_PORT(N("Q_IN"), 32, 4, DESTINATION, FIFO, &q_port, &rc2);
    CREATE_QUEUING_PORT(N("Q_FULL_IN"), 16, 2, DESTINATION, FIFO, &q_full, &rc3);
    test_report(RX, "create", rc == NO_ERROR && rc2 == NO_ERROR && rc3 == NO_ERROR, "create codes");
}

static void sampling_read(void)
{
    RETURN_CODE_TYPE rc = NO_ACTION;
    MESSAGE_SIZE_TYPE len = 0;
    VALIDITY_TYPE v = INVALID;
    for (int i = 0; i < 200; i++) { /* only "no message yet" (NO_ACTION) may be waited out */
        READ_SAMPLING_MESSAGE(s_port, (MESSAGE_ADDR_TYPE)got, &len, &v, &rc);
        if (rc != NO_ACTION) break;
        test_sleep_ticks(1);
    }
    CHECK_RC(rc, NO_ERROR);
    CHECK(len == 9 && strcmp(got, "sample-1") == 0 && v == VALID, "len %d \"%s\" validity %d", (int)len, got, (int)v);
    WRITE_SAMPLING_MESSAGE(s_port, (MESSAGE_ADDR_TYPE)got, 3, &rc);
    CHECK_RC(rc, INVALID_MODE);
}

static void queuing_receive(void)
{
    RETURN_CODE_TYPE rc;
    MESSAGE_SIZE_TYPE len;
    char want[8] = "msg-0";
    for (int i = 0; i < 3; i++) {
        want[4] = (char)('0' + i);
        RECEIVE_QUEUING_MESSAGE(q_port, INFINITE_TIME_VALUE, (MESSAGE_ADDR_TYPE)got, &len, &rc);
        CHECK(rc == NO_ERROR && len == 6 && strcmp(got, want) == 0, "message %d: rc %d \"%s\"", i, (int)rc, got);
    }
}

static void queuing_empty(void)
{
    RETURN_CODE_TYPE rc;
    MESSAGE_SIZE_TYPE len;
    RECEIVE_QUEUING_MESSAGE(q_port, 0, (MESSAGE_ADDR_TYPE)got, &len, &rc);
    CHECK_RC(rc, NOT_AVAILABLE);
    RECEIVE_QUEUING_MESSAGE(q_port, (SYSTEM_TIME_TYPE)(3 * test_tick()), (MESSAGE_ADDR_TYPE)got, &len, &rc);
    CHECK_RC(rc, TIMED_OUT);
    CHECK(len == 0, "length %d on timeout", (int)len);
}

static void queuing_clear(void)
{
    RETURN_CODE_TYPE rc = NO_ACTION;
    QUEUING_PORT_STATUS_TYPE st;
    MESSAGE_SIZE_TYPE len;
    VALIDITY_TYPE v;
    for (int i = 0; i < 1000; i++) { /* wait for ports_tx to finish its full-queue checks */
        READ_SAMPLING_MESSAGE(s_port, (MESSAGE_ADDR_TYPE)got, &len, &v, &rc);
        if (rc == NO_ERROR && strncmp(got, "full-done ", 10) == 0) break;
        test_sleep_ticks(1);
    }
    CHECK(strncmp(got, "full-done ", 10) == 0, "ports_tx never finished");
    int sent = 0;
    for (const char *c = got + 10; *c >= '0' && *c <= '9'; c++) sent = sent * 10 + (*c - '0');
    GET_QUEUING_PORT_STATUS(q_full, &st, &rc);
    CHECK(rc == NO_ERROR && st.NB_MESSAGE == 2 && st.PORT_DIRECTION == DESTINATION, "status rc %d nb %d", (int)rc,
          (int)st.NB_MESSAGE);
    CLEAR_QUEUING_PORT(q_full, &rc);
    CHECK_RC(rc, NO_ERROR);
    /* the two cleared messages are gone; the rest of what ports_tx sent still arrives, exactly once */
    int received = 0, quiet = 0;
    while (quiet < 50) {
        RECEIVE_QUEUING_MESSAGE(q_full, 0, (MESSAGE_ADDR_TYPE)got, &len, &rc);
        if (rc == NO_ERROR) {
            received++;
            quiet = 0;
        } else {
            CHECK_RC(rc, NOT_AVAILABLE);
            test_sleep_ticks(1);
            quiet++;
        }
    }
    CHECK(received == sent - 2, "sent %d, received %d after clearing 2", sent, received);
    CLEAR_QUEUING_PORT(99, &rc);
    CHECK_RC(rc, INVALID_PARAM);
}

static void port_ids(void)
{
    RETURN_CODE_TYPE rc;
    SAMPLING_PORT_ID_TYPE id;
    GET_SAMPLING_PORT_ID(N("S_IN"), &id, &rc);
    CHECK(rc == NO_ERROR && id == s_port, "rc %d", (int)rc);
    GET_SAMPLING_PORT_ID(N("S_NONE"), &id, &rc);
    CHECK_RC(rc, INVALID_CONFIG);
}

static const struct test_case rx_cases[] = {
    { "sampling_read", sampling_read }, { "queuing_receive", queuing_receive }, { "queuing_empty", queuing_empty },
    { "queuing_clear", queuing_clear }, { "port_ids", port_ids },               { 0, 0 },
};

const struct test_group group_ports_rx = { RX, rx_setup, rx_cases, 0, 0 };
