/* ATA PIO driver of the disk guest (ata-pio.h), after ATA/ATAPI-6 section 9: PIO data-in takes an
 * interrupt (or a BSY poll) before every block; PIO data-out writes its first block on DRQ without an
 * interrupt, then waits for one after every block. */
#include <stdint.h>
#include "ata-pio.h"
#include "pc-io.h"
#include "pc-irq.h"

#define ATA_DATA 0x1F0
#define ATA_ERROR 0x1F1
#define ATA_COUNT 0x1F2
#define ATA_LBA0 0x1F3
#define ATA_LBA1 0x1F4
#define ATA_LBA2 0x1F5
#define ATA_DEVICE 0x1F6
#define ATA_STATUS 0x1F7
#define ATA_COMMAND 0x1F7
#define ATA_ALT 0x3F6
#define ATA_CONTROL 0x3F6

#define ST_BSY 0x80
#define ST_DRQ 0x08
#define ST_ERR 0x01
#define DC_NIEN 0x02

#define CMD_READ_SECTORS 0x20
#define CMD_WRITE_SECTORS 0x30
#define CMD_READ_MULTIPLE 0xC4
#define CMD_WRITE_MULTIPLE 0xC5
#define CMD_SET_MULTIPLE 0xC6
#define CMD_IDENTIFY 0xEC

/* A device that never leaves BSY must not hang the guest: give up after this many polls. */
#define POLL_LIMIT 10000000u

static enum ata_mode mode;
static unsigned block = 1;
static volatile uint32_t irq_count;
static volatile uint32_t irq_seen;
static volatile uint8_t irq_status;

static inline void insw(uint16_t port, void *dst, uint32_t words)
{
    __asm__ volatile("rep insw" : "+D"(dst), "+c"(words) : "d"(port) : "memory");
}

static inline void outsw(uint16_t port, const void *src, uint32_t words)
{
    __asm__ volatile("rep outsw" : "+S"(src), "+c"(words) : "d"(port) : "memory");
}

void ata_irq_handler(void)
{
    irq_status = inb(ATA_STATUS); /* reading Status acknowledges the device's interrupt */
    irq_seen = 1;
    irq_count++;
    pc_irq_eoi(ATA_IRQ_LINE);
}

uint32_t ata_irqs(void)
{
    return irq_count;
}

static int poll_not_busy(void)
{
    for (uint32_t i = 0; i < POLL_LIMIT; i++) {
        uint8_t s = inb(ATA_ALT);
        if ((s & ST_BSY) == 0) return s;
    }
    return -1;
}

/* Waits for the device's next interrupt (or, polled, for BSY to clear) and returns the status. */
static int wait_device(void)
{
    if (mode == ATA_POLL) {
        int s = poll_not_busy();
        if (s >= 0) (void)inb(ATA_STATUS);
        return s;
    }
    for (uint32_t i = 0; i < POLL_LIMIT && !irq_seen; i++) __asm__ volatile("sti; hlt; cli" ::: "memory");
    if (!irq_seen) return -1;
    irq_seen = 0;
    return irq_status;
}

static int fail(int status)
{
    return status < 0 ? 0x200 : 0x100 | inb(ATA_ERROR);
}

static void issue(uint8_t cmd, uint32_t lba, unsigned count)
{
    irq_seen = 0;
    outb(ATA_DEVICE, (uint8_t)(0xE0 | ((lba >> 24) & 0x0F)));
    outb(ATA_COUNT, (uint8_t)count); /* 256 is written as 0 */
    outb(ATA_LBA0, (uint8_t)lba);
    outb(ATA_LBA1, (uint8_t)(lba >> 8));
    outb(ATA_LBA2, (uint8_t)(lba >> 16));
    outb(ATA_COMMAND, cmd);
}

void ata_init(enum ata_mode m, unsigned multiple)
{
    mode = m;
    block = 1;
    outb(ATA_CONTROL, m == ATA_POLL ? DC_NIEN : 0);
    if (multiple > 1) {
        issue(CMD_SET_MULTIPLE, 0, multiple);
        int s = wait_device();
        if (s >= 0 && (s & ST_ERR) == 0) block = multiple;
    }
}

int ata_identify(uint16_t words[256])
{
    issue(CMD_IDENTIFY, 0, 0);
    int s = wait_device();
    if (s < 0 || (s & (ST_ERR | ST_DRQ)) != ST_DRQ) return fail(s);
    insw(ATA_DATA, words, 256);
    return 0;
}

int ata_read(uint32_t lba, unsigned count, void *buf)
{
    uint8_t *p = buf;
    issue(block > 1 ? CMD_READ_MULTIPLE : CMD_READ_SECTORS, lba, count);
    for (unsigned done = 0; done < count;) {
        unsigned n = count - done < block ? count - done : block;
        int s = wait_device();
        if (s < 0 || (s & (ST_ERR | ST_DRQ)) != ST_DRQ) return fail(s);
        insw(ATA_DATA, p + done * 512u, n * 256u);
        done += n;
    }
    return 0;
}

int ata_write(uint32_t lba, unsigned count, const void *buf)
{
    const uint8_t *p = buf;
    issue(block > 1 ? CMD_WRITE_MULTIPLE : CMD_WRITE_SECTORS, lba, count);
    int s = poll_not_busy(); /* no interrupt before the first block */
    for (unsigned done = 0; done < count;) {
        if (s < 0 || (s & (ST_ERR | ST_DRQ)) != ST_DRQ) return fail(s);
        unsigned n = count - done < block ? count - done : block;
        outsw(ATA_DATA, p + done * 512u, n * 256u);
        done += n;
        s = wait_device();
    }
    if (s < 0 || (s & (ST_ERR | ST_DRQ | ST_BSY)) != 0) return fail(s);
    return 0;
}
