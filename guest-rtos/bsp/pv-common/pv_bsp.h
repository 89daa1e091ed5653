/* pv_bsp.h: what the two paravirt BSPs (trap, jump table) differ in: how the binding is set up at boot
 * and the image's .pvabi stamp. Everything else is pv-common, written against pv_abi.h only. */
#ifndef PV_BSP_H
#define PV_BSP_H

#include "pv_abi.h"

/* Binding-specific boot step (jump table: pv_bind_init), before any pv_* call. */
void pv_bsp_bind(const struct pv_start_info *si);
/* Common entry from start.S. */
__attribute__((noreturn)) void pv_bsp_entry(uint32_t magic, const struct pv_start_info *si);

#endif
