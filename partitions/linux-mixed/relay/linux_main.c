/* linux_main.c: the relay as a Linux/i386 process: a static ELF with no C library, raw `int $0x80` system
 * calls, the device's registers through /dev/port (one pread/pwrite per register: the kernel does the
 * inb/outb in ring 0), console output on fd 1. Started by the example's /init (scripts/linux/mixed-initramfs.ts). */
#include <stddef.h>
#include <stdint.h>
#include <rt/platform.h>
#include <rt/stdio.h>
#include "relay.h"

/* i386 system call numbers (arch/x86/entry/syscalls/syscall_32.tbl). */
#define NR_EXIT 1
#define NR_WRITE 4
#define NR_OPEN 5
#define NR_NANOSLEEP 162
#define NR_PREAD64 180
#define NR_PWRITE64 181
#define O_RDWR 2
/* Relayed samples before the program ends (the module's thermo writes one every 100 ms). */
#define SAMPLES 5u

static long syscall5(long nr, long a, long b, long c, long d, long e)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e) : "memory");
    return r;
}

static int port_fd = -1;
static char out_buf[256];
static size_t out_len;

static void flush(void)
{
    if (out_len > 0) (void)syscall5(NR_WRITE, 1, (long)out_buf, (long)out_len, 0, 0);
    out_len = 0;
}

int putchar(int c)
{
    out_buf[out_len++] = (char)c;
    if (c == '\n' || out_len == sizeof out_buf) flush();
    return (unsigned char)c;
}

uint8_t sp_in(uint32_t offset)
{
    uint8_t v = 0xff;
    (void)syscall5(NR_PREAD64, port_fd, (long)&v, 1, (long)(SP_BASE + offset), 0);
    return v;
}

void sp_out(uint32_t offset, uint8_t value)
{
    (void)syscall5(NR_PWRITE64, port_fd, (long)&value, 1, (long)(SP_BASE + offset), 0);
}

void relay_pause(void)
{
    static const struct { long sec, nsec; } twenty_ms = { 0, 20000000 };
    (void)syscall5(NR_NANOSLEEP, (long)&twenty_ms, 0, 0, 0, 0);
}

void rt_exit(int status)
{
    flush();
    for (;;) (void)syscall5(NR_EXIT, status, 0, 0, 0, 0);
}

uint64_t rt_clock_ns(void) { return 0; }
const char *rt_cmdline(void) { return ""; }
void rt_report(const char *key, uint64_t value) { (void)key; (void)value; }

int main(uint32_t magic, uint32_t info)
{
    (void)magic;
    (void)info;
    port_fd = (int)syscall5(NR_OPEN, (long)"/dev/port", O_RDWR, 0, 0, 0);
    if (port_fd < 0) {
        printf("relay: cannot open /dev/port (error %d)\n", -port_fd);
        return 1;
    }
    return relay_run(SAMPLES);
}

/* The process entry: the kernel leaves argc at (%esp); this program takes no arguments. */
void _start(void);
void _start(void)
{
    rt_exit(main(0, 0));
}
