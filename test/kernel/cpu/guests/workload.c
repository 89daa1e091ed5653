/* CPU-bound mixed integer workload (sorting, CRC, sieve, 64-bit arithmetic, switch tables, bit
   scans, byte swaps, string routines). main() returns a checksum; the same file built for the host
   gives the reference value. ITERATIONS may be overridden with -DITERATIONS=n. */
#include <stdint.h>
#include <stddef.h>

#ifndef ITERATIONS
#define ITERATIONS 1
#endif

void *memcpy(void *d, const void *s, size_t n) { uint8_t *a = d; const uint8_t *b = s; while (n--) *a++ = *b++; return d; }
void *memset(void *d, int c, size_t n) { uint8_t *a = d; while (n--) *a++ = (uint8_t)c; return d; }
int memcmp(const void *x, const void *y, size_t n) { const uint8_t *a = x, *b = y; for (; n; n--, a++, b++) if (*a != *b) return *a - *b; return 0; }

static uint32_t seed = 12345;
static uint32_t rnd(void) { seed = seed * 1103515245u + 12345u; return seed >> 8; }

static uint32_t arr[512];
static uint8_t sieve[8192];
static char text[256];

static void isort(uint32_t *a, int n) {
  for (int i = 1; i < n; i++) { uint32_t v = a[i]; int j = i - 1; while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; } a[j + 1] = v; }
}

static void qsort_(int32_t *a, int lo, int hi) {
  while (lo < hi) {
    int32_t p = a[(lo + hi) / 2]; int i = lo, j = hi;
    while (i <= j) { while (a[i] < p) i++; while (a[j] > p) j--; if (i <= j) { int32_t t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; } }
    if (j - lo < hi - i) { qsort_(a, lo, j); lo = i; } else { qsort_(a, i, hi); hi = j; }
  }
}

static uint32_t crc32(const uint8_t *p, int n) {
  uint32_t c = 0xffffffffu;
  for (int i = 0; i < n; i++) { c ^= p[i]; for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1))); }
  return ~c;
}

static uint32_t primes(int n) {
  memset(sieve, 1, (size_t)n); uint32_t count = 0;
  for (int i = 2; i < n; i++) if (sieve[i]) { count += (uint32_t)i; for (int j = i * 2; j < n; j += i) sieve[j] = 0; }
  return count;
}

static uint64_t mix64(uint64_t x, uint32_t k) {
  x ^= x >> 33; x *= 0xff51afd7ed558ccdull; x ^= x >> 29; x += (uint64_t)k << 17; x = (x << 7) | (x >> 57);
  return x - ((int64_t)x < 0 ? 3 : 1);
}

static int32_t op(int which, int32_t a, int32_t b) {
  switch (which) {
    case 0: return a + b; case 1: return a - b; case 2: return (int32_t)((uint32_t)a * (uint32_t)b); case 3: return b ? a / b : 0;
    case 4: return b ? a % b : 0; case 5: return a & b; case 6: return a | b; case 7: return a ^ b;
    case 8: return (int32_t)((uint32_t)a << (b & 31)); case 9: return a >> (b & 31); case 10: return (int32_t)((uint32_t)a >> (b & 31));
    default: return a < b ? -1 : a > b;
  }
}

static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static uint32_t strwork(void) {
  const char *words[] = { "alpha", "beta", "gamma", "delta", "epsilon", "zeta" };
  uint32_t h = 0; int pos = 0;
  for (int i = 0; i < 6; i++) { const char *w = words[i]; while (*w && pos < 250) text[pos++] = *w++; text[pos++] = ' '; }
  text[pos] = 0;
  for (int i = 0; text[i]; i++) { char c = text[i]; if (c >= 'a' && c <= 'z') c = (char)(c - 32); h = h * 31 + (uint8_t)c; }
  return h ^ (uint32_t)memcmp(text, "alpha", 5);
}

struct rec { uint16_t a; uint8_t b; int8_t c; uint32_t d; };

uint32_t main(void) {
  uint32_t sum = 0;
  for (int it = 0; it < ITERATIONS; it++) {
    for (int i = 0; i < 512; i++) arr[i] = rnd();
    isort(arr, 128);
    qsort_((int32_t *)arr + 128, 0, 383);
    for (int i = 0; i < 512; i += 37) sum = sum * 7 + arr[i];
    sum ^= crc32((const uint8_t *)arr, 512);
    sum += primes(4000 + (it & 7));
    uint64_t x = 0x0123456789abcdefull + (uint64_t)it;
    for (uint32_t k = 0; k < 64; k++) x = mix64(x, k);
    sum += (uint32_t)x ^ (uint32_t)(x >> 32);
    for (int i = 0; i < 96; i++) sum += (uint32_t)op(i % 12, (int32_t)rnd() - 0x400000, (int32_t)(rnd() & 0xffff) - 0x7fff);
    sum += fib(15);
    uint32_t v = rnd() | 1;
    sum += (uint32_t)__builtin_clz(v) + (uint32_t)__builtin_ctz(v << 3) + __builtin_bswap32(v);
    struct rec r[8];
    for (int i = 0; i < 8; i++) { r[i].a = (uint16_t)rnd(); r[i].b = (uint8_t)rnd(); r[i].c = (int8_t)rnd(); r[i].d = rnd(); }
    struct rec copy[8]; memcpy(copy, r, sizeof r);
    for (int i = 0; i < 8; i++) sum += copy[i].a * (uint32_t)copy[i].c + copy[i].b - copy[i].d / ((uint32_t)copy[i].a + 1u);
    sum += strwork();
    int16_t s16 = (int16_t)sum; int8_t s8 = (int8_t)(sum >> 8);
    sum += (uint32_t)(s16 * s8) + (uint32_t)(uint16_t)(s16 / (s8 | 1));
  }
  return sum;
}
