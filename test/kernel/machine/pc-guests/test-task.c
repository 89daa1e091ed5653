/* Hardware task switches: CALL to a TSS and through a task gate (NT, back link, IRET back), JMP (busy
   bits), CR3 and LDT reloaded per task, #TS for a short TSS, #GP for a busy one, #DF through an IDT task
   gate, and a segment fault raised inside the new task. */
#include "pc-lib.h"
#include "tests.h"

struct tss {
  uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
  uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
  uint32_t es, cs, ss, ds, fs, gs, ldt, iomap;
};

static struct tss tss_a, tss_b, tss_df, tss_small, tss_c;
static uint32_t pd_a[1024] __attribute__((aligned(4096)));
static uint32_t pd_b[1024] __attribute__((aligned(4096)));
static uint64_t ldt[1];
static uint32_t ldt_word = 0x1d7;
static uint8_t stack_b[4096] __attribute__((aligned(16)));
static uint8_t stack_df[4096] __attribute__((aligned(16)));
static uint8_t stack_c[4096] __attribute__((aligned(16)));
#define MAPPED ((volatile uint32_t *)0x40000000)

static volatile uint32_t b_runs, b_nt, b_link, b_tr, b_val, b_fs;
volatile uint32_t df_err;
static volatile uint32_t df_nt, df_link, df_tr;

static uint32_t str(void) {
  uint32_t v = 0;
  __asm__ volatile("str %w0" : "+r"(v));
  return v & 0xFFFF;
}

static uint32_t tss_type(int index) { return (uint32_t)(gdt_get(index) >> 40) & 0xF; }

void task_b_main(void) {
  for (;;) {
    uint32_t fl = read_eflags();
    uint32_t fsv;
    __asm__ volatile("mov %%fs:0, %0" : "=r"(fsv));
    b_runs++;
    b_nt = (fl & EFLAGS_NT) != 0;
    b_link = tss_b.link & 0xFFFF;
    b_tr = str();
    b_val = *MAPPED;
    b_fs = fsv;
    if (fl & EFLAGS_NT) __asm__ volatile("iret");
    else __asm__ volatile("ljmp $0x28, $0");
  }
}

void df_task_body(void) {
  df_nt = (read_eflags() & EFLAGS_NT) != 0;
  df_link = tss_df.link & 0xFFFF;
  df_tr = str();
  idt_restore(13);
}

__asm__(".text\n"
        "df_entry:\n"
        "  pop %eax\n"
        "  mov %eax, df_err\n"
        "  call df_task_body\n"
        "  iret\n"
        "  jmp df_entry\n");
void df_entry(void);

static void fill_tss(struct tss *t, void (*eip)(void), uint8_t *stack, uint32_t cr3, uint32_t ldt_sel) {
  t->eip = (uint32_t)eip;
  t->esp = (uint32_t)stack;
  t->eflags = 0x2;
  t->cs = SEL_CODE0;
  t->ss = t->ds = t->es = SEL_DATA0;
  t->fs = t->gs = 0;
  t->cr3 = cr3;
  t->ldt = ldt_sel;
  t->iomap = sizeof(struct tss) << 16;
}

static void report_b(const char *how) {
  puts_serial(how);
  puts_serial(": runs=");
  put_dec(b_runs);
  puts_serial(" nt=");
  put_dec(b_nt);
  puts_serial(" link=");
  put_hex(b_link, 4);
  puts_serial(" tr=");
  put_hex(b_tr, 4);
  puts_serial(" cr3 page=");
  put_hex(b_val, 4);
  puts_serial(" fs:0=");
  put_hex(b_fs, 4);
  puts_serial("\n");
}

static void report_a(void) {
  uint32_t cr0;
  __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
  puts_serial("  back in a: tr=");
  put_hex(str(), 4);
  puts_serial(" nt=");
  put_dec((read_eflags() & EFLAGS_NT) != 0);
  puts_serial(" cr3 page=");
  put_hex(*MAPPED, 4);
  puts_serial(" cr0.ts=");
  put_dec((cr0 >> 3) & 1);
  puts_serial(" types a/b=");
  put_hex(tss_type(5), 1);
  put_hex(tss_type(6), 1);
  puts_serial("\n");
  __asm__ volatile("clts");
}

static void report_fault(const char *what) {
  puts_serial(what);
  if (fault_vector < 0) {
    puts_serial(": no fault\n");
    return;
  }
  puts_serial(": vector ");
  put_dec((uint32_t)fault_vector);
  puts_serial(" err ");
  put_hex(fault_error, 4);
  puts_serial("\n");
}

/* Reached through the #NP raised while task C loads its DS: runs on C's stack in C's context. */
void task_c_fault_done(void) {
  puts_serial("segment fault in the new task: tr=");
  put_hex(str(), 4);
  report_fault(" #NP");
  puts_serial("done\n");
  debug_exit(0);
}

static void paging_on(void) {
  for (int i = 0; i < 16; i++) pd_a[i] = pd_b[i] = (uint32_t)(i << 22) | 0x83; /* 4 MiB, RW, present */
  pd_a[0x100] = 0x00800000 | 0x83;
  pd_b[0x100] = 0x00C00000 | 0x83;
  *(volatile uint32_t *)0x00800000 = 0xaaaa;
  *(volatile uint32_t *)0x00C00000 = 0xbbbb;
  __asm__ volatile("mov %%cr4, %%eax\n or $0x10, %%eax\n mov %%eax, %%cr4\n"
                   "mov %0, %%cr3\n"
                   "mov %%cr0, %%eax\n or $0x80000000, %%eax\n mov %%eax, %%cr0\n"
                   : : "r"(pd_a) : "eax", "memory");
}

void test_task(void) {
  paging_on();
  ldt[0] = 0x0040F2000000FFFFull | ((uint64_t)(uint32_t)&ldt_word & 0xFFFFFF) << 16 | ((uint64_t)((uint32_t)&ldt_word >> 24) << 56);
  fill_tss(&tss_a, 0, 0, (uint32_t)pd_a, 0);
  fill_tss(&tss_b, task_b_main, stack_b + sizeof stack_b, (uint32_t)pd_b, 0x50);
  tss_b.fs = 0x04;
  fill_tss(&tss_df, df_entry, stack_df + sizeof stack_df, (uint32_t)pd_a, 0);
  fill_tss(&tss_c, 0, stack_c + sizeof stack_c, (uint32_t)pd_a, 0);
  tss_c.ds = 0x80;
  gdt_set(5, (uint32_t)&tss_a, 0x67, 0x89, 0);
  gdt_set(6, (uint32_t)&tss_b, 0x67, 0x89, 0);
  gdt_set(7, (uint32_t)&tss_df, 0x67, 0x89, 0);
  gdt_set(8, (uint32_t)&tss_small, 0x60, 0x89, 0);
  gdt_set_gate(9, 0x30, 0, 0x85);
  gdt_set(10, (uint32_t)ldt, 7, 0x82, 0);
  gdt_set(16, 0, 0xFFFF, 0x12, 0x4); /* 0x80 data, not present */
  gdt_set(18, (uint32_t)&tss_c, 0x67, 0x89, 0);
  __asm__ volatile("ltr %w0" : : "r"(0x28));

  __asm__ volatile("lcall $0x30, $0" ::: "memory");
  report_b("call tss");
  report_a();
  __asm__ volatile("lcall $0x48, $0" ::: "memory");
  report_b("call task gate");
  report_a();
  __asm__ volatile("ljmp $0x30, $0" ::: "memory");
  report_b("jmp tss");
  report_a();

  fault_vector = -1;
  __asm__ volatile("movl $1f, resume_eip\n ljmp $0x40, $0\n movl $0, resume_eip\n 1:" ::: "memory");
  report_fault("jmp to a tss with limit 0x60");
  fault_vector = -1;
  __asm__ volatile("movl $1f, resume_eip\n lcall $0x28, $0\n movl $0, resume_eip\n 1:" ::: "memory");
  report_fault("call to the busy current tss");

  idt_set_task_gate(8, 0x38);
  idt_set_missing(13);
  fault_vector = -1;
  __asm__ volatile("movl $1f, resume_eip\n mov $0xfff8, %%ax\n mov %%ax, %%ds\n movl $0, resume_eip\n 1:" ::: "eax", "memory");
  puts_serial("double fault task: err=");
  put_hex(df_err, 4);
  puts_serial(" nt=");
  put_dec(df_nt);
  puts_serial(" link=");
  put_hex(df_link, 4);
  puts_serial(" tr=");
  put_hex(df_tr, 4);
  puts_serial("\n");
  report_fault("then the #GP itself");
  puts_serial("tr=");
  put_hex(str(), 4);
  puts_serial("\n");

  resume_eip = (uint32_t)task_c_fault_done;
  __asm__ volatile("ljmp $0x90, $0" ::: "memory");
  puts_serial("task c ran?\n");
}
