/* CPUID feature bits, MSRs (IA32_APIC_BASE, TSC, SYSENTER_*, MISC_ENABLE, PAT, MTRR), #GP on unknown
   MSRs and reserved bits, local APIC disable/relocation, SYSENTER/SYSEXIT between ring 0 and ring 3. */
#include "pc-lib.h"
#include "tests.h"

#define APIC_DEFAULT 0xFEE00000u

static void print_msr_result(const char *name, int fault, uint32_t lo, uint32_t hi) {
  puts_serial(name);
  if (fault >= 0) {
    puts_serial(": fault ");
    put_dec((uint32_t)fault);
  } else {
    puts_serial(": ");
    put_hex(hi, 8);
    put_hex(lo, 8);
  }
  puts_serial("\n");
}

static void show_write(const char *name, uint32_t msr, uint32_t lo, uint32_t hi) {
  int f = wrmsr_try(msr, lo, hi);
  puts_serial(name);
  if (f >= 0) {
    puts_serial(": fault ");
    put_dec((uint32_t)f);
    puts_serial(" err ");
    put_hex(fault_error, 4);
  } else {
    puts_serial(": ok");
  }
  puts_serial("\n");
}

static uint32_t edx_features(void) {
  uint32_t a, b, c, d;
  cpuid(1, &a, &b, &c, &d);
  return d;
}

void test_cpuid(void) {
  static const struct { const char *name; int bit; } bits[] = {
      {"fpu", 0}, {"pse", 3}, {"tsc", 4}, {"msr", 5}, {"cx8", 8}, {"apic", 9}, {"sep", 11}, {"mtrr", 12}, {"cmov", 15}, {"pat", 16}, {"fxsr", 24},
  };
  uint32_t a, b, c, d;
  cpuid(0, &a, &b, &c, &d);
  puts_serial(a >= 1 ? "max leaf >= 1\n" : "max leaf 0\n");
  d = edx_features();
  for (unsigned i = 0; i < sizeof bits / sizeof bits[0]; i++) {
    puts_serial(bits[i].name);
    puts_serial((d >> bits[i].bit) & 1 ? "=1 " : "=0 ");
  }
  puts_serial("\n");
  /* Every bit claimed must work: the instructions behind them run here. */
  uint64_t v = 1;
  uint32_t lo = 1, hi = 0;
  __asm__ volatile("lock cmpxchg8b %0" : "+m"(v), "+a"(lo), "+d"(hi) : "b"(7), "c"(0));
  uint32_t t;
  __asm__ volatile("mov $0, %0\n cmp $1, %1\n cmove %1, %0" : "=&r"(t) : "r"(lo));
  puts_serial("cmpxchg8b: ");
  put_dec((uint32_t)v);
  puts_serial(" cmov: ");
  put_dec(t);
  puts_serial("\n");
}

void test_msr(void) {
  uint32_t lo, hi;
  int f = rdmsr_try(0x1B, &lo, &hi);
  print_msr_result("apic_base", f, lo, hi);
  f = rdmsr_try(0x1A0, &lo, &hi);
  print_msr_result("misc_enable.fast_strings", f, lo & 1, 0);
  f = rdmsr_try(0x277, &lo, &hi);
  print_msr_result("pat", f, lo, hi);
  show_write("pat type 2", 0x277, 0x00070402, 0x00070406);
  show_write("pat bit 3", 0x277, 0x0007040e, 0x00070406);
  show_write("pat all wb", 0x277, 0x06060606, 0x06060606);
  f = rdmsr_try(0x277, &lo, &hi);
  print_msr_result("pat", f, lo, hi);
  show_write("mtrr_def_type wb+e", 0x2FF, 0x806, 0);
  f = rdmsr_try(0x2FF, &lo, &hi);
  print_msr_result("mtrr_def_type", f, lo, hi);
  f = rdmsr_try(0xFE, &lo, &hi);
  puts_serial(f < 0 ? "mtrrcap: readable\n" : "mtrrcap: fault\n");
  show_write("sysenter_cs", 0x174, 0x08, 0);
  show_write("sysenter_esp", 0x175, 0x12345678, 0);
  show_write("sysenter_eip", 0x176, 0x9abcdef0, 0);
  f = rdmsr_try(0x174, &lo, &hi);
  print_msr_result("sysenter_cs", f, lo, hi);
  f = rdmsr_try(0x175, &lo, &hi);
  print_msr_result("sysenter_esp", f, lo, hi);
  f = rdmsr_try(0x176, &lo, &hi);
  print_msr_result("sysenter_eip", f, lo, hi);
  /* The TSC MSR and RDTSC are one counter. */
  show_write("tsc", 0x10, 0x00000000, 0x00000005);
  uint32_t a, d;
  __asm__ volatile("rdtsc" : "=a"(a), "=d"(d));
  puts_serial("rdtsc after write: edx=");
  put_dec(d);
  puts_serial("\n");
  f = rdmsr_try(0x10, &lo, &hi);
  puts_serial(f < 0 && hi == 5 ? "tsc msr agrees\n" : "tsc msr differs\n");
  /* IA32_APIC_BASE reserved bits: 0-7 and 32-63. */
  show_write("apic_base bit 0", 0x1B, APIC_DEFAULT | 0x901, 0);
  show_write("apic_base high", 0x1B, APIC_DEFAULT | 0x900, 1);
  /* Global disable clears CPUID.APIC; enabling again brings it back at the same base. */
  show_write("apic disable", 0x1B, APIC_DEFAULT | 0x100, 0);
  puts_serial((edx_features() >> 9) & 1 ? "cpuid.apic=1\n" : "cpuid.apic=0\n");
  show_write("apic enable", 0x1B, APIC_DEFAULT | 0x900, 0);
  puts_serial((edx_features() >> 9) & 1 ? "cpuid.apic=1\n" : "cpuid.apic=0\n");
  volatile uint32_t *apic = (volatile uint32_t *)APIC_DEFAULT;
  puts_serial("apic version: ");
  put_hex(apic[0x30 / 4] & 0xFF, 2);
  puts_serial("\n");
}

/* Not compared with QEMU, which does not move the APIC window: relocation and the unmapped old page. */
void test_apic_reloc(void) {
  uint32_t newbase = 0xFEB00000u;
  volatile uint32_t *old = (volatile uint32_t *)APIC_DEFAULT;
  volatile uint32_t *moved = (volatile uint32_t *)newbase;
  show_write("apic relocate", 0x1B, newbase | 0x900, 0);
  puts_serial("version at new base: ");
  put_hex(moved[0x30 / 4] & 0xFF, 2);
  puts_serial("\nold base reads: ");
  put_hex(old[0x30 / 4], 8);
  puts_serial("\n");
  moved[0x80 / 4] = 0x20; /* TPR */
  show_write("apic back", 0x1B, APIC_DEFAULT | 0x900, 0);
  puts_serial("tpr kept: ");
  put_hex(old[0x80 / 4], 2);
  puts_serial("\n");
  show_write("apic disable", 0x1B, APIC_DEFAULT | 0x100, 0);
  show_write("apic enable", 0x1B, APIC_DEFAULT | 0x900, 0);
  puts_serial("tpr after disable: ");
  put_hex(old[0x80 / 4], 2);
  puts_serial("\n");
}

static uint8_t user_stack[4096] __attribute__((aligned(16)));
static volatile uint32_t user_cs, user_ss, user_marker;
void sysenter_entry(void);

/* Ring 3: records its CS and SS, then SYSENTERs back with a marker in EAX. */
__asm__(".text\n"
        "user_code:\n"
        "  mov %cs, %eax\n"
        "  mov %eax, user_cs\n"
        "  mov %ss, %eax\n"
        "  mov %eax, user_ss\n"
        "  mov $0x5e9, %eax\n"
        "  sysenter\n"
        "sysenter_entry:\n"
        "  mov %eax, user_marker\n"
        "  mov $0x10, %eax\n"
        "  mov %eax, %ds\n"
        "  mov %eax, %es\n"
        "  jmp *resume_eip\n");

void test_sysenter(void) {
  static uint8_t kstack[4096] __attribute__((aligned(16)));
  extern char user_code[];
  wrmsr_try(0x174, 0, 0);
  fault_vector = -1;
  __asm__ volatile("movl $1f, resume_eip\n sysenter\n movl $0, resume_eip\n 1:" ::: "memory");
  puts_serial("sysenter with cs 0: fault ");
  put_dec((uint32_t)fault_vector);
  puts_serial("\n");
  wrmsr_try(0x174, SEL_CODE0, 0);
  wrmsr_try(0x175, (uint32_t)(kstack + sizeof kstack), 0);
  wrmsr_try(0x176, (uint32_t)sysenter_entry, 0);
  uint32_t cs, ss, esp;
  __asm__ volatile("push %%ebp\n"
                   "mov %%esp, saved_esp\n"
                   "movl $2f, resume_eip\n"
                   "sysexit\n"
                   "2:\n"
                   "movl $0, resume_eip\n"
                   "mov %%cs, %0\n"
                   "mov %%ss, %1\n"
                   "mov %%esp, %2\n"
                   "mov saved_esp, %%esp\n"
                   "pop %%ebp\n"
                   : "=r"(cs), "=r"(ss), "=r"(esp)
                   : "c"(user_stack + sizeof user_stack), "d"(user_code)
                   : "eax", "memory");
  puts_serial("ring 3 cs=");
  put_hex(user_cs & 0xFFFF, 4);
  puts_serial(" ss=");
  put_hex(user_ss & 0xFFFF, 4);
  puts_serial("\nback in ring 0 cs=");
  put_hex(cs & 0xFFFF, 4);
  puts_serial(" ss=");
  put_hex(ss & 0xFFFF, 4);
  puts_serial(" esp=msr: ");
  puts_serial(esp == (uint32_t)(kstack + sizeof kstack) ? "yes" : "no");
  puts_serial(" marker=");
  put_hex(user_marker, 4);
  puts_serial("\n");
}
uint32_t saved_esp;
