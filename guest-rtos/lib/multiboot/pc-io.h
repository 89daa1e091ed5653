/* Port I/O instructions for Multiboot guests (inb/outb/outl). Header-only, no state. */
#ifndef RT_PC_IO_H
#define RT_PC_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* Initialises COM1 (serial.c). */
void serial_init(void);
/* Waits (bounded) until COM1 has sent every byte, so that powering off cannot cut the last line short. */
void serial_drain(void);

#endif
