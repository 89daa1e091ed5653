/* app.h: the application's entry: the RTOS calls it on the init task (highest priority, before any other
 * task runs) once the core is up. An APEX application calls SET_PARTITION_MODE(NORMAL) from here. */
#ifndef RTOS_APP_H
#define RTOS_APP_H

#include <bsp.h>

void app_main(const struct bsp_boot_info *info);

/* The init task's priority: above every APEX process. */
#define RTOS_INIT_PRIORITY 254

#endif
