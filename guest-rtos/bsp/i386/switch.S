/* switch.S: i386 task context switch for the RTOS core (ring 3 or ring 0 alike). Only the callee-saved
 * registers are saved, on the task's own stack; interrupt state is the caller's business (the core
 * switches with interrupts masked and each resumed task restores its own state). */
    .text
    .globl bsp_ctx_switch
    .type bsp_ctx_switch, @function
/* void bsp_ctx_switch(uint32_t *save_sp, uint32_t new_sp) */
bsp_ctx_switch:
    movl 4(%esp), %eax
    movl 8(%esp), %edx
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, (%eax)
    movl %edx, %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret
    .size bsp_ctx_switch, . - bsp_ctx_switch

    .globl bsp_ctx_init
    .type bsp_ctx_init, @function
/* uint32_t bsp_ctx_init(uint8_t *stack_base, uint32_t stack_size, void (*entry)(void)):
 * top of stack, 16-aligned: [edi esi ebx ebp] = 0, return address = entry, then a zero return address
 * for entry itself (entry never returns). */
bsp_ctx_init:
    movl 4(%esp), %eax
    addl 8(%esp), %eax
    andl $-16, %eax
    movl 12(%esp), %edx
    movl $0, -4(%eax)
    movl $0, -8(%eax)
    movl %edx, -12(%eax)
    movl $0, -16(%eax)
    movl $0, -20(%eax)
    movl $0, -24(%eax)
    movl $0, -28(%eax)
    subl $28, %eax
    ret
    .size bsp_ctx_init, . - bsp_ctx_init
