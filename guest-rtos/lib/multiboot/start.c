/* Platform layer of Multiboot guests: rt_start (called by entry.S) runs main and ends the program
 * through QEMU's isa-debug-exit port; also the boot information, the command line, and no clock. */
#include <stddef.h>
#include <stdint.h>
#include <rt/platform.h>
#include "multiboot.h"
#include "pc-io.h"

/* isa-debug-exit: writing v ends the machine with status (v << 1) | 1 */
#define DEBUG_EXIT_PORT 0xF4

void rt_start(uint32_t magic, uint32_t info);

static const struct multiboot_info *boot_info;

void rt_start(uint32_t magic, uint32_t info)
{
    serial_init();
#ifdef RT_FLOAT
    /* The x87 leaves reset with FCW 0x0040; FNINIT gives the 0x037F (all masked, 64-bit precision,
     * round to nearest) that a Linux process starts with, which the native reference runs under. */
    __asm__ volatile("fninit");
#endif
    if (magic == MULTIBOOT_BOOT_MAGIC && info != 0) boot_info = (const struct multiboot_info *)(uintptr_t)info;
    rt_exit(main(magic, info));
}

void rt_exit(int status)
{
    /* QEMU's serial backend may still hold the last bytes when the exit port ends the machine. */
    serial_drain();
    outl(DEBUG_EXIT_PORT, (uint32_t)status);
    for (;;) __asm__ volatile("cli; hlt"); /* no debug-exit device: stop here */
}

const struct multiboot_info *multiboot_info(void)
{
    return boot_info;
}

const char *rt_cmdline(void)
{
    if (boot_info == NULL || (boot_info->flags & MULTIBOOT_INFO_CMDLINE) == 0 || boot_info->cmdline == 0) return "";
    return (const char *)(uintptr_t)boot_info->cmdline;
}

uint64_t rt_clock_ns(void)
{
    return 0;
}

void rt_report(const char *key, uint64_t value)
{
    (void)key;
    (void)value;
}
