/* callpaths.c: the call-path benchmark guest. One source, linked three ways (guest.json): the services
 * reach the kernel through the trap wrappers, the jump table (lazy or eager) or libpv linked in. The host
 * writes bench_params (operation, call count) before start; the guest runs one loop of that many calls
 * and ends with a raw window_yield trap. It measures nothing itself: the host counts around the loop. */
#include "pv_abi.h"
#include "pv_note.h"
#include "pv_trap.h"
#ifdef BENCH_JMPTAB
#include "pv_external.h"
PV_ABI_NOTE("bench-callpaths", PV_NOTE_LAZY_OK, PV_FEAT_LAZY_BIND);
#else
PV_ABI_NOTE("bench-callpaths", 0, 0);
#endif

/* Operations (the host's CallOp numbers must match). */
#define OP_EMPTY 0        /* the loop alone */
#define OP_DIRECT 1       /* a plain call to an empty guest function: the floor of any call */
#define OP_TIME_GET 2     /* pv_time_get through this image's binding */
#define OP_SAMPLING 3     /* pv_sampling_port_write through this image's binding */
#define OP_TRAP_NULL 4    /* int $0x82 with the null service, inline: pure entry/exit */

/* [0] operation, [1] calls; written by the host before start. [2] last status, read back by the host. */
volatile uint32_t bench_params[4];

void bench_main(uint32_t magic, const struct pv_start_info *si);
uint8_t bench_boot_stack[4096] __attribute__((aligned(16), used));

__asm__(".pushsection .text.start,\"ax\",@progbits\n"
        "\t.globl _start\n"
        "_start:\n"
        "\tmovl $bench_boot_stack + 4096, %esp\n"
        "\tpushl %ebx\n"
        "\tpushl %eax\n"
        "\tcall bench_main\n"
        "1:\tjmp 1b\n"
        ".popsection\n");

/* The floor of a call: same signature as pv_time_get, least work. noinline so the call stays a call. Not
 * the direct call the jump table is measured against: that is pv_time_get itself in callpaths-linked. */
__attribute__((noinline)) pv_status_t bench_direct(uint64_t *now_ns)
{
    *now_ns = 0;
    return PV_OK;
}

static const char message[8] = "sample!";

void bench_main(uint32_t magic, const struct pv_start_info *si)
{
    uint32_t op = bench_params[0];
    uint32_t n = bench_params[1];
    uint32_t port = 0;
    uint64_t now = 0;
    pv_status_t st = PV_OK;
    uint32_t i;
    if (magic != PV_ABI_MAGIC)
        return;
#ifdef BENCH_JMPTAB
    pv_bind_init(si);
#else
    (void)si;
#endif
    if (op == OP_SAMPLING) {
        /* The port id comes from a raw trap so that no binding is exercised before the measured loop. */
        static const struct pv_sampling_port_config cfg = { "BENCH_OUT", sizeof message, PV_PORT_SOURCE, 1000000000ull };
        (void)pv_trap2(PV_SVC_SAMPLING_PORT_CREATE, (uint32_t)&cfg, (uint32_t)&port);
    }
    switch (op) {
    case OP_EMPTY:
        for (i = 0; i < n; i++)
            __asm__ volatile("" ::: "memory");
        break;
    case OP_DIRECT:
        for (i = 0; i < n; i++)
            st = bench_direct(&now);
        break;
    case OP_TIME_GET:
        for (i = 0; i < n; i++)
            st = pv_time_get(&now);
        break;
    case OP_SAMPLING:
        for (i = 0; i < n; i++)
            st = pv_sampling_port_write(port, message, sizeof message);
        break;
    case OP_TRAP_NULL:
        for (i = 0; i < n; i++)
            st = (pv_status_t)pv_trap0(PV_SVC_NULL);
        break;
    default:
        st = PV_EINVAL;
        break;
    }
    bench_params[2] = (uint32_t)st;
    (void)pv_trap0(PV_SVC_WINDOW_YIELD);
}
