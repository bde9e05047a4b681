/* medsec/idmap.h: finding an element of an array by its id string in constant time. */
#ifndef MEDSEC_IDMAP_H
#define MEDSEC_IDMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The id of element @index of the caller's array (@ud); the map keeps no copy of it, so the
 * caller's array may move as it grows. */
typedef const char *(*medsec_idmap_key_fn)(const void *ud, size_t index);

/* An open-addressing hash of indexes into the caller's array, keyed by the elements' ids. */
struct medsec_idmap {
    size_t *slots; /* index + 1; 0 = empty */
    size_t nslots, n;
    medsec_idmap_key_fn key;
    const void *ud;
};

void medsec_idmap_init(struct medsec_idmap *m, medsec_idmap_key_fn key, const void *ud);
/* Add element @index (its id must not be in the map yet). MEDSEC_ENOMEM when it cannot grow. */
medsec_err medsec_idmap_add(struct medsec_idmap *m, size_t index)
    __attribute__((warn_unused_result));
/* The index of the element whose id is @id; false when there is none. */
bool medsec_idmap_find(const struct medsec_idmap *m, const char *id, size_t *index);
/* After the caller reordered its array: index elements 0 .. n-1 again (no allocation). */
void medsec_idmap_reindex(struct medsec_idmap *m);
void medsec_idmap_release(struct medsec_idmap *m);

#ifdef __cplusplus
}
#endif
#endif
