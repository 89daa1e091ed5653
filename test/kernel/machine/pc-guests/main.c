/* Multiboot v1 entry of the CPU/PC test kernel: sets up COM1 and its own GDT/IDT, then runs the test
   the command line names (cpuid, msr, apicreloc, sysenter, desc, bcd, pit, task, shell, kbd, reset, ferr) and leaves
   through isa-debug-exit (status 0 -> exit code 1). Each test prints lines that QEMU prints alike. */
#include "pc-lib.h"
#include "tests.h"

#define MB_HEADER_MAGIC 0x1BADB002u
#define MB_HEADER_FLAGS 0x00000003u

__attribute__((section(".multiboot"), used, aligned(4)))
static const uint32_t multiboot_header[3] = {MB_HEADER_MAGIC, MB_HEADER_FLAGS, -(MB_HEADER_MAGIC + MB_HEADER_FLAGS)};

struct mb_info {
  uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
};

static uint8_t stack[16384] __attribute__((aligned(16), used));
void kmain(uint32_t magic, const struct mb_info *info);

__asm__(".text\n"
        ".globl _start\n"
        "_start:\n"
        "  mov $stack + 16384, %esp\n"
        "  push %ebx\n"
        "  push %eax\n"
        "  call kmain\n"
        "1: cli\n"
        "  hlt\n"
        "  jmp 1b\n");

/* The word after the kernel path on the command line. */
static const char *first_arg(const char *cmd) {
  while (*cmd && *cmd != ' ') cmd++;
  while (*cmd == ' ') cmd++;
  return cmd;
}

void kmain(uint32_t magic, const struct mb_info *info) {
  serial_init();
  tables_init();
  if (magic != 0x2BADB002u || !(info->flags & 4)) {
    puts_serial("no multiboot command line\n");
    debug_exit(2);
  }
  const char *arg = first_arg((const char *)info->cmdline);
  if (word_is(arg, "cpuid")) test_cpuid();
  else if (word_is(arg, "msr")) test_msr();
  else if (word_is(arg, "apicreloc")) test_apic_reloc();
  else if (word_is(arg, "sysenter")) test_sysenter();
  else if (word_is(arg, "desc")) test_desc();
  else if (word_is(arg, "bcd")) test_bcd();
  else if (word_is(arg, "pit")) test_pit();
  else if (word_is(arg, "task")) test_task();
  else if (word_is(arg, "shell")) test_shell();
  else if (word_is(arg, "kbd")) test_kbd();
  else if (word_is(arg, "reset")) test_reset();
  else if (word_is(arg, "ferr")) test_ferr();
  else {
    puts_serial("unknown test\n");
    debug_exit(2);
  }
  puts_serial("done\n");
  debug_exit(0);
}
