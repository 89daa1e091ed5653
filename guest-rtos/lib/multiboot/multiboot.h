/* Multiboot v1 definitions a guest needs: the boot magic and the boot information block
 * (Multiboot Specification 0.6.96, section 3.3). Layout only; nothing here runs. */
#ifndef RT_MULTIBOOT_H
#define RT_MULTIBOOT_H

#include <stdint.h>

/* Value a Multiboot loader leaves in EAX. */
#define MULTIBOOT_BOOT_MAGIC 0x2BADB002u

/* Bits of multiboot_info.flags saying which fields are valid. */
#define MULTIBOOT_INFO_MEMORY  (1u << 0)
#define MULTIBOOT_INFO_CMDLINE (1u << 2)
#define MULTIBOOT_INFO_MMAP    (1u << 6)

/* The boot information block the loader leaves at the physical address in EBX. */
struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower; /* KiB below 1 MiB */
    uint32_t mem_upper; /* KiB above 1 MiB, up to the first hole */
    uint32_t boot_device;
    uint32_t cmdline;   /* physical address of a NUL-terminated string */
    uint32_t mods_count;
    uint32_t mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length;
    uint32_t mmap_addr;
} __attribute__((packed));

/* The boot information block, or a null pointer when the loader did not give a valid one. */
const struct multiboot_info *multiboot_info(void);

#endif
