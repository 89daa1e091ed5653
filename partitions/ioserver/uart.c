/* uart.c: a 16550A UART as seen through port or MMIO accesses (National Semiconductor PC16550D
 * datasheet, register table 2, interrupt table IV). The transmitter is always ready: a THR byte goes at
 * once to the client's console through ioreq_console_write, or in loopback (MCR bit 4) into the receive
 * FIFO. Interrupts: receiver line status (overrun), received data, THR empty and modem status by IIR
 * priority; the level drives the client's ISA line through ioreq_irq_set whenever it changes (as the
 * kernel's own uart16550.ts, not gated by OUT2). No other input reaches the receiver. */
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
#define LSR_DR 0x01   /* data ready */
#define LSR_OE 0x02   /* overrun error */
#define LSR_THRE 0x20 /* transmitter holding register empty */
#define LSR_TEMT 0x40 /* transmitter empty */
#define IER_ERBFI 0x01 /* received data available */
#define IER_ETBEI 0x02 /* THR empty */
#define IER_ELSI 0x04  /* receiver line status */
#define IIR_NO_INT 0x01
#define IIR_RLS 0x06
#define IIR_RDA 0x04
#define IIR_THRE 0x02
#define IIR_FIFO_ON 0xC0
#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define MSR_CTS_DSR_DCD 0xB0
#define MCR_LOOP 0x10
#define RX_FIFO 16

struct uart {
    uint32_t used, client, base, irq; /* which device this is (used 0: a free entry) and its line */
    uint8_t ier, lcr, mcr, scr, dll, dlm, fifo;
    uint8_t thr_pending; /* THRE interrupt pending (table IV: cleared by reading IIR or writing THR) */
    uint8_t overrun, level;
    uint8_t rx[RX_FIFO];
    uint32_t rx_len;
    /* Output collected until a newline or a full buffer, then written under the client's name. */
    uint8_t line[128];
    uint32_t len;
};

/* Two UARTs per client at most (a COM port and an MMIO one, say); a third reads as a floating bus. */
static struct uart uarts[2 * IOSERVER_MAX_CLIENTS];

/* The UART of `client` at `base`, made at its first access (power-on state: all registers 0). */
static struct uart *find(uint32_t client, uint32_t base, uint32_t irq)
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
        free->irq = irq;
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
    u->thr_pending = 1; /* the byte leaves at once: THR is empty again */
    if ((u->mcr & MCR_LOOP) != 0) {
        if (u->rx_len == RX_FIFO)
            u->overrun = 1;
        else
            u->rx[u->rx_len++] = byte;
        return;
    }
    u->line[u->len++] = byte;
    if (byte == '\n' || u->len == sizeof u->line)
        flush(client, u);
}

/* IIR bits 3-0 by priority (table IV); the character timeout needs baud timing this model leaves out. */
static uint8_t interrupt_id(const struct uart *u)
{
    if ((u->ier & IER_ELSI) != 0 && u->overrun)
        return IIR_RLS;
    if ((u->ier & IER_ERBFI) != 0 && u->rx_len != 0)
        return IIR_RDA;
    if ((u->ier & IER_ETBEI) != 0 && u->thr_pending)
        return IIR_THRE;
    return IIR_NO_INT; /* modem status (IER_EDSSI): the modem lines never change here */
}

static void update_irq(uint32_t client, struct uart *u)
{
    uint8_t level = interrupt_id(u) != IIR_NO_INT;
    if (level != u->level) {
        u->level = level;
        (void)pv_ioreq_irq_set(client, u->irq, level);
    }
}

static uint8_t receive(struct uart *u)
{
    if (u->rx_len == 0)
        return 0;
    uint8_t b = u->rx[0];
    for (uint32_t i = 1; i < u->rx_len; i++)
        u->rx[i - 1] = u->rx[i];
    u->rx_len--;
    return b;
}

static uint32_t access(uint32_t client, struct uart *u, uint32_t offset, uint32_t dir, uint8_t v)
{
    int dlab = (u->lcr & LCR_DLAB) != 0;
    if (dir == PV_IOREQ_DIR_OUT) {
        switch (offset) {
        case REG_THR_RBR_DLL: if (dlab) u->dll = v; else transmit(client, u, v); break;
        case REG_IER_DLM:
            if (dlab) {
                u->dlm = v;
                break;
            }
            if ((v & IER_ETBEI) != 0 && (u->ier & IER_ETBEI) == 0)
                u->thr_pending = 1; /* enabling ETBEI with THR empty raises THRE at once */
            u->ier = v & 0x0F;
            break;
        case REG_IIR_FCR:
            u->fifo = (v & FCR_ENABLE) != 0;
            if ((v & FCR_CLEAR_RX) != 0)
                u->rx_len = 0;
            break;
        case REG_LCR: u->lcr = v; break;
        case REG_MCR: u->mcr = v & 0x1F; break;
        case REG_SCR: u->scr = v; break;
        default: break; /* LSR and MSR writes are ignored (factory test only) */
        }
        return 0;
    }
    switch (offset) {
    case REG_THR_RBR_DLL: return dlab ? u->dll : receive(u);
    case REG_IER_DLM: return dlab ? u->dlm : u->ier;
    case REG_IIR_FCR: {
        uint8_t iir = interrupt_id(u);
        if (iir == IIR_THRE)
            u->thr_pending = 0; /* reading IIR while it reports THRE clears that source */
        return iir | (u->fifo ? IIR_FIFO_ON : 0);
    }
    case REG_LCR: return u->lcr;
    case REG_MCR: return u->mcr;
    case REG_LSR: {
        uint8_t lsr = (uint8_t)((u->rx_len != 0 ? LSR_DR : 0) | (u->overrun ? LSR_OE : 0) | LSR_THRE | LSR_TEMT);
        u->overrun = 0; /* reading LSR clears the error bits */
        return lsr;
    }
    case REG_MSR: return MSR_CTS_DSR_DCD;
    default: return u->scr;
    }
}

uint32_t uart_access(uint32_t client, uint32_t base, uint32_t irq, uint32_t offset, uint32_t dir, uint32_t data)
{
    struct uart *u = find(client, base, irq);
    if (u == 0)
        return 0xFFFFFFFFu;
    uint32_t v = access(client, u, offset, dir, (uint8_t)data);
    update_irq(client, u);
    return v;
}
