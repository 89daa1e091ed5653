/* ports.c: one sampling and one queuing message between two PV partitions, printed on both consoles.
 * The command line says the role ("send" or "receive"). Built with the trap and jump-table bindings. */
#include "common.h"
#include "pv_note.h"
#ifdef PVTEST_JMPTAB
#include "pv_external.h"
#endif

PV_ABI_NOTE("ports", PV_NOTE_LAZY_OK, 0);
PVTEST_START;

static void copy_name(char *dst, const char *src)
{
    uint32_t i;
    for (i = 0; i < PV_NAME_MAX; i++)
        dst[i] = 0;
    for (i = 0; src[i] != 0; i++)
        dst[i] = src[i];
}

static uint32_t sampling(const char *name, uint32_t dir)
{
    struct pv_sampling_port_config c;
    uint32_t id = 0;
    copy_name(c.name, name);
    c.max_message_size = 16;
    c.direction = dir;
    c.refresh_period_ns = 100000000ull;
    if (pv_sampling_port_create(&c, &id) != PV_OK)
        pvtest_puts("sampling create failed\n");
    return id;
}

static uint32_t queuing(const char *name, uint32_t dir)
{
    struct pv_queuing_port_config c;
    uint32_t id = 0;
    copy_name(c.name, name);
    c.max_message_size = 16;
    c.max_nb_message = 4;
    c.direction = dir;
    c.queuing_discipline = PV_QUEUING_FIFO;
    if (pv_queuing_port_create(&c, &id) != PV_OK)
        pvtest_puts("queuing create failed\n");
    return id;
}

static void print_msg(const char *what, const char *msg, int32_t len)
{
    char line[48];
    uint32_t n = 0, i;
    for (i = 0; what[i] != 0; i++)
        line[n++] = what[i];
    for (i = 0; i < (uint32_t)len && i < 16; i++)
        line[n++] = msg[i];
    line[n++] = '\n';
    (void)pv_console_write(line, n);
}

void pvtest_main(const struct pv_start_info *si)
{
    const char *cmd = (const char *)si->cmdline;
#ifdef PVTEST_JMPTAB
    pv_bind_init(si);
#endif
    if (pvtest_streq(cmd, si->cmdline_len, "send")) {
        uint32_t s = sampling("S_OUT", PV_PORT_SOURCE);
        uint32_t q = queuing("Q_OUT", PV_PORT_SOURCE);
        (void)pv_partition_set_mode(PV_MODE_NORMAL);
        (void)pv_sampling_port_write(s, "sample-1", 8);
        (void)pv_queuing_port_send(q, "queued-1", 8);
        pvtest_puts("sender: sent\n");
    } else {
        char buf[16];
        uint32_t validity = 0;
        int32_t n;
        uint32_t s = sampling("S_IN", PV_PORT_DESTINATION);
        uint32_t q = queuing("Q_IN", PV_PORT_DESTINATION);
        (void)pv_partition_set_mode(PV_MODE_NORMAL);
        while ((n = pv_sampling_port_read(s, buf, sizeof buf, &validity)) < 0)
            (void)pv_idle();
        print_msg(validity == PV_VALIDITY_VALID ? "receiver: sample " : "receiver: stale ", buf, n);
        while ((n = pv_queuing_port_receive(q, buf, sizeof buf)) < 0)
            (void)pv_idle();
        print_msg("receiver: queued ", buf, n);
    }
    pvtest_idle_forever();
}
