/* bare-pv.c: console and command-line helpers of the RTOS-less PV partitions (bare-pv.h). */
#include "bare-pv.h"
#include "pv_abi.h"

void bare_say(const char *s)
{
    uint32_t n = 0;
    while (s[n] != 0)
        n++;
    (void)pv_console_write(s, n);
}

/* How many bytes of `word` match `line` from `at` (the whole word when the result indexes its NUL). */
static uint32_t match_at(const char *line, uint32_t len, uint32_t at, const char *word)
{
    uint32_t j = 0;
    while (word[j] != 0 && at + j < len && line[at + j] == word[j])
        j++;
    return j;
}

int bare_has_word(const char *line, uint32_t len, const char *word)
{
    for (uint32_t i = 0; i < len; i++)
        if (word[match_at(line, len, i, word)] == 0)
            return 1;
    return 0;
}

uint32_t bare_word_value(const char *line, uint32_t len, const char *word, uint32_t dflt)
{
    for (uint32_t i = 0; i < len; i++) {
        uint32_t j = match_at(line, len, i, word);
        if (word[j] != 0 || i + j >= len || line[i + j] != '=')
            continue;
        uint32_t v = 0;
        for (j++; i + j < len && line[i + j] >= '0' && line[i + j] <= '9'; j++)
            v = v * 10 + (uint32_t)(line[i + j] - '0');
        return v;
    }
    return dflt;
}
