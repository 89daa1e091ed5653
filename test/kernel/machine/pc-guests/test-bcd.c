/* AAA, AAS, DAA, DAS, AAM and AAD on edge values, with AF and CF in and the defined flags out. */
#include "pc-lib.h"
#include "tests.h"

#define CF 0x01u
#define PF 0x04u
#define AF 0x10u
#define ZF 0x40u
#define SF 0x80u

static const uint16_t inputs[] = {0x0000, 0x0005, 0x0009, 0x000a, 0x000f, 0x00f9, 0x00fa, 0x00ff,
                                  0x0105, 0x1203, 0x12fa, 0xff0c, 0x0099, 0x009a, 0x0060, 0xff05};

static uint32_t run(int op, uint32_t ax, uint32_t flags_in, uint32_t *flags_out) {
  uint32_t f;
  switch (op) {
    case 0: __asm__ volatile("push %2\n popf\n aaa\n pushf\n pop %1" : "+a"(ax), "=r"(f) : "r"(flags_in) : "cc"); break;
    case 1: __asm__ volatile("push %2\n popf\n aas\n pushf\n pop %1" : "+a"(ax), "=r"(f) : "r"(flags_in) : "cc"); break;
    case 2: __asm__ volatile("push %2\n popf\n daa\n pushf\n pop %1" : "+a"(ax), "=r"(f) : "r"(flags_in) : "cc"); break;
    case 3: __asm__ volatile("push %2\n popf\n das\n pushf\n pop %1" : "+a"(ax), "=r"(f) : "r"(flags_in) : "cc"); break;
    case 4: __asm__ volatile("push %2\n popf\n aam\n pushf\n pop %1" : "+a"(ax), "=r"(f) : "r"(flags_in) : "cc"); break;
    default: __asm__ volatile("push %2\n popf\n aad\n pushf\n pop %1" : "+a"(ax), "=r"(f) : "r"(flags_in) : "cc"); break;
  }
  *flags_out = f;
  return ax & 0xFFFF;
}

void test_bcd(void) {
  static const char *const names[] = {"aaa", "aas", "daa", "das", "aam", "aad"};
  /* Flags the SDM defines for each: AF/CF for AAA/AAS; all but OF for DAA/DAS; SF/ZF/PF for AAM/AAD. */
  static const uint32_t defined[] = {AF | CF, AF | CF, CF | AF | PF | ZF | SF, CF | AF | PF | ZF | SF, SF | ZF | PF, SF | ZF | PF};
  for (int op = 0; op < 6; op++) {
    puts_serial(names[op]);
    puts_serial(":");
    for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
      for (uint32_t fin = 0; fin < 4; fin++) {
        if (op >= 4 && fin != 0) continue;
        uint32_t flags_in = 0x2 | ((fin & 1) ? CF : 0) | ((fin & 2) ? AF : 0);
        uint32_t f;
        uint32_t ax = run(op, inputs[i], flags_in, &f);
        puts_serial(" ");
        put_hex(ax, 4);
        puts_serial("/");
        put_hex(f & defined[op], 2);
      }
    }
    puts_serial("\n");
  }
}
