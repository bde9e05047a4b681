/* pms.c: post-market figures, their SVG charts and the PMS / PSUR cybersecurity section
 * (pms.h). */
#include "pms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/date.h"
#include "medsec/json.h"
#include "watch_util.h"

/* ---- the computations ---------------------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

void srv_pms_dist(int64_t *v, size_t n, struct srv_pms_dist *out)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    if (!n)
        return;
    qsort(v, n, sizeof *v, cmp_i64);
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    out->median = v[(n - 1) / 2];
    out->mean = sum / (int64_t)n;
    out->max = v[n - 1];
}

int64_t srv_pms_time_to_share(const size_t *device, const int64_t *at, const unsigned char *patched,
                              size_t n, size_t ndevices, int64_t first_seen, unsigned permille)
{
    if (!ndevices)
        return -1;
    unsigned char *now = medsec_calloc(ndevices, 1);
    if (!now)
        return -1;
    size_t count = 0;
    int64_t t = -1;
    for (size_t i = 0; i < n; i++) {
        size_t d = device[i];
        if (d >= ndevices)
            continue;
        if (patched[i] != now[d]) {
            count = patched[i] ? count + 1 : count - 1;
            now[d] = patched[i];
        }
        if ((uint64_t)count * 1000 >= (uint64_t)permille * ndevices) {
            t = at[i] > first_seen ? at[i] - first_seen : 0;
            break;
        }
    }
    medsec_free(now);
    return t;
}

struct vec {
    int64_t *v;
    size_t n, cap;
};

static bool vec_push(struct vec *a, int64_t x)
{
    if (a->n == a->cap) {
        size_t nc = a->cap ? a->cap * 2 : 16;
        int64_t *nv = medsec_realloc(a->v, nc * sizeof *nv);
        if (!nv)
            return false;
        a->v = nv;
        a->cap = nc;
    }
    a->v[a->n++] = x;
    return true;
}

static medsec_err oom(struct medsec_error *err)
{
    return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
}

static medsec_err step_err(struct medsec_error *err)
{
    return err->code ? err->code : MEDSEC_EDB;
}

/* Is @id one of @ids? */
static bool has_id(const struct vec *ids, int64_t id)
{
    for (size_t i = 0; i < ids->n; i++)
        if (ids->v[i] == id)
            return true;
    return false;
}

/* The check-in history of one model, reduced to its transitions: the check-ins at which a device
 * reports another release than at its previous one (its first included), in time order. Read once
 * per model, whatever the number of vulnerabilities, device by device along the index
 * checkins_device and then sorted by time here (ordering the join by time made SQLite scan every
 * check-in of the fleet). */
struct transition {
    int64_t at, id, rel; /* time, check-in id (ties), release (0: unknown) */
    size_t dev;          /* index into history.devs */
};

struct history {
    struct vec devs; /* the model's device ids, sorted */
    struct transition *t;
    size_t n, cap;
};

static void history_free(struct history *h)
{
    medsec_free(h->devs.v);
    medsec_free(h->t);
    memset(h, 0, sizeof *h);
}

static int transition_cmp(const void *a, const void *b)
{
    const struct transition *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static medsec_err history_load(struct sdb *db, int64_t model, struct history *h,
                               struct medsec_error *err)
{
    struct sdb_val m[] = {SDB_I(model)};
    struct sdb_rows *r;
    medsec_err rc =
        sdb_query(db, "SELECT id FROM devices WHERE model_id = $1 ORDER BY id", m, 1, &r, err);
    int st = 0;
    while (!rc && (st = sdb_step(r, err)) > 0)
        if (!vec_push(&h->devs, sdb_int(r, 0)))
            rc = oom(err);
    if (!rc && st < 0)
        rc = step_err(err);
    sdb_rows_free(r);
    if (rc)
        return rc;
    rc = sdb_query(db,
                   "SELECT c.device_id, c.received_at, c.release_id, c.id FROM devices d JOIN"
                   " checkins c ON c.device_id = d.id WHERE d.model_id = $1 ORDER BY c.device_id,"
                   " c.received_at, c.id",
                   m, 1, &r, err);
    int64_t prev_dev = -1, prev_rel = -1;
    while (!rc && (st = sdb_step(r, err)) > 0) {
        int64_t d = sdb_int(r, 0), rel = sdb_is_null(r, 2) ? 0 : sdb_int(r, 2);
        if (d == prev_dev && rel == prev_rel)
            continue;
        prev_dev = d;
        prev_rel = rel;
        int64_t *hit = bsearch(&d, h->devs.v, h->devs.n, sizeof *h->devs.v, cmp_i64);
        if (!hit)
            continue;
        if (medsec_array_reserve(&h->t, &h->cap, h->n + 1, sizeof *h->t)) {
            rc = oom(err);
            break;
        }
        struct transition *t = &h->t[h->n++];
        t->at = sdb_int(r, 1);
        t->id = sdb_int(r, 3);
        t->rel = rel;
        t->dev = (size_t)(hit - h->devs.v);
    }
    if (!rc && st < 0)
        rc = step_err(err);
    sdb_rows_free(r);
    if (!rc && h->n)
        qsort(h->t, h->n, sizeof *h->t, transition_cmp);
    return rc;
}

/* Time to 50 % and 90 % of the exposed devices of @model patched against @vuln: exposed are the
 * devices that ran an affected release; patched, one without the finding at or above the fixing
 * release's security version @fix_sv. */
static medsec_err patch_times(struct sdb *db, int64_t model, const struct history *h,
                              const char *vuln, int64_t first_seen, int64_t fix_sv, int64_t *t50,
                              int64_t *t90, struct medsec_error *err)
{
    *t50 = *t90 = -1;
    struct vec affected = {0}, patched_rel = {0};
    size_t *map = NULL, *idx = NULL;
    int64_t *at = NULL;
    unsigned char *pat = NULL;
    struct sdb_rows *r = NULL;
    int st = 0;
    struct sdb_val p[] = {SDB_S(vuln), SDB_I(model)};
    medsec_err rc = sdb_query(db,
                              "SELECT f.release_id FROM release_findings f JOIN releases rl ON"
                              " rl.id = f.release_id WHERE f.vuln_id = $1 AND rl.model_id = $2",
                              p, 2, &r, err);
    while (!rc && (st = sdb_step(r, err)) > 0)
        if (!vec_push(&affected, sdb_int(r, 0)))
            rc = oom(err);
    if (!rc && st < 0)
        rc = step_err(err);
    sdb_rows_free(r);
    r = NULL;
    struct sdb_val q[] = {SDB_I(model), SDB_I(fix_sv)};
    if (!rc)
        rc = sdb_query(db, "SELECT id FROM releases WHERE model_id = $1 AND security_version >= $2",
                       q, 2, &r, err);
    while (!rc && (st = sdb_step(r, err)) > 0)
        if (!has_id(&affected, sdb_int(r, 0)) && !vec_push(&patched_rel, sdb_int(r, 0)))
            rc = oom(err);
    if (!rc && st < 0)
        rc = step_err(err);
    sdb_rows_free(r);
    /* the exposed devices, numbered 0..nexp-1 */
    size_t nexp = 0, n = 0;
    if (!rc && h->n) {
        map = medsec_calloc(h->devs.n ? h->devs.n : 1,
                            sizeof *map); /* 0: not exposed, else number + 1 */
        idx = medsec_calloc(h->n, sizeof *idx);
        at = medsec_calloc(h->n, sizeof *at);
        pat = medsec_calloc(h->n, 1);
        if (!map || !idx || !at || !pat)
            rc = oom(err);
    }
    for (size_t i = 0; !rc && i < h->n; i++)
        if (!map[h->t[i].dev] && has_id(&affected, h->t[i].rel))
            map[h->t[i].dev] = ++nexp;
    for (size_t i = 0; !rc && i < h->n; i++) {
        const struct transition *t = &h->t[i];
        if (!map[t->dev])
            continue;
        idx[n] = map[t->dev] - 1;
        at[n] = t->at;
        pat[n] = t->rel && has_id(&patched_rel, t->rel);
        n++;
    }
    if (!rc && nexp) {
        *t50 = srv_pms_time_to_share(idx, at, pat, n, nexp, first_seen, 500);
        *t90 = srv_pms_time_to_share(idx, at, pat, n, nexp, first_seen, 900);
    }
    medsec_free(map);
    medsec_free(idx);
    medsec_free(at);
    medsec_free(pat);
    medsec_free(affected.v);
    medsec_free(patched_rel.v);
    return rc;
}

void srv_pms_figures_release(struct srv_pms_figures *f)
{
    medsec_free(f->models);
    f->models = NULL;
    f->nmodels = 0;
}

struct acc {
    struct vec triage, fix, p50, p90;
};

static medsec_err model_figures(struct sdb *db, struct srv_pms_figures *f, struct srv_pms_model *m,
                                struct medsec_error *err)
{
    struct acc a = {0};
    struct sdb_val p[] = {SDB_I(m->model_id), SDB_I(f->from), SDB_I(f->to)};
    struct sdb_rows *r;
    medsec_err rc = sdb_query(
        db,
        "SELECT f.vuln_id, MIN(f.first_seen), MAX(f.triage_at),"
        " SUM(CASE WHEN f.triage_state = 'in_triage' THEN 1 ELSE 0 END), MAX(f.fixed_release_id),"
        " MAX(f.kev) FROM release_findings f JOIN releases rl ON rl.id = f.release_id WHERE"
        " rl.model_id = $1 GROUP BY f.vuln_id HAVING MIN(f.first_seen) >= $2 AND"
        " MIN(f.first_seen) < $3 ORDER BY f.vuln_id",
        p, 3, &r, err);
    if (rc)
        return rc;
    /* read them all first: the patch figures run queries of their own */
    struct item {
        char vuln[128];
        int64_t first_seen, triage_at, fix_id;
        bool triaged;
    } *items = NULL;
    size_t n = 0, cap = 0;
    int st = 0;
    while ((st = sdb_step(r, err)) > 0) {
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            struct item *ni = medsec_realloc(items, nc * sizeof *ni);
            if (!ni) {
                rc = oom(err);
                break;
            }
            items = ni;
            cap = nc;
        }
        struct item *it = &items[n++];
        snprintf(it->vuln, sizeof it->vuln, "%s", sdb_text(r, 0));
        it->first_seen = sdb_int(r, 1);
        it->triage_at = sdb_is_null(r, 2) ? -1 : sdb_int(r, 2);
        it->triaged = sdb_int(r, 3) == 0;
        it->fix_id = sdb_is_null(r, 4) ? 0 : sdb_int(r, 4);
        m->kev += sdb_int(r, 5) != 0;
    }
    sdb_rows_free(r);
    if (!rc && st < 0)
        rc = step_err(err);
    m->findings = n;
    struct history hist;
    memset(&hist, 0, sizeof hist);
    bool hist_loaded = false;
    for (size_t i = 0; i < n && !rc; i++) {
        struct item *it = &items[i];
        if (it->triaged) {
            m->triaged++;
            int64_t d = it->triage_at >= 0 && it->triage_at > it->first_seen
                            ? it->triage_at - it->first_seen
                            : 0;
            if (!vec_push(&a.triage, d))
                rc = oom(err);
        }
        if (!it->fix_id || rc)
            continue;
        m->fixed++;
        struct sdb_val q[] = {SDB_I(it->fix_id)};
        struct sdb_rows *fr;
        if ((rc = sdb_query(db, "SELECT released_at, security_version FROM releases WHERE id = $1",
                            q, 1, &fr, err)))
            break;
        st = sdb_step(fr, err);
        int64_t rel_at = st > 0 ? sdb_int(fr, 0) : 0, sv = st > 0 ? sdb_int(fr, 1) : 0;
        sdb_rows_free(fr);
        if (st < 0) {
            rc = step_err(err);
            break;
        }
        if (!vec_push(&a.fix, rel_at > it->first_seen ? rel_at - it->first_seen : 0)) {
            rc = oom(err);
            break;
        }
        int64_t t50, t90;
        if (!hist_loaded && (rc = history_load(db, m->model_id, &hist, err)))
            break;
        hist_loaded = true;
        if ((rc = patch_times(db, m->model_id, &hist, it->vuln, it->first_seen, sv, &t50, &t90,
                              err)))
            break;
        if ((t50 >= 0 && !vec_push(&a.p50, t50)) || (t90 >= 0 && !vec_push(&a.p90, t90)))
            rc = oom(err);
    }
    medsec_free(items);
    history_free(&hist);
    if (!rc) {
        srv_pms_dist(a.triage.v, a.triage.n, &m->triage);
        srv_pms_dist(a.fix.v, a.fix.n, &m->fix);
        srv_pms_dist(a.p50.v, a.p50.n, &m->patch50);
        srv_pms_dist(a.p90.v, a.p90.n, &m->patch90);
        struct sdb_val q[] = {SDB_I(m->model_id), SDB_I(f->to)};
        rc = sdb_query_int(db,
                           "SELECT COUNT(*) FROM devices d WHERE d.model_id = $1 AND d.status ="
                           " 'active'",
                           q, 1, &m->devices, err);
        if (!rc)
            rc = sdb_query_int(db,
                               "SELECT COUNT(*) FROM devices d JOIN releases rl ON rl.id ="
                               " d.release_id WHERE d.model_id = $1 AND d.status = 'active' AND"
                               " rl.support_end IS NOT NULL AND rl.support_end <= $2",
                               q, 2, &m->unsupported, err);
    }
    medsec_free(a.triage.v);
    medsec_free(a.fix.v);
    medsec_free(a.p50.v);
    medsec_free(a.p90.v);
    return rc;
}

medsec_err srv_pms_figures(struct sdb *db, int64_t from, int64_t to, struct srv_pms_figures *out,
                           struct medsec_error *err)
{
    memset(out, 0, sizeof *out);
    out->from = from;
    out->to = to;
    struct sdb_rows *r;
    medsec_err rc =
        sdb_query(db, "SELECT id, name FROM models ORDER BY name, id", NULL, 0, &r, err);
    if (rc)
        return rc;
    size_t cap = 0;
    int st = 0;
    while ((st = sdb_step(r, err)) > 0) {
        if (out->nmodels == cap) {
            size_t nc = cap ? cap * 2 : 8;
            struct srv_pms_model *nm = medsec_realloc(out->models, nc * sizeof *nm);
            if (!nm) {
                rc = oom(err);
                break;
            }
            out->models = nm;
            cap = nc;
        }
        struct srv_pms_model *m = &out->models[out->nmodels++];
        memset(m, 0, sizeof *m);
        m->model_id = sdb_int(r, 0);
        snprintf(m->name, sizeof m->name, "%s", sdb_text(r, 1) ? sdb_text(r, 1) : "");
    }
    sdb_rows_free(r);
    if (!rc && st < 0)
        rc = step_err(err);
    for (size_t i = 0; i < out->nmodels && !rc; i++)
        rc = model_figures(db, out, &out->models[i], err);
    return rc;
}

/* ---- SVG ----------------------------------------------------------------------------------- */

static void xml_text(struct medsec_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': medsec_buf_adds(b, "&lt;"); break;
        case '>': medsec_buf_adds(b, "&gt;"); break;
        case '&': medsec_buf_adds(b, "&amp;"); break;
        case '"': medsec_buf_adds(b, "&quot;"); break;
        case '\'': medsec_buf_adds(b, "&#39;"); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\t')
                medsec_buf_addc(b, *s);
        }
    }
}

static const struct {
    const char *name, *title, *unit;
} charts[] = {
    {"triage", "Median time to triage per device model", "days"},
    {"fix", "Median time to a fixing release per device model", "days"},
    {"patch50", "Median time until 50 % of the exposed fleet was patched", "days"},
    {"patch90", "Median time until 90 % of the exposed fleet was patched", "days"},
    {"unsupported", "Active devices on releases past their end of support", "devices"},
};

static double chart_value(const struct srv_pms_model *m, size_t k, bool *has)
{
    const struct srv_pms_dist *d[] = {&m->triage, &m->fix, &m->patch50, &m->patch90};
    if (k == 4) {
        *has = true;
        return (double)m->unsupported;
    }
    *has = d[k]->n > 0;
    return (double)d[k]->median / 86400.0;
}

medsec_err srv_pms_chart(const struct srv_pms_figures *f, const char *name, struct medsec_buf *out)
{
    size_t k = 0;
    while (k < sizeof charts / sizeof *charts && strcmp(charts[k].name, name))
        k++;
    if (k == sizeof charts / sizeof *charts)
        return MEDSEC_ENOTFOUND;
    double max = 0;
    for (size_t i = 0; i < f->nmodels; i++) {
        bool has;
        double v = chart_value(&f->models[i], k, &has);
        if (has && v > max)
            max = v;
    }
    if (max <= 0)
        max = 1;
    const int row = 28, left = 220, width = 400, top = 40;
    int height = top + (int)(f->nmodels ? f->nmodels : 1) * row + 30;
    char from[11], to[11];
    medsec_date_format(f->from, from);
    medsec_date_format(f->to, to);
    medsec_buf_reset(out);
    medsec_buf_addf(out,
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\""
                    " aria-labelledby=\"t-%s d-%s\" font-family=\"sans-serif\" font-size=\"13\">\n",
                    left + width + 90, height, charts[k].name, charts[k].name);
    medsec_buf_addf(out, "<title id=\"t-%s\">", charts[k].name);
    xml_text(out, charts[k].title);
    medsec_buf_addf(out, " (%s to %s)</title>\n<desc id=\"d-%s\">", from, to, charts[k].name);
    for (size_t i = 0; i < f->nmodels; i++) {
        bool has;
        double v = chart_value(&f->models[i], k, &has);
        xml_text(out, f->models[i].name);
        if (has)
            medsec_buf_addf(out, ": %.1f %s. ", v, charts[k].unit);
        else
            medsec_buf_adds(out, ": no data. ");
    }
    if (!f->nmodels)
        medsec_buf_adds(out, "No device models.");
    medsec_buf_adds(out, "</desc>\n<text x=\"10\" y=\"22\" font-weight=\"bold\">");
    xml_text(out, charts[k].title);
    medsec_buf_adds(out, "</text>\n");
    for (size_t i = 0; i < f->nmodels; i++) {
        bool has;
        double v = chart_value(&f->models[i], k, &has);
        int y = top + (int)i * row;
        int w = has ? (int)(v / max * width + 0.5) : 0;
        medsec_buf_addf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", left - 8, y + 17);
        xml_text(out, f->models[i].name);
        medsec_buf_adds(out, "</text>\n");
        medsec_buf_addf(out,
                        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\" fill=\"#2b6cb0\"/>\n",
                        left, y + 4, w);
        if (has)
            medsec_buf_addf(out, "<text x=\"%d\" y=\"%d\">%.1f %s</text>\n", left + w + 6, y + 18,
                            v, charts[k].unit);
        else
            medsec_buf_addf(out, "<text x=\"%d\" y=\"%d\">no data</text>\n", left + 6, y + 18);
    }
    medsec_buf_addf(out,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n</svg>\n",
                    left, top, left, height - 26);
    return out->len ? MEDSEC_OK : MEDSEC_ENOMEM;
}

/* ---- the section ---------------------------------------------------------------------------- */

/* One document, Markdown or HTML, written through the same calls. */
struct doc {
    struct medsec_buf *b;
    bool html;
};

static void d_text(struct doc *d, const char *s)
{
    if (d->html) {
        xml_text(d->b, s);
        return;
    }
    for (; s && *s; s++) {
        if (*s == '\n' || *s == '\r')
            medsec_buf_addc(d->b, ' ');
        else {
            if (strchr("|*_`<>[]\\#", *s))
                medsec_buf_addc(d->b, '\\');
            medsec_buf_addc(d->b, *s);
        }
    }
}

static void d_heading(struct doc *d, int level, const char *s)
{
    if (d->html) {
        medsec_buf_addf(d->b, "<h%d>", level);
        d_text(d, s);
        medsec_buf_addf(d->b, "</h%d>\n", level);
    } else {
        for (int i = 0; i < level; i++)
            medsec_buf_addc(d->b, '#');
        medsec_buf_addc(d->b, ' ');
        d_text(d, s);
        medsec_buf_adds(d->b, "\n\n");
    }
}

/* A paragraph of trusted text (no escaping: written here). */
static void d_para(struct doc *d, const char *s)
{
    medsec_buf_addf(d->b, d->html ? "<p>%s</p>\n" : "%s\n\n", s);
}

static void d_row(struct doc *d, const char *const *cells, size_t n, bool head)
{
    if (d->html) {
        medsec_buf_adds(d->b, "<tr>");
        for (size_t i = 0; i < n; i++) {
            medsec_buf_adds(d->b, head ? "<th scope=\"col\">" : "<td>");
            d_text(d, cells[i]);
            medsec_buf_adds(d->b, head ? "</th>" : "</td>");
        }
        medsec_buf_adds(d->b, "</tr>\n");
        return;
    }
    medsec_buf_adds(d->b, "|");
    for (size_t i = 0; i < n; i++) {
        medsec_buf_addc(d->b, ' ');
        d_text(d, cells[i]);
        medsec_buf_adds(d->b, " |");
    }
    medsec_buf_adds(d->b, "\n");
    if (head) {
        medsec_buf_adds(d->b, "|");
        for (size_t i = 0; i < n; i++)
            medsec_buf_adds(d->b, "---|");
        medsec_buf_adds(d->b, "\n");
    }
}

static void d_table_begin(struct doc *d, const char *caption)
{
    if (d->html) {
        medsec_buf_adds(d->b, "<table>\n<caption>");
        d_text(d, caption);
        medsec_buf_adds(d->b, "</caption>\n");
    }
}

static void d_table_end(struct doc *d)
{
    medsec_buf_adds(d->b, d->html ? "</table>\n" : "\n");
}

static void days_text(const struct srv_pms_dist *x, char *out, size_t cap)
{
    if (!x->n)
        snprintf(out, cap, "-");
    else
        snprintf(out, cap, "%.1f / %.1f / %.1f (n=%zu)", x->median / 86400.0, x->mean / 86400.0,
                 x->max / 86400.0, x->n);
}

static medsec_err section(struct sdb *db, const struct srv_pms_figures *f, bool html,
                          struct medsec_buf *out, struct medsec_error *err)
{
    struct doc d = {out, html};
    char from[11], to[11], buf[600];
    medsec_date_format(f->from, from);
    medsec_date_format(f->to, to);
    medsec_buf_reset(out);
    if (html)
        medsec_buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
                             "<title>Cybersecurity post-market surveillance</title></head>\n"
                             "<body>\n<main>\n");
    snprintf(buf, sizeof buf, "Cybersecurity post-market surveillance, %s to %s", from, to);
    d_heading(&d, 1, buf);
    d_para(&d, "This section reports the cybersecurity part of the post-market surveillance "
               "system (MDR Art. 83) for the period: vulnerabilities found in the releases in "
               "the field, how fast they were triaged and fixed, how fast the fleet installed "
               "the fixes, devices on unsupported releases, and the incidents recorded. It is "
               "written for the PMS report (Art. 85) or the periodic safety update report "
               "(PSUR, Art. 86, whose conclusions of the benefit-risk determination it feeds) "
               "and follows MDCG 2019-16 Rev. 1, section 5 (post-market surveillance and "
               "vigilance of cybersecurity).");
    d_heading(&d, 2, "Figures per device model");
    d_para(&d, "Durations in days as median / mean / maximum over the vulnerabilities first "
               "seen in the period (n: how many had the figure). Time to triage: from first seen "
               "to the decision; time to a fix: from first seen to the release of the first "
               "later release without the finding; 50 % / 90 % patched: from first seen until "
               "that share of the devices that ran an affected release checked in on a fixed "
               "one.");
    d_table_begin(&d, "Cybersecurity figures per device model");
    const char *head[] = {"Model", "Vulnerabilities", "KEV",          "Triaged", "Triage",
                          "Fix",   "50 % patched",    "90 % patched", "Devices", "Unsupported"};
    d_row(&d, head, 10, true);
    for (size_t i = 0; i < f->nmodels; i++) {
        const struct srv_pms_model *m = &f->models[i];
        char c[10][64];
        snprintf(c[1], 64, "%zu", m->findings);
        snprintf(c[2], 64, "%zu", m->kev);
        snprintf(c[3], 64, "%zu", m->triaged);
        days_text(&m->triage, c[4], 64);
        days_text(&m->fix, c[5], 64);
        days_text(&m->patch50, c[6], 64);
        days_text(&m->patch90, c[7], 64);
        snprintf(c[8], 64, "%lld", (long long)m->devices);
        snprintf(c[9], 64, "%lld", (long long)m->unsupported);
        const char *cells[10] = {m->name, c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]};
        d_row(&d, cells, 10, false);
    }
    d_table_end(&d);
    if (html) {
        struct medsec_buf svg = MEDSEC_BUF_INIT;
        for (size_t k = 0; k < sizeof charts / sizeof *charts; k++) {
            medsec_buf_adds(out, "<figure>\n");
            if (srv_pms_chart(f, charts[k].name, &svg) == MEDSEC_OK)
                medsec_buf_add(out, svg.data, svg.len);
            medsec_buf_adds(out, "</figure>\n");
        }
        medsec_buf_release(&svg);
    }
    /* the vulnerabilities first seen in the period */
    d_heading(&d, 2, "Vulnerabilities first seen in the period");
    struct sdb_val p[] = {SDB_I(f->from), SDB_I(f->to)};
    struct sdb_rows *r;
    medsec_err rc = sdb_query(
        db,
        "SELECT f.vuln_id, m.name, MIN(f.first_seen), MAX(f.cvss_tenths), MAX(f.kev),"
        " MIN(f.triage_state), MAX(fx.version), SUM(CASE WHEN f.gone_at IS NULL THEN 1 ELSE 0"
        " END) FROM release_findings f JOIN releases rl ON rl.id = f.release_id JOIN models m ON"
        " m.id = rl.model_id LEFT JOIN releases fx ON fx.id = f.fixed_release_id GROUP BY"
        " f.vuln_id, m.name HAVING MIN(f.first_seen) >= $1 AND MIN(f.first_seen) < $2 ORDER BY"
        " MAX(f.kev) DESC, MAX(f.cvss_tenths) DESC, f.vuln_id LIMIT 500",
        p, 2, &r, err);
    if (rc)
        return rc;
    d_table_begin(&d, "Vulnerabilities first seen in the period");
    const char *vh[] = {"Vulnerability", "Model",  "First seen", "CVSS",
                        "KEV",           "Triage", "Fixed in",   "Open releases"};
    d_row(&d, vh, 8, true);
    int st = 0;
    size_t nv = 0;
    while ((st = sdb_step(r, err)) > 0) {
        char fs[11], cv[16], open[24];
        medsec_date_format(sdb_int(r, 2), fs);
        if (sdb_is_null(r, 3))
            snprintf(cv, sizeof cv, "-");
        else
            snprintf(cv, sizeof cv, "%.1f", sdb_int(r, 3) / 10.0);
        snprintf(open, sizeof open, "%lld", (long long)sdb_int(r, 7));
        const char *cells[] = {sdb_text(r, 0),
                               sdb_text(r, 1),
                               fs,
                               cv,
                               sdb_int(r, 4) ? "yes" : "no",
                               sdb_text(r, 5),
                               sdb_text(r, 6) ? sdb_text(r, 6) : "-",
                               open};
        d_row(&d, cells, 8, false);
        nv++;
    }
    sdb_rows_free(r);
    if (st < 0)
        return step_err(err);
    d_table_end(&d);
    if (!nv)
        d_para(&d, "No vulnerability was first seen in the period.");
    /* the incidents of the period */
    d_heading(&d, 2, "Security incidents (MDR Art. 87, 88)");
    if ((rc = sdb_query(db,
                        "SELECT classification, COUNT(*) FROM incidents WHERE aware_at >= $1 AND"
                        " aware_at < $2 GROUP BY classification ORDER BY classification",
                        p, 2, &r, err)))
        return rc;
    d_table_begin(&d, "Incidents by classification");
    const char *ih[] = {"Classification", "Incidents"};
    d_row(&d, ih, 2, true);
    size_t ni = 0;
    while ((st = sdb_step(r, err)) > 0) {
        char n[24];
        snprintf(n, sizeof n, "%lld", (long long)sdb_int(r, 1));
        const char *cells[] = {sdb_text(r, 0), n};
        d_row(&d, cells, 2, false);
        ni++;
    }
    sdb_rows_free(r);
    if (st < 0)
        return step_err(err);
    d_table_end(&d);
    if (!ni)
        d_para(&d, "No incident was recorded in the period.");
    d_heading(&d, 2, "Basis");
    d_para(&d, "MDR (Regulation (EU) 2017/745) Art. 83 (post-market surveillance system), Art. 84 "
               "(PMS plan, Annex III), Art. 85 (PMS report, class I), Art. 86 (PSUR, classes IIa, "
               "IIb and III), Art. 87 (reporting of serious incidents), Art. 88 (trend reporting); "
               "MDCG 2019-16 Rev. 1, Guidance on cybersecurity for medical devices, section 5.");
    if (html)
        medsec_buf_adds(out, "</main>\n</body>\n</html>\n");
    return MEDSEC_OK;
}

/* ---- routes -------------------------------------------------------------------------------- */

/* The period of a request: from/to (default: the last 365 days up to now). */
static bool period(struct srv_req *rq, struct srv_resp *rs, int64_t *from, int64_t *to)
{
    const char *f = wu_param(rq, "from"), *t = wu_param(rq, "to");
    *to = rq->now;
    if (t && !wu_time_arg(t, to)) {
        srv_error(rs, 400, "to: expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or Unix seconds");
        return false;
    }
    *from = *to - 365 * 86400;
    if (f && !wu_time_arg(f, from)) {
        srv_error(rs, 400, "from: expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or Unix seconds");
        return false;
    }
    if (*from >= *to) {
        srv_error(rs, 400, "from: must be before to");
        return false;
    }
    return true;
}

static void dist_json(struct medsec_jsonw *w, const char *key, const struct srv_pms_dist *d)
{
    medsec_jsonw_key(w, key);
    if (!d->n) {
        medsec_jsonw_null(w);
        return;
    }
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_int(w, "n", (long long)d->n);
    medsec_jsonw_key(w, "median_days");
    medsec_jsonw_fixed(w, d->median / 86400.0, 2);
    medsec_jsonw_key(w, "mean_days");
    medsec_jsonw_fixed(w, d->mean / 86400.0, 2);
    medsec_jsonw_key(w, "max_days");
    medsec_jsonw_fixed(w, d->max / 86400.0, 2);
    medsec_jsonw_object_end(w);
}

static medsec_err h_figures(struct srv_req *rq, struct srv_resp *rs)
{
    int64_t from, to;
    if (!period(rq, rs, &from, &to))
        return MEDSEC_OK;
    struct srv_pms_figures f;
    struct medsec_error err;
    if (srv_pms_figures(rq->db, from, to, &f, &err)) {
        srv_pms_figures_release(&f);
        return wu_fail(rs, &err);
    }
    struct medsec_jsonw w;
    char a[21], b[21];
    medsec_time_format(from, a);
    medsec_time_format(to, b);
    wu_json_begin(rs, &w);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "from", a);
    medsec_jsonw_kv_string(&w, "to", b);
    medsec_jsonw_key(&w, "items");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < f.nmodels; i++) {
        const struct srv_pms_model *m = &f.models[i];
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_int(&w, "model_id", m->model_id);
        medsec_jsonw_kv_string(&w, "model", m->name);
        medsec_jsonw_kv_int(&w, "vulnerabilities", (long long)m->findings);
        medsec_jsonw_kv_int(&w, "kev", (long long)m->kev);
        medsec_jsonw_kv_int(&w, "triaged", (long long)m->triaged);
        medsec_jsonw_kv_int(&w, "fixed", (long long)m->fixed);
        dist_json(&w, "time_to_triage", &m->triage);
        dist_json(&w, "time_to_fix", &m->fix);
        dist_json(&w, "time_to_50_patched", &m->patch50);
        dist_json(&w, "time_to_90_patched", &m->patch90);
        medsec_jsonw_kv_int(&w, "devices", m->devices);
        medsec_jsonw_kv_int(&w, "unsupported_devices", m->unsupported);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_kv_int(&w, "total", (long long)f.nmodels);
    medsec_jsonw_object_end(&w);
    srv_pms_figures_release(&f);
    return medsec_jsonw_finish(&w);
}

static medsec_err h_chart(struct srv_req *rq, struct srv_resp *rs)
{
    char name[32];
    const char *arg = rq->nargs ? rq->args[0] : "";
    size_t n = strlen(arg);
    if (n > 4 && strcmp(arg + n - 4, ".svg") == 0)
        n -= 4;
    snprintf(name, sizeof name, "%.*s", (int)(n < 31 ? n : 31), arg);
    int64_t from, to;
    if (!period(rq, rs, &from, &to))
        return MEDSEC_OK;
    struct srv_pms_figures f;
    struct medsec_error err;
    if (srv_pms_figures(rq->db, from, to, &f, &err)) {
        srv_pms_figures_release(&f);
        return wu_fail(rs, &err);
    }
    medsec_err rc = srv_pms_chart(&f, name, &rs->body);
    srv_pms_figures_release(&f);
    if (rc == MEDSEC_ENOTFOUND)
        return srv_error(rs, 404, "no such chart (triage, fix, patch50, patch90 or unsupported)");
    rs->content_type = "image/svg+xml";
    return rc;
}

static medsec_err h_section(struct srv_req *rq, struct srv_resp *rs)
{
    const char *fmt = wu_param(rq, "format");
    if (fmt && strcmp(fmt, "md") && strcmp(fmt, "html"))
        return srv_error(rs, 400, "format: expected md or html");
    bool html = fmt && strcmp(fmt, "html") == 0;
    int64_t from, to;
    if (!period(rq, rs, &from, &to))
        return MEDSEC_OK;
    struct srv_pms_figures f;
    struct medsec_error err;
    medsec_err rc = srv_pms_figures(rq->db, from, to, &f, &err);
    if (!rc)
        rc = section(rq->db, &f, html, &rs->body, &err);
    srv_pms_figures_release(&f);
    if (rc)
        return wu_fail(rs, &err);
    char a[11], b[11];
    medsec_date_format(from, a);
    medsec_date_format(to, b);
    rs->content_type = html ? "text/html; charset=utf-8" : "text/markdown; charset=utf-8";
    snprintf(rs->filename, sizeof rs->filename, "pms-cybersecurity-%s-%s.%s", a, b,
             html ? "html" : "md");
    return MEDSEC_OK;
}

/* Figures are the manufacturer's: staff only (a hospital account sees its own devices elsewhere).
 */
const struct srv_route srv_routes_pms[] = {
    {"GET", "/api/v1/pms/figures", SRV_ROLES_STAFF, h_figures},
    {"GET", "/api/v1/pms/charts/{}", SRV_ROLES_STAFF, h_chart},
    {"GET", "/api/v1/pms/section", SRV_ROLES_STAFF, h_section},
    {NULL, NULL, 0, NULL},
};
