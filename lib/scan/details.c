/* details.c: the vulnerability records of a scan: one per identity, found by id, and filled once
 * from the database: aliases, summary, the chosen CVSS score and its severity, KEV and EPSS. */
#include <stdio.h>
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

static void choose_score(struct scan *S, const struct medsec_db_vuln *dv,
                         struct medsec_scan_vuln *v)
{
    int best = -1;
    const struct medsec_db_score *bs = NULL;
    enum medsec_cvss_version bv = MEDSEC_CVSS_V31;
    for (size_t i = 0; i < dv->n_scores; i++) {
        enum medsec_cvss_version ver;
        int r = score_rank(&dv->scores[i], &ver);
        if (r > best) {
            best = r;
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

/* Fill @v from the database; an id it does not know keeps only its name. */
static medsec_err fill(struct scan *S, struct medsec_scan_vuln *v)
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
    choose_score(S, &dv, v);
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

medsec_err scan_vuln_details(struct scan *S)
{
    for (size_t i = 0; i < S->nvulns && !S->rc; i++)
        fill(S, S->vulns[i]);
    return S->rc;
}

void scan_vulns_release(struct scan *S)
{
    medsec_free(S->vulns);
    medsec_free(S->slots);
}
