/* pc_isr.S: the bare-PC BSP's interrupt and exception entries (ring 0, no privilege change): the PIT
 * tick (IRQ0), the HM upcall line, the spurious/unused IRQ entry, and one stub per CPU exception. Descriptor tables and
 * the PIC/PIT programming are in pc_cpu.c; what a handler does is in C (the upcall line's: pc_hm.c). */
    .text
/* IRQ0: EOI first so the next tick can arrive once some task unmasks, then pc_tick() (counts the tick,
 * calls rtos_isr_tick(1), may switch tasks); the interrupted task comes back here later, and iret
 * restores its IF. */
    .globl pc_irq0_entry
    .type pc_irq0_entry, @function
pc_irq0_entry:
    pushal
    cld
    movb $0x20, %al
    outb %al, $0x20
    call pc_tick
    popal
    iret
    .size pc_irq0_entry, . - pc_irq0_entry

/* Any other PIC line (all masked; IRQ7/IRQ15 can still arrive spurious): EOI both PICs, return. */
    .globl pc_irq_other_entry
    .type pc_irq_other_entry, @function
pc_irq_other_entry:
    pushl %eax
    movb $0x20, %al
    outb %al, $0xa0
    outb %al, $0x20
    popl %eax
    iret
    .size pc_irq_other_entry, . - pc_irq_other_entry

/* The apexvisor service device's HM upcall line (pc_hm.c routes it): pc_hm_irq() sends the EOI, takes the
 * record and may switch tasks (the error handler's upcall) or run an HM callback; iret restores IF. */
    .globl pc_irq_apx_entry
    .type pc_irq_apx_entry, @function
pc_irq_apx_entry:
    pushal
    cld
    call pc_hm_irq
    popal
    iret
    .size pc_irq_apx_entry, . - pc_irq_apx_entry

/* CPU exceptions: pc_exception(vector, error code, faulting EIP); it does not return. */
    .macro EXC vec, has_err
    .globl pc_exc_\vec
pc_exc_\vec:
    .if \has_err == 0
    pushl $0
    .endif
    pushl $\vec
    jmp pc_exc_common
    .endm
    EXC 0,0
    EXC 1,0
    EXC 2,0
    EXC 3,0
    EXC 4,0
    EXC 5,0
    EXC 6,0
    EXC 7,0
    EXC 8,1
    EXC 9,0
    EXC 10,1
    EXC 11,1
    EXC 12,1
    EXC 13,1
    EXC 14,1
    EXC 16,0
    EXC 17,1
    EXC 18,0
    EXC 19,0
pc_exc_common:
    cld
    pushl 8(%esp)          /* EIP */
    pushl 8(%esp)          /* error code */
    pushl 8(%esp)          /* vector */
    call pc_exception
1:  cli
    hlt
    jmp 1b

/* void pc_load_tables(const void *gdtr, const void *idtr): loads both, reloads the segment registers. */
    .globl pc_load_tables
    .type pc_load_tables, @function
pc_load_tables:
    movl 4(%esp), %eax
    lgdt (%eax)
    movl 8(%esp), %eax
    lidt (%eax)
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    ljmp $0x08, $1f
1:  ret
    .size pc_load_tables, . - pc_load_tables

    .section .note.GNU-stack, "", @progbits
