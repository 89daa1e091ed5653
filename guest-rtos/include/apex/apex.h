/* apex.h: the whole APEX interface of the guest RTOS in one include. */
#ifndef APEX_APEX_H
#define APEX_APEX_H

#include "hm.h"
#include "inter.h"
#include "intra.h"
#include "part2.h"
#include "partition.h"
#include "process.h"
#include "types.h"

#endif
