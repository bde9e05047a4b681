/* scan.c: the vulnerability matcher (medsec/scan.h): purl, CPE and CSAF product paths, findings merged
 * per component and vulnerability identity, details (scores, KEV, EPSS) looked up once per identity. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/cpe.h"
#include "medsec/cvss.h"
#include "medsec/purl.h"
#include "medsec/scan.h"
#include "medsec/version.h"

#define VMAX 256          /* longest version we order; longer ones are "unorderable" */
#define MAX_NODES 256     /* nodes of one CPE configuration */
#define MAX_CRITERIA 4096 /* criteria of one CPE configuration */

const char *medsec_scan_method_name(enum medsec_scan_method m)
{
    switch (m) {
    case MEDSEC_SCAN_BY_PURL: return "purl";
    case MEDSEC_SCAN_BY_CPE: return "cpe";
    case MEDSEC_SCAN_BY_PRODUCT: return "product";
    }
    return "?";
}

/* ---- OSV ranges ---- */

static bool copy_version(char *dst, const char *s, size_t n, bool strip_v)
{
    if (strip_v && n > 1 && (s[0] == 'v' || s[0] == 'V') && isdigit((unsigned char)s[1]))
        s++, n--;
    if (n == 0 || n >= VMAX)
        return false;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return true;
}

static bool is_zero_intro(const struct medsec_scan_event *e)
{
    return e->kind == MEDSEC_DB_EV_INTRODUCED && e->len == 1 && e->version[0] == '0';
}

medsec_err medsec_scan_osv_range(enum medsec_vscheme scheme, const struct medsec_scan_event *ev, size_t n,
                                 const char *version, bool *affected, struct medsec_error *err)
{
    *affected = false;
    if (n > MEDSEC_DB_MAX_EVENTS)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "range has more than %d events",
                                MEDSEC_DB_MAX_EVENTS);
    bool strip = scheme == MEDSEC_VS_SEMVER;
    char v[VMAX];
    if (!copy_version(v, version, strlen(version), strip) || !medsec_version_valid(scheme, v))
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "version '%s' is not valid in scheme %s", version,
                                medsec_vscheme_name(scheme));
    /* each event's position relative to v: -1 below, 0 equal, 1 above; and an order among events */
    int rel[MEDSEC_DB_MAX_EVENTS];
    size_t order[MEDSEC_DB_MAX_EVENTS];
    char (*evs)[VMAX] = medsec_malloc(sizeof(char[VMAX]) * (n ? n : 1));
    if (!evs)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; i < n; i++) {
        order[i] = i;
        if (is_zero_intro(&ev[i])) {
            rel[i] = -1;
            continue;
        }
        if (!copy_version(evs[i], ev[i].version, ev[i].len, strip) || !medsec_version_valid(scheme, evs[i])) {
            rc = medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "event version '%.*s' is not valid in scheme %s",
                                  (int)(ev[i].len < 64 ? ev[i].len : 64), ev[i].version, medsec_vscheme_name(scheme));
            goto out;
        }
        int c;
        rc = medsec_version_compare(scheme, evs[i], v, &c, err);
        if (rc)
            goto out;
        rel[i] = c < 0 ? -1 : c > 0;
    }
    /* insertion sort of the events by version (stable; "0" first) */
    for (size_t i = 1; i < n; i++) {
        size_t k = order[i], j = i;
        while (j > 0) {
            size_t p = order[j - 1];
            int c;
            if (is_zero_intro(&ev[k]))
                c = is_zero_intro(&ev[p]) ? 0 : -1;
            else if (is_zero_intro(&ev[p]))
                c = 1;
            else {
                rc = medsec_version_compare(scheme, evs[k], evs[p], &c, err);
                if (rc)
                    goto out;
            }
            if (c >= 0)
                break;
            order[j] = p;
            j--;
        }
        order[j] = k;
    }
    bool in = false;
    for (size_t i = 0; i < n; i++) {
        size_t k = order[i];
        switch (ev[k].kind) {
        case MEDSEC_DB_EV_INTRODUCED:
            if (rel[k] <= 0)
                in = true;
            break;
        case MEDSEC_DB_EV_FIXED:
        case MEDSEC_DB_EV_LIMIT:
            if (rel[k] <= 0)
                in = false;
            break;
        case MEDSEC_DB_EV_LAST_AFFECTED:
            if (rel[k] < 0)
                in = false;
            break;
        }
    }
    *affected = in;
out:
    medsec_free(evs);
    return rc;
}

/* ---- the scan state ---- */

struct sbom_cpe {
    size_t comp;
    const char *src;         /* the CPE name as the SBOM gives it */
    struct medsec_cpe *wfn;  /* parsed, with the component's version filled in when the CPE left it open;
                              * NULL when no advisory names its key (wfn_of parses it again if needed) */
    char version[VMAX];      /* unquoted version ("" when none) */
    char vendor[128], product[128]; /* unquoted, for the cheap pre-check of criteria */
};

/* Field @idx of a CPE 2.3 formatted string (split at unescaped ':'), backslashes removed, lowercased.
 * False when the field is missing or longer than @cap - 1. */
static bool fs_field(const char *fs, int idx, char *out, size_t cap)
{
    int field = 0;
    size_t o = 0;
    for (const char *p = fs; *p; p++) {
        if (*p == '\\' && p[1]) {
            if (field == idx) {
                if (o + 1 >= cap)
                    return false;
                out[o++] = (char)tolower((unsigned char)p[1]);
            }
            p++;
            continue;
        }
        if (*p == ':') {
            if (field == idx)
                break;
            field++;
            continue;
        }
        if (field == idx) {
            if (o + 1 >= cap)
                return false;
            out[o++] = (char)tolower((unsigned char)*p);
        }
    }
    if (field != idx)
        return false;
    out[o] = '\0';
    return true;
}

/* The vendor and product of a criterion string, read once for comparing with many SBOM CPEs. */
struct crit_vp {
    char v[128], p[128];
    bool known, vw, pw; /* known: both fields read; vw, pw: they hold wildcards */
};

static void crit_vp_read(const char *criteria, struct crit_vp *c)
{
    c->known = fs_field(criteria, 3, c->v, sizeof c->v) && fs_field(criteria, 4, c->p, sizeof c->p);
    c->vw = c->known && strpbrk(c->v, "*?") != NULL;
    c->pw = c->known && strpbrk(c->p, "*?") != NULL;
}

/* Could the criterion name the same vendor:product as @sc? (no parsing) */
static bool same_product(const struct crit_vp *c, const struct sbom_cpe *sc)
{
    if (!c->known)
        return true; /* cannot tell cheaply: let the full match decide */
    return (c->vw || strcmp(c->v, sc->vendor) == 0) && (c->pw || strcmp(c->p, sc->product) == 0);
}

/* Details of one identity, looked up once per scan. */
struct detail {
    const char *id;
    const char **aliases; size_t naliases;
    const char *summary, *cvss_version, *cvss_vector, *cvss_source, *severity;
    double cvss_score;
    bool kev, has_epss, withdrawn;
    const char *kev_date_added, *kev_due_date, *kev_ransomware;
    double epss, epss_percentile;
};

struct scan {
    struct medsec_db *db;
    const struct medsec_sbom *sbom;
    unsigned flags;
    struct medsec_scan_result *res;
    struct medsec_diags *notes;
    struct medsec_error *err;
    medsec_err rc; /* first failure inside a callback */
    struct sbom_cpe *cpes; size_t ncpes;
    size_t cap_findings;
    size_t comp_first; /* first finding of the current component */
    size_t cpe_cursor; /* first SBOM CPE of the current component (cpes are in component order) */
    /* the component being matched */
    size_t comp;
    const char *version; /* its version ("" when unknown) */
    const struct medsec_purl *purl;
    char vendors[4][128]; size_t nvendors; /* normalised vendor names for the product path */
    struct sbom_cpe *ccpes; size_t nccpes; /* this component's CPEs (a slice of cpes) */
    /* (entry, config) pairs of the CPE path for this component */
    struct pair { int64_t entry; unsigned config; char *criteria, *reason, *fixed; } *pairs;
    size_t npairs, cap_pairs;
    /* identity details cache: open addressing on the id */
    struct detail *details; size_t ndetails, cap_details;
    size_t *slots; size_t nslots;
    struct config *config; /* eval_config's buffer, kept for the whole scan */
    struct medsec_arena wfns; /* the parsed SBOM CPEs kept (sbom_cpe.wfn) */
};

static medsec_err nomem(struct scan *S)
{
    if (!S->rc)
        S->rc = medsec_error_set(S->err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    return S->rc;
}

static const char *adup(struct scan *S, const char *s)
{
    if (!s)
        return NULL;
    const char *d = medsec_arena_strdup(&S->res->arena, s);
    if (!d)
        nomem(S);
    return d;
}

static void note(struct scan *S, enum medsec_severity sev, size_t comp, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void note(struct scan *S, enum medsec_severity sev, size_t comp, const char *fmt, ...)
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
        nomem(S);
}

/* ---- findings ---- */

static struct medsec_scan_finding *finding_for(struct scan *S, const char *id)
{
    struct medsec_scan_result *R = S->res;
    for (size_t i = S->comp_first; i < R->nfindings; i++)
        if (strcmp(R->findings[i].id, id) == 0)
            return &R->findings[i];
    if (R->nfindings == S->cap_findings) {
        size_t nc = S->cap_findings ? S->cap_findings * 2 : 64;
        void *p = medsec_realloc(R->findings, nc * sizeof *R->findings);
        if (!p) {
            nomem(S);
            return NULL;
        }
        R->findings = p;
        S->cap_findings = nc;
    }
    struct medsec_scan_finding *f = &R->findings[R->nfindings++];
    memset(f, 0, sizeof *f);
    f->component = S->comp;
    f->id = adup(S, id);
    f->review = true;
    return f->id ? f : NULL;
}

static void add_fixed(struct scan *S, struct medsec_scan_finding *f, const char *v, size_t n)
{
    if (!v || !n)
        return;
    for (size_t i = 0; i < f->nfixed; i++)
        if (strlen(f->fixed[i]) == n && memcmp(f->fixed[i], v, n) == 0)
            return;
    const char **a = medsec_arena_alloc(&S->res->arena, (f->nfixed + 1) * sizeof *a);
    const char *d = medsec_arena_strndup(&S->res->arena, v, n);
    if (!a || !d) {
        nomem(S);
        return;
    }
    if (f->nfixed)
        memcpy(a, f->fixed, f->nfixed * sizeof *a);
    a[f->nfixed++] = d;
    f->fixed = a;
}

static void add_match(struct scan *S, struct medsec_scan_finding *f, enum medsec_scan_method m, const char *source,
                      const char *record, const char *name, const char *key, const char *reason, bool review)
{
    for (size_t i = 0; i < f->nmatches; i++) {
        struct medsec_scan_match *x = &f->matches[i];
        if (x->method == m && strcmp(x->source, source ? source : "") == 0 &&
            strcmp(x->record_id, record ? record : "") == 0 && strcmp(x->key, key ? key : "") == 0)
            return; /* the same advisory through the same key: once */
    }
    struct medsec_scan_match *a = medsec_arena_alloc(&S->res->arena, (f->nmatches + 1) * sizeof *a);
    if (!a) {
        nomem(S);
        return;
    }
    if (f->nmatches)
        memcpy(a, f->matches, f->nmatches * sizeof *a);
    a[f->nmatches] = (struct medsec_scan_match){m, adup(S, source ? source : ""), adup(S, record ? record : ""),
                                                adup(S, name), adup(S, key ? key : ""), adup(S, reason), review};
    f->matches = a;
    f->nmatches++;
    if (!review)
        f->review = false;
}

/* ---- advisory rows (purl and product paths) ---- */

struct row_verdict {
    bool affected, review;
    char reason[512];
};

static void events_text(const struct medsec_db_range *r, char *out, size_t cap)
{
    static const char *const kn[] = {"introduced", "fixed", "last_affected", "limit"};
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < r->n_events && i < MEDSEC_DB_MAX_EVENTS && o + 1 < cap; i++) {
        int w = snprintf(out + o, cap - o, "%s%s %.*s", i ? ", " : "", kn[r->events[i].kind],
                         (int)(r->events[i].len > 80 ? 80 : r->events[i].len), r->events[i].version);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

/* Is @ver inside the vers: range @txt (NUL-terminated)? CISA writes "vers:all/..." for "any scheme":
 * read as generic. Versions the scheme cannot order match only an exact "=" constraint. */
static bool vers_has(struct scan *S, const char *txt, const char *ver)
{
    char buf[1024];
    if (strncmp(txt, "vers:all/", 9) == 0) {
        snprintf(buf, sizeof buf, "vers:generic/%s", txt + 9);
        txt = buf;
    }
    struct medsec_vers vr;
    struct medsec_error e2;
    bool in = false;
    if (medsec_vers_parse(txt, &vr, &e2) != MEDSEC_OK) {
        S->res->unorderable++;
        return false;
    }
    if (medsec_vers_contains(&vr, ver, &in, &e2) != MEDSEC_OK) {
        in = false;
        for (size_t i = 0; i < vr.n; i++)
            if (vr.c[i].op == MEDSEC_VERS_EQ && strcmp(vr.c[i].version, ver) == 0)
                in = true;
        if (!in)
            S->res->unorderable++;
    }
    medsec_vers_release(&vr);
    return in;
}

/* The version scheme of an advisory row: its own, or its OSV ecosystem's. False when unknown. */
static bool row_scheme(const struct medsec_db_affected *a, enum medsec_vscheme *scheme)
{
    *scheme = MEDSEC_VS_GENERIC;
    bool known = a->scheme && medsec_vscheme_from_name(a->scheme, scheme);
    if (!known && a->ecosystem)
        known = medsec_vscheme_for_osv_ecosystem(a->ecosystem, scheme);
    return known;
}

/* Is S->version affected according to one affected row? */
static void judge_row(struct scan *S, const struct medsec_db_affected *a, struct row_verdict *v)
{
    memset(v, 0, sizeof *v);
    const char *ver = S->version;
    enum medsec_vscheme scheme;
    bool known = row_scheme(a, &scheme);
    /* enumerated versions */
    for (const char *p = a->versions; p && *p && ver[0];) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char lv[VMAX];
        if (copy_version(lv, p, n, false) && strncmp(lv, "vers:", 5) == 0) {
            /* a CSAF product_version that is itself a vers: range */
            if (vers_has(S, lv, ver)) {
                v->affected = true;
                snprintf(v->reason, sizeof v->reason, "%s in %s", ver, lv);
                return;
            }
        } else if (copy_version(lv, p, n, false)) {
            int c = 1;
            struct medsec_error ig;
            if (strcmp(lv, ver) == 0 || (known && medsec_version_valid(scheme, lv) &&
                                         medsec_version_valid(scheme, ver) &&
                                         medsec_version_compare(scheme, lv, ver, &c, &ig) == MEDSEC_OK && c == 0)) {
                v->affected = true;
                snprintf(v->reason, sizeof v->reason, "%s is listed as affected", ver);
                return;
            }
        }
        p = e ? e + 1 : p + n;
    }
    if (!ver[0])
        return;
    const char *cur = a->ranges;
    struct medsec_db_range r;
    while (medsec_db_range_next(&cur, &r)) {
        struct medsec_error e2;
        switch (r.type) {
        case MEDSEC_DB_RANGE_GIT:
            break; /* commits, not versions: recorded, never matched */
        case MEDSEC_DB_RANGE_SEMVER:
        case MEDSEC_DB_RANGE_ECOSYSTEM: {
            enum medsec_vscheme s = r.type == MEDSEC_DB_RANGE_SEMVER ? MEDSEC_VS_SEMVER : scheme;
            if (r.type == MEDSEC_DB_RANGE_ECOSYSTEM && !known) {
                S->res->unorderable++;
                break;
            }
            if (r.n_events > MEDSEC_DB_MAX_EVENTS) {
                S->res->unorderable++;
                break;
            }
            struct medsec_scan_event ev[MEDSEC_DB_MAX_EVENTS];
            for (size_t i = 0; i < r.n_events; i++)
                ev[i] = (struct medsec_scan_event){r.events[i].kind, r.events[i].version, r.events[i].len};
            bool in = false;
            if (medsec_scan_osv_range(s, ev, r.n_events, ver, &in, &e2) != MEDSEC_OK) {
                S->res->unorderable++;
                break;
            }
            if (in) {
                char evt[400];
                events_text(&r, evt, sizeof evt);
                v->affected = true;
                snprintf(v->reason, sizeof v->reason, "%s in %s range (%s): %s", ver,
                         r.type == MEDSEC_DB_RANGE_SEMVER ? "SEMVER" : "ECOSYSTEM", medsec_vscheme_name(s), evt);
                return;
            }
            break;
        }
        case MEDSEC_DB_RANGE_VERS: {
            char *txt = medsec_strndup(r.text, r.text_len);
            if (!txt) {
                nomem(S);
                return;
            }
            bool in = vers_has(S, txt, ver);
            if (in) {
                v->affected = true;
                snprintf(v->reason, sizeof v->reason, "%s in %s", ver, txt);
            }
            medsec_free(txt);
            if (in)
                return;
            break;
        }
        case MEDSEC_DB_RANGE_TEXT:
            if (!v->review) {
                v->review = true;
                snprintf(v->reason, sizeof v->reason, "range needs review: \"%.*s\" (version %s)",
                         (int)(r.text_len > 200 ? 200 : r.text_len), r.text, ver);
            }
            break;
        }
    }
}

/* Could @v (@n bytes) fix S->version: later than it under @scheme, or not comparable? A fix of an
 * older branch (1.4 for a component at 2.1.3) is no remedy for this component. */
static bool fix_ahead(struct scan *S, enum medsec_vscheme scheme, bool known, const char *v, size_t n)
{
    char fv[VMAX], cv[VMAX];
    bool strip = scheme == MEDSEC_VS_SEMVER;
    int c = 0;
    struct medsec_error ig;
    if (!known || !copy_version(fv, v, n, strip) || !copy_version(cv, S->version, strlen(S->version), strip) ||
        !medsec_version_valid(scheme, fv) || !medsec_version_valid(scheme, cv) ||
        medsec_version_compare(scheme, fv, cv, &c, &ig) != MEDSEC_OK)
        return true;
    return c > 0;
}

/* Fixed versions named by a row that are ahead of the component: its `fixed` list and its ranges'
 * fixed events. */
static void row_fixed(struct scan *S, struct medsec_scan_finding *f, const struct medsec_db_affected *a)
{
    enum medsec_vscheme scheme;
    bool known = row_scheme(a, &scheme);
    for (const char *p = a->fixed; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (fix_ahead(S, scheme, known, p, n))
            add_fixed(S, f, p, n);
        p = e ? e + 1 : p + n;
    }
    const char *cur = a->ranges;
    struct medsec_db_range r;
    while (medsec_db_range_next(&cur, &r))
        if (r.type == MEDSEC_DB_RANGE_SEMVER || r.type == MEDSEC_DB_RANGE_ECOSYSTEM)
            for (size_t i = 0; i < r.n_events && i < MEDSEC_DB_MAX_EVENTS; i++)
                if (r.events[i].kind == MEDSEC_DB_EV_FIXED &&
                    fix_ahead(S, r.type == MEDSEC_DB_RANGE_SEMVER ? MEDSEC_VS_SEMVER : scheme,
                              r.type == MEDSEC_DB_RANGE_SEMVER || known, r.events[i].version, r.events[i].len))
                    add_fixed(S, f, r.events[i].version, r.events[i].len);
}

static bool row_usable(struct scan *S, const struct medsec_db_affected *a)
{
    if (a->withdrawn && !(S->flags & MEDSEC_SCAN_WITHDRAWN))
        return false;
    if (!a->status || strcmp(a->status, "affected") != 0)
        return false;
    return a->vuln != NULL;
}

/* The distro qualifier of a purl and an ecosystem's release ("Debian:12", "AlmaLinux:9") must agree. */
static bool distro_fits(const struct medsec_purl *p, const char *ecosystem)
{
    const char *colon = ecosystem ? strchr(ecosystem, ':') : NULL;
    const char *distro = p ? medsec_purl_qualifier(p, "distro") : NULL;
    if (!colon || !distro)
        return true;
    const char *rel = colon + 1;
    size_t n = strlen(rel);
    /* "debian-12", "bookworm"... : the release must appear as a whole token */
    for (const char *q = distro; (q = strstr(q, rel)) != NULL; q++) {
        bool left = q == distro || !isalnum((unsigned char)q[-1]);
        bool right = !isalnum((unsigned char)q[n]) || (q[n] == '.' && isdigit((unsigned char)q[n + 1]));
        if (left && right)
            return true;
    }
    return false;
}

/* Judge one advisory row for the current component and record the finding it gives (if any).
 * Returns non-zero to stop the lookup (a failure). */
static int take_row(struct scan *S, const struct medsec_db_affected *a, enum medsec_scan_method m, const char *key)
{
    struct row_verdict v;
    judge_row(S, a, &v);
    if (!v.affected && !v.review)
        return 0;
    struct medsec_scan_finding *f = finding_for(S, a->vuln);
    if (!f)
        return 1;
    add_match(S, f, m, a->source, a->record_id, a->record_id, key, v.reason, !v.affected);
    row_fixed(S, f, a);
    if (a->withdrawn)
        f->withdrawn = true;
    return S->rc != MEDSEC_OK;
}

static int on_purl_row(void *ud, const struct medsec_db_affected *a)
{
    struct scan *S = ud;
    if (!row_usable(S, a) || !distro_fits(S->purl, a->ecosystem))
        return 0;
    char key[512];
    snprintf(key, sizeof key, "pkg:%s/%s%s%s", a->purl_type, a->purl_ns && *a->purl_ns ? a->purl_ns : "",
             a->purl_ns && *a->purl_ns ? "/" : "", a->purl_name);
    return take_row(S, a, MEDSEC_SCAN_BY_PURL, key);
}

/* Lowercase letters and digits only: "Wind River Systems, Inc." -> "windriversystemsinc". */
static void norm_name(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    for (; s && *s && o + 1 < cap; s++)
        if (isalnum((unsigned char)*s))
            out[o++] = (char)tolower((unsigned char)*s);
    out[o] = '\0';
}

static bool vendor_fits(struct scan *S, const char *csaf_vendor)
{
    char cv[512];
    norm_name(csaf_vendor, cv, sizeof cv);
    if (!cv[0])
        return false;
    for (size_t i = 0; i < S->nvendors; i++) {
        const char *v = S->vendors[i];
        if (strlen(v) >= 3 && (strstr(cv, v) || (strlen(cv) >= 3 && strstr(v, cv))))
            return true;
    }
    return false;
}

static int on_product_row(void *ud, const struct medsec_db_affected *a)
{
    struct scan *S = ud;
    if (!row_usable(S, a) || (a->purl_type && a->purl_type[0]) || !a->source || strcmp(a->source, "csaf") != 0)
        return 0;
    if (!vendor_fits(S, a->vendor))
        return 0;
    char key[512];
    snprintf(key, sizeof key, "%s / %s", a->vendor ? a->vendor : "?", a->product ? a->product : "?");
    return take_row(S, a, MEDSEC_SCAN_BY_PRODUCT, key);
}

/* ---- CPE path ---- */

/* Does criterion @crit (with its range columns) cover one SBOM CPE? Fills @why when it does. */
static bool load_cpe(const char *s, const char *comp_version, struct sbom_cpe *out, struct medsec_cpe *wfn);

/* The parsed form of @sc: the kept one, or parsed again into @scratch (NULL when that fails). */
static const struct medsec_cpe *wfn_of(struct scan *S, const struct sbom_cpe *sc, struct medsec_cpe *scratch)
{
    if (sc->wfn)
        return sc->wfn;
    struct sbom_cpe tmp;
    return load_cpe(sc->src, S->sbom->components[sc->comp].version, &tmp, scratch) ? scratch : NULL;
}

static bool crit_covers(const struct medsec_cpe *crit, const struct medsec_db_cpe *row, const struct sbom_cpe *sc,
                        const struct medsec_cpe *wfn, char *why, size_t cap)
{
    if (!medsec_cpe_match(crit, wfn, MEDSEC_CPE_MATCH_IGNORE_VERSION))
        return false;
    bool ranged = row->vsi || row->vse || row->vei || row->vee;
    enum medsec_cpe_kind k = medsec_cpe_kind(crit, MEDSEC_CPE_VERSION);
    if (k == MEDSEC_CPE_NA)
        return medsec_cpe_kind(wfn, MEDSEC_CPE_VERSION) == MEDSEC_CPE_NA;
    if (k == MEDSEC_CPE_VALUE) {
        enum medsec_cpe_relation rel = medsec_cpe_compare_attr(crit, wfn, MEDSEC_CPE_VERSION);
        bool eq = rel == MEDSEC_CPE_EQUAL || rel == MEDSEC_CPE_SUPERSET;
        if (!eq && sc->version[0]) {
            char cv[VMAX];
            int c;
            struct medsec_error ig;
            if (medsec_cpe_unquoted(crit, MEDSEC_CPE_VERSION, cv, sizeof cv) == MEDSEC_OK &&
                medsec_version_valid(MEDSEC_VS_GENERIC, cv) && medsec_version_valid(MEDSEC_VS_GENERIC, sc->version) &&
                medsec_version_compare(MEDSEC_VS_GENERIC, cv, sc->version, &c, &ig) == MEDSEC_OK && c == 0)
                eq = true;
        }
        if (!eq)
            return false;
        if (!ranged) {
            if (why)
                snprintf(why, cap, "version %s named by the criterion", sc->version);
            return true;
        }
    }
    if (!ranged) {
        if (why)
            snprintf(why, cap, "the criterion covers every version");
        return true;
    }
    if (!sc->version[0] || !medsec_version_valid(MEDSEC_VS_GENERIC, sc->version))
        return false;
    const char *bounds[4] = {row->vsi, row->vse, row->vei, row->vee};
    for (int i = 0; i < 4; i++) {
        if (!bounds[i])
            continue;
        int c;
        struct medsec_error ig;
        if (!medsec_version_valid(MEDSEC_VS_GENERIC, bounds[i]) ||
            medsec_version_compare(MEDSEC_VS_GENERIC, sc->version, bounds[i], &c, &ig) != MEDSEC_OK)
            return false;
        bool ok = i == 0 ? c >= 0 : i == 1 ? c > 0 : i == 2 ? c <= 0 : c < 0;
        if (!ok)
            return false;
    }
    if (why) {
        char lo[VMAX + 16] = "", hi[VMAX + 16] = "";
        if (row->vsi)
            snprintf(lo, sizeof lo, "from %s (incl.)", row->vsi);
        else if (row->vse)
            snprintf(lo, sizeof lo, "after %s", row->vse);
        if (row->vei)
            snprintf(hi, sizeof hi, "up to %s (incl.)", row->vei);
        else if (row->vee)
            snprintf(hi, sizeof hi, "before %s", row->vee);
        snprintf(why, cap, "%s is %s%s%s", sc->version, lo, lo[0] && hi[0] ? " " : "", hi);
    }
    return true;
}

static int on_cpe_candidate(void *ud, const struct medsec_db_cpe *c)
{
    struct scan *S = ud;
    if (!c->vulnerable || !c->criteria)
        return 0;
    if (!(c->vsi || c->vse || c->vei || c->vee)) {
        /* an exact version in the criterion: compare text before parsing (most criteria are these) */
        char ver[VMAX];
        if (fs_field(c->criteria, 5, ver, sizeof ver) && !strpbrk(ver, "*?") && strcmp(ver, "-") != 0) {
            bool maybe = false;
            for (size_t i = 0; i < S->nccpes && !maybe; i++) {
                char lv[VMAX];
                snprintf(lv, sizeof lv, "%s", S->ccpes[i].version);
                for (char *q = lv; *q; q++)
                    *q = (char)tolower((unsigned char)*q);
                int cmp;
                struct medsec_error ig0;
                maybe = strcmp(lv, ver) == 0 ||
                        (medsec_version_valid(MEDSEC_VS_GENERIC, ver) && medsec_version_valid(MEDSEC_VS_GENERIC, lv) &&
                         medsec_version_compare(MEDSEC_VS_GENERIC, ver, lv, &cmp, &ig0) == MEDSEC_OK && cmp == 0);
            }
            if (!maybe)
                return 0;
        }
    }
    struct medsec_cpe crit;
    struct medsec_error ig;
    if (medsec_cpe_parse(c->criteria, strlen(c->criteria), &crit, &ig) != MEDSEC_OK)
        return 0;
    char why[700];
    const struct sbom_cpe *hit = NULL;
    struct crit_vp vp;
    crit_vp_read(c->criteria, &vp);
    for (size_t i = 0; i < S->nccpes && !hit; i++) {
        struct medsec_cpe scratch;
        const struct medsec_cpe *w = same_product(&vp, &S->ccpes[i]) ? wfn_of(S, &S->ccpes[i], &scratch) : NULL;
        if (w && crit_covers(&crit, c, &S->ccpes[i], w, why, sizeof why))
            hit = &S->ccpes[i];
    }
    if (!hit)
        return 0;
    for (size_t i = 0; i < S->npairs; i++)
        if (S->pairs[i].entry == c->entry && S->pairs[i].config == c->config)
            return 0;
    if (S->npairs == S->cap_pairs) {
        size_t nc = S->cap_pairs ? S->cap_pairs * 2 : 32;
        void *p = medsec_realloc(S->pairs, nc * sizeof *S->pairs);
        if (!p)
            return nomem(S), 1;
        S->pairs = p;
        S->cap_pairs = nc;
    }
    struct pair *pr = &S->pairs[S->npairs];
    pr->entry = c->entry;
    pr->config = c->config;
    pr->criteria = medsec_strdup(c->criteria);
    pr->reason = medsec_strdup(why);
    pr->fixed = c->vee ? medsec_strdup(c->vee) : NULL;
    if (!pr->criteria || !pr->reason || (c->vee && !pr->fixed)) {
        medsec_free(pr->criteria);
        medsec_free(pr->reason);
        medsec_free(pr->fixed);
        return nomem(S), 1;
    }
    S->npairs++;
    return 0;
}

/* One configuration, loaded for evaluation. */
struct config {
    struct scan *S;
    struct medsec_db_cpe_node nodes[MAX_NODES];
    size_t nnodes;
    struct { unsigned node; bool truth, vulnerable; } *crit;
    size_t ncrit, cap;
    bool overflow;
    bool any_platform; /* evaluate with platforms counted as present */
};

static int on_cfg_node(void *ud, const struct medsec_db_cpe_node *n)
{
    struct config *C = ud;
    if (C->nnodes == MAX_NODES) {
        C->overflow = true;
        return 1;
    }
    C->nodes[C->nnodes++] = *n;
    return 0;
}

static int on_cfg_crit(void *ud, const struct medsec_db_cpe *c)
{
    struct config *C = ud;
    if (C->ncrit == MAX_CRITERIA) {
        C->overflow = true;
        return 1;
    }
    if (C->ncrit == C->cap) {
        size_t nc = C->cap ? C->cap * 2 : 16;
        void *p = medsec_realloc(C->crit, nc * sizeof *C->crit);
        if (!p) {
            nomem(C->S);
            return 1;
        }
        C->crit = p;
        C->cap = nc;
    }
    bool truth = false;
    struct medsec_cpe crit;
    struct medsec_error ig;
    bool candidate = false;
    struct crit_vp vp;
    if (c->criteria)
        crit_vp_read(c->criteria, &vp);
    for (size_t i = 0; c->criteria && i < C->S->ncpes && !candidate; i++)
        candidate = same_product(&vp, &C->S->cpes[i]);
    if (candidate && medsec_cpe_parse(c->criteria, strlen(c->criteria), &crit, &ig) == MEDSEC_OK)
        for (size_t i = 0; i < C->S->ncpes && !truth; i++) {
            struct medsec_cpe scratch;
            const struct medsec_cpe *w =
                same_product(&vp, &C->S->cpes[i]) ? wfn_of(C->S, &C->S->cpes[i], &scratch) : NULL;
            truth = w && crit_covers(&crit, c, &C->S->cpes[i], w, NULL, 0);
        }
    C->crit[C->ncrit].node = c->node;
    C->crit[C->ncrit].truth = truth;
    C->crit[C->ncrit].vulnerable = c->vulnerable;
    C->ncrit++;
    return 0;
}

static bool eval_node(const struct config *C, size_t idx, bool platforms_present, int depth)
{
    if (depth > 64)
        return false;
    const struct medsec_db_cpe_node *n = &C->nodes[idx];
    bool and_op = n->and_op, acc = and_op, any = false;
    for (size_t i = 0; i < C->ncrit; i++) {
        if (C->crit[i].node != n->node)
            continue;
        bool t = C->crit[i].truth || (platforms_present && !C->crit[i].vulnerable);
        acc = and_op ? acc && t : acc || t;
        any = true;
    }
    for (size_t i = 0; i < C->nnodes; i++) {
        if (C->nodes[i].parent != (int)n->node || i == idx)
            continue;
        bool t = eval_node(C, i, platforms_present, depth + 1);
        acc = and_op ? acc && t : acc || t;
        any = true;
    }
    if (!any)
        acc = false;
    return n->negate ? !acc : acc;
}

/* 1 true, 0 false, -1 false only because a running-on platform is missing */
static int eval_config(struct scan *S, int64_t entry, unsigned config)
{
    /* one buffer for every configuration of the scan (its node table is large to clear each time) */
    if (!S->config && !(S->config = medsec_calloc(1, sizeof *S->config)))
        return nomem(S), 0;
    struct config *C = S->config;
    C->S = S;
    C->nnodes = C->ncrit = 0;
    C->overflow = false;
    int result = 0;
    if (medsec_db_cpe_config(S->db, entry, config, on_cfg_node, NULL, C, S->err) != MEDSEC_OK) {
        if (!S->rc)
            S->rc = MEDSEC_EDB;
        goto out;
    }
    /* one OR node: the vulnerable criterion that brought us here satisfies it */
    if (C->nnodes == 1 && !C->nodes[0].and_op && !C->nodes[0].negate) {
        result = 1;
        goto out;
    }
    C->nnodes = 0;
    if (medsec_db_cpe_config(S->db, entry, config, on_cfg_node, on_cfg_crit, C, S->err) != MEDSEC_OK) {
        if (!S->rc)
            S->rc = MEDSEC_EDB;
        goto out;
    }
    if (C->overflow || S->rc)
        goto out;
    for (size_t i = 0; i < C->nnodes; i++) {
        if (C->nodes[i].parent >= 0)
            continue;
        if (eval_node(C, i, (S->flags & MEDSEC_SCAN_ANY_PLATFORM) != 0, 0)) {
            result = 1;
            break;
        }
        if (eval_node(C, i, true, 0))
            result = -1;
    }
out:
    return result;
}

static void cpe_path(struct scan *S)
{
    S->npairs = 0;
    /* one candidate query per distinct (vendor:product, version key) of the component's CPEs */
    char keys[8][MEDSEC_CPE_MAX_LEN + VMAX];
    size_t nkeys = 0;
    for (size_t i = 0; i < S->nccpes; i++) {
        char key[MEDSEC_CPE_MAX_LEN], vk[VMAX], both[MEDSEC_CPE_MAX_LEN + VMAX];
        /* no wfn: no advisory names its key, so it has no candidates of its own */
        if (!S->ccpes[i].wfn || medsec_cpe_key(S->ccpes[i].wfn, key, sizeof key) != MEDSEC_OK)
            continue;
        bool exact = medsec_cpe_version_key(S->ccpes[i].wfn, vk, sizeof vk) == MEDSEC_OK;
        snprintf(both, sizeof both, "%s\t%s", key, exact ? vk : "*");
        bool seen = false;
        for (size_t k = 0; k < nkeys; k++)
            seen |= strcmp(keys[k], both) == 0;
        if (seen || nkeys == 8)
            continue;
        snprintf(keys[nkeys++], sizeof keys[0], "%s", both);
        if (medsec_db_cpe_candidates_for(S->db, key, exact ? vk : NULL, on_cpe_candidate, S, S->err) != MEDSEC_OK) {
            if (!S->rc)
                S->rc = MEDSEC_EDB;
            return;
        }
        if (S->rc)
            return;
    }
    for (size_t i = 0; i < S->npairs && !S->rc; i++) {
        struct pair *p = &S->pairs[i];
        int v = eval_config(S, p->entry, p->config);
        if (v < 0)
            S->res->platform_unmet++;
        if (v > 0) {
            struct medsec_db_entry e;
            struct medsec_error ig;
            if (medsec_db_entry_get(S->db, p->entry, &e, &ig) != MEDSEC_OK)
                continue;
            if (e.withdrawn && !(S->flags & MEDSEC_SCAN_WITHDRAWN))
                continue;
            /* entry strings live until the next call on the db: copy what we keep first */
            char vuln[256], name[256], source[32], record[256];
            snprintf(vuln, sizeof vuln, "%s", e.vuln ? e.vuln : e.name);
            snprintf(name, sizeof name, "%s", e.name ? e.name : "");
            snprintf(source, sizeof source, "%s", e.source ? e.source : "");
            snprintf(record, sizeof record, "%s", e.record_id ? e.record_id : "");
            struct medsec_scan_finding *f = finding_for(S, vuln);
            if (!f)
                break;
            add_match(S, f, MEDSEC_SCAN_BY_CPE, source, record, name, p->criteria, p->reason, false);
            if (p->fixed)
                add_fixed(S, f, p->fixed, strlen(p->fixed));
            if (e.withdrawn)
                f->withdrawn = true;
        }
    }
    for (size_t i = 0; i < S->npairs; i++) {
        medsec_free(S->pairs[i].criteria);
        medsec_free(S->pairs[i].reason);
        medsec_free(S->pairs[i].fixed);
    }
    S->npairs = 0;
}

/* ---- SBOM CPEs ---- */

/* Escape a version for the formatted-string binding: [A-Za-z0-9._-] stay, others get a backslash. */
static void fs_escape(const char *v, char *out, size_t cap)
{
    size_t o = 0;
    for (; *v && o + 2 < cap; v++) {
        unsigned char c = (unsigned char)*v;
        if (!(isalnum(c) || c == '.' || c == '_' || c == '-'))
            out[o++] = '\\';
        out[o++] = (char)c;
    }
    out[o] = '\0';
}

/* Parse a component's CPE; when it leaves the version open, fill in the component's version. */
/* Parse CPE @s of a component at @comp_version into @wfn and fill @out's text fields. */
static bool load_cpe(const char *s, const char *comp_version, struct sbom_cpe *out, struct medsec_cpe *wfn)
{
    struct medsec_error ig;
    if (medsec_cpe_parse(s, strlen(s), wfn, &ig) != MEDSEC_OK)
        return false;
    if (medsec_cpe_kind(wfn, MEDSEC_CPE_VERSION) == MEDSEC_CPE_ANY && comp_version && comp_version[0]) {
        char fs[MEDSEC_CPE_TEXT_MAX], esc[2 * VMAX];
        if (strlen(comp_version) >= VMAX || medsec_cpe_format_fs(wfn, fs, sizeof fs) != MEDSEC_OK)
            return false;
        fs_escape(comp_version, esc, sizeof esc);
        /* fields: cpe:2.3:part:vendor:product:version:... — replace field 5 (0-based) */
        char rebuilt[MEDSEC_CPE_TEXT_MAX + 2 * VMAX];
        size_t field = 0, o = 0;
        const char *p = fs;
        for (; *p && o + 1 < sizeof rebuilt; p++) {
            if (field == 5) {
                size_t n = strlen(esc);
                if (o + n + 1 >= sizeof rebuilt)
                    return false;
                memcpy(rebuilt + o, esc, n);
                o += n;
                while (*p && !(*p == ':' && p[-1] != '\\'))
                    p++;
                field++;
                if (!*p)
                    break;
            }
            if (*p == ':' && (p == fs || p[-1] != '\\'))
                field++;
            rebuilt[o++] = *p;
        }
        rebuilt[o] = '\0';
        if (medsec_cpe_parse(rebuilt, o, wfn, &ig) != MEDSEC_OK)
            return false;
    }
    if (medsec_cpe_unquoted(wfn, MEDSEC_CPE_VENDOR, out->vendor, sizeof out->vendor) != MEDSEC_OK)
        out->vendor[0] = '\0';
    if (medsec_cpe_unquoted(wfn, MEDSEC_CPE_PRODUCT, out->product, sizeof out->product) != MEDSEC_OK)
        out->product[0] = '\0';
    if (medsec_cpe_unquoted(wfn, MEDSEC_CPE_VERSION, out->version, sizeof out->version) != MEDSEC_OK ||
        strcmp(out->version, "*") == 0 || strcmp(out->version, "-") == 0)
        out->version[0] = '\0';
    return true;
}

static medsec_err load_sbom_cpes(struct scan *S)
{
    size_t n = 0;
    for (size_t i = 0; i < S->sbom->ncomponents; i++)
        n += S->sbom->components[i].ncpes;
    S->cpes = medsec_malloc((n ? n : 1) * sizeof *S->cpes);
    if (!S->cpes)
        return nomem(S);
    for (size_t i = 0; i < S->sbom->ncomponents; i++) {
        const struct medsec_sbom_component *c = &S->sbom->components[i];
        for (size_t k = 0; k < c->ncpes; k++) {
            struct sbom_cpe *sc = &S->cpes[S->ncpes];
            struct medsec_cpe wfn;
            sc->comp = i;
            sc->src = c->cpes[k];
            sc->wfn = NULL;
            if (load_cpe(c->cpes[k], c->version, sc, &wfn)) {
                /* keep the parsed form (2 KB) only when an advisory may name its key: a syft SBOM
                 * guesses about seven CPE names per package, and few of them are in any advisory */
                char key[MEDSEC_CPE_MAX_LEN];
                if (medsec_cpe_key(&wfn, key, sizeof key) != MEDSEC_OK || medsec_db_cpe_key_known(S->db, key)) {
                    sc->wfn = medsec_arena_alloc(&S->wfns, sizeof *sc->wfn);
                    if (!sc->wfn)
                        return nomem(S);
                    *sc->wfn = wfn;
                }
                S->ncpes++;
            } else
                note(S, MEDSEC_SEV_WARNING, i, "component '%s': CPE '%s' is not a valid CPE name: not matched by CPE",
                     c->name ? c->name : "?", c->cpes[k]);
        }
    }
    return S->rc;
}

/* ---- identity details ---- */

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603ull & (size_t)-1;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * (size_t)1099511628211ull;
    return h;
}

static int score_rank(const struct medsec_db_score *s, enum medsec_cvss_version *ver)
{
    struct medsec_cvss c;
    struct medsec_error ig;
    if (!s->vector || medsec_cvss_parse(s->vector, &c, &ig) != MEDSEC_OK)
        return -1;
    *ver = c.version;
    int r = c.version == MEDSEC_CVSS_V31 ? 40 : c.version == MEDSEC_CVSS_V30 ? 30 : c.version == MEDSEC_CVSS_V40 ? 20 : 10;
    if (s->source && strcmp(s->source, "nvd") == 0)
        r += 5;
    return r;
}

static void choose_score(struct scan *S, const struct medsec_db_vuln *v, struct detail *d)
{
    int best = -1;
    const struct medsec_db_score *bs = NULL;
    enum medsec_cvss_version bv = MEDSEC_CVSS_V31;
    for (size_t i = 0; i < v->n_scores; i++) {
        enum medsec_cvss_version ver;
        int r = score_rank(&v->scores[i], &ver);
        if (r > best) {
            best = r;
            bs = &v->scores[i];
            bv = ver;
        }
    }
    d->cvss_score = -1;
    d->severity = "Unknown";
    if (!bs)
        return;
    struct medsec_cvss c;
    struct medsec_error ig;
    if (medsec_cvss_parse(bs->vector, &c, &ig) != MEDSEC_OK)
        return;
    struct medsec_cvss_scores sc;
    medsec_cvss_score(&c, &sc);
    d->cvss_score = bs->score >= 0 ? bs->score : sc.base;
    d->cvss_vector = adup(S, bs->vector);
    d->cvss_version = medsec_cvss_version_name(bv);
    /* who scored it: NVD's and OSV's scorer, else the advisory (CSAF "scored_by" lists product ids) */
    if (bs->scored_by && bs->scored_by[0] && !strchr(bs->scored_by, '\n') && bs->source &&
        strcmp(bs->source, "csaf") != 0) {
        d->cvss_source = adup(S, bs->scored_by);
    } else {
        char who[300];
        snprintf(who, sizeof who, "%s:%s", bs->source ? bs->source : "?", bs->record_id ? bs->record_id : "?");
        d->cvss_source = adup(S, who);
    }
    d->severity = medsec_cvss_severity_name(medsec_cvss_severity(bv, d->cvss_score));
}

static struct detail *detail_for(struct scan *S, const char *id)
{
    if (S->ndetails * 2 >= S->nslots) {
        size_t ns = S->nslots ? S->nslots * 2 : 256;
        size_t *sl = medsec_calloc(ns, sizeof *sl);
        if (!sl)
            return nomem(S), NULL;
        for (size_t i = 0; i < S->ndetails; i++) {
            size_t h = hash_str(S->details[i].id) & (ns - 1);
            while (sl[h])
                h = (h + 1) & (ns - 1);
            sl[h] = i + 1;
        }
        medsec_free(S->slots);
        S->slots = sl;
        S->nslots = ns;
    }
    size_t h = hash_str(id) & (S->nslots - 1);
    while (S->slots[h]) {
        struct detail *d = &S->details[S->slots[h] - 1];
        if (strcmp(d->id, id) == 0)
            return d;
        h = (h + 1) & (S->nslots - 1);
    }
    if (S->ndetails == S->cap_details) {
        size_t nc = S->cap_details ? S->cap_details * 2 : 64;
        void *p = medsec_realloc(S->details, nc * sizeof *S->details);
        if (!p)
            return nomem(S), NULL;
        S->details = p;
        S->cap_details = nc;
    }
    struct detail *d = &S->details[S->ndetails];
    memset(d, 0, sizeof *d);
    d->id = adup(S, id);
    d->cvss_score = -1;
    d->severity = "Unknown";
    struct medsec_db_vuln v;
    struct medsec_error e2;
    medsec_err rc = medsec_db_vuln_get(S->db, id, &v, &e2);
    if (rc == MEDSEC_OK) {
        d->summary = adup(S, v.summary);
        d->withdrawn = v.withdrawn != NULL;
        if (v.n_aliases) {
            d->aliases = medsec_arena_alloc(&S->res->arena, v.n_aliases * sizeof *d->aliases);
            if (!d->aliases)
                nomem(S);
            for (size_t i = 0; d->aliases && i < v.n_aliases; i++)
                d->aliases[i] = adup(S, v.aliases[i]);
            d->naliases = d->aliases ? v.n_aliases : 0;
        }
        choose_score(S, &v, d);
        d->kev = v.kev;
        d->kev_date_added = adup(S, v.kev_date_added);
        d->kev_due_date = adup(S, v.kev_due_date);
        d->kev_ransomware = adup(S, v.kev_ransomware);
        d->has_epss = v.has_epss;
        d->epss = v.epss;
        d->epss_percentile = v.epss_percentile;
        medsec_db_vuln_release(&v);
    } else if (rc != MEDSEC_ENOTFOUND) {
        medsec_db_vuln_release(&v);
        if (!S->rc) {
            *S->err = e2;
            S->rc = rc;
        }
        return NULL;
    }
    if (!d->id)
        return NULL;
    S->slots[h] = ++S->ndetails;
    return d;
}

static double sev_rank(const struct medsec_scan_finding *f)
{
    return f->cvss_score;
}

static int finding_cmp(const void *a, const void *b)
{
    const struct medsec_scan_finding *x = a, *y = b;
    if (x->component != y->component)
        return x->component < y->component ? -1 : 1;
    if (x->review != y->review)
        return x->review ? 1 : -1;
    double sx = sev_rank(x), sy = sev_rank(y);
    if (sx != sy)
        return sx > sy ? -1 : 1;
    return strcmp(x->id, y->id);
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- driver ---- */

static void add_vendor(struct scan *S, const char *v)
{
    if (!v || S->nvendors == 4)
        return;
    char n[128];
    norm_name(v, n, sizeof n);
    if (strlen(n) < 3)
        return;
    for (size_t i = 0; i < S->nvendors; i++)
        if (strcmp(S->vendors[i], n) == 0)
            return;
    snprintf(S->vendors[S->nvendors++], sizeof S->vendors[0], "%s", n);
}

static void scan_component(struct scan *S, size_t i)
{
    const struct medsec_sbom_component *c = &S->sbom->components[i];
    S->comp = i;
    S->comp_first = S->res->nfindings;
    S->purl = NULL;
    S->nvendors = 0;
    struct medsec_purl p;
    memset(&p, 0, sizeof p);
    bool have_purl = false;
    struct medsec_error e2;
    if (c->purl) {
        if (medsec_purl_parse(c->purl, strlen(c->purl), 0, &p, &e2) == MEDSEC_OK)
            have_purl = true;
        else
            note(S, MEDSEC_SEV_WARNING, i, "component '%s': purl '%s' is not valid (%s): not matched by purl",
                 c->name ? c->name : "?", c->purl, e2.msg);
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
    if (S->nccpes)
        S->res->by_cpe++;
    if (!have_purl && !S->nccpes && !c->is_subject) {
        S->res->unidentified++;
        note(S, MEDSEC_SEV_WARNING, i,
             "component '%s'%s%s has neither a purl nor a CPE: only CSAF product names can match it",
             c->name ? c->name : "?", c->version ? " " : "", c->version ? c->version : "");
    }
    if (have_purl && !(S->flags & MEDSEC_SCAN_NO_PURL)) {
        S->purl = &p;
        if (medsec_db_affected_lookup(S->db, p.type, p.ns, p.name, on_purl_row, S, S->err) != MEDSEC_OK && !S->rc)
            S->rc = MEDSEC_EDB;
    }
    if (!S->rc && S->nccpes && !(S->flags & MEDSEC_SCAN_NO_CPE))
        cpe_path(S);
    if (!S->rc && !(S->flags & MEDSEC_SCAN_NO_PRODUCT) && c->name) {
        if (have_purl && p.ns)
            add_vendor(S, p.ns);
        for (size_t k = 0; k < S->nccpes; k++)
            if (S->ccpes[k].vendor[0])
                add_vendor(S, S->ccpes[k].vendor);
        add_vendor(S, c->supplier);
        add_vendor(S, c->group);
        if (S->nvendors &&
            medsec_db_affected_by_product(S->db, c->name, on_product_row, S, S->err) != MEDSEC_OK && !S->rc)
            S->rc = MEDSEC_EDB;
    }
    S->purl = NULL;
    medsec_purl_release(&p);
    if (S->res->nfindings > S->comp_first)
        S->res->vulnerable_components++;
}

medsec_err medsec_scan_sbom(struct medsec_db *db, const struct medsec_sbom *sbom, const struct medsec_scan_opts *opts,
                            struct medsec_scan_result *out, struct medsec_diags *notes, struct medsec_error *err)
{
    memset(out, 0, sizeof *out);
    out->sbom = sbom;
    struct medsec_error local;
    struct scan S = {.db = db, .sbom = sbom, .flags = opts ? opts->flags : 0, .res = out, .notes = notes,
                     .err = err ? err : &local};
    medsec_error_clear(S.err);
    if (load_sbom_cpes(&S) == MEDSEC_OK) {
        for (size_t i = 0; i < sbom->ncomponents && !S.rc; i++) {
            out->components++;
            scan_component(&S, i);
        }
    }
    /* details, once per identity */
    for (size_t i = 0; i < out->nfindings && !S.rc; i++) {
        struct medsec_scan_finding *f = &out->findings[i];
        struct detail *d = detail_for(&S, f->id);
        if (!d)
            break;
        f->aliases = d->aliases;
        f->naliases = d->naliases;
        f->summary = d->summary;
        f->cvss_version = d->cvss_version;
        f->cvss_vector = d->cvss_vector;
        f->cvss_source = d->cvss_source;
        f->cvss_score = d->cvss_score;
        f->severity = d->severity;
        f->kev = d->kev;
        f->kev_date_added = d->kev_date_added;
        f->kev_due_date = d->kev_due_date;
        f->kev_ransomware = d->kev_ransomware;
        f->has_epss = d->has_epss;
        f->epss = d->epss;
        f->epss_percentile = d->epss_percentile;
        f->withdrawn |= d->withdrawn;
        if (f->nfixed > 1)
            qsort(f->fixed, f->nfixed, sizeof *f->fixed, str_cmp);
    }
    if (out->nfindings > 1)
        qsort(out->findings, out->nfindings, sizeof *out->findings, finding_cmp);
    medsec_free(S.cpes);
    medsec_free(S.pairs);
    medsec_free(S.details);
    medsec_free(S.slots);
    if (S.config)
        medsec_free(S.config->crit);
    medsec_free(S.config);
    medsec_arena_release(&S.wfns);
    return S.rc;
}

void medsec_scan_result_release(struct medsec_scan_result *r)
{
    if (!r)
        return;
    medsec_free(r->findings);
    medsec_arena_release(&r->arena);
    memset(r, 0, sizeof *r);
}
