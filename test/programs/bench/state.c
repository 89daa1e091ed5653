/* Benchmark kernel: a text-scanning state machine. Each round classifies the comma-separated fields of a
 * buffer as integers, decimals, exponents or invalid, counting states and transitions (branchy code). */
#include "bench.h"

enum state { START, INT, DEC, FRAC, EXP, EXP_SIGN, EXP_DIGITS, INVALID, STATES };

#define TEXT 512
static char text[TEXT + 1];

const char bench_name[] = "state";
const uint32_t bench_default_iterations = 8000;

void bench_setup(void)
{
    static const char *const pieces[] = { "5012", "1.5e-3", "-19.02", "abc", "3e7", "0.0001", "+42", "7.", "e9", "12x4" };
    uint32_t s = 7, n = 0;
    while (n < TEXT - 10) {
        s = s * 1103515245u + 12345u;
        const char *p = pieces[(s >> 16) % 10];
        while (*p != '\0' && n < TEXT - 1) text[n++] = *p++;
        text[n++] = ',';
    }
    text[n] = '\0';
}

static enum state step(enum state st, char c)
{
    int digit = c >= '0' && c <= '9';
    switch (st) {
    case START:
        if (digit) return INT;
        if (c == '+' || c == '-') return INT;
        if (c == '.') return DEC;
        return INVALID;
    case INT:
        if (digit) return INT;
        if (c == '.') return DEC;
        if (c == 'e' || c == 'E') return EXP;
        return INVALID;
    case DEC:
        return digit ? FRAC : INVALID;
    case FRAC:
        if (digit) return FRAC;
        if (c == 'e' || c == 'E') return EXP;
        return INVALID;
    case EXP:
        if (c == '+' || c == '-') return EXP_SIGN;
        return digit ? EXP_DIGITS : INVALID;
    case EXP_SIGN:
    case EXP_DIGITS:
        return digit ? EXP_DIGITS : INVALID;
    case INVALID:
    case STATES:
        break;
    }
    return INVALID;
}

uint32_t bench_run(uint32_t iterations)
{
    uint32_t final_count[STATES] = { 0 }, transitions = 0, sum = 0;
    for (uint32_t it = 0; it < iterations; it++) {
        enum state st = START;
        for (const char *p = text; *p != '\0'; p++) {
            if (*p == ',') {
                final_count[st]++;
                st = START;
                continue;
            }
            enum state next = step(st, *p);
            transitions += next != st;
            st = next;
        }
        text[it % (TEXT - 1)] ^= 0; /* keep the compiler from hoisting the scan out of the loop */
        sum = sum * 33u + transitions;
    }
    for (int i = 0; i < STATES; i++) sum = sum * 31u + final_count[i];
    return sum;
}
