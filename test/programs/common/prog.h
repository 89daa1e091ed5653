/* Helpers shared by the test programs: a checked-expectation counter, a seeded generator and an FNV-1a
 * digest for transcripts. Header-only; every program includes it once. Output never depends on the
 * width of long or of pointers, so the transcript is the same on i386 and x86-64. */
#ifndef PROG_H
#define PROG_H

#include <stdint.h>
#include <stddef.h>
#include <rt/platform.h>
#include <rt/stdio.h>
#include <rt/string.h>

static int prog_failures;

/* Records a failed expectation with its line; the transcript shows it and the program exits non-zero. */
#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            prog_failures++;                                               \
            printf("FAIL line %d: %s\n", __LINE__, #cond);                 \
        }                                                                  \
    } while (0)

/* Ends a program: prints the verdict line and returns main's status (0 when every CHECK held). */
static inline int prog_finish(const char *name)
{
    if (prog_failures == 0) printf("%s: PASS\n", name);
    else printf("%s: FAIL (%d)\n", name, prog_failures);
    return prog_failures == 0 ? 0 : 1;
}

/* xorshift32: deterministic pseudo-random numbers from a non-zero seed. */
static inline uint32_t rng_next(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

#define FNV_OFFSET 0x811C9DC5u
#define FNV_PRIME 0x01000193u

/* FNV-1a over bytes, continuing from `h` (start with FNV_OFFSET). */
static inline uint32_t fnv1a(uint32_t h, const void *data, size_t n)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * FNV_PRIME;
    return h;
}

/* FNV-1a of one 32-bit value, little-endian, continuing from `h`. */
static inline uint32_t fnv_u32(uint32_t h, uint32_t v)
{
    for (int i = 0; i < 4; i++) h = (h ^ ((v >> (8 * i)) & 0xFFu)) * FNV_PRIME;
    return h;
}

#endif
