/* String and memory routines: the runtime's mem and str functions (overlapping moves, comparisons,
 * searches), snprintf formatting against expected text, and string algorithms (KMP search, run-length
 * coding, word reversal, number parsing). */
#include "prog.h"

static void expect_fmt(const char *got, const char *want)
{
    int ok = strcmp(got, want) == 0;
    printf("strings: [%s]%s\n", got, ok ? "" : " MISMATCH");
    CHECK(ok);
}

static void formatting(void)
{
    char b[96];
    snprintf(b, sizeof b, "%d|%5d|%-5d|%05d|%+d|% d", 42, 42, 42, 42, 42, 42);
    expect_fmt(b, "42|   42|42   |00042|+42| 42");
    snprintf(b, sizeof b, "%d|%5d|%05d|%u", -42, -42, -42, 4000000000u);
    expect_fmt(b, "-42|  -42|-0042|4000000000");
    snprintf(b, sizeof b, "%x|%X|%08x|%#x|%#o|%o", 0xBEEFu, 0xBEEFu, 0xBEEFu, 255u, 8u, 8u);
    expect_fmt(b, "beef|BEEF|0000beef|0xff|010|10");
    snprintf(b, sizeof b, "%lld|%llu|%llx|%020llu", -1234567890123ll, 18446744073709551615ull, 0xDEADBEEFCAFEull,
             12345ull);
    expect_fmt(b, "-1234567890123|18446744073709551615|deadbeefcafe|00000000000000012345");
    snprintf(b, sizeof b, "%s|%8s|%-8s|%.3s|%c%c|%%|%5c", "abc", "abc", "abc", "abcdef", 'x', 'y', 'z');
    expect_fmt(b, "abc|     abc|abc     |abc|xy|%|    z");
    snprintf(b, sizeof b, "%*d|%-*d|%.*s|%.5d|%.0d|%p", 6, 7, 4, 9, 2, "hello", 42, 0, (void *)0x1234);
    expect_fmt(b, "     7|9   |he|00042||0x1234");
    snprintf(b, sizeof b, "%hhu|%hhd|%hu|%hd|%zu", 300, 200, 70000, 40000, (size_t)77);
    expect_fmt(b, "44|-56|4464|-25536|77");
    snprintf(b, sizeof b, "%d %d", -2147483647 - 1, 2147483647);
    expect_fmt(b, "-2147483648 2147483647");
    char small[8];
    int n = snprintf(small, sizeof small, "%s", "truncated text");
    printf("strings: truncation n=%d got=[%s]\n", n, small);
    CHECK(n == 14 && strcmp(small, "truncat") == 0);
    CHECK(snprintf(NULL, 0, "%d", 123456) == 6);
}

static void memory(void)
{
    char b[64];
    for (int i = 0; i < 64; i++) b[i] = (char)('A' + i % 26);
    memmove(b + 5, b, 20); /* overlap, destination above */
    CHECK(memcmp(b + 5, "ABCDEFGHIJKLMNOPQRST", 20) == 0);
    memmove(b, b + 7, 30); /* overlap, destination below */
    CHECK(memcmp(b, "CDEFGHIJKLMNOPQRSTZABCDEFGHIJK", 30) == 0);
    printf("strings: memmove -> %.30s\n", b);
    memset(b, 'z', 10);
    memset(b + 10, 0, 1);
    CHECK(strlen(b) == 10 && strnlen(b, 4) == 4);
    CHECK(memcmp("abc", "abd", 3) < 0 && memcmp("abd", "abc", 3) > 0 && memcmp("abc", "abc", 3) == 0);
    CHECK(memcmp("\x80", "\x01", 1) > 0); /* bytes compare unsigned */
    CHECK(memchr("hello", 'l', 5) != NULL && *(const char *)memchr("hello", 'l', 5) == 'l');
    CHECK(memchr("hello", 'z', 5) == NULL);
    CHECK(strcmp("apple", "apricot") < 0 && strcmp("b", "a") > 0 && strcmp("", "") == 0 && strcmp("ab", "abc") < 0);
    CHECK(strncmp("prefix-one", "prefix-two", 7) == 0 && strncmp("prefix-one", "prefix-two", 8) != 0);
    const char *path = "/usr/local/lib/libpv.a";
    CHECK(strcmp(strrchr(path, '/'), "/libpv.a") == 0 && strchr(path, 'l') == path + 5);
    CHECK(strchr(path, '\0') == path + strlen(path) && strchr(path, 'q') == NULL);
    char cat[32];
    strcpy(cat, "part");
    strcat(cat, "ition");
    strncpy(cat + 9, "-s", 4);
    CHECK(strcmp(cat, "partition-s") == 0 && cat[11] == '\0' && cat[12] == '\0');
    printf("strings: built %s (%u)\n", cat, (unsigned)strlen(cat));
}

/* Knuth-Morris-Pratt: number of (possibly overlapping) occurrences of pat in text. */
static int kmp_count(const char *text, const char *pat)
{
    int fail[32], m = (int)strlen(pat), count = 0;
    fail[0] = 0;
    for (int i = 1, k = 0; i < m; i++) {
        while (k > 0 && pat[i] != pat[k]) k = fail[k - 1];
        if (pat[i] == pat[k]) k++;
        fail[i] = k;
    }
    for (int i = 0, k = 0; text[i] != '\0'; i++) {
        while (k > 0 && text[i] != pat[k]) k = fail[k - 1];
        if (text[i] == pat[k]) k++;
        if (k == m) count++, k = fail[k - 1];
    }
    return count;
}

static int naive_count(const char *text, const char *pat)
{
    int count = 0;
    size_t m = strlen(pat);
    for (const char *p = text; *p != '\0'; p++) count += strncmp(p, pat, m) == 0;
    return count;
}

static size_t rle_encode(const char *in, char *out)
{
    size_t o = 0;
    for (size_t i = 0; in[i] != '\0';) {
        size_t j = i;
        while (in[j] == in[i] && j - i < 9) j++;
        out[o++] = (char)('0' + (j - i));
        out[o++] = in[i];
        i = j;
    }
    out[o] = '\0';
    return o;
}

static void rle_decode(const char *in, char *out)
{
    for (; in[0] != '\0'; in += 2)
        for (int k = 0; k < in[0] - '0'; k++) *out++ = in[1];
    *out = '\0';
}

static void reverse(char *s, size_t n)
{
    for (size_t i = 0; i < n / 2; i++) {
        char t = s[i];
        s[i] = s[n - 1 - i];
        s[n - 1 - i] = t;
    }
}

static void reverse_words(char *s)
{
    size_t n = strlen(s);
    reverse(s, n);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] != ' ') j++;
        reverse(s + i, j - i);
        i = j + 1;
    }
}

static int32_t parse_int(const char *s, int *ok)
{
    int neg = 0;
    int64_t v = 0;
    while (*s == ' ') s++;
    if (*s == '-' || *s == '+') neg = *s++ == '-';
    *ok = *s >= '0' && *s <= '9';
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (*s++ - '0');
        if (v > 2147483648ll) *ok = 0, v = 2147483648ll;
    }
    if (*s != '\0' || (!neg && v > 2147483647ll)) *ok = 0;
    return (int32_t)(neg ? -v : v);
}

static void algorithms(void)
{
    static const char text[] = "abracadabra abracadabra cadabra abra ab aaaaaa";
    static const char *const pats[] = { "abra", "a", "cad", "aa", "bra ab", "zz", "abracadabra" };
    for (unsigned i = 0; i < sizeof pats / sizeof pats[0]; i++) {
        int k = kmp_count(text, pats[i]), nv = naive_count(text, pats[i]);
        printf("strings: count(%s)=%d\n", pats[i], k);
        CHECK(k == nv);
    }
    char enc[128], dec[128];
    const char *raw = "WWWWWWWWWWWWBWWWWWWWWWWWWBBBWWWWWWWWWWWWWWWWWWWWWWWWBWWWWWWWWWWWWWW";
    size_t len = rle_encode(raw, enc);
    rle_decode(enc, dec);
    printf("strings: rle %u -> %u: %s\n", (unsigned)strlen(raw), (unsigned)len, enc);
    CHECK(strcmp(dec, raw) == 0);

    char words[] = "the quick brown fox jumps over the lazy dog";
    reverse_words(words);
    printf("strings: %s\n", words);
    CHECK(strcmp(words, "dog lazy the over jumps fox brown quick the") == 0);

    static const char *const nums[] = { "0", "-17", "+2147483647", "-2147483648", "2147483648", "12a", "", "  42" };
    for (unsigned i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        int ok;
        int32_t v = parse_int(nums[i], &ok);
        printf("strings: parse(\"%s\") = %d%s\n", nums[i], ok ? v : 0, ok ? "" : " invalid");
    }
    char itoa_buf[16];
    uint32_t h = FNV_OFFSET;
    for (int32_t v = -100000; v <= 100000; v += 997) {
        int n = snprintf(itoa_buf, sizeof itoa_buf, "%d", v);
        int ok;
        CHECK(parse_int(itoa_buf, &ok) == v && ok);
        h = fnv1a(h, itoa_buf, (size_t)n);
    }
    printf("strings: itoa round trip digest=%08x\n", h);
}

int main(uint32_t magic, uint32_t info)
{
    (void)magic, (void)info;
    formatting();
    memory();
    algorithms();
    return prog_finish("strings");
}
