/* scan.c: the matcher's driver (medsec/scan.h): each component through the purl, CPE and product
 * paths, findings merged per component and vulnerability, then sorted; the result's release. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "scan_int.h"

const char *medsec_scan_method_name(enum medsec_scan_method m)
{
    switch (m) {
    case MEDSEC_SCAN_BY_PURL: return "purl";
    case MEDSEC_SCAN_BY_CPE: return "cpe";
    case MEDSEC_SCAN_BY_PRODUCT: return "product";
    case MEDSEC_SCAN_BY_DERIVED_CPE: return "cpe-derived";
    }
    return "?";
}

bool medsec_scan_method_parse(const char *name, enum medsec_scan_method *out)
{
    static const enum medsec_scan_method all[] = {MEDSEC_SCAN_BY_PURL, MEDSEC_SCAN_BY_CPE,
                                                  MEDSEC_SCAN_BY_PRODUCT,
                                                  MEDSEC_SCAN_BY_DERIVED_CPE};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(name, medsec_scan_method_name(all[i])) == 0) {
            *out = all[i];
            return true;
        }
    return false;
}

unsigned medsec_scan_method_skip_flag(enum medsec_scan_method m)
{
    return m == MEDSEC_SCAN_BY_PURL          ? MEDSEC_SCAN_NO_PURL
           : m == MEDSEC_SCAN_BY_CPE         ? MEDSEC_SCAN_NO_CPE
           : m == MEDSEC_SCAN_BY_DERIVED_CPE ? MEDSEC_SCAN_NO_DERIVED_CPE
                                             : MEDSEC_SCAN_NO_PRODUCT;
}

medsec_err scan_nomem(struct scan *S)
{
    if (!S->rc)
        S->rc = medsec_error_set(S->err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    return S->rc;
}

const char *scan_strdup(struct scan *S, const char *s)
{
    if (!s)
        return NULL;
    const char *d = medsec_arena_strdup(&S->res->arena, s);
    if (!d)
        scan_nomem(S);
    return d;
}

void scan_note(struct scan *S, enum medsec_severity sev, size_t comp, const char *fmt, ...)
{
    if (!S->notes)
        return;
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    const struct medsec_sbom_component *c = &S->sbom->components[comp];
    if (medsec_diags_add(S->notes, sev, S->sbom->path, c->line, c->column, c->ref, "%s", tmp))
        scan_nomem(S);
}

/* ---- findings ---- */

struct medsec_scan_finding *scan_finding_for(struct scan *S, const char *id)
{
    struct medsec_scan_result *R = S->res;
    const struct medsec_scan_vuln *v = scan_vuln_for(S, id);
    if (!v)
        return NULL;
    /* one record per identity: the same record is the same vulnerability */
    for (size_t i = S->comp_first; i < R->nfindings; i++)
        if (R->findings[i].vuln == v)
            return &R->findings[i];
    if (MEDSEC_ARRAY_GROW(R->findings, R->nfindings, S->cap_findings)) {
        scan_nomem(S);
        return NULL;
    }
    struct medsec_scan_finding *f = &R->findings[R->nfindings++];
    memset(f, 0, sizeof *f);
    f->component = S->comp;
    f->vuln = v;
    f->review = true;
    return f;
}

void scan_add_fixed(struct scan *S, struct medsec_scan_finding *f, const char *v, size_t n)
{
    if (!v || !n)
        return;
    for (size_t i = 0; i < f->nfixed; i++)
        if (strlen(f->fixed[i]) == n && memcmp(f->fixed[i], v, n) == 0)
            return;
    const char **a = medsec_arena_alloc(&S->res->arena, (f->nfixed + 1) * sizeof *a);
    const char *d = medsec_arena_strndup(&S->res->arena, v, n);
    if (!a || !d) {
        scan_nomem(S);
        return;
    }
    if (f->nfixed)
        memcpy(a, f->fixed, f->nfixed * sizeof *a);
    a[f->nfixed++] = d;
    f->fixed = a;
}

void scan_add_match(struct scan *S, struct medsec_scan_finding *f, enum medsec_scan_method m,
                    const char *source, const char *record, const char *name, const char *key,
                    const char *reason, bool review)
{
    scan_add_match_derived(S, f, m, source, record, name, key, reason, review, NULL, NULL);
}

void scan_add_match_derived(struct scan *S, struct medsec_scan_finding *f,
                            enum medsec_scan_method m, const char *source, const char *record,
                            const char *name, const char *key, const char *reason, bool review,
                            const char *derived_cpe, const char *evidence)
{
    for (size_t i = 0; i < f->nmatches; i++) {
        struct medsec_scan_match *x = &f->matches[i];
        if (x->method == m && strcmp(x->source, source ? source : "") == 0 &&
            strcmp(x->record_id, record ? record : "") == 0 && strcmp(x->key, key ? key : "") == 0)
            return; /* the same advisory through the same key: once */
    }
    struct medsec_scan_match *a = medsec_arena_alloc(&S->res->arena, (f->nmatches + 1) * sizeof *a);
    if (!a) {
        scan_nomem(S);
        return;
    }
    if (f->nmatches)
        memcpy(a, f->matches, f->nmatches * sizeof *a);
    a[f->nmatches] = (struct medsec_scan_match){m,
                                                scan_strdup(S, source ? source : ""),
                                                scan_strdup(S, record ? record : ""),
                                                scan_strdup(S, name),
                                                scan_strdup(S, key ? key : ""),
                                                scan_strdup(S, reason),
                                                review,
                                                scan_strdup(S, derived_cpe),
                                                scan_strdup(S, evidence)};
    f->matches = a;
    f->nmatches++;
    if (!review)
        f->review = false;
}

static int finding_cmp(const void *a, const void *b)
{
    const struct medsec_scan_finding *x = a, *y = b;
    if (x->component != y->component)
        return x->component < y->component ? -1 : 1;
    if (x->review != y->review)
        return x->review ? 1 : -1;
    double sx = x->vuln->cvss_score, sy = y->vuln->cvss_score;
    if (sx != sy)
        return sx > sy ? -1 : 1;
    return strcmp(x->vuln->id, y->vuln->id);
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- driver ---- */

static void scan_component(struct scan *S, size_t i)
{
    const struct medsec_sbom_component *c = &S->sbom->components[i];
    S->comp = i;
    S->comp_first = S->res->nfindings;
    S->purl = NULL;
    struct medsec_purl p;
    memset(&p, 0, sizeof p);
    bool have_purl = false;
    struct medsec_error e2;
    if (c->purl) {
        medsec_err rc = medsec_purl_parse(c->purl, strlen(c->purl), 0, &p, &e2);
        if (rc == MEDSEC_OK)
            have_purl = true;
        else if (rc == MEDSEC_ENOMEM)
            scan_nomem(S);
        else
            scan_note(S, MEDSEC_SEV_WARNING, i,
                      "component '%s': purl '%s' is not valid (%s): not matched by purl",
                      c->name ? c->name : "?", c->purl, e2.msg);
        if (S->rc)
            goto out_release_purl;
    }
    S->version = have_purl && p.version ? p.version : c->version ? c->version : "";
    /* this component's CPEs: a contiguous slice of S->cpes */
    while (S->cpe_cursor < S->ncpes && S->cpes[S->cpe_cursor].comp < i)
        S->cpe_cursor++;
    S->ccpes = &S->cpes[S->cpe_cursor];
    S->nccpes = 0;
    while (S->cpe_cursor + S->nccpes < S->ncpes && S->cpes[S->cpe_cursor + S->nccpes].comp == i)
        S->nccpes++;
    if (have_purl)
        S->res->by_purl++;
    if (S->nccpes && !S->ccpes[0].evidence)
        S->res->by_cpe++;
    if (S->nccpes && S->ccpes[0].evidence)
        S->res->by_derived_cpe++;
    if (!have_purl && !S->nccpes && !c->is_subject) {
        S->res->unidentified++;
        scan_note(
            S, MEDSEC_SEV_WARNING, i,
            "component '%s'%s%s has neither a purl nor a CPE: only CSAF product names can match it",
            c->name ? c->name : "?", c->version ? " " : "", c->version ? c->version : "");
    }
    if (have_purl && !(S->flags & MEDSEC_SCAN_NO_PURL))
        scan_purl_path(S, &p);
    /* a component's CPEs are all its own or all derived (it had none) */
    if (!S->rc && S->nccpes &&
        !(S->flags & (S->ccpes[0].evidence ? MEDSEC_SCAN_NO_DERIVED_CPE : MEDSEC_SCAN_NO_CPE)))
        scan_cpe_path(S);
    if (!S->rc && !(S->flags & MEDSEC_SCAN_NO_PRODUCT) && c->name)
        scan_product_path(S, have_purl ? &p : NULL);
    if (S->res->nfindings > S->comp_first)
        S->res->vulnerable_components++;
    if (!S->rc)
        scan_cover_component(S, i, have_purl ? &p : NULL);
out_release_purl:
    S->purl = NULL;
    medsec_purl_release(&p);
}

medsec_err medsec_scan_sbom(struct medsec_db *db, const struct medsec_sbom *sbom,
                            const struct medsec_scan_opts *opts, struct medsec_scan_result *out,
                            struct medsec_diags *notes, struct medsec_error *err)
{
    memset(out, 0, sizeof *out);
    out->sbom = sbom;
    struct medsec_error local;
    struct scan S = {.db = db,
                     .sbom = sbom,
                     .flags = opts ? opts->flags : 0,
                     .res = out,
                     .notes = notes,
                     .err = err ? err : &local};
    medsec_error_clear(S.err);
    S.rc = medsec_db_coverage(db, &S.dbcov, S.err);
    if (!S.rc && sbom->ncomponents &&
        !(out->cover = medsec_calloc(sbom->ncomponents, sizeof *out->cover)))
        scan_nomem(&S);
    if (!S.rc)
        scan_derive_init(&S, opts ? opts->cpe_map : NULL);
    if (!S.rc && scan_load_cpes(&S) == MEDSEC_OK) {
        for (size_t i = 0; i < sbom->ncomponents && !S.rc; i++) {
            out->components++;
            scan_component(&S, i);
        }
    }
    if (!S.rc)
        scan_cover_finish(&S);
    /* the vulnerabilities' details, once per identity */
    if (!S.rc)
        scan_vuln_details(&S);
    for (size_t i = 0; i < out->nfindings && !S.rc; i++) {
        struct medsec_scan_finding *f = &out->findings[i];
        f->withdrawn |= f->vuln->withdrawn;
        if (f->nfixed > 1)
            qsort(f->fixed, f->nfixed, sizeof *f->fixed, str_cmp);
    }
    if (out->nfindings > 1)
        qsort(out->findings, out->nfindings, sizeof *out->findings, finding_cmp);
    scan_cpe_release(&S);
    scan_derive_release(&S);
    scan_vulns_release(&S);
    return S.rc;
}

void medsec_scan_result_release(struct medsec_scan_result *r)
{
    if (!r)
        return;
    medsec_free(r->findings);
    medsec_free(r->cover);
    medsec_free(r->ecosystems);
    medsec_arena_release(&r->arena);
    memset(r, 0, sizeof *r);
}
