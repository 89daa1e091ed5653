/* binding.c: the trap binding's BSP part: every pv_* function is a trap wrapper linked into the image
 * (paravirt-abi/trap/pv_trap_services.c, the mask from libpv/virq.c), so nothing is bound at boot. */
#include "pv_bsp.h"
#include "pv_note.h"

PV_ABI_NOTE("rtos-trap", 0, 0);

void pv_bsp_bind(const struct pv_start_info *si) { (void)si; }

/* Nothing is buffered below pv-common's own line buffer in this binding. */
pv_status_t pv_console_flush(void) { return PV_OK; }
