/* Checksums: CRC-32 (bitwise and table-driven), CRC-16/CCITT-FALSE, CRC-8, Adler-32 and Fletcher-16
 * over the standard "123456789" check string (known values) and over generated buffers. */
#include "prog.h"

static uint32_t crc32_table[256];

static void crc32_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        crc32_table[i] = c;
    }
}

static uint32_t crc32_bitwise(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

static uint32_t crc32_table_update(uint32_t c, const uint8_t *p, size_t n)
{
    c = ~c;
    for (size_t i = 0; i < n; i++) c = crc32_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return ~c;
}

static uint16_t crc16_ccitt(const uint8_t *p, size_t n)
{
    uint16_t c = 0xFFFF;
    for (size_t i = 0; i < n; i++) {
        c ^= (uint16_t)(p[i] << 8);
        for (int k = 0; k < 8; k++) c = (c & 0x8000) ? (uint16_t)((c << 1) ^ 0x1021) : (uint16_t)(c << 1);
    }
    return c;
}

static uint8_t crc8(const uint8_t *p, size_t n)
{
    uint8_t c = 0;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c & 0x80) ? (uint8_t)((c << 1) ^ 0x07) : (uint8_t)(c << 1);
    }
    return c;
}

static uint32_t adler32(const uint8_t *p, size_t n)
{
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) {
        a = (a + p[i]) % 65521u;
        b = (b + a) % 65521u;
    }
    return (b << 16) | a;
}

static uint16_t fletcher16(const uint8_t *p, size_t n)
{
    uint16_t a = 0, b = 0;
    for (size_t i = 0; i < n; i++) {
        a = (uint16_t)((a + p[i]) % 255);
        b = (uint16_t)((b + a) % 255);
    }
    return (uint16_t)((b << 8) | a);
}

static uint8_t buf[4096];

int main(uint32_t magic, uint32_t info)
{
    (void)magic, (void)info;
    const uint8_t *check = (const uint8_t *)"123456789";
    crc32_init();
    printf("crc: table[1]=%08x table[255]=%08x\n", crc32_table[1], crc32_table[255]);

    uint32_t c1 = crc32_bitwise(check, 9), c2 = crc32_table_update(0, check, 9);
    printf("crc: crc32 check bitwise=%08x table=%08x\n", c1, c2);
    CHECK(c1 == 0xCBF43926u && c2 == 0xCBF43926u);
    uint16_t c16 = crc16_ccitt(check, 9);
    printf("crc: crc16-ccitt check=%04x\n", c16);
    CHECK(c16 == 0x29B1);
    uint8_t c8 = crc8(check, 9);
    printf("crc: crc8 check=%02x\n", c8);
    CHECK(c8 == 0xF4);
    uint32_t ad = adler32((const uint8_t *)"Wikipedia", 9);
    printf("crc: adler32(Wikipedia)=%08x\n", ad);
    CHECK(ad == 0x11E60398u);
    uint16_t f16 = fletcher16((const uint8_t *)"abcde", 5);
    printf("crc: fletcher16(abcde)=%04x\n", f16);
    CHECK(f16 == 0xC8F0);

    uint32_t seed = 0xC0FFEEu;
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)rng_next(&seed);
    for (size_t len = 1; len <= sizeof buf; len *= 4) {
        uint32_t a = crc32_bitwise(buf, len), b = crc32_table_update(0, buf, len);
        CHECK(a == b);
        printf("crc: len=%4u crc32=%08x crc16=%04x adler=%08x fl16=%04x\n", (unsigned)len, b, crc16_ccitt(buf, len),
               adler32(buf, len), fletcher16(buf, len));
    }
    /* incremental CRC over uneven chunks equals the one-shot CRC */
    uint32_t inc = 0;
    size_t off = 0, step = 1;
    while (off < sizeof buf) {
        size_t n = step < sizeof buf - off ? step : sizeof buf - off;
        inc = crc32_table_update(inc, buf + off, n);
        off += n;
        step = step * 3 + 1;
    }
    uint32_t whole = crc32_table_update(0, buf, sizeof buf);
    printf("crc: incremental=%08x whole=%08x\n", inc, whole);
    CHECK(inc == whole);
    /* appending the little-endian CRC gives the CRC-32 residue */
    uint8_t tail[13];
    memcpy(tail, check, 9);
    for (int i = 0; i < 4; i++) tail[9 + i] = (uint8_t)(c1 >> (8 * i));
    uint32_t residue = ~crc32_table_update(0, tail, sizeof tail);
    printf("crc: residue=%08x\n", residue);
    CHECK(residue == 0xDEBB20E3u);
    return prog_finish("crc");
}
