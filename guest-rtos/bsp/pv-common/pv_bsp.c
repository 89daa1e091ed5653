/* pv_bsp.c: bsp.h over the paravirt ABI (pv_abi.h), shared by the trap and jump-table BSPs: boot from
 * start-info, console line buffer, time and tick from the shared page and the timer service, the
 * virtual interrupt mask and upcalls into the core. The partition, HM, port and logbook services are
 * pv_services.c (shared with the bare-PC BSP). It never blocks: the core waits. */
#include <bsp.h>
#include <rt/string.h>
#include "pv_bsp.h"
#include "pv_upcall.h"

#define LINE_MAX 200u

static struct bsp_boot_info boot;
static char line[LINE_MAX];
static uint32_t line_len;

void pv_bsp_entry(uint32_t magic, const struct pv_start_info *si)
{
    pv_bsp_bind(si);
    if (magic != PV_ABI_MAGIC || si->abi_major != PV_ABI_MAJOR) {
        (void)pv_console_write("rtos: bad PV hand-off\n", 22);
        for (;;) (void)pv_window_yield();
    }
    boot.partition_id = si->partition_id;
    boot.start_condition = si->start_condition;
    boot.system_partition = (si->flags & PV_SIF_SYSTEM_PARTITION) != 0;
    boot.free_base = si->free_base;
    boot.free_size = si->free_size;
    boot.tick_period_ns = si->tick_period_ns;
    memcpy(boot.name, si->partition_name, sizeof boot.name);
    boot.name[sizeof boot.name - 1] = '\0';
    boot.cmdline = (const char *)si->cmdline;
    boot.cmdline_len = si->cmdline != 0 ? si->cmdline_len : 0;
    (void)pv_virq_register(pv_upcall_entry);
    rtos_boot(&boot);
}

void pv_upcall_handler(uint32_t pending, uint32_t missed_ticks)
{
    uint32_t ticks = missed_ticks;
    if ((pending & (1u << PV_VIRQ_HM)) != 0) rtos_isr_hm(); /* first: the interrupted task faulted */
    if (ticks == 0 && (pending & (1u << PV_VIRQ_TICK)) != 0) ticks = 1;
    if (ticks != 0) rtos_isr_tick(ticks);
    if ((pending & ~((1u << PV_VIRQ_TICK) | (1u << PV_VIRQ_HM))) != 0) rtos_isr_event();
}

static void flush_locked(void)
{
    uint32_t done = 0;
    while (done < line_len) {
        pv_status_t n = pv_console_write(line + done, line_len - done);
        if (n <= 0) break;
        done += (uint32_t)n;
    }
    line_len = 0;
}

void bsp_console_write(const char *s, uint32_t len)
{
    uint32_t m = pv_virq_mask();
    for (uint32_t i = 0; i < len; i++) {
        line[line_len++] = s[i];
        if (s[i] == '\n' || line_len == LINE_MAX) flush_locked();
    }
    pv_virq_restore(m);
}

void bsp_console_flush(void)
{
    uint32_t m = pv_virq_mask();
    flush_locked();
    (void)pv_console_flush();
    pv_virq_restore(m);
}

uint64_t bsp_time_ns(void)
{
    uint64_t t = 0;
    (void)pv_time_get(&t);
    return t;
}

uint64_t bsp_tick_start(uint64_t period_ns)
{
    (void)pv_timer_set_periodic(period_ns);
    return period_ns;
}

uint32_t bsp_irq_save(void) { return pv_virq_mask(); }
void bsp_irq_restore(uint32_t state) { pv_virq_restore(state); }
void bsp_idle(void) { (void)pv_idle(); }

/* The runtime's printf goes to the console line buffer. */
int putchar(int c)
{
    char ch = (char)c;
    bsp_console_write(&ch, 1);
    return (unsigned char)c;
}
