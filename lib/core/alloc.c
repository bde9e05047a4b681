/* alloc.c: the allocator hook and the helpers built on it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"

static void *default_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, nsize);
}

static medsec_alloc_fn alloc_fn = default_alloc;
static void *alloc_ud;

void medsec_set_allocator(medsec_alloc_fn fn, void *ud)
{
    alloc_fn = fn ? fn : default_alloc;
    alloc_ud = fn ? ud : NULL;
}

void *medsec_malloc(size_t n)
{
    return alloc_fn(alloc_ud, NULL, 0, n ? n : 1);
}

void *medsec_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = medsec_malloc(count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void *medsec_realloc(void *ptr, size_t n)
{
    return alloc_fn(alloc_ud, ptr, 0, n ? n : 1);
}

void medsec_free(void *ptr)
{
    if (ptr)
        alloc_fn(alloc_ud, ptr, 0, 0);
}

char *medsec_strndup(const char *s, size_t n)
{
    char *p = medsec_malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *medsec_strdup(const char *s)
{
    return s ? medsec_strndup(s, strlen(s)) : NULL;
}
