/* uart.c: a 16550A UART as seen through port or MMIO accesses (National Semiconductor PC16550D datasheet,
 * register table 2). Transmit only: THR bytes go to the client's console through ioreq_console_write;
 * the receiver is always empty, the transmitter always ready, no interrupt is ever pending. */
#include "served.h"

#define REG_THR_RBR_DLL 0 /* THR (write) / RBR (read) with DLAB=0; DLL with DLAB=1 */
#define REG_IER_DLM 1     /* IER with DLAB=0; DLM with DLAB=1 */
#define REG_IIR_FCR 2     /* IIR (read) / FCR (write) */
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define REG_MSR 6
#define REG_SCR 7

#define LCR_DLAB 0x80
#define LSR_THRE 0x20 /* transmitter holding register empty */
#define LSR_TEMT 0x40 /* transmitter empty */
#define IIR_NO_INT 0x01
#define IIR_FIFO_ON 0xC0
#define FCR_ENABLE 0x01
#define MSR_CTS_DSR_DCD 0xB0
#define MCR_LOOP 0x10

struct uart {
    uint32_t used, client, base; /* which device this is (used 0: a free entry) */
    uint8_t ier, lcr, mcr, scr, dll, dlm, fifo;
    /* Output collected until a newline or a full buffer, then written under the client's name. */
    uint8_t line[128];
    uint32_t len;
};

/* Two UARTs per client at most (a COM port and an MMIO one, say); a third reads as a floating bus. */
static struct uart uarts[2 * IOSERVER_MAX_CLIENTS];

/* The UART of `client` at `base`, made at its first access (power-on state: all registers 0). */
static struct uart *find(uint32_t client, uint32_t base)
{
    struct uart *free = 0;
    for (uint32_t i = 0; i < sizeof uarts / sizeof uarts[0]; i++) {
        if (uarts[i].used && uarts[i].client == client && uarts[i].base == base)
            return &uarts[i];
        if (!uarts[i].used && free == 0)
            free = &uarts[i];
    }
    if (free != 0) {
        free->used = 1;
        free->client = client;
        free->base = base;
    }
    return free;
}

static void flush(uint32_t client, struct uart *u)
{
    if (u->len != 0)
        (void)pv_ioreq_console_write(client, u->line, u->len);
    u->len = 0;
}

static void transmit(uint32_t client, struct uart *u, uint8_t byte)
{
    if ((u->mcr & MCR_LOOP) != 0)
        return; /* loopback: the byte goes to the receiver, which this model leaves out */
    u->line[u->len++] = byte;
    if (byte == '\n' || u->len == sizeof u->line)
        flush(client, u);
}

uint32_t uart_access(uint32_t client, uint32_t base, uint32_t offset, uint32_t dir, uint32_t data)
{
    struct uart *u = find(client, base);
    if (u == 0)
        return 0xFFFFFFFFu;
    uint8_t v = (uint8_t)data;
    int dlab = (u->lcr & LCR_DLAB) != 0;
    if (dir == PV_IOREQ_DIR_OUT) {
        switch (offset) {
        case REG_THR_RBR_DLL: if (dlab) u->dll = v; else transmit(client, u, v); break;
        case REG_IER_DLM: if (dlab) u->dlm = v; else u->ier = v & 0x0F; break;
        case REG_IIR_FCR: u->fifo = (v & FCR_ENABLE) != 0; break;
        case REG_LCR: u->lcr = v; break;
        case REG_MCR: u->mcr = v & 0x1F; break;
        case REG_SCR: u->scr = v; break;
        default: break; /* LSR and MSR writes are ignored (factory test only) */
        }
        return 0;
    }
    switch (offset) {
    case REG_THR_RBR_DLL: return dlab ? u->dll : 0; /* nothing received */
    case REG_IER_DLM: return dlab ? u->dlm : u->ier;
    case REG_IIR_FCR: return IIR_NO_INT | (u->fifo ? IIR_FIFO_ON : 0);
    case REG_LCR: return u->lcr;
    case REG_MCR: return u->mcr;
    case REG_LSR: return LSR_THRE | LSR_TEMT;
    case REG_MSR: return MSR_CTS_DSR_DCD;
    default: return u->scr;
    }
}
