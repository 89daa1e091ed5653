/* hostile.c: the "hostile" command-line word: before serving, the server calls the block and interrupt
 * services with arguments the kernel must refuse, and prints what each returned, for
 * test/partitions/io/served-disk.test.ts. The kernel answers each with an error code; nothing else
 * happens (no HM event, no host exception). */
#include "served.h"

static uint8_t probe[2 * PV_SECTOR_SIZE] __attribute__((aligned(16)));

static char *put_int(char *p, int32_t v)
{
    char digits[12];
    uint32_t n = 0, u = v < 0 ? (uint32_t)-v : (uint32_t)v;
    if (v < 0)
        *p++ = '-';
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    while (n > 0)
        *p++ = digits[--n];
    return p;
}

void hostile_probe(uint32_t client)
{
    int32_t sectors = (int32_t)pv_block_info(client);
    int32_t r[] = {
        (int32_t)pv_block_info(client + 1),                                          /* not a client with a served disk */
        pv_block_read(client, 0, probe + 1, PV_SECTOR_SIZE),                           /* buffer not 4-byte aligned */
        pv_block_read(client, 0, probe, 0),                                            /* no sectors */
        pv_block_read(client, 0, probe, PV_SECTOR_SIZE - 1),                           /* not whole sectors */
        pv_block_read(client, 0, probe, PV_BLOCK_MAX_BYTES + PV_SECTOR_SIZE),          /* above BLOCK_MAX_BYTES */
        pv_block_read(client, (uint32_t)sectors - 1, probe, 2 * PV_SECTOR_SIZE),       /* runs past the last sector */
        pv_block_read(client, 0xFFFFFFFFu, probe, PV_SECTOR_SIZE),                     /* LBA far past the end */
        pv_block_read(client, 0, (void *)0x1000, PV_SECTOR_SIZE),                      /* buffer outside the server's RAM */
        pv_block_write(client, 0, (const void *)0x1000, PV_SECTOR_SIZE),               /* same, as the source */
        pv_block_write(client + 1, 0, probe, PV_SECTOR_SIZE),                          /* someone else's disk */
        pv_block_flush(client + 1),
        pv_ioreq_irq_set(client, 15, 1),                                               /* not the line of a served device */
        pv_ioreq_irq_set(client, 14, 2),                                               /* not a level */
        pv_ioreq_irq_set(client + 1, 14, 1),                                           /* not a client */
        pv_block_read(client, 0, probe, PV_SECTOR_SIZE),                               /* the one good call */
    };
    char line[160], *p = line;
    const char *head = "hostile: sectors=";
    while (*head)
        *p++ = *head++;
    p = put_int(p, sectors);
    for (uint32_t i = 0; i < sizeof r / sizeof r[0]; i++) {
        *p++ = i == 0 ? ' ' : ',';
        p = put_int(p, r[i]);
    }
    *p++ = '\n';
    (void)pv_console_write(line, (uint32_t)(p - line));
}
