/* CPU benchmark harness: reads "iters=N" from the boot command line, runs one benchmark kernel and prints
 * its checksum. The timed region is reported through rt_report (host stderr natively, nowhere in a guest),
 * so the transcript is the same everywhere and the emulator is timed from outside. */
#include <rt/platform.h>
#include <rt/stdio.h>
#include <rt/string.h>
#include "bench.h"

static uint32_t iterations_from(const char *cmdline)
{
    const char *p = cmdline;
    for (; *p != '\0'; p++) {
        if (strncmp(p, "iters=", 6) != 0 || (p != cmdline && p[-1] != ' ')) continue;
        uint32_t n = 0;
        for (p += 6; *p >= '0' && *p <= '9'; p++) n = n * 10 + (uint32_t)(*p - '0');
        return n > 0 ? n : 1;
    }
    return bench_default_iterations;
}

int main(uint32_t magic, uint32_t info)
{
    (void)magic, (void)info;
    uint32_t iters = iterations_from(rt_cmdline());
    bench_setup();
    uint64_t t0 = rt_clock_ns();
    uint32_t sum = bench_run(iters);
    uint64_t t1 = rt_clock_ns();
    rt_report("native_ns", t1 - t0);
    printf("bench %s: iterations=%u checksum=%08x\n", bench_name, iters, sum);
    return 0;
}
