/* libpv.h: libpv's private view of the shared page. libpv is mapped read-only at PV_LIBPV_BASE, so all
 * of its writable state lives in the libpv area of vCPU 0's shared page at PV_SHARED_PAGE_VADDR. */
#ifndef LIBPV_H
#define LIBPV_H

#include "pv_abi.h"

#define pv_barrier() __asm__ volatile("" ::: "memory")

static inline volatile struct pv_shared_page *pv_shared(void)
{
    return (volatile struct pv_shared_page *)PV_SHARED_PAGE_VADDR;
}

static inline volatile struct pv_libpv_area *pv_area(void)
{
    return (volatile struct pv_libpv_area *)(PV_SHARED_PAGE_VADDR + PV_LIBPV_AREA_OFFSET);
}

_Static_assert(sizeof(struct pv_shared_page) <= PV_LIBPV_AREA_OFFSET, "shared page overlaps the libpv area");
_Static_assert(PV_LIBPV_AREA_OFFSET + sizeof(struct pv_libpv_area) <= PV_PAGE_SIZE, "libpv area beyond the page");

#endif /* LIBPV_H */
