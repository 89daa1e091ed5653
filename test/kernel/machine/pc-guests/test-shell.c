/* placeholder until the shell test lands */
#include "pc-lib.h"
#include "tests.h"
void test_shell(void) { puts_serial("no shell yet\n"); }
