/* pv_resolver.c: the guest's __pv_resolver variable and its boot-time fallback __pv_unbound. Link into
 * every image that uses PV_EXTERNAL_FUNC. Resolution itself happens in the kernel (via libpv's entry). */
#include "pv_external.h"

/* Entered from a resolver stub with [ESP] = sym word, [ESP+4] = slot, [ESP+8] = caller's return address:
 * drops the two words and returns PV_ENOSYS to the caller, leaving the slot unbound for a later try. */
__asm__(".pushsection .text.pvext,\"ax\",@progbits\n"
        "\t.globl __pv_unbound\n"
        "\t.type __pv_unbound, @function\n"
        "__pv_unbound:\n"
        "\taddl $8, %esp\n"
        "\tmovl $" PV_EXT_STR(PV_ENOSYS) ", %eax\n"
        "\tret\n"
        "\t.size __pv_unbound, . - __pv_unbound\n"
        ".popsection\n");

extern char __pv_unbound[];

void *__pv_resolver = __pv_unbound;
