/* The printf formatter of the guest runtime: parses a format string and sends bytes to a sink. It does
 * no I/O itself (print.c binds it to putchar and to buffers). 64-bit values go through the __udivdi3
 * family on i386, so 32-bit values take a 32-bit path. %f %e %g exist only in images built with floating
 * point (RT_FLOAT, format-float.c); elsewhere they print as written. */
#include <stdint.h>
#include <rt/stdio.h>
#ifdef RT_FLOAT
#include <rt/dtoa.h>
#endif

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

struct spec {
    int left;      /* '-' */
    int zero;      /* '0' */
    int plus;      /* '+' */
    int space;     /* ' ' */
    int alt;       /* '#' */
    int width;
    int prec;      /* -1 when absent */
    enum length len;
};

struct out {
    void (*emit)(void *ctx, char c);
    void *ctx;
    int count;
};

static void put(struct out *o, char c)
{
    o->emit(o->ctx, c);
    o->count++;
}

static void pad(struct out *o, char c, int n)
{
    for (; n > 0; n--) put(o, c);
}

/* Writes the digits of v in `base` into buf, least significant first; returns their number. */
static int digits_rev(uint64_t v, unsigned base, int upper, char *buf)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    if ((v >> 32) == 0) {
        uint32_t w = (uint32_t)v;
        do {
            buf[n++] = digits[w % base];
            w /= base;
        } while (w != 0);
    } else {
        do {
            buf[n++] = digits[v % base];
            v /= base;
        } while (v != 0);
    }
    return n;
}

static void emit_number(struct out *o, const struct spec *s, uint64_t mag, char sign, const char *prefix,
                        unsigned base, int upper)
{
    char buf[24];
    int nd = (s->prec == 0 && mag == 0) ? 0 : digits_rev(mag, base, upper, buf);
    int zeros = s->prec > nd ? s->prec - nd : 0;
    int plen = 0;
    while (prefix[plen] != '\0') plen++;
    int total = (sign != 0) + plen + zeros + nd;
    int fill = s->width > total ? s->width - total : 0;
    if (!s->left && !(s->zero && s->prec < 0)) pad(o, ' ', fill);
    if (sign != 0) put(o, sign);
    for (int i = 0; i < plen; i++) put(o, prefix[i]);
    if (!s->left && s->zero && s->prec < 0) pad(o, '0', fill);
    pad(o, '0', zeros);
    while (nd > 0) put(o, buf[--nd]);
    if (s->left) pad(o, ' ', fill);
}

static void emit_string(struct out *o, const struct spec *s, const char *str)
{
    if (str == NULL) str = "(null)";
    int n = 0;
    while (str[n] != '\0' && (s->prec < 0 || n < s->prec)) n++;
    int fill = s->width > n ? s->width - n : 0;
    if (!s->left) pad(o, ' ', fill);
    for (int i = 0; i < n; i++) put(o, str[i]);
    if (s->left) pad(o, ' ', fill);
}

#ifdef RT_FLOAT
/* %f %e %g and upper-case forms: sign and padding here, digits from rt_dtoa. */
static void emit_double(struct out *o, const struct spec *s, char conv, double v)
{
    char body[RT_DTOA_BUF];
    int negative;
    int n = rt_dtoa(body, v, conv, s->prec, s->alt, &negative);
    int finite = n >= 0;
    if (!finite) n = -n;
    char sign = negative ? '-' : s->plus ? '+' : s->space ? ' ' : 0;
    int total = (sign != 0) + n;
    int fill = s->width > total ? s->width - total : 0;
    int zero = s->zero && finite && !s->left;
    if (!s->left && !zero) pad(o, ' ', fill);
    if (sign != 0) put(o, sign);
    if (zero) pad(o, '0', fill);
    for (int i = 0; i < n; i++) put(o, body[i]);
    if (s->left) pad(o, ' ', fill);
}
#endif

/* Parses flags, width, precision and length at *pf; advances *pf to the conversion character. */
static void parse_spec(const char **pf, struct spec *s, va_list *ap)
{
    const char *f = *pf;
    *s = (struct spec){ .prec = -1, .len = LEN_INT };
    for (;; f++) {
        if (*f == '-') s->left = 1;
        else if (*f == '0') s->zero = 1;
        else if (*f == '+') s->plus = 1;
        else if (*f == ' ') s->space = 1;
        else if (*f == '#') s->alt = 1;
        else break;
    }
    if (*f == '*') {
        s->width = va_arg(*ap, int);
        if (s->width < 0) {
            s->left = 1;
            s->width = -s->width;
        }
        f++;
    } else {
        while (*f >= '0' && *f <= '9') s->width = s->width * 10 + (*f++ - '0');
    }
    if (*f == '.') {
        f++;
        s->prec = 0;
        if (*f == '*') {
            s->prec = va_arg(*ap, int);
            f++;
        } else {
            while (*f >= '0' && *f <= '9') s->prec = s->prec * 10 + (*f++ - '0');
        }
    }
    if (*f == 'h') {
        f++;
        s->len = LEN_SHORT;
        if (*f == 'h') f++, s->len = LEN_CHAR;
    } else if (*f == 'l') {
        f++;
        s->len = LEN_LONG;
        if (*f == 'l') f++, s->len = LEN_LLONG;
    } else if (*f == 'z') {
        f++;
        s->len = LEN_SIZE;
    } else if (*f == 'j') {
        f++;
        s->len = LEN_LLONG;
    }
    *pf = f;
}

static int64_t signed_arg(enum length len, va_list *ap)
{
    switch (len) {
    case LEN_CHAR: return (signed char)va_arg(*ap, int);
    case LEN_SHORT: return (short)va_arg(*ap, int);
    case LEN_LONG: return va_arg(*ap, long);
    case LEN_LLONG: return va_arg(*ap, long long);
    case LEN_SIZE: return (int64_t)va_arg(*ap, intptr_t);
    case LEN_INT: break;
    }
    return va_arg(*ap, int);
}

static uint64_t unsigned_arg(enum length len, va_list *ap)
{
    switch (len) {
    case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned);
    case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned);
    case LEN_LONG: return va_arg(*ap, unsigned long);
    case LEN_LLONG: return va_arg(*ap, unsigned long long);
    case LEN_SIZE: return va_arg(*ap, size_t);
    case LEN_INT: break;
    }
    return va_arg(*ap, unsigned);
}

int rt_vformat(void (*emit)(void *ctx, char c), void *ctx, const char *fmt, va_list ap)
{
    struct out o = { emit, ctx, 0 };
    struct spec s;
    va_list args;
    va_copy(args, ap);
    for (const char *f = fmt; *f != '\0'; f++) {
        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        f++;
        parse_spec(&f, &s, &args);
        switch (*f) {
        case 'd':
        case 'i': {
            int64_t v = signed_arg(s.len, &args);
            uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
            char sign = v < 0 ? '-' : s.plus ? '+' : s.space ? ' ' : 0;
            emit_number(&o, &s, mag, sign, "", 10, 0);
            break;
        }
        case 'u': emit_number(&o, &s, unsigned_arg(s.len, &args), 0, "", 10, 0); break;
        case 'o': emit_number(&o, &s, unsigned_arg(s.len, &args), 0, s.alt ? "0" : "", 8, 0); break;
        case 'x':
        case 'X': {
            uint64_t v = unsigned_arg(s.len, &args);
            const char *prefix = (s.alt && v != 0) ? (*f == 'x' ? "0x" : "0X") : "";
            emit_number(&o, &s, v, 0, prefix, 16, *f == 'X');
            break;
        }
        case 'p': emit_number(&o, &s, (uintptr_t)va_arg(args, void *), 0, "0x", 16, 0); break;
        case 'c': {
            char c = (char)va_arg(args, int);
            int fill = s.width > 1 ? s.width - 1 : 0;
            if (!s.left) pad(&o, ' ', fill);
            put(&o, c);
            if (s.left) pad(&o, ' ', fill);
            break;
        }
        case 's': emit_string(&o, &s, va_arg(args, const char *)); break;
#ifdef RT_FLOAT
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G': emit_double(&o, &s, *f, va_arg(args, double)); break;
#endif
        case '%': put(&o, '%'); break;
        case '\0': f--; break; /* a lone '%' at the end prints nothing */
        default:               /* unknown conversion: print it as written */
            put(&o, '%');
            put(&o, *f);
            break;
        }
    }
    va_end(args);
    return o.count;
}
