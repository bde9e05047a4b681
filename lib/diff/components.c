/* components.c: matching the components of two SBOMs by identity (docs/diff.md, "How components
 * are matched"). */
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/diff.h"
#include "medsec/purl.h"

const char *medsec_diff_component_change_name(enum medsec_diff_change c)
{
    static const char *const names[] = {"added", "removed", "updated", "unchanged"};
    return (unsigned)c < MEDSEC_DIFF_CHANGE_COUNT ? names[c] : "?";
}

const char *medsec_diff_finding_change_name(enum medsec_diff_change c)
{
    static const char *const names[] = {"new", "fixed", "changed", "unchanged"};
    return (unsigned)c < MEDSEC_DIFF_CHANGE_COUNT ? names[c] : "?";
}

const char *medsec_diff_risk_change_name(enum medsec_diff_change c)
{
    static const char *const names[] = {"new", "gone", "changed", "unchanged"};
    return (unsigned)c < MEDSEC_DIFF_CHANGE_COUNT ? names[c] : "?";
}

/* "pkg:TYPE/NS/NAME" of a purl that parses, else NULL (also when memory ran out: *oom set). */
static const char *purl_identity(struct medsec_arena *arena, const char *purl, bool *oom)
{
    struct medsec_purl p, bare;
    struct medsec_error e;
    const char *id = NULL;
    medsec_err rc = purl ? medsec_purl_parse(purl, strlen(purl), 0, &p, &e) : MEDSEC_EPARSE;
    if (rc) {
        *oom = rc == MEDSEC_ENOMEM;
        return NULL;
    }
    struct medsec_purl_parts parts = {.type = p.type, .ns = p.ns, .name = p.name};
    char *s = NULL;
    if (medsec_purl_build(&parts, &bare, &e) == MEDSEC_OK) {
        if (medsec_purl_format(&bare, &s) == MEDSEC_OK) {
            id = medsec_arena_strdup(arena, s);
            medsec_free(s);
        }
        medsec_purl_release(&bare);
    }
    medsec_purl_release(&p);
    if (!id)
        *oom = true;
    return id;
}

static const char *name_identity(struct medsec_arena *arena, const struct medsec_sbom_component *c)
{
    const char *g = c->group && *c->group ? c->group : NULL, *n = c->name ? c->name : "";
    size_t lg = g ? strlen(g) + 1 : 0, ln = strlen(n);
    char *s = medsec_arena_alloc(arena, 5 + lg + ln + 1);
    if (!s)
        return NULL;
    memcpy(s, "name:", 5);
    if (g) {
        memcpy(s + 5, g, lg - 1);
        s[5 + lg - 1] = '/';
    }
    memcpy(s + 5 + lg, n, ln + 1);
    return s;
}

const char *medsec_diff_identity(struct medsec_arena *arena, const struct medsec_sbom_component *c)
{
    bool oom = false;
    const char *id = purl_identity(arena, c->purl, &oom);
    return id ? id : oom ? NULL : name_identity(arena, c);
}

/* One component of one side while matching. */
struct entry {
    const struct medsec_sbom_component *c;
    const char *purl_id; /* NULL: no usable purl */
    const char *name_id;
    const char *path; /* the SBOM as device.yaml names it */
    size_t index;
    bool matched;
};

static int str_cmp(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

/* By purl identity (none last), version, file order. */
static int by_purl(const void *x, const void *y)
{
    const struct entry *a = x, *b = y;
    if (!a->purl_id != !b->purl_id)
        return a->purl_id ? -1 : 1;
    int r = str_cmp(a->purl_id, b->purl_id);
    if (!r)
        r = str_cmp(a->c->version, b->c->version);
    return r ? r : (a->index > b->index) - (a->index < b->index);
}

static int by_name(const void *x, const void *y)
{
    const struct entry *a = x, *b = y;
    int r = strcmp(a->name_id, b->name_id);
    if (!r)
        r = str_cmp(a->c->version, b->c->version);
    return r ? r : (a->index > b->index) - (a->index < b->index);
}

static const struct medsec_model_component_support *
support_of(const struct medsec_model *m, const char *path, const struct medsec_sbom_component *c)
{
    for (size_t i = 0; m && path && c->ref && i < m->ncomponent_support; i++) {
        const struct medsec_model_component_support *s = &m->component_support[i];
        if (s->sbom && s->component && !strcmp(s->sbom, path) && !strcmp(s->component, c->ref))
            return s;
    }
    return NULL;
}

struct match {
    const struct medsec_model *m;
    struct medsec_diff_component **out;
    size_t *n, *cap;
    struct medsec_diff_counts *counts;
};

static medsec_err emit(struct match *mt, const char *identity, const struct entry *a,
                       const struct entry *b)
{
    struct medsec_diff_component d = {.identity = identity};
    if (a) {
        d.a.c = a->c;
        d.a.sbom = a->path;
        d.a.support = support_of(mt->m, a->path, a->c);
    }
    if (b) {
        d.b.c = b->c;
        d.b.sbom = b->path;
        d.b.support = support_of(mt->m, b->path, b->c);
    }
    if (a && b) {
        const struct medsec_model_component_support *sa = d.a.support, *sb = d.b.support;
        d.version_changed = str_cmp(a->c->version, b->c->version) != 0;
        d.support_changed =
            !sa != !sb ||
            (sa && (sa->support != sb->support || str_cmp(sa->end_of_support, sb->end_of_support)));
        d.change = d.version_changed || d.support_changed ? MEDSEC_DIFF_UPDATED : MEDSEC_DIFF_SAME;
    } else {
        d.change = a ? MEDSEC_DIFF_REMOVED : MEDSEC_DIFF_ADDED;
    }
    if (mt->counts)
        mt->counts->n[d.change]++;
    if (d.change == MEDSEC_DIFF_SAME)
        return MEDSEC_OK;
    if (medsec_array_reserve(mt->out, mt->cap, *mt->n + 1, sizeof **mt->out))
        return MEDSEC_ENOMEM;
    (*mt->out)[(*mt->n)++] = d;
    return MEDSEC_OK;
}

/* Pair the unmatched entries of one identity group: equal versions first, then in order. With
 * @name_pass, two entries that both have a purl never pair (their purls differ). */
static medsec_err pair_group(struct match *mt, const char *identity, struct entry *a, size_t na,
                             struct entry *b, size_t nb, bool name_pass)
{
    medsec_err rc;
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < na; i++) {
            if (a[i].matched)
                continue;
            for (size_t k = 0; k < nb; k++) {
                if (b[k].matched || (name_pass && a[i].purl_id && b[k].purl_id))
                    continue;
                if (round == 0 && str_cmp(a[i].c->version, b[k].c->version))
                    continue;
                a[i].matched = b[k].matched = true;
                const char *id = name_pass ? (a[i].purl_id   ? a[i].purl_id
                                              : b[k].purl_id ? b[k].purl_id
                                                             : identity)
                                           : identity;
                if ((rc = emit(mt, id, &a[i], &b[k])))
                    return rc;
                break;
            }
        }
    return MEDSEC_OK;
}

static medsec_err fill(struct medsec_arena *arena, const struct medsec_sbom *const *s,
                       const char *const *paths, size_t ns, struct entry **out, size_t *n)
{
    size_t total = 0, k = 0;
    *out = NULL;
    *n = 0;
    for (size_t j = 0; j < ns; j++)
        total += s[j] ? s[j]->ncomponents : 0;
    if (!total)
        return MEDSEC_OK;
    struct entry *e = medsec_calloc(total, sizeof *e);
    if (!e)
        return MEDSEC_ENOMEM;
    for (size_t j = 0; j < ns; j++)
        for (size_t i = 0; s[j] && i < s[j]->ncomponents; i++, k++) {
            bool oom = false;
            e[k].c = &s[j]->components[i];
            e[k].index = k;
            e[k].path = paths ? paths[j] : NULL;
            e[k].purl_id = purl_identity(arena, e[k].c->purl, &oom);
            e[k].name_id = name_identity(arena, e[k].c);
            if (oom || !e[k].name_id) {
                medsec_free(e);
                return MEDSEC_ENOMEM;
            }
        }
    *out = e;
    *n = total;
    return MEDSEC_OK;
}

/* Walk both sorted lists group by group (@key gives an entry's group, NULL: none) and pair. */
static medsec_err walk(struct match *mt, struct entry *a, size_t na, struct entry *b, size_t nb,
                       bool name_pass)
{
    size_t i = 0, k = 0;
    medsec_err rc;
    while (i < na && k < nb) {
        const char *ka = name_pass ? a[i].name_id : a[i].purl_id,
                   *kb = name_pass ? b[k].name_id : b[k].purl_id;
        if (!ka || !kb)
            break; /* purl pass: the entries without a purl are at the end */
        int r = strcmp(ka, kb);
        if (r < 0) {
            i++;
            continue;
        }
        if (r > 0) {
            k++;
            continue;
        }
        size_t ei = i, ek = k;
        while (ei < na && (name_pass ? a[ei].name_id : a[ei].purl_id) &&
               !strcmp(name_pass ? a[ei].name_id : a[ei].purl_id, ka))
            ei++;
        while (ek < nb && (name_pass ? b[ek].name_id : b[ek].purl_id) &&
               !strcmp(name_pass ? b[ek].name_id : b[ek].purl_id, ka))
            ek++;
        if ((rc = pair_group(mt, ka, a + i, ei - i, b + k, ek - k, name_pass)))
            return rc;
        i = ei;
        k = ek;
    }
    return MEDSEC_OK;
}

static int by_identity(const void *x, const void *y)
{
    const struct medsec_diff_component *a = x, *b = y;
    int r = strcmp(a->identity, b->identity);
    if (!r)
        r = str_cmp(a->a.c ? a->a.c->version : NULL, b->a.c ? b->a.c->version : NULL);
    if (!r)
        r = str_cmp(a->b.c ? a->b.c->version : NULL, b->b.c ? b->b.c->version : NULL);
    return r;
}

medsec_err medsec_diff_components(const struct medsec_sbom *const *sa, const char *const *path_a,
                                  size_t nsa, const struct medsec_sbom *const *sb,
                                  const char *const *path_b, size_t nsb,
                                  const struct medsec_model *m, struct medsec_arena *arena,
                                  struct medsec_diff_component **out, size_t *n, size_t *cap,
                                  struct medsec_diff_counts *counts, struct medsec_error *err)
{
    struct entry *a = NULL, *b = NULL;
    size_t na = 0, nb = 0, first = *n;
    struct match mt = {m, out, n, cap, counts};
    medsec_err rc;
    if ((rc = fill(arena, sa, path_a, nsa, &a, &na)) ||
        (rc = fill(arena, sb, path_b, nsb, &b, &nb)))
        goto out_free;
    if (na)
        qsort(a, na, sizeof *a, by_purl);
    if (nb)
        qsort(b, nb, sizeof *b, by_purl);
    if ((rc = walk(&mt, a, na, b, nb, false)))
        goto out_free;
    if (na)
        qsort(a, na, sizeof *a, by_name);
    if (nb)
        qsort(b, nb, sizeof *b, by_name);
    if ((rc = walk(&mt, a, na, b, nb, true)))
        goto out_free;
    for (size_t i = 0; i < na; i++)
        if (!a[i].matched &&
            (rc = emit(&mt, a[i].purl_id ? a[i].purl_id : a[i].name_id, &a[i], NULL)))
            goto out_free;
    for (size_t k = 0; k < nb; k++)
        if (!b[k].matched &&
            (rc = emit(&mt, b[k].purl_id ? b[k].purl_id : b[k].name_id, NULL, &b[k])))
            goto out_free;
    if (*n > first)
        qsort(*out + first, *n - first, sizeof **out, by_identity);
out_free:
    medsec_free(a);
    medsec_free(b);
    if (rc)
        medsec_error_set(err, rc, NULL, 0, 0, "out of memory while matching components");
    return rc;
}
