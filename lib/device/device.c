/* device.c: a device folder as one handle: the security file, its element graph, the threats from
 * the rule catalogs, and the risk register, with or without the vulnerability database. */
#include <stdio.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/device.h"
#include "medsec/device_vex.h"
#include "medsec/file.h"

struct medsec_device {
    const struct medsec_ctx *ctx;
    struct medsec_model *model;
    const char *name;
    struct medsec_tm_graph graph;
    /* threats, generated at the first medsec_device_threats */
    bool have_threats;
    struct medsec_tm_catalog catalog;
    struct medsec_threat_list threats; /* every threat, silenced ones included (for the register) */
    struct medsec_threat_list view;    /* what medsec_device_threats shows: per threat_flags */
    const char *catalogs[2 * MEDSEC_DEVICE_MAX_RULE_FILES + 1]; /* names read, in order */
    char *owned[2 * MEDSEC_DEVICE_MAX_RULE_FILES + 1];          /* the ones joined to the folder */
    size_t ncatalogs;
    const char **rules; /* copies of the caller's extra catalogs */
    size_t nrules;
    unsigned threat_flags;
    /* decisions made outside the security file (the triage file), for the registers with @db */
    medsec_vex_decide_fn decide;
    void *decide_ud;
};

void medsec_device_set_decide(struct medsec_device *d, medsec_vex_decide_fn decide, void *ud)
{
    d->decide = decide;
    d->decide_ud = ud;
}

/* Has a decision outside the security file closed finding @vu in @c of release @version: not
 * affected, a false positive, or fixed? */
static bool decided_closed(const struct medsec_device *d, const struct medsec_scan_vuln *vu,
                           const struct medsec_sbom_component *c, const char *version)
{
    if (!d->decide)
        return false;
    const char *product = c->purl ? c->purl : c->ncpes ? c->cpes[0] : NULL;
    const struct medsec_vex_statement *s = d->decide(d->decide_ud, vu->id, product, version);
    for (size_t k = 0; !s && k < vu->naliases; k++)
        s = d->decide(d->decide_ud, vu->aliases[k], product, version);
    return s && (s->state == MEDSEC_VEX_NOT_AFFECTED || s->state == MEDSEC_VEX_FALSE_POSITIVE ||
                 s->state == MEDSEC_VEX_RESOLVED || s->state == MEDSEC_VEX_RESOLVED_PEDIGREE);
}

static medsec_err nomem(struct medsec_error *err)
{
    return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
}

medsec_err medsec_device_open(const struct medsec_ctx *ctx, const char *dir,
                              const struct medsec_device_opts *opts, struct medsec_device **out,
                              struct medsec_diags *diags, struct medsec_error *err)
{
    const struct medsec_ctx *prev = medsec_ctx_enter(ctx);
    struct medsec_device_opts none = {0};
    medsec_err rc = MEDSEC_OK;
    *out = NULL;
    if (!opts)
        opts = &none;
    if (opts->nrules > MEDSEC_DEVICE_MAX_RULE_FILES) {
        rc = medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "more than %d rule catalogs",
                              MEDSEC_DEVICE_MAX_RULE_FILES);
        goto out_leave;
    }
    struct medsec_device *d = medsec_calloc(1, sizeof *d);
    if (!d) {
        rc = nomem(err);
        goto out_leave;
    }
    d->ctx = ctx;
    d->threat_flags = opts->threat_flags;
    medsec_tm_graph_init(&d->graph);
    medsec_tm_catalog_init(&d->catalog);
    medsec_threat_list_init(&d->threats);
    medsec_threat_list_init(&d->view);
    if (opts->nrules) {
        d->rules = medsec_calloc(opts->nrules, sizeof *d->rules);
        if (!d->rules) {
            rc = nomem(err);
            goto out_close;
        }
        for (size_t i = 0; i < opts->nrules; i++, d->nrules++)
            if (!(d->rules[i] = medsec_strdup(opts->rules[i]))) {
                rc = nomem(err);
                goto out_close;
            }
    }
    /* warnings are `medsec validate`'s business; errors come back in @diags and @err */
    struct medsec_diags own = MEDSEC_DIAGS_INIT;
    rc = medsec_model_load(dir, opts->limits, &d->model, diags ? diags : &own, err);
    medsec_diags_release(&own);
    if (diags)
        medsec_diags_sort(diags);
    if (rc)
        goto out_close;
    const struct medsec_model_device *md = &d->model->device;
    d->name = md->name ? md->name : md->model ? md->model : d->model->dir;
    rc = medsec_tm_from_model(d->model, &d->graph, err);
    if (rc)
        goto out_close;
    *out = d;
    goto out_leave;
out_close:
    medsec_device_close(d);
out_leave:
    medsec_ctx_leave(prev);
    return rc;
}

void medsec_device_close(struct medsec_device *d)
{
    if (!d)
        return;
    const struct medsec_ctx *prev = medsec_ctx_enter(d->ctx);
    for (size_t i = 0; i < d->ncatalogs; i++)
        medsec_free(d->owned[i]);
    for (size_t i = 0; i < d->nrules; i++)
        medsec_free((char *)d->rules[i]);
    medsec_free(d->rules);
    medsec_threat_list_release(&d->threats);
    medsec_threat_list_release(&d->view);
    medsec_tm_catalog_release(&d->catalog);
    medsec_tm_graph_release(&d->graph);
    medsec_model_free(d->model);
    medsec_free(d);
    medsec_ctx_leave(prev);
}

const struct medsec_model *medsec_device_model(const struct medsec_device *d)
{
    return d->model;
}

const char *medsec_device_dir(const struct medsec_device *d)
{
    return d->model->dir;
}

const struct medsec_ctx *medsec_device_ctx(const struct medsec_device *d)
{
    return d->ctx;
}

const char *medsec_device_name(const struct medsec_device *d)
{
    return d->name;
}

const struct medsec_tm_graph *medsec_device_graph(const struct medsec_device *d)
{
    return &d->graph;
}

const struct medsec_tm_catalog *medsec_device_catalog(const struct medsec_device *d)
{
    return &d->catalog;
}

const char *const *medsec_device_catalog_names(const struct medsec_device *d, size_t *n)
{
    *n = d->ncatalogs;
    return d->catalogs;
}

/* A catalog the security file names, @rel in the device folder @dir: read where it resolves inside
 * the folder (one that leads out of it is refused unopened, docs/security-file.md), named @name. */
static medsec_err load_rule_file(struct medsec_tm_catalog *c, const char *dir, const char *rel,
                                 const char *name, struct medsec_error *err)
{
    char *text = NULL;
    size_t len = 0;
    medsec_err rc = medsec_file_read_in(dir, rel, MEDSEC_TM_MAX_CATALOG_BYTES, &text, &len, err);
    if (!rc)
        rc = medsec_tm_catalog_load(c, text, len, name, err);
    medsec_free(text);
    return rc;
}

/* The built-in catalog, the file's `threat_rules` (relative to the folder), the caller's. */
static medsec_err load_catalogs(struct medsec_device *d, struct medsec_error *err)
{
    medsec_err rc = medsec_tm_catalog_load_default(&d->catalog, err);
    if (rc)
        return rc;
    d->catalogs[d->ncatalogs++] = "rules/threats.yaml";
    const struct medsec_strlist *extra = &d->model->threat_rules;
    for (size_t i = 0; i < extra->n; i++) {
        if (d->ncatalogs >= MEDSEC_DEVICE_MAX_RULE_FILES)
            return medsec_error_set(err, MEDSEC_ETOOBIG, d->model->file, 0, 0,
                                    "more than %d threat_rules", MEDSEC_DEVICE_MAX_RULE_FILES - 1);
        char *path = medsec_path_join(d->model->dir, extra->v[i]);
        if (!path)
            return nomem(err);
        d->owned[d->ncatalogs] = path;
        d->catalogs[d->ncatalogs++] = path;
        if ((rc = load_rule_file(&d->catalog, d->model->dir, extra->v[i], path, err)))
            return rc;
    }
    for (size_t i = 0; i < d->nrules; i++) {
        d->catalogs[d->ncatalogs++] = d->rules[i];
        if ((rc = medsec_tm_catalog_load_file(&d->catalog, d->rules[i], err)))
            return rc;
    }
    return MEDSEC_OK;
}

/* Generate every threat once (silenced ones too: the register credits controls itself). */
static medsec_err all_threats(struct medsec_device *d, struct medsec_error *err)
{
    if (d->have_threats)
        return MEDSEC_OK;
    /* a failed attempt leaves nothing half-built behind: start again from empty */
    for (size_t i = 0; i < d->ncatalogs; i++)
        medsec_free(d->owned[i]);
    memset(d->owned, 0, sizeof d->owned);
    d->ncatalogs = 0;
    medsec_tm_catalog_release(&d->catalog);
    medsec_threat_list_release(&d->threats);
    medsec_threat_list_release(&d->view);
    medsec_tm_catalog_init(&d->catalog);
    medsec_threat_list_init(&d->threats);
    medsec_threat_list_init(&d->view);
    medsec_err rc;
    if ((rc = load_catalogs(d, err)) ||
        (rc = medsec_threats_generate(&d->graph, &d->catalog, MEDSEC_TM_WITH_MITIGATED, &d->threats,
                                      err)) ||
        (rc = medsec_threats_merge_model(&d->threats, &d->graph, d->model, err)))
        return rc;
    /* the view shares the strings of the full list */
    if (d->threats.n && !(d->view.v = medsec_calloc(d->threats.n, sizeof *d->view.v)))
        return nomem(err);
    for (size_t i = 0; i < d->threats.n; i++)
        if ((d->threat_flags & MEDSEC_TM_WITH_MITIGATED) ||
            d->threats.v[i].status != MEDSEC_TM_MITIGATED)
            d->view.v[d->view.n++] = d->threats.v[i];
    d->view.cap = d->threats.n;
    d->have_threats = true;
    return MEDSEC_OK;
}

medsec_err medsec_device_threats(struct medsec_device *d, const struct medsec_threat_list **out,
                                 struct medsec_error *err)
{
    const struct medsec_ctx *prev = medsec_ctx_enter(d->ctx);
    medsec_err rc = all_threats(d, err);
    *out = rc ? NULL : &d->view;
    medsec_ctx_leave(prev);
    return rc;
}

/* One error for `medsec validate`: @e (from a failure @rc) at its file, line and column, or at the
 * security file when it names none. */
static medsec_err check_failed(struct medsec_device *d, struct medsec_diags *diags,
                               const struct medsec_error *e, medsec_err rc)
{
    if (!diags)
        return MEDSEC_OK;
    return medsec_diags_add(diags, MEDSEC_SEV_ERROR, e->file[0] ? e->file : d->model->file, e->line,
                            e->column, NULL, "%s", e->msg[0] ? e->msg : medsec_strerror(rc));
}

medsec_err medsec_device_check(struct medsec_device *d, struct medsec_diags *diags,
                               struct medsec_error *err)
{
    const struct medsec_ctx *prev = medsec_ctx_enter(d->ctx);
    const struct medsec_strlist *extra = &d->model->threat_rules;
    struct medsec_error e;
    medsec_err rc = MEDSEC_OK, first = MEDSEC_OK;
    size_t bad = 0;
    medsec_error_clear(err);
    /* each catalog alone, so that every broken one is reported, not only the first */
    for (size_t i = 0; i < extra->n + d->nrules; i++) {
        struct medsec_tm_catalog c;
        medsec_tm_catalog_init(&c);
        medsec_error_clear(&e);
        if (i < extra->n) {
            char *name = medsec_path_join(d->model->dir, extra->v[i]);
            rc = name ? load_rule_file(&c, d->model->dir, extra->v[i], name, &e) : nomem(&e);
            medsec_free(name);
        } else {
            rc = medsec_tm_catalog_load_file(&c, d->rules[i - extra->n], &e);
        }
        medsec_tm_catalog_release(&c);
        if (rc && rc != MEDSEC_ENOMEM) {
            first = first ? first : rc;
            bad++;
            rc = check_failed(d, diags, &e, rc);
        }
        if (rc == MEDSEC_ENOMEM)
            goto out_nomem;
    }
    /* together, as `medsec threats` reads them: overrides across catalogs, then the generation */
    const struct medsec_threat_list *threats;
    if (!bad && (rc = medsec_device_threats(d, &threats, &e)) != MEDSEC_OK) {
        if (rc == MEDSEC_ENOMEM)
            goto out_nomem;
        first = rc;
        bad++;
        if ((rc = check_failed(d, diags, &e, rc)))
            goto out_nomem;
    }
    if (diags)
        medsec_diags_sort(diags);
    rc = bad ? medsec_error_set(err, first, d->model->file, 0, 0, "%zu error%s", bad,
                                bad == 1 ? "" : "s")
             : MEDSEC_OK;
    goto out_leave;
out_nomem:
    rc = nomem(err);
out_leave:
    medsec_ctx_leave(prev);
    return rc;
}

/* One risk per finding of the current version's SBOMs (docs/risk.md, "Scan findings"). */
static medsec_err add_findings(struct medsec_device *d, struct medsec_db *db,
                               const struct medsec_model_version *v,
                               struct medsec_risk_register *reg,
                               struct medsec_device_risk_stats *stats, struct medsec_diags *notes,
                               struct medsec_error *err)
{
    const struct medsec_model *m = d->model;
    const struct medsec_model_sbom **set = medsec_calloc(m->nsboms ? m->nsboms : 1, sizeof *set);
    size_t nset = set && v ? medsec_model_version_sboms(m, v, set) : 0;
    struct medsec_scan_result *res = medsec_calloc(nset ? nset : 1, sizeof *res);
    struct medsec_risk_finding *f = NULL;
    struct medsec_scan_opts opts = {0};
    size_t total = 0, done = 0, before = reg->n, decided = 0;
    medsec_err rc = set && res ? MEDSEC_OK : nomem(err);
    for (size_t i = 0; i < nset && !rc; i++) {
        struct medsec_diags matcher =
            MEDSEC_DIAGS_INIT; /* the matcher's warnings are medsec scan's business */
        rc = medsec_scan_sbom(db, set[i]->sbom, &opts, &res[i], &matcher, err);
        medsec_diags_release(&matcher);
        total += res[i].nfindings;
    }
    if (!rc && !(f = medsec_calloc(total ? total : 1, sizeof *f)))
        rc = nomem(err);
    for (size_t i = 0; i < nset && !rc; i++)
        for (size_t k = 0; k < res[i].nfindings; k++) {
            const struct medsec_scan_finding *sf = &res[i].findings[k];
            const struct medsec_scan_vuln *vu = sf->vuln;
            const struct medsec_sbom_component *c = &set[i]->sbom->components[sf->component];
            if (decided_closed(d, vu, c, v->version)) {
                decided++;
                continue;
            }
            f[done++] = (struct medsec_risk_finding){
                .id = vu->id,
                .aliases = (const char *const *)vu->aliases,
                .naliases = vu->naliases,
                .sbom = set[i]->path,
                .component = c->ref,
                .component_name = c->name,
                .component_version = c->version,
                .cvss_vector = vu->cvss_score >= 0 ? vu->cvss_vector : NULL,
                .kev = vu->kev,
                .epss = vu->has_epss ? vu->epss : -1,
                .summary = vu->summary,
                .fixed = (const char *const *)sf->fixed,
                .nfixed = sf->nfixed,
            };
        }
    size_t assessed = 0;
    if (!rc)
        rc = medsec_risk_add_findings(reg, m, f, done, 0, &assessed, notes, err);
    if (!rc && stats)
        *stats = (struct medsec_device_risk_stats){v ? v->version : NULL, nset,     done + decided,
                                                   reg->n - before,       assessed, decided};
    medsec_free(f);
    for (size_t i = 0; res && i < nset; i++)
        medsec_scan_result_release(&res[i]);
    medsec_free(res);
    medsec_free(set);
    return rc;
}

medsec_err medsec_device_risks(struct medsec_device *d, struct medsec_db *db, const char *version,
                               struct medsec_risk_register *out,
                               struct medsec_device_risk_stats *stats, struct medsec_diags *notes,
                               struct medsec_error *err)
{
    memset(out, 0, sizeof *out);
    if (stats)
        memset(stats, 0, sizeof *stats);
    const struct medsec_model *m = d->model;
    const char *want = version ? version : m->device.current_version;
    const struct medsec_model_version *v = want ? medsec_model_find_version(m, want) : NULL;
    if (version && !v)
        return medsec_error_set(err, MEDSEC_ENOTFOUND, m->file, 0, 0,
                                "version %s is not in the security file's versions", version);
    const struct medsec_ctx *prev = medsec_ctx_enter(d->ctx);
    medsec_err rc = all_threats(d, err);
    if (!rc && !(rc = medsec_risk_register_from_model(out, m, err)) && want &&
        !(out->version = medsec_arena_strdup(&out->arena, want)))
        rc = nomem(err);
    if (!rc && !(rc = medsec_risk_from_model(out, m, &d->graph, &d->threats, notes, err)) && db &&
        v)
        rc = add_findings(d, db, v, out, stats, notes, err);
    medsec_ctx_leave(prev);
    return rc;
}

/* The components of release @v past their end of support, as text. */
static medsec_err ended_components(const struct medsec_model *m,
                                   const struct medsec_model_version *v, const char *today,
                                   struct medsec_risk_version *out)
{
    size_t n = medsec_model_release_support(m, v, NULL, 0);
    const struct medsec_model_component_support **cs = medsec_calloc(n ? n : 1, sizeof *cs);
    char **text = medsec_calloc(n ? n : 1, sizeof *text);
    if (!cs || !text) {
        medsec_free(cs);
        medsec_free(text);
        return MEDSEC_ENOMEM;
    }
    medsec_model_release_support(m, v, cs, n);
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        if (!medsec_model_component_ended(cs[i], today))
            continue;
        const char *name = NULL, *ver = NULL;
        for (size_t k = 0; k < m->nsboms && !name; k++)
            if (m->sboms[k].path && m->sboms[k].sbom && !strcmp(m->sboms[k].path, cs[i]->sbom))
                for (size_t c = 0; c < m->sboms[k].sbom->ncomponents; c++)
                    if (m->sboms[k].sbom->components[c].ref &&
                        !strcmp(m->sboms[k].sbom->components[c].ref, cs[i]->component)) {
                        name = m->sboms[k].sbom->components[c].name;
                        ver = m->sboms[k].sbom->components[c].version;
                        break;
                    }
        size_t len = strlen(cs[i]->component) + strlen(cs[i]->end_of_support) + 64 +
                     (name ? strlen(name) : 0) + (ver ? strlen(ver) : 0);
        char *t = medsec_malloc(len);
        if (!t) {
            rc = MEDSEC_ENOMEM;
            break;
        }
        if (name)
            snprintf(t, len, "%s%s%s (%s), ended %s", name, ver ? " " : "", ver ? ver : "",
                     cs[i]->component, cs[i]->end_of_support);
        else
            snprintf(t, len, "%s, ended %s", cs[i]->component, cs[i]->end_of_support);
        text[out->nended++] = t;
    }
    out->ended = (const char *const *)text;
    medsec_free(cs);
    return rc;
}

medsec_err medsec_device_versions(struct medsec_device *d, struct medsec_db *db, const char *today,
                                  struct medsec_risk_version **out, size_t *n,
                                  struct medsec_error *err)
{
    const struct medsec_model *m = d->model;
    *out = NULL;
    *n = 0;
    struct medsec_risk_version *v = medsec_calloc(m->nversions ? m->nversions : 1, sizeof *v);
    if (!v)
        return nomem(err);
    medsec_err rc = MEDSEC_OK;
    size_t k = 0;
    for (size_t i = 0; i < m->nversions && !rc; i++) {
        const struct medsec_model_version *mv = &m->versions[i];
        if (mv->in_field == 0)
            continue;
        struct medsec_risk_register reg;
        struct medsec_risk_version *r = &v[k++];
        r->version = mv->version;
        r->support = medsec_support_level_name(mv->support);
        r->end_of_support = mv->end_of_support;
        r->current = m->device.current_version && mv->version &&
                     !strcmp(m->device.current_version, mv->version);
        rc = medsec_device_risks(d, db, mv->version, &reg, NULL, NULL, err);
        if (!rc) {
            r->risks = reg.n;
            r->above_initial = medsec_risk_register_unacceptable_initial(&reg);
            r->above = medsec_risk_register_unacceptable(&reg);
            r->unjustified = medsec_risk_register_unjustified(&reg);
        }
        medsec_risk_register_release(&reg);
        const struct medsec_ctx *prev = medsec_ctx_enter(d->ctx);
        if (!rc && ended_components(m, mv, today, r))
            rc = nomem(err);
        medsec_ctx_leave(prev);
    }
    if (rc) {
        medsec_device_versions_free(v, k);
        return rc;
    }
    *out = v;
    *n = k;
    return MEDSEC_OK;
}

void medsec_device_versions_free(struct medsec_risk_version *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        for (size_t k = 0; k < v[i].nended; k++)
            medsec_free((char *)v[i].ended[k]);
        medsec_free((void *)v[i].ended);
    }
    medsec_free(v);
}
