/* hostref.c: host physical references for `apexvisor bench`, measured on this machine: a direct call, a
 * call through a lazily bound PLT entry (first call, then later calls) and a raw system call. Prints
 * "name ns" lines; the caller takes medians over several processes. Measures, asserts nothing. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int ref_lib_call(uint64_t *out);
int ref_lib_warm(void);

__attribute__((noinline)) int ref_direct_call(uint64_t *out)
{
    *out = 0;
    __asm__ volatile("" ::: "memory");
    return 0;
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double per_call(int (*fn)(uint64_t *), long n)
{
    uint64_t v = 0;
    double t0 = now_ns();
    for (long i = 0; i < n; i++)
        fn(&v);
    return (now_ns() - t0) / (double)n;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000000L;
    uint64_t v = 0;
    volatile long sink = 0;
    /* The first call of ref_lib_call in this process goes through the dynamic linker's lazy resolver. */
    ref_lib_warm();
    (void)now_ns();
    double t0 = now_ns();
    ref_lib_call(&v);
    double first = now_ns() - t0;
    double t1 = now_ns();
    ref_lib_call(&v);
    double second = now_ns() - t1;
    double empty_t0 = now_ns();
    for (long i = 0; i < n; i++)
        __asm__ volatile("" ::: "memory");
    double empty = (now_ns() - empty_t0) / (double)n;
    double direct = per_call(ref_direct_call, n) - empty;
    /* Called by name (not through a pointer) so every call goes through the PLT entry. */
    double t2 = now_ns();
    for (long i = 0; i < n; i++)
        ref_lib_call(&v);
    double plt = (now_ns() - t2) / (double)n - empty;
    long sn = n / 20 + 1;
    double t3 = now_ns();
    for (long i = 0; i < sn; i++)
        sink += syscall(SYS_getppid);
    double sys = (now_ns() - t3) / (double)sn;
    /* The second call's time is the clock reads plus one bound call: subtracted from the first. */
    printf("direct_ns %.3f\nplt_ns %.3f\nplt_first_ns %.1f\nsyscall_ns %.3f\n", direct, plt, first - second, sys);
    return sink == 0 ? 0 : 0;
}
