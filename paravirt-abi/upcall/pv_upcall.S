/* pv_upcall.S: a ready-made upcall entry for PV guests (register it with pv_virq_register). It takes the
 * pending virqs and missed ticks from the shared page, calls the BSP's C handler
 *     void pv_upcall_handler(uint32_t pending, uint32_t missed_ticks);
 * with virqs still masked, loops while more arrived, unmasks, kicks if one raced in, and resumes the
 * interrupted code with every register and EFLAGS as they were. Frame at entry (README.md, "Upcall"):
 * [ESP] = interrupted EFLAGS, [ESP+4] = interrupted EIP, irq_mask = 1. */
#include "pv_abi.h"

#define SHARED(off) (PV_SHARED_PAGE_VADDR + (off))

    .text
    .globl pv_upcall_entry
    .type pv_upcall_entry, @function
pv_upcall_entry:
    pushal                                  /* the kick below may clobber any argument register */
    cld                                     /* C code expects DF = 0; popfl restores the guest's */
1:  movb $0, SHARED(PV_OFF_SHARED_PAGE_IRQ_PENDING)
    xorl %eax, %eax
    xchgl %eax, SHARED(PV_OFF_SHARED_PAGE_PENDING_BITMAP)
    xorl %ecx, %ecx
    xchgl %ecx, SHARED(PV_OFF_SHARED_PAGE_MISSED_TICKS)
    pushl %ecx
    pushl %eax
    call pv_upcall_handler
    addl $8, %esp
    cmpb $0, SHARED(PV_OFF_SHARED_PAGE_IRQ_PENDING)
    jne 1b                                  /* more arrived while masked: handle them first */
    movb $0, SHARED(PV_OFF_SHARED_PAGE_IRQ_MASK)
    cmpb $0, SHARED(PV_OFF_SHARED_PAGE_IRQ_PENDING)
    je 2f
    movl $PV_SVC_VIRQ_KICK, %eax            /* raced in after the check: deliver it now */
    int $PV_TRAP_VECTOR
2:  popal
    popfl
    ret
    .size pv_upcall_entry, . - pv_upcall_entry
