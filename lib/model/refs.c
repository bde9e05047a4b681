/* refs.c: ids and references. The walk records every id a mapping declares and every reference a
 * value makes; after the walk the ids are sorted by namespace (medsec_model_namespace), duplicates
 * reported, and each reference resolved: dangling ones get a "did you mean", wrong-kind ones the
 * kind they name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_int.h"
#include "yamlsrc.h"

/* "a" or "an", for a kind name in a message. */
static const char *article(const char *word)
{
    return strchr("aeiou", word[0]) ? "an" : "a";
}

/* The kinds of @mask for a message: "a zone", "an item or a flow", "an asset, a control or a
 * hazard". */
static const char *kind_list(unsigned mask, char *buf, size_t size)
{
    size_t count = 0, total = 0, len = 0;
    for (int k = 0; k < MEDSEC_MK_COUNT; k++)
        total += (mask >> k) & 1u;
    buf[0] = '\0';
    for (int k = 0; k < MEDSEC_MK_COUNT; k++) {
        if (!((mask >> k) & 1u))
            continue;
        const char *name = medsec_model_kind_name((enum medsec_model_kind)k);
        int n = count == 0 ? snprintf(buf, size, "%s %s", article(name), name)
                           : snprintf(buf + len, size - len, "%s%s",
                                      count + 1 == total ? " or " : ", ", name);
        if (n < 0 || (size_t)n >= size - len)
            break;
        len += (size_t)n;
        count++;
    }
    return buf;
}

void load_add_id(struct walker *W, const char *id, enum medsec_model_kind kind, struct fy_node *at)
{
    if (!ROOM(W, W->ids, W->nids, W->capids))
        return;
    struct idrec *r = &W->ids[W->nids];
    r->id = id;
    r->kind = kind;
    r->order = W->nids++;
    medsec_yaml_pos(at, &r->line, &r->column);
}

void load_add_ref(struct walker *W, const char *value, const char *key, unsigned mask,
                  struct fy_node *at)
{
    if (!ROOM(W, W->refs, W->nrefs, W->caprefs))
        return;
    struct refrec *r = &W->refs[W->nrefs];
    r->value = value;
    r->key = key;
    r->mask = mask;
    medsec_yaml_pos(at, &r->line, &r->column);
    r->path = W->plen ? medsec_strdup(W->path) : NULL;
    if (W->plen && !r->path) {
        W->fatal = MEDSEC_ENOMEM;
        return;
    }
    W->nrefs++;
}

static int cmp_id(const void *a, const void *b)
{
    const struct idrec *x = a, *y = b;
    int nx = medsec_model_namespace(x->kind), ny = medsec_model_namespace(y->kind);
    if (nx != ny)
        return nx < ny ? -1 : 1;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* The first record of @id in namespace @ns of the sorted ids, or NULL. */
static const struct idrec *find_id(const struct walker *W, int ns, const char *id)
{
    size_t lo = 0, hi = W->nids;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct idrec *r = &W->ids[mid];
        int nr = medsec_model_namespace(r->kind);
        int c = nr != ns ? (nr < ns ? -1 : 1) : strcmp(r->id, id);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < W->nids && medsec_model_namespace(W->ids[lo].kind) == ns &&
        strcmp(W->ids[lo].id, id) == 0)
        return &W->ids[lo];
    return NULL;
}

void load_check_ids(struct walker *W)
{
    if (W->nids)
        qsort(W->ids, W->nids, sizeof *W->ids, cmp_id);
    for (size_t i = 1; i < W->nids; i++) {
        const struct idrec *a = &W->ids[i - 1], *b = &W->ids[i];
        if (medsec_model_namespace(a->kind) != medsec_model_namespace(b->kind) ||
            strcmp(a->id, b->id))
            continue;
        size_t first = i - 1;
        while (first > 0 &&
               medsec_model_namespace(W->ids[first - 1].kind) == medsec_model_namespace(b->kind) &&
               strcmp(W->ids[first - 1].id, b->id) == 0)
            first--;
        const struct idrec *f = &W->ids[first];
        const char *fk = medsec_model_kind_name(f->kind);
        if (f->kind == b->kind)
            load_error_at(W, b->line, b->column, "duplicate %s id '%s' (first defined at line %u)",
                          medsec_model_kind_name(b->kind), b->id, f->line);
        else
            load_error_at(W, b->line, b->column,
                          "duplicate id '%s': already the id of %s %s at line %u", b->id,
                          article(fk), fk, f->line);
    }
}

void load_check_refs(struct walker *W)
{
    const char **cands = NULL;
    if (W->nids) {
        cands = medsec_malloc(W->nids * sizeof *cands);
        if (!cands) {
            W->fatal = MEDSEC_ENOMEM;
            return;
        }
    }
    for (size_t i = 0; i < W->nrefs && !W->fatal; i++) {
        const struct refrec *r = &W->refs[i];
        int ns = -1;
        for (int k = 0; k < MEDSEC_MK_COUNT; k++)
            if ((r->mask >> k) & 1u)
                ns = medsec_model_namespace((enum medsec_model_kind)k);
        const struct idrec *hit = find_id(W, ns, r->value);
        if (hit && ((r->mask >> hit->kind) & 1u))
            continue;
        char kinds[256];
        kind_list(r->mask, kinds, sizeof kinds);
        size_t old = W->plen;
        if (r->path)
            load_path_set(W, "%s", r->path);
        if (hit) {
            const char *kn = medsec_model_kind_name(hit->kind);
            load_error_at(W, r->line, r->column, "'%s' names '%s', which is %s %s, not %s", r->key,
                          r->value, article(kn), kn, kinds);
        } else {
            size_t nc = 0;
            for (size_t k = 0; k < W->nids; k++)
                if ((r->mask >> W->ids[k].kind) & 1u)
                    cands[nc++] = W->ids[k].id;
            const char *best = medsec_suggest(r->value, cands, nc);
            if (best)
                load_error_at(W, r->line, r->column,
                              "'%s' names '%s', which is not %s; did you mean '%s'?", r->key,
                              r->value, kinds, best);
            else
                load_error_at(W, r->line, r->column, "'%s' names '%s', which is not %s", r->key,
                              r->value, kinds);
        }
        load_path_pop(W, old);
    }
    medsec_free(cands);
}
