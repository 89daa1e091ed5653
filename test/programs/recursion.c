/* Recursion: Ackermann, naive Fibonacci, Towers of Hanoi, N-queens, permutations, mutual recursion, a
 * recursive-descent expression evaluator and a recursive flood fill, each with known answers. */
#include "prog.h"

static uint32_t calls;

static uint32_t ackermann(uint32_t m, uint32_t n)
{
    calls++;
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static uint32_t fib(uint32_t n)
{
    calls++;
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint32_t hanoi_digest, hanoi_moves;

static void hanoi(int n, int from, int to, int via)
{
    if (n == 0) return;
    hanoi(n - 1, from, via, to);
    hanoi_moves++;
    hanoi_digest = fnv_u32(hanoi_digest, (uint32_t)(n << 8 | from << 4 | to));
    hanoi(n - 1, via, to, from);
}

static int queens_count(int n, int row, uint32_t cols, uint32_t diag1, uint32_t diag2)
{
    if (row == n) return 1;
    int total = 0;
    for (int c = 0; c < n; c++) {
        uint32_t d1 = 1u << (row + c), d2 = 1u << (row - c + n - 1);
        if ((cols & (1u << c)) || (diag1 & d1) || (diag2 & d2)) continue;
        total += queens_count(n, row + 1, cols | (1u << c), diag1 | d1, diag2 | d2);
    }
    return total;
}

static uint32_t perm_digest, perm_count;

static void permute(char *s, int k, int n)
{
    if (k == n) {
        perm_count++;
        perm_digest = fnv1a(perm_digest, s, (size_t)n);
        return;
    }
    for (int i = k; i < n; i++) {
        char t = s[k];
        s[k] = s[i];
        s[i] = t;
        permute(s, k + 1, n);
        s[i] = s[k];
        s[k] = t;
    }
}

static int is_odd(uint32_t n);
static int is_even(uint32_t n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(uint32_t n) { return n == 0 ? 0 : is_even(n - 1); }

/* expr := term (('+'|'-') term)*; term := factor (('*'|'/'|'%') factor)*; factor := number | '-' factor | '(' expr ')' */
static const char *cursor;
static int parse_error;

static int32_t parse_expr(void);

static void skip_blanks(void)
{
    while (*cursor == ' ') cursor++;
}

static int32_t parse_factor(void)
{
    skip_blanks();
    if (*cursor == '-') {
        cursor++;
        return -parse_factor();
    }
    if (*cursor == '(') {
        cursor++;
        int32_t v = parse_expr();
        skip_blanks();
        if (*cursor == ')') cursor++;
        else parse_error = 1;
        return v;
    }
    if (*cursor < '0' || *cursor > '9') {
        parse_error = 1;
        return 0;
    }
    int32_t v = 0;
    while (*cursor >= '0' && *cursor <= '9') v = v * 10 + (*cursor++ - '0');
    return v;
}

static int32_t parse_term(void)
{
    int32_t v = parse_factor();
    for (;;) {
        skip_blanks();
        char op = *cursor;
        if (op != '*' && op != '/' && op != '%') return v;
        cursor++;
        int32_t r = parse_factor();
        if ((op == '/' || op == '%') && r == 0) {
            parse_error = 1;
            return 0;
        }
        v = op == '*' ? v * r : op == '/' ? v / r : v % r;
    }
}

static int32_t parse_expr(void)
{
    int32_t v = parse_term();
    for (;;) {
        skip_blanks();
        if (*cursor == '+') cursor++, v += parse_term();
        else if (*cursor == '-') cursor++, v -= parse_term();
        else return v;
    }
}

static int32_t evaluate(const char *text, int *error)
{
    cursor = text;
    parse_error = 0;
    int32_t v = parse_expr();
    skip_blanks();
    *error = parse_error || *cursor != '\0';
    return v;
}

#define W 24
#define H 12
static char grid[H][W + 1];

static int flood(int y, int x, char from, char to)
{
    if (y < 0 || y >= H || x < 0 || x >= W || grid[y][x] != from) return 0;
    grid[y][x] = to;
    return 1 + flood(y + 1, x, from, to) + flood(y - 1, x, from, to) + flood(y, x + 1, from, to) + flood(y, x - 1, from, to);
}

int main(uint32_t magic, uint32_t info)
{
    (void)magic, (void)info;
    for (uint32_t n = 0; n <= 5; n++) {
        calls = 0;
        uint32_t a = ackermann(2, n), b = ackermann(3, n);
        printf("recursion: A(2,%u)=%u A(3,%u)=%u calls=%u\n", n, a, n, b, calls);
        CHECK(a == 2 * n + 3 && b == (1u << (n + 3)) - 3);
    }
    calls = 0;
    uint32_t f = fib(20);
    printf("recursion: fib(20)=%u calls=%u\n", f, calls);
    CHECK(f == 6765 && calls == 21891);

    hanoi_digest = FNV_OFFSET;
    hanoi(12, 1, 3, 2);
    printf("recursion: hanoi(12) moves=%u digest=%08x\n", hanoi_moves, hanoi_digest);
    CHECK(hanoi_moves == 4095);

    static const int known[] = { 1, 1, 0, 0, 2, 10, 4, 40, 92 };
    for (int n = 1; n <= 8; n++) {
        int q = queens_count(n, 0, 0, 0, 0);
        printf("recursion: queens(%d)=%d\n", n, q);
        CHECK(q == known[n]);
    }

    char letters[] = "abcdef";
    perm_digest = FNV_OFFSET;
    permute(letters, 0, 6);
    printf("recursion: permutations=%u digest=%08x back=%s\n", perm_count, perm_digest, letters);
    CHECK(perm_count == 720 && strcmp(letters, "abcdef") == 0);

    printf("recursion: even(1000)=%d odd(777)=%d even(777)=%d\n", is_even(1000), is_odd(777), is_even(777));
    CHECK(is_even(1000) && is_odd(777) && !is_even(777));

    static const struct { const char *text; int32_t value; } exprs[] = {
        { "1 + 2 * 3", 7 }, { "(1 + 2) * 3", 9 }, { "100 / 7 % 5", 4 }, { "-(3 - 10) * -2", -14 },
        { "2 * (3 + (4 - 1) * (5 + 6)) - 7", 65 }, { "((((((((1))))))))", 1 }, { "-7 / 2", -3 }, { "-7 % 2", -1 },
    };
    for (unsigned i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
        int err;
        int32_t v = evaluate(exprs[i].text, &err);
        printf("recursion: %s = %d%s\n", exprs[i].text, v, err ? " (error)" : "");
        CHECK(!err && v == exprs[i].value);
    }
    int err;
    evaluate("(1 + 2", &err);
    CHECK(err);
    evaluate("4 / (2 - 2)", &err);
    CHECK(err);

    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) grid[y][x] = (x == 8 || (y == 6 && x > 8) || (x * 3 + y * 5) % 17 == 7) ? '#' : '.';
        grid[y][W] = '\0';
    }
    int left = flood(0, 0, '.', 'a');
    int right = flood(0, W - 1, '.', 'b');
    int below = flood(H - 1, W - 1, '.', 'c');
    printf("recursion: flood regions %d %d %d\n", left, right, below);
    for (int y = 0; y < H; y += 3) printf("recursion: %s\n", grid[y]);
    CHECK(left > 0 && right > 0);
    return prog_finish("recursion");
}
