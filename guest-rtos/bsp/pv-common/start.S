/* start.S: PV partition entry (_start): EAX = PV_ABI_MAGIC, EBX = start-info. Zeroes .bss, moves to the
 * boot stack and calls pv_bsp_entry(magic, start_info), which never returns. */
#include "pv_abi.h"

    .section .text.start, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    movl %eax, %esi
    movl %ebx, %ebp
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    cld
    rep stosb
    movl $pv_boot_stack_top, %esp
    pushl %ebp
    pushl %esi
    call pv_bsp_entry
1:  jmp 1b
    .size _start, . - _start

    .section .bss
    .p2align 4
pv_boot_stack:
    .skip 8192
pv_boot_stack_top:
