/* Runs a C function in ring 3 (flat CS 0x1b / SS 0x23 through SYSEXIT) and comes back with SYSENTER. */
#include "pc-lib.h"
#include "user-mode.h"

static uint8_t user_stack[4096] __attribute__((aligned(16)));
static uint8_t return_stack[4096] __attribute__((aligned(16)));
void (*volatile user_fn)(void);
uint32_t user_saved_esp;
void user_trampoline(void);
void user_return(void);

__asm__(".text\n"
        "user_trampoline:\n"
        "  call *user_fn\n"
        "  sysenter\n"
        "user_return:\n"
        "  mov user_saved_esp, %esp\n"
        "  popa\n"
        "  ret\n");

void run_in_ring3(void (*fn)(void)) {
  user_fn = fn;
  wrmsr_try(0x174, SEL_CODE0, 0);
  wrmsr_try(0x175, (uint32_t)(return_stack + sizeof return_stack), 0);
  wrmsr_try(0x176, (uint32_t)user_return, 0);
  __asm__ volatile("call 1f\n"
                   "jmp 2f\n"
                   "1:\n"
                   "pusha\n"
                   "mov %%esp, user_saved_esp\n"
                   "sysexit\n"
                   "2:\n"
                   : : "c"(user_stack + sizeof user_stack), "d"(user_trampoline) : "eax", "memory");
}
