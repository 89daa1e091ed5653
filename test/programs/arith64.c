/* 64-bit arithmetic: division and remainder (the __udivdi3 family on i386) checked against the identity
 * n = q*d + r, signed rounding rules, shifts by every count, multiplication, modular exponentiation,
 * a deterministic Miller-Rabin and extreme values through printf. */
#include "prog.h"

static uint64_t rng64(uint32_t *s)
{
    uint64_t hi = rng_next(s);
    return hi << 32 | rng_next(s);
}

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m)
{
    return (a % m) * (b % m) % m; /* m < 2^32, so the product fits 64 bits */
}

static uint64_t powmod(uint64_t b, uint64_t e, uint64_t m)
{
    uint64_t r = 1 % m;
    b %= m;
    while (e > 0) {
        if (e & 1) r = mulmod(r, b, m);
        b = mulmod(b, b, m);
        e >>= 1;
    }
    return r;
}

/* Deterministic for n < 2^32 with bases 2, 7, 61. */
static int is_prime(uint32_t n)
{
    static const uint32_t bases[] = { 2, 7, 61 };
    if (n < 2) return 0;
    if (n % 2 == 0) return n == 2;
    uint64_t d = n - 1;
    int s = 0;
    while ((d & 1) == 0) d >>= 1, s++;
    for (int i = 0; i < 3; i++) {
        uint32_t a = bases[i];
        if (a % n == 0) continue;
        uint64_t x = powmod(a, d, n);
        if (x == 1 || x == n - 1) continue;
        int composite = 1;
        for (int r = 1; r < s && composite; r++) {
            x = mulmod(x, x, n);
            if (x == n - 1) composite = 0;
        }
        if (composite) return 0;
    }
    return 1;
}

static uint64_t isqrt64(uint64_t n)
{
    if (n < 2) return n;
    uint64_t x = n / 2, y = (x + n / x) / 2; /* start above the root without overflowing */
    while (y < x) {
        x = y;
        y = (x + n / x) / 2;
    }
    return x;
}

static void unsigned_division(void)
{
    uint32_t seed = 0x31415926u;
    uint32_t h = FNV_OFFSET;
    int bad = 0;
    for (int i = 0; i < 400; i++) {
        uint64_t n = rng64(&seed), d = rng64(&seed);
        d >>= rng_next(&seed) % 64; /* divisors of every magnitude */
        n >>= rng_next(&seed) % 64;
        if (d == 0) d = 1;
        uint64_t q = n / d, r = n % d;
        if (r >= d || q * d + r != n) bad++;
        h = fnv_u32(fnv_u32(h, (uint32_t)q), (uint32_t)(q >> 32));
        h = fnv_u32(fnv_u32(h, (uint32_t)r), (uint32_t)(r >> 32));
    }
    printf("arith64: udiv digest=%08x bad=%d\n", h, bad);
    CHECK(bad == 0);
    CHECK(UINT64_MAX / 3 == 0x5555555555555555ull);
    CHECK(1000000000000000000ull / 7 == 142857142857142857ull);
    CHECK(0x7FFFFFFFFFFFFFFFull % 1000000007ull == 291172003ull);
    CHECK(0xFFFFFFFF00000000ull / 0xFFFFFFFFull == 0x100000000ull);
    CHECK(0x123456789ABCDEF0ull % 0x100000000ull == 0x9ABCDEF0ull);
    volatile uint64_t big = 0xFEDCBA9876543210ull, div = 0x10000000Full;
    printf("arith64: %llx / %llx = %llx rem %llx\n", (unsigned long long)big, (unsigned long long)div,
           (unsigned long long)(big / div), (unsigned long long)(big % div));
}

static void signed_division(void)
{
    static const int64_t ns[] = { 7, -7, 1000000000007ll, -1000000000007ll, INT64_MAX, INT64_MIN + 1, 0, -1 };
    static const int64_t ds[] = { 2, -2, 3, -3, 1000003, -1000003, INT64_MAX, -1 };
    uint32_t h = FNV_OFFSET;
    for (unsigned i = 0; i < 8; i++) {
        for (unsigned j = 0; j < 8; j++) {
            volatile int64_t n = ns[i], d = ds[j];
            int64_t q = n / d, r = n % d;
            CHECK(q * d + r == n);
            CHECK(r == 0 || (r < 0) == (n < 0));
            h = fnv_u32(fnv_u32(h, (uint32_t)q), (uint32_t)((uint64_t)q >> 32));
            h = fnv_u32(fnv_u32(h, (uint32_t)r), (uint32_t)((uint64_t)r >> 32));
        }
    }
    volatile int64_t a = -1000000000007ll, b = 3;
    printf("arith64: sdiv digest=%08x  %lld/%lld=%lld rem %lld\n", h, (long long)a, (long long)b, (long long)(a / b),
           (long long)(a % b));
}

static void shifts(void)
{
    volatile uint64_t v = 0x8000000000000001ull;
    volatile int64_t s = -0x123456789ll;
    uint32_t h = FNV_OFFSET;
    for (int k = 0; k < 64; k++) {
        uint64_t l = v << k, r = v >> k;
        int64_t a = s >> k; /* gcc: arithmetic shift on both targets */
        h = fnv_u32(fnv_u32(h, (uint32_t)l), (uint32_t)(l >> 32));
        h = fnv_u32(fnv_u32(h, (uint32_t)r), (uint32_t)(r >> 32));
        h = fnv_u32(fnv_u32(h, (uint32_t)a), (uint32_t)((uint64_t)a >> 32));
    }
    CHECK((v << 63) == 0x8000000000000000ull);
    CHECK((v >> 63) == 1);
    CHECK((s >> 63) == -1);
    printf("arith64: shift digest=%08x\n", h);
}

static void multiply(void)
{
    uint64_t f[94];
    f[0] = 0, f[1] = 1;
    for (int i = 2; i < 94; i++) f[i] = f[i - 1] + f[i - 2];
    printf("arith64: fib(93)=%llu\n", (unsigned long long)f[93]);
    CHECK(f[93] == 12200160415121876738ull);
    uint64_t fact = 1;
    for (uint64_t i = 1; i <= 20; i++) fact *= i;
    printf("arith64: 20!=%llu\n", (unsigned long long)fact);
    CHECK(fact == 2432902008176640000ull);
    volatile uint32_t x = 0xFFFFFFFFu, y = 0xFFFFFFFEu;
    uint64_t wide = (uint64_t)x * y;
    printf("arith64: %u*%u=%llu\n", x, y, (unsigned long long)wide);
    CHECK(wide == 0xFFFFFFFD00000002ull);
    volatile int32_t neg = -123456789;
    int64_t ext = neg;
    CHECK(ext == -123456789ll && (uint64_t)ext == 0xFFFFFFFFF8A432EBull);
    uint64_t p = powmod(2, 1000000000ull, 1000000007ull);
    printf("arith64: 2^1e9 mod 1e9+7=%llu\n", (unsigned long long)p);
    CHECK(p == 140625001ull);
}

static void primes_and_roots(void)
{
    static const uint32_t candidates[] = { 2, 3, 561, 1105, 65537, 2147483647u, 4294967291u, 4294967295u, 3215031751u,
                                           1000000007u, 999999999u, 25326001u };
    for (unsigned i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
        printf("arith64: is_prime(%u)=%d\n", candidates[i], is_prime(candidates[i]));
    CHECK(is_prime(2147483647u) && is_prime(4294967291u) && !is_prime(3215031751u) && !is_prime(561));
    int count = 0;
    for (uint32_t n = 4294967295u - 300; n != 0; n++) count += is_prime(n);
    printf("arith64: primes in the top 300 of 2^32: %d\n", count);
    uint64_t r = isqrt64(UINT64_MAX);
    printf("arith64: isqrt(2^64-1)=%llu isqrt(10^18)=%llu\n", (unsigned long long)r,
           (unsigned long long)isqrt64(1000000000000000000ull));
    CHECK(r == 0xFFFFFFFFull);
}

int main(uint32_t magic, uint32_t info)
{
    (void)magic, (void)info;
    printf("arith64: extremes %lld %lld %llu %llx %llX\n", (long long)INT64_MIN, (long long)INT64_MAX,
           (unsigned long long)UINT64_MAX, (unsigned long long)0x0123456789ABCDEFull,
           (unsigned long long)0xFEDCBA9876543210ull);
    unsigned_division();
    signed_division();
    shifts();
    multiply();
    primes_and_roots();
    return prog_finish("arith64");
}
