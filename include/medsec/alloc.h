/* medsec/alloc.h: every libmedsec allocation, through the allocator of the context in force
 * (medsec/ctx.h), and the growable-array helper. */
#ifndef MEDSEC_ALLOC_H
#define MEDSEC_ALLOC_H

#include <stddef.h>

#include "medsec/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * One function does it all, as in Lua: @ptr NULL and @nsize > 0 allocates; @nsize 0 frees @ptr (of
 * @osize bytes) and returns NULL; otherwise it resizes @ptr from @osize to @nsize bytes. @osize is
 * always the real size of the block (0 when @ptr is NULL). Returning NULL for @nsize > 0 means out
 * of memory. Tests give a context whose hook fails the N-th allocation to check every error path.
 */
typedef void *(*medsec_alloc_fn)(void *ud, void *ptr, size_t osize, size_t nsize);

/*
 * Allocation helpers used inside libmedsec and by its callers. A new block comes from the allocator
 * of the context in force on this thread (medsec_ctx_enter; the default realloc/free when none);
 * medsec_realloc and medsec_free go back to the allocator that made the block, whatever the
 * context is now. NULL on failure. Free with medsec_free, never with free().
 */
void *medsec_malloc(size_t n);
void *medsec_calloc(size_t count, size_t size);
void *medsec_realloc(void *ptr, size_t n);
void medsec_free(void *ptr);
char *medsec_strdup(const char *s);
char *medsec_strndup(const char *s, size_t n);

/*
 * Make room in a growable array for at least @need elements of @size bytes. @pptr is the address of
 * the array pointer (any object pointer type), *@cap its capacity in elements. The capacity doubles
 * (first 8) and every product is checked for overflow. MEDSEC_ENOMEM when memory ran out or the
 * byte count would overflow; the array and *@cap are unchanged then.
 *
 *     if (medsec_array_reserve(&list->v, &list->cap, list->n + 1, sizeof *list->v))
 *         return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
 *     list->v[list->n++] = x;
 */
medsec_err medsec_array_reserve(void *pptr, size_t *cap, size_t need, size_t size)
    __attribute__((warn_unused_result));

/* The same for one more element: room at index @n. */
#define MEDSEC_ARRAY_GROW(arr, n, cap) medsec_array_reserve(&(arr), &(cap), (n) + 1, sizeof *(arr))

#ifdef __cplusplus
}
#endif
#endif
