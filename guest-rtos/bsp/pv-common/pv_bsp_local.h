/* pv_bsp_local.h (PV bindings): when pv_services.c answers a service without the kernel: never, since a
 * paravirt partition always has the kernel's services. The bare-PC BSP has its own (bsp/pc/pv_bsp_local.h). */
#ifndef PV_BSP_LOCAL_H
#define PV_BSP_LOCAL_H

/* Placed first in each service of pv_services.c: `name` is the service's bsp_ name without the prefix, `args`
 * its arguments in parentheses. */
#define PV_BSP_LOCAL(name, args) ((void)0)
#define PV_BSP_LOCAL_VOID(name, args) ((void)0)

#endif
