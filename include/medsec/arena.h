/* medsec/arena.h: a bump allocator for many small objects freed together (parsed documents). */
#ifndef MEDSEC_ARENA_H
#define MEDSEC_ARENA_H

#include <stddef.h>

struct medsec_arena_chunk;

struct medsec_arena {
    struct medsec_arena_chunk *head;
    size_t used; /* total bytes handed out */
    size_t max;  /* cap on `used` (0 = MEDSEC_ARENA_DEFAULT_MAX); allocations past it return NULL */
    int toobig;  /* set when a NULL came from the cap rather than from memory */
};

/* clang-format off */
#define MEDSEC_ARENA_INIT {NULL, 0, 0, 0}
/* clang-format on */
#define MEDSEC_ARENA_DEFAULT_MAX ((size_t)1 << 30)

/* Memory aligned for any type, valid until medsec_arena_release. NULL when out of memory or capped.
 */
void *medsec_arena_alloc(struct medsec_arena *a, size_t n);
char *medsec_arena_strndup(struct medsec_arena *a, const char *s, size_t n);
char *medsec_arena_strdup(struct medsec_arena *a, const char *s);
/* Free every chunk; the arena is empty and reusable (its cap stays). */
void medsec_arena_release(struct medsec_arena *a);

#endif
