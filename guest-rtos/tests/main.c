/* main.c: the RTOS test image's application: picks the test group named on the partition command line
 * (`group=<name>`), runs its init-phase setup, then a runner process runs its cases in NORMAL mode and
 * prints the SUITE line. The same source builds one image per binding. */
#include <rt/string.h>
#include <rtos/app.h>
#include "harness.h"

void apex_init(const struct bsp_boot_info *info);
void test_run_case(const char *group, const struct test_case *c);

static const struct test_group *const groups[] = {
    &group_core,      &group_process,  &group_intra,       &group_partition, &group_ports_tx,
    &group_ports_rx,  &group_hm_stack, &group_hm_deadline, &group_hm_memory, &group_hm_upcall, &group_hm_callback, &group_hm_modcb, &group_mem_access, &group_schedule, &group_warm,
    &group_logbook,   &group_part2_tx, &group_part2_rx, &group_shm_writer, &group_shm_reader, &group_shm_fault,
    &group_qlist_tx,  &group_qlist_rx,
};

static const struct test_group *selected;

static const struct test_group *pick(const char *cmd, uint32_t len)
{
    for (uint32_t i = 0; i + 6 <= len; i++) {
        if (memcmp(cmd + i, "group=", 6) != 0) continue;
        const char *g = cmd + i + 6;
        uint32_t n = 0;
        while (i + 6 + n < len && g[n] != ' ' && g[n] != '\0') n++;
        for (uint32_t k = 0; k < sizeof groups / sizeof groups[0]; k++)
            if (strlen(groups[k]->name) == n && memcmp(groups[k]->name, g, n) == 0) return groups[k];
    }
    return 0;
}

static void runner(void)
{
    for (const struct test_case *c = selected->cases; c != 0 && c->name != 0; c++) test_run_case(selected->name, c);
    for (const struct test_case *c = selected->cases2; c != 0 && c->name != 0; c++) test_run_case(selected->name, c);
    if (!selected->no_suite_line) test_suite_done(selected->name);
    STOP_SELF();
}

void app_main(const struct bsp_boot_info *info)
{
    RETURN_CODE_TYPE rc;
    apex_init(info);
    test_set_cmdline(info->cmdline, info->cmdline_len);
    selected = pick(info->cmdline, info->cmdline_len);
    if (selected == 0) {
        printf("rtos-tests: no known group= on the command line \"%.*s\"\n", (int)info->cmdline_len, info->cmdline);
        printf("SUITE unknown DONE 0 1\n");
        bsp_console_flush();
        SET_PARTITION_MODE(IDLE, &rc);
        return;
    }
    printf("rtos-tests: group %s on partition %s%s\n", selected->name, info->name, info->system_partition ? " (system partition)" : "");
    if (selected->setup != 0) selected->setup();
    PROCESS_ID_TYPE r = test_make_process("RUNNER", runner, 100, INFINITE_TIME_VALUE, INFINITE_TIME_VALUE);
    START(r, &rc);
    SET_PARTITION_MODE(NORMAL, &rc);
    printf("rtos-tests: SET_PARTITION_MODE(NORMAL) returned %d\n", (int)rc);
}
