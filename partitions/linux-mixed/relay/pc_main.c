/* pc_main.c: the same relay as a Multiboot kernel with direct in/out on the device (no Linux), for the
 * module test that runs in `npm test` (test/partitions/linux-mixed.test.ts). Ends through isa-debug-exit. */
#include <stdint.h>
#include <rt/platform.h>
#include "pc-io.h"
#include "relay.h"

uint8_t sp_in(uint32_t offset)
{
    return inb((uint16_t)(SP_BASE + offset));
}

void sp_out(uint32_t offset, uint8_t value)
{
    outb((uint16_t)(SP_BASE + offset), value);
}

void relay_pause(void)
{
    /* ~20k instructions between polls: no timer is needed to poll a port */
    for (volatile uint32_t i = 0; i < 5000u; i++) {}
}

int main(uint32_t magic, uint32_t info)
{
    (void)magic;
    (void)info;
    return relay_run(3);
}
