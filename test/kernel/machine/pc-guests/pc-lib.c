/* Runtime of the CPU/PC test kernels (pc-lib.h): serial output, tables, fault stubs. */
#include "pc-lib.h"

#define COM1 0x3F8

void serial_init(void) {
  outb(COM1 + 1, 0x00);
  outb(COM1 + 3, 0x80);
  outb(COM1 + 0, 0x01);
  outb(COM1 + 1, 0x00);
  outb(COM1 + 3, 0x03);
  outb(COM1 + 2, 0xC7);
  outb(COM1 + 4, 0x0B);
}

void putc_serial(char c) {
  while ((inb(COM1 + 5) & 0x20) == 0) {
  }
  outb(COM1, (uint8_t)c);
}

void puts_serial(const char *s) {
  while (*s) putc_serial(*s++);
}

void put_hex(uint32_t v, int digits) {
  for (int i = (digits - 1) * 4; i >= 0; i -= 4) putc_serial("0123456789abcdef"[(v >> i) & 15]);
}

void put_dec(uint32_t v) {
  char buf[11];
  int n = 0;
  do {
    buf[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) putc_serial(buf[--n]);
}

void debug_exit(uint32_t code) {
  while ((inb(COM1 + 5) & 0x40) == 0) {
  }
  outl(0xF4, code);
  for (;;) __asm__ volatile("cli; hlt");
}

int word_is(const char *s, const char *w) {
  while (*w && *s == *w) s++, w++;
  return *w == 0 && (*s == 0 || *s == ' ');
}

/* ---- tables ---- */

#define GDT_ENTRIES 22
static uint64_t gdt[GDT_ENTRIES];
static uint64_t idt[256];
static uint64_t idt_saved[256];

struct __attribute__((packed)) table_ptr {
  uint16_t limit;
  uint32_t base;
};

void gdt_set(int index, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags) {
  uint32_t lo = (limit & 0xFFFF) | (base << 16);
  uint32_t hi = ((base >> 16) & 0xFF) | ((uint32_t)access << 8) | (limit & 0xF0000) | ((uint32_t)(flags & 0xF) << 20) | (base & 0xFF000000);
  gdt[index] = ((uint64_t)hi << 32) | lo;
}

void gdt_set_gate(int index, uint16_t selector, uint32_t offset, uint8_t access) {
  uint32_t lo = (offset & 0xFFFF) | ((uint32_t)selector << 16);
  uint32_t hi = (offset & 0xFFFF0000) | ((uint32_t)access << 8);
  gdt[index] = ((uint64_t)hi << 32) | lo;
}

uint64_t gdt_get(int index) { return gdt[index]; }

void idt_set_trap(int vector, void (*handler)(void)) {
  uint32_t off = (uint32_t)handler;
  idt[vector] = ((uint64_t)((off & 0xFFFF0000) | 0x8E00) << 32) | ((uint32_t)SEL_CODE0 << 16) | (off & 0xFFFF);
  idt_saved[vector] = idt[vector];
}

void idt_set_task_gate(int vector, uint16_t tss_selector) {
  idt[vector] = ((uint64_t)0x8500 << 32) | ((uint32_t)tss_selector << 16);
}

void idt_set_missing(int vector) { idt[vector] &= ~((uint64_t)0x8000 << 32); }
void idt_restore(int vector) { idt[vector] = idt_saved[vector]; }

volatile int fault_vector = -1;
volatile uint32_t fault_error;
volatile uint32_t resume_eip;
extern uint32_t isr_stub_table[32];

/* Called by the common stub with the frame: records the fault and resumes at resume_eip. */
void fault_record(uint32_t *frame) {
  /* frame: [0] vector, [1] error code, [2] EIP, [3] CS, [4] EFLAGS */
  fault_vector = (int)frame[0];
  fault_error = frame[1];
  if (resume_eip == 0) {
    puts_serial("unexpected exception ");
    put_dec(frame[0]);
    puts_serial(" at ");
    put_hex(frame[2], 8);
    puts_serial("\n");
    debug_exit(3);
  }
  frame[2] = resume_eip;
  resume_eip = 0;
}

__asm__(".text\n"
        ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
        "isr_stub_\\n:\n"
        ".if (\\n == 8) || (\\n >= 10 && \\n <= 14) || (\\n == 17)\n"
        ".else\n"
        "  push $0\n"
        ".endif\n"
        "  push $\\n\n"
        "  jmp isr_common\n"
        ".endr\n"
        "isr_common:\n"
        "  pusha\n"
        /* Data segments may be unusable (a task switch that faulted): this kernel only uses 0x10. */
        "  mov $0x10, %ax\n"
        "  mov %ax, %ds\n"
        "  mov %ax, %es\n"
        "  lea 32(%esp), %eax\n"
        "  push %eax\n"
        "  call fault_record\n"
        "  add $4, %esp\n"
        "  popa\n"
        "  add $8, %esp\n"
        "  iret\n"
        ".data\n"
        ".globl isr_stub_table\n"
        "isr_stub_table:\n"
        ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
        "  .long isr_stub_\\n\n"
        ".endr\n"
        ".text\n");

void tables_init(void) {
  gdt_set(1, 0, 0xFFFFF, 0x9A, 0xC);
  gdt_set(2, 0, 0xFFFFF, 0x92, 0xC);
  gdt_set(3, 0, 0xFFFFF, 0xFA, 0xC);
  gdt_set(4, 0, 0xFFFFF, 0xF2, 0xC);
  for (int v = 0; v < 32; v++) idt_set_trap(v, (void (*)(void))isr_stub_table[v]);
  struct table_ptr g = {sizeof(gdt) - 1, (uint32_t)gdt};
  struct table_ptr i = {sizeof(idt) - 1, (uint32_t)idt};
  __asm__ volatile("lgdt %0\n lidt %1\n"
                   "ljmp $0x08, $1f\n 1:\n"
                   "mov $0x10, %%ax\n mov %%ax, %%ds\n mov %%ax, %%es\n mov %%ax, %%fs\n mov %%ax, %%gs\n mov %%ax, %%ss\n"
                   : : "m"(g), "m"(i) : "eax", "memory");
}

int rdmsr_try(uint32_t msr, uint32_t *lo, uint32_t *hi) {
  uint32_t a = 0, d = 0;
  fault_vector = -1;
  __asm__ volatile("movl $1f, resume_eip\n rdmsr\n movl $0, resume_eip\n 1:" : "=a"(a), "=d"(d) : "c"(msr), "0"(0), "1"(0) : "memory");
  *lo = a;
  *hi = d;
  return fault_vector;
}

int wrmsr_try(uint32_t msr, uint32_t lo, uint32_t hi) {
  fault_vector = -1;
  __asm__ volatile("movl $1f, resume_eip\n wrmsr\n movl $0, resume_eip\n 1:" : : "c"(msr), "a"(lo), "d"(hi) : "memory");
  return fault_vector;
}

void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d) {
  __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "0"(leaf), "2"(0));
}
