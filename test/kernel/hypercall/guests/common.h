/* common.h: boot stub and tiny helpers shared by the kernel-side PV test guests. */
#ifndef PVTEST_COMMON_H
#define PVTEST_COMMON_H

#include "pv_abi.h"

void pvtest_main(const struct pv_start_info *si);

#define PVTEST_START                                                   \
    uint8_t pvtest_boot_stack[8192] __attribute__((aligned(16), used)); \
    __asm__(".pushsection .text.start,\"ax\",@progbits\n"              \
            "\t.globl _start\n"                                        \
            "_start:\n"                                                \
            "\tmovl $pvtest_boot_stack + 8192, %esp\n"                 \
            "\tcmpl $0x41505856, %eax\n"                               \
            "\tjne 1f\n"                                               \
            "\tpushl %ebx\n"                                           \
            "\tcall pvtest_main\n"                                     \
            "1:\tjmp 1b\n"                                             \
            ".popsection\n")

static inline uint32_t pvtest_strlen(const char *s)
{
    uint32_t n = 0;
    while (s[n] != 0)
        n++;
    return n;
}

static inline void pvtest_puts(const char *s) { (void)pv_console_write(s, pvtest_strlen(s)); }

static inline int pvtest_streq(const char *a, uint32_t alen, const char *b)
{
    uint32_t i;
    for (i = 0; i < alen && b[i] != 0; i++)
        if (a[i] != b[i])
            return 0;
    return i == alen && b[i] == 0;
}

static inline void pvtest_idle_forever(void)
{
    for (;;)
        (void)pv_window_yield();
}

#endif
