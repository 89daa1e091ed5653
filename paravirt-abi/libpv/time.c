/* time.c: pv_time_get served from the shared page without a trap, read under the time_seq sequence
 * counter so a 64-bit time is never torn. Timers are kernel services (pv_trap_services.c). */
#include "libpv.h"

pv_status_t pv_time_get(uint64_t *now_ns)
{
    volatile struct pv_shared_page *sp = pv_shared();
    uint32_t seq;
    uint64_t t;
    do {
        seq = sp->time_seq;
        pv_barrier();
        t = sp->time_ns;
        pv_barrier();
    } while ((seq & 1u) != 0 || seq != sp->time_seq);
    *now_ns = t;
    return PV_OK;
}
