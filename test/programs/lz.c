/* LZ77 compression with a hash-chain match finder and a byte-oriented token format, then decompression;
 * every input (text, repetitive, random, empty) must round-trip, and sizes and digests go in the transcript. */
#include "prog.h"

#define WINDOW 4096
#define MIN_MATCH 3
#define MAX_MATCH 130
#define HASH_BITS 10

/* Token format: 0xxxxxxx = literal run of x+1 bytes follows; 1lllllll oooooooo oooooooo = match of
 * length l+3 at distance o+1 (little-endian 16 bits). */
static int32_t head[1 << HASH_BITS];
static int32_t prev[WINDOW];

static uint32_t hash3(const uint8_t *p)
{
    return ((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]) * 2654435761u >> (32 - HASH_BITS);
}

static size_t flush_literals(uint8_t *out, size_t o, const uint8_t *lit, size_t n)
{
    while (n > 0) {
        size_t run = n > 128 ? 128 : n;
        out[o++] = (uint8_t)(run - 1);
        memcpy(out + o, lit, run);
        o += run, lit += run, n -= run;
    }
    return o;
}

static size_t compress(const uint8_t *in, size_t n, uint8_t *out, uint32_t *matches)
{
    for (int i = 0; i < (1 << HASH_BITS); i++) head[i] = -1;
    size_t o = 0, lit_start = 0, i = 0;
    *matches = 0;
    while (i < n) {
        size_t best_len = 0, best_dist = 0;
        if (i + MIN_MATCH <= n) {
            uint32_t h = hash3(in + i);
            int chain = 0;
            for (int32_t cand = head[h]; cand >= 0 && i - (size_t)cand <= WINDOW && chain < 32;
                 cand = prev[cand % WINDOW], chain++) {
                size_t len = 0;
                while (i + len < n && len < MAX_MATCH && in[cand + len] == in[i + len]) len++;
                if (len > best_len) best_len = len, best_dist = i - (size_t)cand;
            }
            prev[i % WINDOW] = head[h];
            head[h] = (int32_t)i;
        }
        if (best_len >= MIN_MATCH) {
            o = flush_literals(out, o, in + lit_start, i - lit_start);
            out[o++] = (uint8_t)(0x80 | (best_len - MIN_MATCH));
            out[o++] = (uint8_t)((best_dist - 1) & 0xFF);
            out[o++] = (uint8_t)((best_dist - 1) >> 8);
            (*matches)++;
            for (size_t k = 1; k < best_len; k++) { /* index the skipped positions too */
                if (i + k + MIN_MATCH <= n) {
                    uint32_t h = hash3(in + i + k);
                    prev[(i + k) % WINDOW] = head[h];
                    head[h] = (int32_t)(i + k);
                }
            }
            i += best_len;
            lit_start = i;
        } else {
            i++;
        }
    }
    return flush_literals(out, o, in + lit_start, n - lit_start);
}

static long decompress(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        uint8_t t = in[i++];
        if ((t & 0x80) == 0) {
            size_t run = (size_t)t + 1;
            if (i + run > n || o + run > cap) return -1;
            memcpy(out + o, in + i, run);
            o += run, i += run;
        } else {
            if (i + 2 > n) return -1;
            size_t len = (size_t)(t & 0x7F) + MIN_MATCH, dist = (size_t)(in[i] | in[i + 1] << 8) + 1;
            i += 2;
            if (dist > o || o + len > cap) return -1;
            for (size_t k = 0; k < len; k++, o++) out[o] = out[o - dist]; /* byte by byte: overlap allowed */
        }
    }
    return (long)o;
}

static uint8_t input[6000], packed[7000], unpacked[6000];

static void round_trip(const char *name, size_t n)
{
    uint32_t matches;
    size_t c = compress(input, n, packed, &matches);
    long d = decompress(packed, c, unpacked, sizeof unpacked);
    int ok = d == (long)n && memcmp(input, unpacked, n) == 0;
    printf("lz: %-10s %4u -> %4u bytes, %u matches, packed digest %08x %s\n", name, (unsigned)n, (unsigned)c, matches,
           fnv1a(FNV_OFFSET, packed, c), ok ? "ok" : "MISMATCH");
    CHECK(ok);
}

int main(uint32_t magic, uint32_t info)
{
    (void)magic, (void)info;
    static const char *const words[] = { "partition ", "window ", "schedule ", "the ", "of ", "health ", "monitor ",
                                         "port ", "sampling ", "queuing ", "module ", "\n" };
    uint32_t seed = 0x17A5u;
    size_t n = 0;
    while (n < 5000) {
        const char *w = words[rng_next(&seed) % 12];
        size_t l = strlen(w);
        memcpy(input + n, w, l);
        n += l;
    }
    round_trip("words", n);
    for (size_t i = 0; i < 5000; i++) input[i] = (uint8_t)"abcabcabd"[i % 9];
    round_trip("periodic", 5000);
    memset(input, 'x', 5000);
    round_trip("constant", 5000);
    for (size_t i = 0; i < 3000; i++) input[i] = (uint8_t)rng_next(&seed);
    round_trip("random", 3000);
    round_trip("empty", 0);
    input[0] = 'q';
    round_trip("one", 1);
    /* a corrupted stream is rejected, not overrun */
    static const uint8_t bad[] = { 0x85, 0x10, 0x00 };
    CHECK(decompress(bad, sizeof bad, unpacked, sizeof unpacked) == -1);
    return prog_finish("lz");
}
