/* portfolio.c: the findings of several devices' releases, assessed against their triage files,
 * gathered by vulnerability and sorted by what to do first (docs/status.md). */
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/device.h"
#include "medsec/diag.h"
#include "medsec/file.h"
#include "medsec/portfolio.h"
#include "medsec/scan.h"
#include "medsec/triage.h"

const char *medsec_portfolio_tier_name(enum medsec_portfolio_tier t)
{
    static const char *const names[] = {"kev", "past due", "open", "affected", "closed"};
    return (unsigned)t < MEDSEC_PORTFOLIO_TIER_COUNT ? names[t] : "?";
}

/* One place while gathering, with what its finding says of the vulnerability. */
struct row {
    struct medsec_portfolio_place place;
    size_t device; /* index into the devices */
    const char *id, *summary;
    const char *const *aliases;
    size_t naliases;
    double score;
    enum medsec_cvss_severity severity;
    bool kev, has_epss;
    const char *kev_due_date;
    double epss;
};

struct gather {
    struct medsec_portfolio *p;
    struct row *rows;
    size_t n, cap;
    bool oom;
};

static const char *dup(struct gather *G, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = medsec_arena_alloc(&G->p->arena, n);
    if (!d) {
        G->oom = true;
        return NULL;
    }
    return memcpy(d, s, n);
}

static const char *const *dup_list(struct gather *G, const char *const *v, size_t n)
{
    if (!n)
        return NULL;
    const char **d = medsec_arena_alloc(&G->p->arena, n * sizeof *d);
    if (!d) {
        G->oom = true;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        d[i] = dup(G, v[i]);
    return d;
}

/* "rule ID", the decision's `by`, "security file", or NULL. */
static const char *decided_by(struct gather *G, const struct medsec_triage_item *it)
{
    if (it->status == MEDSEC_TRIAGE_BY_RULE && it->rule) {
        size_t n = strlen(it->rule->id) + 6;
        char *s = medsec_arena_alloc(&G->p->arena, n);
        if (!s) {
            G->oom = true;
            return NULL;
        }
        memcpy(s, "rule ", 5);
        memcpy(s + 5, it->rule->id, n - 5);
        return s;
    }
    if (it->status == MEDSEC_TRIAGE_BY_FILE)
        return "security file";
    return it->decision ? dup(G, it->decision->by) : NULL;
}

static medsec_err add_row(struct gather *G, size_t device, const struct medsec_triage_item *it)
{
    if (G->n == G->cap) {
        size_t cap = G->cap ? 2 * G->cap : 64;
        struct row *r = medsec_realloc(G->rows, cap * sizeof *r);
        if (!r)
            return MEDSEC_ENOMEM;
        G->rows = r;
        G->cap = cap;
    }
    const struct medsec_scan_target *tg = it->target;
    const struct medsec_sbom_component *c = &tg->sbom->components[it->component];
    const struct medsec_scan_vuln *v = it->finding ? it->finding->vuln : NULL;
    struct row *r = &G->rows[G->n++];
    memset(r, 0, sizeof *r);
    r->device = device;
    r->place.device = G->p->devices[device];
    r->place.version = dup(G, tg->version);
    r->place.current = tg->current;
    r->place.component = dup(G, c->name);
    r->place.component_version = dup(G, c->version);
    r->place.status = it->status;
    r->place.state = it->state;
    r->place.by = decided_by(G, it);
    r->place.fixed_in =
        (it->status == MEDSEC_TRIAGE_BY_HAND || it->status == MEDSEC_TRIAGE_BY_SUGGESTION) &&
                it->decision
            ? dup(G, it->decision->fixed_in)
            : NULL;
    r->place.due = dup(G, it->due);
    r->place.past_due = it->past_due;
    r->place.open =
        it->status == MEDSEC_TRIAGE_UNTRIAGED || it->status == MEDSEC_TRIAGE_STALE || it->past_due;
    r->id = dup(G, v ? v->id : it->vuln);
    r->summary = v ? dup(G, v->summary) : NULL;
    r->aliases = v ? dup_list(G, v->aliases, v->naliases) : NULL;
    r->naliases = v && r->aliases ? v->naliases : 0;
    r->score = v ? v->cvss_score : -1;
    r->severity = v ? v->severity : MEDSEC_CVSS_SEV_UNKNOWN;
    r->kev = v && v->kev;
    r->kev_due_date = v ? dup(G, v->kev_due_date) : NULL;
    r->has_epss = v && v->has_epss;
    r->epss = v ? v->epss : 0;
    return G->oom ? MEDSEC_ENOMEM : MEDSEC_OK;
}

static int cmp_text(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) : a ? 1 : b ? -1 : 0;
}

/* By vulnerability, then device (in the order given), release, component. */
static int cmp_rows(const void *pa, const void *pb)
{
    const struct row *a = pa, *b = pb;
    int c = strcmp(a->id, b->id);
    if (c)
        return c;
    if (a->device != b->device)
        return a->device < b->device ? -1 : 1;
    if ((c = cmp_text(a->place.version, b->place.version)))
        return c;
    if ((c = cmp_text(a->place.component, b->place.component)))
        return c;
    return cmp_text(a->place.component_version, b->place.component_version);
}

static bool closed_state(enum medsec_vex_state s)
{
    return s == MEDSEC_VEX_NOT_AFFECTED || s == MEDSEC_VEX_FALSE_POSITIVE ||
           s == MEDSEC_VEX_RESOLVED || s == MEDSEC_VEX_RESOLVED_PEDIGREE;
}

/* The vulnerability's tier, earliest due date and counts, from its places. */
static void judge(struct medsec_portfolio_vuln *v)
{
    bool past = false, open = false, affected = false;
    size_t devices = 0, releases = 0;
    for (size_t i = 0; i < v->nplaces; i++) {
        const struct medsec_portfolio_place *pl = &v->places[i];
        past |= pl->past_due;
        open |= pl->open || pl->state == MEDSEC_VEX_IN_TRIAGE;
        affected |= !closed_state(pl->state);
        v->open += pl->open;
        if (pl->due && (!v->due || strcmp(pl->due, v->due) < 0))
            v->due = pl->due;
        const struct medsec_portfolio_place *prev = i ? &v->places[i - 1] : NULL;
        if (!prev || prev->device != pl->device)
            devices++;
        if (!prev || prev->device != pl->device || cmp_text(prev->version, pl->version))
            releases++;
    }
    v->devices = devices;
    v->releases = releases;
    v->tier = v->kev && affected ? MEDSEC_PORTFOLIO_KEV
              : past             ? MEDSEC_PORTFOLIO_PAST_DUE
              : open             ? MEDSEC_PORTFOLIO_OPEN
              : affected         ? MEDSEC_PORTFOLIO_AFFECTED
                                 : MEDSEC_PORTFOLIO_CLOSED;
}

/* Most urgent first: tier, earliest due date, KEV, score, EPSS, id. */
static int cmp_vulns(const void *pa, const void *pb)
{
    const struct medsec_portfolio_vuln *a = pa, *b = pb;
    if (a->tier != b->tier)
        return a->tier < b->tier ? -1 : 1;
    if (cmp_text(a->due, b->due))
        return !a->due ? 1 : !b->due ? -1 : strcmp(a->due, b->due);
    if (a->kev != b->kev)
        return a->kev ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->has_epss != b->has_epss)
        return a->has_epss ? -1 : 1;
    if (a->epss != b->epss)
        return a->epss > b->epss ? -1 : 1;
    return strcmp(a->id, b->id);
}

/* The rows, sorted, as vulnerabilities with their places. */
static medsec_err group(struct gather *G)
{
    struct medsec_portfolio *p = G->p;
    if (!G->n)
        return MEDSEC_OK;
    qsort(G->rows, G->n, sizeof *G->rows, cmp_rows);
    size_t nv = 1;
    for (size_t i = 1; i < G->n; i++)
        nv += strcmp(G->rows[i].id, G->rows[i - 1].id) != 0;
    p->vulns = medsec_arena_alloc(&p->arena, nv * sizeof *p->vulns);
    struct medsec_portfolio_place *places = medsec_arena_alloc(&p->arena, G->n * sizeof *places);
    if (!p->vulns || !places)
        return MEDSEC_ENOMEM;
    memset(p->vulns, 0, nv * sizeof *p->vulns);
    for (size_t i = 0; i < G->n; i++) {
        const struct row *r = &G->rows[i];
        struct medsec_portfolio_vuln *v = &p->vulns[p->nvulns];
        if (i && strcmp(r->id, G->rows[i - 1].id)) {
            v = &p->vulns[++p->nvulns];
        }
        if (!v->nplaces) {
            v->id = r->id;
            v->places = &places[i];
            v->score = -1;
        }
        places[i] = r->place;
        v->nplaces++;
        /* the vulnerability's facts: the first place that has them, the highest score */
        if (!v->summary)
            v->summary = r->summary;
        if (!v->naliases && r->naliases) {
            v->aliases = r->aliases;
            v->naliases = r->naliases;
        }
        if (r->score > v->score) {
            v->score = r->score;
            v->severity = r->severity;
        }
        v->kev |= r->kev;
        if (!v->kev_due_date)
            v->kev_due_date = r->kev_due_date;
        if (r->has_epss && (!v->has_epss || r->epss > v->epss)) {
            v->has_epss = true;
            v->epss = r->epss;
        }
    }
    p->nvulns++;
    for (size_t i = 0; i < p->nvulns; i++) {
        judge(&p->vulns[i]);
        p->by_tier[p->vulns[i].tier]++;
        p->open += p->vulns[i].open;
    }
    p->places = G->n;
    qsort(p->vulns, p->nvulns, sizeof *p->vulns, cmp_vulns);
    return MEDSEC_OK;
}

/* The device's name: its releases' (the security file's), else the folder's last part. */
static const char *device_name(struct gather *G, const struct medsec_triage_session *s,
                               const char *dir)
{
    for (size_t i = 0; i < medsec_scan_plan_count(s->plan); i++) {
        const struct medsec_scan_target *tg = medsec_scan_plan_target(s->plan, i);
        if (tg->device)
            return dup(G, tg->device);
    }
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    size_t b = n;
    while (b > 0 && dir[b - 1] != '/')
        b--;
    char *s2 = medsec_arena_alloc(&G->p->arena, n - b + 1);
    if (!s2) {
        G->oom = true;
        return NULL;
    }
    memcpy(s2, dir + b, n - b);
    s2[n - b] = '\0';
    return s2;
}

medsec_err medsec_portfolio_build(const struct medsec_ctx *ctx, const char *const *dirs, size_t n,
                                  const char *const *extra, size_t nextra, struct medsec_db *db,
                                  const struct medsec_triage_assess_opts *opts,
                                  struct medsec_portfolio *out, struct medsec_diags *diags,
                                  struct medsec_error *err)
{
    memset(out, 0, sizeof *out);
    if (n > MEDSEC_PORTFOLIO_MAX_DEVICES)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "%zu device folders: at most %d in one portfolio", n,
                                MEDSEC_PORTFOLIO_MAX_DEVICES);
    struct gather G = {out, NULL, 0, 0, false};
    const char **names = n ? medsec_arena_alloc(&out->arena, n * sizeof *names) : NULL;
    if (n && !names)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    out->devices = names;
    medsec_err rc = MEDSEC_OK;
    for (size_t d = 0; d < n && !rc; d++) {
        struct medsec_triage_session s;
        rc = medsec_triage_session_open(ctx, dirs[d], extra, nextra, db, opts, &s, diags, err);
        if (!rc) {
            names[d] = device_name(&G, &s, dirs[d]);
            out->ndevices = d + 1;
            /* the releases looked at (the targets of one release are next to each other) */
            const char *last = NULL;
            for (size_t i = 0; i < medsec_scan_plan_count(s.plan); i++) {
                const struct medsec_scan_target *tg = medsec_scan_plan_target(s.plan, i);
                if (medsec_triage_assesses(tg, opts) &&
                    (!i || !tg->version || !last || strcmp(tg->version, last)))
                    out->releases++;
                last = tg->version;
            }
            for (size_t i = 0; i < s.report.nitems && !rc && !G.oom; i++)
                rc = add_row(&G, d, &s.report.items[i]);
            if (G.oom || rc == MEDSEC_ENOMEM)
                rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        }
        medsec_triage_session_close(&s);
    }
    /* a device's own name twice would merge two devices' places into one row of the table */
    for (size_t a = 0; !rc && a < out->ndevices; a++)
        for (size_t b = a + 1; b < out->ndevices; b++)
            if (names[a] && names[b] && !strcmp(names[a], names[b]))
                rc = medsec_error_set(err, MEDSEC_EINVAL, dirs[b], 0, 0,
                                      "the device \"%s\" is also %s: give each device once",
                                      names[b], dirs[a]);
    if (!rc && group(&G))
        rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    medsec_free(G.rows);
    return rc;
}

void medsec_portfolio_release(struct medsec_portfolio *p)
{
    medsec_arena_release(&p->arena);
    memset(p, 0, sizeof *p);
}
