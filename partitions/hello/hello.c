/* The smallest Multiboot guest, for `apexvisor boot`: greets on COM1, reports what the loader handed over
 * (boot magic, memory sizes, command line) and ends through isa-debug-exit with status 0. */
#include <stdint.h>
#include <rt/platform.h>
#include <rt/stdio.h>
#include "multiboot.h"

int main(uint32_t magic, uint32_t info)
{
    (void)info;
    printf("Hello from a Multiboot guest on apexvisor!\n");
    if (magic != MULTIBOOT_BOOT_MAGIC) {
        printf("hello: not started by a Multiboot loader (EAX=%08x)\n", magic);
        return 2;
    }
    const struct multiboot_info *mb = multiboot_info();
    if (mb != 0 && (mb->flags & MULTIBOOT_INFO_MEMORY) != 0)
        printf("hello: memory below 1 MiB: %u KiB, above 1 MiB: %u KiB\n", mb->mem_lower, mb->mem_upper);
    printf("hello: command line \"%s\"\n", rt_cmdline());
    printf("hello: bye\n");
    return 0;
}
