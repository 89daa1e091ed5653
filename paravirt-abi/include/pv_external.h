/* pv_external.h: the jump-table binding. PV_EXTERNAL_FUNC(name) makes `name` callable through a slot
 * that is bound on first call (lazy) or by the loader (eager); see paravirt-abi/README.md. It does not
 * declare the C prototype (pv_abi.h does) and does not resolve anything itself. */
#ifndef PV_EXTERNAL_H
#define PV_EXTERNAL_H

#include "pv_abi.h"

#define PV_EXT_STR2(x) #x
#define PV_EXT_STR(x) PV_EXT_STR2(x)

/*
 * One use emits, in this order:
 *   .pvext.str  9: "name\0"                    the name (the image's list of imports)
 *   .pvext.sym  7: .long 9b                    one word per import -> its name
 *   .pvext.jmp  8: .long name__pvbind          the slot, initially this import's resolver stub
 *   .text.pvext name:        jmp *8b           weak entry the C caller calls
 *               name__pvbind: push $8b; push $7b; jmp *__pv_resolver
 * Entry k of .pvext.sym and entry k of .pvext.jmp belong to the same import because every use emits
 * one word into each, in the same order, and ld concatenates both in the same input order.
 * Use at file scope, once per name per image (pv_imports.c imports every export once).
 */
#define PV_EXTERNAL_FUNC(name)                                         \
    __asm__(".pushsection .pvext.str,\"a\",@progbits\n"                \
            "9:\t.asciz \"" #name "\"\n"                               \
            ".popsection\n"                                            \
            ".pushsection .pvext.sym,\"a\",@progbits\n"                \
            "\t.p2align 2\n"                                           \
            "7:\t.long 9b\n"                                           \
            ".popsection\n"                                            \
            ".pushsection .pvext.jmp,\"aw\",@progbits\n"               \
            "\t.p2align 2\n"                                           \
            "8:\t.long " #name "__pvbind\n"                            \
            ".popsection\n"                                            \
            ".pushsection .text.pvext,\"ax\",@progbits\n"              \
            "\t.weak " #name "\n"                                      \
            "\t.type " #name ", @function\n"                           \
            #name ":\n"                                                \
            "\tjmp *8b\n"                                              \
            "\t.size " #name ", . - " #name "\n"                       \
            "\t.type " #name "__pvbind, @function\n"                   \
            #name "__pvbind:\n"                                        \
            "\tpushl $8b\n"                                            \
            "\tpushl $7b\n"                                            \
            "\tjmp *__pv_resolver\n"                                   \
            "\t.size " #name "__pvbind, . - " #name "__pvbind\n"       \
            ".popsection\n")

/* Where every resolver stub jumps: libpv's resolver entry once pv_bind_init() ran, before that
 * __pv_unbound (jmptab/pv_resolver.c), which makes the call return PV_ENOSYS: never address 0. */
extern void *__pv_resolver;

/* Bounds of the import sections, defined by linkcmds/pv-partition.ld. */
extern const char __pvext_str_start[], __pvext_str_end[];
extern const uint32_t __pvext_sym_start[], __pvext_sym_end[];
extern uint32_t __pvext_jmp_start[], __pvext_jmp_end[];

/** Points the resolver stubs at libpv's resolver entry; the BSP calls it first thing at boot. */
static inline void pv_bind_init(const struct pv_start_info *si)
{
    if (si->resolver != 0)
        __pv_resolver = (void *)si->resolver;
}

#endif /* PV_EXTERNAL_H */
