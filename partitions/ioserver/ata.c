/* ata.c: an ATA (IDE) PIO controller, primary channel, one disk as device 0, served for each client
 * (ATA/ATAPI-6, T13/1410D): the task file, PIO data-in / data-out / non-data protocols (section 9),
 * IDENTIFY DEVICE, READ/WRITE SECTORS and MULTIPLE (LBA28 and CHS), READ VERIFY, SET MULTIPLE MODE,
 * INITIALIZE DEVICE PARAMETERS, FLUSH CACHE, EXECUTE DEVICE DIAGNOSTIC, soft reset, nIEN, device 1
 * absent. The same behaviour as the in-kernel model (kernel/devices/ata/), which the same register-level
 * table checks (test/support/ata-spec-table.ts). The disk is the client's, reached through the block
 * services (the kernel checks ownership and bounds); INTRQ goes to the client's IRQ 14 through
 * ioreq_irq_set. Timing is virtual time, as in the kernel's model: BSY for ATA_COMMAND_NS after a command,
 * ATA_SECTOR_NS per sector of a block; a busy phase ends at the first server pass at or after its
 * deadline, and the next phase is timed from the deadline, not from the pass. */
#include "served.h"
#include "ata-identify.h"

#define REG_DATA 0
#define REG_ERROR_FEATURES 1
#define REG_COUNT 2
#define REG_LBA_LOW 3
#define REG_LBA_MID 4
#define REG_LBA_HIGH 5
#define REG_DEVICE 6
#define REG_STATUS_COMMAND 7

#define ST_BSY 0x80
#define ST_DRDY 0x40
#define ST_DSC 0x10
#define ST_DRQ 0x08
#define ST_ERR 0x01
#define IDLE_STATUS (ST_DRDY | ST_DSC)

#define ER_UNC 0x40  /* the server could not move the sectors (a refused block service) */
#define ER_IDNF 0x10
#define ER_ABRT 0x04
#define DIAG_PASSED 0x01

#define DEV_LBA 0x40
#define DEV_DEV 0x10
#define DC_SRST 0x04
#define DC_NIEN 0x02

#define CMD_READ 0x20
#define CMD_READ_NR 0x21
#define CMD_WRITE 0x30
#define CMD_WRITE_NR 0x31
#define CMD_VERIFY 0x40
#define CMD_VERIFY_NR 0x41
#define CMD_DIAGNOSTIC 0x90
#define CMD_INIT_PARAMS 0x91
#define CMD_READ_MULTIPLE 0xC4
#define CMD_WRITE_MULTIPLE 0xC5
#define CMD_SET_MULTIPLE 0xC6
#define CMD_FLUSH 0xE7
#define CMD_IDENTIFY 0xEC

#define ATA_COMMAND_NS 1000u
#define ATA_SECTOR_NS 2000u
#define ATA_RESET_NS 10000u
#define ATA_IRQ 14

enum phase { PH_IDLE, PH_BUSY, PH_DATA_IN, PH_DATA_OUT };
enum action { ACT_NONE, ACT_READ_BLOCK, ACT_IDENTIFY, ACT_WRITE_READY, ACT_WRITE_BLOCK, ACT_COMPLETE, ACT_RESET_DONE, ACT_DIAGNOSED };

struct ata {
    uint8_t started;  /* reset once, at the client's first access */
    uint8_t features, count, lba_low, lba_mid, lba_high, device, status, error, control;
    uint8_t pending, line, multiple, heads, spt, phase, command, action;
    uint32_t sectors; /* 0: no disk (block_info refused): the channel floats */
    uint32_t next_lba, left, len, pos;
    uint64_t due;
    uint8_t buf[ATA_MAX_MULTIPLE * 512];
};

static struct ata atas[IOSERVER_MAX_CLIENTS + 1];
/* Virtual time of what happens now: the pass's time, or a deadline while its action runs. */
static uint64_t clock_ns;

static int device1(const struct ata *a) { return (a->device & DEV_DEV) != 0; }
static uint8_t status_seen(const struct ata *a) { return device1(a) ? 0 : a->status; }

static void update(uint32_t client, struct ata *a)
{
    uint8_t level = a->pending && (a->control & DC_NIEN) == 0 && !device1(a);
    if (level == a->line)
        return;
    a->line = level;
    (void)pv_ioreq_irq_set(client, ATA_IRQ, level);
}

static void interrupt(uint32_t client, struct ata *a)
{
    a->pending = 1;
    update(client, a);
}

static void signature(struct ata *a)
{
    a->count = 1;
    a->lba_low = 1;
    a->lba_mid = a->lba_high = 0;
    a->device = 0;
    a->error = DIAG_PASSED;
    a->status = IDLE_STATUS;
}

static void busy_for(struct ata *a, uint32_t ns, enum action act)
{
    a->action = (uint8_t)act;
    a->phase = PH_BUSY;
    a->status = ST_BSY;
    a->due = clock_ns + ns;
}

static void reset(uint32_t client, struct ata *a)
{
    uint32_t n = pv_block_info(client);
    a->sectors = (int32_t)n > 0 ? n : 0;
    a->features = a->control = a->command = 0;
    a->next_lba = a->left = a->len = a->pos = 0;
    a->multiple = 0;
    a->heads = ATA_DEFAULT_HEADS;
    a->spt = ATA_DEFAULT_SPT;
    a->phase = PH_IDLE;
    a->action = ACT_NONE;
    a->pending = a->line = 0;
    signature(a);
}

static uint32_t asked(const struct ata *a) { return a->count == 0 ? 256u : a->count; }

static uint32_t block_sectors(const struct ata *a)
{
    int multi = a->command == CMD_READ_MULTIPLE || a->command == CMD_WRITE_MULTIPLE;
    uint32_t n = multi ? a->multiple : 1u;
    return n < a->left ? n : a->left;
}

/* The command's first sector from the address registers; 0xFFFFFFFF for a CHS address outside the geometry. */
static uint32_t start_lba(const struct ata *a)
{
    if ((a->device & DEV_LBA) != 0)
        return (uint32_t)(a->device & 0x0F) << 24 | (uint32_t)a->lba_high << 16 | (uint32_t)a->lba_mid << 8 | a->lba_low;
    uint32_t cyl = (uint32_t)a->lba_high << 8 | a->lba_mid;
    uint32_t head = a->device & 0x0Fu;
    if (a->lba_low == 0 || a->lba_low > a->spt || head >= a->heads)
        return 0xFFFFFFFFu;
    return (cyl * a->heads + head) * a->spt + a->lba_low - 1u;
}

static void set_address(struct ata *a, uint32_t at)
{
    if ((a->device & DEV_LBA) != 0) {
        a->lba_low = (uint8_t)at;
        a->lba_mid = (uint8_t)(at >> 8);
        a->lba_high = (uint8_t)(at >> 16);
        a->device = (uint8_t)((a->device & 0xF0) | ((at >> 24) & 0x0F));
        return;
    }
    uint32_t per_cyl = (uint32_t)a->heads * a->spt;
    uint32_t cyl = at / per_cyl, rest = at % per_cyl;
    a->lba_mid = (uint8_t)cyl;
    a->lba_high = (uint8_t)(cyl >> 8);
    a->device = (uint8_t)((a->device & 0xF0) | (rest / a->spt));
    a->lba_low = (uint8_t)(rest % a->spt + 1u);
}

static void fail(struct ata *a, uint8_t error)
{
    a->error = error;
    busy_for(a, ATA_COMMAND_NS, ACT_COMPLETE);
}

static void start_transfer(struct ata *a, int multiple, uint32_t delay, enum action first)
{
    if (multiple && a->multiple == 0)
        return fail(a, ER_ABRT);
    uint32_t start = start_lba(a), n = asked(a);
    if (start == 0xFFFFFFFFu)
        return fail(a, ER_IDNF);
    if (start >= a->sectors || n > a->sectors - start) {
        set_address(a, start > a->sectors ? start : a->sectors);
        return fail(a, ER_IDNF);
    }
    a->next_lba = start;
    a->left = n;
    busy_for(a, delay, first);
}

static void start_command(uint32_t client, struct ata *a, uint8_t code)
{
    if (device1(a) && code != CMD_DIAGNOSTIC)
        return;
    a->command = code;
    a->pending = 0;
    a->error = 0;
    a->phase = PH_BUSY;
    a->status = ST_BSY;
    update(client, a);
    switch (code) {
    case CMD_READ:
    case CMD_READ_NR:
    case CMD_READ_MULTIPLE: {
        uint32_t block = code == CMD_READ_MULTIPLE ? (a->multiple ? a->multiple : 1u) : 1u;
        if (block > asked(a)) block = asked(a);
        return start_transfer(a, code == CMD_READ_MULTIPLE, ATA_COMMAND_NS + ATA_SECTOR_NS * block, ACT_READ_BLOCK);
    }
    case CMD_WRITE:
    case CMD_WRITE_NR:
    case CMD_WRITE_MULTIPLE:
        return start_transfer(a, code == CMD_WRITE_MULTIPLE, ATA_COMMAND_NS, ACT_WRITE_READY);
    case CMD_VERIFY:
    case CMD_VERIFY_NR:
        return start_transfer(a, 0, ATA_COMMAND_NS + ATA_SECTOR_NS * asked(a), ACT_COMPLETE);
    case CMD_IDENTIFY:
        return busy_for(a, ATA_COMMAND_NS, ACT_IDENTIFY);
    case CMD_DIAGNOSTIC:
        return busy_for(a, ATA_COMMAND_NS, ACT_DIAGNOSED);
    case CMD_SET_MULTIPLE:
        if (a->count > ATA_MAX_MULTIPLE || (a->count & (a->count - 1)) != 0)
            return fail(a, ER_ABRT);
        a->multiple = a->count;
        return busy_for(a, ATA_COMMAND_NS, ACT_COMPLETE);
    case CMD_INIT_PARAMS:
        if (a->count == 0)
            return fail(a, ER_ABRT);
        a->heads = (uint8_t)((a->device & 0x0F) + 1);
        a->spt = a->count;
        return busy_for(a, ATA_COMMAND_NS, ACT_COMPLETE);
    case CMD_FLUSH:
        if (pv_block_flush(client) != PV_OK)
            a->error = ER_UNC;
        return busy_for(a, ATA_COMMAND_NS, ACT_COMPLETE);
    default:
        return fail(a, ER_ABRT);
    }
}

static void data_in(uint32_t client, struct ata *a, uint32_t len)
{
    a->len = len;
    a->pos = 0;
    a->phase = PH_DATA_IN;
    a->status = IDLE_STATUS | ST_DRQ;
    interrupt(client, a); /* PIO data-in: an interrupt for every block (ATA-6 9.7) */
}

static void data_out(uint32_t client, struct ata *a, int with_interrupt)
{
    a->len = block_sectors(a) * 512u;
    a->pos = 0;
    a->phase = PH_DATA_OUT;
    a->status = IDLE_STATUS | ST_DRQ;
    if (with_interrupt)
        interrupt(client, a); /* none before the first block (ATA-6 9.8) */
}

static void complete(uint32_t client, struct ata *a)
{
    a->phase = PH_IDLE;
    a->len = a->pos = 0;
    a->status = (uint8_t)(IDLE_STATUS | (a->error != 0 ? ST_ERR : 0));
    interrupt(client, a);
}

static void advance(struct ata *a, uint32_t n)
{
    set_address(a, a->next_lba + n - 1u);
    a->next_lba += n;
    a->left -= n;
    a->count = (uint8_t)a->left;
}

/* The busy time is over: do what was waiting. A refused block service ends the command with UNC. */
static void act(uint32_t client, struct ata *a)
{
    uint8_t what = a->action;
    a->action = ACT_NONE;
    switch (what) {
    case ACT_IDENTIFY:
        ata_identify_page(a->buf, a->sectors, a->heads, a->spt, a->multiple);
        return data_in(client, a, 512);
    case ACT_READ_BLOCK: {
        uint32_t n = block_sectors(a);
        if (pv_block_read(client, a->next_lba, a->buf, n * 512u) != PV_OK) {
            a->error = ER_UNC;
            return complete(client, a);
        }
        advance(a, n);
        return data_in(client, a, n * 512u);
    }
    case ACT_WRITE_READY:
        return data_out(client, a, 0);
    case ACT_WRITE_BLOCK: {
        uint32_t n = a->len / 512u;
        if (pv_block_write(client, a->next_lba, a->buf, a->len) != PV_OK) {
            a->error = ER_UNC;
            return complete(client, a);
        }
        advance(a, n);
        if (a->left > 0)
            return data_out(client, a, 1);
        return complete(client, a);
    }
    case ACT_COMPLETE:
        return complete(client, a);
    case ACT_RESET_DONE:
        a->phase = PH_IDLE;
        signature(a); /* no interrupt after a soft reset (ATA-6 9.2) */
        return update(client, a);
    case ACT_DIAGNOSED:
        signature(a);
        a->phase = PH_IDLE;
        return interrupt(client, a);
    default:
        return;
    }
}

static void end_of_block_in(struct ata *a)
{
    if (a->command == CMD_IDENTIFY || a->left == 0) {
        a->phase = PH_IDLE;
        a->status = IDLE_STATUS;
        return;
    }
    busy_for(a, ATA_SECTOR_NS * block_sectors(a), ACT_READ_BLOCK);
}

static uint32_t take_word(struct ata *a)
{
    uint32_t w = (uint32_t)a->buf[a->pos] | (uint32_t)a->buf[a->pos + 1] << 8;
    a->pos += 2;
    if (a->pos >= a->len)
        end_of_block_in(a);
    return w;
}

static void put_word(struct ata *a, uint32_t w)
{
    a->buf[a->pos] = (uint8_t)w;
    a->buf[a->pos + 1] = (uint8_t)(w >> 8);
    a->pos += 2;
    if (a->pos >= a->len) /* the block is complete: written to the medium while BSY (ATA-6 9.8) */
        busy_for(a, ATA_SECTOR_NS * (a->len / 512u), ACT_WRITE_BLOCK);
}

static uint32_t read_data(struct ata *a, uint32_t size)
{
    if (a->phase != PH_DATA_IN || device1(a))
        return size == 4 ? 0xFFFFFFFFu : size == 2 ? 0xFFFFu : 0xFFu;
    uint32_t lo = take_word(a);
    if (size == 1)
        return lo & 0xFF;
    if (size == 2 || a->phase != PH_DATA_IN)
        return lo;
    return lo | take_word(a) << 16;
}

static void write_data(struct ata *a, uint32_t size, uint32_t v)
{
    if (a->phase != PH_DATA_OUT || device1(a))
        return;
    put_word(a, size == 1 ? v & 0xFF : v & 0xFFFF);
    if (size == 4 && a->phase == PH_DATA_OUT)
        put_word(a, v >> 16);
}

static void write_control(uint32_t client, struct ata *a, uint8_t v)
{
    int was = (a->control & DC_SRST) != 0, now = (v & DC_SRST) != 0;
    a->control = v;
    if (now && !was) { /* SRST set: stop, BSY until it is cleared (ATA-6 9.2) */
        a->action = ACT_NONE;
        a->phase = PH_BUSY;
        a->status = ST_BSY;
        a->pending = 0;
    } else if (!now && was) {
        busy_for(a, ATA_RESET_NS, ACT_RESET_DONE);
    }
    update(client, a);
}

static uint32_t read_reg(uint32_t client, struct ata *a, uint32_t offset, uint32_t size)
{
    if (offset == REG_DATA)
        return read_data(a, size);
    if (offset == ATA_CONTROL_OFFSET)
        return status_seen(a);
    if (offset == REG_STATUS_COMMAND) {
        uint8_t s = status_seen(a);
        if (!device1(a)) { /* reading Status acknowledges the interrupt (ATA-6 5.2.9) */
            a->pending = 0;
            update(client, a);
        }
        return s;
    }
    if ((a->status & ST_BSY) != 0 && !device1(a))
        return a->status;
    switch (offset) {
    case REG_ERROR_FEATURES: return a->error;
    case REG_COUNT: return a->count;
    case REG_LBA_LOW: return a->lba_low;
    case REG_LBA_MID: return a->lba_mid;
    case REG_LBA_HIGH: return a->lba_high;
    case REG_DEVICE: return a->device;
    default: return 0xFF;
    }
}

static void write_reg(uint32_t client, struct ata *a, uint32_t offset, uint32_t size, uint32_t value)
{
    uint8_t v = (uint8_t)value;
    if (offset == REG_DATA)
        return write_data(a, size, value);
    if (offset == ATA_CONTROL_OFFSET)
        return write_control(client, a, v);
    if ((a->status & ST_BSY) != 0)
        return; /* the host shall not write the task file while BSY: ignored */
    switch (offset) {
    case REG_ERROR_FEATURES: a->features = v; return;
    case REG_COUNT: a->count = v; return;
    case REG_LBA_LOW: a->lba_low = v; return;
    case REG_LBA_MID: a->lba_mid = v; return;
    case REG_LBA_HIGH: a->lba_high = v; return;
    case REG_DEVICE: a->device = v; update(client, a); return;
    case REG_STATUS_COMMAND: start_command(client, a, v); return;
    default: return;
    }
}

void ata_pass(uint64_t now)
{
    for (uint32_t c = 0; c <= IOSERVER_MAX_CLIENTS; c++) {
        struct ata *a = &atas[c];
        while (a->started && a->action != ACT_NONE && a->due <= now) {
            clock_ns = a->due;
            act(c, a);
        }
    }
    clock_ns = now;
}

uint32_t ata_access(uint32_t client, uint32_t offset, uint32_t dir, uint32_t size, uint32_t count, uint32_t data, uint8_t *area)
{
    struct ata *a = &atas[client];
    if (!a->started) {
        a->started = 1;
        reset(client, a);
    }
    if (a->sectors == 0)
        return 0xFFFFFFFFu; /* no disk behind this client's channel: the bus floats */
    if (count > 1) {
        /* A REP INS/OUTS run on the Data port: element by element, exactly as one-at-a-time accesses. */
        for (uint32_t i = 0; i < count; i++) {
            uint8_t *e = area + i * size;
            if (dir == PV_IOREQ_DIR_IN) {
                uint32_t v = read_reg(client, a, offset, size);
                for (uint32_t b = 0; b < size; b++)
                    e[b] = (uint8_t)(v >> (8 * b));
            } else {
                uint32_t v = 0;
                for (uint32_t b = 0; b < size; b++)
                    v |= (uint32_t)e[b] << (8 * b);
                write_reg(client, a, offset, size, v);
            }
        }
        return 0;
    }
    if (dir == PV_IOREQ_DIR_IN)
        return read_reg(client, a, offset, size);
    write_reg(client, a, offset, size, data);
    return 0;
}
