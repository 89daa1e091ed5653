/* resolve.S: libpv's resolver entry (start-info `resolver`). A guest's per-import stub jumps here with
 * [ESP] = sym word address, [ESP+4] = slot address, [ESP+8] = the caller's return address. It saves EAX
 * and traps with PV_SVC_RESOLVE; the kernel binds the slot, restores EAX, pops the three words and
 * resumes at the bound function, so control never comes back here. */
#include "pv_abi.h"

    .text
    .globl pv_resolve
    .type pv_resolve, @function
pv_resolve:
    pushl %eax
    movl $PV_SVC_RESOLVE, %eax
    int $PV_TRAP_VECTOR
    ud2
    .size pv_resolve, . - pv_resolve
