/* ata-identify.h: the IDENTIFY DEVICE page of the served disk and the constants the served ATA shares. */
#ifndef IOSERVER_ATA_IDENTIFY_H
#define IOSERVER_ATA_IDENTIFY_H

#include <stdint.h>

/* Default CHS translation (16 heads, 63 sectors per track) and the largest READ/WRITE MULTIPLE block. */
#define ATA_DEFAULT_HEADS 16
#define ATA_DEFAULT_SPT 63
#define ATA_MAX_MULTIPLE 16
/* Alternate Status / Device Control (port 0x3F6) as an offset of the channel, as the in-kernel model numbers it. */
#define ATA_CONTROL_OFFSET 8

/* Fills page (512 bytes, little-endian words) for a disk of `sectors`, the current CHS translation and multiple setting. */
void ata_identify_page(uint8_t page[512], uint32_t sectors, uint32_t heads, uint32_t spt, uint32_t multiple);

#endif
