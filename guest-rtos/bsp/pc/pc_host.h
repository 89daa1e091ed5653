/* pc_host.h: the single-partition "linked host library" of the bare-PC BSP (pc_host.c): what the
 * kernel answers on apexvisor, answered locally for a PC that runs one partition and nothing else. */
#ifndef PC_HOST_H
#define PC_HOST_H

#include <stdint.h>

#define PC_PARTITION_ID 1u
#define PC_PARTITION_NAME "pc" /* with the apexvisor service device: the XML name (pc_apx_identity) */
#define PC_START_CONDITION 0u /* NORMAL_START */

/* Reads `schedule=<id>:<name>` from the command line (the module schedule the XML names), and the
 * logbook (pc_logbook_configure). */
void pc_host_configure(const char *cmdline, uint32_t len);
/* Reads `logbook=<name>:<logged>:<in_progress>`: the one logbook of this PC (pc_logbook.c). Weak: an
 * image that uses no logbook service need not link pc_logbook.c. */
void pc_logbook_configure(const char *cmdline, uint32_t len) __attribute__((weak));
/* Prints why and ends the machine with `status` (isa-debug-exit); never returns. */
__attribute__((noreturn)) void pc_host_halt(const char *why, uint32_t status);

#endif
