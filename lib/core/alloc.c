/* alloc.c: the allocation helpers over the context's allocator hook, and growable arrays.
 *
 * Each block starts with a small header naming the context whose allocator made it and the size the
 * caller asked for. So medsec_realloc and medsec_free find the right allocator without being told,
 * and the hook always learns the real old size of the block it resizes or frees. */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/ctx.h"

struct block {
    const struct medsec_ctx *ctx; /* never NULL: the default context when the caller gave none */
    size_t size;                  /* bytes the caller asked for */
};

#define HDR ((sizeof(struct block) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

static struct block *block_of(void *p)
{
    return (struct block *)(void *)((unsigned char *)p - HDR);
}

static void *call(const struct medsec_ctx *ctx, void *base, size_t osize, size_t nsize)
{
    if (ctx->alloc)
        return ctx->alloc(ctx->alloc_ud, base, osize, nsize);
    if (nsize == 0) {
        free(base);
        return NULL;
    }
    return realloc(base, nsize);
}

void *medsec_malloc(size_t n)
{
    const struct medsec_ctx *ctx = medsec_ctx_current();
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - HDR)
        return NULL;
    struct block *b = call(ctx, NULL, 0, HDR + n);
    if (!b)
        return NULL;
    b->ctx = ctx;
    b->size = n;
    return (unsigned char *)b + HDR;
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
    if (!ptr)
        return medsec_malloc(n);
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - HDR)
        return NULL;
    struct block *b = block_of(ptr);
    const struct medsec_ctx *ctx = b->ctx;
    struct block *nb = call(ctx, b, HDR + b->size, HDR + n);
    if (!nb)
        return NULL;
    nb->size = n;
    return (unsigned char *)nb + HDR;
}

void medsec_free(void *ptr)
{
    if (!ptr)
        return;
    struct block *b = block_of(ptr);
    call(b->ctx, b, HDR + b->size, 0);
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

medsec_err medsec_array_reserve(void *pptr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return MEDSEC_OK;
    if (size == 0)
        return MEDSEC_EINTERNAL;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2) {
            ncap = need;
            break;
        }
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / size)
        return MEDSEC_ENOMEM;
    void *old;
    memcpy(&old, pptr, sizeof old); /* pptr points to an object pointer of any type */
    void *p = medsec_realloc(old, ncap * size);
    if (!p)
        return MEDSEC_ENOMEM;
    memcpy(pptr, &p, sizeof p);
    *cap = ncap;
    return MEDSEC_OK;
}
