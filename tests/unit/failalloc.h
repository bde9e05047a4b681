/* failalloc.h: a context whose allocator fails the N-th allocation, for error-path tests. */
#ifndef MEDSEC_TEST_FAILALLOC_H
#define MEDSEC_TEST_FAILALLOC_H

#include <stdatomic.h>
#include <stdlib.h>

#include "medsec/ctx.h"

/* atomic: an import calls the hook from two threads */
static _Atomic long failalloc_countdown = -1; /* -1: never fail */
static _Atomic long failalloc_calls;
static _Atomic size_t failalloc_live; /* bytes allocated through the hook and not yet freed */

static void *failalloc_fn(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    if (nsize == 0) {
        failalloc_live -= osize;
        free(ptr);
        return NULL;
    }
    failalloc_calls++;
    if (failalloc_countdown >= 0 && atomic_fetch_sub(&failalloc_countdown, 1) == 0)
        return NULL;
    void *p = realloc(ptr, nsize);
    if (p)
        failalloc_live += nsize - osize;
    return p;
}

/* A context that fails the allocation after @n successful ones (n = -1: never); pass it to a call.
 */
static struct medsec_ctx failalloc_ctx = {failalloc_fn, NULL, NULL, NULL};

static inline struct medsec_ctx *failalloc_ctx_arm(long n)
{
    failalloc_countdown = n;
    failalloc_calls = 0;
    return &failalloc_ctx;
}

/* The same for functions that take no context: enter it on this thread until failalloc_disarm. */
static inline void failalloc_arm(long n)
{
    medsec_ctx_enter(failalloc_ctx_arm(n));
}

static inline void failalloc_disarm(void)
{
    medsec_ctx_leave(NULL);
}

#endif
