/* Multiboot v1 header and the image entry point: clears .bss, takes the boot stack and calls
 * rt_start(magic, info) with the loader's EAX and EBX. It sets up no descriptor tables or paging. */

#define MB_HEADER_MAGIC 0x1BADB002
#define MB_PAGE_ALIGN   (1 << 0)    /* load modules page-aligned */
#define MB_MEMORY_INFO  (1 << 1)    /* ask for mem_lower/mem_upper */
#define MB_FLAGS        (MB_PAGE_ALIGN | MB_MEMORY_INFO)
#define STACK_BYTES     (256 * 1024)

    .section .multiboot, "a"
    .align 4
    .long MB_HEADER_MAGIC
    .long MB_FLAGS
    .long -(MB_HEADER_MAGIC + MB_FLAGS)

    .section .text.start, "ax"
    .globl _start
    .type _start, @function
_start:
    cli
    cld
    movl %eax, %esi                 /* boot magic; rep stosl clobbers eax, ecx, edi */
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    shrl $2, %ecx                   /* the script aligns both ends to 16 bytes */
    xorl %eax, %eax
    rep stosl
    movl $boot_stack_top, %esp
    xorl %ebp, %ebp
    subl $8, %esp                   /* keep the call site 16-byte aligned */
    pushl %ebx
    pushl %esi
    call rt_start
1:  cli
    hlt
    jmp 1b
    .size _start, . - _start

    .section .stack, "aw", @nobits
    .align 16
boot_stack_bottom:
    .skip STACK_BYTES
boot_stack_top:

    .section .note.GNU-stack, "", @progbits   /* no executable stack wanted */
