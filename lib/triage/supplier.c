/* supplier.c: supplier VEX documents the triage file names (`vex:`, docs/triage.md): each read
 * whole, and each statement turned into a decision attributed to the supplier, which the
 * manufacturer's own decisions override. */
#include <stdio.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/date.h"
#include "medsec/file.h"
#include "medsec/triage.h"
#include "medsec/version.h"
#include "triage_int.h"

/* Does @spec (a purl or a CPE 2.3 name) carry a version of its own? */
static bool spec_has_version(const char *spec)
{
    if (!strncmp(spec, "pkg:", 4)) {
        const char *end = spec + strcspn(spec, "?#");
        const char *at = memchr(spec, '@', (size_t)(end - spec));
        return at != NULL;
    }
    /* cpe:2.3:part:vendor:product:version:... ('\\' escapes a ':') */
    const char *p = spec;
    for (int field = 0; field < 5 && *p; p++)
        if (*p == '\\' && p[1])
            p++;
        else if (*p == ':')
            field++;
    return *p && *p != ':' && !(p[0] == '*' && (p[1] == ':' || !p[1])) &&
           !(p[0] == '-' && (p[1] == ':' || !p[1]));
}

struct conv {
    struct medsec_triage *t;
    const char *path, *supplier, *by, *at;
    const struct medsec_vex_statement *s;
    size_t cap, *nadded;
    struct medsec_error *err;
};

static medsec_err nomem(struct medsec_error *err)
{
    return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
}

/* One decision for the statement, on one version (@version) or range (@versions) or every one. */
static medsec_err add_one(struct conv *c, const char *version, const char *versions)
{
    const struct medsec_vex_statement *s = c->s;
    if (c->t->nsupplied >= MEDSEC_TRIAGE_MAX_ENTRIES)
        return medsec_error_set(c->err, MEDSEC_ETOOBIG, c->path, s->line, s->column,
                                "more than %u supplier statements", MEDSEC_TRIAGE_MAX_ENTRIES);
    if (versions) {
        struct medsec_vers r;
        struct medsec_error e;
        medsec_err rc = medsec_vers_parse(versions, &r, &e);
        if (rc == MEDSEC_ENOMEM)
            return nomem(c->err);
        if (rc)
            return medsec_error_set(c->err, MEDSEC_EINVAL, c->path, s->line, s->column,
                                    "versions: the statement on %s covers \"%s\": %s", s->vuln,
                                    versions, e.msg);
        medsec_vers_release(&r);
    }
    struct medsec_arena *a = &c->t->arena;
    struct medsec_triage_decision d = {0};
    d.line = s->line;
    d.column = s->column;
    d.file = c->path;
    d.vuln = s->vuln;
    d.component = s->product;
    d.version = version ? medsec_arena_strdup(a, version) : NULL;
    d.versions = versions ? medsec_arena_strdup(a, versions) : NULL;
    if ((version && !d.version) || (versions && !d.versions))
        return nomem(c->err);
    d.state = s->state;
    d.cdx_justification = s->cdx_justification;
    d.justification = s->justification;
    if (d.state == MEDSEC_VEX_NOT_AFFECTED && d.justification == MEDSEC_VEX_UNSTATED)
        d.justification = medsec_vex_cdx_to_justification(d.cdx_justification);
    d.detail = s->detail;
    d.responses = s->responses;
    d.by = c->by;
    d.at = c->at;
    d.supplier = c->supplier;
    d.statement = s;
    if (MEDSEC_ARRAY_GROW(c->t->supplied, c->t->nsupplied, c->cap))
        return nomem(c->err);
    c->t->supplied[c->t->nsupplied++] = d;
    ++*c->nadded;
    return MEDSEC_OK;
}

/* A CycloneDX affects[].versions list ("1.0.2j, vers:generic/>=1.0.2|<1.0.2k"): one decision per
 * entry, each a version or a vers: range. */
static medsec_err add_list(struct conv *c, const char *list)
{
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ",");
        while (n && p[n - 1] == ' ')
            n--;
        char one[1024];
        if (n >= sizeof one)
            return medsec_error_set(c->err, MEDSEC_EINVAL, c->path, c->s->line, c->s->column,
                                    "versions: an entry longer than %zu bytes", sizeof one - 1);
        memcpy(one, p, n);
        one[n] = '\0';
        medsec_err rc = MEDSEC_OK;
        if (n)
            rc = !strncmp(one, "vers:", 5) ? add_one(c, NULL, one) : add_one(c, one, NULL);
        if (rc)
            return rc;
        p += strcspn(p, ",");
        while (*p == ',' || *p == ' ')
            p++;
    }
    return MEDSEC_OK;
}

medsec_err medsec_triage_add_supplier(struct medsec_triage *t, const char *path,
                                      const char *supplier, const struct medsec_vex_doc *doc,
                                      size_t *nadded, struct medsec_error *err)
{
    medsec_error_clear(err);
    size_t added = 0;
    struct conv c = {t, NULL, NULL, NULL, NULL, NULL, t->nsupplied, &added, err};
    char by[600];
    snprintf(by, sizeof by, "supplier %s", supplier);
    c.path = medsec_arena_strdup(&t->arena, path ? path : "supplier VEX");
    c.supplier = medsec_arena_strdup(&t->arena, supplier);
    c.by = medsec_arena_strdup(&t->arena, by);
    if (!c.path || !c.supplier || !c.by)
        return nomem(err);
    size_t n0 = t->nsupplied;
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; i < doc->n && !rc; i++) {
        const struct medsec_vex_statement *s = &doc->v[i];
        c.s = s;
        if (!s->product || (strncmp(s->product, "pkg:", 4) && strncmp(s->product, "cpe:2.3:", 8))) {
            rc = medsec_error_set(
                err, MEDSEC_EINVAL, c.path, s->line, s->column,
                "product: the statement on %s names %s%s%s, not a purl or a CPE 2.3 name: medsec "
                "cannot tell which component of the device it is about",
                s->vuln, s->product ? "\"" : "no product", s->product ? s->product : "",
                s->product ? "\"" : "");
            break;
        }
        /* the statement's date, when it gives one (YYYY-MM-DD of a date-time) */
        char day[11] = "";
        if (s->timestamp && strlen(s->timestamp) >= 10) {
            memcpy(day, s->timestamp, 10);
            day[10] = '\0';
            if (!medsec_date_parse(day, NULL))
                day[0] = '\0';
        }
        c.at = day[0] ? medsec_arena_strdup(&t->arena, day) : NULL;
        if (day[0] && !c.at) {
            rc = nomem(err);
            break;
        }
        bool own = spec_has_version(s->product);
        if (!own && s->product_range)
            rc = !strncmp(s->product_range, "vers:", 5) ? add_one(&c, NULL, s->product_range)
                                                        : add_list(&c, s->product_range);
        else
            rc = add_one(&c, own ? NULL : s->product_version, NULL);
    }
    if (rc)
        t->nsupplied = n0;
    if (nadded)
        *nadded = rc ? 0 : added;
    return rc;
}

/* Read the supplier document of entry @x, named in triage file @from. */
static medsec_err load_one(struct medsec_triage *t, const char *from, struct medsec_triage_vex *x,
                           struct medsec_error *err)
{
    const char *slash = strrchr(from, '/');
    char *dir = slash ? medsec_arena_strndup(&t->arena, from, (size_t)(slash - from)) : NULL;
    char *p = slash ? medsec_path_join(dir ? dir : ".", x->file) : NULL;
    x->path = medsec_arena_strdup(&t->arena, p ? p : x->file);
    medsec_free(p);
    if (!x->path || (slash && !dir))
        return nomem(err);
    struct medsec_diags warnings = MEDSEC_DIAGS_INIT;
    struct medsec_error e;
    medsec_err rc = medsec_vex_load(x->path, &x->doc, &warnings, &e);
    if (rc == MEDSEC_ENOMEM) {
        *err = e;
    } else if (rc) {
        medsec_error_set(err, rc, e.file[0] ? e.file : x->path, e.line, e.column,
                         "supplier VEX of %s (%s:%u): %s", x->supplier, from, x->line, e.msg);
    } else if (warnings.n) {
        /* a statement the reader skipped or read in part could be one that says "affected":
         * a supplier document is imported whole or not at all */
        const struct medsec_diag *g = &warnings.v[0];
        rc = medsec_error_set(
            err, MEDSEC_EINVAL, g->file ? g->file : x->path, g->line, g->column,
            "supplier VEX of %s (%s:%u): %s; so the document is not imported: "
            "it is read whole or not at all (%zu problem%s in all: `medsec vex read` lists them)",
            x->supplier, from, x->line, g->msg, warnings.n, warnings.n == 1 ? "" : "s");
    } else
        rc = medsec_triage_add_supplier(t, x->path, x->supplier, &x->doc, &x->ndecisions, err);
    medsec_diags_release(&warnings);
    return rc;
}

medsec_err triage_load_vex(struct medsec_triage *t, const char *from, size_t first,
                           struct medsec_error *err)
{
    for (size_t i = first; i < t->nvex; i++) {
        medsec_err rc = load_one(t, from, &t->vex[i], err);
        if (rc)
            return rc;
    }
    return MEDSEC_OK;
}

medsec_err medsec_triage_put_vex(struct medsec_triage *t, const char *file, const char *supplier,
                                 struct medsec_error *err)
{
    const char *f = medsec_arena_strdup(&t->arena, file);
    const char *s = medsec_arena_strdup(&t->arena, supplier);
    if (!f || !s)
        return nomem(err);
    for (size_t i = 0; i < t->nvex; i++)
        if (!strcmp(t->vex[i].file, f)) {
            t->vex[i].supplier = s;
            return MEDSEC_OK;
        }
    if (t->nvex >= MEDSEC_TRIAGE_MAX_VEX)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "more than %u supplier documents",
                                MEDSEC_TRIAGE_MAX_VEX);
    size_t cap = t->nvex;
    if (MEDSEC_ARRAY_GROW(t->vex, t->nvex, cap))
        return nomem(err);
    struct medsec_triage_vex x = {0};
    x.file = f;
    x.supplier = s;
    x.triage_file = t->nfiles ? t->files[t->nfiles - 1] : NULL;
    medsec_vex_doc_init(&x.doc);
    t->vex[t->nvex++] = x;
    return MEDSEC_OK;
}
