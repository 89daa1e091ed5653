/* arena.c: the boot-time allocator for stacks and object storage: a bump pointer over the RAM the BSP
 * reports free (or a static reserve when it reports none). Nothing is ever freed. */
#include <rtos/sync.h>

#define STATIC_ARENA (256u * 1024u)

static uint8_t reserve[STATIC_ARENA] __attribute__((aligned(16)));
static uintptr_t arena_next;
static uintptr_t arena_end;

void rtos_arena_init(uintptr_t base, uint32_t size)
{
    if (size >= STATIC_ARENA) {
        arena_next = (base + 15u) & ~(uintptr_t)15u;
        arena_end = base + size;
    } else {
        arena_next = (uintptr_t)reserve;
        arena_end = (uintptr_t)reserve + STATIC_ARENA;
    }
}

uint32_t rtos_arena_left(void) { return (uint32_t)(arena_end - arena_next); }

void *rtos_alloc(uint32_t size)
{
    uint32_t s = rtos_enter();
    uintptr_t at = arena_next;
    size = (size + 15u) & ~15u;
    void *p = 0;
    if (arena_end - at >= size) {
        arena_next = at + size;
        p = (void *)at;
    }
    rtos_leave(s);
    return p;
}
