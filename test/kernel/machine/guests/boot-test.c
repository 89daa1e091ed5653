/* Multiboot v1 test kernel for `apexvisor boot` and its QEMU comparison: prints what the loader handed
   over on COM1, then does what the command line's first argument asks (echo, slowecho, timer, initcount, mmap, mods,
   e9, hlt, triple, spin, exit N) and leaves through isa-debug-exit at 0xf4. Freestanding; needs no libgcc. */
#include <stdint.h>

#define MB_HEADER_MAGIC 0x1BADB002u
#define MB_HEADER_FLAGS 0x00000003u /* page-align modules, memory info */
#define MB_BOOT_MAGIC 0x2BADB002u
#define COM1 0x3F8
#define DEBUG_EXIT 0xF4

__attribute__((section(".multiboot"), used, aligned(4)))
static const uint32_t multiboot_header[3] = {MB_HEADER_MAGIC, MB_HEADER_FLAGS, -(MB_HEADER_MAGIC + MB_HEADER_FLAGS)};

struct mb_info {
  uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
  uint32_t syms[4];
  uint32_t mmap_length, mmap_addr;
  uint32_t drives_length, drives_addr, config_table, boot_loader_name;
};

struct mb_module {
  uint32_t start, end, string, reserved;
};

struct __attribute__((packed)) mb_mmap_entry {
  uint32_t size;
  uint64_t base, length;
  uint32_t type;
};

static uint8_t stack[16384] __attribute__((aligned(16), used));
void kmain(uint32_t magic, const struct mb_info *info);

/* Entry: Multiboot leaves EAX = magic, EBX = info, no usable stack. */
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

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) {
  uint8_t v;
  __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}

static void serial_init(void) {
  outb(COM1 + 1, 0x00); /* IER: no interrupts */
  outb(COM1 + 3, 0x80); /* LCR: DLAB */
  outb(COM1 + 0, 0x01); /* 115200 baud */
  outb(COM1 + 1, 0x00);
  outb(COM1 + 3, 0x03); /* 8N1 */
  outb(COM1 + 2, 0xC7); /* FIFOs on, cleared, trigger 14 */
  outb(COM1 + 4, 0x0B); /* DTR, RTS, OUT2 */
}

static void putc_serial(char c) {
  while ((inb(COM1 + 5) & 0x20) == 0) {
  }
  outb(COM1, (uint8_t)c);
}

static void puts_serial(const char *s) {
  while (*s) putc_serial(*s++);
}

static void put_hex(uint32_t v) {
  for (int i = 28; i >= 0; i -= 4) putc_serial("0123456789abcdef"[(v >> i) & 15]);
}

static void put_dec(uint32_t v) {
  char buf[11];
  int n = 0;
  do {
    buf[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) putc_serial(buf[--n]);
}

static void debug_exit(uint32_t code) {
  outl(DEBUG_EXIT, code);
  for (;;) __asm__ volatile("cli; hlt");
}

static int word_is(const char *s, const char *w) {
  while (*w && *s == *w) s++, w++;
  return *w == 0 && (*s == 0 || *s == ' ');
}

static uint32_t parse_dec(const char *s) {
  uint32_t v = 0;
  while (*s >= '0' && *s <= '9') v = v * 10 + (uint32_t)(*s++ - '0');
  return v;
}

/* ---- Interrupts, for the timer test: our own GDT and IDT, PIC remapped to 0x20/0x28, PIT at 1 kHz. ---- */

static uint64_t gdt[3] = {0, 0x00CF9A000000FFFFull, 0x00CF92000000FFFFull};
static uint64_t idt[256];
static volatile uint32_t ticks;
/* The count stops here: the timer test waits for 10 ticks and prints the count after the wait, and under QEMU on a
   loaded host an eleventh tick could land between the two (QEMU's PIT follows host time; ours is virtual time). */
static volatile uint32_t tick_limit = 0xFFFFFFFFu;

struct __attribute__((packed)) table_ptr {
  uint16_t limit;
  uint32_t base;
};

void timer_isr(void);
void other_isr(void);
void timer_tick(void) {
  if (ticks < tick_limit) ticks++;
  outb(0x20, 0x20); /* non-specific EOI */
}
void unexpected_interrupt(void) {
  puts_serial("unexpected interrupt\n");
  debug_exit(3);
}

__asm__(".text\n"
        "timer_isr:\n"
        "  pusha\n"
        "  call timer_tick\n"
        "  popa\n"
        "  iret\n"
        "other_isr:\n"
        "  call unexpected_interrupt\n");

static void set_gate(int vector, void (*handler)(void)) {
  uint32_t a = (uint32_t)handler;
  idt[vector] = (uint64_t)((a & 0xFFFF) | (0x08u << 16)) | ((uint64_t)((a & 0xFFFF0000u) | 0x8E00u) << 32);
}

static void load_tables(void) {
  struct table_ptr g = {sizeof gdt - 1, (uint32_t)gdt};
  struct table_ptr i = {sizeof idt - 1, (uint32_t)idt};
  __asm__ volatile("lgdt %0\n"
                   "ljmp $0x08, $1f\n"
                   "1: mov $0x10, %%ax\n"
                   "mov %%ax, %%ds\n"
                   "mov %%ax, %%es\n"
                   "mov %%ax, %%ss\n"
                   "lidt %1\n"
                   :
                   : "m"(g), "m"(i)
                   : "eax", "memory");
}

static void pic_remap(void) {
  static const uint8_t master[4] = {0x11, 0x20, 0x04, 0x01};
  static const uint8_t slave[4] = {0x11, 0x28, 0x02, 0x01};
  for (int k = 0; k < 4; k++) {
    outb(k == 0 ? 0x20 : 0x21, master[k]);
    outb(k == 0 ? 0xA0 : 0xA1, slave[k]);
  }
  outb(0x21, 0xFE); /* only IRQ0 */
  outb(0xA1, 0xFF);
}

static void timer_test(void) {
  for (int v = 0; v < 256; v++) set_gate(v, other_isr);
  set_gate(0x20, timer_isr);
  load_tables();
  pic_remap();
  outb(0x43, 0x34); /* channel 0, lo/hi, mode 2 */
  outb(0x40, 1193 & 0xFF);
  outb(0x40, 1193 >> 8);
  tick_limit = 10;
  __asm__ volatile("sti");
  while (ticks < 10) __asm__ volatile("hlt");
  __asm__ volatile("cli");
  puts_serial("ticks=");
  put_dec(ticks);
  putc_serial('\n');
}

/* Counts passes through kmain's start: a snapshot restored later continues without a second pass. */
volatile uint32_t init_passes;

/* 100 PIT ticks at 1 kHz with HLT between them, a line every 10 ticks naming the init passes so far. */
static void initcount_test(void) {
  for (int v = 0; v < 256; v++) set_gate(v, other_isr);
  set_gate(0x20, timer_isr);
  load_tables();
  pic_remap();
  outb(0x43, 0x34);
  outb(0x40, 1193 & 0xFF);
  outb(0x40, 1193 >> 8);
  __asm__ volatile("sti");
  uint32_t shown = 0;
  while (ticks < 100) {
    __asm__ volatile("hlt");
    if (ticks / 10 != shown) {
      shown = ticks / 10;
      puts_serial("tick ");
      put_dec(ticks);
      puts_serial(" init_passes=");
      put_dec(init_passes);
      putc_serial('\n');
    }
  }
  __asm__ volatile("cli");
  debug_exit(init_passes);
}

/* ---- The tests ---- */

static void echo_test(void) {
  char line[80];
  int n = 0;
  for (;;) {
    while ((inb(COM1 + 5) & 0x01) == 0) {
    }
    char c = (char)inb(COM1);
    if (c == '\n' || n == (int)sizeof line - 1) break;
    line[n++] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
  }
  line[n] = 0;
  puts_serial("echo:");
  puts_serial(line);
  putc_serial('\n');
}

/* slowecho: reads COM1 in bursts with a busy pause between them, so that input bytes wait in the receive
   FIFO (the snapshot tests cut there); prints each burst as "[n]text" (newline shown as '/') and returns
   after a burst holding '.'. */
static void slowecho_test(void) {
  outb(COM1 + 1, 0x01); /* IER: received-data interrupt on (IF stays 0): the UART fills its FIFO as bytes arrive */
  for (;;) {
    for (volatile uint32_t i = 0; i < 20000; i++) {
    }
    char buf[17];
    int n = 0;
    while (n < 16 && (inb(COM1 + 5) & 0x01) != 0) buf[n++] = (char)inb(COM1);
    if (n == 0) continue;
    int stop = 0;
    putc_serial('[');
    put_dec((uint32_t)n);
    putc_serial(']');
    for (int j = 0; j < n; j++) {
      putc_serial(buf[j] == '\n' ? '/' : buf[j]);
      if (buf[j] == '.') stop = 1;
    }
    putc_serial('\n');
    if (stop) return;
  }
}

static void mmap_test(const struct mb_info *info) {
  const uint8_t *p = (const uint8_t *)info->mmap_addr;
  const uint8_t *end = p + info->mmap_length;
  while (p < end) {
    const struct mb_mmap_entry *e = (const struct mb_mmap_entry *)p;
    puts_serial("mmap ");
    put_hex((uint32_t)e->base);
    putc_serial(' ');
    put_hex((uint32_t)e->length);
    putc_serial(' ');
    put_dec(e->type);
    putc_serial('\n');
    p += e->size + 4;
  }
  puts_serial("loader=");
  puts_serial((const char *)info->boot_loader_name);
  putc_serial('\n');
}

static void mods_test(const struct mb_info *info) {
  const struct mb_module *m = (const struct mb_module *)info->mods_addr;
  puts_serial("mods=");
  put_dec(info->mods_count);
  putc_serial('\n');
  for (uint32_t i = 0; i < info->mods_count; i++, m++) {
    const uint8_t *data = (const uint8_t *)m->start;
    uint32_t sum = 0;
    for (uint32_t a = m->start; a < m->end; a++) sum = sum * 31 + data[a - m->start];
    puts_serial("module \"");
    puts_serial((const char *)m->string);
    puts_serial("\" bytes=");
    put_dec(m->end - m->start);
    puts_serial(" page_aligned=");
    put_dec((m->start & 0xFFF) == 0);
    puts_serial(" hash=");
    put_hex(sum);
    putc_serial('\n');
  }
}

void kmain(uint32_t magic, const struct mb_info *info) {
  init_passes++;
  serial_init();
  puts_serial("boot-test: magic=");
  put_hex(magic);
  putc_serial('\n');
  if (magic != MB_BOOT_MAGIC) debug_exit(2);
  puts_serial("mem_lower=");
  put_dec(info->mem_lower);
  puts_serial(" mem_upper=");
  put_dec(info->mem_upper);
  putc_serial('\n');
  const char *args = (info->flags & 4) ? (const char *)info->cmdline : "";
  while (*args && *args != ' ') args++; /* skip the kernel path */
  while (*args == ' ') args++;
  puts_serial("args=");
  puts_serial(args);
  putc_serial('\n');
  if (word_is(args, "echo")) echo_test();
  else if (word_is(args, "slowecho")) slowecho_test();
  else if (word_is(args, "timer")) timer_test();
  else if (word_is(args, "initcount")) initcount_test();
  else if (word_is(args, "mmap")) mmap_test(info);
  else if (word_is(args, "mods")) mods_test(info);
  else if (word_is(args, "e9")) {
    for (const char *s = "via port e9\n"; *s; s++) outb(0xE9, (uint8_t)*s);
  } else if (word_is(args, "hlt")) {
    puts_serial("halting\n");
    __asm__ volatile("cli; hlt");
  } else if (word_is(args, "triple")) {
    struct table_ptr none = {0, 0};
    puts_serial("triple faulting\n");
    __asm__ volatile("lidt %0; int3" : : "m"(none));
  } else if (word_is(args, "spin")) {
    for (;;) __asm__ volatile("");
  } else if (word_is(args, "exit")) {
    debug_exit(parse_dec(args + 5));
  }
  puts_serial("done\n");
  debug_exit(0x10);
}
