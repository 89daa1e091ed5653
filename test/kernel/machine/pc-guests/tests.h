/* The tests of the CPU/PC test kernel, one file each. */
#ifndef TESTS_H
#define TESTS_H
void test_cpuid(void);
void test_msr(void);
void test_apic_reloc(void);
void test_sysenter(void);
void test_desc(void);
void test_bcd(void);
void test_pit(void);
void test_task(void);
void test_shell(void);
void test_kbd(void);
void test_reset(void);
void test_ferr(void);
#endif
