/* pv_upcall.h: the ready-made upcall entry (upcall/pv_upcall.S) and the handler a BSP must supply.
 * Register with pv_virq_register(pv_upcall_entry); the handler runs with virqs masked, on the
 * interrupted stack, once per batch of pending virqs. */
#ifndef PV_UPCALL_H
#define PV_UPCALL_H

#include "pv_abi.h"

/** Upcall entry (assembly); never call it directly. */
void pv_upcall_entry(void);

/** Supplied by the BSP: `pending` has bit PV_VIRQ_n set per pending virq; `missed_ticks` counts ticks. */
void pv_upcall_handler(uint32_t pending, uint32_t missed_ticks);

#endif /* PV_UPCALL_H */
