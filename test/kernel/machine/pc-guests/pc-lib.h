/* Small ring-0 runtime shared by the CPU/PC test kernels: COM1 output, numbers, port I/O, MSRs, a
   GDT/IDT of our own and fault catching (the instruction that faults is skipped to a resume label). */
#ifndef PC_LIB_H
#define PC_LIB_H
#include <stdint.h>

#define SEL_CODE0 0x08
#define SEL_DATA0 0x10
#define SEL_CODE3 0x18
#define SEL_DATA3 0x20
#define EFLAGS_NT 0x4000u

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) {
  uint8_t v;
  __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
static inline uint32_t read_eflags(void) {
  uint32_t v;
  __asm__ volatile("pushf; pop %0" : "=r"(v));
  return v;
}

void serial_init(void);
void putc_serial(char c);
void puts_serial(const char *s);
void put_hex(uint32_t v, int digits);
void put_dec(uint32_t v);
void debug_exit(uint32_t code);
int word_is(const char *s, const char *w);

/* GDT entry `index` (see pc-lib.c for the fixed layout); descriptors built from their fields. */
void gdt_set(int index, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags);
void gdt_set_gate(int index, uint16_t selector, uint32_t offset, uint8_t access);
uint64_t gdt_get(int index);
void idt_set_trap(int vector, void (*handler)(void));
void idt_set_task_gate(int vector, uint16_t tss_selector);
void idt_set_missing(int vector);
void idt_restore(int vector);
void tables_init(void);

/* Fault catching: TRY sets where a fault resumes; the last fault's vector (-1: none) and error code. */
extern volatile int fault_vector;
extern volatile uint32_t fault_error;
extern volatile uint32_t resume_eip;

int rdmsr_try(uint32_t msr, uint32_t *lo, uint32_t *hi);
int wrmsr_try(uint32_t msr, uint32_t lo, uint32_t hi);
void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d);

#endif
