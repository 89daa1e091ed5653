/* Scenario guest: announces itself, then loops forever without yielding or halting. The kernel must
 * still end its window on the exact cycle and start every other window on time. */
#include <stdint.h>
#include <rt/stdio.h>

int main(uint32_t magic, uint32_t info)
{
    (void)magic;
    (void)info;
    printf("spinner: entering an infinite loop\n");
    volatile uint32_t x = 0;
    for (;;)
        x++;
}
