/* quiet.c: the quiet calls a PV VM may serve inside its own run slice (kernel/pv/pv-vm.ts serveInPlace). A
 * periodic tick with an upcall handler, and an endless loop of null, virq_kick, abi_version and abi_features
 * traps and of masked sections (unmasking with a tick pending kicks), each step folded into a hash with the
 * shared page's time. Time is published where the guest resumes, so the hash follows every publication: a
 * module whose calls are served in place and the same module served by the runner must leave the same results. */
#include "common.h"
#include "libpv.h"
#include "pv_note.h"
#include "pv_upcall.h"

PV_ABI_NOTE("quiet", 0, 0);
PVTEST_START;

/* [0] loop passes, [1] loop hash, [2] upcalls, [3] missed ticks, [4] pending bits seen, [5] hash of the times the
 * handler saw, [6] setup status (register | timer << 8), [7] time_ns (low word) at the last pass */
volatile uint32_t pvtest_results[8];

static uint32_t time_low(void)
{
    return (uint32_t)pv_shared()->time_ns;
}

void pv_upcall_handler(uint32_t pending, uint32_t missed_ticks)
{
    pvtest_results[2]++;
    pvtest_results[3] += missed_ticks;
    pvtest_results[4] |= pending;
    pvtest_results[5] = pvtest_results[5] * 31u + time_low();
}

void pvtest_main(const struct pv_start_info *si)
{
    uint32_t h = 2166136261u;
    uint32_t i;
    (void)si;
    /* A period that divides neither the windows nor the loop, so ticks land everywhere in it. */
    pvtest_results[6] = (uint32_t)pv_virq_register(pv_upcall_entry) | (uint32_t)pv_timer_set_periodic(37013u) << 8;
    pv_virq_unmask();
    for (i = 0;; i++) {
        uint32_t r;
        switch (i % 5) {
        case 0:
            r = (uint32_t)pv_null();
            break;
        case 1:
            r = (uint32_t)pv_virq_kick();
            break;
        case 2:
            r = pv_abi_version();
            break;
        case 3:
            r = pv_abi_features();
            break;
        default: {
            uint32_t m = pv_virq_mask();
            r = time_low() * 7u;
            pv_virq_restore(m);
            break;
        }
        }
        h = (h ^ r) * 16777619u + time_low();
        pvtest_results[0] = i + 1;
        pvtest_results[1] = h;
        pvtest_results[7] = time_low();
    }
}
