/* ata-identify.c: the 256-word IDENTIFY DEVICE page (ATA/ATAPI-6 section 8.15, table 16) of the served
 * disk, word for word what the in-kernel model (kernel/devices/ata/ata-identify.ts) reports, except the
 * model string, which says the disk is served by the I/O partition. */
#include "ata-identify.h"

#define MAX_CYLINDERS 16383u

static void put_string(uint16_t *w, uint32_t first, uint32_t count, const char *text)
{
    uint32_t n = 0;
    while (text[n] != 0)
        n++;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t hi = 2 * i < n ? (uint8_t)text[2 * i] : ' ';
        uint32_t lo = 2 * i + 1 < n ? (uint8_t)text[2 * i + 1] : ' ';
        w[first + i] = (uint16_t)(hi << 8 | lo);
    }
}

void ata_identify_page(uint8_t page[512], uint32_t sectors, uint32_t heads, uint32_t spt, uint32_t multiple)
{
    static uint16_t w[256];
    for (uint32_t i = 0; i < 256; i++)
        w[i] = 0;
    uint32_t dflt_cyl = sectors / (ATA_DEFAULT_HEADS * ATA_DEFAULT_SPT);
    if (dflt_cyl < 1)
        dflt_cyl = 1;
    if (dflt_cyl > MAX_CYLINDERS)
        dflt_cyl = MAX_CYLINDERS;
    uint32_t lba28 = sectors < 0x0FFFFFFFu ? sectors : 0x0FFFFFFFu;
    w[0] = 0x0040;
    w[1] = (uint16_t)dflt_cyl;
    w[3] = ATA_DEFAULT_HEADS;
    w[6] = ATA_DEFAULT_SPT;
    put_string(w, 10, 10, "APXV0001");
    put_string(w, 23, 4, "1.0");
    put_string(w, 27, 20, "APEXVISOR SERVED ATA DISK");
    w[47] = 0x8000 | ATA_MAX_MULTIPLE;
    w[49] = 0x0200;
    w[50] = 0x4000;
    w[51] = 0x0200;
    w[53] = 0x0003;
    /* The current translation keeps the default cylinder count (as the in-kernel model does). */
    uint32_t chs = dflt_cyl * heads * spt;
    if (chs > sectors)
        chs = sectors;
    w[54] = (uint16_t)dflt_cyl;
    w[55] = (uint16_t)heads;
    w[56] = (uint16_t)spt;
    w[57] = (uint16_t)chs;
    w[58] = (uint16_t)(chs >> 16);
    w[59] = (uint16_t)(multiple == 0 ? 0 : 0x0100 | multiple);
    w[60] = (uint16_t)lba28;
    w[61] = (uint16_t)(lba28 >> 16);
    w[64] = 0x0003;
    w[65] = w[66] = w[67] = w[68] = 120;
    w[80] = 0x007E;
    w[83] = 0x4000;
    w[84] = 0x4000;
    w[87] = 0x4000;
    uint32_t sum = 0;
    for (uint32_t i = 0; i < 256; i++) {
        page[2 * i] = (uint8_t)w[i];
        page[2 * i + 1] = (uint8_t)(w[i] >> 8);
    }
    page[510] = 0xA5;
    for (uint32_t i = 0; i < 511; i++)
        sum += page[i];
    page[511] = (uint8_t)(256u - (sum & 0xFF));
}
