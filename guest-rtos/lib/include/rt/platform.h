/* What the runtime needs from the platform it runs on (Multiboot PC, a native host shim, ...): a console
 * byte, program exit, an optional clock and the boot command line. Each platform implements all of it. */
#ifndef RT_PLATFORM_H
#define RT_PLATFORM_H

#include <stdint.h>

/* Program entry, called by the platform start code. `magic`/`info` are the Multiboot boot registers
 * (0x2BADB002 and the info block's physical address) on a Multiboot PC; other platforms pass their own. */
int main(uint32_t magic, uint32_t info);

/* Ends the program with `status` (0 = success). Never returns. */
__attribute__((noreturn)) void rt_exit(int status);

/* Monotonic time in nanoseconds, or 0 where the platform has no clock the program may read. */
uint64_t rt_clock_ns(void);

/* The boot command line ("" if none). */
const char *rt_cmdline(void);

/* Reports a measurement outside the program's transcript (host stderr natively; dropped on a PC). */
void rt_report(const char *key, uint64_t value);

#endif
