/* pc_apx_bsp.c: the bare-PC BSP's pv_* binding: the generated trap wrappers (paravirt-abi/trap) built with
 * each trap made one call of the apexvisor service device (pc_apx.c), whose argument words are the trap's
 * registers. The bsp.h services over them are pv-common's pv_services.c, as for the PV BSPs; without the
 * device they answer locally (pv_bsp_local.h). Like the PV BSPs it never blocks: the core waits (HLT). */
#include "pv_abi.h"
#include "pc_apx.h"

/* Stands in for pv_trap.h (its guard is defined here, so the generated file's include of it is empty): the
 * primitives the generated wrappers call, with the same argument order. */
#define PV_TRAP_H
#define PV_TRAP_FLUSH_CONSOLE() ((void)0) /* the UART is polled: nothing is buffered */

static inline uint32_t pv_trap0(uint32_t id) { return pc_apx_call(id, 0, 0, 0, 0, 0); }
static inline uint32_t pv_trap1(uint32_t id, uint32_t a1) { return pc_apx_call(id, a1, 0, 0, 0, 0); }
static inline uint32_t pv_trap2(uint32_t id, uint32_t a1, uint32_t a2) { return pc_apx_call(id, a1, a2, 0, 0, 0); }
static inline uint32_t pv_trap3(uint32_t id, uint32_t a1, uint32_t a2, uint32_t a3) { return pc_apx_call(id, a1, a2, a3, 0, 0); }
static inline uint32_t pv_trap4(uint32_t id, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4)
{
    return pc_apx_call(id, a1, a2, a3, a4, 0);
}
static inline uint32_t pv_trap5(uint32_t id, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5)
{
    return pc_apx_call(id, a1, a2, a3, a4, a5);
}

#include "../../../paravirt-abi/trap/pv_trap_services.c"

/* The kernel's virtual time (the module clock the port time stamps use); 0 when the call fails. */
uint64_t pc_apx_time_ns(void)
{
    uint64_t t = 0;
    (void)pv_time_get(&t);
    return t;
}
