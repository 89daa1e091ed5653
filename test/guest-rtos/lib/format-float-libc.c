/* Host program for format-float.test.ts: formats many doubles with the guest runtime's %f %e %g
 * (rt_vformat, format-float.c) and with the host C library's snprintf, and prints every difference.
 * Built with the host gcc and glibc; not a guest. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int rt_vformat(void (*emit)(void *ctx, char c), void *ctx, const char *fmt, va_list ap);

struct buf {
    char *p;
    size_t n;
};

static void emit(void *ctx, char c)
{
    struct buf *b = ctx;
    b->p[b->n++] = c;
    b->p[b->n] = 0;
}

static void ours(char *out, const char *fmt, ...)
{
    struct buf b = { out, 0 };
    out[0] = 0;
    va_list ap;
    va_start(ap, fmt);
    rt_vformat(emit, &b, fmt, ap);
    va_end(ap);
}

static uint64_t state = 88172645463325252ull;
static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

/* %#g is left out: glibc prints 1.e+06 for 999999.9 where C asks for 1.00000e+06 (rounding carry). */
static const char *const formats[] = { "%f", "%e", "%g", "%.0f", "%.0e", "%.0g", "%#.0f", "%.17g", "%.20e",
                                       "%12.3f", "%-12.3e|", "%+08.2f", "% g", "%010.4g", "%G", "%E", "%.3g",
                                       "%.10f", "%#.3e", "%.40f", "%.1g", "%.25g", "%#.0e", "%.100e" };

static int check(double v, long *tests)
{
    int bad = 0;
    for (unsigned j = 0; j < sizeof formats / sizeof formats[0]; j++) {
        char a[1200], b[1200];
        snprintf(a, sizeof a, formats[j], v);
        ours(b, formats[j], v);
        ++*tests;
        if (strcmp(a, b) != 0 && v == v) {
            bad++;
            printf("DIFF %s %a libc=[%s] ours=[%s]\n", formats[j], v, a, b);
        }
    }
    return bad;
}

int main(void)
{
    static const double special[] = { 0.0, -0.0, 1e308 * 10, -1e308 * 10, 5e-324, 1.7976931348623157e308, 0.5, 1.5,
                                      2.5, 0.125, 9.9999999, 999999.5, 0.00001, 0.0001, 123456789012345678.0,
                                      1e300, 1e-300, 0.05, 0.15, 0.25, 1e15 + 0.5, 2.2250738585072014e-308 };
    long tests = 0;
    int bad = 0;
    for (unsigned i = 0; i < sizeof special / sizeof special[0]; i++) bad += check(special[i], &tests);
    for (int i = 0; i < 5000 && bad < 20; i++) {
        uint64_t r = next();
        double v;
        switch (i % 3) {
        case 0: memcpy(&v, &r, sizeof v); break;                             /* any bit pattern */
        case 1: v = (double)(int64_t)(r % 2000001) / 1000.0 - 1000; break;    /* decimal-looking values */
        default: v = (double)(r % 100000) / 8.0; break;                       /* exact halves: ties */
        }
        bad += check(v, &tests);
    }
    printf("%ld formatted, %d differ\n", tests, bad);
    return bad != 0;
}
