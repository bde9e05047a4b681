/* failalloc.h: an allocator hook that fails the N-th allocation, for error-path tests. */
#ifndef MEDSEC_TEST_FAILALLOC_H
#define MEDSEC_TEST_FAILALLOC_H

#include <stdlib.h>

#include "medsec/alloc.h"

static long failalloc_countdown = -1; /* -1: never fail */
static long failalloc_calls;

static void *failalloc_fn(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    failalloc_calls++;
    if (failalloc_countdown >= 0 && failalloc_countdown-- == 0)
        return NULL;
    return realloc(ptr, nsize);
}

/* Fail the allocation after @n successful ones (n = -1: never). */
static inline void failalloc_arm(long n)
{
    failalloc_countdown = n;
    failalloc_calls = 0;
    medsec_set_allocator(failalloc_fn, NULL);
}

static inline void failalloc_disarm(void)
{
    medsec_set_allocator(NULL, NULL);
}

#endif
