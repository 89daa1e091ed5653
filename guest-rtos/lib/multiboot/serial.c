/* Console of Multiboot guests: putchar on the PC's COM1 (16550 UART at 0x3F8), polled. Sets the line to
 * 115200 8N1 with interrupts off; it never reads and never uses the FIFO status beyond THRE. */
#include <stdint.h>
#include <rt/stdio.h>
#include "pc-io.h"

#define COM1 0x3F8
#define UART_THR 0 /* transmit holding register (DLAB=0) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1 /* interrupt enable (DLAB=0) */
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_FCR 2 /* FIFO control */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07 /* FIFO enable, clear receive and transmit FIFOs */
#define MCR_DTR_RTS 0x03
#define LSR_THRE 0x20 /* transmit holding register empty */
#define LSR_TEMT 0x40 /* transmitter empty: holding and shift registers both empty */

/* A UART that never reports THRE must not hang the guest forever: write anyway after this many polls. */
#define THRE_POLL_LIMIT 100000

void serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DLL, 0x01); /* 115200 baud */
    outb(COM1 + UART_DLM, 0x00);
    outb(COM1 + UART_LCR, LCR_8N1);
    outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR);
    outb(COM1 + UART_MCR, MCR_DTR_RTS);
}

void serial_drain(void)
{
    for (int i = 0; i < THRE_POLL_LIMIT && (inb(COM1 + UART_LSR) & LSR_TEMT) == 0; i++) {}
}

int putchar(int c)
{
    for (int i = 0; i < THRE_POLL_LIMIT && (inb(COM1 + UART_LSR) & LSR_THRE) == 0; i++) {}
    outb(COM1 + UART_THR, (uint8_t)c);
    return (unsigned char)c;
}
