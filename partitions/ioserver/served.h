/* served.h: what the I/O server's device models share: one emulated access and the client it is for. */
#ifndef IOSERVER_SERVED_H
#define IOSERVER_SERVED_H

#include "pv_abi.h"

/* Largest ARINC partition id the server keeps per-client state for (ids above are refused as floating bus). */
#define IOSERVER_MAX_CLIENTS 16

/* A 16550A at `base` for `client`: emulates one access of `size` bytes at `port`; returns the value of an IN. */
uint32_t uart_access(uint32_t client, uint32_t offset, uint32_t dir, uint32_t data);

#endif
