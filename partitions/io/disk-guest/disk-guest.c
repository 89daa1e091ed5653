/* The disk guest: an FV kernel that finds a text file on its ATA disk, counts its lines, words and
 * bytes and its CRC-32, writes the result back to the disk and prints it on COM1.
 *
 * Disk layout (made by the host): sector 0 holds "APXDISK1", the file's length in bytes (u32 LE at
 * offset 8) and the sector where the result goes (u32 LE at 12); the file starts at sector 1.
 * Command line: "mode=irq" (default) or "mode=poll"; "multiple=N" (default 8; 1 = single-sector
 * commands); "bench=N": instead, write N sectors of a pattern from sector 1 and read them back. */
#include <stdint.h>
#include <rt/platform.h>
#include <rt/stdio.h>
#include <rt/string.h>
#include "ata-pio.h"
#include "pc-irq.h"

#define CHUNK_SECTORS 64

static uint8_t chunk[CHUNK_SECTORS * 512];
static uint16_t ident[256];

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, uint32_t n)
{
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The value of "key=" in the command line, or `dflt`. */
static uint32_t arg(const char *key, uint32_t dflt)
{
    const char *c = rt_cmdline();
    size_t n = strlen(key);
    for (; *c; c++) {
        if ((c == rt_cmdline() || c[-1] == ' ') && strncmp(c, key, n) == 0 && c[n] == '=') {
            uint32_t v = 0;
            for (c += n + 1; *c >= '0' && *c <= '9'; c++) v = v * 10 + (uint32_t)(*c - '0');
            return v;
        }
    }
    return dflt;
}

static int has(const char *word)
{
    const char *c = rt_cmdline();
    size_t n = strlen(word);
    for (; *c; c++)
        if ((c == rt_cmdline() || c[-1] == ' ') && strncmp(c, word, n) == 0 && (c[n] == ' ' || c[n] == 0)) return 1;
    return 0;
}

static void print_identity(void)
{
    char model[41];
    for (int i = 0; i < 20; i++) {
        model[2 * i] = (char)(ident[27 + i] >> 8);
        model[2 * i + 1] = (char)(ident[27 + i] & 0xFF);
    }
    model[40] = 0;
    for (int i = 39; i >= 0 && model[i] == ' '; i--) model[i] = 0;
    uint32_t sectors = (uint32_t)ident[60] | (uint32_t)ident[61] << 16;
    printf("disk: %s, %u sectors, multiple up to %u\n", model, (unsigned)sectors, (unsigned)(ident[47] & 0xFF));
}

/* A cheap checksum for bench mode (the figure is the disk's, not the CRC's): sum of 32-bit words, rotated. */
static uint32_t word_sum(uint32_t sum, const uint32_t *p, uint32_t words)
{
    while (words--) sum = ((sum << 1) | (sum >> 31)) + *p++;
    return sum;
}

static int bench(uint32_t sectors)
{
    uint32_t sum_w = 0, sum_r = 0;
    uint32_t *words = (uint32_t *)(void *)chunk;
    for (uint32_t done = 0; done < sectors; done += CHUNK_SECTORS) {
        uint32_t n = sectors - done < CHUNK_SECTORS ? sectors - done : CHUNK_SECTORS;
        for (uint32_t i = 0; i < n * 128; i++) words[i] = (done * 128 + i) * 2654435761u;
        sum_w = word_sum(sum_w, words, n * 128);
        int e = ata_write(1 + done, n, chunk);
        if (e != 0) return printf("bench: write at %u failed (%x)\n", (unsigned)(1 + done), e), 1;
    }
    for (uint32_t done = 0; done < sectors; done += CHUNK_SECTORS) {
        uint32_t n = sectors - done < CHUNK_SECTORS ? sectors - done : CHUNK_SECTORS;
        int e = ata_read(1 + done, n, chunk);
        if (e != 0) return printf("bench: read at %u failed (%x)\n", (unsigned)(1 + done), e), 1;
        sum_r = word_sum(sum_r, words, n * 128);
    }
    printf("bench: %u sectors written and read back, sum %08x %s\n", (unsigned)sectors, (unsigned)sum_r, sum_r == sum_w ? "match" : "MISMATCH");
    return sum_r == sum_w ? 0 : 1;
}

int main(uint32_t magic, uint32_t info)
{
    (void)magic;
    (void)info;
    enum ata_mode mode = has("mode=poll") ? ATA_POLL : ATA_IRQ;
    pc_irq_init(irq14_stub, ATA_IRQ_LINE);
    ata_init(mode, arg("multiple", 8));
    int e = ata_identify(ident);
    if (e != 0) return printf("IDENTIFY failed (%x)\n", e), 1;
    print_identity();
    uint32_t b = arg("bench", 0);
    if (b > 0) return bench(b);

    e = ata_read(0, 1, chunk);
    if (e != 0 || memcmp(chunk, "APXDISK1", 8) != 0) return printf("no APXDISK1 header in sector 0 (%x)\n", e), 1;
    uint32_t len = le32(chunk + 8);
    uint32_t result_lba = le32(chunk + 12);
    uint32_t lines = 0, words = 0, crc = 0;
    int in_word = 0;
    for (uint32_t off = 0; off < len; off += CHUNK_SECTORS * 512) {
        uint32_t bytes = len - off < CHUNK_SECTORS * 512 ? len - off : CHUNK_SECTORS * 512;
        e = ata_read(1 + off / 512, (bytes + 511) / 512, chunk);
        if (e != 0) return printf("read at sector %u failed (%x)\n", (unsigned)(1 + off / 512), e), 1;
        crc = crc32_update(crc, chunk, bytes);
        for (uint32_t i = 0; i < bytes; i++) {
            uint8_t c = chunk[i];
            if (c == '\n') lines++;
            int space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
            if (!space && !in_word) words++;
            in_word = !space;
        }
    }
    char line[96];
    int n = snprintf(line, sizeof line, "lines=%u words=%u bytes=%u crc32=%08x\n", (unsigned)lines, (unsigned)words, (unsigned)len, (unsigned)crc);
    printf("%s: %s", mode == ATA_POLL ? "poll" : "irq", line);
    memset(chunk, 0, 512);
    memcpy(chunk, line, (size_t)n);
    e = ata_write(result_lba, 1, chunk);
    if (e != 0) return printf("write of the result at sector %u failed (%x)\n", (unsigned)result_lba, e), 1;
    memset(chunk, 0xAA, 512);
    e = ata_read(result_lba, 1, chunk);
    if (e != 0 || memcmp(chunk, line, (size_t)n) != 0) return printf("result did not read back (%x)\n", e), 1;
    printf("result written to sector %u; %u interrupts\n", (unsigned)result_lba, (unsigned)ata_irqs());
    return 0;
}
