/* ATA PIO driver of the disk guest: primary channel, device 0, LBA28; IRQ-driven (IRQ14) or polled. */
#ifndef DISK_GUEST_ATA_PIO_H
#define DISK_GUEST_ATA_PIO_H
#include <stdint.h>

/* The primary channel's interrupt line. */
#define ATA_IRQ_LINE 14u

/* How completion is awaited: by IRQ14 (nIEN clear) or by polling Alternate Status (nIEN set). */
enum ata_mode { ATA_IRQ, ATA_POLL };

/* Sectors per READ/WRITE MULTIPLE block this driver asks for (0: single-sector commands). */
void ata_init(enum ata_mode mode, unsigned multiple);
/* IDENTIFY DEVICE into words[256]; 0 on success. */
int ata_identify(uint16_t words[256]);
/* Reads / writes `count` (1..256) sectors at `lba` to / from `buf`; 0 on success, else the Error register | 0x100. */
int ata_read(uint32_t lba, unsigned count, void *buf);
int ata_write(uint32_t lba, unsigned count, const void *buf);
/* IRQ14s taken so far. */
uint32_t ata_irqs(void);
/* The IRQ14 entry (irq-stub.S) and the C handler it calls with interrupts disabled; it sends the EOIs. */
void irq14_stub(void);
void ata_irq_handler(void);

#endif
