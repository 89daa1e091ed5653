/* 64-bit division helpers that gcc calls on i386 (__udivdi3 and friends, normally from libgcc, which this
 * machine does not have in 32-bit form). Only 32-bit divisions and 64-bit shifts/subtractions are used
 * here, so nothing recurses. Division by zero raises #DE like the hardware instruction would. */
#include <stdint.h>

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
int64_t __divmoddi4(int64_t n, int64_t d, int64_t *rem);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);
int64_t __moddi3(int64_t n, int64_t d);

static volatile uint32_t zero_divisor;

static int clz64(uint64_t v)
{
    uint32_t hi = (uint32_t)(v >> 32);
    return hi != 0 ? __builtin_clz(hi) : 32 + __builtin_clz((uint32_t)v);
}

/* n / d with d < 2^32 <= n: two 32-bit divides (the high word, then remainder:low word). */
static uint64_t div_by_word(uint64_t n, uint32_t d, uint64_t *rem)
{
    uint32_t nh = (uint32_t)(n >> 32), nl = (uint32_t)n;
    uint32_t qh = nh / d, r = nh % d, ql;
#if defined(__i386__)
    __asm__("divl %4" : "=a"(ql), "=d"(r) : "a"(nl), "d"(r), "rm"(d));
#else
    uint64_t low = ((uint64_t)r << 32) | nl; /* < d * 2^32, so the quotient fits 32 bits */
    ql = 0;
    for (int i = 31; i >= 0; i--) {
        if ((low >> i) >= d) {
            low -= (uint64_t)d << i;
            ql |= 1u << i;
        }
    }
    r = (uint32_t)low;
#endif
    *rem = r;
    return ((uint64_t)qh << 32) | ql;
}

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
    uint64_t q, r;
    if (d == 0) {
        q = (uint32_t)n / zero_divisor; /* #DE, as a divide instruction would raise */
        r = 0;
    } else if ((n >> 32) == 0 && (d >> 32) == 0) {
        q = (uint32_t)n / (uint32_t)d;
        r = (uint32_t)n % (uint32_t)d;
    } else if (d > n) {
        q = 0;
        r = n;
    } else if ((d >> 32) == 0) {
        q = div_by_word(n, (uint32_t)d, &r);
    } else {
        /* d >= 2^32 so the quotient is below 2^32: restoring division over at most 32 steps */
        int shift = clz64(d) - clz64(n);
        d <<= shift;
        q = 0;
        r = n;
        for (int i = 0; i <= shift; i++) {
            q <<= 1;
            if (r >= d) {
                r -= d;
                q |= 1;
            }
            d >>= 1;
        }
    }
    if (rem != 0) *rem = r;
    return q;
}

int64_t __divmoddi4(int64_t n, int64_t d, int64_t *rem)
{
    uint64_t un = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
    uint64_t ud = d < 0 ? 0 - (uint64_t)d : (uint64_t)d;
    uint64_t ur;
    uint64_t uq = __udivmoddi4(un, ud, &ur);
    /* C truncates toward zero: the quotient is negative when the signs differ, the remainder takes n's sign */
    if (rem != 0) *rem = n < 0 ? (int64_t)(0 - ur) : (int64_t)ur;
    return (n < 0) != (d < 0) ? (int64_t)(0 - uq) : (int64_t)uq;
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
    return __udivmoddi4(n, d, 0);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
    uint64_t r;
    __udivmoddi4(n, d, &r);
    return r;
}

int64_t __divdi3(int64_t n, int64_t d)
{
    return __divmoddi4(n, d, 0);
}

int64_t __moddi3(int64_t n, int64_t d)
{
    int64_t r;
    __divmoddi4(n, d, &r);
    return r;
}
