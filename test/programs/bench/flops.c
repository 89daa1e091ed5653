/* Benchmark kernel: double-precision x87 arithmetic (the x87 speed row of bench:x87). Each round
 * multiplies two 12x12 matrices (3,456 flops), runs a 24-term Horner polynomial over 24 points (1,152)
 * and sqrt(y*y + 1) of each summed (96), and a damped update of a (432): 5,136 operations per round
 * (FLOPS_PER_ROUND in scripts/bench-x87.ts). */
#include "bench.h"

#define N 12
#define POINTS 24
#define TERMS 24

static double a[N][N], b[N][N], c[N][N], coef[TERMS], xs[POINTS];

const char bench_name[] = "flops";
const uint32_t bench_default_iterations = 400;

void bench_setup(void)
{
    uint32_t s = 7;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            s = s * 1664525u + 1013904223u;
            a[i][j] = (double)(int32_t)(s >> 20) / 4096.0;
            s = s * 1664525u + 1013904223u;
            b[i][j] = 1.0 / (double)(i + j + 1) + (double)(int32_t)(s >> 24) / 65536.0;
        }
    for (int k = 0; k < TERMS; k++) coef[k] = 1.0 / (double)(k + 1);
    for (int p = 0; p < POINTS; p++) xs[p] = (double)p / POINTS - 0.5;
}

static double fsqrt(double x)
{
    long double r;
    __asm__("fsqrt" : "=t"(r) : "0"((long double)x));
    return (double)r;
}

uint32_t bench_run(uint32_t iterations)
{
    uint32_t sum = 0;
    for (uint32_t it = 0; it < iterations; it++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                double acc = 0;
                for (int k = 0; k < N; k++) acc += a[i][k] * b[k][j];
                c[i][j] = acc;
            }
        double poly = 0;
        for (int p = 0; p < POINTS; p++) {
            double y = 0;
            for (int k = TERMS - 1; k >= 0; k--) y = y * xs[p] + coef[k];
            poly += fsqrt(y * y + 1.0);
        }
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) a[i][j] = a[i][j] * 0.5 + c[i][j] * 0.001;
        uint64_t bits;
        double v = poly + c[it % N][(it / N) % N];
        __builtin_memcpy(&bits, &v, sizeof bits);
        sum = sum * 31u + (uint32_t)bits + (uint32_t)(bits >> 32);
    }
    return sum;
}
