/* enosys.c: what the resolver binds unknown and forbidden imports to, so a call through such a slot
 * returns PV_ENOSYS instead of jumping to address 0. */
#include "pv_abi.h"

pv_status_t pv_enosys(void)
{
    return PV_ENOSYS;
}
