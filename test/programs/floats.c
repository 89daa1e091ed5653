/* float and double basics through printf: %f %e %g with flags, width and precision, special values,
 * float and double rounding, integer conversions, comparisons, accumulated sums and a digest of bits. */
#include "fp.h"

static volatile double vzero = 0.0; /* volatile: inf and nan made at run time, not folded */

static void formats(void)
{
    const double vals[] = { 0.0, 1.0, -1.5, 3.141592653589793, 2.718281828459045, 1e-5, 123456.789,
                            1e21, 6.02214076e23, 1.602176634e-19, 0.1, 0.5, 2.5, 1e100, 5e-324 };
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        double v = vals[i];
        printf("[%f] [%e] [%g] [%.3f] [%.2e] [%.10g] [%12.4f] [%-12.3e] [%+g] [%08.2f] [%#.0f] [%G]\n",
               v, v, v, v, v, v, v, v, v, v, v, v);
    }
    double inf = 1.0 / vzero, nan = vzero / vzero;
    printf("inf [%f] [%e] [%g] [%8f] [%-8F|] -inf [%f]\n", inf, inf, inf, inf, inf, -inf);
    CHECK(nan != nan);
    CHECK(inf > 1e308 && -inf < -1e308);
    printf("-0.0 [%f] [%g] [%+.1e]\n", -0.0, -0.0, -0.0);
    printf("star [%*.*f] [%-*.*e|]\n", 10, 2, 3.14159, 12, 3, -2.5e-7);
}

static void float_rounding(void)
{
    float f = 0.1f, sum = 0.0f;
    double d = 0.1, dsum = 0.0;
    uint32_t h = FNV_OFFSET;
    for (int i = 0; i < 1000; i++) {
        sum += f;
        dsum += d;
        h = fnv_float(h, sum);
        h = fnv_double(h, dsum);
    }
    printf("sum float %.9g double %.17g digest %08x\n", (double)sum, dsum, (unsigned)h);
    CHECK(sum != 100.0f && fp_abs(dsum - 100.0) < 1e-9);
    float third = 1.0f / 3.0f;
    double dthird = 1.0 / 3.0;
    printf("thirds %.9g %.17g equal %d\n", (double)third, dthird, (double)third == dthird);
    volatile float big = 16777216.0f;
    float bp1 = big + 1.0f;
    printf("2^24+1 as float %.1f\n", (double)bp1);
    CHECK(bp1 == big);
}

static void conversions(void)
{
    const double vals[] = { 2.5, -2.5, 3.7, -3.7, 1e9, -1e9, 2147483647.9, 0.49999999999999994, 1e15 + 0.5 };
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        double v = vals[i];
        int64_t t = (int64_t)v;
        int32_t t32 = (v > -2147483648.0 && v < 2147483648.0) ? (int32_t)v : 0;
        printf("trunc %.17g -> %lld %d back %.17g\n", v, (long long)t, (int)t32, (double)t);
    }
    uint32_t h = FNV_OFFSET;
    for (int32_t i = -1000; i <= 1000; i += 7) {
        double d = (double)i / 7.0;
        float f = (float)d;
        h = fnv_double(h, d);
        h = fnv_float(h, f);
        h = fnv_u32(h, (uint32_t)(int32_t)(d * 100.0));
    }
    printf("conversion digest %08x\n", (unsigned)h);
    int64_t big = 9007199254740993LL; /* 2^53 + 1: not a double */
    double bd = (double)big;
    printf("2^53+1 -> %.1f\n", bd);
    CHECK(bd == 9007199254740992.0);
}

static void compares(void)
{
    double nan = vzero / vzero;
    int lt = 0, eq = 0, gt = 0, un = 0;
    const double xs[] = { -1.0, 0.0, -0.0, 1.0, nan, 1e-300, -1e-300 };
    for (unsigned i = 0; i < 7; i++)
        for (unsigned j = 0; j < 7; j++) {
            double a = xs[i], b = xs[j];
            if (a < b) lt++;
            if (a == b) eq++;
            if (a > b) gt++;
            if (!(a < b) && !(a == b) && !(a > b)) un++;
        }
    printf("compares lt=%d eq=%d gt=%d unordered=%d\n", lt, eq, gt, un);
    CHECK(lt == gt && un == 13 && eq == 8);
}

static void series(void)
{
    /* harmonic, alternating and geometric sums: the rounding of each step shows in the digits */
    double h = 0.0, alt = 0.0, geo = 0.0, term = 1.0;
    for (int k = 1; k <= 5000; k++) {
        h += 1.0 / k;
        alt += (k & 1 ? 4.0 : -4.0) / (2.0 * k - 1.0);
        geo += term;
        term *= 0.999;
    }
    printf("harmonic %.17g leibniz %.17g geometric %.17g\n", h, alt, geo);
    CHECK(fp_abs(alt - 3.14159265358979) < 1e-3);
    CHECK(fp_abs(geo - 1000.0 * (1.0 - 0.00672111195593)) < 1e-3 * 1000);
}

int main(uint32_t magic, uint32_t info)
{
    (void)magic, (void)info;
    formats();
    float_rounding();
    conversions();
    compares();
    series();
    return prog_finish("floats");
}
