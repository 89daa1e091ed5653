/* pc_logbook.c: Part 2 logbooks for the bare-PC BSP without apx_services (with it, pc_apx_bsp.c uses the
 * kernel's logbooks), by the rules the kernel applies on apexvisor
 * (kernel/logbook/logbook-store.ts), kept in this PC's RAM. A bare PC has no module configuration to
 * read, so its one LogbookSystem entry comes from the command line, `logbook=<name>:<logged>:<in_progress>`
 * (what the module XML would give its owner). Writes commit at once; a full logbook drops its oldest
 * message. A bare PC cannot restart its partition (pc_host.c), so "messages outlive restarts" has
 * nothing to apply to; they live as long as the machine. */
#include <bsp.h>
#include <rt/stdio.h>
#include <rt/string.h>
#include "pc_host.h"
#include "pc_local.h"

#define LB_MAX_MESSAGE 1024u /* PV_LOGBOOK_MAX_MESSAGE on apexvisor */
#define LB_MAX_LOGGED 8u
#define LB_NAME_MAX 30u
#define LB_ID 1u

static struct {
    int configured, created;
    char name[LB_NAME_MAX + 1];
    uint32_t max_logged, max_in_progress, max_size; /* max_size: fixed by the first creation */
    uint32_t first, count, overwritten;
    uint32_t len[LB_MAX_LOGGED];
    uint8_t data[LB_MAX_LOGGED][LB_MAX_MESSAGE];
} lb;

static uint32_t number(const char *s, uint32_t len, uint32_t *at)
{
    uint32_t v = 0;
    while (*at < len && s[*at] >= '0' && s[*at] <= '9') v = v * 10u + (uint32_t)(s[(*at)++] - '0');
    return v;
}

void pc_logbook_configure(const char *cmdline, uint32_t len)
{
    static const char key[] = "logbook=";
    const uint32_t klen = sizeof key - 1;
    for (uint32_t i = 0; i + klen <= len; i++) {
        if ((i > 0 && cmdline[i - 1] != ' ') || memcmp(cmdline + i, key, klen) != 0) continue;
        uint32_t j = i + klen, n = 0;
        while (j + n < len && cmdline[j + n] != ':' && cmdline[j + n] != ' ' && n < LB_NAME_MAX) n++;
        memcpy(lb.name, cmdline + j, n);
        lb.name[n] = '\0';
        j += n;
        if (j >= len || cmdline[j++] != ':') break;
        lb.max_logged = number(cmdline, len, &j);
        if (j >= len || cmdline[j++] != ':') break;
        lb.max_in_progress = number(cmdline, len, &j);
        if (n == 0 || lb.max_logged == 0 || lb.max_logged > LB_MAX_LOGGED || lb.max_in_progress == 0) break;
        lb.configured = 1;
        return;
    }
    for (uint32_t i = 0; i + klen <= len; i++)
        if ((i == 0 || cmdline[i - 1] == ' ') && memcmp(cmdline + i, key, klen) == 0)
            printf("pc-bsp: ignoring a malformed logbook=<name>:<logged 1..%u>:<in_progress> on the command line\n", LB_MAX_LOGGED);
}

static int owned(uint32_t id) { return id == LB_ID && lb.created; }

bsp_rc_t pc_local_logbook_create(const char *name, uint32_t max_size, uint32_t max_logged, uint32_t max_in_progress, uint32_t *id)
{
    if (max_size == 0 || max_logged == 0 || max_in_progress == 0) return BSP_RC_INVALID_PARAM;
    if (!lb.configured || strcmp(name, lb.name) != 0) return BSP_RC_INVALID_CONFIG;
    if (max_logged != lb.max_logged || max_in_progress != lb.max_in_progress) return BSP_RC_INVALID_CONFIG;
    if (max_size > LB_MAX_MESSAGE || (lb.max_size != 0 && lb.max_size != max_size)) return BSP_RC_INVALID_CONFIG;
    *id = LB_ID;
    if (lb.created) return BSP_RC_NO_ACTION;
    lb.max_size = max_size;
    lb.created = 1;
    return BSP_RC_OK;
}

bsp_rc_t pc_local_logbook_write(uint32_t id, const void *msg, uint32_t len)
{
    if (!owned(id) || len == 0) return BSP_RC_INVALID_PARAM;
    if (len > lb.max_size) return BSP_RC_INVALID_CONFIG;
    if (lb.count == lb.max_logged) {
        lb.first = (lb.first + 1u) % lb.max_logged;
        lb.count--;
        lb.overwritten++;
    }
    uint32_t slot = (lb.first + lb.count) % lb.max_logged;
    memcpy(lb.data[slot], msg, len);
    lb.len[slot] = len;
    lb.count++;
    return BSP_RC_OK;
}

bsp_rc_t pc_local_logbook_read(uint32_t id, uint32_t index, void *buf, uint32_t cap, uint32_t *len)
{
    if (!owned(id) || cap < lb.max_size || index == 0) return BSP_RC_INVALID_PARAM;
    if (index > lb.count) return BSP_RC_NOT_AVAILABLE;
    uint32_t slot = (lb.first + index - 1u) % lb.max_logged;
    memcpy(buf, lb.data[slot], lb.len[slot]);
    *len = lb.len[slot];
    return BSP_RC_OK;
}

bsp_rc_t pc_local_logbook_clear(uint32_t id)
{
    if (!owned(id)) return BSP_RC_INVALID_PARAM;
    lb.first = lb.count = lb.overwritten = 0;
    return BSP_RC_OK;
}

bsp_rc_t pc_local_logbook_id(const char *name, uint32_t *id)
{
    if (!lb.created || strcmp(name, lb.name) != 0) return BSP_RC_INVALID_CONFIG;
    *id = LB_ID;
    return BSP_RC_OK;
}

bsp_rc_t pc_local_logbook_status(uint32_t id, struct bsp_logbook_status *st)
{
    if (!owned(id)) return BSP_RC_INVALID_PARAM;
    st->max_message_size = lb.max_size;
    st->max_nb_logged = lb.max_logged;
    st->max_nb_in_progress = lb.max_in_progress;
    st->nb_logged = lb.count;
    st->nb_in_progress = 0;
    st->nb_overwritten = lb.overwritten;
    return BSP_RC_OK;
}
