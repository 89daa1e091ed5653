/* Native platform layer for the test programs: lets the same C (and the same guest runtime) run as an
 * x86-64 Linux process without libc, by raw system calls. putchar is buffered to stdout; rt_report goes
 * to stderr; the clock is CLOCK_MONOTONIC. It is the reference the emulator's output is compared with. */
#include <stddef.h>
#include <stdint.h>
#include <rt/platform.h>
#include <rt/stdio.h>

#if !defined(__x86_64__) || !defined(__linux__)
#error "the native shim is for x86-64 Linux"
#endif

#define SYS_WRITE 1
#define SYS_CLOCK_GETTIME 228
#define SYS_EXIT_GROUP 231
#define CLOCK_MONOTONIC 1

void native_start(uint64_t *sp);

static long syscall3(long nr, long a, long b, long c)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return ret;
}

/* The kernel enters with argc at (%rsp); the C ABI wants a 16-byte aligned stack at each call. */
__asm__(".text\n"
        ".globl _start\n"
        "_start:\n"
        "  xorl %ebp, %ebp\n"
        "  movq %rsp, %rdi\n"
        "  andq $-16, %rsp\n"
        "  call native_start\n"
        "  hlt\n");

static char out_buf[4096];
static size_t out_len;
static const char *cmdline = "";

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        long w = syscall3(SYS_WRITE, fd, (long)p, (long)n);
        if (w <= 0) return;
        p += w;
        n -= (size_t)w;
    }
}

static void flush_out(void)
{
    write_all(1, out_buf, out_len);
    out_len = 0;
}

int putchar(int c)
{
    if (out_len == sizeof out_buf) flush_out();
    out_buf[out_len++] = (char)c;
    return (unsigned char)c;
}

void rt_exit(int status)
{
    flush_out();
    for (;;) syscall3(SYS_EXIT_GROUP, status, 0, 0);
}

uint64_t rt_clock_ns(void)
{
    struct { int64_t sec; int64_t nsec; } ts = { 0, 0 };
    syscall3(SYS_CLOCK_GETTIME, CLOCK_MONOTONIC, (long)&ts, 0);
    return (uint64_t)ts.sec * 1000000000u + (uint64_t)ts.nsec;
}

const char *rt_cmdline(void)
{
    return cmdline;
}

void rt_report(const char *key, uint64_t value)
{
    char line[128];
    int n = snprintf(line, sizeof line, "%s %llu\n", key, (unsigned long long)value);
    write_all(2, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

void native_start(uint64_t *sp)
{
    uint64_t argc = sp[0];
    char **argv = (char **)(sp + 1);
    if (argc > 1) cmdline = argv[1];
    rt_exit(main(0, 0));
}
