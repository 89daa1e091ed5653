/* LAR, LSL, VERR and VERW over every kind of descriptor, at CPL 0 and CPL 3, with RPL 0 and 3. */
#include "pc-lib.h"
#include "tests.h"
#include "user-mode.h"

static const uint16_t sels[] = {
    0x0000, 0x0008, 0x000b, 0x0010, 0x0013, 0x0018, 0x0020, 0x0023, 0x0028, 0x0048, 0x0050, 0x0058,
    0x005b, 0x0060, 0x0063, 0x0068, 0x0070, 0x0078, 0x0080, 0x0088, 0x0098, 0x00a0, 0x00a8, 0x00b0,
    0x0004, 0x0007, 0xfff8,
};
#define NSEL (sizeof sels / sizeof sels[0])

struct result {
  uint32_t lar, lar_ok, lsl, lsl_ok, verr, verw;
};
static struct result results[NSEL];
static uint64_t ldt[2];

static void query_all(void) {
  for (unsigned i = 0; i < NSEL; i++) {
    uint32_t sel = sels[i], v = 0xdeadbeef, ok;
    __asm__ volatile("lar %w2, %0\n setz %b1" : "+r"(v), "=q"(ok) : "r"(sel));
    results[i].lar = v;
    results[i].lar_ok = ok & 1;
    v = 0xdeadbeef;
    __asm__ volatile("lsl %w2, %0\n setz %b1" : "+r"(v), "=q"(ok) : "r"(sel));
    results[i].lsl = v;
    results[i].lsl_ok = ok & 1;
    __asm__ volatile("verr %w1\n setz %b0" : "=q"(ok) : "r"(sel));
    results[i].verr = ok & 1;
    __asm__ volatile("verw %w1\n setz %b0" : "=q"(ok) : "r"(sel));
    results[i].verw = ok & 1;
  }
}

static void print_all(const char *title) {
  puts_serial(title);
  puts_serial("\n");
  for (unsigned i = 0; i < NSEL; i++) {
    const struct result *r = &results[i];
    put_hex(sels[i], 4);
    puts_serial(" lar=");
    /* The accessed bit is masked: QEMU does not set it when it loads CS, processors do. */
    if (r->lar_ok) put_hex(r->lar & ~0x100u, 8);
    else puts_serial(r->lar == 0xdeadbeef ? "-" : "changed!");
    puts_serial(" lsl=");
    if (r->lsl_ok) put_hex(r->lsl, 8);
    else puts_serial(r->lsl == 0xdeadbeef ? "-" : "changed!");
    puts_serial(r->verr ? " r" : " -");
    puts_serial(r->verw ? "w\n" : "-\n");
  }
}

void test_desc(void) {
  static uint8_t tss[104];
  gdt_set(5, (uint32_t)tss, 0x67, 0x89, 0x0);          /* 0x28 32-bit TSS, available */
  gdt_set_gate(9, 0x28, 0, 0x85);                      /* 0x48 task gate */
  gdt_set(10, (uint32_t)ldt, 15, 0x82, 0x0);           /* 0x50 LDT */
  gdt_set(11, 0, 0xFFFFF, 0x98, 0xC);                  /* 0x58 execute-only code, DPL 0 */
  gdt_set(12, 0, 0xFFFFF, 0xFE, 0xC);                  /* 0x60 conforming readable code, DPL 3 */
  gdt_set(13, 0x10000, 0xFFF, 0x96, 0x4);              /* 0x68 expand-down data, byte limit */
  gdt_set(14, 0, 0xF, 0x92, 0xC);                      /* 0x70 data, 4 KiB granular limit 0xF */
  gdt_set_gate(15, 0x08, 0x1234, 0xEC);                /* 0x78 32-bit call gate, DPL 3 */
  gdt_set(16, 0, 0xFFFF, 0x12, 0x4);                   /* 0x80 data, not present */
  gdt_set(17, 0, 0xFFFF, 0xF0, 0x4);                   /* 0x88 read-only data, DPL 3 */
  gdt_set(19, 0x2000, 0x2B, 0x81, 0x0);                /* 0x98 16-bit TSS, available */
  gdt_set(20, 0, 0xFFFF, 0x80, 0x0);                   /* 0xa0 reserved system type 0 */
  gdt_set_gate(21, 0x08, 0x1234, 0x8E);                /* 0xa8 interrupt gate (not valid for LAR) */
  ldt[0] = 0x00CFF2000000FFFFull;                      /* LDT 0x04: flat data, DPL 3 */
  ldt[1] = 0;
  __asm__ volatile("lldt %w0" : : "r"(0));
  query_all();
  print_all("cpl 0, no ldt");
  __asm__ volatile("lldt %w0" : : "r"(0x50));
  query_all();
  print_all("cpl 0, ldt 0x50");
  run_in_ring3(query_all);
  print_all("cpl 3");
  static const uint16_t arpl_cases[][2] = {{0x0008, 0x0003}, {0x000b, 0x0001}, {0x0010, 0x0002}, {0xfffe, 0x0003}};
  for (unsigned i = 0; i < 4; i++) {
    uint16_t dst = arpl_cases[i][0];
    uint32_t zf;
    __asm__ volatile("arpl %w2, %w0\n setz %b1" : "+r"(dst), "=q"(zf) : "r"((uint32_t)arpl_cases[i][1]));
    puts_serial("arpl ");
    put_hex(arpl_cases[i][0], 4);
    puts_serial(",");
    put_hex(arpl_cases[i][1], 4);
    puts_serial(" -> ");
    put_hex(dst, 4);
    puts_serial((zf & 1) ? " zf=1\n" : " zf=0\n");
  }
  __asm__ volatile("lldt %w0" : : "r"(0));
}
