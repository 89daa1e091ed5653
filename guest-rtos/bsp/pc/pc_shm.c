/* pc_shm.c: maps apexvisor's shared window into the bare-PC BSP's page tables. The kernel places an FV
 * partition's apx:Shared blocks one after another from guest-physical PV_SHARED_BASE (the address a PV
 * partition sees them at), and the RTOS finds each with GET_MEMORY_BLOCK_STATUS through apx_services. The
 * window is mapped writable as one 4 MiB page: the kernel enforces each block's Access on the guest-physical
 * side (a store into a READ block is a MEMORY_VIOLATION whatever these tables say), and the parts of the
 * window no block covers read as a floating bus. */
#include "pv_abi.h"
#include "pc_shm.h"

#define PDE_P 0x001u
#define PDE_RW 0x002u
#define PDE_US 0x004u
#define PDE_PS 0x080u /* a 4 MiB page (CR4.PSE, which pc_paging_enable sets) */

_Static_assert((PV_SHARED_BASE & 0x3FFFFFu) == 0 && PV_SHARED_MAX_SIZE == 0x400000u, "the window is one 4 MiB page");

void pc_shm_map(uint32_t *page_dir)
{
    /* The entry was not present, so no stale translation needs flushing. */
    page_dir[PV_SHARED_BASE >> 22] = (uint32_t)PV_SHARED_BASE | PDE_P | PDE_RW | PDE_US | PDE_PS;
}
