/* diff.c: two releases of a device compared: SBOMs paired, their components and findings
 * matched, the two risk registers set side by side (docs/diff.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/diff.h"

const char *medsec_diff_risk_acceptance(const struct medsec_risk_item *it)
{
    return it->result.residual_acceptable ? "acceptable"
           : it->result.justified         ? "justified"
                                          : "open";
}

static const char *base_name(const char *p)
{
    const char *s = p ? strrchr(p, '/') : NULL;
    return s ? s + 1 : p ? p : "";
}

/* ---- pairing the SBOMs of the two releases ---- */

static medsec_err add_pair(struct medsec_diff *df, size_t *cap, const struct medsec_model_sbom *a,
                           const struct medsec_model_sbom *b)
{
    if (MEDSEC_ARRAY_GROW(df->sboms, df->nsboms, *cap))
        return MEDSEC_ENOMEM;
    struct medsec_diff_sbom *s = &df->sboms[df->nsboms++];
    memset(s, 0, sizeof *s);
    if (a) {
        s->path_a = a->path;
        s->a = a->sbom;
    }
    if (b) {
        s->path_b = b->path;
        s->b = b->sbom;
    }
    return MEDSEC_OK;
}

static bool same_subject(const struct medsec_model_sbom *a, const struct medsec_model_sbom *b)
{
    return a->sbom->subject && b->sbom->subject && !strcmp(a->sbom->subject, b->sbom->subject);
}

static bool same_file(const struct medsec_model_sbom *a, const struct medsec_model_sbom *b)
{
    return !strcmp(base_name(a->path), base_name(b->path));
}

/* Pair by the same SBOM file, then the same subject, then the same file name. */
static medsec_err pair_sboms(struct medsec_diff *df, const struct medsec_model *m)
{
    const struct medsec_model_sbom **a = medsec_calloc(m->nsboms + 1, sizeof *a),
                                   **b = medsec_calloc(m->nsboms + 1, sizeof *b);
    bool *ua = medsec_calloc(m->nsboms + 1, 1), *ub = medsec_calloc(m->nsboms + 1, 1);
    size_t cap = 0;
    medsec_err rc = MEDSEC_ENOMEM;
    if (!a || !b || !ua || !ub)
        goto out_free;
    size_t na = medsec_model_version_sboms(m, df->a, a),
           nb = medsec_model_version_sboms(m, df->b, b);
    rc = MEDSEC_OK;
    for (int pass = 0; pass < 3 && !rc; pass++)
        for (size_t i = 0; i < na && !rc; i++)
            for (size_t k = 0; k < nb && !ua[i]; k++) {
                if (ub[k])
                    continue;
                bool match = pass == 0   ? a[i] == b[k]
                             : pass == 1 ? same_subject(a[i], b[k])
                                         : same_file(a[i], b[k]);
                if (match) {
                    ua[i] = ub[k] = true;
                    rc = add_pair(df, &cap, a[i], b[k]);
                }
            }
    for (size_t i = 0; i < na && !rc; i++)
        if (!ua[i])
            rc = add_pair(df, &cap, a[i], NULL);
    for (size_t k = 0; k < nb && !rc; k++)
        if (!ub[k])
            rc = add_pair(df, &cap, NULL, b[k]);
out_free:
    medsec_free(a);
    medsec_free(b);
    medsec_free(ua);
    medsec_free(ub);
    return rc;
}

/* ---- findings ---- */

struct fentry {
    const char *id, *identity;
    struct medsec_diff_finding_side side;
    bool matched;
};

static int str_cmp(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int fentry_cmp(const void *x, const void *y)
{
    const struct fentry *a = x, *b = y;
    int r = strcmp(a->id, b->id);
    if (!r)
        r = strcmp(a->identity, b->identity);
    if (!r)
        r = str_cmp(a->side.c->version, b->side.c->version);
    if (!r)
        r = str_cmp(a->side.sbom, b->side.sbom);
    return r;
}

/* The findings (and the file's not-affected / fixed assessments) of every target of release
 * @version as entries. */
static medsec_err release_entries(struct medsec_arena *arena, const struct medsec_scan_plan *p,
                                  const char *version, struct fentry **out, size_t *n)
{
    size_t cap = 0;
    for (size_t ti = 0; ti < medsec_scan_plan_count(p); ti++) {
        const struct medsec_scan_target *t = medsec_scan_plan_target(p, ti);
        if (!t->version || strcmp(t->version, version))
            continue;
        for (size_t i = 0; i < t->result.nfindings + t->nassessed; i++) {
            struct fentry e = {0};
            size_t comp;
            if (i < t->result.nfindings) {
                const struct medsec_scan_finding *f = &t->result.findings[i];
                comp = f->component;
                e.id = f->vuln->id;
                e.side.vuln = f->vuln;
                e.side.state = MEDSEC_VULN_AFFECTED;
            } else {
                const struct medsec_scan_assessed *as = &t->assessed[i - t->result.nfindings];
                comp = as->component;
                e.id = as->id;
                e.side.state = as->assessment->status;
                e.side.assessed = true;
            }
            e.side.c = &t->sbom->components[comp];
            e.side.sbom = t->model_sbom;
            if (!(e.identity = medsec_diff_identity(arena, e.side.c)))
                return MEDSEC_ENOMEM;
            if (medsec_array_reserve(out, &cap, *n + 1, sizeof **out))
                return MEDSEC_ENOMEM;
            (*out)[(*n)++] = e;
        }
    }
    return MEDSEC_OK;
}

/* Sort and drop repeats: the same vulnerability on the same component version in two SBOMs of
 * one release is one finding of the release. */
static size_t sort_unique(struct fentry *e, size_t n)
{
    size_t k = 0;
    if (!n)
        return 0;
    qsort(e, n, sizeof *e, fentry_cmp);
    for (size_t i = 1; i < n; i++)
        if (strcmp(e[i].id, e[k].id) || strcmp(e[i].identity, e[k].identity) ||
            str_cmp(e[i].side.c->version, e[k].side.c->version))
            e[++k] = e[i];
    return k + 1;
}

static unsigned finding_changes(const struct medsec_diff_finding_side *a,
                                const struct medsec_diff_finding_side *b)
{
    unsigned ch = 0;
    if (str_cmp(a->c->version, b->c->version))
        ch |= MEDSEC_DIFF_F_VERSION;
    if (a->state != b->state || a->assessed != b->assessed)
        ch |= MEDSEC_DIFF_F_STATE;
    if (a->vuln && b->vuln) {
        const struct medsec_scan_vuln *va = a->vuln, *vb = b->vuln;
        if (va->severity != vb->severity || fabs(va->cvss_score - vb->cvss_score) > 0.05)
            ch |= MEDSEC_DIFF_F_SCORE;
        if (va->kev != vb->kev)
            ch |= MEDSEC_DIFF_F_KEV;
        if (va->has_epss != vb->has_epss || (va->has_epss && fabs(va->epss - vb->epss) >= 0.00005))
            ch |= MEDSEC_DIFF_F_EPSS;
    }
    return ch;
}

static medsec_err add_finding(struct medsec_diff *df, size_t *cap, const struct fentry *a,
                              const struct fentry *b)
{
    struct medsec_diff_finding f = {.id = a ? a->id : b->id,
                                    .identity = a ? a->identity : b->identity};
    if (a)
        f.a = a->side;
    if (b)
        f.b = b->side;
    if (a && b) {
        f.changed = finding_changes(&a->side, &b->side);
        f.change = f.changed ? MEDSEC_DIFF_UPDATED : MEDSEC_DIFF_SAME;
    } else {
        f.change = a ? MEDSEC_DIFF_REMOVED : MEDSEC_DIFF_ADDED;
    }
    df->findings.n[f.change]++;
    if (f.change == MEDSEC_DIFF_SAME)
        return MEDSEC_OK;
    if (MEDSEC_ARRAY_GROW(df->findings_v, df->nfindings, *cap))
        return MEDSEC_ENOMEM;
    df->findings_v[df->nfindings++] = f;
    return MEDSEC_OK;
}

static int finding_cmp(const void *x, const void *y)
{
    const struct medsec_diff_finding *a = x, *b = y;
    if (a->change != b->change)
        return (a->change > b->change) - (a->change < b->change);
    int r = strcmp(a->identity, b->identity);
    return r ? r : strcmp(a->id, b->id);
}

/* Match the findings of the two releases: the same vulnerability on a component of the same
 * identity; several of one identity pair in version order. */
static medsec_err diff_findings(struct medsec_diff *df)
{
    struct fentry *a = NULL, *b = NULL;
    size_t na = 0, nb = 0, cap = 0;
    medsec_err rc;
    if ((rc = release_entries(&df->arena, df->plan, df->a->version, &a, &na)) ||
        (rc = release_entries(&df->arena, df->plan_b ? df->plan_b : df->plan, df->b->version, &b,
                              &nb)))
        goto out_free;
    na = sort_unique(a, na);
    nb = sort_unique(b, nb);
    size_t i = 0, k = 0;
    while (!rc && (i < na || k < nb)) {
        int r = i == na                    ? 1
                : k == nb                  ? -1
                : strcmp(a[i].id, b[k].id) ? strcmp(a[i].id, b[k].id)
                                           : strcmp(a[i].identity, b[k].identity);
        if (r < 0)
            rc = add_finding(df, &cap, &a[i++], NULL);
        else if (r > 0)
            rc = add_finding(df, &cap, NULL, &b[k++]);
        else
            rc = add_finding(df, &cap, &a[i++], &b[k++]);
    }
    if (!rc && df->nfindings)
        qsort(df->findings_v, df->nfindings, sizeof *df->findings_v, finding_cmp);
out_free:
    medsec_free(a);
    medsec_free(b);
    return rc;
}

/* ---- risks ---- */

static unsigned risk_changes(const struct medsec_risk_item *a, const struct medsec_risk_item *b)
{
    unsigned ch = 0;
    if (a->result.initial_exploitability != b->result.initial_exploitability)
        ch |= MEDSEC_DIFF_R_INITIAL_EXPLOITABILITY;
    if (a->result.initial_severity != b->result.initial_severity)
        ch |= MEDSEC_DIFF_R_INITIAL_SEVERITY;
    if (a->result.residual_exploitability != b->result.residual_exploitability)
        ch |= MEDSEC_DIFF_R_RESIDUAL_EXPLOITABILITY;
    if (a->result.residual_severity != b->result.residual_severity)
        ch |= MEDSEC_DIFF_R_RESIDUAL_SEVERITY;
    if (strcmp(medsec_diff_risk_acceptance(a), medsec_diff_risk_acceptance(b)))
        ch |= MEDSEC_DIFF_R_ACCEPTANCE;
    return ch;
}

static int risk_cmp(const void *x, const void *y)
{
    const struct medsec_diff_risk *a = x, *b = y;
    if (a->change != b->change)
        return (a->change > b->change) - (a->change < b->change);
    return strcmp(a->id, b->id);
}

static medsec_err diff_risks(struct medsec_diff *df)
{
    size_t cap = 0;
    for (int side = 0; side < 2; side++) {
        const struct medsec_risk_register *r = side ? &df->reg_b : &df->reg_a,
                                          *o = side ? &df->reg_a : &df->reg_b;
        for (size_t i = 0; i < r->n; i++) {
            const struct medsec_risk_item *it = &r->items[i],
                                          *other = medsec_risk_register_find(o, it->spec.id);
            struct medsec_diff_risk d = {.id = it->spec.id};
            if (other && side)
                continue; /* counted from A's side */
            if (other) {
                d.a = it;
                d.b = other;
                d.changed = risk_changes(it, other);
                d.change = d.changed ? MEDSEC_DIFF_UPDATED : MEDSEC_DIFF_SAME;
            } else if (side) {
                d.b = it;
                d.change = MEDSEC_DIFF_ADDED;
            } else {
                d.a = it;
                d.change = MEDSEC_DIFF_REMOVED;
            }
            df->risks.n[d.change]++;
            if (d.change == MEDSEC_DIFF_SAME)
                continue;
            if (MEDSEC_ARRAY_GROW(df->risks_v, df->nrisks, cap))
                return MEDSEC_ENOMEM;
            df->risks_v[df->nrisks++] = d;
        }
    }
    if (df->nrisks)
        qsort(df->risks_v, df->nrisks, sizeof *df->risks_v, risk_cmp);
    return MEDSEC_OK;
}

/* ---- the whole diff ---- */

void medsec_diff_free(struct medsec_diff *df)
{
    if (!df)
        return;
    for (size_t i = 0; i < df->nsboms; i++) {
        medsec_free(df->sboms[i].components);
    }
    medsec_free(df->sboms);
    medsec_free(df->findings_v);
    medsec_free(df->risks_v);
    medsec_risk_register_release(&df->reg_a);
    medsec_risk_register_release(&df->reg_b);
    medsec_scan_plan_free(df->plan);
    medsec_scan_plan_free(df->plan_b);
    medsec_arena_release(&df->arena);
    medsec_free(df);
}

static medsec_err find_version(const struct medsec_model *m, const char *v,
                               const struct medsec_model_version **out, struct medsec_error *err)
{
    if (!v || !(*out = medsec_model_find_version(m, v))) {
        struct medsec_buf known = MEDSEC_BUF_INIT;
        medsec_buf_init(&known, 4096);
        for (size_t i = 0; i < m->nversions; i++)
            (void)medsec_buf_addf(&known, "%s%s", i ? ", " : "", m->versions[i].version);
        medsec_error_set(err, MEDSEC_ENOTFOUND, m->file, 0, 0,
                         "no version '%s' in versions (the file has: %s)", v ? v : "",
                         known.len ? known.data : "none");
        medsec_buf_release(&known);
        return MEDSEC_ENOTFOUND;
    }
    return MEDSEC_OK;
}

/* The totals: every component of A against every component of B. */
static medsec_err release_components(struct medsec_diff *df, const struct medsec_model *m,
                                     struct medsec_error *err)
{
    const struct medsec_sbom **sa = medsec_calloc(df->nsboms + 1, sizeof *sa),
                             **sb = medsec_calloc(df->nsboms + 1, sizeof *sb);
    const char **pa = medsec_calloc(df->nsboms + 1, sizeof *pa),
               **pb = medsec_calloc(df->nsboms + 1, sizeof *pb);
    struct medsec_diff_component *all = NULL;
    size_t n = 0, cap = 0;
    medsec_err rc = MEDSEC_ENOMEM;
    if (!sa || !sb || !pa || !pb) {
        medsec_error_set(err, rc, NULL, 0, 0, "out of memory while comparing releases");
        goto out_free;
    }
    for (size_t i = 0; i < df->nsboms; i++) {
        sa[i] = df->sboms[i].a;
        sb[i] = df->sboms[i].b;
        pa[i] = df->sboms[i].path_a;
        pb[i] = df->sboms[i].path_b;
    }
    rc = medsec_diff_components(sa, pa, df->nsboms, sb, pb, df->nsboms, m, &df->arena, &all, &n,
                                &cap, &df->components, err);
out_free:
    medsec_free(all);
    medsec_free(sa);
    medsec_free(sb);
    medsec_free(pa);
    medsec_free(pb);
    return rc;
}

/* Every release of @d matched against @db. */
static medsec_err scan_device(const struct medsec_ctx *ctx, struct medsec_device *d,
                              struct medsec_db *db, struct medsec_scan_plan **plan,
                              struct medsec_error *err)
{
    size_t failed;
    medsec_err rc;
    if ((rc = medsec_scan_plan_new(ctx, plan, err)) ||
        (rc = medsec_scan_plan_add_device(*plan, d, NULL, err)))
        return rc;
    return medsec_scan_plan_run(*plan, db, NULL, NULL, NULL, &failed, err);
}

static medsec_err diff_databases(const struct medsec_ctx *ctx, struct medsec_device *d,
                                 struct medsec_db *db_a, struct medsec_db *db_b,
                                 const char *version, struct medsec_diff **out,
                                 struct medsec_error *err)
{
    const struct medsec_model *m = medsec_device_model(d);
    struct medsec_diff *df = medsec_calloc(1, sizeof *df);
    medsec_err rc;
    *out = NULL;
    if (!df)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    df->device = medsec_device_name(d);
    df->with_db = df->databases = true;
    if (!version)
        version = m->device.current_version;
    if ((rc = find_version(m, version, &df->a, err)))
        goto out_fail;
    df->b = df->a;
    if ((rc = medsec_db_freshness(db_a, &df->db_a, err)) ||
        (rc = medsec_db_freshness(db_b, &df->db_b, err)) ||
        (rc = scan_device(ctx, d, db_a, &df->plan, err)) ||
        (rc = scan_device(ctx, d, db_b, &df->plan_b, err)))
        goto out_fail;
    if ((rc = diff_findings(df)))
        goto out_oom;
    if ((rc = medsec_device_risks(d, db_a, df->a->version, &df->reg_a, NULL, NULL, err)) ||
        (rc = medsec_device_risks(d, db_b, df->b->version, &df->reg_b, NULL, NULL, err)))
        goto out_fail;
    if ((rc = diff_risks(df)))
        goto out_oom;
    *out = df;
    return MEDSEC_OK;
out_oom:
    medsec_error_set(err, rc, NULL, 0, 0, "out of memory while comparing databases");
out_fail:
    medsec_diff_free(df);
    return rc;
}

medsec_err medsec_diff_databases(const struct medsec_ctx *ctx, struct medsec_device *d,
                                 struct medsec_db *db_a, struct medsec_db *db_b,
                                 const char *version, struct medsec_diff **out,
                                 struct medsec_error *err)
{
    const struct medsec_ctx *use = ctx ? ctx : medsec_ctx_current(), *prev = medsec_ctx_enter(use);
    medsec_err rc = diff_databases(use, d, db_a, db_b, version, out, err);
    medsec_ctx_leave(prev);
    return rc;
}

static medsec_err diff_releases(const struct medsec_ctx *ctx, struct medsec_device *d,
                                struct medsec_db *db, const char *a, const char *b,
                                struct medsec_diff **out, struct medsec_error *err)
{
    const struct medsec_model *m = medsec_device_model(d);
    struct medsec_diff *df = medsec_calloc(1, sizeof *df);
    medsec_err rc;
    *out = NULL;
    if (!df)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    df->device = medsec_device_name(d);
    df->with_db = db != NULL;
    if ((rc = find_version(m, a, &df->a, err)) || (rc = find_version(m, b, &df->b, err)))
        goto out_fail;
    if ((rc = pair_sboms(df, m)))
        goto out_oom;
    for (size_t i = 0; i < df->nsboms; i++) {
        struct medsec_diff_sbom *s = &df->sboms[i];
        size_t cap = 0;
        if ((rc = medsec_diff_components(&s->a, &s->path_a, 1, &s->b, &s->path_b, 1, m, &df->arena,
                                         &s->components, &s->ncomponents, &cap, &s->counts, err)))
            goto out_fail;
    }
    if ((rc = release_components(df, m, err)))
        goto out_fail;
    if (db) {
        if ((rc = scan_device(ctx, d, db, &df->plan, err)))
            goto out_fail;
        if ((rc = diff_findings(df)))
            goto out_oom;
    }
    if ((rc = medsec_device_risks(d, db, df->a->version, &df->reg_a, NULL, NULL, err)) ||
        (rc = medsec_device_risks(d, db, df->b->version, &df->reg_b, NULL, NULL, err)))
        goto out_fail;
    if ((rc = diff_risks(df)))
        goto out_oom;
    *out = df;
    return MEDSEC_OK;
out_oom:
    medsec_error_set(err, rc, NULL, 0, 0, "out of memory while comparing releases");
out_fail:
    medsec_diff_free(df);
    return rc;
}

medsec_err medsec_diff_releases(const struct medsec_ctx *ctx, struct medsec_device *d,
                                struct medsec_db *db, const char *a, const char *b,
                                struct medsec_diff **out, struct medsec_error *err)
{
    const struct medsec_ctx *use = ctx ? ctx : medsec_ctx_current(), *prev = medsec_ctx_enter(use);
    medsec_err rc = diff_releases(use, d, db, a, b, out, err);
    medsec_ctx_leave(prev);
    return rc;
}
