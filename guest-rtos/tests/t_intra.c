/* t_intra.c: APEX intra-partition communication tests (group "intra"): buffers, blackboards,
 * semaphores, events and mutexes, with their error returns; creation errors are checked in COLD_START. */
#include <rt/string.h>
#include "harness.h"

#define G "intra"

static BUFFER_ID_TYPE buf;
static BLACKBOARD_ID_TYPE bb;
static SEMAPHORE_ID_TYPE sem;
static EVENT_ID_TYPE ev;
static MUTEX_ID_TYPE mtx;
static PROCESS_ID_TYPE p_rx, p_bbr, p_evw, p_mw;
static volatile uint32_t hits;
static char got[32];

static void rx_entry(void)
{
    MESSAGE_SIZE_TYPE len;
    RETURN_CODE_TYPE rc;
    RECEIVE_BUFFER(buf, INFINITE_TIME_VALUE, (MESSAGE_ADDR_TYPE)got, &len, &rc);
    if (rc == NO_ERROR && len == 6) hits = 1;
}
static void bbr_entry(void)
{
    MESSAGE_SIZE_TYPE len;
    RETURN_CODE_TYPE rc;
    READ_BLACKBOARD(bb, INFINITE_TIME_VALUE, (MESSAGE_ADDR_TYPE)got, &len, &rc);
    if (rc == NO_ERROR) hits = 2;
}
static void evw_entry(void)
{
    RETURN_CODE_TYPE rc;
    WAIT_EVENT(ev, INFINITE_TIME_VALUE, &rc);
    if (rc == NO_ERROR) hits = 3;
}
static void mw_entry(void)
{
    RETURN_CODE_TYPE rc;
    ACQUIRE_MUTEX(mtx, INFINITE_TIME_VALUE, &rc);
    if (rc == NO_ERROR) {
        hits = 4;
        RELEASE_MUTEX(mtx, &rc);
    }
}

static void setup(void)
{
    RETURN_CODE_TYPE rc, rc2, rc3;
    APEX_INTEGER id;
    CREATE_BUFFER(N("BUF"), 16, 2, FIFO, &buf, &rc);
    CREATE_BUFFER(N("BUF"), 16, 2, FIFO, &id, &rc2);
    CREATE_BUFFER(N("BUF0"), 0, 2, FIFO, &id, &rc3);
    test_report(G, "buffer_create", rc == NO_ERROR && rc2 == NO_ACTION && rc3 == INVALID_PARAM, "create codes");
    CREATE_BLACKBOARD(N("BB"), 16, &bb, &rc);
    CREATE_BLACKBOARD(N("BB"), 16, &id, &rc2);
    CREATE_BLACKBOARD(N("BBNEG"), -1, &id, &rc3);
    test_report(G, "blackboard_create", rc == NO_ERROR && rc2 == NO_ACTION && rc3 == INVALID_PARAM, "create codes");
    CREATE_SEMAPHORE(N("SEM"), 1, 2, PRIORITY, &sem, &rc);
    CREATE_SEMAPHORE(N("SEM"), 1, 2, FIFO, &id, &rc2);
    CREATE_SEMAPHORE(N("SEMBAD"), 3, 2, FIFO, &id, &rc3);
    test_report(G, "semaphore_create", rc == NO_ERROR && rc2 == NO_ACTION && rc3 == INVALID_PARAM, "create codes");
    CREATE_EVENT(N("EV"), &ev, &rc);
    CREATE_EVENT(N("EV"), &id, &rc2);
    test_report(G, "event_create", rc == NO_ERROR && rc2 == NO_ACTION, "create codes");
    CREATE_MUTEX(N("MTX"), 120, FIFO, &mtx, &rc);
    CREATE_MUTEX(N("MTX"), 120, FIFO, &id, &rc2);
    CREATE_MUTEX(N("MTXBAD"), 999, FIFO, &id, &rc3);
    test_report(G, "mutex_create", rc == NO_ERROR && rc2 == NO_ACTION && rc3 == INVALID_PARAM, "create codes");
    p_rx = test_make_process("RX", rx_entry, 150, INFINITE_TIME_VALUE, INFINITE_TIME_VALUE);
    p_bbr = test_make_process("BBR", bbr_entry, 150, INFINITE_TIME_VALUE, INFINITE_TIME_VALUE);
    p_evw = test_make_process("EVW", evw_entry, 150, INFINITE_TIME_VALUE, INFINITE_TIME_VALUE);
    p_mw = test_make_process("MW", mw_entry, 120, INFINITE_TIME_VALUE, INFINITE_TIME_VALUE); /* = the ceiling */
}

static void buffer_send_receive(void)
{
    RETURN_CODE_TYPE rc;
    MESSAGE_SIZE_TYPE len = 0;
    SEND_BUFFER(buf, (MESSAGE_ADDR_TYPE)"first", 6, 0, &rc);
    CHECK_RC(rc, NO_ERROR);
    SEND_BUFFER(buf, (MESSAGE_ADDR_TYPE)"second", 7, 0, &rc);
    CHECK_RC(rc, NO_ERROR);
    SEND_BUFFER(buf, (MESSAGE_ADDR_TYPE)"third", 6, 0, &rc);
    CHECK_RC(rc, NOT_AVAILABLE);
    RECEIVE_BUFFER(buf, 0, (MESSAGE_ADDR_TYPE)got, &len, &rc);
    CHECK(rc == NO_ERROR && len == 6 && strcmp(got, "first") == 0, "first: rc %d len %d", (int)rc, (int)len);
    RECEIVE_BUFFER(buf, 0, (MESSAGE_ADDR_TYPE)got, &len, &rc);
    CHECK(rc == NO_ERROR && len == 7 && strcmp(got, "second") == 0, "second: rc %d len %d", (int)rc, (int)len);
}

static void buffer_empty(void)
{
    RETURN_CODE_TYPE rc;
    MESSAGE_SIZE_TYPE len;
    RECEIVE_BUFFER(buf, 0, (MESSAGE_ADDR_TYPE)got, &len, &rc);
    CHECK_RC(rc, NOT_AVAILABLE);
    RECEIVE_BUFFER(buf, (SYSTEM_TIME_TYPE)(2 * test_tick()), (MESSAGE_ADDR_TYPE)got, &len, &rc);
    CHECK_RC(rc, TIMED_OUT);
    SEND_BUFFER(buf, (MESSAGE_ADDR_TYPE)"x", 17, 0, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    RECEIVE_BUFFER(99, 0, (MESSAGE_ADDR_TYPE)got, &len, &rc);
    CHECK_RC(rc, INVALID_PARAM);
}

static void buffer_status_id(void)
{
    BUFFER_STATUS_TYPE st;
    BUFFER_ID_TYPE id = 0;
    RETURN_CODE_TYPE rc;
    GET_BUFFER_ID(N("BUF"), &id, &rc);
    CHECK(rc == NO_ERROR && id == buf, "id");
    GET_BUFFER_ID(N("NOPE"), &id, &rc);
    CHECK_RC(rc, INVALID_CONFIG);
    GET_BUFFER_STATUS(buf, &st, &rc);
    CHECK(rc == NO_ERROR && st.NB_MESSAGE == 0 && st.MAX_NB_MESSAGE == 2 && st.MAX_MESSAGE_SIZE == 16, "status");
}

static void buffer_wakes_receiver(void)
{
    RETURN_CODE_TYPE rc;
    hits = 0;
    START(p_rx, &rc);
    CHECK(hits == 0, "receiver did not wait");
    SEND_BUFFER(buf, (MESSAGE_ADDR_TYPE)"hello", 6, 0, &rc);
    CHECK(rc == NO_ERROR && hits == 1 && strcmp(got, "hello") == 0, "receiver not woken with the message");
}

static void blackboard_display_read(void)
{
    RETURN_CODE_TYPE rc;
    MESSAGE_SIZE_TYPE len;
    BLACKBOARD_STATUS_TYPE st;
    DISPLAY_BLACKBOARD(bb, (MESSAGE_ADDR_TYPE)"board", 6, &rc);
    CHECK_RC(rc, NO_ERROR);
    READ_BLACKBOARD(bb, 0, (MESSAGE_ADDR_TYPE)got, &len, &rc);
    CHECK(rc == NO_ERROR && len == 6 && strcmp(got, "board") == 0, "read");
    READ_BLACKBOARD(bb, 0, (MESSAGE_ADDR_TYPE)got, &len, &rc);
    CHECK(rc == NO_ERROR, "a read emptied the board");
    GET_BLACKBOARD_STATUS(bb, &st, &rc);
    CHECK(st.EMPTY_INDICATOR == OCCUPIED && st.MAX_MESSAGE_SIZE == 16, "status");
}

static void blackboard_clear(void)
{
    RETURN_CODE_TYPE rc;
    MESSAGE_SIZE_TYPE len;
    CLEAR_BLACKBOARD(bb, &rc);
    CHECK_RC(rc, NO_ERROR);
    READ_BLACKBOARD(bb, 0, (MESSAGE_ADDR_TYPE)got, &len, &rc);
    CHECK_RC(rc, NOT_AVAILABLE);
    READ_BLACKBOARD(bb, (SYSTEM_TIME_TYPE)(2 * test_tick()), (MESSAGE_ADDR_TYPE)got, &len, &rc);
    CHECK_RC(rc, TIMED_OUT);
}

static void blackboard_wakes_reader(void)
{
    RETURN_CODE_TYPE rc;
    hits = 0;
    START(p_bbr, &rc);
    CHECK(hits == 0, "reader did not wait on the empty board");
    DISPLAY_BLACKBOARD(bb, (MESSAGE_ADDR_TYPE)"news", 5, &rc);
    CHECK(hits == 2 && strcmp(got, "news") == 0, "reader not woken");
}

static void blackboard_errors(void)
{
    RETURN_CODE_TYPE rc;
    BLACKBOARD_ID_TYPE id;
    DISPLAY_BLACKBOARD(bb, (MESSAGE_ADDR_TYPE)got, 17, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    CLEAR_BLACKBOARD(77, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    GET_BLACKBOARD_ID(N("NOPE"), &id, &rc);
    CHECK_RC(rc, INVALID_CONFIG);
    GET_BLACKBOARD_ID(N("BB"), &id, &rc);
    CHECK(rc == NO_ERROR && id == bb, "id");
}

static void semaphore_wait_signal(void)
{
    RETURN_CODE_TYPE rc;
    SEMAPHORE_STATUS_TYPE st;
    WAIT_SEMAPHORE(sem, 0, &rc);
    CHECK_RC(rc, NO_ERROR);
    WAIT_SEMAPHORE(sem, 0, &rc);
    CHECK_RC(rc, NOT_AVAILABLE);
    WAIT_SEMAPHORE(sem, (SYSTEM_TIME_TYPE)(2 * test_tick()), &rc);
    CHECK_RC(rc, TIMED_OUT);
    SIGNAL_SEMAPHORE(sem, &rc);
    CHECK_RC(rc, NO_ERROR);
    GET_SEMAPHORE_STATUS(sem, &st, &rc);
    CHECK(st.CURRENT_VALUE == 1 && st.MAXIMUM_VALUE == 2 && st.WAITING_PROCESSES == 0, "status");
}

static void semaphore_max_and_ids(void)
{
    RETURN_CODE_TYPE rc;
    SEMAPHORE_ID_TYPE id;
    SIGNAL_SEMAPHORE(sem, &rc);
    CHECK_RC(rc, NO_ERROR);
    SIGNAL_SEMAPHORE(sem, &rc);
    CHECK_RC(rc, NO_ACTION);
    WAIT_SEMAPHORE(sem, -3, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    SIGNAL_SEMAPHORE(0, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    GET_SEMAPHORE_ID(N("NOPE"), &id, &rc);
    CHECK_RC(rc, INVALID_CONFIG);
    GET_SEMAPHORE_ID(N("SEM"), &id, &rc);
    CHECK(rc == NO_ERROR && id == sem, "id");
}

static void event_set_reset(void)
{
    RETURN_CODE_TYPE rc;
    EVENT_STATUS_TYPE st;
    WAIT_EVENT(ev, 0, &rc);
    CHECK_RC(rc, NOT_AVAILABLE);
    SET_EVENT(ev, &rc);
    CHECK_RC(rc, NO_ERROR);
    WAIT_EVENT(ev, 0, &rc);
    CHECK_RC(rc, NO_ERROR);
    GET_EVENT_STATUS(ev, &st, &rc);
    CHECK(st.EVENT_STATE == UP, "not up");
    RESET_EVENT(ev, &rc);
    GET_EVENT_STATUS(ev, &st, &rc);
    CHECK(st.EVENT_STATE == DOWN, "not down");
    WAIT_EVENT(ev, (SYSTEM_TIME_TYPE)(2 * test_tick()), &rc);
    CHECK_RC(rc, TIMED_OUT);
}

static void event_wakes_waiter(void)
{
    RETURN_CODE_TYPE rc;
    EVENT_ID_TYPE id;
    hits = 0;
    START(p_evw, &rc);
    EVENT_STATUS_TYPE st;
    GET_EVENT_STATUS(ev, &st, &rc);
    CHECK(st.WAITING_PROCESSES == 1, "%d waiting", (int)st.WAITING_PROCESSES);
    SET_EVENT(ev, &rc);
    CHECK(hits == 3, "waiter not woken");
    RESET_EVENT(ev, &rc);
    SET_EVENT(42, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    GET_EVENT_ID(N("NOPE"), &id, &rc);
    CHECK_RC(rc, INVALID_CONFIG);
}

static void mutex_acquire_release(void)
{
    RETURN_CODE_TYPE rc;
    MUTEX_STATUS_TYPE st;
    PROCESS_STATUS_TYPE ps;
    PROCESS_ID_TYPE me;
    MUTEX_ID_TYPE held;
    GET_MY_ID(&me, &rc);
    ACQUIRE_MUTEX(mtx, 0, &rc);
    CHECK_RC(rc, NO_ERROR);
    GET_MUTEX_STATUS(mtx, &st, &rc);
    GET_PROCESS_STATUS(me, &ps, &rc);
    GET_PROCESS_MUTEX_STATE(me, &held, &rc);
    RETURN_CODE_TYPE blocked;
    WAIT_SEMAPHORE(sem, (SYSTEM_TIME_TYPE)test_tick(), &blocked);
    RELEASE_MUTEX(mtx, &rc);
    CHECK_RC(rc, NO_ERROR);
    CHECK(st.MUTEX_STATE == OWNED && st.MUTEX_OWNER == me && st.LOCK_COUNT == 1, "status while held");
    CHECK(ps.CURRENT_PRIORITY == 120, "priority %d while holding, want the mutex priority 120", (int)ps.CURRENT_PRIORITY);
    CHECK(held == mtx, "GET_PROCESS_MUTEX_STATE %d", (int)held);
    CHECK_RC(blocked, INVALID_MODE);
    GET_PROCESS_STATUS(me, &ps, &rc);
    CHECK(ps.CURRENT_PRIORITY == 100, "priority %d after release", (int)ps.CURRENT_PRIORITY);
}

static void mutex_errors(void)
{
    RETURN_CODE_TYPE rc;
    MUTEX_ID_TYPE id;
    RELEASE_MUTEX(mtx, &rc);
    CHECK_RC(rc, INVALID_MODE);
    ACQUIRE_MUTEX(55, 0, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    GET_MUTEX_ID(N("NOPE"), &id, &rc);
    CHECK_RC(rc, INVALID_CONFIG);
    GET_MUTEX_ID(N("MTX"), &id, &rc);
    CHECK(rc == NO_ERROR && id == mtx, "id");
}

static void mutex_handover_reset(void)
{
    RETURN_CODE_TYPE rc;
    PROCESS_ID_TYPE me;
    MUTEX_STATUS_TYPE st;
    GET_MY_ID(&me, &rc);
    ACQUIRE_MUTEX(mtx, 0, &rc);
    CHECK_RC(rc, NO_ERROR);
    hits = 0;
    START(p_mw, &rc);     /* priority 120 = the ceiling we run at: it waits for the CPU */
    CHECK_RC(rc, NO_ERROR);
    TIMED_WAIT(0, &rc);   /* yield: MW runs and blocks in ACQUIRE_MUTEX on the mutex we hold */
    CHECK_RC(rc, NO_ERROR);
    GET_MUTEX_STATUS(mtx, &st, &rc);
    CHECK(rc == NO_ERROR && st.MUTEX_STATE == OWNED && st.MUTEX_OWNER == me && st.WAITING_PROCESSES == 1 && hits == 0,
          "before RESET_MUTEX: state %d owner %d waiting %d hits %u", (int)st.MUTEX_STATE, (int)st.MUTEX_OWNER,
          (int)st.WAITING_PROCESSES, hits);
    RESET_MUTEX(mtx, me, &rc); /* hands the mutex to MW, which now outranks us and runs at once */
    CHECK_RC(rc, NO_ERROR);
    CHECK(hits == 4, "the blocked waiter did not get the mutex at RESET_MUTEX (hits %u)", hits);
    GET_MUTEX_STATUS(mtx, &st, &rc);
    CHECK(st.MUTEX_STATE == AVAILABLE && st.WAITING_PROCESSES == 0, "mutex still owned");
    RESET_MUTEX(mtx, me, &rc);
    CHECK_RC(rc, INVALID_MODE);
}

static const struct test_case cases[] = {
    { "buffer_send_receive", buffer_send_receive }, { "buffer_empty", buffer_empty },
    { "buffer_status_id", buffer_status_id },       { "buffer_wakes_receiver", buffer_wakes_receiver },
    { "blackboard_display_read", blackboard_display_read }, { "blackboard_clear", blackboard_clear },
    { "blackboard_wakes_reader", blackboard_wakes_reader }, { "blackboard_errors", blackboard_errors },
    { "semaphore_wait_signal", semaphore_wait_signal }, { "semaphore_max_and_ids", semaphore_max_and_ids },
    { "event_set_reset", event_set_reset },         { "event_wakes_waiter", event_wakes_waiter },
    { "mutex_acquire_release", mutex_acquire_release }, { "mutex_errors", mutex_errors },
    { "mutex_handover_reset", mutex_handover_reset }, { 0, 0 },
};

const struct test_group group_intra = { G, setup, cases, 0, 0 };
