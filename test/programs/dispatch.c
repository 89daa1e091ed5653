/* Indirect control flow: a dense switch (a jump table at -O2) against the same operations through a
 * table of function pointers, a generic sort with comparator callbacks, "vtable" objects, a tokenizer
 * whose states are functions, functions returning functions, and variadic calls. */
#include <stdarg.h>
#include "prog.h"

typedef uint32_t (*binop)(uint32_t, uint32_t);

static uint32_t op_add(uint32_t a, uint32_t b) { return a + b; }
static uint32_t op_sub(uint32_t a, uint32_t b) { return a - b; }
static uint32_t op_mul(uint32_t a, uint32_t b) { return a * b; }
static uint32_t op_xor(uint32_t a, uint32_t b) { return a ^ b; }
static uint32_t op_and(uint32_t a, uint32_t b) { return a & b; }
static uint32_t op_or(uint32_t a, uint32_t b) { return a | b; }
static uint32_t op_shl(uint32_t a, uint32_t b) { return a << (b & 31); }
static uint32_t op_shr(uint32_t a, uint32_t b) { return a >> (b & 31); }
static uint32_t op_rol(uint32_t a, uint32_t b) { b &= 31; return b ? (a << b) | (a >> (32 - b)) : a; }
static uint32_t op_min(uint32_t a, uint32_t b) { return a < b ? a : b; }
static uint32_t op_max(uint32_t a, uint32_t b) { return a > b ? a : b; }
static uint32_t op_div(uint32_t a, uint32_t b) { return b ? a / b : 0; }
static uint32_t op_mod(uint32_t a, uint32_t b) { return b ? a % b : a; }
static uint32_t op_nand(uint32_t a, uint32_t b) { return ~(a & b); }
static uint32_t op_avg(uint32_t a, uint32_t b) { return (a & b) + ((a ^ b) >> 1); }
static uint32_t op_mix(uint32_t a, uint32_t b) { return (a * 0x9E3779B1u) ^ b; }

static const binop ops[16] = { op_add, op_sub, op_mul, op_xor, op_and, op_or, op_shl, op_shr,
                               op_rol, op_min, op_max, op_div, op_mod, op_nand, op_avg, op_mix };

static uint32_t apply_switch(unsigned k, uint32_t a, uint32_t b)
{
    switch (k) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a ^ b;
    case 4: return a & b;
    case 5: return a | b;
    case 6: return a << (b & 31);
    case 7: return a >> (b & 31);
    case 8: return (b & 31) ? (a << (b & 31)) | (a >> (32 - (b & 31))) : a;
    case 9: return a < b ? a : b;
    case 10: return a > b ? a : b;
    case 11: return b ? a / b : 0;
    case 12: return b ? a % b : a;
    case 13: return ~(a & b);
    case 14: return (a & b) + ((a ^ b) >> 1);
    case 15: return (a * 0x9E3779B1u) ^ b;
    default: return 0;
    }
}

/* generic sort over elements of any size, insertion sort with a comparator */
static void sort_any(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    unsigned char *b = base, tmp[32];
    for (size_t i = 1; i < n; i++) {
        memcpy(tmp, b + i * size, size);
        size_t j = i;
        while (j > 0 && cmp(b + (j - 1) * size, tmp) > 0) {
            memcpy(b + j * size, b + (j - 1) * size, size);
            j--;
        }
        memcpy(b + j * size, tmp, size);
    }
}

struct person { char name[12]; uint16_t age; int32_t score; };

static int by_name(const void *a, const void *b) { return strcmp(((const struct person *)a)->name, ((const struct person *)b)->name); }
static int by_age(const void *a, const void *b) { return ((const struct person *)a)->age - ((const struct person *)b)->age; }
static int by_score_desc(const void *a, const void *b)
{
    int32_t x = ((const struct person *)a)->score, y = ((const struct person *)b)->score;
    return (x < y) - (x > y);
}

/* objects with a table of operations */
struct shape;
struct shape_ops { const char *kind; int32_t (*area2)(const struct shape *); int32_t (*perimeter)(const struct shape *); };
struct shape { const struct shape_ops *ops; int32_t a, b, c; };

static int32_t rect_area2(const struct shape *s) { return 2 * s->a * s->b; }
static int32_t rect_perim(const struct shape *s) { return 2 * (s->a + s->b); }
static int32_t tri_area2(const struct shape *s) { return s->a * s->b; } /* right triangle, legs a and b */
static int32_t tri_perim(const struct shape *s) { return s->a + s->b + s->c; }
static int32_t sq_area2(const struct shape *s) { return 2 * s->a * s->a; }
static int32_t sq_perim(const struct shape *s) { return 4 * s->a; }

static const struct shape_ops rect_ops = { "rect", rect_area2, rect_perim };
static const struct shape_ops tri_ops = { "tri", tri_area2, tri_perim };
static const struct shape_ops sq_ops = { "square", sq_area2, sq_perim };

/* tokenizer: each state is a function returning the next state */
struct lexer;
typedef struct state_fn (*state_step)(struct lexer *);
struct state_fn { state_step step; };
struct lexer { const char *p; int idents, numbers, ops, spaces; uint32_t digest; };

static struct state_fn lex_start(struct lexer *l);
static struct state_fn lex_ident(struct lexer *l);
static struct state_fn lex_number(struct lexer *l);

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

static struct state_fn lex_start(struct lexer *l)
{
    char c = *l->p;
    if (c == '\0') return (struct state_fn){ NULL };
    if (is_alpha(c)) return (struct state_fn){ lex_ident };
    if (is_digit(c)) return (struct state_fn){ lex_number };
    if (c == ' ') l->spaces++;
    else l->ops++, l->digest = fnv1a(l->digest, l->p, 1);
    l->p++;
    return (struct state_fn){ lex_start };
}

static struct state_fn lex_ident(struct lexer *l)
{
    const char *s = l->p;
    while (is_alpha(*l->p) || is_digit(*l->p)) l->p++;
    l->idents++;
    l->digest = fnv1a(l->digest, s, (size_t)(l->p - s));
    return (struct state_fn){ lex_start };
}

static struct state_fn lex_number(struct lexer *l)
{
    uint32_t v = 0;
    while (is_digit(*l->p)) v = v * 10 + (uint32_t)(*l->p++ - '0');
    l->numbers++;
    l->digest = fnv_u32(l->digest, v);
    return (struct state_fn){ lex_start };
}

typedef uint32_t (*unary)(uint32_t);
static uint32_t twice(uint32_t x) { return 2 * x; }
static uint32_t square(uint32_t x) { return x * x; }
static uint32_t negate(uint32_t x) { return 0 - x; }
static unary pick(int which) { return which == 0 ? twice : which == 1 ? square : negate; }

static int64_t sum_varargs(int count, ...)
{
    va_list ap;
    va_start(ap, count);
    int64_t total = 0;
    for (int i = 0; i < count; i++) {
        int kind = va_arg(ap, int);
        total += kind == 0 ? (int64_t)va_arg(ap, int) : (int64_t)va_arg(ap, long long);
    }
    va_end(ap);
    return total;
}

int main(uint32_t magic, uint32_t info)
{
    (void)magic, (void)info;
    uint32_t seed = 0x5EED1234u, hs = FNV_OFFSET, hp = FNV_OFFSET;
    uint32_t count[16] = { 0 };
    for (int i = 0; i < 3000; i++) {
        uint32_t r = rng_next(&seed), a = rng_next(&seed), b = rng_next(&seed) >> (r & 15);
        unsigned k = (r >> 8) & 15;
        uint32_t x = apply_switch(k, a, b), y = ops[k](a, b);
        CHECK(x == y);
        count[k]++;
        hs = fnv_u32(hs, x);
        hp = fnv_u32(hp, y);
    }
    printf("dispatch: switch digest=%08x table digest=%08x\n", hs, hp);
    printf("dispatch: per-op counts");
    for (int k = 0; k < 16; k++) printf(" %u", count[k]);
    printf("\n");

    /* fold a value through every operation in a data-driven order */
    uint32_t acc = 1;
    static const uint8_t program[] = { 0, 2, 15, 8, 3, 14, 2, 12, 10, 6, 7, 1, 13, 11, 5, 4, 9 };
    for (unsigned i = 0; i < sizeof program; i++) acc = ops[program[i]](acc, 0x1234567u + i);
    printf("dispatch: fold=%08x\n", acc);

    struct person people[] = {
        { "mallory", 41, -5 }, { "alice", 30, 88 }, { "trent", 52, 70 }, { "bob", 25, 88 },
        { "eve", 35, 12 },     { "carol", 28, 95 }, { "dave", 30, 60 },  { "peggy", 19, 70 },
    };
    const size_t np = sizeof people / sizeof people[0];
    static const struct { const char *key; int (*cmp)(const void *, const void *); } orders[] = {
        { "name", by_name }, { "age", by_age }, { "score", by_score_desc } };
    for (unsigned o = 0; o < 3; o++) {
        sort_any(people, np, sizeof people[0], orders[o].cmp);
        printf("dispatch: by %-5s:", orders[o].key);
        for (size_t i = 0; i < np; i++) printf(" %s/%u/%d", people[i].name, people[i].age, people[i].score);
        printf("\n");
        for (size_t i = 1; i < np; i++) CHECK(orders[o].cmp(&people[i - 1], &people[i]) <= 0);
    }
    /* stable: equal scores keep the age order of the previous pass */
    CHECK(strcmp(people[1].name, "bob") == 0 && strcmp(people[2].name, "alice") == 0);

    const struct shape shapes[] = { { &rect_ops, 3, 4, 0 }, { &tri_ops, 3, 4, 5 }, { &sq_ops, 7, 0, 0 },
                                    { &rect_ops, 10, 1, 0 }, { &tri_ops, 5, 12, 13 } };
    int32_t total_area2 = 0, total_perim = 0;
    for (unsigned i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        const struct shape *s = &shapes[i];
        printf("dispatch: %-6s area*2=%d perimeter=%d\n", s->ops->kind, s->ops->area2(s), s->ops->perimeter(s));
        total_area2 += s->ops->area2(s);
        total_perim += s->ops->perimeter(s);
    }
    CHECK(total_area2 == 24 + 12 + 98 + 20 + 60 && total_perim == 14 + 12 + 28 + 22 + 30);

    struct lexer lx = { "let x1 = (alpha + 42) * beta_2 - 7; if x1 >= 100 { y = x1 / 3 }", 0, 0, 0, 0, FNV_OFFSET };
    int steps = 0;
    for (struct state_fn st = { lex_start }; st.step != NULL; st = st.step(&lx)) steps++;
    printf("dispatch: lexer idents=%d numbers=%d ops=%d spaces=%d steps=%d digest=%08x\n", lx.idents, lx.numbers, lx.ops,
           lx.spaces, steps, lx.digest);
    CHECK(lx.idents == 8 && lx.numbers == 4 && lx.ops == 13);

    uint32_t v = 3;
    for (int i = 0; i < 9; i++) v = pick(i % 3)(v);
    printf("dispatch: composed=%u\n", v);

    int64_t sv = sum_varargs(5, 0, 100, 1, 5000000000ll, 0, -7, 1, -6000000000ll, 0, 1);
    printf("dispatch: varargs sum=%lld\n", (long long)sv);
    CHECK(sv == -999999906ll);
    return prog_finish("dispatch");
}
