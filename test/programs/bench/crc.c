/* Benchmark kernel: checksums over a 1 KiB buffer. Each round computes a table-driven CRC-32 and a
 * bitwise CRC-16 and mutates the buffer with the result (table loads, shifts, tight loops). */
#include "bench.h"

#define BYTES 1024

static uint8_t buf[BYTES];
static uint32_t table[256];

const char bench_name[] = "crc";
const uint32_t bench_default_iterations = 3400;

void bench_setup(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        table[i] = c;
    }
    uint32_t s = 0xBEEF;
    for (int i = 0; i < BYTES; i++) {
        s = s * 1103515245u + 12345u;
        buf[i] = (uint8_t)(s >> 16);
    }
}

static uint16_t crc16(const uint8_t *p, int n)
{
    uint16_t c = 0xFFFF;
    for (int i = 0; i < n; i++) {
        c ^= (uint16_t)(p[i] << 8);
        for (int k = 0; k < 8; k++) c = (c & 0x8000) ? (uint16_t)((c << 1) ^ 0x1021) : (uint16_t)(c << 1);
    }
    return c;
}

uint32_t bench_run(uint32_t iterations)
{
    uint32_t sum = 0;
    for (uint32_t it = 0; it < iterations; it++) {
        uint32_t c = 0xFFFFFFFFu;
        for (int i = 0; i < BYTES; i++) c = table[(c ^ buf[i]) & 0xFF] ^ (c >> 8);
        c = ~c;
        uint16_t c16 = crc16(buf, BYTES / 8);
        buf[it % BYTES] ^= (uint8_t)c;
        sum += c ^ c16;
    }
    return sum;
}
