/* virq.c: the virtual interrupt mask as plain stores into the shared page (no trap); unmasking with an
 * event pending kicks the kernel so it is delivered at once (the Xen evtchn_upcall_mask pattern). */
#include "libpv.h"

uint32_t pv_virq_mask(void)
{
    volatile struct pv_shared_page *sp = pv_shared();
    uint32_t prev = sp->irq_mask;
    sp->irq_mask = 1;
    pv_barrier();
    return prev;
}

void pv_virq_unmask(void)
{
    volatile struct pv_shared_page *sp = pv_shared();
    sp->irq_mask = 0;
    pv_barrier();
    if (sp->irq_pending != 0)
        (void)pv_virq_kick();
}

void pv_virq_restore(uint32_t mask)
{
    if (mask != 0) {
        pv_shared()->irq_mask = 1;
        pv_barrier();
    } else {
        pv_virq_unmask();
    }
}
