/* The x87 instructions an i386 libm is built from, through inline assembly: FSIN, FCOS, FSINCOS, FPTAN, FPATAN,
 * F2XM1, FYL2X, FYL2XP1 (transcendentals), FRNDINT in each rounding mode, FSCALE, FXTRACT, FPREM, FPREM1 and 64-bit
 * FIST/FILD. Exact operations are digested bit for bit; transcendentals, which CPUs do not all round alike in the last
 * bit of the 64-bit result, are digested as floats (24 bits), and identities between them are checked to double
 * precision (qemu-system-i386 evaluates them in doubles). */
#include "fp.h"

typedef long double ld;

static ld x87_sin(ld x) { ld r; __asm__("fsin" : "=t"(r) : "0"(x)); return r; }
static ld x87_cos(ld x) { ld r; __asm__("fcos" : "=t"(r) : "0"(x)); return r; }
static ld x87_tan(ld x) { ld r, one; __asm__("fptan" : "=t"(one), "=u"(r) : "0"(x)); (void)one; return r; }
static void x87_sincos(ld x, ld *s, ld *c) { __asm__("fsincos" : "=t"(*c), "=u"(*s) : "0"(x)); }
/* atan2(y, x): FPATAN takes x in ST(0) and y in ST(1), and pops. */
static ld x87_atan2(ld y, ld x) { ld r; __asm__("fpatan" : "=t"(r) : "0"(x), "u"(y) : "st(1)"); return r; }
static ld x87_f2xm1(ld x) { ld r; __asm__("f2xm1" : "=t"(r) : "0"(x)); return r; }
static ld x87_yl2x(ld x, ld y) { ld r; __asm__("fyl2x" : "=t"(r) : "0"(x), "u"(y) : "st(1)"); return r; }
static ld x87_yl2xp1(ld x, ld y) { ld r; __asm__("fyl2xp1" : "=t"(r) : "0"(x), "u"(y) : "st(1)"); return r; }
static ld x87_scale(ld x, ld n) { ld r; __asm__("fscale" : "=t"(r) : "0"(x), "u"(n)); return r; }
static void x87_xtract(ld x, ld *sig, ld *exp) { __asm__("fxtract" : "=t"(*sig), "=u"(*exp) : "0"(x)); }
static ld x87_prem(ld x, ld y) { ld r; __asm__("1: fprem; fnstsw %%ax; testb $4, %%ah; jnz 1b" : "=t"(r) : "0"(x), "u"(y) : "ax"); return r; }
static ld x87_prem1(ld x, ld y) { ld r; __asm__("1: fprem1; fnstsw %%ax; testb $4, %%ah; jnz 1b" : "=t"(r) : "0"(x), "u"(y) : "ax"); return r; }

/* FRNDINT under rounding control `rc` (0 nearest, 1 down, 2 up, 3 toward zero): one asm statement, so that the
 * compiler can neither move FRNDINT out from between the control-word loads nor share it between modes. */
static ld x87_rndint(ld x, int rc)
{
    uint16_t cw, mode;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    mode = (uint16_t)((cw & ~0x0c00) | (rc << 10));
    ld r;
    __asm__ volatile("fldcw %1; frndint; fldcw %2" : "=t"(r) : "m"(mode), "m"(cw), "0"(x));
    return r;
}

/* FISTP m64 (nearest) and FILD m64. */
static int64_t x87_to_int64(ld x) { int64_t q; __asm__("fistpll %0" : "=m"(q) : "t"(x) : "st"); return q; }
static ld x87_from_int64(int64_t v) { ld r; __asm__("fildll %1" : "=t"(r) : "m"(v)); return r; }

/* The 80-bit value's ten bytes into the digest. */
static uint32_t fnv_ld(uint32_t h, ld v)
{
    return fnv1a(h, &v, 10);
}

#define PI 3.14159265358979323846

static uint32_t transcendentals(void)
{
    uint32_t h = FNV_OFFSET;
    int bad = 0;
    printf("%8s %16s %16s %16s %16s\n", "x", "sin", "cos", "tan", "atan2(x,1.5)");
    for (int32_t i = -40; i <= 40; i += 3) {
        ld x = i * 0.3125L;
        ld s = x87_sin(x), c = x87_cos(x), t = x87_tan(x), a = x87_atan2(x, 1.5L), s2, c2;
        x87_sincos(x, &s2, &c2);
        printf("%8.4f %16.9g %16.9g %16.9g %16.9g\n", (double)x, (double)(float)s, (double)(float)c, (double)(float)t, (double)(float)a);
        h = fnv_float(fnv_float(fnv_float(fnv_float(h, (float)s), (float)c), (float)t), (float)a);
        if (s2 != s || c2 != c) bad++; /* FSINCOS gives FSIN's and FCOS's results */
        if (fp_abs((double)(s * s + c * c - 1)) > 1e-15) bad++;
        if (fp_abs((double)(t * c - s)) > 1e-15 * (1 + fp_abs((double)t))) bad++;
    }
    printf("%8s %16s %16s %16s\n", "x", "2^x-1", "log2 x", "log2(1+x/8)");
    for (int32_t i = 1; i <= 31; i += 2) {
        ld x = i / 32.0L;
        ld e = x87_f2xm1(x), en = x87_f2xm1(-x), l = x87_yl2x(x * 7, 1), l1 = x87_yl2xp1(x / 8, 1);
        printf("%8.5f %16.9g %16.9g %16.9g\n", (double)x, (double)(float)e, (double)(float)l, (double)(float)l1);
        h = fnv_float(fnv_float(fnv_float(fnv_float(h, (float)e), (float)en), (float)l), (float)l1);
        if (fp_abs((double)((e + 1) * (en + 1) - 1)) > 1e-15) bad++; /* 2^x 2^-x = 1 */
        if (fp_abs((double)(x87_yl2x(e + 1, 1) - x)) > 1e-15) bad++;    /* log2 2^x = x */
    }
    printf("transcendental identities: %d violations\n", bad);
    CHECK(bad == 0);
    CHECK(fp_abs((double)(x87_atan2(1, 1) * 4 - PI)) < 1e-15 && fp_abs((double)(x87_atan2(0, -1) - PI)) < 1e-15);
    return h;
}

static uint32_t exact(void)
{
    uint32_t h = FNV_OFFSET;
    static const double xs[] = { 2.5, -2.5, 3.5, 0.5, -0.5, 0.49999999999999994, 1e15 + 0.5, -7.75, 123456789.125, 0.1 };
    printf("%24s %22s %22s %22s %22s\n", "x", "nearest", "down", "up", "chop");
    for (unsigned i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        ld r[4];
        for (int rc = 0; rc < 4; rc++) r[rc] = x87_rndint(xs[i], rc);
        printf("%24.17g %22.17g %22.17g %22.17g %22.17g\n", xs[i], (double)r[0], (double)r[1], (double)r[2], (double)r[3]);
        for (int rc = 0; rc < 4; rc++) h = fnv_ld(h, r[rc]);
    }
    uint32_t seed = 0x5eed;
    int bad = 0;
    for (int i = 0; i < 200; i++) {
        int32_t hi = (int32_t)rng_next(&seed);
        uint32_t lo = rng_next(&seed);
        ld x = (ld)hi * (ld)lo / 4096.0L;
        ld y = ((ld)(rng_next(&seed) % 100000) + 1) / 64.0L;
        ld r = x87_prem(x, y), r1 = x87_prem1(x, y), sig, ex;
        x87_xtract(x, &sig, &ex);
        int64_t q = x87_to_int64(x);
        h = fnv_ld(fnv_ld(fnv_ld(fnv_ld(h, r), r1), sig), ex);
        h = fnv1a(h, &q, sizeof q);
        if (x87_scale(sig, ex) != x) bad++;                    /* FSCALE undoes FXTRACT */
        if (x87_from_int64(q) != x87_rndint(x, 0)) bad++;      /* FILD of FISTP is FRNDINT */
        if (fp_abs((double)r) >= (double)y || fp_abs((double)r1) > (double)y / 2) bad++;
    }
    printf("fprem(1e300, 7)=%.17g fprem1(-10, 3)=%.17g scale(1.5, 100)=%.17g\n", (double)x87_prem(1e300, 7),
           (double)x87_prem1(-10, 3), (double)x87_scale(1.5, 100));
    printf("exact identities: %d violations\n", bad);
    CHECK(bad == 0);
    CHECK(x87_from_int64(INT64_MIN) == -9223372036854775808.0L);
    CHECK(x87_to_int64(-9223372036854775808.0L) == INT64_MIN);
    return h;
}

int main(uint32_t magic, uint32_t info)
{
    (void)magic, (void)info;
    printf("transcendentals digest %08x\n", (unsigned)transcendentals());
    printf("exact digest %08x\n", (unsigned)exact());
    return prog_finish("x87ops");
}
