/* The runtime's 64-bit division helpers called by name (__udivdi3, __umoddi3, __divdi3, __moddi3,
 * __udivmoddi4, __divmoddi4) and compared with the C operators: natively the operators are the x86-64
 * divide instruction, so the native run checks the helpers against hardware; the digests carry that
 * check over to the i386 builds, where gcc itself calls the helpers. */
#include "prog.h"

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
int64_t __divmoddi4(int64_t n, int64_t d, int64_t *rem);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);
int64_t __moddi3(int64_t n, int64_t d);

static uint32_t mix64(uint32_t h, uint64_t v)
{
    return fnv_u32(fnv_u32(h, (uint32_t)v), (uint32_t)(v >> 32));
}

/* divisor and dividend shapes that take each path of __udivmoddi4 */
static uint64_t shaped(uint32_t *seed, int shape)
{
    uint64_t v = (uint64_t)rng_next(seed) << 32 | rng_next(seed);
    switch (shape) {
    case 0: return v & 0xFFFFu;              /* small */
    case 1: return v & 0xFFFFFFFFu;          /* one word */
    case 2: return v >> (rng_next(seed) % 64); /* any magnitude */
    case 3: return v | 0x8000000000000000ull; /* top bit set */
    default: return (v & 0xFFFFFFFF00000000ull) | 0xFFFFFFFFu;
    }
}

int main(uint32_t magic, uint32_t info)
{
    (void)magic, (void)info;
    uint32_t seed = 0xD1F1DE5u;
    int bad = 0;
    for (int sn = 0; sn < 5; sn++) {
        for (int sd = 0; sd < 5; sd++) {
            uint32_t h = FNV_OFFSET;
            for (int i = 0; i < 60; i++) {
                volatile uint64_t n = shaped(&seed, sn), d = shaped(&seed, sd);
                if (d == 0) d = 3;
                uint64_t r, q = __udivmoddi4(n, d, &r);
                if (q != n / d || r != n % d || __udivdi3(n, d) != q || __umoddi3(n, d) != r) bad++;
                volatile int64_t sn64 = (int64_t)n, sd64 = (int64_t)d;
                if (sn64 == INT64_MIN && sd64 == -1) sd64 = 1; /* the one overflowing quotient */
                int64_t srem, sq = __divmoddi4(sn64, sd64, &srem);
                if (sq != sn64 / sd64 || srem != sn64 % sd64 || __divdi3(sn64, sd64) != sq || __moddi3(sn64, sd64) != srem) bad++;
                h = mix64(mix64(mix64(mix64(h, q), r), (uint64_t)sq), (uint64_t)srem);
            }
            printf("divhelpers: shapes %d/%d digest=%08x\n", sn, sd, h);
        }
    }
    printf("divhelpers: mismatches=%d\n", bad);
    CHECK(bad == 0);
    uint64_t r;
    CHECK(__udivmoddi4(UINT64_MAX, 1, &r) == UINT64_MAX && r == 0);
    CHECK(__udivmoddi4(UINT64_MAX, UINT64_MAX, &r) == 1 && r == 0);
    CHECK(__udivmoddi4(5, UINT64_MAX, &r) == 0 && r == 5);
    CHECK(__udivmoddi4(0x100000000ull, 0xFFFFFFFFull, &r) == 1 && r == 1);
    CHECK(__divdi3(INT64_MIN, 2) == INT64_MIN / 2 && __moddi3(INT64_MIN, 3) == -2);
    CHECK(__divdi3(-7, 2) == -3 && __moddi3(-7, 2) == -1 && __divdi3(7, -2) == -3 && __moddi3(7, -2) == 1);
    return prog_finish("divhelpers");
}
