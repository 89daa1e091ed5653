/* Decimal conversion of doubles for the formatter (%f %e %g): exact, with round-half-to-even on the
 * exact binary value as glibc does, using integer arithmetic only (a small fixed-size big integer), so the
 * digits never depend on the FPU. It lays out the digits; padding and sign flags stay in format.c.
 * Built only into images with floating point (RT_FLOAT); precision is capped at RT_DTOA_MAX_PREC. */
#include <stdint.h>
#include <rt/dtoa.h>
#include <rt/string.h>

#define LIMBS 64 /* 2048 bits: m * 10^(prec + 324) and m * 2^971 * 10^prec both fit */
#define BILLION 1000000000u

struct big {
    uint32_t w[LIMBS]; /* little-endian limbs */
    int n;             /* limbs in use; w[n-1] != 0 unless n == 0 */
};

static void big_set(struct big *b, uint64_t v)
{
    b->n = 0;
    while (v != 0) {
        b->w[b->n++] = (uint32_t)v;
        v >>= 32;
    }
}

static void big_mul_small(struct big *b, uint32_t k)
{
    uint64_t carry = 0;
    for (int i = 0; i < b->n; i++) {
        uint64_t t = (uint64_t)b->w[i] * k + carry;
        b->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry != 0 && b->n < LIMBS) b->w[b->n++] = (uint32_t)carry;
}

static void big_add_one(struct big *b)
{
    for (int i = 0; i < b->n; i++)
        if (++b->w[i] != 0) return;
    if (b->n < LIMBS) b->w[b->n++] = 1;
}

/* b /= k; returns the remainder. */
static uint32_t big_div_small(struct big *b, uint32_t k)
{
    uint32_t rem = 0;
    for (int i = b->n - 1; i >= 0; i--) {
        uint64_t t = (uint64_t)rem << 32 | b->w[i];
        b->w[i] = (uint32_t)(t / k);
        rem = (uint32_t)(t % k);
    }
    while (b->n > 0 && b->w[b->n - 1] == 0) b->n--;
    return rem;
}

static void big_shl(struct big *b, int bits)
{
    for (; bits >= 16; bits -= 16) big_mul_small(b, 1u << 16);
    if (bits > 0) big_mul_small(b, 1u << bits);
}

/* b >>= bits; returns 1 when a non-zero bit was shifted out. */
static int big_shr(struct big *b, int bits)
{
    int sticky = 0;
    for (; bits >= 16; bits -= 16) sticky |= big_div_small(b, 1u << 16) != 0;
    if (bits > 0) sticky |= big_div_small(b, 1u << bits) != 0;
    return sticky;
}

static void big_mul_pow10(struct big *b, int n)
{
    for (; n >= 9; n -= 9) big_mul_small(b, BILLION);
    for (; n > 0; n--) big_mul_small(b, 10);
}

/* b /= 10^n; returns 1 when the division was inexact. */
static int big_div_pow10(struct big *b, int n)
{
    int sticky = 0;
    for (; n >= 9; n -= 9) sticky |= big_div_small(b, BILLION) != 0;
    for (; n > 0; n--) sticky |= big_div_small(b, 10) != 0;
    return sticky;
}

/* q = m * 2^e * 10^s rounded to an integer, ties to even. */
static void scale_round(struct big *q, uint64_t m, int e, int s)
{
    big_set(q, m);
    if (s > 0) big_mul_pow10(q, s);
    if (e > 0) big_shl(q, e);
    int div10 = s < 0 ? -s : 0;
    int div2 = e < 0 ? -e : 0;
    if (div10 == 0 && div2 == 0) return;
    int sticky;
    uint32_t last;
    if (div2 > 0) { /* divide by everything but one factor 2, then decide on the last bit */
        sticky = big_div_pow10(q, div10);
        sticky |= big_shr(q, div2 - 1);
        last = 2;
    } else {
        sticky = big_div_pow10(q, div10 - 1);
        last = 10;
    }
    uint32_t r = big_div_small(q, last);
    uint32_t half = last / 2;
    int odd = q->n > 0 && (q->w[0] & 1u);
    if (r > half || (r == half && (sticky || odd))) big_add_one(q);
}

/* Decimal digits of q, most significant first, at least one ("0"); returns their number. */
static int big_to_dec(struct big *q, char *out)
{
    char rev[LIMBS * 10 + 1];
    int n = 0;
    do {
        uint32_t chunk = big_div_small(q, BILLION);
        for (int i = 0; i < 9; i++) {
            rev[n++] = (char)('0' + chunk % 10);
            chunk /= 10;
        }
    } while (q->n > 0);
    while (n > 1 && rev[n - 1] == '0') n--;
    for (int i = 0; i < n; i++) out[i] = rev[n - 1 - i];
    return n;
}

/* floor(b * log10(2)) for |b| < 2^12, in integers (78913 / 2^18 = 0.30102997). */
static int floor_log10_pow2(int b)
{
    int32_t t = b * 78913;
    return t >= 0 ? t >> 18 : -((-t + (1 << 18) - 1) >> 18);
}

/* Exactly `digits` significant digits of m*2^e (m != 0) into out; returns the decimal exponent. */
static int sig_digits(uint64_t m, int e, int digits, char *out)
{
    int bitlen = 0;
    for (uint64_t t = m; t != 0; t >>= 1) bitlen++;
    int k = floor_log10_pow2(e + bitlen - 1);
    struct big q;
    for (;;) {
        scale_round(&q, m, e, digits - 1 - k);
        int n = big_to_dec(&q, out);
        if (n > digits) k++;
        else if (n < digits) k--;
        else return k;
    }
}

/* Appends the exponent part "e+05" style (at least two digits). */
static int put_exponent(char *p, int k, int upper)
{
    int n = 0;
    p[n++] = upper ? 'E' : 'e';
    p[n++] = k < 0 ? '-' : '+';
    unsigned a = (unsigned)(k < 0 ? -k : k);
    if (a >= 100) p[n++] = (char)('0' + a / 100);
    p[n++] = (char)('0' + a / 10 % 10);
    p[n++] = (char)('0' + a % 10);
    return n;
}

/* %f body of m*2^e with `prec` fraction digits. */
static int fixed(char *out, uint64_t m, int e, int prec, int alt)
{
    char d[RT_DTOA_BUF];
    struct big q;
    scale_round(&q, m, e, prec);
    int n = big_to_dec(&q, d);
    int total = n > prec ? n : prec + 1; /* leading zeros so at least one integer digit shows */
    int len = 0;
    for (int i = 0; i < total; i++) {
        if (i == total - prec) out[len++] = '.';
        out[len++] = i < total - n ? '0' : d[i - (total - n)];
    }
    if (prec == 0 && alt) out[len++] = '.';
    return len;
}

/* %e body with `prec` fraction digits. */
static int expo(char *out, uint64_t m, int e, int prec, int alt, int upper)
{
    char d[RT_DTOA_BUF];
    int k = 0;
    if (m == 0) memset(d, '0', (size_t)prec + 1);
    else k = sig_digits(m, e, prec + 1, d);
    int len = 0;
    out[len++] = d[0];
    if (prec > 0 || alt) out[len++] = '.';
    for (int i = 1; i <= prec; i++) out[len++] = d[i];
    return len + put_exponent(out + len, k, upper);
}

static int strip_zeros(char *out, int len)
{
    int dot = -1, exp_at = len;
    for (int i = 0; i < len; i++) {
        if (out[i] == '.') dot = i;
        if (out[i] == 'e' || out[i] == 'E') exp_at = i;
    }
    if (dot < 0) return len;
    int end = exp_at;
    while (end > dot + 1 && out[end - 1] == '0') end--;
    if (end == dot + 1) end = dot;
    memmove(out + end, out + exp_at, (size_t)(len - exp_at));
    return end + (len - exp_at);
}

int rt_dtoa(char *out, double v, char conv, int prec, int alt, int *negative)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    *negative = (int)(bits >> 63);
    int biased = (int)(bits >> 52) & 0x7FF;
    uint64_t frac = bits & ((1ull << 52) - 1);
    int upper = conv == 'F' || conv == 'E' || conv == 'G';
    if (biased == 0x7FF) {
        const char *t = frac != 0 ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
        memcpy(out, t, 3);
        return -3; /* not finite: no zero padding */
    }
    uint64_t m = biased == 0 ? frac : frac | (1ull << 52);
    int e = biased == 0 ? -1074 : biased - 1075;
    if (prec < 0) prec = 6;
    if (prec > RT_DTOA_MAX_PREC) prec = RT_DTOA_MAX_PREC;
    switch (conv) {
    case 'f':
    case 'F': return fixed(out, m, e, prec, alt);
    case 'e':
    case 'E': return expo(out, m, e, prec, alt, upper);
    default: break;
    }
    int p = prec == 0 ? 1 : prec; /* %g: P significant digits, style by the exponent X */
    char d[RT_DTOA_BUF];
    int x = m == 0 ? 0 : sig_digits(m, e, p, d);
    int len = (p > x && x >= -4) ? fixed(out, m, e, p - 1 - x, alt) : expo(out, m, e, p - 1, alt, upper);
    return alt ? len : strip_zeros(out, len);
}
