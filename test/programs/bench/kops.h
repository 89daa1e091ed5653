/* Kernel-style primitives for the kloop benchmark: interrupt-flag save/restore, a test-and-set spin lock
 * on xchg, a port read and pause. On i386 (the guest, ring 0) they are the real instructions; in the
 * native x86-64 reference (a Linux process at CPL 3, where cli and in fault) cli and the port read are
 * stood in for, so that the transcript is the same and the native time is the same code's, minus those. */
#ifndef KOPS_H
#define KOPS_H

#include <stdint.h>

/* pushf; cli: returns the flags to restore. */
static inline unsigned long irq_save(void)
{
    unsigned long flags;
#if defined(__x86_64__)
    __asm__ volatile("pushf; pop %0" : "=r"(flags) : : "memory");
#else
    __asm__ volatile("pushf; pop %0; cli" : "=r"(flags) : : "memory");
#endif
    return flags;
}

/* push; popf: restores IF (and the other flags) as irq_save found them. */
static inline void irq_restore(unsigned long flags)
{
    __asm__ volatile("push %0; popf" : : "r"(flags) : "memory", "cc");
}

static inline void cpu_relax(void)
{
    __asm__ volatile("pause" : : : "memory");
}

/* Test-and-set: xchg with memory is locked on x86, so this is a real spin lock on SMP too. */
static inline void spin_lock(volatile uint32_t *lock)
{
    for (;;) {
        uint32_t old = 1;
        __asm__ volatile("xchg %0, %1" : "+r"(old), "+m"(*lock) : : "memory");
        if (old == 0) return;
        while (*lock != 0) cpu_relax();
    }
}

static inline void spin_unlock(volatile uint32_t *lock)
{
    __asm__ volatile("" : : : "memory");
    *lock = 0;
}

#if defined(__x86_64__)
/* The COM1 line status register as an idle PC's UART shows it: transmitter empty, no data ready. */
static volatile uint8_t native_lsr = 0x60;
static inline uint8_t port_in8(uint16_t port)
{
    (void)port;
    return native_lsr;
}
#else
static inline uint8_t port_in8(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
#endif

#endif
