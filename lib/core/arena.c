/* arena.c: bump allocation in chunks, all freed at once. */
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/arena.h"

struct medsec_arena_chunk {
    struct medsec_arena_chunk *next;
    size_t size, pos;
    alignas(max_align_t) unsigned char data[];
};

#define CHUNK_MIN ((size_t)64 * 1024)
#define ALIGN (alignof(max_align_t))

void *medsec_arena_alloc(struct medsec_arena *a, size_t n)
{
    size_t max = a->max ? a->max : MEDSEC_ARENA_DEFAULT_MAX;
    if (n > max) { /* before rounding up, which could wrap */
        a->toobig = 1;
        return NULL;
    }
    n = (n + ALIGN - 1) & ~(ALIGN - 1);
    if (n == 0)
        n = ALIGN;
    if (n > max || a->used > max - n) {
        a->toobig = 1;
        return NULL;
    }
    struct medsec_arena_chunk *c = a->head;
    if (!c || c->size - c->pos < n) {
        size_t size = n > CHUNK_MIN / 4 ? n : CHUNK_MIN;
        if (c && size == CHUNK_MIN && c->size >= CHUNK_MIN && c->size < ((size_t)16 << 20))
            size = c->size * 2; /* grow chunk size for big documents */
        if (size > SIZE_MAX - sizeof *c)
            return NULL;
        struct medsec_arena_chunk *nc = medsec_malloc(sizeof *nc + size);
        if (!nc)
            return NULL;
        nc->size = size;
        nc->pos = 0;
        if (n > CHUNK_MIN / 4 && c) {
            /* a big block gets its own chunk behind the current one, which stays in use */
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            a->head = nc;
        }
        c = nc;
    }
    void *p = c->data + c->pos;
    c->pos += n;
    a->used += n;
    return p;
}

char *medsec_arena_strndup(struct medsec_arena *a, const char *s, size_t n)
{
    char *p = medsec_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *medsec_arena_strdup(struct medsec_arena *a, const char *s)
{
    return medsec_arena_strndup(a, s, strlen(s));
}

void medsec_arena_release(struct medsec_arena *a)
{
    struct medsec_arena_chunk *c = a->head;
    while (c) {
        struct medsec_arena_chunk *next = c->next;
        medsec_free(c);
        c = next;
    }
    a->head = NULL;
    a->used = 0;
    a->toobig = 0;
}
