/* affects.c: the items each vulnerability affects. Its `components` name items by id, components
 * items list, or components of an SBOM an item owns whole; each is resolved here, after the walk,
 * into the vulnerability's `items`, and a name that leads nowhere is reported. */
#include <stdlib.h>
#include <string.h>

#include "load_int.h"

/* A name (an item id, or a component ref an item lists) and the item it leads to. */
struct itemref {
    const char *name;
    size_t item;
};

static int cmp_itemref(const void *a, const void *b)
{
    const struct itemref *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->item > y->item) - (x->item < y->item);
}

/* What resolving the vulnerabilities' `components` needs, built once: sorted indexes of item ids
 * and of the component refs items list, the items that own a whole loaded SBOM (they list no
 * components), grouped by SBOM, and a stamp per item so each vulnerability names an item once. */
struct resolver {
    struct itemref *ids, *refs;
    size_t nids, nrefs;
    struct itemref *whole; /* `name` is unused; sorted by SBOM */
    const struct medsec_sbom **whole_sbom;
    size_t nwhole;
    size_t *stamp;
    const char **found;
};

static bool resolver_init(struct resolver *r, const struct walker *W)
{
    const struct medsec_model *m = W->m;
    memset(r, 0, sizeof *r);
    size_t nc = 0;
    for (size_t i = 0; i < m->nitems; i++)
        nc += m->items[i].components.n;
    size_t ni = m->nitems ? m->nitems : 1;
    r->ids = medsec_malloc(ni * sizeof *r->ids);
    r->refs = medsec_malloc((nc ? nc : 1) * sizeof *r->refs);
    r->whole = medsec_malloc(ni * sizeof *r->whole);
    r->whole_sbom = medsec_malloc(ni * sizeof *r->whole_sbom);
    r->stamp = medsec_malloc(ni * sizeof *r->stamp);
    r->found = medsec_malloc(ni * sizeof *r->found);
    if (!r->ids || !r->refs || !r->whole || !r->whole_sbom || !r->stamp || !r->found)
        return false;
    for (size_t i = 0; i < m->nitems; i++) {
        const struct medsec_model_item *it = &m->items[i];
        r->stamp[i] = (size_t)-1;
        if (!it->id)
            continue;
        r->ids[r->nids++] = (struct itemref){it->id, i};
        for (size_t k = 0; k < it->components.n; k++)
            r->refs[r->nrefs++] = (struct itemref){it->components.v[k], i};
        const struct medsec_sbom *sb = it->components.n ? NULL : load_sbom_loaded(W, it->sbom);
        if (sb) {
            r->whole[r->nwhole] = (struct itemref){it->sbom, i};
            r->whole_sbom[r->nwhole++] = sb;
        }
    }
    qsort(r->ids, r->nids, sizeof *r->ids, cmp_itemref);
    qsort(r->refs, r->nrefs, sizeof *r->refs, cmp_itemref);
    qsort(r->whole, r->nwhole, sizeof *r->whole,
          cmp_itemref); /* by SBOM path: one lookup per SBOM */
    for (size_t i = 0; i < r->nwhole; i++)
        r->whole_sbom[i] = load_sbom_loaded(W, r->whole[i].name);
    return true;
}

static void resolver_release(struct resolver *r)
{
    medsec_free(r->ids);
    medsec_free(r->refs);
    medsec_free(r->whole);
    medsec_free(r->whole_sbom);
    medsec_free(r->stamp);
    medsec_free(r->found);
}

/* Index of the first entry of sorted @v named @name, or @n. */
static size_t lower_bound(const struct itemref *v, size_t n, const char *name)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(v[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Add item @i to the items of vulnerability @vi (once). */
static void take(struct resolver *r, const struct medsec_model *m, size_t vi, size_t i, size_t *n)
{
    if (r->stamp[i] == vi)
        return;
    r->stamp[i] = vi;
    r->found[(*n)++] = m->items[i].id;
}

/* The items a vulnerability's `components` entry @ref affects, added to the found list: the item
 * with that id; else the items that list @ref in `components`; else the items whose SBOM holds @ref
 * and that list no components (the whole SBOM is theirs). Returns how many items @ref names. */
static size_t resolve(struct resolver *r, const struct medsec_model *m, size_t vi, const char *ref,
                      size_t *n)
{
    size_t hits = 0;
    for (size_t k = lower_bound(r->ids, r->nids, ref); k < r->nids && !strcmp(r->ids[k].name, ref);
         k++, hits++)
        take(r, m, vi, r->ids[k].item, n);
    if (hits)
        return hits;
    for (size_t k = lower_bound(r->refs, r->nrefs, ref);
         k < r->nrefs && !strcmp(r->refs[k].name, ref); k++, hits++)
        take(r, m, vi, r->refs[k].item, n);
    for (size_t k = 0; k < r->nwhole && !hits;) {
        size_t end = k + 1;
        while (end < r->nwhole && r->whole_sbom[end] == r->whole_sbom[k])
            end++;
        if (medsec_sbom_find(r->whole_sbom[k], ref))
            for (; k < end; k++, hits++)
                take(r, m, vi, r->whole[k].item, n);
        k = end;
    }
    return hits;
}

/* "did you mean" costs a pass over every name: only for the first errors */
#define MAX_SUGGESTIONS 100

static void component_unknown(struct walker *W, const struct resolver *r, const char *ref,
                              struct fy_node *at)
{
    for (size_t i = 0; i < W->nsboms; i++)
        if (W->sboms[i].sbom && medsec_sbom_find(W->sboms[i].sbom, ref)) {
            load_error_node(
                W, at,
                "component '%s' of SBOM '%s' belongs to no item; list it in the 'components' "
                "of the item it is part of",
                ref, W->sboms[i].path);
            return;
        }
    const char *best = NULL;
    if (W->suggestions++ < MAX_SUGGESTIONS) {
        const char **cands = medsec_malloc((r->nids + r->nrefs + 1) * sizeof *cands);
        if (!cands) {
            W->fatal = MEDSEC_ENOMEM;
            return;
        }
        for (size_t i = 0; i < r->nids; i++)
            cands[i] = r->ids[i].name;
        for (size_t i = 0; i < r->nrefs; i++)
            cands[r->nids + i] = r->refs[i].name;
        best = medsec_suggest(ref, cands, r->nids + r->nrefs);
        medsec_free(cands);
    }
    if (best)
        load_error_node(
            W, at,
            "'components' names '%s', which is neither an item nor a component an item lists; "
            "did you mean '%s'?",
            ref, best);
    else
        load_error_node(
            W, at,
            "'components' names '%s', which is neither an item nor a component an item lists", ref);
}

void load_vulnerability_items(struct walker *W, struct fy_node *root)
{
    struct medsec_model *m = W->m;
    struct fy_node *list = load_child(W, root, "vulnerabilities");
    if (!m->nvulnerabilities || !list || !fy_node_is_sequence(list))
        return;
    struct resolver r;
    if (!resolver_init(&r, W)) {
        W->fatal = MEDSEC_ENOMEM;
        goto out_release;
    }
    size_t i = 0;
    void *vit = NULL;
    for (struct fy_node *vn;
         (vn = fy_node_sequence_iterate(list, &vit)) && i < m->nvulnerabilities && !W->fatal; i++) {
        struct medsec_model_vulnerability *vu = &m->vulnerabilities[i];
        struct fy_node *comps = fy_node_is_mapping(vn) ? load_child(W, vn, "components") : NULL;
        if (!comps || !fy_node_is_sequence(comps))
            continue; /* reported by the walk */
        size_t n = 0, k = 0;
        void *it = NULL;
        for (struct fy_node *c; (c = fy_node_sequence_iterate(comps, &it)) && !W->fatal; k++) {
            size_t len = 0;
            const char *text = !load_is_null(c) ? load_scalar(W, c, &len) : NULL;
            if (!text || !len || memchr(text, '\0', len))
                continue; /* reported by the walk */
            const char *ref = load_dup(W, text, len);
            if (!ref || resolve(&r, m, i, ref, &n))
                continue;
            load_path_set(W, "vulnerabilities[%zu].components[%zu]", i, k);
            component_unknown(W, &r, ref, c);
            load_path_pop(W, 0);
        }
        const char **items = n ? medsec_arena_alloc(&m->arena, n * sizeof *items) : NULL;
        if (n && !items) {
            W->fatal = MEDSEC_ENOMEM;
            break;
        }
        if (n)
            memcpy(items, r.found, n * sizeof *items);
        vu->items.v = items;
        vu->items.n = n;
    }
out_release:
    resolver_release(&r);
}
