/* Benchmark kernel: kernel-style code. Each round masks interrupts (pushf; cli), takes a spin lock (xchg),
 * updates a small queue, releases both (popf), then polls COM1's line status for input a bounded number
 * of times with pause between reads, as a polled driver does. The status read is COM1's with no input
 * pending (0x60) in apexvisor, QEMU and the native stand-in alike, so the checksum is the same everywhere. */
#include "bench.h"
#include "kops.h"

#define QUEUE 16
#define COM1_LSR 0x3FD
#define LSR_DATA_READY 0x01
#define POLLS 4

static volatile uint32_t queue_lock;
static uint32_t queue[QUEUE];
static uint32_t head;

const char bench_name[] = "kloop";
const uint32_t bench_default_iterations = 400000;

void bench_setup(void)
{
    for (uint32_t i = 0; i < QUEUE; i++) queue[i] = i * 0x9E3779B9u;
}

uint32_t bench_run(uint32_t iterations)
{
    uint32_t sum = 0;
    for (uint32_t it = 0; it < iterations; it++) {
        unsigned long flags = irq_save();
        spin_lock(&queue_lock);
        queue[head % QUEUE] = it ^ sum;
        head++;
        sum = sum * 33u + queue[(head + 7) % QUEUE];
        spin_unlock(&queue_lock);
        irq_restore(flags);
        for (int k = 0; k < POLLS; k++) {
            uint8_t status = port_in8(COM1_LSR);
            sum += status;
            if ((status & LSR_DATA_READY) != 0) break;
            cpu_relax();
        }
    }
    return sum;
}
