/* SHA-256 (FIPS 180-4): the standard test vectors, one-shot versus chunked updates, and a hash chain
 * over generated data whose intermediate digests go into the transcript. */
#include "prog.h"

struct sha256 {
    uint32_t h[8];
    uint8_t block[64];
    uint32_t used;
    uint64_t bytes;
};

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

static void compress(uint32_t h[8], const uint8_t *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

static void sha_init(struct sha256 *s)
{
    static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memcpy(s->h, iv, sizeof iv);
    s->used = 0;
    s->bytes = 0;
}

static void sha_update(struct sha256 *s, const void *data, size_t n)
{
    const uint8_t *p = data;
    s->bytes += n;
    while (n > 0) {
        uint32_t take = 64 - s->used;
        if (take > n) take = (uint32_t)n;
        memcpy(s->block + s->used, p, take);
        s->used += take;
        p += take;
        n -= take;
        if (s->used == 64) {
            compress(s->h, s->block);
            s->used = 0;
        }
    }
}

static void sha_final(struct sha256 *s, uint8_t out[32])
{
    uint64_t bits = s->bytes * 8;
    uint8_t pad = 0x80;
    sha_update(s, &pad, 1);
    pad = 0;
    while (s->used != 56) sha_update(s, &pad, 1);
    uint8_t len[8];
    for (int i = 0; i < 8; i++) len[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha_update(s, len, 8);
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++) out[4 * i + j] = (uint8_t)(s->h[i] >> (24 - 8 * j));
}

static void to_hex(const uint8_t d[32], char out[65])
{
    for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void hash_hex(const void *data, size_t n, char out[65])
{
    struct sha256 s;
    uint8_t d[32];
    sha_init(&s);
    sha_update(&s, data, n);
    sha_final(&s, d);
    to_hex(d, out);
}

static void vector(const char *msg, const char *expect)
{
    char hex[65];
    hash_hex(msg, strlen(msg), hex);
    printf("sha256: len=%u %s\n", (unsigned)strlen(msg), hex);
    CHECK(strcmp(hex, expect) == 0);
}

static uint8_t data[2000];

int main(uint32_t magic, uint32_t info)
{
    (void)magic, (void)info;
    vector("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    vector("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    vector("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
           "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    vector("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
           "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");

    /* 10000 x 'a' fed in odd-sized pieces */
    struct sha256 s;
    uint8_t d[32];
    char hex[65];
    uint8_t as[97];
    memset(as, 'a', sizeof as);
    sha_init(&s);
    for (int left = 10000; left > 0; left -= 97) sha_update(&s, as, left < 97 ? (size_t)left : 97);
    sha_final(&s, d);
    to_hex(d, hex);
    printf("sha256: 10000 x a = %s\n", hex);
    CHECK(strcmp(hex, "27dd1f61b867b6a0f6e9d8a41c43231de52107e53ae424de8f847b821db4b711") == 0);

    /* chunked and one-shot agree for every split point class */
    uint32_t seed = 0xABCDEF01u;
    for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)rng_next(&seed);
    char one[65];
    hash_hex(data, sizeof data, one);
    printf("sha256: data %s\n", one);
    for (size_t split = 0; split <= sizeof data; split += 331) {
        sha_init(&s);
        sha_update(&s, data, split);
        sha_update(&s, data + split, sizeof data - split);
        sha_final(&s, d);
        to_hex(d, hex);
        CHECK(strcmp(hex, one) == 0);
    }

    /* hash chain: h(i+1) = sha256(h(i) || i) */
    uint8_t chain[36];
    memset(chain, 0, sizeof chain);
    for (uint32_t i = 0; i < 32; i++) {
        memcpy(chain + 32, &i, 4);
        sha_init(&s);
        sha_update(&s, chain, sizeof chain);
        sha_final(&s, chain);
        if (i % 8 == 7) {
            to_hex(chain, hex);
            printf("sha256: chain[%u] %s\n", i, hex);
        }
    }
    return prog_finish("sha256");
}
