/* vex.c: the VEX statements of one release of a device (medsec/device_vex.h): the security file's
 * assessment, the scan's findings, and the decisions a caller supplies, one statement per
 * vulnerability and component, with every string copied into the document. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/ctx.h"
#include "medsec/cvss.h"
#include "medsec/device_vex.h"

struct builder {
    struct medsec_vex_doc *doc;
    const struct medsec_model *m;
    const char *version;
};

static const char *dup(struct builder *b, const char *s)
{
    return s ? medsec_arena_strdup(&b->doc->arena, s) : NULL;
}

/* The component's identifier: purl, else its first CPE, else NULL. */
static const char *component_id(const struct medsec_sbom_component *c)
{
    return c->purl ? c->purl : c->ncpes ? c->cpes[0] : NULL;
}

static bool same_component(const struct medsec_vex_statement *s,
                           const struct medsec_sbom_component *c)
{
    const char *id = component_id(c);
    if (id || s->product)
        return id && s->product && !strcmp(id, s->product);
    return s->product_name && c->name && !strcmp(s->product_name, c->name) &&
           ((!s->product_version && !c->version) ||
            (s->product_version && c->version && !strcmp(s->product_version, c->version)));
}

/* The statement already made about @vuln (or one of @aliases) in component @c, or NULL. */
static struct medsec_vex_statement *find(struct builder *b, const char *vuln,
                                         const char *const *aliases, size_t naliases,
                                         const struct medsec_sbom_component *c)
{
    for (size_t i = 0; i < b->doc->n; i++) {
        struct medsec_vex_statement *s = &b->doc->v[i];
        bool same = !strcmp(s->vuln, vuln);
        for (size_t k = 0; k < naliases && !same; k++)
            same = !strcmp(s->vuln, aliases[k]);
        for (size_t k = 0; k < s->naliases && !same; k++)
            same = !strcmp(s->aliases[k], vuln);
        if (same && same_component(s, c))
            return s;
    }
    return NULL;
}

static medsec_err set_component(struct builder *b, struct medsec_vex_statement *s,
                                const struct medsec_sbom_component *c)
{
    s->product = dup(b, component_id(c));
    s->product_name = dup(b, c->name);
    s->product_version = dup(b, c->version);
    s->release = dup(b, b->version);
    s->product_type = dup(b, c->type);
    if ((component_id(c) && !s->product) || (c->name && !s->product_name) ||
        (c->version && !s->product_version) || !s->release || (c->type && !s->product_type))
        return MEDSEC_ENOMEM;
    return MEDSEC_OK;
}

/* The file's assessment on statement @s: state, justification, detail, the file's CVSS. */
static medsec_err assess(struct builder *b, struct medsec_vex_statement *s,
                         const struct medsec_model_vulnerability *vu)
{
    switch (vu->status) {
    case MEDSEC_VULN_AFFECTED: s->state = MEDSEC_VEX_EXPLOITABLE; break;
    case MEDSEC_VULN_NOT_AFFECTED: s->state = MEDSEC_VEX_NOT_AFFECTED; break;
    case MEDSEC_VULN_FIXED: s->state = MEDSEC_VEX_RESOLVED; break;
    case MEDSEC_VULN_UNDER_INVESTIGATION:
    case MEDSEC_VULN_STATUS_COUNT: s->state = MEDSEC_VEX_IN_TRIAGE; break;
    }
    s->justification =
        vu->status == MEDSEC_VULN_NOT_AFFECTED ? vu->justification : MEDSEC_VEX_UNSTATED;
    s->cdx_justification = MEDSEC_CDX_UNSTATED;
    s->detail = dup(b, vu->rationale);
    const char *what = vu->title ? vu->title : vu->description;
    if (what && !(s->description = dup(b, what)))
        return MEDSEC_ENOMEM;
    s->author = dup(b, b->m->device.manufacturer);
    s->origin = MEDSEC_VEX_BY_MANUFACTURER;
    if ((vu->rationale && !s->detail) || (b->m->device.manufacturer && !s->author))
        return MEDSEC_ENOMEM;
    const char *vector = vu->cvss ? vu->cvss->vector : vu->cvss_vector;
    struct medsec_cvss cv;
    if (vector && medsec_cvss_parse(vector, &cv, NULL) == MEDSEC_OK) {
        struct medsec_cvss_scores sc;
        medsec_cvss_score(&cv, &sc);
        s->cvss_vector = dup(b, vector);
        s->cvss_version = medsec_cvss_version_name(cv.version);
        s->cvss_score = sc.base;
        s->cvss_source = vu->cvss ? "security file (MITRE rubric)" : "security file";
        if (!s->cvss_vector)
            return MEDSEC_ENOMEM;
    }
    return MEDSEC_OK;
}

/* Every entry of `vulnerabilities:` on each of its components in the release's SBOMs. */
static medsec_err from_file(struct builder *b, const struct medsec_sbom *const *sboms, size_t ns)
{
    const struct medsec_model *m = b->m;
    for (size_t k = 0; k < m->nvulnerabilities; k++) {
        const struct medsec_model_vulnerability *vu = &m->vulnerabilities[k];
        for (size_t r = 0; r < vu->components.n; r++)
            for (size_t i = 0; i < ns; i++) {
                const struct medsec_sbom_component *c =
                    medsec_sbom_find(sboms[i], vu->components.v[r]);
                if (!c || find(b, vu->id, NULL, 0, c))
                    continue;
                struct medsec_vex_statement s;
                memset(&s, 0, sizeof s);
                s.vuln = dup(b, vu->id);
                medsec_err rc;
                if (!s.vuln)
                    return MEDSEC_ENOMEM;
                if ((rc = set_component(b, &s, c)) || (rc = assess(b, &s, vu)) ||
                    (rc = medsec_vex_doc_add(b->doc, &s)))
                    return rc;
            }
    }
    return MEDSEC_OK;
}

/* The file's entry for @id or one of its aliases (what the scan plan applied). */
static const struct medsec_model_vulnerability *file_entry(const struct medsec_model *m,
                                                           const struct medsec_scan_vuln *v)
{
    const struct medsec_model_vulnerability *vu = medsec_model_find_vulnerability(m, v->id);
    for (size_t a = 0; a < v->naliases && !vu; a++)
        vu = medsec_model_find_vulnerability(m, v->aliases[a]);
    return vu;
}

static medsec_err from_finding(struct builder *b, const struct medsec_sbom *sbom,
                               const struct medsec_scan_finding *f,
                               const struct medsec_model_vulnerability *vu)
{
    const struct medsec_sbom_component *c = &sbom->components[f->component];
    const struct medsec_scan_vuln *v = f->vuln;
    if (find(b, v->id, v->aliases, v->naliases, c))
        return MEDSEC_OK;
    struct medsec_vex_statement s;
    memset(&s, 0, sizeof s);
    s.vuln = dup(b, v->id);
    if (!s.vuln)
        return MEDSEC_ENOMEM;
    if (v->naliases) {
        const char **al = medsec_arena_alloc(&b->doc->arena, v->naliases * sizeof *al);
        if (!al)
            return MEDSEC_ENOMEM;
        for (size_t k = 0; k < v->naliases; k++)
            if (!(al[k] = dup(b, v->aliases[k])))
                return MEDSEC_ENOMEM;
        s.aliases = al;
        s.naliases = v->naliases;
    }
    medsec_err rc;
    if ((rc = set_component(b, &s, c)))
        return rc;
    if (v->cvss_vector && v->cvss_score >= 0) {
        s.cvss_vector = dup(b, v->cvss_vector);
        s.cvss_version = dup(b, v->cvss_version);
        s.cvss_source = dup(b, v->cvss_source);
        s.cvss_score = v->cvss_score;
        if (!s.cvss_vector)
            return MEDSEC_ENOMEM;
    }
    if (f->nfixed && !(s.component_fix = dup(b, f->fixed[0])))
        return MEDSEC_ENOMEM;
    if (v->summary && !(s.description = dup(b, v->summary)))
        return MEDSEC_ENOMEM;
    s.state = MEDSEC_VEX_IN_TRIAGE;
    s.origin = MEDSEC_VEX_BY_MANUFACTURER;
    if (vu) {
        /* the file's assessment as the scan applied it; the scan's score stays when it has one */
        struct medsec_vex_statement keep = s;
        if ((rc = assess(b, &s, vu)))
            return rc;
        if (!s.description)
            s.description = keep.description;
        if (keep.cvss_vector) {
            s.cvss_vector = keep.cvss_vector;
            s.cvss_version = keep.cvss_version;
            s.cvss_source = keep.cvss_source;
            s.cvss_score = keep.cvss_score;
        }
    }
    return medsec_vex_doc_add(b->doc, &s);
}

static medsec_err from_plan(struct builder *b, const struct medsec_scan_plan *plan)
{
    for (size_t t = 0; t < medsec_scan_plan_count(plan); t++) {
        const struct medsec_scan_target *tg = medsec_scan_plan_target(plan, t);
        if (!tg->version || strcmp(tg->version, b->version))
            continue;
        medsec_err rc;
        for (size_t k = 0; k < tg->nassessed; k++) {
            const struct medsec_scan_assessed *a = &tg->assessed[k];
            /* the finding itself is gone from the result: state it from the file */
            struct medsec_scan_vuln v = {.id = a->id, .cvss_score = -1};
            struct medsec_scan_finding f = {.component = a->component, .vuln = &v};
            if ((rc = from_finding(b, tg->sbom, &f, a->assessment)))
                return rc;
        }
        for (size_t k = 0; k < tg->result.nfindings; k++) {
            const struct medsec_scan_finding *f = &tg->result.findings[k];
            const char *src = f->vuln->cvss_source;
            bool by_file = src && !strncmp(src, "security file", 13);
            if ((rc = from_finding(b, tg->sbom, f, by_file ? file_entry(b->m, f->vuln) : NULL)))
                return rc;
        }
    }
    return MEDSEC_OK;
}

/* Let @decide speak on every statement; its answer wins. */
static medsec_err apply_decisions(struct builder *b, medsec_vex_decide_fn decide, void *ud)
{
    for (size_t i = 0; i < b->doc->n; i++) {
        struct medsec_vex_statement *s = &b->doc->v[i];
        const struct medsec_vex_statement *x = decide(ud, s->vuln, s->product, b->version);
        for (size_t k = 0; k < s->naliases && !x; k++)
            x = decide(ud, s->aliases[k], s->product, b->version);
        if (!x)
            continue;
        s->state = x->state;
        s->cdx_justification = x->cdx_justification;
        s->justification = x->justification;
        s->responses = x->responses;
        s->origin = x->origin;
        if (!(s->detail = dup(b, x->detail)) && x->detail)
            return MEDSEC_ENOMEM;
        if (!(s->action = dup(b, x->action)) && x->action)
            return MEDSEC_ENOMEM;
        if (!(s->fixed_in = dup(b, x->fixed_in)) && x->fixed_in)
            return MEDSEC_ENOMEM;
        if (x->author && !(s->author = dup(b, x->author)))
            return MEDSEC_ENOMEM;
        if (!(s->timestamp = dup(b, x->timestamp)) && x->timestamp)
            return MEDSEC_ENOMEM;
        if (!(s->context_v3 = dup(b, x->context_v3)) && x->context_v3)
            return MEDSEC_ENOMEM;
        if (!(s->context_v4 = dup(b, x->context_v4)) && x->context_v4)
            return MEDSEC_ENOMEM;
    }
    return MEDSEC_OK;
}

/* The statements of release @v into @out (initialised by the caller), from the file, @plan (run,
 * may be NULL) and @decide. */
static medsec_err build(struct medsec_device *d, const struct medsec_scan_plan *plan,
                        const struct medsec_model_version *v, medsec_vex_decide_fn decide, void *ud,
                        struct medsec_vex_doc *out, struct medsec_error *err)
{
    const struct medsec_model *m = medsec_device_model(d);
    struct builder b = {out, m, v->version};
    char stamp[21];
    medsec_ctx_timestamp(medsec_ctx_current(), stamp);
    out->format = MEDSEC_VEX_CYCLONEDX;
    out->product = dup(&b, medsec_device_name(d));
    out->vendor = dup(&b, m->device.manufacturer);
    out->author = out->vendor;
    out->product_version = dup(&b, v->version);
    out->timestamp = dup(&b, stamp);
    if (!out->product || !out->product_version || !out->timestamp ||
        (m->device.manufacturer && !out->vendor))
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    const struct medsec_model_sbom **ms = medsec_malloc((m->nsboms ? m->nsboms : 1) * sizeof *ms);
    const struct medsec_sbom **sboms = medsec_malloc((m->nsboms ? m->nsboms : 1) * sizeof *sboms);
    medsec_err rc = MEDSEC_ENOMEM;
    if (ms && sboms) {
        size_t nms = medsec_model_version_sboms(m, v, ms), ns = 0;
        for (size_t i = 0; i < nms; i++)
            if (ms[i]->sbom)
                sboms[ns++] = ms[i]->sbom;
        if (!(rc = from_file(&b, sboms, ns)) && plan)
            rc = from_plan(&b, plan);
        if (!rc && decide)
            rc = apply_decisions(&b, decide, ud);
    }
    medsec_free(sboms);
    medsec_free(ms);
    if (rc)
        return medsec_error_set(err, rc, NULL, 0, 0, "%s", medsec_strerror(rc));
    return MEDSEC_OK;
}

static bool open_state(enum medsec_vex_state s)
{
    return s == MEDSEC_VEX_EXPLOITABLE || s == MEDSEC_VEX_IN_TRIAGE;
}

/* Is @s still open in @later: a statement of the same vulnerability (by id or alias) that is
 * affected or in triage? */
static bool still_open(const struct medsec_vex_doc *later, const struct medsec_vex_statement *s)
{
    for (size_t i = 0; i < later->n; i++) {
        const struct medsec_vex_statement *t = &later->v[i];
        if (!open_state(t->state))
            continue;
        bool same = !strcmp(t->vuln, s->vuln);
        for (size_t k = 0; k < s->naliases && !same; k++)
            same = !strcmp(t->vuln, s->aliases[k]);
        for (size_t k = 0; k < t->naliases && !same; k++)
            same = !strcmp(t->aliases[k], s->vuln);
        if (same)
            return true;
    }
    return false;
}

static int by_release_date(const void *pa, const void *pb)
{
    const struct medsec_model_version *a = *(const struct medsec_model_version *const *)pa,
                                      *b = *(const struct medsec_model_version *const *)pb;
    return strcmp(a->release_date, b->release_date);
}

/* The fixing release of each affected statement of @out (release @v) that has none: the first
 * release in the field, released after @v, in which no statement of that vulnerability is open
 * (affected or in triage). */
static medsec_err fixing_releases(struct medsec_device *d, const struct medsec_scan_plan *plan,
                                  const struct medsec_model_version *v, medsec_vex_decide_fn decide,
                                  void *ud, struct medsec_vex_doc *out, struct medsec_error *err)
{
    const struct medsec_model *m = medsec_device_model(d);
    if (!v->release_date)
        return MEDSEC_OK;
    const struct medsec_model_version **later =
        medsec_malloc((m->nversions ? m->nversions : 1) * sizeof *later);
    if (!later)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < m->nversions; i++) {
        const struct medsec_model_version *r = &m->versions[i];
        if (r != v && r->in_field != 0 && r->release_date &&
            strcmp(r->release_date, v->release_date) > 0)
            later[n++] = r;
    }
    qsort(later, n, sizeof *later, by_release_date);
    medsec_err rc = MEDSEC_OK;
    for (size_t k = 0; k < n && !rc; k++) {
        struct medsec_vex_doc next;
        medsec_vex_doc_init(&next);
        rc = build(d, plan, later[k], decide, ud, &next, err);
        for (size_t i = 0; i < out->n && !rc; i++) {
            struct medsec_vex_statement *s = &out->v[i];
            if (s->state != MEDSEC_VEX_EXPLOITABLE || s->fixed_in || still_open(&next, s))
                continue;
            if (!(s->fixed_in = medsec_arena_strdup(&out->arena, later[k]->version)))
                rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        }
        medsec_vex_doc_release(&next);
    }
    medsec_free(later);
    return rc;
}

medsec_err medsec_device_vex_plan(struct medsec_device *d, const struct medsec_scan_plan *plan,
                                  const char *version, medsec_vex_decide_fn decide, void *ud,
                                  struct medsec_vex_doc *out, struct medsec_error *err)
{
    medsec_vex_doc_init(out);
    const struct medsec_model *m = medsec_device_model(d);
    const char *want = version ? version : m->device.current_version;
    const struct medsec_model_version *v = want ? medsec_model_find_version(m, want) : NULL;
    if (!v)
        return medsec_error_set(err, MEDSEC_ENOTFOUND, m->file, 0, 0,
                                "version '%s' is not one of the device's versions",
                                want ? want : "(none)");
    medsec_err rc = build(d, plan, v, decide, ud, out, err);
    if (!rc)
        rc = fixing_releases(d, plan, v, decide, ud, out, err);
    return rc;
}

medsec_err medsec_device_vex(struct medsec_device *d, struct medsec_db *db, const char *version,
                             medsec_vex_decide_fn decide, void *ud, struct medsec_vex_doc *out,
                             struct medsec_error *err)
{
    struct medsec_scan_plan *plan = NULL;
    medsec_err rc = MEDSEC_OK;
    if (db && ((rc = medsec_scan_plan_new(medsec_ctx_current(), &plan, err)) ||
               (rc = medsec_scan_plan_add_device(plan, d, NULL, err)) ||
               (rc = medsec_scan_plan_run(plan, db, NULL, NULL, NULL, NULL, err)))) {
        medsec_vex_doc_init(out);
        goto out_free;
    }
    rc = medsec_device_vex_plan(d, plan, version, decide, ud, out, err);
out_free:
    medsec_scan_plan_free(plan);
    return rc;
}
