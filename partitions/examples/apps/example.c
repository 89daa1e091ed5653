/* example.c: the one application behind every partition of the XML files of partitions/examples, so that each shipped
 * example runs and shows its HM tables act. The partition's CommandLine says what it does, each token
 * `key=value`:
 *   sout=PORT/SIZE/REFRESH_MS, sin=...   write / read a sampling port every period ("<partition> #k",
 *                           cut to SIZE bytes); SIZE and REFRESH_MS as the XML declares the port
 *   qout=PORT/SIZE/DEPTH[/PRIORITY], qin=...   send / receive (no wait) a queuing message every period
 *   schedule=ID@K           SET_MODULE_SCHEDULE(ID) in period K
 *   fault=KIND@K            in period K, unless this boot is an HM restart (so a restart ends it): KIND is
 *                           memory (a store to 0x10: MEMORY_VIOLATION), illegal (HLT in ring 3:
 *                           ILLEGAL_REQUEST) or app (RAISE_APPLICATION_ERROR with no error handler)
 * It prints its boot number from .data, which a WARM_START keeps and a COLD_START reloads, and what an
 * HM callback (hm_callback, module_hm: named by the XML) recorded before the restart. */
#include <rt/string.h>
#include <rtos/app.h>
#include "demo.h"

#define MSG 64

static const char *cmd;
static uint32_t cmd_len;
static char self[32];
static uint32_t start_condition;
static SAMPLING_PORT_ID_TYPE s_out, s_in;
static QUEUING_PORT_ID_TYPE q_out, q_in;
static uint32_t s_out_size = MSG, q_out_size = MSG;

/* .data: survives a WARM_START, reloaded by a COLD_START (.bss is cleared at every boot, so even the
 * zero-initialised ones are placed in .data). */
#define KEPT __attribute__((section(".data")))
static volatile uint32_t boot_no KEPT = 1;
static volatile uint32_t cb_calls KEPT, cb_code KEPT, cb_state KEPT;
static volatile uint32_t mcb_calls KEPT, mcb_partition KEPT;
static uint32_t self_id;

/* PartitionCallback: runs in this partition before its Partition_HM_Table's action. */
void hm_callback(uint32_t error_code, uint32_t error_id, uint32_t system_state);
__attribute__((used, noinline)) void hm_callback(uint32_t error_code, uint32_t error_id, uint32_t system_state)
{
    (void)error_id;
    cb_calls++;
    cb_code = error_code;
    cb_state = system_state;
}

/* ModuleCallback: runs in the system partition that defines it, before a Module_HM_Table action. */
void module_hm(uint32_t error_code, uint32_t error_id, uint32_t system_state, uint32_t partition);
__attribute__((used, noinline)) void module_hm(uint32_t error_code, uint32_t error_id, uint32_t system_state, uint32_t partition)
{
    (void)error_code, (void)error_id, (void)system_state;
    mcb_calls++;
    mcb_partition = partition;
}

/* The value of `key=` on the command line, copied into out (NUL-terminated); 0 when absent. */
static int arg(const char *key, char *out, uint32_t cap)
{
    uint32_t k = (uint32_t)strlen(key);
    for (uint32_t i = 0; i + k + 1 <= cmd_len; i++) {
        if ((i > 0 && cmd[i - 1] != ' ') || memcmp(cmd + i, key, k) != 0 || cmd[i + k] != '=') continue;
        uint32_t j = i + k + 1, n = 0;
        while (j + n < cmd_len && cmd[j + n] != ' ' && n + 1 < cap) n++;
        memcpy(out, cmd + j, n);
        out[n] = '\0';
        return 1;
    }
    return 0;
}

/* "WHAT@K": WHAT into what, K returned (0 when malformed). */
static uint32_t at_period(const char *v, char *what, uint32_t cap)
{
    uint32_t n = 0, k = 0;
    while (v[n] != '\0' && v[n] != '@' && n + 1 < cap) what[n] = v[n], n++;
    what[n] = '\0';
    if (v[n] != '@') return 0;
    for (const char *p = v + n + 1; *p >= '0' && *p <= '9'; p++) k = k * 10u + (uint32_t)(*p - '0');
    return k;
}

static volatile uintptr_t wild_address = 0x10; /* below the image base: never mapped */

static void fault(const char *kind)
{
    RETURN_CODE_TYPE rc;
    demo_log("%s: fault=%s\n", self, kind);
    if (strcmp(kind, "memory") == 0) *(volatile uint32_t *)wild_address = 1u;
    else if (strcmp(kind, "illegal") == 0) __asm__ volatile("hlt");
    else if (strcmp(kind, "app") == 0) RAISE_APPLICATION_ERROR(APPLICATION_ERROR, (MESSAGE_ADDR_TYPE)"example fault", 13, &rc);
    else demo_log("%s: unknown fault kind %s\n", self, kind);
}

static void traffic(uint32_t k)
{
    RETURN_CODE_TYPE rc;
    char msg[MSG + 1];
    MESSAGE_SIZE_TYPE len = 0;
    VALIDITY_TYPE v;
    int n = snprintf(msg, MSG, "P%u #%u", (unsigned)self_id, (unsigned)k);
    uint32_t out_len = n < 0 ? 1u : (uint32_t)n + 1u;
    if (s_out != 0) {
        uint32_t l = out_len < s_out_size ? out_len : s_out_size;
        msg[l - 1] = '\0';
        WRITE_SAMPLING_MESSAGE(s_out, (MESSAGE_ADDR_TYPE)msg, (MESSAGE_SIZE_TYPE)l, &rc);
        if (rc != NO_ERROR) demo_log("%s: write rc=%d\n", self, (int)rc);
    }
    if (q_out != 0) {
        (void)snprintf(msg, MSG, "P%u #%u", (unsigned)self_id, (unsigned)k);
        uint32_t l = out_len < q_out_size ? out_len : q_out_size;
        msg[l - 1] = '\0';
        SEND_QUEUING_MESSAGE(q_out, (MESSAGE_ADDR_TYPE)msg, (MESSAGE_SIZE_TYPE)l, 0, &rc);
        if (rc != NO_ERROR) demo_log("%s: send rc=%d\n", self, (int)rc);
    }
    if (s_in != 0) {
        memset(msg, 0, sizeof msg);
        READ_SAMPLING_MESSAGE(s_in, (MESSAGE_ADDR_TYPE)msg, &len, &v, &rc);
        if (rc == NO_ERROR) demo_log("%s: sample \"%s\" %s\n", self, msg, v == VALID ? "VALID" : "INVALID");
    }
    while (q_in != 0) {
        memset(msg, 0, sizeof msg);
        RECEIVE_QUEUING_MESSAGE(q_in, 0, (MESSAGE_ADDR_TYPE)msg, &len, &rc);
        if (rc != NO_ERROR) break;
        demo_log("%s: received \"%s\"\n", self, msg);
    }
}

static void worker(void)
{
    RETURN_CODE_TYPE rc;
    char v[40], what[16];
    for (uint32_t k = 1;; k++) {
        traffic(k);
        if (arg("schedule", v, sizeof v) && at_period(v, what, sizeof what) == k) {
            uint32_t id = 0;
            for (const char *p = what; *p >= '0' && *p <= '9'; p++) id = id * 10u + (uint32_t)(*p - '0');
            SET_MODULE_SCHEDULE((SCHEDULE_ID_TYPE)id, &rc);
            demo_log("%s: SET_MODULE_SCHEDULE(%u) rc=%d\n", self, (unsigned)id, (int)rc);
        }
        int hm_restart = start_condition == HM_MODULE_RESTART || start_condition == HM_PARTITION_RESTART;
        if (!hm_restart && arg("fault", v, sizeof v) && at_period(v, what, sizeof what) == k) fault(what);
        PERIODIC_WAIT(&rc);
    }
}

/* Reads a decimal number at *p and moves past it and one '/'. */
static uint32_t number(const char **p)
{
    uint32_t v = 0;
    while (**p >= '0' && **p <= '9') v = v * 10u + (uint32_t)(*(*p)++ - '0');
    if (**p == '/') (*p)++;
    return v;
}

/* Creates the port `key=NAME/SIZE/X[/PRIORITY]` names (X: refresh ms for sampling, depth for queuing). */
static void open_port(const char *key, int queuing, PORT_DIRECTION_TYPE dir, APEX_INTEGER *id, uint32_t *size_out)
{
    char v[48];
    NAME_TYPE name;
    RETURN_CODE_TYPE rc;
    if (!arg(key, v, sizeof v)) return;
    char *slash = strchr(v, '/');
    if (slash == 0) { printf("%s: %s=%s lacks /SIZE/...\n", self, key, v); return; }
    *slash = '\0';
    const char *p = slash + 1;
    uint32_t size = number(&p), x = number(&p);
    demo_name(name, v);
    if (size == 0 || size > MSG) { printf("%s: port %s: size %u not in 1..%d\n", self, v, (unsigned)size, MSG); return; }
    if (queuing) CREATE_QUEUING_PORT(name, (MESSAGE_SIZE_TYPE)size, (MESSAGE_RANGE_TYPE)x, dir, strcmp(p, "PRIORITY") == 0 ? PRIORITY : FIFO, id, &rc);
    else CREATE_SAMPLING_PORT(name, (MESSAGE_SIZE_TYPE)size, dir, (SYSTEM_TIME_TYPE)x * 1000000LL, id, &rc);
    if (rc != NO_ERROR) printf("%s: creating port %s: rc=%d\n", self, v, (int)rc);
    if (size_out != 0) *size_out = size;
}

/* The periodic WORKER; its time capacity is its period (a deadline miss goes to the HM like any error). */
static void start_worker(SYSTEM_TIME_TYPE period) { (void)demo_start_process("WORKER", worker, 10, period); }

void app_main(const struct bsp_boot_info *info)
{
    RETURN_CODE_TYPE rc;
    PARTITION_STATUS_TYPE st;
    apex_init(info);
    cmd = info->cmdline;
    cmd_len = info->cmdline_len;
    strncpy(self, info->name, sizeof self - 1);
    start_condition = info->start_condition;
    self_id = info->partition_id;
    printf("%s: boot %u, start condition %u\n", self, (unsigned)boot_no, (unsigned)start_condition);
    if (cb_calls != 0) printf("%s: PartitionCallback ran %u time(s): error code %u in system state %u\n", self, (unsigned)cb_calls, (unsigned)cb_code, (unsigned)cb_state);
    if (mcb_calls != 0) printf("%s: ModuleCallback ran %u time(s): error of partition %u\n", self, (unsigned)mcb_calls, (unsigned)mcb_partition);
    boot_no++;
    open_port("sout", 0, SOURCE, &s_out, &s_out_size);
    open_port("sin", 0, DESTINATION, &s_in, 0);
    open_port("qout", 1, SOURCE, &q_out, &q_out_size);
    open_port("qin", 1, DESTINATION, &q_in, 0);
    GET_PARTITION_STATUS(&st, &rc);
    start_worker(st.PERIOD);
    SET_PARTITION_MODE(NORMAL, &rc);
}
