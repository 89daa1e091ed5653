/* Scenario guest: prints numbered lines on COM1 with a fixed busy delay between them, so that each
 * line falls in some window of its partition; then halts for good with interrupts off.
 * Command line (after the image path): "<name> <lines> <delay-iterations>". */
#include <stdint.h>
#include <rt/platform.h>
#include <rt/stdio.h>

static const char *skip_word(const char *s)
{
    while (*s != '\0' && *s != ' ')
        s++;
    while (*s == ' ')
        s++;
    return s;
}

static uint32_t read_number(const char **s)
{
    uint32_t v = 0;
    while (**s >= '0' && **s <= '9')
        v = v * 10u + (uint32_t)(*(*s)++ - '0');
    *s = skip_word(*s);
    return v;
}

int main(uint32_t magic, uint32_t info)
{
    (void)magic;
    (void)info;
    const char *args = skip_word(rt_cmdline()); /* past the image path */
    char name[16];
    unsigned n = 0;
    while (args[n] != '\0' && args[n] != ' ' && n + 1 < sizeof name) {
        name[n] = args[n];
        n++;
    }
    name[n] = '\0';
    const char *rest = skip_word(args);
    uint32_t lines = read_number(&rest);
    uint32_t delay = read_number(&rest);
    volatile uint32_t sink = 0;
    for (uint32_t i = 1; i <= lines; i++) {
        for (uint32_t d = 0; d < delay; d++)
            sink += d;
        printf("%s line %u of %u\n", name, i, lines);
    }
    printf("%s done, halting\n", name);
    for (;;)
        __asm__ volatile("cli; hlt");
}
