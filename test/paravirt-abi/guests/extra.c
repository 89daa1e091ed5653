/* extra.c: a second translation unit with its own imports, one of them a name libpv does not export,
 * so the conformance test sees entries from two objects pair up and an unknown name kept like any other. */
#include "pv_external.h"

PV_EXTERNAL_FUNC(pvtest_not_a_service);

pv_status_t pvtest_not_a_service(void);
pv_status_t pvtest_extra(void);

pv_status_t pvtest_extra(void)
{
    return pvtest_not_a_service();
}
