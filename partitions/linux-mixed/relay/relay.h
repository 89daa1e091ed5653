/* relay.h: the relay program of the linux-mixed example, independent of where it runs. relay.c drives
 * apexvisor's sampling-port device (registers below, README.md); the platform file gives it the device's
 * registers, a pause and the console: linux_main.c (a Linux process, /dev/port) or pc_main.c (bare PC). */
#ifndef RELAY_H
#define RELAY_H

#include <stdint.h>

/* The device's ports (kernel/devices/sampling-ports.ts): base 0x650, 16 registers. */
#define SP_BASE 0x650u
#define SP_ID 0x0u
#define SP_COUNT 0x1u
#define SP_SELECT 0x2u
#define SP_COMMAND 0x3u /* write: command; read: RETURN_CODE of the last one (0xFF: none yet) */
#define SP_VALIDITY 0x4u
#define SP_DIRECTION 0x5u
#define SP_LENGTH_LO 0x6u
#define SP_LENGTH_HI 0x7u
#define SP_DATA 0xAu
#define SP_ID_VALUE 0x53u
#define SP_CMD_READ 0x01u
#define SP_CMD_WRITE 0x02u
#define SP_CMD_NAME 0x03u

/* Platform hooks. */
uint8_t sp_in(uint32_t offset);
void sp_out(uint32_t offset, uint8_t value);
/* Waits a little before the next poll (a Linux process sleeps; a bare PC spins). */
void relay_pause(void);

/* Relays `count` new samples from CELSIUS_IN to FAHRENHEIT_OUT; 0 on success, 1 without the device or ports. */
int relay_run(unsigned count);

#endif
