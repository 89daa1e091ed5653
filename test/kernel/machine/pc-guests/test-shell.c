/* A shell-like console: COM1 receive interrupts (IRQ4 through the 8259, IER.ERBFI) fill a line buffer
   while the CPU sleeps in hlt; each line is echoed back; "exit" leaves. `kbd` reads the same way from the
   i8042 (polled, scan code set 1) and `reset` pulses the i8042 reset line. */
#include "pc-lib.h"
#include "tests.h"

#define COM1 0x3F8
static volatile uint8_t ring[256];
static volatile uint8_t head, tail;
void com1_isr(void);

void com1_irq(void) {
  while (inb(COM1 + 5) & 1) ring[head++] = inb(COM1);
  outb(0x20, 0x20);
}

__asm__(".text\n"
        "com1_isr:\n"
        "  pusha\n"
        "  call com1_irq\n"
        "  popa\n"
        "  iret\n");

static int getc_irq(void) {
  for (;;) {
    __asm__ volatile("cli");
    if (head != tail) {
      int c = ring[tail++];
      __asm__ volatile("sti");
      return c;
    }
    __asm__ volatile("sti; hlt");
  }
}

static void pic_init(void) {
  static const uint8_t master[4] = {0x11, 0x20, 0x04, 0x01};
  static const uint8_t slave[4] = {0x11, 0x28, 0x02, 0x01};
  outb(0x20, master[0]);
  outb(0xA0, slave[0]);
  for (int i = 1; i < 4; i++) {
    outb(0x21, master[i]);
    outb(0xA1, slave[i]);
  }
  outb(0x21, 0xEF); /* IRQ4 only */
  outb(0xA1, 0xFF);
}

static int streq(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}

static void shell(int (*getch)(void), const char *prompt) {
  char line[80];
  for (;;) {
    puts_serial(prompt);
    int n = 0;
    for (;;) {
      int c = getch();
      if (c == '\r' || c == '\n') break;
      if ((c == 0x7F || c == 8) && n > 0) {
        n--;
        puts_serial("\b \b");
        continue;
      }
      if (c < 0x20 || n == (int)sizeof line - 1) continue;
      line[n++] = (char)c;
      putc_serial((char)c);
    }
    line[n] = 0;
    puts_serial("\r\nyou typed: ");
    puts_serial(line);
    puts_serial("\r\n");
    if (streq(line, "exit")) return;
  }
}

void test_shell(void) {
  idt_set_trap(0x24, com1_isr);
  pic_init();
  outb(COM1 + 1, 0x01); /* IER: received data available */
  __asm__ volatile("sti");
  shell(getc_irq, "shell> ");
}

/* Scan code set 1 (as the 8042 translates) back to ASCII: the keys the test types. */
static int kbd_getc(void) {
  static const char lower[0x3A] = {0, 27, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', 8, '\t',
                                   'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\n', 0, 'a', 's',
                                   'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\', 'z', 'x', 'c', 'v',
                                   'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' '};
  static int shift;
  for (;;) {
    while ((inb(0x64) & 1) == 0) {
    }
    uint8_t sc = inb(0x60);
    if (sc == 0x2A) shift = 1;
    else if (sc == 0xAA) shift = 0;
    else if (sc < 0x3A && lower[sc]) {
      char c = lower[sc];
      if (shift && c >= 'a' && c <= 'z') c = (char)(c - 32);
      return c;
    }
  }
}

void test_kbd(void) {
  outb(0x64, 0xAD); /* disable the keyboard interface while the controller is set up */
  outb(0x64, 0xAA);
  while ((inb(0x64) & 1) == 0) {
  }
  puts_serial(inb(0x60) == 0x55 ? "i8042 self-test ok\n" : "i8042 self-test failed\n");
  outb(0x64, 0xAE);
  shell(kbd_getc, "kbd> ");
}

void test_reset(void) {
  puts_serial("pulsing the reset line\n");
  while ((inb(0x64) & 2) != 0) {
  }
  outb(0x64, 0xFE);
  for (;;) __asm__ volatile("hlt");
}
