/* scanplan.c: what to scan: bare SBOM files and every release of device folders, each release's
 * SBOMs as targets next to each other; running the matcher over them. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/cpemap.h"
#include "medsec/file.h"
#include "medsec/device.h"

struct medsec_scan_plan {
    const struct medsec_ctx *ctx;
    struct medsec_scan_target *t;
    size_t n, cap;
    struct medsec_sbom **sboms; /* bare SBOMs the plan loaded */
    size_t nsboms, csboms;
    struct medsec_device **devices; /* devices the plan opened */
    size_t ndevices, cdevices;
    struct medsec_arena strings; /* labels */
    struct medsec_cpemap **maps; /* the devices' CPE maps the plan read */
    size_t nmaps, cmaps;
};

static medsec_err nomem(struct medsec_error *err)
{
    return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
}

medsec_err medsec_scan_plan_new(const struct medsec_ctx *ctx, struct medsec_scan_plan **out,
                                struct medsec_error *err)
{
    const struct medsec_ctx *prev = medsec_ctx_enter(ctx);
    *out = medsec_calloc(1, sizeof **out);
    medsec_ctx_leave(prev);
    if (!*out)
        return nomem(err);
    (*out)->ctx = ctx;
    return MEDSEC_OK;
}

void medsec_scan_plan_free(struct medsec_scan_plan *p)
{
    if (!p)
        return;
    const struct medsec_ctx *prev = medsec_ctx_enter(p->ctx);
    for (size_t i = 0; i < p->n; i++) {
        medsec_scan_result_release(&p->t[i].result);
        medsec_diags_release(&p->t[i].notes);
        medsec_free(p->t[i].assessed);
    }
    medsec_free(p->t);
    for (size_t i = 0; i < p->nsboms; i++)
        medsec_sbom_free(p->sboms[i]);
    medsec_free(p->sboms);
    for (size_t i = 0; i < p->ndevices; i++)
        medsec_device_close(p->devices[i]);
    medsec_free(p->devices);
    for (size_t i = 0; i < p->nmaps; i++)
        medsec_cpemap_free(p->maps[i]);
    medsec_free(p->maps);
    medsec_arena_release(&p->strings);
    medsec_free(p);
    medsec_ctx_leave(prev);
}

static struct medsec_scan_target *add_target(struct medsec_scan_plan *p)
{
    if (MEDSEC_ARRAY_GROW(p->t, p->n, p->cap))
        return NULL;
    struct medsec_scan_target *t = &p->t[p->n++];
    memset(t, 0, sizeof *t);
    return t;
}

static medsec_err add_sbom_file(struct medsec_scan_plan *p, const char *path,
                                struct medsec_diags *diags, struct medsec_error *err)
{
    struct medsec_sbom *s = NULL;
    medsec_err rc = medsec_sbom_load(path, NULL, &s, diags, err);
    if (rc)
        return rc;
    struct medsec_scan_target *t = NULL;
    const char *copy = medsec_arena_strdup(&p->strings, path);
    if (!copy || MEDSEC_ARRAY_GROW(p->sboms, p->nsboms, p->csboms) || !(t = add_target(p))) {
        medsec_sbom_free(s);
        return nomem(err);
    }
    p->sboms[p->nsboms++] = s;
    t->label = t->path = copy;
    t->sbom = s;
    return MEDSEC_OK;
}

medsec_err medsec_scan_plan_add_device(struct medsec_scan_plan *p, const struct medsec_device *d,
                                       struct medsec_diags *diags, struct medsec_error *err)
{
    const struct medsec_model *m = medsec_device_model(d);
    const char *name = medsec_device_name(d);
    if (m->nsboms == 0)
        return medsec_error_set(
            err, MEDSEC_EINVAL, m->file, 0, 0,
            "the device names no SBOM (items[].sbom, versions[].sboms): nothing to scan");
    /* the device's own CPE map, read once: every release's SBOMs use it */
    struct medsec_cpemap *map = NULL;
    if (m->cpe_map) {
        const struct medsec_ctx *prev = medsec_ctx_enter(p->ctx);
        char *text = NULL;
        size_t len = 0;
        struct medsec_buf mapname = MEDSEC_BUF_INIT;
        const char *dir = medsec_device_dir(d);
        medsec_err lr =
            medsec_file_read_in(dir, m->cpe_map, MEDSEC_CPEMAP_MAX_BYTES, &text, &len, err);
        if (!lr && medsec_buf_addf(&mapname, "%s/%s", dir, m->cpe_map))
            lr = nomem(err);
        if (!lr)
            lr = medsec_cpemap_parse(text, len, mapname.data, &map, err);
        medsec_free(text);
        medsec_buf_release(&mapname);
        if (!lr && MEDSEC_ARRAY_GROW(p->maps, p->nmaps, p->cmaps))
            lr = nomem(err);
        if (!lr)
            p->maps[p->nmaps++] = map;
        else
            medsec_cpemap_free(map);
        medsec_ctx_leave(prev);
        if (lr)
            return lr;
    }
    const struct medsec_model_sbom **set = medsec_calloc(m->nsboms, sizeof *set);
    if (!set)
        return nomem(err);
    medsec_err rc = MEDSEC_OK;
    for (size_t vi = 0; vi < m->nversions && !rc; vi++) {
        const struct medsec_model_version *v = &m->versions[vi];
        size_t n = medsec_model_version_sboms(m, v, set);
        if (n == 0) {
            if (diags)
                rc = medsec_diags_add(
                    diags, MEDSEC_SEV_WARNING, m->file, v->pos.line, v->pos.column, NULL,
                    "version %s names no SBOM (versions[].sboms): not scanned", v->version);
            continue;
        }
        bool current =
            m->device.current_version && strcmp(m->device.current_version, v->version) == 0;
        for (size_t i = 0; i < n && !rc; i++) {
            struct medsec_scan_target *t = add_target(p);
            struct medsec_buf label = MEDSEC_BUF_INIT;
            if (!t ||
                medsec_buf_addf(&label, "%s: version %s: %s", name, v->version, set[i]->path)) {
                medsec_buf_release(&label);
                rc = nomem(err);
                break;
            }
            t->label = medsec_arena_strdup(&p->strings, label.data);
            t->path = medsec_arena_strdup(&p->strings,
                                          set[i]->sbom->path ? set[i]->sbom->path : set[i]->path);
            medsec_buf_release(&label);
            t->device = name;
            t->version = v->version;
            t->support = v->support;
            t->current = current;
            t->sbom = set[i]->sbom;
            t->model = m;
            t->model_sbom = set[i]->path;
            t->cpe_map = map;
            if (!t->label || !t->path)
                rc = nomem(err);
        }
    }
    medsec_free(set);
    return rc;
}

medsec_err medsec_scan_plan_add(struct medsec_scan_plan *p, const char *path,
                                struct medsec_diags *diags, struct medsec_error *err)
{
    const struct medsec_ctx *prev = medsec_ctx_enter(p->ctx);
    struct stat st;
    medsec_err rc;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        rc = add_sbom_file(p, path, diags, err);
        goto out_leave;
    }
    struct medsec_device *d = NULL;
    if (MEDSEC_ARRAY_GROW(p->devices, p->ndevices, p->cdevices)) {
        rc = nomem(err);
        goto out_leave;
    }
    rc = medsec_device_open(p->ctx, path, NULL, &d, diags, err);
    if (rc)
        goto out_leave;
    p->devices[p->ndevices++] = d;
    rc = medsec_scan_plan_add_device(p, d, diags, err);
out_leave:
    medsec_ctx_leave(prev);
    return rc;
}

size_t medsec_scan_plan_count(const struct medsec_scan_plan *p)
{
    return p->n;
}

const struct medsec_scan_target *medsec_scan_plan_target(const struct medsec_scan_plan *p, size_t i)
{
    return i < p->n ? &p->t[i] : NULL;
}

uint64_t medsec_scan_plan_components(const struct medsec_scan_plan *p)
{
    uint64_t n = 0;
    for (size_t i = 0; i < p->n; i++)
        n += p->t[i].sbom->ncomponents;
    return n;
}

/* The file's assessment of finding @f of target @t: an entry of `vulnerabilities:` with the same id
 * or an alias that names the component, or one of the items whose SBOM this is (the whole SBOM, or
 * listing the component). */
static const struct medsec_model_vulnerability *assessment_of(const struct medsec_scan_target *t,
                                                              const struct medsec_scan_finding *f)
{
    const struct medsec_model *m = t->model;
    const char *ref = t->sbom->components[f->component].ref;
    for (size_t k = 0; k < m->nvulnerabilities; k++) {
        const struct medsec_model_vulnerability *vu = &m->vulnerabilities[k];
        bool same = !strcmp(vu->id, f->vuln->id);
        for (size_t a = 0; a < f->vuln->naliases && !same; a++)
            same = !strcmp(vu->id, f->vuln->aliases[a]);
        if (!same)
            continue;
        if (ref && medsec_strlist_has(&vu->components, ref))
            return vu;
        for (size_t i = 0; i < vu->items.n; i++) {
            const struct medsec_model_item *it = medsec_model_find_item(m, vu->items.v[i]);
            if (it && it->sbom && t->model_sbom && !strcmp(it->sbom, t->model_sbom) &&
                (!it->components.n || (ref && medsec_strlist_has(&it->components, ref))))
                return vu;
        }
    }
    return NULL;
}

const struct medsec_model_vulnerability *
medsec_scan_target_assessment(const struct medsec_scan_target *t,
                              const struct medsec_scan_finding *f)
{
    return t->model ? assessment_of(t, f) : NULL;
}

/* The manufacturer's assessment wins: a finding assessed not_affected or fixed moves to
 * t->assessed; one assessed affected or under investigation carries the file's CVSS. */
static medsec_err apply_assessment(struct medsec_scan_target *t)
{
    struct medsec_scan_result *r = &t->result;
    size_t kept = 0;
    for (size_t k = 0; k < r->nfindings; k++) {
        struct medsec_scan_finding f = r->findings[k];
        const struct medsec_model_vulnerability *vu = assessment_of(t, &f);
        if (vu && !medsec_vuln_status_open(vu->status)) {
            struct medsec_scan_assessed *a =
                medsec_realloc(t->assessed, (t->nassessed + 1) * sizeof *a);
            if (!a)
                return MEDSEC_ENOMEM;
            t->assessed = a;
            a[t->nassessed++] = (struct medsec_scan_assessed){f.component, f.vuln->id, vu};
            continue;
        }
        const char *vector = vu ? vu->cvss ? vu->cvss->vector : vu->cvss_vector : NULL;
        struct medsec_cvss c;
        if (vector && medsec_cvss_parse(vector, &c, NULL) == MEDSEC_OK) {
            struct medsec_scan_vuln *v = medsec_arena_alloc(&r->arena, sizeof *v);
            char src[600];
            snprintf(src, sizeof src, "security file%s%s%s", vu->cvss ? " (MITRE rubric " : "",
                     vu->cvss ? vu->rubric : "", vu->cvss ? ")" : "");
            if (!v)
                return MEDSEC_ENOMEM;
            struct medsec_cvss_scores sc;
            medsec_cvss_score(&c, &sc);
            *v = *f.vuln;
            v->cvss_source = medsec_arena_strdup(&r->arena, src);
            v->cvss_record_source = v->cvss_record = NULL;
            v->cvss_vector = vector;
            v->cvss_version = medsec_cvss_version_name(c.version);
            v->cvss_score = sc.base;
            v->severity = medsec_cvss_severity(c.version, sc.base);
            if (!v->cvss_source)
                return MEDSEC_ENOMEM;
            f.vuln = v;
        }
        r->findings[kept++] = f;
    }
    if (kept != r->nfindings) {
        r->nfindings = kept;
        size_t vulnerable = 0;
        for (size_t k = 0; k < kept; k++)
            vulnerable += !k || r->findings[k].component != r->findings[k - 1].component;
        r->vulnerable_components = vulnerable;
    }
    return MEDSEC_OK;
}

medsec_err medsec_scan_plan_run(struct medsec_scan_plan *p, struct medsec_db *db,
                                const struct medsec_scan_opts *opts,
                                medsec_scan_progress_fn progress, void *ud, size_t *failed,
                                struct medsec_error *err)
{
    const struct medsec_ctx *prev = medsec_ctx_enter(p->ctx);
    uint64_t total = medsec_scan_plan_components(p), done = 0;
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; i < p->n && !rc; i++) {
        struct medsec_scan_target *t = &p->t[i];
        medsec_scan_result_release(&t->result);
        medsec_diags_release(&t->notes);
        medsec_free(t->assessed);
        t->assessed = NULL;
        t->nassessed = 0;
        t->notes.max = MEDSEC_SCAN_PLAN_MAX_NOTES;
        /* the caller's CPE map wins over the device's */
        struct medsec_scan_opts o = opts ? *opts : (struct medsec_scan_opts){0};
        if (!o.cpe_map)
            o.cpe_map = t->cpe_map;
        rc = medsec_scan_sbom(db, t->sbom, &o, &t->result, &t->notes, err);
        if (!rc && t->model && (rc = apply_assessment(t)))
            medsec_error_set(err, rc, NULL, 0, 0, "out of memory");
        if (rc && failed)
            *failed = i;
        done += t->sbom->ncomponents;
        if (progress)
            progress(ud, done, total);
    }
    medsec_ctx_leave(prev);
    return rc;
}

bool medsec_scan_target_same_release(const struct medsec_scan_target *a,
                                     const struct medsec_scan_target *b)
{
    return a->version && b->version && a->device == b->device &&
           strcmp(a->version, b->version) == 0;
}
