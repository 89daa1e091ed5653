/* Arbitrary-precision integers in base 10^9 limbs: factorials, powers of two, Fibonacci numbers,
 * schoolbook multiplication and division by a word (64-by-32 divisions, i.e. __udivdi3 on i386),
 * checked against known decimal expansions and identities. */
#include "prog.h"

#define LIMBS 64
#define BASE 1000000000u

struct big { uint32_t d[LIMBS]; int n; }; /* little-endian limbs, n >= 1 */

static void big_set(struct big *a, uint32_t v)
{
    memset(a, 0, sizeof *a);
    a->d[0] = v % BASE;
    a->d[1] = v / BASE;
    a->n = a->d[1] ? 2 : 1;
}

static void big_mul_small(struct big *a, uint32_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->d[i] * m + carry;
        a->d[i] = (uint32_t)(t % BASE);
        carry = t / BASE;
    }
    while (carry != 0 && a->n < LIMBS) {
        a->d[a->n++] = (uint32_t)(carry % BASE);
        carry /= BASE;
    }
}

static void big_add(struct big *r, const struct big *a, const struct big *b)
{
    uint32_t carry = 0;
    int n = a->n > b->n ? a->n : b->n;
    for (int i = 0; i < n; i++) {
        uint32_t t = (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0) + carry;
        carry = t >= BASE;
        r->d[i] = carry ? t - BASE : t;
    }
    r->n = n;
    if (carry && n < LIMBS) r->d[r->n++] = 1;
}

static void big_mul(struct big *r, const struct big *a, const struct big *b)
{
    uint64_t acc[2 * LIMBS] = { 0 };
    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n && i + j < 2 * LIMBS - 1; j++) {
            acc[i + j] += (uint64_t)a->d[i] * b->d[j];
            if (acc[i + j] >= 8000000000000000000ull) { /* keep headroom: push the excess up */
                acc[i + j + 1] += acc[i + j] / BASE;
                acc[i + j] %= BASE;
            }
        }
    uint64_t carry = 0;
    int n = a->n + b->n;
    if (n > LIMBS) n = LIMBS;
    for (int k = 0; k < n; k++) {
        uint64_t t = acc[k] + carry;
        r->d[k] = (uint32_t)(t % BASE);
        carry = t / BASE;
    }
    r->n = n;
    while (r->n > 1 && r->d[r->n - 1] == 0) r->n--;
}

/* a /= m, returns the remainder: each step divides a 64-bit value by a 32-bit one */
static uint32_t big_div_small(struct big *a, uint32_t m)
{
    uint64_t rem = 0;
    for (int i = a->n - 1; i >= 0; i--) {
        uint64_t cur = rem * BASE + a->d[i];
        a->d[i] = (uint32_t)(cur / m);
        rem = cur % m;
    }
    while (a->n > 1 && a->d[a->n - 1] == 0) a->n--;
    return (uint32_t)rem;
}

static int big_cmp(const struct big *a, const struct big *b)
{
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    for (int i = a->n - 1; i >= 0; i--)
        if (a->d[i] != b->d[i]) return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

static char text[LIMBS * 9 + 1];

static const char *big_str(const struct big *a)
{
    int p = snprintf(text, sizeof text, "%u", a->d[a->n - 1]);
    for (int i = a->n - 2; i >= 0; i--) p += snprintf(text + p, sizeof text - (size_t)p, "%09u", a->d[i]);
    return text;
}

static int digit_sum(const struct big *a)
{
    int s = 0;
    for (const char *p = big_str(a); *p != '\0'; p++) s += *p - '0';
    return s;
}

static struct big a, b, c, t;

int main(uint32_t magic, uint32_t info)
{
    (void)magic, (void)info;
    big_set(&a, 1);
    for (uint32_t i = 2; i <= 50; i++) big_mul_small(&a, i);
    printf("bigint: 50! = %s\n", big_str(&a));
    CHECK(strcmp(text, "30414093201713378043612608166064768844377641568960512000000000000") == 0);
    for (uint32_t i = 51; i <= 100; i++) big_mul_small(&a, i);
    printf("bigint: 100! has %u digits, digit sum %d\n", (unsigned)strlen(big_str(&a)), digit_sum(&a));
    CHECK(strlen(big_str(&a)) == 158 && digit_sum(&a) == 648);
    for (uint32_t i = 100; i >= 2; i--) CHECK(big_div_small(&a, i) == 0);
    CHECK(a.n == 1 && a.d[0] == 1);

    big_set(&b, 1);
    for (int i = 0; i < 256; i++) big_mul_small(&b, 2);
    printf("bigint: 2^256 = %s\n", big_str(&b));
    CHECK(strcmp(text, "115792089237316195423570985008687907853269984665640564039457584007913129639936") == 0);
    big_mul(&c, &b, &b);
    printf("bigint: 2^512 = %s\n", big_str(&c));
    big_set(&t, 1);
    for (int i = 0; i < 512; i++) big_mul_small(&t, 2);
    CHECK(big_cmp(&c, &t) == 0);
    uint32_t r7 = big_div_small(&t, 7), r13 = big_div_small(&t, 1000000007u);
    printf("bigint: 2^512 mod 7 = %u, (2^512 div 7) mod 1000000007 = %u\n", r7, r13);
    CHECK(r7 == 4); /* 2^3 = 1 mod 7 and 512 = 3*170 + 2 */

    /* F(300) by iteration, then Cassini's identity F(n-1)F(n+1) - F(n)^2 = (-1)^n at n = 300 */
    big_set(&a, 0);
    big_set(&b, 1);
    for (int i = 0; i < 300; i++) {
        big_add(&t, &a, &b);
        a = b;
        b = t;
    }
    printf("bigint: F(300) = %s\n", big_str(&a));
    CHECK(strcmp(text, "222232244629420445529739893461909967206666939096499764990979600") == 0);
    struct big prev, next, sq, prod;
    big_set(&prev, 0);
    big_set(&next, 1);
    for (int i = 0; i < 299; i++) {
        big_add(&t, &prev, &next);
        prev = next;
        next = t;
    } /* prev = F(299), next = F(300) */
    big_add(&t, &prev, &next); /* F(301) */
    big_mul(&prod, &prev, &t);
    big_mul(&sq, &next, &next);
    big_set(&t, 1);
    big_add(&c, &sq, &t);
    printf("bigint: F(299)*F(301) = %s\n", big_str(&prod));
    CHECK(big_cmp(&prod, &c) == 0);

    /* 3^200 by squaring versus repeated multiplication */
    big_set(&a, 3);
    big_set(&b, 1);
    for (int bit = 7; bit >= 0; bit--) {
        big_mul(&t, &b, &b);
        b = t;
        if ((200 >> bit) & 1) {
            big_mul(&t, &b, &a);
            b = t;
        }
    }
    big_set(&c, 1);
    for (int i = 0; i < 200; i++) big_mul_small(&c, 3);
    printf("bigint: 3^200 = %s\n", big_str(&b));
    CHECK(big_cmp(&b, &c) == 0);
    return prog_finish("bigint");
}
