/* bare-pv.h: console and command-line helpers of the PV partitions that run without the RTOS (ioserver,
 * devassign), over the trap binding's pv_console_write. */
#ifndef PARTITIONS_BARE_PV_H
#define PARTITIONS_BARE_PV_H

#include <stdint.h>

/* Writes the NUL-terminated `s` to the partition's console. */
void bare_say(const char *s);
/* 1 when `word` occurs anywhere in the `len` bytes of `line` (a substring, as the XML CommandLine uses it). */
int bare_has_word(const char *line, uint32_t len, const char *word);
/* The decimal number after the first "word=" in `line`, or `dflt` when no occurrence of `word` has "=". */
uint32_t bare_word_value(const char *line, uint32_t len, const char *word, uint32_t dflt);

#endif
