/* A program whose self-check fails on purpose: the programs test builds it natively to show that a
 * failed CHECK reaches the transcript and the exit status. Not a guest image. */
#include "prog.h"

int main(uint32_t magic, uint32_t info)
{
    (void)magic, (void)info;
    printf("check-fails: 2 + 2 = %d\n", 2 + 2);
    CHECK(2 + 2 == 5);
    return prog_finish("check-fails");
}
