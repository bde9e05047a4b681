/* details.c: the vulnerability records of a scan: one per identity, found by id, and filled once
 * from the database: aliases, summary, the chosen CVSS score and its severity, KEV and EPSS. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/cvss.h"
#include "scan_int.h"

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603ull & (size_t)-1;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * (size_t)1099511628211ull;
    return h;
}

/* Rank of a score: CVSS v3.1 > v3.0 > v4.0 > v2.0, NVD's above others' of the same version; -1 when
 * its vector does not parse. */
static int score_rank(const struct medsec_db_score *s, enum medsec_cvss_version *ver)
{
    struct medsec_cvss c;
    struct medsec_error ig;
    if (!s->vector || medsec_cvss_parse(s->vector, &c, &ig) != MEDSEC_OK)
        return -1;
    *ver = c.version;
    int r = c.version == MEDSEC_CVSS_V31   ? 40
            : c.version == MEDSEC_CVSS_V30 ? 30
            : c.version == MEDSEC_CVSS_V40 ? 20
                                           : 10;
    if (s->source && strcmp(s->source, "nvd") == 0)
        r += 5;
    return r;
}

/* The findings of one vulnerability record: a slice of the scan's findings ordered by record. */
struct vuln_findings {
    const struct medsec_scan_finding *const *v;
    size_t n;
};

/* Did one of @fs's findings match through the record that carries @s? */
static bool score_matched(const struct medsec_db_score *s, const struct vuln_findings *fs)
{
    for (size_t i = 0; s->source && s->record_id && i < fs->n; i++)
        for (size_t k = 0; k < fs->v[i]->nmatches; k++) {
            const struct medsec_scan_match *m = &fs->v[i]->matches[k];
            if (m->source && m->record_id && strcmp(m->source, s->source) == 0 &&
                strcmp(m->record_id, s->record_id) == 0)
                return true;
        }
    return false;
}

/* The best score of the identity: the highest rank, then one carried by a record that matched,
 * then the first in (source, record id) order. The identity's records are its aliases' too, so a
 * record without a score (a PyPA record) takes the one a merged alias carries (Bitnami's, NVD's, a
 * CSAF advisory's); the record that carried it is named (cvss_record). */
static void choose_score(struct scan *S, const struct medsec_db_vuln *dv,
                         const struct vuln_findings *fs, struct medsec_scan_vuln *v)
{
    int best = -1;
    bool best_matched = false;
    const struct medsec_db_score *bs = NULL;
    enum medsec_cvss_version bv = MEDSEC_CVSS_V31;
    for (size_t i = 0; i < dv->n_scores; i++) {
        enum medsec_cvss_version ver;
        int r = score_rank(&dv->scores[i], &ver);
        if (r < 0 || r < best || (r == best && best_matched))
            continue;
        bool matched = score_matched(&dv->scores[i], fs);
        if (r > best || matched) {
            best = r;
            best_matched = matched;
            bs = &dv->scores[i];
            bv = ver;
        }
    }
    v->cvss_score = -1;
    v->severity = MEDSEC_CVSS_SEV_UNKNOWN;
    if (!bs)
        return;
    struct medsec_cvss c;
    struct medsec_error ig;
    if (medsec_cvss_parse(bs->vector, &c, &ig) != MEDSEC_OK)
        return;
    struct medsec_cvss_scores sc;
    medsec_cvss_score(&c, &sc);
    v->cvss_score = bs->score >= 0 ? bs->score : sc.base;
    v->cvss_vector = scan_strdup(S, bs->vector);
    v->cvss_version = medsec_cvss_version_name(bv);
    v->cvss_record_source = scan_strdup(S, bs->source);
    v->cvss_record = scan_strdup(S, bs->record_id);
    /* who scored it: NVD's and OSV's scorer, else the advisory (CSAF "scored_by" lists product ids)
     */
    if (bs->scored_by && bs->scored_by[0] && !strchr(bs->scored_by, '\n') && bs->source &&
        strcmp(bs->source, "csaf") != 0) {
        v->cvss_source = scan_strdup(S, bs->scored_by);
    } else {
        char who[300];
        snprintf(who, sizeof who, "%s:%s", bs->source ? bs->source : "?",
                 bs->record_id ? bs->record_id : "?");
        v->cvss_source = scan_strdup(S, who);
    }
    v->severity = medsec_cvss_severity(bv, v->cvss_score);
}

/* Make the table of ids twice as large as the records need (or larger); false when memory ran out.
 */
static bool grow_slots(struct scan *S)
{
    if (S->nvulns * 2 < S->nslots)
        return true;
    size_t ns = S->nslots ? S->nslots * 2 : 256;
    size_t *sl = medsec_calloc(ns, sizeof *sl);
    if (!sl)
        return false;
    for (size_t i = 0; i < S->nvulns; i++) {
        size_t h = hash_str(S->vulns[i]->id) & (ns - 1);
        while (sl[h])
            h = (h + 1) & (ns - 1);
        sl[h] = i + 1;
    }
    medsec_free(S->slots);
    S->slots = sl;
    S->nslots = ns;
    return true;
}

struct medsec_scan_vuln *scan_vuln_for(struct scan *S, const char *id)
{
    if (!grow_slots(S))
        return scan_nomem(S), NULL;
    size_t h = hash_str(id) & (S->nslots - 1);
    while (S->slots[h]) {
        struct medsec_scan_vuln *v = S->vulns[S->slots[h] - 1];
        if (strcmp(v->id, id) == 0)
            return v;
        h = (h + 1) & (S->nslots - 1);
    }
    if (MEDSEC_ARRAY_GROW(S->vulns, S->nvulns, S->cap_vulns))
        return scan_nomem(S), NULL;
    struct medsec_scan_vuln *v = medsec_arena_alloc(&S->res->arena, sizeof *v);
    if (!v)
        return scan_nomem(S), NULL;
    memset(v, 0, sizeof *v);
    v->cvss_score = -1;
    v->severity = MEDSEC_CVSS_SEV_UNKNOWN;
    v->id = scan_strdup(S, id);
    if (!v->id)
        return NULL;
    S->vulns[S->nvulns++] = v;
    S->slots[h] = S->nvulns;
    return v;
}

/* Fill @v, whose findings are @fs, from the database; an id it does not know keeps only its name.
 */
static medsec_err fill(struct scan *S, struct medsec_scan_vuln *v, const struct vuln_findings *fs)
{
    struct medsec_db_vuln dv;
    struct medsec_error e2;
    medsec_err rc = medsec_db_vuln_get(S->db, v->id, &dv, &e2);
    if (rc == MEDSEC_ENOTFOUND)
        return MEDSEC_OK;
    if (rc != MEDSEC_OK) {
        medsec_db_vuln_release(&dv);
        if (!S->rc) {
            *S->err = e2;
            S->rc = rc;
        }
        return S->rc;
    }
    v->summary = scan_strdup(S, dv.summary);
    v->withdrawn = dv.withdrawn != NULL;
    if (dv.n_aliases) {
        v->aliases = medsec_arena_alloc(&S->res->arena, dv.n_aliases * sizeof *v->aliases);
        if (!v->aliases)
            scan_nomem(S);
        for (size_t i = 0; v->aliases && i < dv.n_aliases; i++)
            v->aliases[i] = scan_strdup(S, dv.aliases[i]);
        v->naliases = v->aliases ? dv.n_aliases : 0;
    }
    choose_score(S, &dv, fs, v);
    v->kev = dv.kev;
    v->kev_date_added = scan_strdup(S, dv.kev_date_added);
    v->kev_due_date = scan_strdup(S, dv.kev_due_date);
    v->kev_ransomware = scan_strdup(S, dv.kev_ransomware);
    v->has_epss = dv.has_epss;
    v->epss = dv.epss;
    v->epss_percentile = dv.epss_percentile;
    medsec_db_vuln_release(&dv);
    return S->rc;
}

static int by_vuln(const void *x, const void *y)
{
    uintptr_t a = (uintptr_t)(*(const struct medsec_scan_finding *const *)x)->vuln;
    uintptr_t b = (uintptr_t)(*(const struct medsec_scan_finding *const *)y)->vuln;
    return a < b ? -1 : a > b;
}

medsec_err scan_vuln_details(struct scan *S)
{
    /* the findings grouped by vulnerability record, for the records that matched each */
    size_t n = S->res->nfindings;
    const struct medsec_scan_finding **order = medsec_malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return scan_nomem(S);
    for (size_t i = 0; i < n; i++)
        order[i] = &S->res->findings[i];
    qsort(order, n, sizeof *order, by_vuln);
    for (size_t i = 0; i < S->nvulns && !S->rc; i++) {
        const struct medsec_scan_vuln *v = S->vulns[i];
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if ((uintptr_t)order[mid]->vuln < (uintptr_t)v)
                lo = mid + 1;
            else
                hi = mid;
        }
        size_t end = lo;
        while (end < n && order[end]->vuln == v)
            end++;
        struct vuln_findings fs = {order + lo, end - lo};
        fill(S, S->vulns[i], &fs);
    }
    medsec_free(order);
    return S->rc;
}

void scan_vulns_release(struct scan *S)
{
    medsec_free(S->vulns);
    medsec_free(S->slots);
}
