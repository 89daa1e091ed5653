/* pv_trap.h: the trap binding's primitives: int $PV_TRAP_VECTOR with EAX = service id, arguments in
 * EBX ECX EDX ESI EDI and the result in EAX. Every argument register counts as clobbered (the kernel may
 * poison them, as Xen does). The per-service functions are generated in pv_trap_services.c. */
#ifndef PV_TRAP_H
#define PV_TRAP_H

#include "pv_abi.h"

#define PV_TRAP_STR2(x) #x
#define PV_TRAP_STR(x) PV_TRAP_STR2(x)
#define PV_TRAP_INSN "int $" PV_TRAP_STR(PV_TRAP_VECTOR)

/* Inside libpv, services that may end the window or the partition first write out buffered console bytes. */
#ifdef PV_IN_LIBPV
#define PV_TRAP_FLUSH_CONSOLE() ((void)pv_console_flush())
#else
#define PV_TRAP_FLUSH_CONSOLE() ((void)0)
#endif

static inline uint32_t pv_trap0(uint32_t id)
{
    uint32_t r = id;
    __asm__ volatile(PV_TRAP_INSN : "+a"(r) : : "ebx", "ecx", "edx", "esi", "edi", "cc", "memory");
    return r;
}

static inline uint32_t pv_trap1(uint32_t id, uint32_t a1)
{
    uint32_t r = id;
    __asm__ volatile(PV_TRAP_INSN : "+a"(r), "+b"(a1) : : "ecx", "edx", "esi", "edi", "cc", "memory");
    return r;
}

static inline uint32_t pv_trap2(uint32_t id, uint32_t a1, uint32_t a2)
{
    uint32_t r = id;
    __asm__ volatile(PV_TRAP_INSN : "+a"(r), "+b"(a1), "+c"(a2) : : "edx", "esi", "edi", "cc", "memory");
    return r;
}

static inline uint32_t pv_trap3(uint32_t id, uint32_t a1, uint32_t a2, uint32_t a3)
{
    uint32_t r = id;
    __asm__ volatile(PV_TRAP_INSN : "+a"(r), "+b"(a1), "+c"(a2), "+d"(a3) : : "esi", "edi", "cc", "memory");
    return r;
}

static inline uint32_t pv_trap4(uint32_t id, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4)
{
    uint32_t r = id;
    __asm__ volatile(PV_TRAP_INSN : "+a"(r), "+b"(a1), "+c"(a2), "+d"(a3), "+S"(a4) : : "edi", "cc", "memory");
    return r;
}

static inline uint32_t pv_trap5(uint32_t id, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5)
{
    uint32_t r = id;
    __asm__ volatile(PV_TRAP_INSN : "+a"(r), "+b"(a1), "+c"(a2), "+d"(a3), "+S"(a4), "+D"(a5) : : "cc", "memory");
    return r;
}

#endif /* PV_TRAP_H */
