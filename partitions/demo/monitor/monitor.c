/* monitor.c: the demo's full-virtualized "monitor" partition, a bare Multiboot guest (no RTOS). It
 * free-runs PIT channel 0 (IRQs stay off) and polls it: a jump of more than 1 ms between two polls
 * means the partition was descheduled, so a new window began; it then prints a heartbeat with the
 * PIT time (the first one in the boot window). After the last beat it halts for good with interrupts off.
 * Command line (after the image path): "<beats>" (default 10). */
#include <stdint.h>
#include <rt/platform.h>
#include <rt/stdio.h>
#include "pc-io.h"

#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_HZ 1193182u
#define PIT_MODE2_LOHI 0x34 /* channel 0, LSB then MSB, mode 2 (rate generator), binary */
#define PIT_LATCH_CH0 0x00
#define GAP_TICKS (PIT_HZ / 1000u) /* 1 ms */

static const char *skip_word(const char *s)
{
    while (*s != '\0' && *s != ' ')
        s++;
    while (*s == ' ')
        s++;
    return s;
}

static uint32_t read_number(const char *s, uint32_t fallback)
{
    uint32_t v = 0;
    int any = 0;
    while (*s >= '0' && *s <= '9') {
        v = v * 10u + (uint32_t)(*s++ - '0');
        any = 1;
    }
    return any ? v : fallback;
}

static uint16_t pit_read(void)
{
    outb(PIT_CMD, PIT_LATCH_CH0);
    uint8_t lo = inb(PIT_CH0);
    uint8_t hi = inb(PIT_CH0);
    return (uint16_t)(lo | (hi << 8));
}

int main(uint32_t magic, uint32_t info)
{
    (void)magic;
    (void)info;
    uint32_t beats = read_number(skip_word(rt_cmdline()), 10); /* past the image path */
    outb(PIT_CMD, PIT_MODE2_LOHI);
    outb(PIT_CH0, 0); /* reload 0 = 65536: wraps every 54.9 ms, longer than any gap of the demo */
    outb(PIT_CH0, 0);
    printf("monitor: bare Multiboot guest, PIT free-running, %u heartbeats\n", beats);
    uint64_t ticks = 0; /* PIT ticks since start */
    uint16_t prev = pit_read();
    for (uint32_t beat = 1; beat <= beats;) {
        uint16_t now = pit_read();
        uint32_t delta = (uint16_t)(prev - now); /* a down counter */
        prev = now;
        ticks += delta;
        if (beat == 1 || delta > GAP_TICKS) { /* beat 1: the boot window */
            uint32_t us = (uint32_t)(ticks * 1000000u / PIT_HZ);
            printf("monitor: heartbeat %u, new window at PIT +%u.%03u ms\n", beat, us / 1000u, us % 1000u);
            beat++;
        }
    }
    printf("monitor: done, halting\n");
    for (;;)
        __asm__ volatile("cli; hlt");
}
