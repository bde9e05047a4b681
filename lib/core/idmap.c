/* idmap.c: ids to array indexes through an open-addressing hash (FNV-1a, linear probing, load
 * factor at most one half). */
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/idmap.h"

static size_t hash(const char *s)
{
    size_t h = (size_t)1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * (size_t)1099511628211ull;
    return h;
}

void medsec_idmap_init(struct medsec_idmap *m, medsec_idmap_key_fn key, const void *ud)
{
    memset(m, 0, sizeof *m);
    m->key = key;
    m->ud = ud;
}

static void place(size_t *slots, size_t nslots, size_t h, size_t index)
{
    size_t k = h & (nslots - 1);
    while (slots[k])
        k = (k + 1) & (nslots - 1);
    slots[k] = index + 1;
}

medsec_err medsec_idmap_add(struct medsec_idmap *m, size_t index)
{
    if ((m->n + 1) * 2 > m->nslots) {
        size_t ns = m->nslots ? m->nslots * 2 : 64;
        size_t *s = medsec_calloc(ns, sizeof *s);
        if (!s)
            return MEDSEC_ENOMEM;
        for (size_t i = 0; i < m->nslots; i++)
            if (m->slots[i])
                place(s, ns, hash(m->key(m->ud, m->slots[i] - 1)), m->slots[i] - 1);
        medsec_free(m->slots);
        m->slots = s;
        m->nslots = ns;
    }
    place(m->slots, m->nslots, hash(m->key(m->ud, index)), index);
    m->n++;
    return MEDSEC_OK;
}

bool medsec_idmap_find(const struct medsec_idmap *m, const char *id, size_t *index)
{
    if (!m->nslots || !id)
        return false;
    for (size_t k = hash(id) & (m->nslots - 1); m->slots[k]; k = (k + 1) & (m->nslots - 1))
        if (strcmp(m->key(m->ud, m->slots[k] - 1), id) == 0) {
            *index = m->slots[k] - 1;
            return true;
        }
    return false;
}

void medsec_idmap_reindex(struct medsec_idmap *m)
{
    size_t n = m->n;
    if (!m->nslots)
        return;
    memset(m->slots, 0, m->nslots * sizeof *m->slots);
    for (size_t i = 0; i < n; i++)
        place(m->slots, m->nslots, hash(m->key(m->ud, i)), i);
}

void medsec_idmap_release(struct medsec_idmap *m)
{
    medsec_free(m->slots);
    m->slots = NULL;
    m->nslots = m->n = 0;
}
