/* t_logbook.c: Part 2 logbook tests (group "logbook", partitions/rtos-tests/logbook.xml): creation
 * rules in the init phase, then write/read/status/clear, the circular storage and the error returns.
 * That messages survive a restart is the kernel's (test/kernel/logbook). */
#include <rt/string.h>
#include "harness.h"

#define G "logbook"

static LOGBOOK_ID_TYPE book;
static char got[80];

static void setup(void)
{
    RETURN_CODE_TYPE rc;
    LOGBOOK_ID_TYPE id = 0;
    CREATE_LOGBOOK(N("LB_NONE"), 64, 4, 2, &id, &rc);
    test_init_check(G, "create_unknown", rc, INVALID_CONFIG);
    CREATE_LOGBOOK(N("LB_MAIN"), 0, 4, 2, &id, &rc);
    test_init_check(G, "create_bad_size", rc, INVALID_PARAM);
    CREATE_LOGBOOK(N("LB_MAIN"), 64, 5, 2, &id, &rc);
    test_init_check(G, "create_mismatch", rc, INVALID_CONFIG);
    CREATE_LOGBOOK(N("LB_MAIN"), 2048, 4, 2, &id, &rc);
    test_init_check(G, "create_too_big", rc, INVALID_CONFIG);
    CREATE_LOGBOOK(N("LB_MAIN"), 64, 4, 2, &book, &rc);
    test_init_check(G, "create", rc, NO_ERROR);
    CREATE_LOGBOOK(N("LB_MAIN"), 64, 4, 2, &id, &rc);
    test_report(G, "create_again", rc == NO_ACTION && id == book, "second CREATE_LOGBOOK must be NO_ACTION with the same id");
}

static void write_read(void)
{
    RETURN_CODE_TYPE rc;
    MESSAGE_SIZE_TYPE len = 0;
    WRITE_STATUS_TYPE ws = ABORTED;
    WRITE_LOGBOOK(book, (MESSAGE_ADDR_TYPE)"entry-1", 8, &rc);
    CHECK_RC(rc, NO_ERROR);
    READ_LOGBOOK(book, 1, (MESSAGE_ADDR_TYPE)got, &len, &ws, &rc);
    CHECK_RC(rc, NO_ERROR);
    CHECK(len == 8 && strcmp(got, "entry-1") == 0 && ws == COMPLETE, "len %d \"%s\" status %d", (int)len, got, (int)ws);
}

static void status(void)
{
    RETURN_CODE_TYPE rc;
    LOGBOOK_STATUS_TYPE st;
    GET_LOGBOOK_STATUS(book, &st, &rc);
    CHECK_RC(rc, NO_ERROR);
    CHECK(st.MAX_MESSAGE_SIZE == 64 && st.MAX_NB_LOGGED_MESSAGES == 4 && st.MAX_NB_IN_PROGRESS_MESSAGES == 2 &&
              st.NB_LOGGED_MESSAGES == 1 && st.NB_IN_PROGRESS_MESSAGES == 0,
          "status %d/%d/%d logged %d in progress %d", (int)st.MAX_MESSAGE_SIZE, (int)st.MAX_NB_LOGGED_MESSAGES,
          (int)st.MAX_NB_IN_PROGRESS_MESSAGES, (int)st.NB_LOGGED_MESSAGES, (int)st.NB_IN_PROGRESS_MESSAGES);
}

/* Four more writes into a logbook of 4: the oldest ("entry-1") is dropped. */
static void wraps(void)
{
    RETURN_CODE_TYPE rc;
    LOGBOOK_STATUS_TYPE st;
    MESSAGE_SIZE_TYPE len = 0;
    WRITE_STATUS_TYPE ws;
    char msg[8] = "entry-2";
    for (char c = '2'; c <= '5'; c++) {
        msg[6] = c;
        WRITE_LOGBOOK(book, (MESSAGE_ADDR_TYPE)msg, 8, &rc);
        CHECK(rc == NO_ERROR, "write %c: rc %d", c, (int)rc);
    }
    GET_LOGBOOK_STATUS(book, &st, &rc);
    CHECK(rc == NO_ERROR && st.NB_LOGGED_MESSAGES == 4, "rc %d logged %d", (int)rc, (int)st.NB_LOGGED_MESSAGES);
    READ_LOGBOOK(book, 1, (MESSAGE_ADDR_TYPE)got, &len, &ws, &rc);
    CHECK(rc == NO_ERROR && strcmp(got, "entry-2") == 0, "oldest: rc %d \"%s\"", (int)rc, got);
    READ_LOGBOOK(book, 4, (MESSAGE_ADDR_TYPE)got, &len, &ws, &rc);
    CHECK(rc == NO_ERROR && strcmp(got, "entry-5") == 0, "newest: rc %d \"%s\"", (int)rc, got);
}

static void read_errors(void)
{
    RETURN_CODE_TYPE rc;
    MESSAGE_SIZE_TYPE len = 0;
    WRITE_STATUS_TYPE ws;
    READ_LOGBOOK(book, 0, (MESSAGE_ADDR_TYPE)got, &len, &ws, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    READ_LOGBOOK(book, 5, (MESSAGE_ADDR_TYPE)got, &len, &ws, &rc);
    CHECK_RC(rc, NOT_AVAILABLE);
    READ_LOGBOOK(book + 7, 1, (MESSAGE_ADDR_TYPE)got, &len, &ws, &rc);
    CHECK_RC(rc, INVALID_PARAM);
}

static void write_errors(void)
{
    RETURN_CODE_TYPE rc;
    WRITE_LOGBOOK(book, (MESSAGE_ADDR_TYPE)got, 65, &rc);
    CHECK_RC(rc, INVALID_CONFIG);
    WRITE_LOGBOOK(book, (MESSAGE_ADDR_TYPE)got, 0, &rc);
    CHECK_RC(rc, INVALID_PARAM);
    WRITE_LOGBOOK(book + 7, (MESSAGE_ADDR_TYPE)got, 4, &rc);
    CHECK_RC(rc, INVALID_PARAM);
}

static void get_id(void)
{
    RETURN_CODE_TYPE rc;
    LOGBOOK_ID_TYPE id = 0;
    GET_LOGBOOK_ID(N("LB_MAIN"), &id, &rc);
    CHECK(rc == NO_ERROR && id == book, "rc %d id %d", (int)rc, (int)id);
    GET_LOGBOOK_ID(N("LB_NONE"), &id, &rc);
    CHECK_RC(rc, INVALID_CONFIG);
}

static void create_in_normal(void)
{
    RETURN_CODE_TYPE rc;
    LOGBOOK_ID_TYPE id;
    CREATE_LOGBOOK(N("LB_MAIN"), 64, 4, 2, &id, &rc);
    CHECK_RC(rc, INVALID_MODE);
}

static void clear(void)
{
    RETURN_CODE_TYPE rc;
    LOGBOOK_STATUS_TYPE st;
    MESSAGE_SIZE_TYPE len;
    WRITE_STATUS_TYPE ws;
    CLEAR_LOGBOOK(book, &rc);
    CHECK_RC(rc, NO_ERROR);
    GET_LOGBOOK_STATUS(book, &st, &rc);
    CHECK(rc == NO_ERROR && st.NB_LOGGED_MESSAGES == 0, "rc %d logged %d", (int)rc, (int)st.NB_LOGGED_MESSAGES);
    READ_LOGBOOK(book, 1, (MESSAGE_ADDR_TYPE)got, &len, &ws, &rc);
    CHECK_RC(rc, NOT_AVAILABLE);
    CLEAR_LOGBOOK(book + 7, &rc);
    CHECK_RC(rc, INVALID_PARAM);
}

static const struct test_case cases[] = {
    { "write_read", write_read },   { "status", status },     { "wraps", wraps },
    { "read_errors", read_errors }, { "write_errors", write_errors }, { "get_id", get_id },
    { "create_in_normal", create_in_normal }, { "clear", clear }, { 0, 0 },
};

const struct test_group group_logbook = { G, setup, cases, 0, 0 };
