/* console.c: buffered console output. Bytes collect in the libpv area of the shared page and go out in
 * one console_write trap per line, when the buffer fills, or on pv_console_flush (called before idle,
 * window_yield, partition_set_mode and hm_raise_application_error). */
#include "libpv.h"
#include "pv_trap.h"

pv_status_t pv_console_flush(void)
{
    volatile struct pv_libpv_area *a = pv_area();
    uint32_t len = a->console_len;
    uint32_t done = 0;
    while (done < len) {
        int32_t n = (int32_t)pv_trap2(PV_SVC_CONSOLE_WRITE, (uint32_t)&a->console_buf[done], len - done);
        if (n <= 0) {
            a->console_len = 0;
            return n < 0 ? n : PV_EINVAL;
        }
        done += (uint32_t)n;
    }
    a->console_len = 0;
    return PV_OK;
}

pv_status_t pv_console_write(const void *buf, uint32_t len)
{
    volatile struct pv_libpv_area *a = pv_area();
    const char *p = buf;
    uint32_t take = len > PV_CONSOLE_MAX_WRITE ? PV_CONSOLE_MAX_WRITE : len;
    for (uint32_t i = 0; i < take; i++) {
        uint32_t at = a->console_len;
        if (at >= sizeof(a->console_buf))
            at = 0; /* the guest scribbled on our area: start the line again */
        a->console_buf[at] = (uint8_t)p[i];
        a->console_len = at + 1;
        if (p[i] == '\n' || at + 1 == sizeof(a->console_buf)) {
            pv_status_t r = pv_console_flush();
            if (r < 0)
                return r;
        }
    }
    return (pv_status_t)take;
}
