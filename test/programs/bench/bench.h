/* Interface between the CPU benchmark harness (harness.c) and one benchmark kernel: a name, a default
 * iteration count, set-up outside the timed region, and the timed work returning a checksum. */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>

/* Short name printed in the transcript and the bench table. */
extern const char bench_name[];
/* Iterations when the command line does not say "iters=N". */
extern const uint32_t bench_default_iterations;
/* Prepares inputs; not timed. */
void bench_setup(void);
/* Runs `iterations` rounds of work and returns a checksum of everything computed. */
uint32_t bench_run(uint32_t iterations);

#endif
