/* Matrix code in float and double: products, Gaussian elimination with partial pivoting, inverse and
 * residual, determinant, power iteration for the largest eigenvalue, all printed and digested bit for bit. */
#include "fp.h"

#define N 8

typedef double mat[N][N];

static void hilbert_like(mat a, uint32_t seed)
{
    uint32_t s = seed;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) a[i][j] = 1.0 / (i + j + 1) + (double)(rng_next(&s) % 1000) / 8192.0;
}

static void mul(mat c, mat a, mat b)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
}

/* Inverts a into inv by Gauss-Jordan with partial pivoting; returns the determinant (0 when singular). */
static double invert(mat a_in, mat inv)
{
    mat a;
    memcpy(a, a_in, sizeof a);
    double det = 1;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) inv[i][j] = i == j;
    for (int col = 0; col < N; col++) {
        int p = col;
        for (int r = col + 1; r < N; r++)
            if (fp_abs(a[r][col]) > fp_abs(a[p][col])) p = r;
        if (a[p][col] == 0) return 0;
        if (p != col) {
            det = -det;
            for (int j = 0; j < N; j++) {
                double t = a[p][j]; a[p][j] = a[col][j]; a[col][j] = t;
                t = inv[p][j]; inv[p][j] = inv[col][j]; inv[col][j] = t;
            }
        }
        double piv = a[col][col];
        det *= piv;
        for (int j = 0; j < N; j++) {
            a[col][j] /= piv;
            inv[col][j] /= piv;
        }
        for (int r = 0; r < N; r++) {
            if (r == col) continue;
            double f = a[r][col];
            for (int j = 0; j < N; j++) {
                a[r][j] -= f * a[col][j];
                inv[r][j] -= f * inv[col][j];
            }
        }
    }
    return det;
}

static uint32_t digest(uint32_t h, mat a)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) h = fnv_double(h, a[i][j]);
    return h;
}

static void doubles(void)
{
    mat a, inv, prod;
    hilbert_like(a, 12345);
    double det = invert(a, inv);
    mul(prod, a, inv);
    double resid = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) resid += fp_abs(prod[i][j] - (i == j));
    printf("det %.17g residual %.6e\n", det, resid);
    printf("inv[0][0..3] %.12g %.12g %.12g %.12g\n", inv[0][0], inv[0][1], inv[0][2], inv[0][3]);
    printf("digest a %08x inv %08x prod %08x\n", (unsigned)digest(FNV_OFFSET, a), (unsigned)digest(FNV_OFFSET, inv),
           (unsigned)digest(FNV_OFFSET, prod));
    CHECK(det != 0 && resid < 1e-6);

    /* power iteration on a*a^T (symmetric positive): the largest eigenvalue and its Rayleigh quotient */
    mat at, s;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) at[i][j] = a[j][i];
    mul(s, a, at);
    double v[N], w[N], lambda = 0;
    for (int i = 0; i < N; i++) v[i] = 1;
    for (int it = 0; it < 200; it++) {
        double norm = 0;
        for (int i = 0; i < N; i++) {
            w[i] = 0;
            for (int j = 0; j < N; j++) w[i] += s[i][j] * v[j];
            norm += w[i] * w[i];
        }
        norm = fp_sqrt(norm);
        for (int i = 0; i < N; i++) v[i] = w[i] / norm;
        lambda = norm;
    }
    printf("largest eigenvalue of a*a^T %.15g, v[0] %.15f\n", lambda, v[0]);
    CHECK(lambda > 1);
}

static void floats(void)
{
    float a[N][N], b[N][N], c[N][N];
    uint32_t s = 777, h = FNV_OFFSET;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = (float)(int32_t)(rng_next(&s) % 2001 - 1000) / 64.0f;
            b[i][j] = 1.0f / (float)(i + 2 * j + 1);
        }
    for (int rep = 0; rep < 10; rep++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                float sum = 0;
                for (int k = 0; k < N; k++) sum += a[i][k] * b[k][j];
                c[i][j] = sum;
            }
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                a[i][j] = c[i][j] * 0.5f + a[i][j] * 0.25f;
                h = fnv_float(h, a[i][j]);
            }
    }
    printf("float product c[0][0] %.9g c[7][7] %.9g digest %08x\n", (double)c[0][0], (double)c[N - 1][N - 1], (unsigned)h);
    float trace = 0;
    for (int i = 0; i < N; i++) trace += c[i][i];
    printf("float trace %e\n", (double)trace);
}

int main(uint32_t magic, uint32_t info)
{
    (void)magic, (void)info;
    doubles();
    floats();
    return prog_finish("fmatrix");
}
