/* read.c: supplier VEX in: CycloneDX 1.4-1.7 vulnerabilities[].analysis, OpenVEX 0.2.0 (and the
 * 0.0.x shape), CSAF 2.0 product_status, read into struct medsec_vex_statement (docs/vex-read.md
 * says which field goes where). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/file.h"
#include "medsec/idmap.h"
#include "medsec/json.h"
#include "medsec/vex.h"

struct rd {
    const char *path;
    struct medsec_json_doc *jd;
    struct medsec_vex_doc *doc;
    struct medsec_diags *warn;
    struct medsec_error *err;
    medsec_err rc; /* sticky: the first failure */
    /* the last position computed: statements come in document order, so each position is found
     * from the one before instead of from the start (medsec_json_position counts from byte 0) */
    size_t at_off;
    size_t at_line_start; /* offset of the first byte of the line of at_off */
    unsigned at_line;
};

/* Line and column (1-based, columns in bytes) of @v, as medsec_json_position gives them. */
static void pos(struct rd *r, const struct medsec_json *v, unsigned *line, unsigned *col)
{
    *line = *col = 0;
    if (!v || !r->jd || v->offset > r->jd->text_len)
        return;
    const char *t = r->jd->text;
    if (v->offset < r->at_off) { /* back (a statement after a warning on its reference) */
        bool crossed = false;
        for (size_t i = v->offset; i < r->at_off; i++)
            if (t[i] == '\n') {
                r->at_line--;
                crossed = true;
            }
        if (crossed) {
            size_t ls = v->offset;
            while (ls > 0 && t[ls - 1] != '\n')
                ls--;
            r->at_line_start = ls;
        }
        r->at_off = v->offset;
    }
    for (size_t i = r->at_off; i < v->offset; i++)
        if (t[i] == '\n') {
            r->at_line++;
            r->at_line_start = i + 1;
        }
    r->at_off = v->offset;
    *line = r->at_line;
    *col = (unsigned)(v->offset - r->at_line_start) + 1;
}

/* A warning at @v about the field @field. */
static void warnf(struct rd *r, const struct medsec_json *v, const char *field, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));
static void warnf(struct rd *r, const struct medsec_json *v, const char *field, const char *fmt,
                  ...)
{
    if (!r->warn || r->rc)
        return;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    unsigned line, col;
    pos(r, v, &line, &col);
    if (medsec_diags_add(r->warn, MEDSEC_SEV_WARNING, r->path, line, col, field, "%s: %s", field,
                         msg) != MEDSEC_OK)
        r->rc = medsec_error_set(r->err, MEDSEC_ENOMEM, r->path, 0, 0, "out of memory");
}

static medsec_err failf(struct rd *r, const struct medsec_json *v, medsec_err code, const char *fmt,
                        ...) __attribute__((format(printf, 4, 5)));
static medsec_err failf(struct rd *r, const struct medsec_json *v, medsec_err code, const char *fmt,
                        ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    unsigned line, col;
    pos(r, v, &line, &col);
    if (!r->rc)
        r->rc = medsec_error_set(r->err, code, r->path, line, col, "%s", msg);
    return r->rc;
}

static void oom(struct rd *r)
{
    if (!r->rc)
        r->rc = medsec_error_set(r->err, MEDSEC_ENOMEM, r->path, 0, 0, "out of memory");
}

/* A copy in the document's arena; NULL for NULL and the empty string. */
static const char *keep(struct rd *r, const char *s)
{
    if (!s || !*s)
        return NULL;
    char *c = medsec_arena_strdup(&r->doc->arena, s);
    if (!c) {
        if (r->doc->arena.toobig)
            failf(r, NULL, MEDSEC_ETOOBIG, "the document's text exceeds the memory cap");
        else
            oom(r);
    }
    return c;
}

/* String member @key of @obj; a member of another type is a warning (@field names it) and NULL. */
static const char *sget(struct rd *r, const struct medsec_json *obj, const char *key,
                        const char *field)
{
    const struct medsec_json *v = medsec_json_get(obj, key);
    if (!v || v->type == MEDSEC_JSON_NULL)
        return NULL;
    if (v->type != MEDSEC_JSON_STRING) {
        warnf(r, v, field, "expected a string, found %s (ignored)", medsec_json_type_name(v->type));
        return NULL;
    }
    return v->u.str;
}

/* Array member @key of @obj, or NULL; another type is a warning. */
static const struct medsec_json *aget(struct rd *r, const struct medsec_json *obj, const char *key,
                                      const char *field)
{
    const struct medsec_json *v = medsec_json_get(obj, key);
    if (!v || v->type == MEDSEC_JSON_NULL)
        return NULL;
    if (v->type != MEDSEC_JSON_ARRAY) {
        warnf(r, v, field, "expected a list, found %s (ignored)", medsec_json_type_name(v->type));
        return NULL;
    }
    return v;
}

/* A new statement at @at, origin supplier, with the document's author and time. */
static struct medsec_vex_statement *add(struct rd *r, const struct medsec_json *at)
{
    struct medsec_vex_doc *d = r->doc;
    if (r->rc)
        return NULL;
    if (d->n >= MEDSEC_VEX_MAX_STATEMENTS) {
        failf(r, at, MEDSEC_ETOOBIG, "more than %zu statements", (size_t)MEDSEC_VEX_MAX_STATEMENTS);
        return NULL;
    }
    if (MEDSEC_ARRAY_GROW(d->v, d->n, d->cap) != MEDSEC_OK) {
        oom(r);
        return NULL;
    }
    struct medsec_vex_statement *s = &d->v[d->n++];
    memset(s, 0, sizeof *s);
    s->origin = MEDSEC_VEX_BY_SUPPLIER;
    s->author = d->author;
    s->timestamp = d->timestamp;
    pos(r, at, &s->line, &s->column);
    return s;
}

/* The strings of @arr (NULL entries skipped) in the arena: *@out, *@n. */
static void keep_list(struct rd *r, const char *const *v, size_t n, const char *const **out,
                      size_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (!n)
        return;
    const char **a = medsec_arena_alloc(&r->doc->arena, n * sizeof *a);
    if (!a) {
        oom(r);
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] && *v[i])
            a[k++] = keep(r, v[i]);
    *out = a;
    *nout = k;
}

static bool is_product_id(const char *s)
{
    return s && (strncmp(s, "pkg:", 4) == 0 || strncmp(s, "cpe:", 4) == 0);
}

/* ---- CycloneDX ---------------------------------------------------------------------------- */

struct cdx_refs {
    const struct medsec_json **v;
    const char **ref;
    size_t n, cap, rcap;
    struct medsec_idmap map; /* bom-ref -> index; the first component with a ref wins */
};

static const char *cdx_ref_key(const void *ud, size_t i)
{
    return ((const struct cdx_refs *)ud)->ref[i];
}

static void cdx_collect(struct rd *r, struct cdx_refs *refs, const struct medsec_json *c,
                        unsigned depth)
{
    if (!c || c->type != MEDSEC_JSON_OBJECT || depth > 64 || r->rc)
        return;
    const char *ref = medsec_json_get_str(c, "bom-ref");
    size_t at;
    if (ref && !medsec_idmap_find(&refs->map, ref, &at)) {
        if (MEDSEC_ARRAY_GROW(refs->v, refs->n, refs->cap) != MEDSEC_OK ||
            MEDSEC_ARRAY_GROW(refs->ref, refs->n, refs->rcap) != MEDSEC_OK) {
            oom(r);
            return;
        }
        refs->v[refs->n] = c;
        refs->ref[refs->n] = ref;
        if (medsec_idmap_add(&refs->map, refs->n) != MEDSEC_OK) {
            oom(r);
            return;
        }
        refs->n++;
    }
    const struct medsec_json *kids = medsec_json_get(c, "components");
    if (medsec_json_is(kids, MEDSEC_JSON_ARRAY))
        for (size_t i = 0; i < kids->len; i++)
            cdx_collect(r, refs, &kids->u.items[i], depth + 1);
}

static const struct medsec_json *cdx_find(const struct cdx_refs *refs, const char *ref)
{
    size_t i;
    return medsec_idmap_find(&refs->map, ref, &i) ? refs->v[i] : NULL;
}

/* Set the product of @s from the component @c. */
static void cdx_product(struct rd *r, struct medsec_vex_statement *s, const struct medsec_json *c)
{
    const char *purl = medsec_json_get_str(c, "purl");
    const char *cpe = medsec_json_get_str(c, "cpe");
    s->product = keep(r, purl ? purl : cpe);
    s->product_name = keep(r, medsec_json_get_str(c, "name"));
    s->product_version = keep(r, medsec_json_get_str(c, "version"));
}

/* affects[].ref: a bom-ref of this document, or a BOM-Link urn:cdx:SERIAL/VERSION#REF. */
static void cdx_resolve(struct rd *r, const struct cdx_refs *refs, const char *serial,
                        struct medsec_vex_statement *s, const struct medsec_json *refv,
                        const char *field)
{
    const char *ref = refv->u.str;
    const char *local = ref;
    if (strncmp(ref, "urn:cdx:", 8) == 0) {
        const char *slash = strchr(ref + 8, '/'), *hash = strchr(ref + 8, '#');
        local = NULL;
        if (slash && hash && hash > slash) {
            size_t sl = (size_t)(slash - (ref + 8));
            bool same = serial && strncmp(serial, "urn:uuid:", 9) == 0 &&
                        strlen(serial + 9) == sl && strncmp(serial + 9, ref + 8, sl) == 0;
            if (same)
                local = hash + 1;
            else if (is_product_id(hash + 1)) {
                s->product = keep(r, hash + 1);
                return;
            }
        }
    }
    const struct medsec_json *c = local ? cdx_find(refs, local) : NULL;
    if (c) {
        cdx_product(r, s, c);
        return;
    }
    s->product = keep(r, ref);
    if (local)
        warnf(r, refv, field, "'%s' names no component of this document; kept as the product", ref);
    else
        warnf(r, refv, field, "'%s' refers to another BOM; kept as the product", ref);
}

/* affects[].versions: one version, or the list joined. */
static void cdx_versions(struct rd *r, struct medsec_vex_statement *s,
                         const struct medsec_json *vers, const char *field)
{
    if (!vers || vers->type == MEDSEC_JSON_NULL)
        return;
    struct medsec_json one = {0};
    if (vers->type == MEDSEC_JSON_OBJECT) {
        warnf(r, vers, field, "expected a list of versions, found one object (read as a list)");
        one.type = MEDSEC_JSON_ARRAY;
        one.len = 1;
        one.u.items = vers;
        vers = &one;
    } else if (vers->type != MEDSEC_JSON_ARRAY) {
        warnf(r, vers, field, "expected a list, found %s (ignored)",
              medsec_json_type_name(vers->type));
        return;
    }
    if (vers->len == 1) {
        const struct medsec_json *e = &vers->u.items[0];
        const char *v = medsec_json_get_str(e, "version");
        if (v) {
            s->product_version = keep(r, v);
            return;
        }
    }
    struct medsec_buf b = MEDSEC_BUF_INIT;
    for (size_t i = 0; i < vers->len; i++) {
        const struct medsec_json *e = &vers->u.items[i];
        const char *v = medsec_json_get_str(e, "version");
        if (!v)
            v = medsec_json_get_str(e, "range");
        if (!v)
            continue;
        if ((b.len && medsec_buf_adds(&b, ", ") != MEDSEC_OK) ||
            medsec_buf_adds(&b, v) != MEDSEC_OK) {
            oom(r);
            break;
        }
    }
    if (b.len)
        s->product_range = keep(r, b.data);
    medsec_buf_release(&b);
}

static medsec_err read_cyclonedx(struct rd *r, const struct medsec_json *root)
{
    struct medsec_vex_doc *d = r->doc;
    const struct medsec_json *meta = medsec_json_get(root, "metadata");
    const char *serial = medsec_json_get_str(root, "serialNumber");
    d->format = MEDSEC_VEX_CYCLONEDX;
    d->id = keep(r, serial);
    d->timestamp = keep(r, medsec_json_get_str(meta, "timestamp"));
    const char *author = medsec_json_get_str(medsec_json_get(meta, "supplier"), "name");
    if (!author)
        author = medsec_json_get_str(medsec_json_get(meta, "manufacturer"), "name");
    if (!author)
        author = medsec_json_get_str(medsec_json_get(meta, "manufacture"), "name");
    if (!author)
        author = medsec_json_get_str(medsec_json_at(medsec_json_get(meta, "authors"), 0), "name");
    d->author = keep(r, author);
    d->product = keep(r, medsec_json_get_str(medsec_json_get(meta, "component"), "name"));

    const struct medsec_json *vulns = medsec_json_get(root, "vulnerabilities");
    if (!vulns)
        return r->rc;
    if (vulns->type != MEDSEC_JSON_ARRAY)
        return failf(r, vulns, MEDSEC_EINVAL, "vulnerabilities: expected a list, found %s",
                     medsec_json_type_name(vulns->type));
    struct cdx_refs refs = {0};
    medsec_idmap_init(&refs.map, cdx_ref_key, &refs);
    cdx_collect(r, &refs, medsec_json_get(meta, "component"), 0);
    const struct medsec_json *comps = medsec_json_get(root, "components");
    if (medsec_json_is(comps, MEDSEC_JSON_ARRAY))
        for (size_t i = 0; i < comps->len; i++)
            cdx_collect(r, &refs, &comps->u.items[i], 0);

    char f[96];
    for (size_t i = 0; i < vulns->len && !r->rc; i++) {
        const struct medsec_json *v = &vulns->u.items[i];
        const struct medsec_json *an = medsec_json_get(v, "analysis");
        if (!an || an->type == MEDSEC_JSON_NULL)
            continue; /* a vulnerability listed without an analysis is no statement */
        snprintf(f, sizeof f, "vulnerabilities[%zu].analysis", i);
        if (an->type != MEDSEC_JSON_OBJECT) {
            warnf(r, an, f, "expected an object; statement skipped");
            continue;
        }
        snprintf(f, sizeof f, "vulnerabilities[%zu].id", i);
        const char *id = sget(r, v, "id", f);
        if (!id || !*id) {
            warnf(r, v, f, "no vulnerability id; statement skipped");
            continue;
        }
        enum medsec_vex_state state;
        snprintf(f, sizeof f, "vulnerabilities[%zu].analysis.state", i);
        const struct medsec_json *sv = medsec_json_get(an, "state");
        if (!sv) {
            warnf(r, an, f, "missing; statement skipped");
            continue;
        }
        if (!medsec_vex_state_parse(medsec_json_str(sv), &state)) {
            warnf(r, sv, f, "'%s' is not a CycloneDX analysis state; statement skipped",
                  medsec_json_str(sv) ? medsec_json_str(sv) : medsec_json_type_name(sv->type));
            continue;
        }
        enum medsec_vex_cdx_justification cj = MEDSEC_CDX_UNSTATED;
        const struct medsec_json *jv = medsec_json_get(an, "justification");
        snprintf(f, sizeof f, "vulnerabilities[%zu].analysis.justification", i);
        if (jv && jv->type != MEDSEC_JSON_NULL &&
            !medsec_vex_cdx_justification_parse(medsec_json_str(jv), &cj)) {
            warnf(r, jv, f, "'%s' is not a CycloneDX justification; statement skipped",
                  medsec_json_str(jv) ? medsec_json_str(jv) : medsec_json_type_name(jv->type));
            continue;
        }
        unsigned resp = 0;
        bool bad = false;
        snprintf(f, sizeof f, "vulnerabilities[%zu].analysis.response", i);
        const struct medsec_json *rv = aget(r, an, "response", f);
        for (size_t k = 0; rv && k < rv->len; k++) {
            unsigned bit;
            const char *w = medsec_json_str(&rv->u.items[k]);
            if (!medsec_vex_response_parse(w, &bit)) {
                snprintf(f, sizeof f, "vulnerabilities[%zu].analysis.response[%zu]", i, k);
                warnf(r, &rv->u.items[k], f, "'%s' is not a CycloneDX response; statement skipped",
                      w ? w : medsec_json_type_name(rv->u.items[k].type));
                bad = true;
                break;
            }
            resp |= bit;
        }
        if (bad)
            continue;
        snprintf(f, sizeof f, "vulnerabilities[%zu].analysis.detail", i);
        const char *detail = keep(r, sget(r, an, "detail", f));
        const char *ts = medsec_json_get_str(an, "lastUpdated");
        if (!ts)
            ts = medsec_json_get_str(an, "firstIssued");
        const char *kts = ts ? keep(r, ts) : d->timestamp;
        const char *kid = keep(r, id);
        /* aliases: references[].id */
        const char *al[64];
        size_t nal = 0;
        const struct medsec_json *refsv = medsec_json_get(v, "references");
        for (size_t k = 0; medsec_json_is(refsv, MEDSEC_JSON_ARRAY) && k < refsv->len && nal < 64;
             k++) {
            const char *a = medsec_json_get_str(&refsv->u.items[k], "id");
            if (a && strcmp(a, id) != 0)
                al[nal++] = a;
        }
        const char *const *aliases;
        size_t naliases;
        keep_list(r, al, nal, &aliases, &naliases);

        snprintf(f, sizeof f, "vulnerabilities[%zu].affects", i);
        const struct medsec_json *aff = aget(r, v, "affects", f);
        size_t naff = aff ? aff->len : 0;
        for (size_t k = 0; k < (naff ? naff : 1) && !r->rc; k++) {
            const struct medsec_json *a = naff ? &aff->u.items[k] : v;
            struct medsec_vex_statement *s = add(r, a); /* at its affects entry */
            if (!s)
                break;
            s->vuln = kid;
            s->aliases = aliases;
            s->naliases = naliases;
            s->state = state;
            s->cdx_justification = cj;
            s->justification = medsec_vex_cdx_to_justification(cj);
            s->responses = resp;
            s->detail = detail;
            s->timestamp = kts;
            if (!naff)
                continue; /* no affects: the statement covers whatever the document is about */
            snprintf(f, sizeof f, "vulnerabilities[%zu].affects[%zu].ref", i, k);
            const struct medsec_json *refv = medsec_json_get(a, "ref");
            if (!medsec_json_str(refv) || !*medsec_json_str(refv))
                warnf(r, a, f, "no reference: the statement names no product");
            else
                cdx_resolve(r, &refs, serial, s, refv, f);
            snprintf(f, sizeof f, "vulnerabilities[%zu].affects[%zu].versions", i, k);
            cdx_versions(r, s, medsec_json_get(a, "versions"), f);
        }
    }
    medsec_idmap_release(&refs.map);
    medsec_free(refs.v);
    medsec_free(refs.ref);
    return r->rc;
}

/* ---- OpenVEX ------------------------------------------------------------------------------- */

static bool parse_word(const char *const *names, size_t n, const char *w, int *out)
{
    for (size_t i = 0; w && i < n; i++)
        if (names[i] && strcmp(names[i], w) == 0) {
            *out = (int)i;
            return true;
        }
    return false;
}

static const char *const openvex_status[] = {"under_investigation", "affected", "not_affected",
                                             "fixed"};
static const enum medsec_vex_state openvex_state[] = {MEDSEC_VEX_IN_TRIAGE, MEDSEC_VEX_EXPLOITABLE,
                                                      MEDSEC_VEX_NOT_AFFECTED, MEDSEC_VEX_RESOLVED};

/* A justification in OpenVEX / CSAF words. */
static bool parse_justification(const char *w, enum medsec_vex_justification *out)
{
    for (int j = 1; j < MEDSEC_VEX_COUNT; j++)
        if (w && strcmp(medsec_vex_justification_name((enum medsec_vex_justification)j), w) == 0) {
            *out = (enum medsec_vex_justification)j;
            return true;
        }
    return false;
}

/* The id of an OpenVEX product or subcomponent (an object with @id or identifiers, or, in 0.0.x,
 * a string). */
static const char *ov_product_id(const struct medsec_json *p)
{
    if (medsec_json_is(p, MEDSEC_JSON_STRING))
        return p->u.str;
    const char *id = medsec_json_get_str(p, "@id");
    const struct medsec_json *ids = medsec_json_get(p, "identifiers");
    if (is_product_id(id))
        return id;
    const char *purl = medsec_json_get_str(ids, "purl");
    const char *cpe = medsec_json_get_str(ids, "cpe23");
    if (!cpe)
        cpe = medsec_json_get_str(ids, "cpe22");
    return purl ? purl : cpe ? cpe : id;
}

static medsec_err read_openvex(struct rd *r, const struct medsec_json *root)
{
    struct medsec_vex_doc *d = r->doc;
    d->format = MEDSEC_VEX_OPENVEX;
    d->id = keep(r, medsec_json_get_str(root, "@id"));
    d->author = keep(r, medsec_json_get_str(root, "author"));
    const char *dts = medsec_json_get_str(root, "last_updated");
    d->timestamp = keep(r, dts ? dts : medsec_json_get_str(root, "timestamp"));
    const struct medsec_json *sts = medsec_json_get(root, "statements");
    if (!sts)
        return r->rc;
    if (sts->type != MEDSEC_JSON_ARRAY)
        return failf(r, sts, MEDSEC_EINVAL, "statements: expected a list, found %s",
                     medsec_json_type_name(sts->type));
    char f[96];
    for (size_t i = 0; i < sts->len && !r->rc; i++) {
        const struct medsec_json *st = &sts->u.items[i];
        const struct medsec_json *vu = medsec_json_get(st, "vulnerability");
        const char *id = medsec_json_str(vu);
        if (!id) {
            id = medsec_json_get_str(vu, "name");
            if (!id)
                id = medsec_json_get_str(vu, "@id");
        }
        snprintf(f, sizeof f, "statements[%zu].vulnerability", i);
        if (!id || !*id) {
            warnf(r, vu ? vu : st, f, "no vulnerability name or @id; statement skipped");
            continue;
        }
        snprintf(f, sizeof f, "statements[%zu].status", i);
        const struct medsec_json *sv = medsec_json_get(st, "status");
        int si;
        if (!sv) {
            warnf(r, st, f, "missing; statement skipped");
            continue;
        }
        if (!parse_word(openvex_status, 4, medsec_json_str(sv), &si)) {
            warnf(r, sv, f, "'%s' is not an OpenVEX status; statement skipped",
                  medsec_json_str(sv) ? medsec_json_str(sv) : medsec_json_type_name(sv->type));
            continue;
        }
        enum medsec_vex_justification j = MEDSEC_VEX_UNSTATED;
        const struct medsec_json *jv = medsec_json_get(st, "justification");
        snprintf(f, sizeof f, "statements[%zu].justification", i);
        if (jv && jv->type != MEDSEC_JSON_NULL && !parse_justification(medsec_json_str(jv), &j)) {
            warnf(r, jv, f, "'%s' is not an OpenVEX justification; statement skipped",
                  medsec_json_str(jv) ? medsec_json_str(jv) : medsec_json_type_name(jv->type));
            continue;
        }
        snprintf(f, sizeof f, "statements[%zu].impact_statement", i);
        const char *detail = sget(r, st, "impact_statement", f);
        if (!detail || !*detail) {
            snprintf(f, sizeof f, "statements[%zu].status_notes", i);
            detail = sget(r, st, "status_notes", f);
        }
        snprintf(f, sizeof f, "statements[%zu].action_statement", i);
        const char *action = keep(r, sget(r, st, "action_statement", f));
        const char *ts = medsec_json_get_str(st, "last_updated");
        if (!ts)
            ts = medsec_json_get_str(st, "timestamp");
        const char *kts = ts ? keep(r, ts) : d->timestamp;
        const char *kid = keep(r, id), *kdetail = keep(r, detail);
        const char *supplier = medsec_json_get_str(st, "supplier");
        const char *kauthor = supplier ? keep(r, supplier) : d->author;
        const char *al[64];
        size_t nal = 0;
        const struct medsec_json *alv = medsec_json_get(vu, "aliases");
        for (size_t k = 0; medsec_json_is(alv, MEDSEC_JSON_ARRAY) && k < alv->len && nal < 64; k++)
            if (medsec_json_str(&alv->u.items[k]))
                al[nal++] = alv->u.items[k].u.str;
        const char *vat = medsec_json_get_str(vu, "@id");
        if (vat && strcmp(vat, id) != 0 && nal < 64 && strncmp(vat, "http", 4) != 0)
            al[nal++] = vat;
        const char *const *aliases;
        size_t naliases;
        keep_list(r, al, nal, &aliases, &naliases);

        snprintf(f, sizeof f, "statements[%zu].products", i);
        const struct medsec_json *prods = aget(r, st, "products", f);
        size_t np = prods ? prods->len : 0;
        if (!np)
            warnf(r, st, f, "no products: the statement names no product");
        for (size_t p = 0; p < (np ? np : 1) && !r->rc; p++) {
            const struct medsec_json *pr = np ? &prods->u.items[p] : NULL;
            const char *pid = pr ? ov_product_id(pr) : NULL;
            if (pr && !pid) {
                snprintf(f, sizeof f, "statements[%zu].products[%zu]", i, p);
                warnf(r, pr, f, "no @id or identifiers: the statement names no product");
            }
            snprintf(f, sizeof f, "statements[%zu].products[%zu].subcomponents", i, p);
            const struct medsec_json *subs = pr ? aget(r, pr, "subcomponents", f) : NULL;
            size_t ns = subs ? subs->len : 0;
            const char *kpid = keep(r, pid);
            for (size_t c = 0; c < (ns ? ns : 1) && !r->rc; c++) {
                struct medsec_vex_statement *s = add(r, pr ? pr : st);
                if (!s)
                    break;
                s->vuln = kid;
                s->aliases = aliases;
                s->naliases = naliases;
                s->state = openvex_state[si];
                s->justification = j;
                s->detail = kdetail;
                s->action = action;
                s->timestamp = kts;
                s->author = kauthor;
                if (ns) {
                    s->product = keep(r, ov_product_id(&subs->u.items[c]));
                    s->parent = kpid;
                } else {
                    s->product = kpid;
                }
            }
        }
    }
    return r->rc;
}

/* ---- CSAF 2.0 ------------------------------------------------------------------------------ */

struct csaf_prod {
    const char *id, *name, *version, *range, *purl, *cpe, *family, *parent;
    const char *full; /* the product's full name: "Vendor Box 1.1" */
};

struct csaf_tree {
    struct csaf_prod *v;
    size_t n, cap;
    struct medsec_idmap map; /* product_id -> index; the first definition wins */
};

static const char *csaf_prod_key(const void *ud, size_t i)
{
    return ((const struct csaf_tree *)ud)->v[i].id;
}

struct branch_ctx {
    const char *vendor, *family, *version, *range;
};

static void csaf_leaf(struct rd *r, struct csaf_tree *t, const struct medsec_json *p,
                      const struct branch_ctx *bc)
{
    const char *id = medsec_json_get_str(p, "product_id");
    size_t dup;
    if (!id || r->rc || medsec_idmap_find(&t->map, id, &dup))
        return;
    if (MEDSEC_ARRAY_GROW(t->v, t->n, t->cap) != MEDSEC_OK) {
        oom(r);
        return;
    }
    struct csaf_prod *cp = &t->v[t->n];
    memset(cp, 0, sizeof *cp);
    cp->id = id;
    if (medsec_idmap_add(&t->map, t->n) != MEDSEC_OK) {
        oom(r);
        return;
    }
    t->n++;
    const struct medsec_json *h = medsec_json_get(p, "product_identification_helper");
    cp->id = id;
    cp->name = cp->full = medsec_json_get_str(p, "name");
    cp->purl = medsec_json_get_str(h, "purl");
    cp->cpe = medsec_json_get_str(h, "cpe");
    if (bc) {
        cp->family = bc->family;
        cp->version = bc->version;
        cp->range = bc->range;
        if (bc->family)
            cp->name = bc->family; /* the product's own name; the leaf's full name for people */
    }
}

static void csaf_branches(struct rd *r, struct csaf_tree *t, const struct medsec_json *br,
                          struct branch_ctx bc, unsigned depth)
{
    if (!medsec_json_is(br, MEDSEC_JSON_ARRAY) || depth > 30)
        return;
    for (size_t i = 0; i < br->len && !r->rc; i++) {
        const struct medsec_json *b = &br->u.items[i];
        struct branch_ctx c = bc;
        const char *cat = medsec_json_get_str(b, "category");
        const char *name = medsec_json_get_str(b, "name");
        if (cat && name) {
            if (strcmp(cat, "vendor") == 0)
                c.vendor = name;
            else if (strcmp(cat, "product_name") == 0)
                c.family = name;
            else if (strcmp(cat, "product_version") == 0)
                c.version = name;
            else if (strcmp(cat, "product_version_range") == 0)
                c.range = name;
        }
        const struct medsec_json *p = medsec_json_get(b, "product");
        if (p)
            csaf_leaf(r, t, p, &c);
        csaf_branches(r, t, medsec_json_get(b, "branches"), c, depth + 1);
    }
}

static const struct csaf_prod *csaf_find(const struct csaf_tree *t, const char *id)
{
    size_t i;
    return id && medsec_idmap_find(&t->map, id, &i) ? &t->v[i] : NULL;
}

static void csaf_tree_read(struct rd *r, struct csaf_tree *t, const struct medsec_json *pt)
{
    struct branch_ctx bc = {0};
    csaf_branches(r, t, medsec_json_get(pt, "branches"), bc, 0);
    const struct medsec_json *fp = medsec_json_get(pt, "full_product_names");
    for (size_t i = 0; medsec_json_is(fp, MEDSEC_JSON_ARRAY) && i < fp->len; i++)
        csaf_leaf(r, t, &fp->u.items[i], NULL);
    const struct medsec_json *rel = medsec_json_get(pt, "relationships");
    for (size_t i = 0; medsec_json_is(rel, MEDSEC_JSON_ARRAY) && i < rel->len && !r->rc; i++) {
        const struct medsec_json *e = &rel->u.items[i];
        size_t before = t->n;
        csaf_leaf(r, t, medsec_json_get(e, "full_product_name"), NULL);
        if (t->n == before)
            continue;
        /* the component is product_reference, in (or installed on) relates_to_product_reference */
        const struct csaf_prod *comp = csaf_find(t, medsec_json_get_str(e, "product_reference"));
        const struct csaf_prod *in =
            csaf_find(t, medsec_json_get_str(e, "relates_to_product_reference"));
        struct csaf_prod *cp = &t->v[t->n - 1];
        if (comp) {
            cp->name = comp->name;
            cp->version = comp->version;
            cp->range = comp->range;
            cp->family = comp->family;
            if (!cp->purl)
                cp->purl = comp->purl;
            if (!cp->cpe)
                cp->cpe = comp->cpe;
        }
        if (in)
            cp->parent = in->full ? in->full : in->name;
    }
}

static const char *const csaf_status[] = {"known_not_affected",  "known_affected", "first_affected",
                                          "last_affected",       "fixed",          "first_fixed",
                                          "under_investigation", "recommended"};
static const int csaf_state[] = {
    MEDSEC_VEX_NOT_AFFECTED, MEDSEC_VEX_EXPLOITABLE, MEDSEC_VEX_EXPLOITABLE, MEDSEC_VEX_EXPLOITABLE,
    MEDSEC_VEX_RESOLVED,     MEDSEC_VEX_RESOLVED,    MEDSEC_VEX_IN_TRIAGE,   -1};
#define NCSAF_STATUS (sizeof csaf_status / sizeof csaf_status[0])

static const char *const csaf_remed[] = {"vendor_fix", "mitigation", "workaround", "no_fix_planned",
                                         "none_available"};
static const unsigned csaf_remed_bit[] = {MEDSEC_VEX_RESP_UPDATE, MEDSEC_VEX_RESP_WORKAROUND,
                                          MEDSEC_VEX_RESP_WORKAROUND, MEDSEC_VEX_RESP_WILL_NOT_FIX,
                                          MEDSEC_VEX_RESP_CAN_NOT_FIX};

/* What the flags, threats and remediations of one vulnerability say about each product id, found
 * in one pass over their lists (a product group is expanded through the group map). */
struct cover_entry {
    const char *pid;
    long flag, threat, action; /* index of the first flag / impact threat / remediation, or -1 */
    unsigned responses;
    bool vendor_fix;
};

struct cover {
    struct cover_entry *v;
    size_t n, cap;
    struct medsec_idmap map;
    long threat_all; /* the first impact threat that names no product: it covers all */
};

static const char *cover_key(const void *ud, size_t i)
{
    return ((const struct cover *)ud)->v[i].pid;
}

static struct cover_entry *cover_get(struct rd *r, struct cover *c, const char *pid)
{
    size_t i;
    if (medsec_idmap_find(&c->map, pid, &i))
        return &c->v[i];
    if (MEDSEC_ARRAY_GROW(c->v, c->n, c->cap) != MEDSEC_OK) {
        oom(r);
        return NULL;
    }
    struct cover_entry *e = &c->v[c->n];
    memset(e, 0, sizeof *e);
    e->pid = pid;
    e->flag = e->threat = e->action = -1;
    if (medsec_idmap_add(&c->map, c->n) != MEDSEC_OK) {
        oom(r);
        return NULL;
    }
    c->n++;
    return e;
}

/* The product groups by group_id. */
struct csaf_groups {
    const struct medsec_json *arr;
    struct medsec_idmap map;
};

static const char *group_key(const void *ud, size_t i)
{
    return medsec_json_get_str(&((const struct csaf_groups *)ud)->arr->u.items[i], "group_id");
}

/* The most product ids that the groups of one document may expand to, over all its flags, threats
 * and remediations: past it the document is refused (a few group references must not cost
 * millions of steps each). */
#define CSAF_MAX_EXPANSION ((size_t)4 * MEDSEC_VEX_MAX_STATEMENTS)

/* The product ids @obj names (product_ids, and the members of its group_ids) into *@out. */
struct pidlist {
    const char **v;
    size_t n, cap;
    size_t expanded; /* for the whole document */
};

static void pids_of(struct rd *r, const struct csaf_groups *g, const struct medsec_json *obj,
                    struct pidlist *l)
{
    l->n = 0;
    const struct medsec_json *lists[64];
    size_t nl = 0;
    const struct medsec_json *ids = medsec_json_get(obj, "product_ids");
    if (medsec_json_is(ids, MEDSEC_JSON_ARRAY))
        lists[nl++] = ids;
    const struct medsec_json *gids = medsec_json_get(obj, "group_ids");
    for (size_t i = 0; medsec_json_is(gids, MEDSEC_JSON_ARRAY) && i < gids->len && nl < 64; i++) {
        size_t k;
        const char *gid = medsec_json_str(&gids->u.items[i]);
        if (gid && g->arr && medsec_idmap_find(&g->map, gid, &k)) {
            const struct medsec_json *m = medsec_json_get(&g->arr->u.items[k], "product_ids");
            if (medsec_json_is(m, MEDSEC_JSON_ARRAY))
                lists[nl++] = m;
        }
    }
    for (size_t i = 0; i < nl && !r->rc; i++) {
        l->expanded += lists[i]->len;
        if (l->expanded > CSAF_MAX_EXPANSION) {
            failf(r, obj, MEDSEC_ETOOBIG,
                  "the product ids and groups of flags, threats and remediations name more than "
                  "%zu products",
                  CSAF_MAX_EXPANSION);
            return;
        }
        for (size_t k = 0; k < lists[i]->len; k++) {
            const char *pid = medsec_json_str(&lists[i]->u.items[k]);
            if (!pid)
                continue;
            if (MEDSEC_ARRAY_GROW(l->v, l->n, l->cap) != MEDSEC_OK) {
                oom(r);
                return;
            }
            l->v[l->n++] = pid;
        }
    }
}

/* Fill @c from the flags, threats and remediations of @vu (number @vi). */
static void cover_read(struct rd *r, struct cover *c, const struct csaf_groups *g,
                       const struct medsec_json *vu, size_t vi, struct pidlist *l)
{
    char f[96];
    const struct medsec_json *flags = medsec_json_get(vu, "flags");
    for (size_t k = 0; medsec_json_is(flags, MEDSEC_JSON_ARRAY) && k < flags->len && !r->rc; k++) {
        const struct medsec_json *lv = medsec_json_get(&flags->u.items[k], "label");
        enum medsec_vex_justification j;
        if (!parse_justification(medsec_json_str(lv), &j)) {
            snprintf(f, sizeof f, "vulnerabilities[%zu].flags[%zu].label", vi, k);
            warnf(r, lv ? lv : &flags->u.items[k], f,
                  "'%s' is not a CSAF flag label; the statements on the products it names are "
                  "skipped",
                  medsec_json_str(lv) ? lv->u.str : "(none)");
        }
        pids_of(r, g, &flags->u.items[k], l);
        for (size_t i = 0; i < l->n && !r->rc; i++) {
            struct cover_entry *e = cover_get(r, c, l->v[i]);
            if (e && e->flag < 0)
                e->flag = (long)k;
        }
    }
    const struct medsec_json *th = medsec_json_get(vu, "threats");
    for (size_t k = 0; medsec_json_is(th, MEDSEC_JSON_ARRAY) && k < th->len && !r->rc; k++) {
        const struct medsec_json *t = &th->u.items[k];
        const char *cat = medsec_json_get_str(t, "category");
        if (!cat || strcmp(cat, "impact") != 0)
            continue;
        if (!medsec_json_get(t, "product_ids") && !medsec_json_get(t, "group_ids")) {
            if (c->threat_all < 0)
                c->threat_all = (long)k;
            continue;
        }
        pids_of(r, g, t, l);
        for (size_t i = 0; i < l->n && !r->rc; i++) {
            struct cover_entry *e = cover_get(r, c, l->v[i]);
            if (e && e->threat < 0)
                e->threat = (long)k;
        }
    }
    const struct medsec_json *rem = medsec_json_get(vu, "remediations");
    for (size_t k = 0; medsec_json_is(rem, MEDSEC_JSON_ARRAY) && k < rem->len && !r->rc; k++) {
        const struct medsec_json *e0 = &rem->u.items[k];
        const struct medsec_json *cv = medsec_json_get(e0, "category");
        int cat;
        if (!parse_word(csaf_remed, 5, medsec_json_str(cv), &cat)) {
            snprintf(f, sizeof f, "vulnerabilities[%zu].remediations[%zu].category", vi, k);
            warnf(r, cv ? cv : e0, f, "'%s' is not a CSAF remediation category (ignored)",
                  medsec_json_str(cv) ? cv->u.str : "(none)");
            continue;
        }
        pids_of(r, g, e0, l);
        for (size_t i = 0; i < l->n && !r->rc; i++) {
            struct cover_entry *e = cover_get(r, c, l->v[i]);
            if (!e)
                break;
            e->responses |= csaf_remed_bit[cat];
            if (e->action < 0 && medsec_json_get_str(e0, "details"))
                e->action = (long)k;
            if (csaf_remed_bit[cat] == MEDSEC_VEX_RESP_UPDATE)
                e->vendor_fix = true;
        }
    }
}

/* The version of the first product of each product family listed first_fixed or fixed. */
struct fixed_map {
    const struct csaf_prod **v;
    size_t n, cap;
    struct medsec_idmap map;
};

static const char *fixed_key(const void *ud, size_t i)
{
    return ((const struct fixed_map *)ud)->v[i]->family;
}

static void fixed_read(struct rd *r, struct fixed_map *fm, const struct csaf_tree *t,
                       const struct medsec_json *ps)
{
    for (int pass = 0; pass < 2 && !r->rc; pass++) {
        const struct medsec_json *l = medsec_json_get(ps, pass ? "fixed" : "first_fixed");
        for (size_t i = 0; medsec_json_is(l, MEDSEC_JSON_ARRAY) && i < l->len; i++) {
            const struct csaf_prod *q = csaf_find(t, medsec_json_str(&l->u.items[i]));
            size_t k;
            if (!q || !q->family || !q->version || medsec_idmap_find(&fm->map, q->family, &k))
                continue;
            if (MEDSEC_ARRAY_GROW(fm->v, fm->n, fm->cap) != MEDSEC_OK) {
                oom(r);
                return;
            }
            fm->v[fm->n] = q;
            if (medsec_idmap_add(&fm->map, fm->n) != MEDSEC_OK) {
                oom(r);
                return;
            }
            fm->n++;
        }
    }
}

struct csaf_vuln {
    const struct csaf_tree *t;
    const struct medsec_json *vu;
    size_t vi;
    const char *const *ids;
    size_t nids;
    const struct cover *c;
    const struct fixed_map *fm;
};

static void csaf_statement(struct rd *r, const struct csaf_vuln *cv, const struct medsec_json *pidv,
                           int state)
{
    const char *pid = pidv->u.str;
    char f[96];
    size_t ci;
    const struct cover_entry *ce = medsec_idmap_find(&cv->c->map, pid, &ci) ? &cv->c->v[ci] : NULL;
    enum medsec_vex_justification j = MEDSEC_VEX_UNSTATED;
    if (ce && ce->flag >= 0) {
        const struct medsec_json *fl = &medsec_json_get(cv->vu, "flags")->u.items[(size_t)ce->flag];
        if (!parse_justification(medsec_json_str(medsec_json_get(fl, "label")), &j))
            return; /* said once, at the flag */
    }
    const struct csaf_prod *p = csaf_find(cv->t, pid);
    struct medsec_vex_statement *s = add(r, pidv);
    if (!s)
        return;
    s->vuln = cv->ids[0];
    s->aliases = cv->ids + 1;
    s->naliases = cv->nids - 1;
    s->state = (enum medsec_vex_state)state;
    s->justification = j;
    if (p) {
        s->product = keep(r, p->purl ? p->purl : p->cpe);
        s->product_name = keep(r, p->name);
        s->product_version = keep(r, p->version);
        s->product_range = keep(r, p->range);
        s->parent = keep(r, p->parent);
    } else {
        snprintf(f, sizeof f, "vulnerabilities[%zu].product_status", cv->vi);
        warnf(r, pidv, f, "product id '%s' is not in the product_tree; kept as the product name",
              pid);
        s->product_name = keep(r, pid);
    }
    long threat = cv->c->threat_all;
    if (ce && ce->threat >= 0 && (threat < 0 || ce->threat < threat))
        threat = ce->threat;
    if (threat >= 0)
        s->detail =
            keep(r, medsec_json_get_str(
                        &medsec_json_get(cv->vu, "threats")->u.items[(size_t)threat], "details"));
    if (ce) {
        s->responses = ce->responses;
        if (ce->action >= 0)
            s->action =
                keep(r, medsec_json_get_str(
                            &medsec_json_get(cv->vu, "remediations")->u.items[(size_t)ce->action],
                            "details"));
        size_t k;
        if (ce->vendor_fix && p && p->family && medsec_idmap_find(&cv->fm->map, p->family, &k) &&
            cv->fm->v[k] != p)
            s->fixed_in = keep(r, cv->fm->v[k]->version);
    }
}

static medsec_err read_csaf(struct rd *r, const struct medsec_json *root)
{
    struct medsec_vex_doc *d = r->doc;
    const struct medsec_json *doc = medsec_json_get(root, "document");
    const struct medsec_json *tr = medsec_json_get(doc, "tracking");
    d->format = MEDSEC_VEX_CSAF;
    d->id = keep(r, medsec_json_get_str(tr, "id"));
    d->author = keep(r, medsec_json_get_str(medsec_json_get(doc, "publisher"), "name"));
    d->timestamp = keep(r, medsec_json_get_str(tr, "current_release_date"));
    const struct medsec_json *vulns = medsec_json_get(root, "vulnerabilities");
    if (!vulns)
        return r->rc;
    if (vulns->type != MEDSEC_JSON_ARRAY)
        return failf(r, vulns, MEDSEC_EINVAL, "vulnerabilities: expected a list, found %s",
                     medsec_json_type_name(vulns->type));
    const struct medsec_json *pt = medsec_json_get(root, "product_tree");
    struct csaf_tree t = {0};
    medsec_idmap_init(&t.map, csaf_prod_key, &t);
    csaf_tree_read(r, &t, pt);
    struct csaf_groups g = {medsec_json_get(pt, "product_groups"), {0}};
    medsec_idmap_init(&g.map, group_key, &g);
    if (!medsec_json_is(g.arr, MEDSEC_JSON_ARRAY))
        g.arr = NULL;
    for (size_t i = 0; g.arr && i < g.arr->len && !r->rc; i++) {
        size_t k;
        const char *gid = medsec_json_get_str(&g.arr->u.items[i], "group_id");
        if (gid && !medsec_idmap_find(&g.map, gid, &k) && medsec_idmap_add(&g.map, i) != MEDSEC_OK)
            oom(r);
    }
    struct pidlist l = {0};
    char f[96];
    for (size_t i = 0; i < vulns->len && !r->rc; i++) {
        const struct medsec_json *vu = &vulns->u.items[i];
        const char *ids[65];
        size_t nids = 0;
        const char *cve = medsec_json_get_str(vu, "cve");
        if (cve && *cve)
            ids[nids++] = cve;
        const struct medsec_json *idv = medsec_json_get(vu, "ids");
        for (size_t k = 0; medsec_json_is(idv, MEDSEC_JSON_ARRAY) && k < idv->len && nids < 65;
             k++) {
            const char *x = medsec_json_get_str(&idv->u.items[k], "text");
            if (x && *x)
                ids[nids++] = x;
        }
        const struct medsec_json *ps = medsec_json_get(vu, "product_status");
        if (!ps)
            continue; /* no statement about any product */
        snprintf(f, sizeof f, "vulnerabilities[%zu].product_status", i);
        if (ps->type != MEDSEC_JSON_OBJECT) {
            warnf(r, ps, f, "expected an object; skipped");
            continue;
        }
        if (!nids) {
            snprintf(f, sizeof f, "vulnerabilities[%zu]", i);
            warnf(r, vu, f, "no cve and no ids: its statements are skipped");
            continue;
        }
        const char *const *kids;
        size_t nk;
        keep_list(r, ids, nids, &kids, &nk);
        struct cover c = {0};
        struct fixed_map fm = {0};
        medsec_idmap_init(&c.map, cover_key, &c);
        medsec_idmap_init(&fm.map, fixed_key, &fm);
        c.threat_all = -1;
        if (!r->rc)
            cover_read(r, &c, &g, vu, i, &l);
        if (!r->rc)
            fixed_read(r, &fm, &t, ps);
        struct csaf_vuln cv = {&t, vu, i, kids, nk, &c, &fm};
        for (size_t m = 0; m < ps->len && !r->rc; m++) {
            const struct medsec_json_member *mem = &ps->u.members[m];
            int st;
            snprintf(f, sizeof f, "vulnerabilities[%zu].product_status.%.40s", i, mem->key);
            if (!parse_word(csaf_status, NCSAF_STATUS, mem->key, &st)) {
                warnf(r, &mem->value, f, "not a CSAF product status; its statements are skipped");
                continue;
            }
            if (csaf_state[st] < 0)
                continue; /* recommended: advice, not a status */
            if (mem->value.type != MEDSEC_JSON_ARRAY) {
                warnf(r, &mem->value, f, "expected a list of product ids; skipped");
                continue;
            }
            for (size_t k = 0; k < mem->value.len && !r->rc; k++) {
                const struct medsec_json *pidv = &mem->value.u.items[k];
                if (!medsec_json_str(pidv)) {
                    warnf(r, pidv, f, "a product id must be a string; skipped");
                    continue;
                }
                csaf_statement(r, &cv, pidv, csaf_state[st]);
            }
        }
        medsec_idmap_release(&c.map);
        medsec_free(c.v);
        medsec_idmap_release(&fm.map);
        medsec_free(fm.v);
    }
    medsec_free(l.v);
    medsec_idmap_release(&g.map);
    medsec_idmap_release(&t.map);
    medsec_free(t.v);
    return r->rc;
}

/* ---- entry -------------------------------------------------------------------------------- */

/* The @context naming OpenVEX: a string, or one of a JSON-LD list of them; NULL when none does. */
static const char *openvex_context(const struct medsec_json *c)
{
    const char *s = medsec_json_str(c);
    if (s)
        return strstr(s, "openvex") ? s : NULL;
    for (size_t i = 0; medsec_json_is(c, MEDSEC_JSON_ARRAY) && i < c->len; i++)
        if ((s = medsec_json_str(&c->u.items[i])) && strstr(s, "openvex"))
            return s;
    return NULL;
}

medsec_err medsec_vex_read(const char *path, const char *buf, size_t len,
                           struct medsec_vex_doc *out, struct medsec_diags *warnings,
                           struct medsec_error *err)
{
    medsec_vex_doc_init(out);
    medsec_error_clear(err);
    if (len > MEDSEC_VEX_MAX_BYTES)
        return medsec_error_set(err, MEDSEC_ETOOBIG, path, 0, 0,
                                "VEX document of %zu bytes exceeds the cap of %zu bytes", len,
                                (size_t)MEDSEC_VEX_MAX_BYTES);
    struct medsec_json_limits lim = {MEDSEC_VEX_MAX_BYTES, 64, 0};
    struct rd r = {path, NULL, out, warnings, err, MEDSEC_OK, 0, 0, 1};
    medsec_err rc = medsec_json_parse(buf, len, &lim, path, &r.jd, err);
    if (rc != MEDSEC_OK)
        return rc;
    const struct medsec_json *root = r.jd->root;
    if (root->type != MEDSEC_JSON_OBJECT) {
        failf(&r, root, MEDSEC_EUNSUPPORTED, "not a VEX document: expected a JSON object, found %s",
              medsec_json_type_name(root->type));
        goto out_free;
    }
    const char *bf = medsec_json_get_str(root, "bomFormat");
    const char *ctx = openvex_context(medsec_json_get(root, "@context"));
    const struct medsec_json *docv = medsec_json_get(root, "document");
    const struct medsec_json *catv = medsec_json_get(docv, "category");
    const char *cat = medsec_json_str(catv);
    if (bf && strcmp(bf, "CycloneDX") == 0)
        read_cyclonedx(&r, root);
    else if (ctx)
        read_openvex(&r, root);
    else if (cat && (strcmp(cat, "csaf_vex") == 0 || strcmp(cat, "csaf_security_advisory") == 0))
        read_csaf(&r, root);
    else if (cat)
        failf(&r, catv, MEDSEC_EUNSUPPORTED,
              "document.category '%s' carries no VEX statements (expected csaf_vex or "
              "csaf_security_advisory)",
              cat);
    else
        failf(&r, root, MEDSEC_EUNSUPPORTED,
              "not a VEX document: no bomFormat \"CycloneDX\", no OpenVEX @context and no CSAF "
              "document.category");
out_free:
    medsec_json_doc_free(r.jd);
    if (r.rc) {
        medsec_vex_doc_release(out);
        medsec_vex_doc_init(out);
    }
    return r.rc;
}

medsec_err medsec_vex_load(const char *path, struct medsec_vex_doc *out,
                           struct medsec_diags *warnings, struct medsec_error *err)
{
    char *text = NULL;
    size_t len = 0;
    medsec_vex_doc_init(out);
    medsec_err rc = medsec_file_read(path, MEDSEC_VEX_MAX_BYTES, &text, &len, err);
    if (rc == MEDSEC_OK)
        rc = medsec_vex_read(path, text, len, out, warnings, err);
    medsec_free(text);
    return rc;
}

static bool same_id(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'a' && *a <= 'z' ? (char)(*a - 32) : *a;
        char y = *b >= 'a' && *b <= 'z' ? (char)(*b - 32) : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

bool medsec_vex_statement_names(const struct medsec_vex_statement *s, const char *vuln)
{
    if (!s || !vuln)
        return false;
    if (s->vuln && same_id(s->vuln, vuln))
        return true;
    for (size_t i = 0; i < s->naliases; i++)
        if (s->aliases[i] && same_id(s->aliases[i], vuln))
            return true;
    return false;
}
