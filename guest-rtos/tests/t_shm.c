/* t_shm.c: shared memory (apx:Shared regions as Part 2 memory blocks). Groups "shm_writer" and
 * "shm_reader" (partitions/rtos-tests/shared_memory.xml) see one block with different access;
 * "shm_fault" (shm_fault.xml) stores into its READ_ONLY block: MEMORY_VIOLATION, and the partition HM
 * table cold-starts the partition, which then reports the start condition it sees. */
#include <rt/string.h>
#include "harness.h"

#define W "shm_writer"
#define R "shm_reader"
#define SHARED_BASE 0xE0000000u
#define MAGIC 0x5A5A1234u

static const char HELLO[] = "shared-hello";

static void writer_status(void)
{
    RETURN_CODE_TYPE rc;
    MEMORY_BLOCK_STATUS_TYPE st;
    GET_MEMORY_BLOCK_STATUS(N("cfg"), &st, &rc);
    CHECK(rc == NO_ERROR && (uintptr_t)st.ADDRESS == SHARED_BASE && st.SIZE == 8192 && st.MODE == READ,
          "cfg: rc %d address 0x%x size %u mode %d", (int)rc, (unsigned)(uintptr_t)st.ADDRESS, (unsigned)st.SIZE, (int)st.MODE);
    GET_MEMORY_BLOCK_STATUS(N("shm"), &st, &rc);
    CHECK(rc == NO_ERROR && (uintptr_t)st.ADDRESS == SHARED_BASE + 8192 && st.SIZE == 4096 && st.MODE == READ_WRITE,
          "shm: rc %d address 0x%x size %u mode %d", (int)rc, (unsigned)(uintptr_t)st.ADDRESS, (unsigned)st.SIZE, (int)st.MODE);
    GET_MEMORY_BLOCK_STATUS(N("nope"), &st, &rc);
    CHECK_RC(rc, INVALID_CONFIG);
}

static void writer_write(void)
{
    RETURN_CODE_TYPE rc;
    MEMORY_BLOCK_STATUS_TYPE st;
    GET_MEMORY_BLOCK_STATUS(N("shm"), &st, &rc);
    CHECK_RC(rc, NO_ERROR);
    volatile uint8_t *p = st.ADDRESS;
    for (uint32_t i = 0; i < sizeof HELLO; i++) p[i] = (uint8_t)HELLO[i];
    *(volatile uint32_t *)(p + 4092) = MAGIC;
    CHECK(*(volatile uint32_t *)(p + 4092) == MAGIC && p[0] == 's', "read back");
}

static void writer_cfg_zero(void)
{
    RETURN_CODE_TYPE rc;
    MEMORY_BLOCK_STATUS_TYPE st;
    GET_MEMORY_BLOCK_STATUS(N("cfg"), &st, &rc);
    CHECK_RC(rc, NO_ERROR);
    const volatile uint32_t *w = (const volatile uint32_t *)st.ADDRESS;
    uint32_t any = 0;
    for (uint32_t i = 0; i < 8192 / 4; i++) any |= w[i];
    CHECK(any == 0, "a block nobody wrote reads 0, got 0x%x", (unsigned)any);
}

static const struct test_case writer_cases[] = {
    { "status", writer_status }, { "write", writer_write }, { "cfg_zero", writer_cfg_zero }, { 0, 0 },
};
const struct test_group group_shm_writer = { W, 0, writer_cases, 0, 0 };

static void reader_status(void)
{
    RETURN_CODE_TYPE rc;
    MEMORY_BLOCK_STATUS_TYPE st;
    GET_MEMORY_BLOCK_STATUS(N("shm"), &st, &rc);
    CHECK(rc == NO_ERROR && (uintptr_t)st.ADDRESS == SHARED_BASE && st.SIZE == 4096 && st.MODE == READ,
          "rc %d address 0x%x size %u mode %d", (int)rc, (unsigned)(uintptr_t)st.ADDRESS, (unsigned)st.SIZE, (int)st.MODE);
    GET_MEMORY_BLOCK_STATUS(N("cfg"), &st, &rc);
    CHECK_RC(rc, INVALID_CONFIG); /* mapped by shm_writer only */
}

static void reader_sees_writes(void)
{
    const volatile uint8_t *p = (const volatile uint8_t *)(uintptr_t)SHARED_BASE;
    int seen = 0;
    for (int i = 0; i < 200 && !seen; i++) {
        seen = *(const volatile uint32_t *)(p + 4092) == MAGIC;
        if (!seen) test_sleep_ticks(1);
    }
    CHECK(seen, "the writer's last word never arrived");
    char got[sizeof HELLO];
    for (uint32_t i = 0; i < sizeof HELLO; i++) got[i] = (char)p[i];
    CHECK(memcmp(got, HELLO, sizeof HELLO) == 0, "got \"%.12s\"", got);
}

static const struct test_case reader_cases[] = {
    { "status", reader_status }, { "sees_writes", reader_sees_writes }, { 0, 0 },
};
const struct test_group group_shm_reader = { R, 0, reader_cases, 0, 0 };

static void fault_entry(void)
{
    volatile uint32_t *ro = (volatile uint32_t *)(uintptr_t)SHARED_BASE;
    *ro = 0xBAD;
    test_report("shm_fault", "readonly_store_faults", 0, "a store into a READ_ONLY block did not fault");
    test_suite_done("shm_fault");
}

static void fault_setup(void)
{
    RETURN_CODE_TYPE rc;
    PARTITION_STATUS_TYPE ps;
    MEMORY_BLOCK_STATUS_TYPE st;
    GET_PARTITION_STATUS(&ps, &rc);
    GET_MEMORY_BLOCK_STATUS(N("ro_block"), &st, &rc);
    int status_ok = rc == NO_ERROR && st.MODE == READ && (uintptr_t)st.ADDRESS == SHARED_BASE;
    if (ps.START_CONDITION != NORMAL_START || !status_ok) {
        const volatile uint32_t *ro = (const volatile uint32_t *)(uintptr_t)SHARED_BASE;
        test_report("shm_fault", "readonly_store_faults", status_ok && ps.START_CONDITION == HM_PARTITION_RESTART && *ro == 0,
                    "bad block status, an unexpected start condition, or the store landed");
        test_suite_done("shm_fault");
        return;
    }
    PROCESS_ID_TYPE p = test_make_process("STORE", fault_entry, 50, INFINITE_TIME_VALUE, INFINITE_TIME_VALUE);
    START(p, &rc);
}

static const struct test_case no_cases[] = { { 0, 0 } };
const struct test_group group_shm_fault = { "shm_fault", fault_setup, no_cases, 0, 1 };
