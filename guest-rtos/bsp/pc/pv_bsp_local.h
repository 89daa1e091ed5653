/* pv_bsp_local.h (bare-PC BSP): when pv_services.c answers a service without the kernel: when no apexvisor
 * service device answers (plain `apexvisor boot`, QEMU), each service is the local one of pc_local.h. */
#ifndef PV_BSP_LOCAL_H
#define PV_BSP_LOCAL_H

#include "pc_apx.h"
#include "pc_local.h"

/* Placed first in each service of pv_services.c: `name` is the service's bsp_ name without the prefix, `args`
 * its arguments in parentheses; without the device the service is pc_local_<name> args. */
#define PV_BSP_LOCAL(name, args) do { if (!pc_apx_present()) return pc_local_##name args; } while (0)
#define PV_BSP_LOCAL_VOID(name, args) do { if (!pc_apx_present()) { pc_local_##name args; return; } } while (0)

#endif
