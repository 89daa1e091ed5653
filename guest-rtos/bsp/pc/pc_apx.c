/* pc_apx.c: the bare-PC BSP's side of the apexvisor service device: detection by its ID register (a
 * floating bus reads 0xFF) and a call as one argument block handed over by a 32-bit OUT. The BSP runs
 * unpaged, so a block's address is its guest-physical address, as the device requires. */
#include "pc-io.h"
#include "pv_abi.h"
#include "pc_apx.h"

#define APX_BASE 0x660u
#define APX_REG_ID 0x0u
#define APX_REG_VERSION 0x1u
#define APX_REG_IDENT_INDEX 0x10u
#define APX_REG_IDENT_DATA 0x11u
#define APX_REG_CALL 0x4u
#define APX_ID 0x41u
#define APX_VERSION_IDENT 2u /* the first version with the identity registers */
/* The identity record (apx-services.md): the XML PartitionName in bytes 0-31, flags from byte 32. */
#define APX_IDENT_NAME_LEN 32u
#define APX_IDENT_FLAGS 32u
#define APX_IDENT_SYSTEM_PARTITION 0x1u

/* The argument block (kernel/devices/apx-services.md): service id, five words, result. */
struct apx_block {
    uint32_t service;
    uint32_t args[5];
    uint32_t result;
};

static int probed, present;

int pc_apx_present(void)
{
    if (!probed) {
        present = inb(APX_BASE + APX_REG_ID) == APX_ID;
        probed = 1;
    }
    return present;
}

int pc_apx_identity(char name[32], int *system_partition)
{
    if (!pc_apx_present() || inb(APX_BASE + APX_REG_VERSION) < APX_VERSION_IDENT) return 0;
    outb(APX_BASE + APX_REG_IDENT_INDEX, 0);
    for (uint32_t i = 0; i < APX_IDENT_NAME_LEN; i++) name[i] = (char)inb(APX_BASE + APX_REG_IDENT_DATA);
    name[APX_IDENT_NAME_LEN - 1] = '\0';
    outb(APX_BASE + APX_REG_IDENT_INDEX, APX_IDENT_FLAGS);
    *system_partition = (inb(APX_BASE + APX_REG_IDENT_DATA) & APX_IDENT_SYSTEM_PARTITION) != 0;
    return 1;
}

uint32_t pc_apx_call(uint32_t svc, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4)
{
    volatile struct apx_block b = { svc, { a0, a1, a2, a3, a4 }, 0xFFFFFFFFu };
    /* The kernel serves the call before the instruction after the OUT runs, and writes b.result. */
    __asm__ volatile("outl %0, %w1" : : "a"((uint32_t)(uintptr_t)&b), "Nd"((uint16_t)(APX_BASE + APX_REG_CALL)) : "memory");
    return b.result;
}
