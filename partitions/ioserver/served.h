/* served.h: what the I/O server's device models share: one emulated access and the client it is for. */
#ifndef IOSERVER_SERVED_H
#define IOSERVER_SERVED_H

#include "pv_abi.h"

/* Largest ARINC partition id the server keeps per-client state for (ids above are refused as floating bus). */
#define IOSERVER_MAX_CLIENTS 16

/* The 16550A of `client` whose registers start at `base` (a port or an MMIO address), on ISA line `irq`:
 * emulates one access to register `offset` (0-7) and drives the line; returns the value of a read. */
uint32_t uart_access(uint32_t client, uint32_t base, uint32_t irq, uint32_t offset, uint32_t dir, uint32_t data);

/* The ATA primary channel for `client`: one access at `offset` (0-7: 0x1F0-0x1F7, 8: 0x3F6) of `size`
 * bytes; with count > 1 a REP INS/OUTS run whose elements are in `area` (the slot's data area). */
uint32_t ata_access(uint32_t client, uint32_t offset, uint32_t dir, uint32_t size, uint32_t count, uint32_t data, uint8_t *area);

/* Ends every served ATA busy phase whose deadline is at or before `now` (called once per server pass). */
void ata_pass(uint64_t now);

/* The "hostile" probe: block and interrupt services with arguments the kernel must refuse (hostile.c). */
void hostile_probe(uint32_t client);

#endif
