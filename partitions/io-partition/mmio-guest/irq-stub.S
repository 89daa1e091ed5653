/* IRQ4 entry of the MMIO guest: saves the registers, calls the C handler, returns with iret. */
    .text
    .globl irq4_stub
    .type irq4_stub, @function
irq4_stub:
    pushal
    cld
    call uart_irq_handler
    popal
    iret
    .size irq4_stub, . - irq4_stub
