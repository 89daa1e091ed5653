/* Benchmark kernel: integer matrix arithmetic. Each round multiplies two 24x24 matrices, adds a
 * scaled copy back and folds the result into the checksum (nested loops, multiplies, array indexing). */
#include "bench.h"

#define N 24

static int32_t a[N][N], b[N][N], c[N][N];

const char bench_name[] = "matrix";
const uint32_t bench_default_iterations = 550;

void bench_setup(void)
{
    uint32_t s = 99;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            s = s * 1664525u + 1013904223u;
            a[i][j] = (int32_t)(s >> 24) - 128;
            s = s * 1664525u + 1013904223u;
            b[i][j] = (int32_t)(s >> 24) - 128;
        }
}

uint32_t bench_run(uint32_t iterations)
{
    uint32_t sum = 0;
    for (uint32_t it = 0; it < iterations; it++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                int32_t acc = 0;
                for (int k = 0; k < N; k++) acc += a[i][k] * b[k][j];
                c[i][j] = acc;
            }
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                a[i][j] = (a[i][j] + (c[i][j] >> 12)) & 0xFF;
                a[i][j] -= 128;
                sum = sum * 31u + (uint32_t)c[i][j];
            }
    }
    return sum;
}
