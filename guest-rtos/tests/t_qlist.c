/* t_qlist.c: Part 2 queuing port lists over two partitions (groups "qlist_tx" and "qlist_rx", see
 * partitions/rtos-tests/qlist.xml): the creation rules in the init phase, ACTIVE/INACTIVE ports, RESET and
 * CONTINUE scan order, WAIT_FOR_MESSAGE (names a port, dequeues nothing), blocking and timeouts. qlist_rx
 * says "go" on QL_ACK when its lists are empty-tested; only then does qlist_tx send. */
#include <rt/string.h>
#include "harness.h"

#define TX "qlist_tx"
#define RX "qlist_rx"
#define MSG 16

static QUEUING_PORT_ID_TYPE q_a, q_b, q_c, q_ack;
static QUEUING_PORT_LIST_ID_TYPE list, small;
static char got[MSG + 1];

/* --- qlist_tx: partition 1 --- */

static void tx_setup(void)
{
    RETURN_CODE_TYPE r1, r2, r3, r4;
    CREATE_QUEUING_PORT(N("QL_A_OUT"), MSG, 4, SOURCE, FIFO, &q_a, &r1);
    CREATE_QUEUING_PORT(N("QL_B_OUT"), MSG, 4, SOURCE, FIFO, &q_b, &r2);
    CREATE_QUEUING_PORT(N("QL_C_OUT"), MSG, 4, SOURCE, FIFO, &q_c, &r3);
    CREATE_QUEUING_PORT(N("QL_ACK_IN"), MSG, 4, DESTINATION, FIFO, &q_ack, &r4);
    test_report(TX, "create", r1 == NO_ERROR && r2 == NO_ERROR && r3 == NO_ERROR && r4 == NO_ERROR, "create codes");
}

static int wait_go(void)
{
    RETURN_CODE_TYPE rc;
    MESSAGE_SIZE_TYPE len = 0;
    RECEIVE_QUEUING_MESSAGE(q_ack, INFINITE_TIME_VALUE, (MESSAGE_ADDR_TYPE)got, &len, &rc);
    return rc == NO_ERROR && len == 3 && memcmp(got, "go", 3) == 0;
}

static void send(QUEUING_PORT_ID_TYPE p, const char *text, RETURN_CODE_TYPE *rc)
{
    if (*rc == NO_ERROR) SEND_QUEUING_MESSAGE(p, (MESSAGE_ADDR_TYPE)text, (MESSAGE_SIZE_TYPE)strlen(text) + 1, 0, rc);
}

/* Into A: a1 a2, B: b1, C: c1 (C starts INACTIVE in rx's list). */
static void tx_send_batch(void)
{
    RETURN_CODE_TYPE rc = NO_ERROR;
    CHECK(wait_go(), "no go from qlist_rx");
    send(q_c, "c1", &rc);
    send(q_b, "b1", &rc);
    send(q_a, "a1", &rc);
    send(q_a, "a2", &rc);
    CHECK_RC(rc, NO_ERROR);
}

static void tx_send_late(void)
{
    RETURN_CODE_TYPE rc = NO_ERROR;
    CHECK(wait_go(), "no second go from qlist_rx");
    send(q_b, "b3", &rc);
    CHECK_RC(rc, NO_ERROR);
}

static const struct test_case tx_cases[] = { { "send_batch", tx_send_batch }, { "send_late", tx_send_late }, { 0, 0 } };

const struct test_group group_qlist_tx = { TX, tx_setup, tx_cases, 0, 0 };

/* --- qlist_rx: partition 2 --- */

static void rx_setup(void)
{
    RETURN_CODE_TYPE r1, r2, r3, r4, rc;
    QUEUING_PORT_LIST_ID_TYPE id = 0;
    CREATE_QUEUING_PORT(N("QL_A_IN"), MSG, 4, DESTINATION, FIFO, &q_a, &r1);
    CREATE_QUEUING_PORT(N("QL_B_IN"), MSG, 4, DESTINATION, FIFO, &q_b, &r2);
    CREATE_QUEUING_PORT(N("QL_C_IN"), MSG, 4, DESTINATION, FIFO, &q_c, &r3);
    CREATE_QUEUING_PORT(N("QL_ACK_OUT"), MSG, 4, SOURCE, FIFO, &q_ack, &r4);
    test_report(RX, "ports", r1 == NO_ERROR && r2 == NO_ERROR && r3 == NO_ERROR && r4 == NO_ERROR, "port create codes");

    CREATE_QUEUING_PORT_LIST(N("LIST"), 3, &list, &rc);
    test_init_check(RX, "create", rc, NO_ERROR);
    CREATE_QUEUING_PORT_LIST(N("LIST"), 3, &id, &rc);
    test_init_check(RX, "create_again", rc, NO_ACTION);
    CREATE_QUEUING_PORT_LIST(N("ZERO"), 0, &id, &rc);
    test_init_check(RX, "create_size_zero", rc, INVALID_PARAM);
    CREATE_QUEUING_PORT_LIST(N("HUGE"), 17, &id, &rc);
    test_init_check(RX, "create_size_huge", rc, INVALID_PARAM);
    CREATE_QUEUING_PORT_LIST(N("SMALL"), 1, &small, &rc);
    test_init_check(RX, "create_small", rc, NO_ERROR);
    CREATE_QUEUING_PORT_LIST(N("L3"), 1, &id, &rc);
    CREATE_QUEUING_PORT_LIST(N("L4"), 1, &id, &r1);
    CREATE_QUEUING_PORT_LIST(N("L5"), 1, &id, &r2);
    test_report(RX, "create_limit", rc == NO_ERROR && r1 == NO_ERROR && r2 == INVALID_CONFIG, "a fifth list is INVALID_CONFIG");

    ADD_PORT_TO_QUEUING_PORT_LIST(list, q_a, ACTIVE, &r1);
    ADD_PORT_TO_QUEUING_PORT_LIST(list, q_b, ACTIVE, &r2);
    ADD_PORT_TO_QUEUING_PORT_LIST(list, q_c, INACTIVE, &r3);
    test_report(RX, "add", r1 == NO_ERROR && r2 == NO_ERROR && r3 == NO_ERROR, "add codes");
    ADD_PORT_TO_QUEUING_PORT_LIST(list, q_a, ACTIVE, &rc);
    test_init_check(RX, "add_again", rc, NO_ACTION);
    ADD_PORT_TO_QUEUING_PORT_LIST(small, q_ack, ACTIVE, &rc);
    test_init_check(RX, "add_source", rc, INVALID_MODE);
    ADD_PORT_TO_QUEUING_PORT_LIST(small, q_a, ACTIVE, &r1);
    ADD_PORT_TO_QUEUING_PORT_LIST(small, q_b, ACTIVE, &r2);
    test_report(RX, "add_full", r1 == NO_ERROR && r2 == INVALID_CONFIG, "second port of a one-port list");
    ADD_PORT_TO_QUEUING_PORT_LIST(9, q_a, ACTIVE, &r1);
    ADD_PORT_TO_QUEUING_PORT_LIST(list, 99, ACTIVE, &r2);
    ADD_PORT_TO_QUEUING_PORT_LIST(small, q_c, (PORT_ACTION_TYPE)5, &r3);
    test_report(RX, "add_bad", r1 == INVALID_PARAM && r2 == INVALID_PARAM && r3 == INVALID_PARAM, "bad list, port, action");
}

static void rx_normal_mode(void)
{
    RETURN_CODE_TYPE rc;
    QUEUING_PORT_LIST_ID_TYPE id = 0;
    CREATE_QUEUING_PORT_LIST(N("LATE"), 2, &id, &rc);
    CHECK_RC(rc, INVALID_MODE);
    ADD_PORT_TO_QUEUING_PORT_LIST(small, q_c, ACTIVE, &rc);
    CHECK_RC(rc, INVALID_MODE);
}

static void rx_action_status(void)
{
    RETURN_CODE_TYPE rc;
    PORT_ACTION_TYPE a = INACTIVE, c = ACTIVE;
    GET_QUEUING_PORT_ACTION_STATUS(list, q_a, &a, &rc);
    CHECK(rc == NO_ERROR && a == ACTIVE, "A: rc %d action %d", (int)rc, (int)a);
    GET_QUEUING_PORT_ACTION_STATUS(list, q_c, &c, &rc);
    CHECK(rc == NO_ERROR && c == INACTIVE, "C: rc %d action %d", (int)rc, (int)c);
    GET_QUEUING_PORT_ACTION_STATUS(list, q_ack, &a, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    GET_QUEUING_PORT_ACTION_STATUS(7, q_a, &a, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    SET_PORT_ACTION_IN_QUEUING_PORT_LIST(list, q_c, INACTIVE, &rc);
    CHECK_RC(rc, NO_ACTION);
    SET_PORT_ACTION_IN_QUEUING_PORT_LIST(list, q_ack, ACTIVE, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    SET_PORT_ACTION_IN_QUEUING_PORT_LIST(list, q_c, (PORT_ACTION_TYPE)3, &rc);
    CHECK_RC(rc, INVALID_PARAM);
}

static void rx_empty(void)
{
    RETURN_CODE_TYPE rc;
    QUEUING_PORT_ID_TYPE p = 77;
    MESSAGE_SIZE_TYPE len = 5;
    RECEIVE_MESSAGE_FROM_QUEUING_PORT_LIST(list, 0, (MESSAGE_ADDR_TYPE)got, MSG, RESET, &p, &len, &rc);
    CHECK(rc == NOT_AVAILABLE && len == 0 && p == 77, "receive: rc %d len %d port %d", (int)rc, (int)len, (int)p);
    WAIT_FOR_MESSAGE_FROM_QUEUING_PORT_LIST(list, 0, CONTINUE, &p, &rc);
    CHECK(rc == NOT_AVAILABLE && p == 77, "wait: rc %d port %d", (int)rc, (int)p);
}

static void rx_bad_args(void)
{
    RETURN_CODE_TYPE rc;
    QUEUING_PORT_ID_TYPE p;
    MESSAGE_SIZE_TYPE len;
    RECEIVE_MESSAGE_FROM_QUEUING_PORT_LIST(9, 0, (MESSAGE_ADDR_TYPE)got, MSG, RESET, &p, &len, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    RECEIVE_MESSAGE_FROM_QUEUING_PORT_LIST(list, 0, (MESSAGE_ADDR_TYPE)got, MSG, (RESET_LIST_TYPE)7, &p, &len, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    RECEIVE_MESSAGE_FROM_QUEUING_PORT_LIST(list, 0, (MESSAGE_ADDR_TYPE)got, MSG - 1, RESET, &p, &len, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    RECEIVE_MESSAGE_FROM_QUEUING_PORT_LIST(list, -5, (MESSAGE_ADDR_TYPE)got, MSG, RESET, &p, &len, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    WAIT_FOR_MESSAGE_FROM_QUEUING_PORT_LIST(0, 0, RESET, &p, &rc);
    CHECK_RC(rc, INVALID_PARAM);
}

static void rx_timed_out(void)
{
    RETURN_CODE_TYPE rc, trc;
    QUEUING_PORT_ID_TYPE p;
    MESSAGE_SIZE_TYPE len;
    SYSTEM_TIME_TYPE t0, t1;
    GET_TIME(&t0, &trc);
    RECEIVE_MESSAGE_FROM_QUEUING_PORT_LIST(list, (SYSTEM_TIME_TYPE)(3 * test_tick()), (MESSAGE_ADDR_TYPE)got, MSG, RESET, &p,
                                           &len, &rc);
    GET_TIME(&t1, &trc);
    CHECK_RC(rc, TIMED_OUT);
    CHECK(t1 - t0 >= (SYSTEM_TIME_TYPE)(3 * test_tick()), "returned after %d ns", (int)(t1 - t0));
}

static void say_go(void)
{
    RETURN_CODE_TYPE rc;
    SEND_QUEUING_MESSAGE(q_ack, (MESSAGE_ADDR_TYPE)"go", 3, 0, &rc);
    CHECK_RC(rc, NO_ERROR);
}

static void expect(RESET_LIST_TYPE reset, QUEUING_PORT_ID_TYPE want_port, const char *want, SYSTEM_TIME_TYPE timeout)
{
    RETURN_CODE_TYPE rc;
    QUEUING_PORT_ID_TYPE p = 0;
    MESSAGE_SIZE_TYPE len = 0;
    memset(got, 0, sizeof got);
    RECEIVE_MESSAGE_FROM_QUEUING_PORT_LIST(list, timeout, (MESSAGE_ADDR_TYPE)got, MSG, reset, &p, &len, &rc);
    CHECK(rc == NO_ERROR && p == want_port && len == (MESSAGE_SIZE_TYPE)strlen(want) + 1 && strcmp(got, want) == 0,
          "rc %d port %d len %d \"%s\", want port %d \"%s\"", (int)rc, (int)p, (int)len, got, (int)want_port, want);
}

/* Blocks (INFINITE) until qlist_tx's batch arrives: A a1 a2, B b1, C c1 (C INACTIVE). RESET starts at A. */
static void rx_blocking_reset(void)
{
    say_go();
    if (test_failed()) return;
    expect(RESET, q_a, "a1", INFINITE_TIME_VALUE);
}

/* CONTINUE starts after A: B's b1 (RESET would give a2); then after B, C is INACTIVE, so A's a2. */
static void rx_continue(void)
{
    expect(CONTINUE, q_b, "b1", 0);
    if (test_failed()) return;
    expect(CONTINUE, q_a, "a2", 0);
}

static void rx_inactive_skipped(void)
{
    RETURN_CODE_TYPE rc;
    QUEUING_PORT_ID_TYPE p = 0;
    MESSAGE_SIZE_TYPE len = 0;
    QUEUING_PORT_STATUS_TYPE st;
    RECEIVE_MESSAGE_FROM_QUEUING_PORT_LIST(list, 0, (MESSAGE_ADDR_TYPE)got, MSG, RESET, &p, &len, &rc);
    CHECK_RC(rc, NOT_AVAILABLE);
    GET_QUEUING_PORT_STATUS(q_c, &st, &rc);
    CHECK(rc == NO_ERROR && st.NB_MESSAGE == 1, "C holds %d messages", (int)st.NB_MESSAGE);
}

/* C made ACTIVE: WAIT names it and leaves the message; CONTINUE after C wraps through A and B to C. */
static void rx_activate_wait(void)
{
    RETURN_CODE_TYPE rc;
    QUEUING_PORT_ID_TYPE p = 0;
    QUEUING_PORT_STATUS_TYPE st;
    PORT_ACTION_TYPE a = INACTIVE;
    SET_PORT_ACTION_IN_QUEUING_PORT_LIST(list, q_c, ACTIVE, &rc);
    CHECK_RC(rc, NO_ERROR);
    GET_QUEUING_PORT_ACTION_STATUS(list, q_c, &a, &rc);
    CHECK(rc == NO_ERROR && a == ACTIVE, "action %d", (int)a);
    WAIT_FOR_MESSAGE_FROM_QUEUING_PORT_LIST(list, 0, RESET, &p, &rc);
    CHECK(rc == NO_ERROR && p == q_c, "wait: rc %d port %d", (int)rc, (int)p);
    GET_QUEUING_PORT_STATUS(q_c, &st, &rc);
    CHECK(rc == NO_ERROR && st.NB_MESSAGE == 1, "after WAIT C holds %d messages", (int)st.NB_MESSAGE);
    expect(CONTINUE, q_c, "c1", 0);
}

/* WAIT blocks until qlist_tx sends b3 on B, then a plain RECEIVE_QUEUING_MESSAGE takes it. */
static void rx_wait_blocking(void)
{
    RETURN_CODE_TYPE rc;
    QUEUING_PORT_ID_TYPE p = 0;
    MESSAGE_SIZE_TYPE len = 0;
    say_go();
    if (test_failed()) return;
    WAIT_FOR_MESSAGE_FROM_QUEUING_PORT_LIST(list, INFINITE_TIME_VALUE, RESET, &p, &rc);
    CHECK(rc == NO_ERROR && p == q_b, "wait: rc %d port %d", (int)rc, (int)p);
    RECEIVE_QUEUING_MESSAGE(p, 0, (MESSAGE_ADDR_TYPE)got, &len, &rc);
    CHECK(rc == NO_ERROR && strcmp(got, "b3") == 0, "receive: rc %d \"%s\"", (int)rc, got);
}

/* The kernel's scan service itself (service 50), below the RTOS's own checks: every id is checked before
 * the scan, a source port is INVALID_MODE, the count and start are bounded. */
static void rx_kernel_scan(void)
{
    uint32_t ids[17], at = 99;
    CHECK(bsp_qport_id("QL_A_IN", &ids[0]) == BSP_RC_OK && bsp_qport_id("QL_ACK_OUT", &ids[2]) == BSP_RC_OK, "kernel ids");
    ids[1] = 999;
    CHECK_RC(bsp_qport_list_scan(ids, 2, 0, &at), INVALID_PARAM);
    ids[1] = ids[2];
    CHECK_RC(bsp_qport_list_scan(ids, 2, 0, &at), INVALID_MODE);
    CHECK_RC(bsp_qport_list_scan(ids, 1, 0, &at), NOT_AVAILABLE);
    CHECK_RC(bsp_qport_list_scan(ids, 0, 0, &at), INVALID_PARAM);
    CHECK_RC(bsp_qport_list_scan(ids, 1, 1, &at), INVALID_PARAM);
    for (int i = 0; i < 17; i++) ids[i] = ids[0];
    CHECK_RC(bsp_qport_list_scan(ids, 17, 0, &at), INVALID_PARAM);
    CHECK(at == 99, "index stored on failure: %u", (unsigned)at);
}

static const struct test_case rx_cases[] = {
    { "normal_mode", rx_normal_mode }, { "action_status", rx_action_status }, { "empty", rx_empty },
    { "bad_args", rx_bad_args },       { "timed_out", rx_timed_out },         { "blocking_reset", rx_blocking_reset },
    { "continue", rx_continue },       { "inactive_skipped", rx_inactive_skipped }, { "activate_wait", rx_activate_wait },
    { "wait_blocking", rx_wait_blocking }, { "kernel_scan", rx_kernel_scan }, { 0, 0 },
};

const struct test_group group_qlist_rx = { RX, rx_setup, rx_cases, 0, 0 };
