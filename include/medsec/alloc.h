/* medsec/alloc.h: the allocator hook every libmedsec allocation goes through. */
#ifndef MEDSEC_ALLOC_H
#define MEDSEC_ALLOC_H

#include <stddef.h>

/*
 * One function does it all, as in Lua: @ptr NULL and @nsize > 0 allocates; @nsize 0 frees @ptr and
 * returns NULL; otherwise it resizes. Returning NULL for @nsize > 0 means out of memory.
 * Tests install a hook that fails the N-th allocation to check every error path.
 */
typedef void *(*medsec_alloc_fn)(void *ud, void *ptr, size_t osize, size_t nsize);

/* Install @fn (NULL restores the default, backed by realloc/free). Not thread-safe: call at start. */
void medsec_set_allocator(medsec_alloc_fn fn, void *ud);

/* Allocation helpers used inside libmedsec and by the CLI. NULL on failure; free with medsec_free. */
void *medsec_malloc(size_t n);
void *medsec_calloc(size_t count, size_t size);
void *medsec_realloc(void *ptr, size_t n);
void medsec_free(void *ptr);
char *medsec_strdup(const char *s);
char *medsec_strndup(const char *s, size_t n);

#endif
