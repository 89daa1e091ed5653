/* Math routines written here (no libm): square root by FSQRT and by Newton, exp, log, sin, cos, atan,
 * pow and hypot by range reduction and series; tables of values, identities checked with tolerances. */
#include "fp.h"

#define PI 3.14159265358979323846
#define LN2 0.69314718055994530942

/* Square root by Newton's method from a power-of-two guess, to compare with FSQRT. */
static double newton_sqrt(double x)
{
    if (x <= 0) return 0;
    double g = 1.0;
    while (g * g < x) g *= 2;
    while (g * g > 4 * x) g /= 2;
    for (int i = 0; i < 60; i++) g = 0.5 * (g + x / g);
    return g;
}

/* e^x: x = k ln2 + r with |r| <= ln2/2, Taylor series for e^r, then scaled by 2^k. */
static double my_exp(double x)
{
    if (x > 709) x = 709;
    if (x < -708) x = -708;
    int32_t k = (int32_t)(x / LN2 + (x < 0 ? -0.5 : 0.5));
    double r = x - k * LN2;
    double term = 1.0, sum = 1.0;
    for (int n = 1; n < 30; n++) {
        term *= r / n;
        sum += term;
    }
    for (; k > 0; k--) sum *= 2.0;
    for (; k < 0; k++) sum *= 0.5;
    return sum;
}

/* ln x: x = m 2^k with m in [sqrt(1/2), sqrt 2), then ln m = 2 atanh((m-1)/(m+1)). */
static double my_log(double x)
{
    if (x <= 0) return -1e308;
    int32_t k = 0;
    while (x > 1.4142135623730951) x *= 0.5, k++;
    while (x < 0.7071067811865476) x *= 2.0, k--;
    double s = (x - 1) / (x + 1), s2 = s * s, term = s, sum = 0.0;
    for (int n = 1; n < 60; n += 2) {
        sum += term / n;
        term *= s2;
    }
    return 2 * sum + k * LN2;
}

/* sin and cos of a reduced argument |r| <= pi/4 by Taylor series. */
static double sin_r(double r)
{
    double r2 = r * r, term = r, sum = r;
    for (int n = 3; n < 30; n += 2) {
        term *= -r2 / ((n - 1) * n);
        sum += term;
    }
    return sum;
}

static double cos_r(double r)
{
    double r2 = r * r, term = 1.0, sum = 1.0;
    for (int n = 2; n < 30; n += 2) {
        term *= -r2 / ((n - 1) * n);
        sum += term;
    }
    return sum;
}

/* Reduces x by multiples of pi/2; returns the quadrant and leaves the remainder in *r. */
static int32_t reduce(double x, double *r)
{
    int32_t q = (int32_t)(x / (PI / 2) + (x < 0 ? -0.5 : 0.5));
    *r = x - q * (PI / 2);
    return q & 3;
}

static double my_sin(double x)
{
    double r;
    switch (reduce(x, &r)) {
    case 0: return sin_r(r);
    case 1: return cos_r(r);
    case 2: return -sin_r(r);
    default: return -cos_r(r);
    }
}

static double my_cos(double x)
{
    double r;
    switch (reduce(x, &r)) {
    case 0: return cos_r(r);
    case 1: return -sin_r(r);
    case 2: return -cos_r(r);
    default: return sin_r(r);
    }
}

/* atan: atan x = pi/2 - atan(1/x) for |x| > 1, then halve the angle twice and sum the series. */
static double my_atan(double x)
{
    if (x < 0) return -my_atan(-x);
    if (x > 1) return PI / 2 - my_atan(1 / x);
    for (int i = 0; i < 2; i++) x = x / (1 + fp_sqrt(1 + x * x));
    double x2 = x * x, term = x, sum = 0.0;
    for (int n = 1; n < 40; n += 2) {
        sum += term / n;
        term *= -x2;
    }
    return 4 * sum;
}

static double my_pow(double x, double y)
{
    return my_exp(y * my_log(x));
}

static uint32_t table(void)
{
    uint32_t h = FNV_OFFSET;
    printf("%6s %22s %22s %22s %22s\n", "x", "sqrt", "exp", "log", "atan");
    for (int32_t i = 1; i <= 40; i += 3) {
        double x = i * 0.25;
        double s = fp_sqrt(x), e = my_exp(x), l = my_log(x), a = my_atan(x);
        printf("%6.2f %22.17g %22.15e %22.17g %22.17g\n", x, s, e, l, a);
        h = fnv_double(fnv_double(fnv_double(fnv_double(h, s), e), l), a);
    }
    printf("%6s %22s %22s %22s\n", "deg", "sin", "cos", "sin^2+cos^2-1");
    for (int32_t deg = -360; deg <= 360; deg += 45) {
        double x = deg * (PI / 180);
        double s = my_sin(x), c = my_cos(x);
        printf("%6d %22.15f %22.15f %22.3e\n", (int)deg, s, c, s * s + c * c - 1);
        h = fnv_double(fnv_double(h, s), c);
    }
    return h;
}

static void identities(void)
{
    int bad = 0;
    for (int32_t i = 1; i <= 50; i++) {
        double x = i * 0.693;
        double sq = fp_sqrt(x);
        if (sq != newton_sqrt(x) && fp_abs(sq - newton_sqrt(x)) > 1e-15 * sq) bad++;
        if (fp_abs(my_log(my_exp(x / 10)) - x / 10) > 1e-13) bad++;
        double s = my_sin(x), c = my_cos(x);
        if (fp_abs(s * s + c * c - 1) > 1e-14) bad++;
        if (fp_abs(my_sin(2 * x) - 2 * s * c) > 1e-13) bad++;
        if (fp_abs(my_atan(s / c) - (x - PI * (int32_t)(x / PI + 0.5))) > 1e-12 && fp_abs(c) > 1e-3) bad++;
    }
    printf("identities: %d violations\n", bad);
    CHECK(bad == 0);
    CHECK(fp_abs(my_exp(1) - 2.718281828459045) < 1e-15);
    CHECK(fp_abs(4 * my_atan(1) - PI) < 1e-15);
    CHECK(fp_abs(my_pow(2, 0.5) - fp_sqrt(2)) < 1e-15);
    printf("pow(2,10)=%.17g pow(10,-3)=%.17g pow(3.5,2.25)=%.17g\n", my_pow(2, 10), my_pow(10, -3), my_pow(3.5, 2.25));
    printf("hypot(3,4)=%g sqrt(2)=%.20f sqrt(1e-300)=%g\n", fp_sqrt(3 * 3 + 4 * 4), fp_sqrt(2), fp_sqrt(1e-300));
}

int main(uint32_t magic, uint32_t info)
{
    (void)magic, (void)info;
    uint32_t h = table();
    printf("table digest %08x\n", (unsigned)h);
    identities();
    return prog_finish("mathfn");
}
