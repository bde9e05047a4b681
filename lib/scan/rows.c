/* rows.c: the purl and product paths: advisory rows (OSV, CSAF) judged against a component's
 * version (OSV events, vers: ranges, versions lists, free text for review), the fixes ahead of it,
 * and the vendor test of CSAF products matched by name. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/version.h"
#include "scan_int.h"

/* a db range's events are evaluated as the version module's events (their kinds share the values)
 */
_Static_assert(MEDSEC_DB_MAX_EVENTS <= MEDSEC_VERSION_MAX_EVENTS,
               "a db range fits an OSV evaluation");

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
        int w =
            snprintf(out + o, cap - o, "%s%s %.*s", i ? ", " : "", kn[r->events[i].kind],
                     (int)(r->events[i].len > 80 ? 80 : r->events[i].len), r->events[i].version);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

/* Is @ver inside the vers: range @txt (NUL-terminated)? CISA writes "vers:all/..." for "any
 * scheme": read as generic. Versions the scheme cannot order match only an exact "=" constraint.
 * Running out of memory fails the scan (S->rc). */
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
    medsec_err rc = medsec_vers_parse(txt, &vr, &e2);
    if (rc == MEDSEC_ENOMEM) {
        scan_nomem(S);
        return false;
    }
    if (rc != MEDSEC_OK) {
        S->res->unorderable++;
        return false;
    }
    rc = medsec_vers_contains(&vr, ver, &in, &e2);
    if (rc == MEDSEC_ENOMEM) {
        scan_nomem(S);
        in = false;
    } else if (rc != MEDSEC_OK) {
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
        if (medsec_version_copy(lv, p, n, false) && strncmp(lv, "vers:", 5) == 0) {
            /* a CSAF product_version that is itself a vers: range */
            bool in = vers_has(S, lv, ver);
            if (S->rc)
                return;
            if (in) {
                v->affected = true;
                snprintf(v->reason, sizeof v->reason, "%s in %s", ver, lv);
                return;
            }
        } else if (medsec_version_copy(lv, p, n, false)) {
            int c = 1;
            struct medsec_error ig;
            if (strcmp(lv, ver) == 0 ||
                (known && medsec_version_valid(scheme, lv) && medsec_version_valid(scheme, ver) &&
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
        case MEDSEC_DB_RANGE_GIT: break; /* commits, not versions: recorded, never matched */
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
            struct medsec_version_event ev[MEDSEC_DB_MAX_EVENTS];
            for (size_t i = 0; i < r.n_events; i++)
                ev[i] =
                    (struct medsec_version_event){(enum medsec_version_event_kind)r.events[i].kind,
                                                  r.events[i].version, r.events[i].len};
            bool in = false;
            medsec_err rc = medsec_version_osv_contains(s, ev, r.n_events, ver, &in, &e2);
            if (rc == MEDSEC_ENOMEM) {
                scan_nomem(S);
                return;
            }
            if (rc != MEDSEC_OK) {
                S->res->unorderable++;
                break;
            }
            if (in) {
                char evt[400];
                events_text(&r, evt, sizeof evt);
                v->affected = true;
                snprintf(v->reason, sizeof v->reason, "%s in %s range (%s): %s", ver,
                         r.type == MEDSEC_DB_RANGE_SEMVER ? "SEMVER" : "ECOSYSTEM",
                         medsec_vscheme_name(s), evt);
                return;
            }
            break;
        }
        case MEDSEC_DB_RANGE_VERS: {
            char *txt = medsec_strndup(r.text, r.text_len);
            if (!txt) {
                scan_nomem(S);
                return;
            }
            bool in = vers_has(S, txt, ver);
            if (S->rc) {
                medsec_free(txt);
                return;
            }
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
static bool fix_ahead(struct scan *S, enum medsec_vscheme scheme, bool known, const char *v,
                      size_t n)
{
    char fv[VMAX], cv[VMAX];
    bool strip = scheme == MEDSEC_VS_SEMVER;
    int c = 0;
    struct medsec_error ig;
    if (!known || !medsec_version_copy(fv, v, n, strip) ||
        !medsec_version_copy(cv, S->version, strlen(S->version), strip) ||
        !medsec_version_valid(scheme, fv) || !medsec_version_valid(scheme, cv) ||
        medsec_version_compare(scheme, fv, cv, &c, &ig) != MEDSEC_OK)
        return true;
    return c > 0;
}

/* Fixed versions named by a row that are ahead of the component: its `fixed` list and its ranges'
 * fixed events. */
static void row_fixed(struct scan *S, struct medsec_scan_finding *f,
                      const struct medsec_db_affected *a)
{
    enum medsec_vscheme scheme;
    bool known = row_scheme(a, &scheme);
    for (const char *p = a->fixed; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (fix_ahead(S, scheme, known, p, n))
            scan_add_fixed(S, f, p, n);
        p = e ? e + 1 : p + n;
    }
    const char *cur = a->ranges;
    struct medsec_db_range r;
    while (medsec_db_range_next(&cur, &r))
        if (r.type == MEDSEC_DB_RANGE_SEMVER || r.type == MEDSEC_DB_RANGE_ECOSYSTEM)
            for (size_t i = 0; i < r.n_events && i < MEDSEC_DB_MAX_EVENTS; i++)
                if (r.events[i].kind == MEDSEC_DB_EV_FIXED &&
                    fix_ahead(S, r.type == MEDSEC_DB_RANGE_SEMVER ? MEDSEC_VS_SEMVER : scheme,
                              r.type == MEDSEC_DB_RANGE_SEMVER || known, r.events[i].version,
                              r.events[i].len))
                    scan_add_fixed(S, f, r.events[i].version, r.events[i].len);
}

static bool row_usable(struct scan *S, const struct medsec_db_affected *a)
{
    if (a->withdrawn && !(S->flags & MEDSEC_SCAN_WITHDRAWN))
        return false;
    if (!a->status || strcmp(a->status, "affected") != 0)
        return false;
    return a->vuln != NULL;
}

/* The distro qualifier of a purl and an ecosystem's release ("Debian:12", "AlmaLinux:9") must
 * agree. */
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
        bool right =
            !isalnum((unsigned char)q[n]) || (q[n] == '.' && isdigit((unsigned char)q[n + 1]));
        if (left && right)
            return true;
    }
    return false;
}

/* Judge one advisory row for the current component and record the finding it gives (if any).
 * Returns non-zero to stop the lookup (a failure). */
static int take_row(struct scan *S, const struct medsec_db_affected *a, enum medsec_scan_method m,
                    const char *key)
{
    struct row_verdict v;
    judge_row(S, a, &v);
    if (S->rc)
        return 1;
    if (!v.affected && !v.review)
        return 0;
    struct medsec_scan_finding *f = scan_finding_for(S, a->vuln);
    if (!f)
        return 1;
    scan_add_match(S, f, m, a->source, a->record_id, a->record_id, key, v.reason, !v.affected);
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
    snprintf(key, sizeof key, "pkg:%s/%s%s%s", a->purl_type,
             a->purl_ns && *a->purl_ns ? a->purl_ns : "", a->purl_ns && *a->purl_ns ? "/" : "",
             a->purl_name);
    return take_row(S, a, MEDSEC_SCAN_BY_PURL, key);
}

/* Lowercase letters and digits only: "Wind River Systems, Inc." -> "windriversystemsinc". Returns
 * the length (at most @cap - 1). */
static size_t norm_name(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    for (; s && *s && o + 1 < cap; s++)
        if (isalnum((unsigned char)*s))
            out[o++] = (char)tolower((unsigned char)*s);
    out[o] = '\0';
    return o;
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
    if (!row_usable(S, a) || (a->purl_type && a->purl_type[0]) || !a->source ||
        strcmp(a->source, "csaf") != 0)
        return 0;
    if (!vendor_fits(S, a->vendor))
        return 0;
    char key[512];
    snprintf(key, sizeof key, "%s / %s", a->vendor ? a->vendor : "?",
             a->product ? a->product : "?");
    return take_row(S, a, MEDSEC_SCAN_BY_PRODUCT, key);
}

/* Add @v, normalised, to the vendors the product path accepts (at most four; shorter than 3: none).
 */
static void add_vendor(struct scan *S, const char *v)
{
    if (!v || S->nvendors == 4)
        return;
    char n[sizeof S->vendors[0]];
    size_t len = norm_name(v, n, sizeof n);
    if (len < 3)
        return;
    for (size_t i = 0; i < S->nvendors; i++)
        if (strcmp(S->vendors[i], n) == 0)
            return;
    memcpy(S->vendors[S->nvendors++], n, len + 1);
}

/* ---- entry points ---- */

void scan_purl_path(struct scan *S, const struct medsec_purl *p)
{
    S->purl = p;
    if (medsec_db_affected_lookup(S->db, p->type, p->ns, p->name, on_purl_row, S, S->err) !=
            MEDSEC_OK &&
        !S->rc)
        S->rc = MEDSEC_EDB;
}

void scan_product_path(struct scan *S, const struct medsec_purl *p)
{
    const struct medsec_sbom_component *c = &S->sbom->components[S->comp];
    S->nvendors = 0;
    if (p && p->ns)
        add_vendor(S, p->ns);
    /* the SBOM's own CPEs only: a derived CPE's vendor would make a match that does not say it
     * was derived */
    for (size_t k = 0; k < S->nccpes; k++)
        if (S->ccpes[k].vendor[0] && !S->ccpes[k].evidence)
            add_vendor(S, S->ccpes[k].vendor);
    add_vendor(S, c->supplier);
    add_vendor(S, c->group);
    if (S->nvendors &&
        medsec_db_affected_by_product(S->db, c->name, on_product_row, S, S->err) != MEDSEC_OK &&
        !S->rc)
        S->rc = MEDSEC_EDB;
}
