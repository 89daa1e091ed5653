/* harness.h: the RTOS test suite's harness: test groups selected by the partition command line
 * (`group=<name>`), one result line per test (`TEST <group>.<name> PASS|FAIL <reason>`) and a final
 * `SUITE <group> DONE <passed> <failed>` line that the host parses. */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <apex/apex.h>
#include <bsp.h>
#include <rtos/sync.h>
#include <rt/stdio.h>

struct test_case {
    const char *name;
    void (*fn)(void);
};

struct test_group {
    const char *name;
    void (*setup)(void);          /* init mode: create objects, run init-phase tests; may be 0 */
    const struct test_case *cases; /* run by the runner process in NORMAL mode; ends with { 0, 0 } */
    const struct test_case *cases2; /* a second list (0 when none), also { 0, 0 }-terminated */
    uint8_t no_suite_line;        /* groups whose verdict comes from an HM path print it themselves */
};

/* Records the current test's first failure (printf-style reason). */
void test_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int test_failed(void);
/* Prints one result line directly (init-phase and HM-path tests). */
void test_report(const char *group, const char *name, int pass, const char *reason);
void test_suite_done(const char *group); /* prints SUITE and sets the partition IDLE */

#define CHECK(cond, ...)                  \
    do {                                  \
        if (!(cond)) {                    \
            test_fail(__VA_ARGS__);       \
            return;                       \
        }                                 \
    } while (0)
#define CHECK_RC(rc, want) CHECK((rc) == (want), "line %d: rc %d, want %d", __LINE__, (int)(rc), (int)(want))

/* Helpers for tests. */
/* A NAME_TYPE holding `s` (APEX names are 30-byte arrays; literals are shorter). Eight rotate. */
char *N(const char *s);
uint64_t test_tick(void);               /* tick period in ns */
void test_sleep_ticks(uint32_t n);      /* TIMED_WAIT n ticks */
PROCESS_ID_TYPE test_make_process(const char *name, void (*entry)(void), PRIORITY_TYPE prio, SYSTEM_TIME_TYPE period,
                                  SYSTEM_TIME_TYPE capacity);
void test_init_check(const char *group, const char *name, RETURN_CODE_TYPE got, RETURN_CODE_TYPE want);
/* The partition command line (set by main.c); test_cmdline_has("start=module") looks for one token. */
void test_set_cmdline(const char *cmdline, uint32_t len);
int test_cmdline_has(const char *token);

extern const struct test_group group_core, group_process, group_intra, group_partition, group_ports_tx,
    group_ports_rx, group_hm_stack, group_hm_deadline, group_hm_memory, group_hm_upcall, group_hm_callback, group_hm_modcb, group_mem_access, group_schedule, group_warm;
extern const struct test_group group_logbook, group_part2_tx, group_part2_rx, group_shm_writer, group_shm_reader,
    group_shm_fault;
extern const struct test_group group_qlist_tx, group_qlist_rx;

#endif
