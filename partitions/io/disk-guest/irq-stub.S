/* IRQ14 entry of the disk guest: saves the registers, calls the C handler, returns with iret. */
    .text
    .globl irq14_stub
    .type irq14_stub, @function
irq14_stub:
    pushal
    cld
    call ata_irq_handler
    popal
    iret
    .size irq14_stub, . - irq14_stub
