/* x87 errors the PC/AT way: with CR0.NE = 0 an unmasked exception pending at a waiting instruction
   asserts FERR#, which reaches the 8259 as IRQ13; a write to port 0xF0 drops IRQ13 and asserts IGNNE#, so
   later waiting instructions go on without a new IRQ13 until ES is cleared (here by FLDENV). With
   CR0.NE = 1 the same pending exception is #MF (vector 16) instead. */
#include "pc-lib.h"
#include "tests.h"

#define IRQ13_VECTOR 0x2D /* slave 8259 at 0x28, line 5 */
static volatile uint32_t irq13_count;
static volatile uint16_t irq13_sw;
void irq13_isr(void);

void irq13_handler(void) {
  uint16_t sw;
  __asm__ volatile("fnstsw %0" : "=m"(sw));
  irq13_sw = sw;
  irq13_count++;
  outb(0xF0, 0);    /* clear the FERR# latch: IRQ13 drops, IGNNE# on */
  outb(0xA0, 0x20); /* EOI to the slave, then the master */
  outb(0x20, 0x20);
}

__asm__(".text\n"
        "irq13_isr:\n"
        "  pusha\n"
        "  call irq13_handler\n"
        "  popa\n"
        "  iret\n");

static void pic_init(void) {
  static const uint8_t master[4] = {0x11, 0x20, 0x04, 0x01};
  static const uint8_t slave[4] = {0x11, 0x28, 0x02, 0x01};
  outb(0x20, master[0]);
  outb(0xA0, slave[0]);
  for (int i = 1; i < 4; i++) {
    outb(0x21, master[i]);
    outb(0xA1, slave[i]);
  }
  outb(0x21, 0xFB); /* cascade only */
  outb(0xA1, 0xDF); /* IRQ13 only */
}

static void set_ne(int on) {
  uint32_t cr0;
  __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
  cr0 = (cr0 & ~0x2Cu) | 0x02u; /* EM, TS off; MP on */
  if (on) cr0 |= 0x20u;
  __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
}

/* 1 / 0 with ZE unmasked: sets ZE and ES, raises nothing yet (only a waiting instruction reports). */
static void divide_by_zero(void) {
  static const uint16_t cw = 0x037B;
  __asm__ volatile("fninit\n fldcw %0\n fld1\n fldz\n fdivrp\n" : : "m"(cw));
}

static void report(const char *what) {
  uint16_t sw;
  __asm__ volatile("fnstsw %0" : "=m"(sw));
  puts_serial(what);
  puts_serial(": irq13=");
  put_dec(irq13_count);
  puts_serial(" sw.es/ze=");
  put_hex(sw & 0x84, 2);
  puts_serial("\n");
}

/* FNSTENV, clear the exception flags in the image, FLDENV: ES drops, and with it FERR# and IGNNE#. */
static void clear_by_env(void) {
  uint32_t env[7];
  __asm__ volatile("fnstenv %0" : "=m"(env));
  env[1] &= ~0x80FFu;
  __asm__ volatile("fldenv %0" : : "m"(env));
}

void test_ferr(void) {
  idt_set_trap(IRQ13_VECTOR, irq13_isr);
  pic_init();
  set_ne(0);
  __asm__ volatile("sti");
  divide_by_zero();
  report("after fdiv");
  __asm__ volatile("fwait\n nop\n nop");
  report("after fwait");
  puts_serial("handler saw sw.es/ze=");
  put_hex(irq13_sw & 0x84, 2);
  puts_serial("\n");
  __asm__ volatile("fwait\n nop\n nop");
  report("fwait under IGNNE#");
  clear_by_env();
  report("after fldenv");
  divide_by_zero();
  __asm__ volatile("fwait\n nop\n nop");
  report("second error, fwait");
  __asm__ volatile("cli\n fninit");
  set_ne(1);
  divide_by_zero();
  fault_vector = -1;
  __asm__ volatile("movl $1f, resume_eip\n fwait\n movl $0, resume_eip\n 1:" : : : "memory");
  puts_serial("CR0.NE=1 fwait: vector ");
  put_dec((uint32_t)fault_vector);
  puts_serial(" irq13=");
  put_dec(irq13_count);
  puts_serial("\n");
  __asm__ volatile("fninit");
}
