/* binding.c: the jump-table binding's BSP part: pv_* calls go through PV_EXTERNAL_FUNC slots resolved
 * lazily by libpv's resolver, whose address start-info hands over (pv_bind_init). */
#include "pv_bsp.h"
#include "pv_external.h"
#include "pv_note.h"

PV_ABI_NOTE("rtos-jumptable", PV_NOTE_LAZY_OK, PV_FEAT_LAZY_BIND);

void pv_bsp_bind(const struct pv_start_info *si) { pv_bind_init(si); }
