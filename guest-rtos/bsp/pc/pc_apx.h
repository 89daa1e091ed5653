/* pc_apx.h: the apexvisor service device of an FV partition (kernel/devices/apx-services.md), as the bare-PC
 * BSP calls it: probe once, then one OUT per APEX service. Absent (plain `apexvisor boot`, QEMU), the BSP
 * answers locally (pc_host.c, pc_logbook.c). */
#ifndef PC_APX_H
#define PC_APX_H

#include <stdint.h>

/* 1 when the device answers at its ID register (probed at the first call, then remembered). */
int pc_apx_present(void);
/* 1, with the partition's XML name (NUL-terminated) and SystemPartition flag, when the device tells them
 * (its identity registers); 0 without the device, leaving both untouched. */
int pc_apx_identity(char name[32], int *system_partition);
/* Calls service `svc` (pv_abi.h PV_SVC_*) with five argument words in the trap's register order; returns
 * what the trap binding returns in EAX. Only meaningful when pc_apx_present(). */
uint32_t pc_apx_call(uint32_t svc, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4);
/* The kernel's virtual time in ns (TIME_GET; pc_apx_bsp.c). */
uint64_t pc_apx_time_ns(void);

#endif
