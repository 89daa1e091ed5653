/* 8254 channel 2 in mode 0: read-back status before and after terminal count, with port 0x61 bit 5
   (OUT2) agreeing with the status byte's OUT bit. */
#include "pc-lib.h"
#include "tests.h"

static uint8_t status2(void) {
  outb(0x43, 0xE8); /* read-back: latch status only, counter 2 */
  return inb(0x42);
}

void test_pit(void) {
  outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01)); /* gate 2 high, speaker off */
  outb(0x43, 0xB0);                                  /* counter 2, LSB then MSB, mode 0, binary */
  outb(0x42, 0xFF);
  outb(0x42, 0xFF); /* 65535 ticks, about 55 ms: QEMU counts in host time, so leave it room */
  uint8_t s = status2();
  uint8_t port61 = inb(0x61);
  puts_serial("before: status=");
  put_hex(s, 2);
  puts_serial(" port61.out2=");
  put_dec((port61 >> 5) & 1);
  puts_serial("\n");
  uint32_t spins = 0;
  while ((inb(0x61) & 0x20) == 0 && spins < 100000000u) spins++;
  /* Read everything back to back before printing: QEMU's counter runs on host time. */
  s = status2();
  port61 = inb(0x61);
  puts_serial("after: status=");
  put_hex(s, 2);
  puts_serial(" port61.out2=");
  put_dec((port61 >> 5) & 1);
  puts_serial("\n");
}
