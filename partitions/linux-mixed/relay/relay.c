/* relay.c: reads each new sample "seq=N celsius=D.D" that RTOS partition thermo writes on the sampling
 * channel behind port CELSIUS_IN, converts it and writes "seq=N fahrenheit=D.D" on FAHRENHEIT_OUT, which
 * RTOS partition panel reads. Ports are found by name through the device's NAME command. */
#include <rt/stdio.h>
#include <rt/string.h>
#include "relay.h"

#define MAX_MSG 64u

/* Runs `cmd` on port `index`; returns the ARINC 653 RETURN_CODE the device reports. */
static uint8_t command(uint8_t index, uint8_t cmd)
{
    sp_out(SP_SELECT, index);
    sp_out(SP_COMMAND, cmd);
    return sp_in(SP_COMMAND);
}

/* The buffer after a READ or NAME: at most `cap - 1` bytes, NUL-terminated; returns the length. */
static uint32_t fetch(char *out, uint32_t cap)
{
    uint32_t len = (uint32_t)sp_in(SP_LENGTH_LO) | ((uint32_t)sp_in(SP_LENGTH_HI) << 8);
    uint32_t n = len < cap - 1u ? len : cap - 1u;
    for (uint32_t i = 0; i < n; i++) out[i] = (char)sp_in(SP_DATA);
    out[n] = '\0';
    while (n > 0 && out[n - 1] == '\0') n--; /* a C sender's terminating NUL */
    return n;
}

/* The index of the port called `name`, or -1. */
static int find_port(const char *name)
{
    unsigned count = sp_in(SP_COUNT);
    for (unsigned i = 0; i < count; i++) {
        char got[MAX_MSG];
        if (command((uint8_t)i, SP_CMD_NAME) != 0) continue;
        (void)fetch(got, sizeof got);
        if (strcmp(got, name) == 0) return (int)i;
    }
    return -1;
}

/* Parses an unsigned decimal at *p, moving *p past it. */
static uint32_t number(const char **p)
{
    uint32_t v = 0;
    while (**p >= '0' && **p <= '9') v = v * 10u + (uint32_t)(*(*p)++ - '0');
    return v;
}

/* "seq=N celsius=[-]I.F" -> seq and tenths of a degree; 0 when the text has another shape. */
static int parse(const char *msg, uint32_t *seq, int32_t *tenths)
{
    const char *p = msg;
    if (strncmp(p, "seq=", 4) != 0) return 0;
    p += 4;
    *seq = number(&p);
    if (strncmp(p, " celsius=", 9) != 0) return 0;
    p += 9;
    int negative = *p == '-';
    if (negative) p++;
    int32_t whole = (int32_t)number(&p);
    if (*p++ != '.') return 0;
    int32_t t = whole * 10 + (int32_t)number(&p);
    *tenths = negative ? -t : t;
    return 1;
}

int relay_run(unsigned count)
{
    if (sp_in(SP_ID) != SP_ID_VALUE) {
        printf("relay: no sampling-port device at 0x%x\n", SP_BASE);
        return 1;
    }
    int in = find_port("CELSIUS_IN");
    int out = find_port("FAHRENHEIT_OUT");
    if (in < 0 || out < 0) {
        printf("relay: ports CELSIUS_IN and FAHRENHEIT_OUT not both configured (%d, %d)\n", in, out);
        return 1;
    }
    printf("relay: %u sampling ports; CELSIUS_IN is #%d, FAHRENHEIT_OUT is #%d\n", (unsigned)sp_in(SP_COUNT), in, out);
    uint32_t last = 0;
    for (unsigned done = 0; done < count;) {
        char msg[MAX_MSG];
        uint8_t rc = command((uint8_t)in, SP_CMD_READ);
        uint8_t valid = sp_in(SP_VALIDITY);
        (void)fetch(msg, sizeof msg);
        uint32_t seq;
        int32_t c10;
        if (rc != 0 || valid != 1 || !parse(msg, &seq, &c10) || seq == last) {
            relay_pause();
            continue;
        }
        last = seq;
        int32_t f10 = c10 * 9 / 5 + 320; /* tenths of a degree Fahrenheit, truncated toward zero */
        int32_t mag = f10 < 0 ? -f10 : f10;
        char reply[MAX_MSG];
        int len = snprintf(reply, sizeof reply, "seq=%u fahrenheit=%s%d.%d", (unsigned)seq, f10 < 0 ? "-" : "", (int)(mag / 10), (int)(mag % 10));
        sp_out(SP_SELECT, (uint8_t)out);
        for (int i = 0; i <= len; i++) sp_out(SP_DATA, (uint8_t)reply[i]); /* with its NUL, as a C sender */
        sp_out(SP_LENGTH_LO, (uint8_t)(len + 1));
        sp_out(SP_LENGTH_HI, 0);
        sp_out(SP_COMMAND, SP_CMD_WRITE);
        printf("relay: \"%s\" -> \"%s\" rc=%u\n", msg, reply, (unsigned)sp_in(SP_COMMAND));
        done++;
    }
    printf("relay: done, %u samples relayed\n", count);
    return 0;
}
