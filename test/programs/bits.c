/* Bit tricks: population count, leading/trailing zeros (loops against gcc's bsr/bsf builtins), bit
 * reversal, rotations, byte swaps, parity, Gray code, power-of-two rounding, next permutation of a bit
 * pattern, Morton interleaving and a bitset sieve, each checked two ways where two ways exist. */
#include "prog.h"

static int popcount_loop(uint32_t x)
{
    int n = 0;
    for (; x != 0; x >>= 1) n += (int)(x & 1);
    return n;
}

static int popcount_swar(uint32_t x)
{
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0Fu;
    return (int)((x * 0x01010101u) >> 24);
}

static int popcount_kernighan(uint64_t x)
{
    int n = 0;
    for (; x != 0; x &= x - 1) n++;
    return n;
}

static int clz_loop(uint32_t x)
{
    int n = 0;
    for (uint32_t m = 0x80000000u; m != 0 && (x & m) == 0; m >>= 1) n++;
    return n;
}

static int ctz_loop(uint32_t x)
{
    int n = 0;
    for (uint32_t m = 1; m != 0 && (x & m) == 0; m <<= 1) n++;
    return n;
}

static uint32_t reverse_loop(uint32_t x)
{
    uint32_t r = 0;
    for (int i = 0; i < 32; i++) r = (r << 1) | ((x >> i) & 1);
    return r;
}

static uint32_t reverse_swap(uint32_t x)
{
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
    x = ((x >> 8) & 0x00FF00FFu) | ((x & 0x00FF00FFu) << 8);
    return (x >> 16) | (x << 16);
}

static uint32_t bswap_shift(uint32_t x)
{
    return (x >> 24) | ((x >> 8) & 0xFF00u) | ((x << 8) & 0xFF0000u) | (x << 24);
}

static uint32_t rotl(uint32_t x, unsigned k) { return (x << (k & 31)) | (x >> ((32 - k) & 31)); }
static uint32_t rotr(uint32_t x, unsigned k) { return (x >> (k & 31)) | (x << ((32 - k) & 31)); }

static int parity(uint32_t x)
{
    x ^= x >> 16;
    x ^= x >> 8;
    x ^= x >> 4;
    return (0x6996 >> (x & 15)) & 1;
}

static uint32_t gray(uint32_t x) { return x ^ (x >> 1); }

static uint32_t gray_inverse(uint32_t g)
{
    for (uint32_t s = 1; s < 32; s <<= 1) g ^= g >> s;
    return g;
}

static uint32_t round_up_pow2(uint32_t x)
{
    x--;
    x |= x >> 1, x |= x >> 2, x |= x >> 4, x |= x >> 8, x |= x >> 16;
    return x + 1;
}

/* next larger number with the same number of set bits (Gosper's hack) */
static uint32_t next_same_bits(uint32_t v)
{
    uint32_t t = v | (v - 1);
    return (t + 1) | (((~t & -~t) - 1) >> (__builtin_ctz(v) + 1));
}

static uint32_t morton(uint16_t x, uint16_t y)
{
    uint32_t r = 0;
    for (int i = 0; i < 16; i++) r |= ((uint32_t)(x >> i) & 1) << (2 * i) | ((uint32_t)(y >> i) & 1) << (2 * i + 1);
    return r;
}

static uint32_t spread(uint32_t v)
{
    v &= 0xFFFF;
    v = (v | (v << 8)) & 0x00FF00FFu;
    v = (v | (v << 4)) & 0x0F0F0F0Fu;
    v = (v | (v << 2)) & 0x33333333u;
    v = (v | (v << 1)) & 0x55555555u;
    return v;
}

#define SIEVE_N 20000
static uint32_t sieve[SIEVE_N / 32 + 1];

int main(uint32_t magic, uint32_t info)
{
    (void)magic, (void)info;
    uint32_t seed = 0xB17B17u, h = FNV_OFFSET;
    int mismatches = 0;
    for (int i = 0; i < 1500; i++) {
        uint32_t x = rng_next(&seed) >> (i % 32);
        if (x == 0) x = 1;
        int p = popcount_loop(x);
        if (p != popcount_swar(x) || p != popcount_kernighan(x)) mismatches++;
        if (clz_loop(x) != __builtin_clz(x) || ctz_loop(x) != __builtin_ctz(x)) mismatches++;
        if (reverse_loop(x) != reverse_swap(x)) mismatches++;
        if (bswap_shift(x) != __builtin_bswap32(x)) mismatches++;
        if (rotr(rotl(x, (unsigned)i), (unsigned)i) != x) mismatches++;
        if (parity(x) != (p & 1)) mismatches++;
        if (gray_inverse(gray(x)) != x || popcount_swar(gray(x) ^ gray(x + 1)) != 1) mismatches++;
        h = fnv_u32(h, (uint32_t)p | (uint32_t)__builtin_clz(x) << 8 | (uint32_t)__builtin_ctz(x) << 16);
        h = fnv_u32(h, reverse_swap(x) ^ rotl(x, (unsigned)i) ^ gray(x));
    }
    printf("bits: 1500 values, mismatches=%d digest=%08x\n", mismatches, h);
    CHECK(mismatches == 0);

    uint64_t wide = 0xF0F0F0F0F0F0F0F0ull;
    printf("bits: popcount64=%d bswap64=%016llx\n", popcount_kernighan(wide),
           (unsigned long long)__builtin_bswap64(0x0102030405060708ull));
    CHECK(__builtin_bswap64(0x0102030405060708ull) == 0x0807060504030201ull);
    printf("bits: reverse(1)=%08x reverse(0xF00D)=%08x bswap(0x12345678)=%08x\n", reverse_swap(1), reverse_swap(0xF00D),
           bswap_shift(0x12345678u));
    CHECK(reverse_swap(1) == 0x80000000u && bswap_shift(0x12345678u) == 0x78563412u);

    printf("bits: pow2 roundup");
    static const uint32_t ups[] = { 1, 2, 3, 5, 17, 100, 1000, 65535, 65537, 0x40000001u };
    for (unsigned i = 0; i < sizeof ups / sizeof ups[0]; i++) {
        uint32_t r = round_up_pow2(ups[i]);
        printf(" %u", r);
        CHECK((r & (r - 1)) == 0 && r >= ups[i] && r / 2 < ups[i]);
    }
    printf("\n");

    /* every 5-of-10 bit pattern, in order */
    int combos = 0;
    uint32_t combo_digest = FNV_OFFSET;
    for (uint32_t v = 0x1F; v < (1u << 10); v = next_same_bits(v)) {
        CHECK(popcount_swar(v) == 5);
        combos++;
        combo_digest = fnv_u32(combo_digest, v);
    }
    printf("bits: C(10,5)=%d digest=%08x\n", combos, combo_digest);
    CHECK(combos == 252);

    uint32_t mdig = FNV_OFFSET;
    for (uint32_t y = 0; y < 64; y += 7)
        for (uint32_t x = 0; x < 64; x += 5) {
            uint32_t m = morton((uint16_t)x, (uint16_t)y);
            CHECK(m == (spread(x) | spread(y) << 1));
            mdig = fnv_u32(mdig, m);
        }
    printf("bits: morton(3,5)=%u morton(65535,0)=%08x digest=%08x\n", morton(3, 5), morton(65535, 0), mdig);

    for (uint32_t i = 2; i < SIEVE_N; i++) sieve[i / 32] |= 1u << (i % 32);
    for (uint32_t i = 2; i * i < SIEVE_N; i++)
        if (sieve[i / 32] & (1u << (i % 32)))
            for (uint32_t j = i * i; j < SIEVE_N; j += i) sieve[j / 32] &= ~(1u << (j % 32));
    int primes = 0;
    for (unsigned w = 0; w < sizeof sieve / sizeof sieve[0]; w++) primes += popcount_swar(sieve[w]);
    uint32_t last = 0;
    for (uint32_t i = SIEVE_N - 1; i > 0; i--)
        if (sieve[i / 32] & (1u << (i % 32))) {
            last = i;
            break;
        }
    printf("bits: primes below %d: %d, largest %u\n", SIEVE_N, primes, last);
    CHECK(primes == 2262 && last == 19997);
    return prog_finish("bits");
}
