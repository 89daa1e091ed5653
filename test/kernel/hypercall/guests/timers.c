/* timers.c: ticks that fall while the partition is masked or descheduled are recorded and delivered
 * in one upcall when it unmasks in its next window (missed_ticks counts them all). */
#include "common.h"
#include "pv_note.h"
#include "pv_upcall.h"

PV_ABI_NOTE("timers", 0, 0);
PVTEST_START;

/* [0] first pending, [1] first missed, [2] handler runs, [3] runs right after unmask, [4] oneshot seen, [5] done */
volatile uint32_t pvtest_results[8];

void pv_upcall_handler(uint32_t pending, uint32_t missed_ticks)
{
    if (pvtest_results[2] == 0) {
        pvtest_results[0] = pending;
        pvtest_results[1] = missed_ticks;
    }
    if (pending & (1u << PV_VIRQ_ONESHOT))
        pvtest_results[4]++;
    pvtest_results[2]++;
}

void pvtest_main(const struct pv_start_info *si)
{
    uint64_t now = 0;
    (void)si;
    (void)pv_virq_register(pv_upcall_entry);
    (void)pv_timer_set_periodic(100000);
    (void)pv_window_yield(); /* masked: the ticks of the rest of the frame are only recorded */
    pv_virq_unmask();
    pvtest_results[3] = pvtest_results[2];
    (void)pv_timer_set_periodic(0);
    (void)pv_time_get(&now);
    (void)pv_timer_set_oneshot(now + 20000);
    while (pvtest_results[4] == 0)
        (void)pv_idle();
    pvtest_results[5] = 1;
    pvtest_idle_forever();
}
