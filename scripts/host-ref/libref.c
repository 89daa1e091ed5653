/* libref.c: the tiny shared library of the host references: one function called through a lazily bound
 * PLT entry by hostref.c. It does as little as the guest's baseline function. */
#include <stdint.h>

/* Called first so that the library's pages and the dynamic linker's resolver are warm before the timed
 * first call of ref_lib_call: that call then costs the lazy resolution itself, not page faults. */
int ref_lib_warm(void)
{
    return 1;
}

int ref_lib_call(uint64_t *out)
{
    *out = 0;
    return 0;
}
