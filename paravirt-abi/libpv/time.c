/* time.c: pv_time_get served from the shared page without a trap, read under the time_seq sequence
 * counter so a 64-bit time is never torn. Timers are kernel services (pv_trap_services.c). */
#include "libpv.h"

/* A word that may alias the caller's uint64_t: the time is copied a 32-bit half at a time. */
typedef uint32_t __attribute__((may_alias)) pv_time_word;

/*
 * Each try copies both halves straight to *now_ns, then checks the sequence; a torn try is simply
 * overwritten by the next one. Copying in place needs no fourth register (no push/pop of %ebx), and the
 * retry is marked unlikely so gcc does not pad the loop head with nops that every call would execute:
 * a retry needs a time update between the two reads of time_seq, which is rare. 13 instructions at -O2.
 */
pv_status_t pv_time_get(uint64_t *now_ns)
{
    volatile struct pv_shared_page *sp = pv_shared();
    const volatile uint32_t *t = (const volatile uint32_t *)&sp->time_ns;
    pv_time_word *out = (pv_time_word *)now_ns;
    uint32_t seq;
    do {
        seq = sp->time_seq;
        pv_barrier();
        out[0] = t[0];
        out[1] = t[1];
        pv_barrier();
    } while (__builtin_expect((seq & 1u) != 0 || seq != sp->time_seq, 0));
    return PV_OK;
}
