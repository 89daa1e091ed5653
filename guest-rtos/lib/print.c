/* printf and snprintf of the guest runtime: bind the formatter to the platform putchar or to a
 * caller's buffer. snprintf always NUL-terminates (when size > 0) and returns the untruncated length. */
#include <rt/stdio.h>

static void emit_console(void *ctx, char c)
{
    (void)ctx;
    putchar((unsigned char)c);
}

struct buffer {
    char *buf;
    size_t size;
    size_t pos;
};

static void emit_buffer(void *ctx, char c)
{
    struct buffer *b = ctx;
    if (b->pos + 1 < b->size) b->buf[b->pos] = c;
    b->pos++;
}

int vprintf(const char *fmt, va_list ap)
{
    return rt_vformat(emit_console, NULL, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct buffer b = { buf, size, 0 };
    int n = rt_vformat(emit_buffer, &b, fmt, ap);
    if (size > 0) buf[b.pos < size ? b.pos : size - 1] = '\0';
    return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int puts(const char *s)
{
    int n = 0;
    for (; *s != '\0'; s++, n++) putchar((unsigned char)*s);
    putchar('\n');
    return n + 1;
}
