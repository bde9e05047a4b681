/* assess.c: a scan plan's findings against the triage file: which decision or rule covers each
 * finding, whether the advisory moved since (the fingerprint), when it is due; and the VEX
 * statements that follow from it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "medsec/alloc.h"
#include "medsec/cpe.h"
#include "medsec/date.h"
#include "medsec/device.h"
#include "medsec/purl.h"
#include "medsec/scan.h"
#include "medsec/triage.h"
#include "medsec/version.h"
#include "triage_int.h"

static const char *const status_names[] = {"untriaged",     "stale",    "rule",      "hand",
                                           "security file", "supplier", "suggestion"};

const char *medsec_triage_status_name(enum medsec_triage_status s)
{
    return (unsigned)s < MEDSEC_TRIAGE_STATUS_COUNT ? status_names[s] : "?";
}

/* ---- fingerprint ---- */

/* FNV-1a, 64 bits: stable across builds and machines (the value is written into triage files). */
static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}
#define FNV_INIT 0xcbf29ce484222325ull

static uint64_t fnv_s(uint64_t h, const char *s)
{
    h = fnv(h, s ? s : "", s ? strlen(s) : 0);
    return fnv(h, "\x1f", 1);
}

/* The match's reason without the component's own version: "1.0.2j in [1.0.2, 1.0.2k)" and
 * "1.0.2h in [1.0.2, 1.0.2k)" say the same about the advisory. */
static uint64_t hash_reason(uint64_t h, const char *reason, const char *ver)
{
    if (!reason)
        return fnv_s(h, NULL);
    size_t vl = ver ? strlen(ver) : 0;
    if (vl && !strncmp(reason, ver, vl) && reason[vl] == ' ')
        reason += vl + 1;
    char pat[300];
    snprintf(pat, sizeof pat, "(version %s)", ver ? ver : "");
    const char *p = vl ? strstr(reason, pat) : NULL;
    if (!p) {
        snprintf(pat, sizeof pat, "version %s ", ver ? ver : "");
        p = vl ? strstr(reason, pat) : NULL;
    }
    if (p) {
        h = fnv(h, reason, (size_t)(p - reason));
        return fnv_s(h, p + strlen(pat));
    }
    return fnv_s(h, reason);
}

/* A CPE criterion's key with its version field taken out when it is the component's own version
 * (NVD lists affected versions one by one: cpe:...:openssl:1.0.2j and ...:1.0.2h are one
 * statement about the advisory). */
static uint64_t hash_key(uint64_t h, const char *key, const char *ver)
{
    if (!key || strncmp(key, "cpe:2.3:", 8) || !ver)
        return fnv_s(h, key);
    /* the sixth field (cpe, 2.3, part, vendor, product, version), '\\' escapes a ':' */
    const char *p = key;
    for (int field = 0; field < 5 && *p; p++)
        if (*p == '\\' && p[1])
            p++;
        else if (*p == ':')
            field++;
    const char *e = p;
    while (*e && *e != ':')
        e += *e == '\\' && e[1] ? 2 : 1;
    size_t vl = strlen(ver);
    if ((size_t)(e - p) != vl || strncasecmp(p, ver, vl))
        return fnv_s(h, key);
    h = fnv(h, key, (size_t)(p - key));
    h = fnv(h, "=", 1);
    return fnv_s(h, e);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void medsec_triage_fingerprint(const struct medsec_scan_finding *f, const char *comp_version,
                               char out[17])
{
    /* each match hashed alone, the hashes sorted: the order the matcher found them in does not
     * matter */
    uint64_t hs[64];
    size_t n = 0;
    for (size_t i = 0; i < f->nmatches && n < 64; i++) {
        const struct medsec_scan_match *m = &f->matches[i];
        uint64_t h = FNV_INIT;
        h = fnv_s(h, medsec_scan_method_name(m->method));
        h = fnv_s(h, m->source);
        h = fnv_s(h, m->record_id);
        h = hash_key(h, m->key, comp_version);
        h = hash_reason(h, m->reason, comp_version);
        hs[n++] = h;
    }
    qsort(hs, n, sizeof *hs, cmp_u64);
    uint64_t h = FNV_INIT;
    for (size_t i = 0; i < n; i++)
        if (!i || hs[i] != hs[i - 1])
            h = fnv(h,
                    &(unsigned char[8]){(unsigned char)(hs[i] >> 56), (unsigned char)(hs[i] >> 48),
                                        (unsigned char)(hs[i] >> 40), (unsigned char)(hs[i] >> 32),
                                        (unsigned char)(hs[i] >> 24), (unsigned char)(hs[i] >> 16),
                                        (unsigned char)(hs[i] >> 8), (unsigned char)hs[i]},
                    8);
    const struct medsec_scan_vuln *v = f->vuln;
    char score[32] = "";
    if (v->cvss_score >= 0)
        snprintf(score, sizeof score, "%.1f", v->cvss_score);
    h = fnv_s(h, v->cvss_vector);
    h = fnv_s(h, score);
    h = fnv_s(h, v->kev ? "kev" : "-");
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* ---- matching ---- */

/* Does the component spec (a ref, a purl or a CPE) name component @c? Versions in a purl or CPE
 * spec must equal the component's. */
bool medsec_triage_component_is(const char *spec, const struct medsec_sbom_component *c)
{
    if (!spec)
        return false;
    if (!strncmp(spec, "pkg:", 4)) {
        if (!c->purl)
            return false;
        struct medsec_purl a, b;
        struct medsec_error e;
        if (medsec_purl_parse(spec, strlen(spec), 0, &a, &e))
            return false;
        bool same = false;
        if (!medsec_purl_parse(c->purl, strlen(c->purl), 0, &b, &e)) {
            same = medsec_purl_same_package(&a, &b) &&
                   (!a.version || (c->version && !strcmp(a.version, c->version)));
            medsec_purl_release(&b);
        }
        medsec_purl_release(&a);
        return same;
    }
    if (!strncmp(spec, "cpe:2.3:", 8)) {
        char sv[256], sp[256], ver[256];
        if (!medsec_cpe_fs_attr(spec, MEDSEC_CPE_VENDOR, sv, sizeof sv) ||
            !medsec_cpe_fs_attr(spec, MEDSEC_CPE_PRODUCT, sp, sizeof sp) ||
            !medsec_cpe_fs_attr(spec, MEDSEC_CPE_VERSION, ver, sizeof ver))
            return false;
        for (size_t i = 0; i < c->ncpes; i++) {
            char cv[256], cp[256];
            if (medsec_cpe_fs_attr(c->cpes[i], MEDSEC_CPE_VENDOR, cv, sizeof cv) &&
                medsec_cpe_fs_attr(c->cpes[i], MEDSEC_CPE_PRODUCT, cp, sizeof cp) &&
                !strcmp(cv, sv) && !strcmp(cp, sp) &&
                (!strcmp(ver, "*") || (c->version && !strcmp(ver, c->version))))
                return true;
        }
        return false;
    }
    return c->ref && !strcmp(spec, c->ref);
}

/* Is the component's version the decision's (or inside its range)? */
static bool version_in(const char *version, const char *versions, const char *have)
{
    if (version)
        return have && !strcmp(version, have);
    if (!versions)
        return true;
    if (!have)
        return false;
    struct medsec_vers r;
    struct medsec_error e;
    if (medsec_vers_parse(versions, &r, &e))
        return false;
    bool in = false;
    if (medsec_vers_contains(&r, have, &in, &e))
        in = false;
    medsec_vers_release(&r);
    return in;
}

/* Is @id the finding's vulnerability, under its id or one of its aliases? */
bool medsec_triage_vuln_is(const char *id, const struct medsec_scan_vuln *v)
{
    if (!strcmp(id, v->id))
        return true;
    for (size_t i = 0; i < v->naliases; i++)
        if (!strcmp(id, v->aliases[i]))
            return true;
    return false;
}

static bool decision_covers(const struct medsec_triage_decision *d, const char *vuln,
                            const struct medsec_scan_vuln *v, const struct medsec_sbom_component *c)
{
    bool same_vuln = v ? medsec_triage_vuln_is(d->vuln, v) : vuln && !strcmp(d->vuln, vuln);
    return same_vuln && medsec_triage_component_is(d->component, c) &&
           version_in(d->version, d->versions, c->version);
}

/* Is the supplier's statement about the finding's vulnerability (any of its ids against any of the
 * finding's) in component @c? @vuln: a finding the security file assessed (no aliases known). */
static bool supplier_covers(const struct medsec_triage_decision *d, const char *vuln,
                            const struct medsec_scan_vuln *v, const struct medsec_sbom_component *c)
{
    const struct medsec_vex_statement *s = d->statement;
    bool same_vuln = false;
    for (size_t k = 0; k <= (s ? s->naliases : 0) && !same_vuln; k++) {
        const char *id = k ? s->aliases[k - 1] : d->vuln;
        same_vuln = v ? medsec_triage_vuln_is(id, v) : vuln && !strcmp(id, vuln);
    }
    return same_vuln && medsec_triage_component_is(d->component, c) &&
           version_in(d->version, d->versions, c->version);
}

static const struct medsec_triage_decision *supplier_for(const struct medsec_triage *t,
                                                         const char *vuln,
                                                         const struct medsec_scan_vuln *v,
                                                         const struct medsec_sbom_component *c)
{
    for (size_t i = 0; i < t->nsupplied; i++)
        if (supplier_covers(&t->supplied[i], vuln, v, c))
            return &t->supplied[i];
    return NULL;
}

bool medsec_triage_lowers(enum medsec_vex_state supplier, enum medsec_vex_state state)
{
    return supplier == MEDSEC_VEX_EXPLOITABLE && state != MEDSEC_VEX_EXPLOITABLE;
}

bool medsec_triage_item_decided(const struct medsec_triage_item *it)
{
    return it->status == MEDSEC_TRIAGE_BY_HAND || it->status == MEDSEC_TRIAGE_BY_RULE ||
           it->status == MEDSEC_TRIAGE_BY_SUPPLIER || it->status == MEDSEC_TRIAGE_BY_SUGGESTION;
}

/* ---- rules ---- */

/* Top-level folders of the kernel tree a path in advisory text can start with. */
static const char *const kernel_top[] = {"arch/",   "block/",   "certs/", "crypto/",   "drivers/",
                                         "fs/",     "include/", "init/",  "io_uring/", "ipc/",
                                         "kernel/", "lib/",     "mm/",    "net/",      "security/",
                                         "sound/",  "virt/"};
/* Folders every kernel build compiles (or whose headers every build includes): a path in them is
 * counted as built whatever the rule lists. */
static const char *const kernel_core[] = {"block/",  "include/", "init/", "ipc/",
                                          "kernel/", "lib/",     "mm/"};

static bool is_path_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '/' || c == '.';
}

/* Is source path @p (@n bytes) inside what the build compiles? A built entry that is a prefix of
 * the path at a '/' boundary, or a path that is itself a prefix of a built entry (the advisory
 * names a folder the build uses part of: not decidable, so counted as built). */
static bool path_built(const struct medsec_triage_rule *u, const char *p, size_t n)
{
    for (size_t i = 0; i < sizeof kernel_core / sizeof *kernel_core; i++)
        if (!strncmp(p, kernel_core[i], strlen(kernel_core[i])))
            return true;
    for (size_t i = 0; i < u->nbuilt; i++) {
        const char *b = u->built[i];
        size_t bl = strlen(b);
        while (bl && b[bl - 1] == '/')
            bl--;
        if (n >= bl && !strncmp(p, b, bl) && (n == bl || p[bl] == '/' || p[bl] == '.'))
            return true;
        if (bl >= n && !strncmp(p, b, n) && (bl == n || b[n] == '/' || p[n - 1] == '/'))
            return true;
    }
    return false;
}

/*
 * The kernel rule: the advisory text names kernel source paths ("drivers/media/usb/...",
 * "net/sctp/socket.c") and none of them is built. No path named, or any path built: no match.
 * @why gets the first path named.
 */
static bool kernel_match(const struct medsec_triage_rule *u, const char *text, char *why,
                         size_t cap)
{
    if (!text)
        return false;
    size_t named = 0;
    for (const char *s = text; *s;) {
        if (s != text && is_path_char(s[-1])) {
            s++;
            continue;
        }
        size_t n = 0;
        for (size_t k = 0; k < sizeof kernel_top / sizeof *kernel_top && !n; k++)
            if (!strncmp(s, kernel_top[k], strlen(kernel_top[k])))
                n = strlen(kernel_top[k]);
        if (!n) {
            s++;
            continue;
        }
        while (is_path_char(s[n]))
            n++;
        while (n && (s[n - 1] == '.' || s[n - 1] == '/'))
            n--; /* the end of a sentence */
        if (path_built(u, s, n))
            return false;
        if (!named++)
            snprintf(why, cap, "the advisory names %.*s, which the build does not compile",
                     (int)(n > 200 ? 200 : n), s);
        s += n;
    }
    return named > 0;
}

/* Does the CVSS vector need a local or physical attacker (AV:L, AV:P)? */
static bool local_vector(const char *vec, char *why, size_t cap)
{
    if (!vec)
        return false;
    for (const char *p = strstr(vec, "AV:"); p; p = strstr(p + 1, "AV:"))
        if ((p == vec || p[-1] == '/' || p[-1] == '(') && (p[3] == 'L' || p[3] == 'P') &&
            (p[4] == '/' || p[4] == '\0' || p[4] == ')')) {
            snprintf(why, cap, "CVSS AV:%c: the attacker must be %s", p[3],
                     p[3] == 'L' ? "logged in locally" : "at the hardware");
            return true;
        }
    return false;
}

/* The item names the current release's SBOM; an older release's SBOM of the same part has the same
 * file name in another folder (sbom/main-board.cdx.json, sbom/3.1.4/main-board.cdx.json). */
static bool same_sbom(const char *a, const char *b)
{
    const char *x = strrchr(a, '/'), *y = strrchr(b, '/');
    return !strcmp(x ? x + 1 : a, y ? y + 1 : b);
}

/* Is the target's component @c part of one of the rule's items? */
static bool in_items(const struct medsec_triage_rule *u, const struct medsec_scan_target *t,
                     const struct medsec_sbom_component *c)
{
    if (!t->model || !c->ref)
        return false;
    for (size_t i = 0; i < t->model->nitems; i++) {
        const struct medsec_model_item *it = &t->model->items[i];
        bool listed = false;
        for (size_t k = 0; k < u->nitems && !listed; k++)
            listed = it->id && !strcmp(it->id, u->items[k]);
        if (!listed || !it->sbom || !t->model_sbom || !same_sbom(it->sbom, t->model_sbom))
            continue;
        for (size_t k = 0; k < it->components.n; k++)
            if (!strcmp(it->components.v[k], c->ref))
                return true;
    }
    return false;
}

static bool cwe_listed(const char *cwes, const char *cwe)
{
    size_t n = strlen(cwe);
    for (const char *p = cwes; p && (p = strstr(p, cwe)); p += n)
        if ((p == cwes || p[-1] == ',' || p[-1] == ' ') &&
            (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
            return true;
    return false;
}

/* The security file's own assessment of the finding (`vulnerabilities:` naming the component or
 * its item), or NULL. Those it assesses as not affected or fixed never reach the findings. */
static const struct medsec_model_vulnerability *
file_assessment(const struct medsec_scan_target *t, const struct medsec_scan_vuln *v,
                const struct medsec_sbom_component *c)
{
    for (size_t i = 0; t->model && c->ref && i < t->model->nvulnerabilities; i++) {
        const struct medsec_model_vulnerability *mv = &t->model->vulnerabilities[i];
        if (!mv->id || !medsec_triage_vuln_is(mv->id, v))
            continue;
        for (size_t k = 0; k < mv->components.n; k++)
            if (!strcmp(mv->components.v[k], c->ref))
                return mv;
    }
    return NULL;
}

struct run {
    const struct medsec_triage *t;
    struct medsec_db *db;
    struct medsec_triage_report *out;
    struct medsec_error *err;
    size_t cap_items, cap_unused;
};

static medsec_err rule_for(struct run *R, const struct medsec_scan_target *t,
                           const struct medsec_scan_finding *f,
                           const struct medsec_sbom_component *c, struct medsec_triage_item *it)
{
    for (size_t i = 0; i < R->t->nrules; i++) {
        const struct medsec_triage_rule *u = &R->t->rules[i];
        char why[300] = "";
        bool hit = false;
        switch (u->kind) {
        case MEDSEC_TRIAGE_RULE_KERNEL:
            hit = medsec_triage_component_is(u->component, c) &&
                  kernel_match(u, f->vuln->summary, why, sizeof why);
            break;
        case MEDSEC_TRIAGE_RULE_LOCAL:
            hit = in_items(u, t, c) && local_vector(f->vuln->cvss_vector, why, sizeof why);
            break;
        case MEDSEC_TRIAGE_RULE_CWE:
            if (medsec_triage_component_is(u->component, c) && R->db) {
                struct medsec_db_vuln dv;
                struct medsec_error e;
                medsec_err rc = medsec_db_vuln_get(R->db, f->vuln->id, &dv, &e);
                if (rc == MEDSEC_OK) {
                    hit = cwe_listed(dv.cwes, u->cwe);
                    medsec_db_vuln_release(&dv);
                    if (hit)
                        snprintf(why, sizeof why, "the advisory gives %s", u->cwe);
                } else if (rc != MEDSEC_ENOTFOUND) {
                    *R->err = e;
                    return rc;
                }
            }
            break;
        case MEDSEC_TRIAGE_RULE_KIND_COUNT: break;
        }
        if (hit) {
            it->rule = u;
            it->status = MEDSEC_TRIAGE_BY_RULE;
            it->state = u->state;
            it->rule_reason = medsec_arena_strdup(&R->out->arena, why);
            if (!it->rule_reason)
                return medsec_error_set(R->err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
            return MEDSEC_OK;
        }
    }
    return MEDSEC_OK;
}

/* ---- due dates ---- */

static const char *first_seen(const struct medsec_triage *t, const struct medsec_scan_vuln *v,
                              const char *vuln, const struct medsec_sbom_component *c,
                              const char *release_date, bool *recorded)
{
    const char *best = NULL;
    for (size_t i = 0; i < t->nseen; i++) {
        const struct medsec_triage_seen *s = &t->seen[i];
        if ((v ? medsec_triage_vuln_is(s->vuln, v) : vuln && !strcmp(s->vuln, vuln)) &&
            medsec_triage_component_is(s->component, c) &&
            (!s->version || (c->version && !strcmp(s->version, c->version))) &&
            (!best || strcmp(s->first_seen, best) < 0))
            best = s->first_seen;
    }
    *recorded = best != NULL;
    return best ? best : release_date;
}

static const char *release_date(const struct medsec_scan_target *t)
{
    for (size_t i = 0; t->model && t->version && i < t->model->nversions; i++)
        if (!strcmp(t->model->versions[i].version, t->version))
            return t->model->versions[i].release_date;
    return NULL;
}

static bool release_fielded(const struct medsec_scan_target *t)
{
    for (size_t i = 0; t->model && t->version && i < t->model->nversions; i++)
        if (!strcmp(t->model->versions[i].version, t->version))
            return t->model->versions[i].in_field != 0;
    return true;
}

static medsec_err set_due(struct run *R, struct medsec_triage_item *it, const char *today)
{
    const struct medsec_triage_policy *p = &R->t->policy;
    const char *due = it->decision && it->decision->due ? it->decision->due : NULL;
    char buf[11];
    if (!due && it->first_seen) {
        long d0;
        if (!medsec_date_parse(it->first_seen, &d0))
            return MEDSEC_OK;
        const struct medsec_scan_vuln *v = it->finding->vuln;
        enum medsec_cvss_severity sev = v->severity;
        if ((unsigned)sev > MEDSEC_CVSS_SEV_CRITICAL)
            sev = MEDSEC_CVSS_SEV_UNKNOWN;
        long days = p->days[sev];
        if (v->kev && p->kev_days < days)
            days = p->kev_days;
        medsec_date_format((int64_t)(d0 + days) * 86400, buf);
        due = buf;
    }
    if (!due)
        return MEDSEC_OK;
    it->due = medsec_arena_strdup(&R->out->arena, due);
    if (!it->due)
        return medsec_error_set(R->err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    it->past_due = today && strcmp(today, it->due) > 0;
    return MEDSEC_OK;
}

static medsec_err add_item(struct run *R, const struct medsec_triage_item *it)
{
    if (MEDSEC_ARRAY_GROW(R->out->items, R->out->nitems, R->cap_items))
        return medsec_error_set(R->err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    R->out->items[R->out->nitems++] = *it;
    return MEDSEC_OK;
}

bool medsec_triage_assesses(const struct medsec_scan_target *t,
                            const struct medsec_triage_assess_opts *o)
{
    if (o && o->release)
        return t->version && !strcmp(t->version, o->release);
    return (o && o->all) || release_fielded(t);
}

medsec_err medsec_triage_assess_targets(const struct medsec_triage *t, struct medsec_db *db,
                                        const struct medsec_scan_target *const *targets, size_t n,
                                        const struct medsec_triage_assess_opts *opts,
                                        struct medsec_triage_report *out, struct medsec_error *err)
{
    memset(out, 0, sizeof *out);
    out->arena = (struct medsec_arena)MEDSEC_ARENA_INIT;
    medsec_error_clear(err);
    struct run R = {t, db, out, err, 0, 0};
    const char *today = opts ? opts->today : NULL;
    bool *used = medsec_calloc(t->ndecisions + 1, sizeof *used);
    if (!used)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    medsec_err rc = MEDSEC_OK;
    for (size_t ti = 0; ti < n && !rc; ti++) {
        const struct medsec_scan_target *tg = targets[ti];
        if (!medsec_triage_assesses(tg, opts))
            continue;
        const char *rdate = release_date(tg);
        for (size_t k = 0; k < tg->result.nfindings && !rc; k++) {
            const struct medsec_scan_finding *f = &tg->result.findings[k];
            const struct medsec_sbom_component *c = &tg->sbom->components[f->component];
            struct medsec_triage_item it = {0};
            it.target = tg;
            it.finding = f;
            it.component = f->component;
            it.vuln = f->vuln->id;
            it.state = MEDSEC_VEX_IN_TRIAGE;
            medsec_triage_fingerprint(f, c->version, it.fingerprint);
            for (size_t d = 0; d < t->ndecisions && !it.decision; d++)
                if (decision_covers(&t->decisions[d], NULL, f->vuln, c)) {
                    it.decision = &t->decisions[d];
                    used[d] = true;
                }
            /* the manufacturer's decision overrides the supplier's statement, but lowers one
             * that says exploitable only with its reasons written down */
            it.supplier = supplier_for(t, NULL, f->vuln, c);
            if (it.decision && it.supplier &&
                medsec_triage_lowers(it.supplier->state, it.decision->state) &&
                !it.decision->detail) {
                it.refused = it.decision;
                it.decision = NULL;
            }
            if (it.decision) {
                it.state = it.decision->state;
                it.status =
                    it.decision->fingerprint && strcmp(it.decision->fingerprint, it.fingerprint)
                        ? MEDSEC_TRIAGE_STALE
                    : it.decision->suggested ? MEDSEC_TRIAGE_BY_SUGGESTION
                                             : MEDSEC_TRIAGE_BY_HAND;
            } else if (file_assessment(tg, f->vuln, c)) {
                it.status = MEDSEC_TRIAGE_BY_FILE;
                it.state = MEDSEC_VEX_EXPLOITABLE;
            } else if (it.supplier) {
                /* over the rules: a bulk rule never lowers what a supplier states */
                it.decision = it.supplier;
                it.status = MEDSEC_TRIAGE_BY_SUPPLIER;
                it.state = it.supplier->state;
            } else
                rc = rule_for(&R, tg, f, c, &it);
            if (rc)
                break;
            it.first_seen = first_seen(t, f->vuln, NULL, c, rdate, &it.seen_recorded);
            if (it.status == MEDSEC_TRIAGE_UNTRIAGED || it.status == MEDSEC_TRIAGE_STALE ||
                it.state == MEDSEC_VEX_IN_TRIAGE)
                rc = set_due(&R, &it, today);
            if (!rc)
                rc = add_item(&R, &it);
        }
        for (size_t k = 0; k < tg->nassessed && !rc; k++) {
            const struct medsec_scan_assessed *a = &tg->assessed[k];
            struct medsec_triage_item it = {0};
            it.target = tg;
            it.component = a->component;
            it.vuln = a->id;
            it.status = MEDSEC_TRIAGE_BY_FILE;
            it.state = a->assessment->status == MEDSEC_VULN_FIXED ? MEDSEC_VEX_RESOLVED
                                                                  : MEDSEC_VEX_NOT_AFFECTED;
            it.supplier = supplier_for(t, a->id, NULL, &tg->sbom->components[a->component]);
            rc = add_item(&R, &it);
        }
    }
    /* decisions that matched nothing: does a release still ship the component? */
    for (size_t d = 0; d < t->ndecisions && !rc; d++) {
        if (used[d])
            continue;
        const struct medsec_triage_decision *dec = &t->decisions[d];
        bool shipped = false;
        for (size_t ti = 0; ti < n && !shipped; ti++) {
            const struct medsec_scan_target *tg = targets[ti];
            if (!medsec_triage_assesses(tg, opts))
                continue;
            for (size_t k = 0; k < tg->sbom->ncomponents && !shipped; k++) {
                const struct medsec_sbom_component *c = &tg->sbom->components[k];
                shipped = medsec_triage_component_is(dec->component, c) &&
                          version_in(dec->version, dec->versions, c->version);
            }
        }
        if (MEDSEC_ARRAY_GROW(out->unused, out->nunused, R.cap_unused))
            rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        else
            out->unused[out->nunused++] = (struct medsec_triage_unused){dec, shipped};
    }
    medsec_free(used);
    if (!rc)
        rc = triage_suggest(out, err);
    return rc;
}

medsec_err medsec_triage_assess(const struct medsec_triage *t, struct medsec_db *db,
                                const struct medsec_scan_plan *plan,
                                const struct medsec_triage_assess_opts *opts,
                                struct medsec_triage_report *out, struct medsec_error *err)
{
    size_t n = medsec_scan_plan_count(plan);
    const struct medsec_scan_target **v = medsec_calloc(n + 1, sizeof *v);
    if (!v) {
        memset(out, 0, sizeof *out);
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        v[i] = medsec_scan_plan_target(plan, i);
    medsec_err rc = medsec_triage_assess_targets(t, db, v, n, opts, out, err);
    medsec_free(v);
    return rc;
}

void medsec_triage_report_release(struct medsec_triage_report *r)
{
    if (!r)
        return;
    medsec_free(r->items);
    medsec_free(r->unused);
    medsec_arena_release(&r->arena);
    memset(r, 0, sizeof *r);
}

void medsec_triage_summary(const struct medsec_triage_report *r, const char *release,
                           struct medsec_triage_counts *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < r->nitems; i++) {
        const struct medsec_triage_item *it = &r->items[i];
        if (release && (!it->target->version || strcmp(it->target->version, release)))
            continue;
        c->findings++;
        c->by_status[it->status]++;
        c->past_due += it->past_due;
        c->open += it->status == MEDSEC_TRIAGE_UNTRIAGED || it->status == MEDSEC_TRIAGE_STALE ||
                   it->past_due;
        if (it->suggestion) {
            c->suggested++;
            c->suggested_exploitable += it->suggestion->state == MEDSEC_VEX_EXPLOITABLE;
            c->suggested_scored += it->suggestion->v3 || it->suggestion->v4;
        } else if (it->finding &&
                   (it->status == MEDSEC_TRIAGE_UNTRIAGED || it->status == MEDSEC_TRIAGE_STALE))
            c->unsuggested++;
    }
}

/* ---- VEX statements ---- */

static medsec_err statements(const struct medsec_triage_report *r, const char *release,
                             bool decided_only, struct medsec_vex_doc *doc,
                             struct medsec_error *err)
{
    struct medsec_arena *a = &doc->arena;
    for (size_t i = 0; i < r->nitems; i++) {
        const struct medsec_triage_item *it = &r->items[i];
        const struct medsec_scan_target *tg = it->target;
        if (release && (!tg->version || strcmp(tg->version, release)))
            continue;
        if (decided_only && !medsec_triage_item_decided(it))
            continue;
        const struct medsec_sbom_component *c = &tg->sbom->components[it->component];
        struct medsec_vex_statement s = {0};
        bool oom = false;
#define DUP(x) ((x) ? (oom |= !(x = medsec_arena_strdup(a, x)), x) : NULL)
        s.vuln = it->vuln;
        DUP(s.vuln);
        if (it->finding && it->finding->vuln->naliases) {
            const struct medsec_scan_vuln *v = it->finding->vuln;
            const char **al = medsec_arena_alloc(a, sizeof *al * v->naliases);
            oom |= !al;
            for (size_t k = 0; al && k < v->naliases; k++) {
                al[k] = v->aliases[k];
                DUP(al[k]);
            }
            s.aliases = al;
            s.naliases = al ? v->naliases : 0;
        }
        s.product = c->purl ? c->purl : c->ncpes ? c->cpes[0] : NULL;
        DUP(s.product);
        s.product_name = c->name;
        DUP(s.product_name);
        s.product_version = c->version;
        DUP(s.product_version);
        s.release = tg->version;
        DUP(s.release);
        s.state = it->state;
        s.origin = MEDSEC_VEX_BY_MANUFACTURER;
        if (it->decision) {
            const struct medsec_triage_decision *d = it->decision;
            s.cdx_justification = d->cdx_justification;
            s.justification = d->justification;
            s.detail = d->detail;
            DUP(s.detail);
            s.responses = d->responses;
            s.fixed_in = d->fixed_in;
            DUP(s.fixed_in);
            s.author = d->by;
            DUP(s.author);
            s.timestamp = d->at;
            DUP(s.timestamp);
            if (d->suggested) {
                s.context_v3 = d->cvss_v3;
                DUP(s.context_v3);
                s.context_v4 = d->cvss_v4;
                DUP(s.context_v4);
            }
            if (d->supplier) {
                s.origin = MEDSEC_VEX_BY_SUPPLIER;
                s.action = d->statement ? d->statement->action : NULL;
                DUP(s.action);
            }
        } else if (it->rule) {
            const struct medsec_triage_rule *u = it->rule;
            s.cdx_justification = u->cdx_justification;
            s.justification = u->justification;
            s.detail = u->detail;
            DUP(s.detail);
            s.responses = u->responses;
            char by[300];
            snprintf(by, sizeof by, "rule %s", u->id);
            s.author = medsec_arena_strdup(a, by);
            oom |= !s.author;
            s.timestamp = u->at;
            DUP(s.timestamp);
        } else if (it->status == MEDSEC_TRIAGE_BY_FILE) {
            const struct medsec_model_vulnerability *mv =
                it->finding ? file_assessment(tg, it->finding->vuln, c) : NULL;
            if (mv) {
                s.detail = mv->rationale;
                DUP(s.detail);
                s.author = "security file";
                DUP(s.author);
            }
            const struct medsec_scan_assessed *as = NULL;
            for (size_t k = 0; !mv && k < tg->nassessed && !as; k++)
                if (tg->assessed[k].component == it->component &&
                    !strcmp(tg->assessed[k].id, it->vuln))
                    as = &tg->assessed[k];
            if (as) {
                s.justification = as->assessment->justification;
                s.detail = as->assessment->rationale;
                DUP(s.detail);
                s.author = "security file";
                DUP(s.author);
            }
        }
#undef DUP
        if (s.state == MEDSEC_VEX_NOT_AFFECTED && s.justification == MEDSEC_VEX_UNSTATED)
            s.justification = medsec_vex_cdx_to_justification(s.cdx_justification);
        if (oom || MEDSEC_ARRAY_GROW(doc->v, doc->n, doc->cap))
            return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        doc->v[doc->n++] = s;
    }
    return MEDSEC_OK;
}

medsec_err medsec_triage_statements(const struct medsec_triage_report *r, const char *release,
                                    struct medsec_vex_doc *doc, struct medsec_error *err)
{
    return statements(r, release, false, doc, err);
}

medsec_err medsec_triage_decided_statements(const struct medsec_triage_report *r,
                                            const char *release, struct medsec_vex_doc *doc,
                                            struct medsec_error *err)
{
    return statements(r, release, true, doc, err);
}
