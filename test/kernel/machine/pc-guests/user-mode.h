/* Ring-3 calls for the CPU/PC test kernel (user-mode.c). */
#ifndef USER_MODE_H
#define USER_MODE_H
void run_in_ring3(void (*fn)(void));
#endif
