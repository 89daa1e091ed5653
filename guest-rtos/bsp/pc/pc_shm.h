/* pc_shm.h: the shared-memory window of the bare-PC BSP on apexvisor (pc_shm.c): where an FV partition's
 * apx:Shared blocks sit in its guest-physical space, mapped into the BSP's page tables. */
#ifndef PC_SHM_H
#define PC_SHM_H

#include <stdint.h>

/* Identity-maps apexvisor's shared window (PV_SHARED_BASE, PV_SHARED_MAX_SIZE bytes: one 4 MiB page) into the
 * page directory `page_dir` that pc_paging_enable built. Weak: an image without pc_shm.c maps no window. */
void pc_shm_map(uint32_t *page_dir) __attribute__((weak));

#endif
