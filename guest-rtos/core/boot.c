/* boot.c: brings the core up from the BSP's hand-off: arena, idle task, init task running app_main, the
 * periodic tick, and the first switch away from the boot stack (which is then abandoned). */
#include <bsp.h>
#include <rtos/app.h>
#include <rtos/sync.h>

void sched_set_current(struct task *t);
void sched_set_tick(uint64_t ns);

static const struct bsp_boot_info *boot_info;

static void idle_entry(void)
{
    for (;;) bsp_idle();
}

static void init_entry(void)
{
    app_main(boot_info);
}

void rtos_boot(const struct bsp_boot_info *info)
{
    static uint32_t boot_sp;
    boot_info = info;
    rtos_arena_init(info->free_base, info->free_size);
    struct task *idle = task_create("IDLE", idle_entry, -1, 2048);
    struct task *init = task_create("INIT", init_entry, RTOS_INIT_PRIORITY, 16384);
    idle->is_idle = 1;
    task_start(idle);
    init->state = TASK_DORMANT;
    uint64_t period = info->tick_period_ns != 0 ? info->tick_period_ns : RTOS_DEFAULT_TICK_NS;
    sched_set_tick(bsp_tick_start(period));
    /* Make init current by hand, then switch from the boot stack into it. */
    task_start_at(init, 0);
    init->state = TASK_READY;
    init->delayed = 0;
    init->wake_ns = RTOS_FOREVER;
    sched_set_current(init);
    bsp_ctx_switch(&boot_sp, init->sp);
    for (;;) {
    }
}
