/* Formatted output of the freestanding guest runtime: printf/snprintf over a platform putchar.
 * Conversions: %d %i %u %x %X %s %c %p %% with flags '-' '0', width and precision ('*' allowed) and the
 * length modifiers hh h l ll z; %f %e %g (and upper case) only in images built with RT_FLOAT. */
#ifndef RT_STDIO_H
#define RT_STDIO_H

#include <stdarg.h>
#include <stddef.h>

/* Writes one byte to the platform console; returns the byte as unsigned char. Provided by the platform. */
int putchar(int c);

int puts(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* Core formatter: feeds every output byte to `emit(ctx, byte)` and returns the byte count. */
int rt_vformat(void (*emit)(void *ctx, char c), void *ctx, const char *fmt, va_list ap);

#endif
