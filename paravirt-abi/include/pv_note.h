/* pv_note.h: PV_ABI_NOTE stamps the image's .pvabi section (magic, ABI version, binding flags, import
 * section bounds, guest name) that the kernel's loader reads before anything runs. Use it once per image,
 * at file scope in the BSP. It only describes the image; it binds nothing. */
#ifndef PV_NOTE_H
#define PV_NOTE_H

#include "pv_abi.h"

/* Defined by linkcmds/pv-partition.ld (also when an image imports nothing). */
extern const char __pvext_str_start[], __pvext_str_end[];
extern const uint32_t __pvext_sym_start[], __pvext_sym_end[];
extern uint32_t __pvext_jmp_start[], __pvext_jmp_end[];

/* guest_name: a string literal of at most 31 characters; note_flags: PV_NOTE_* bits;
 * features: PV_FEAT_* bits the image requires. */
#define PV_ABI_NOTE(guest_name, note_flags, features)                                         \
    _Static_assert(sizeof(guest_name) <= PV_NAME_MAX, "PV_ABI_NOTE: guest name too long");   \
    __attribute__((section(".pvabi"), used, aligned(4))) const struct pv_abi_note __pv_abi_note = { \
        PV_ABI_MAGIC, PV_ABI_MAJOR, PV_ABI_MINOR, sizeof(struct pv_abi_note), (note_flags), (features), \
        (uint32_t)__pvext_str_start, (uint32_t)__pvext_str_end,                                \
        (uint32_t)__pvext_sym_start, (uint32_t)__pvext_sym_end,                                \
        (uint32_t)__pvext_jmp_start, (uint32_t)__pvext_jmp_end,                                \
        0, guest_name }

#endif /* PV_NOTE_H */
