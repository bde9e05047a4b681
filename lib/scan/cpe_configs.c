/* cpe_configs.c: the CPE path: the SBOM's CPE names loaded once, candidate criteria per component,
 * criterion coverage (NISTIR 7696 names, version ranges) and whole configurations evaluated with
 * their AND/OR nodes and running-on platforms. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/cpemap.h"
#include "medsec/version.h"
#include "scan_int.h"

#define MAX_NODES 256     /* nodes of one CPE configuration */
#define MAX_CRITERIA 4096 /* criteria of one CPE configuration */

/* An (entry, configuration) with a vulnerable criterion covering one of the component's CPEs. */
struct cpe_pair {
    int64_t entry;
    unsigned config;
    char *criteria, *reason, *fixed;
    char *derived;        /* the derived CPE that matched (with its version), else NULL */
    const char *evidence; /* what it was derived from (lives for the scan), else NULL */
};

/* The first of SBOM CPEs @sc[@i..@n) whose vendor:product the criterion @c could name (no parsing),
 * else @n. A criterion whose fields could not be read could name any. The flags are copied once:
 * after each strcmp a value behind a pointer would have to be read again, and the loop runs over
 * every CPE of a large SBOM for each criterion of a configuration. */
static size_t next_same_product(const struct medsec_cpe_vp *c, const struct sbom_cpe *sc, size_t i,
                                size_t n)
{
    if (!c->known)
        return i;
    const bool vw = c->vendor_wild, pw = c->product_wild;
    for (; i < n; i++)
        if ((vw || strcmp(c->vendor, sc[i].vendor) == 0) &&
            (pw || strcmp(c->product, sc[i].product) == 0))
            return i;
    return n;
}

/* ---- SBOM CPEs ---- */

/* Parse CPE @s of a component at @comp_version into @wfn and fill @out's text fields. A CPE that
 * leaves the version open (ANY) takes the component's version. */
static bool load_cpe(const char *s, const char *comp_version, struct sbom_cpe *out,
                     struct medsec_cpe *wfn)
{
    struct medsec_error ig;
    if (medsec_cpe_parse(s, strlen(s), wfn, &ig) != MEDSEC_OK)
        return false;
    if (medsec_cpe_kind(wfn, MEDSEC_CPE_VERSION) == MEDSEC_CPE_ANY && comp_version &&
        comp_version[0] &&
        (strlen(comp_version) >= VMAX ||
         medsec_cpe_set_version(wfn, comp_version, &ig) != MEDSEC_OK))
        return false;
    if (medsec_cpe_unquoted(wfn, MEDSEC_CPE_VENDOR, out->vendor, sizeof out->vendor) != MEDSEC_OK)
        out->vendor[0] = '\0';
    if (medsec_cpe_unquoted(wfn, MEDSEC_CPE_PRODUCT, out->product, sizeof out->product) !=
        MEDSEC_OK)
        out->product[0] = '\0';
    if (medsec_cpe_unquoted(wfn, MEDSEC_CPE_VERSION, out->version, sizeof out->version) !=
            MEDSEC_OK ||
        strcmp(out->version, "*") == 0 || strcmp(out->version, "-") == 0)
        out->version[0] = '\0';
    return true;
}

/* Add CPE @src of component @i (@evidence: derived from what, NULL when the SBOM gives it). */
static medsec_err add_cpe(struct scan *S, size_t i, const char *src, const char *evidence,
                          size_t *cap)
{
    const struct medsec_sbom_component *c = &S->sbom->components[i];
    if (MEDSEC_ARRAY_GROW(S->cpes, S->ncpes, *cap))
        return scan_nomem(S);
    struct sbom_cpe *sc = &S->cpes[S->ncpes];
    struct medsec_cpe wfn;
    sc->comp = i;
    sc->src = src;
    sc->wfn = NULL;
    sc->evidence = evidence;
    if (!load_cpe(src, c->version, sc, &wfn)) {
        scan_note(S, MEDSEC_SEV_WARNING, i,
                  "component '%s': CPE '%s' is not a valid CPE name: not matched by CPE",
                  c->name ? c->name : "?", src);
        return S->rc;
    }
    /* keep the parsed form (2 KB) only when an advisory may name its key: a syft SBOM guesses
     * about seven CPE names per package, and few of them are in any advisory */
    char key[MEDSEC_CPE_MAX_LEN];
    if (medsec_cpe_key(&wfn, key, sizeof key) != MEDSEC_OK || medsec_db_cpe_key_known(S->db, key)) {
        sc->wfn = medsec_arena_alloc(&S->wfns, sizeof *sc->wfn);
        if (!sc->wfn)
            return scan_nomem(S);
        *sc->wfn = wfn;
    }
    S->ncpes++;
    return MEDSEC_OK;
}

medsec_err scan_load_cpes(struct scan *S)
{
    size_t cap = 0;
    for (size_t i = 0; i < S->sbom->ncomponents && !S->rc; i++) {
        const struct medsec_sbom_component *c = &S->sbom->components[i];
        for (size_t k = 0; k < c->ncpes && !S->rc; k++)
            add_cpe(S, i, c->cpes[k], NULL, &cap);
        /* none of its own: derived ones, when facts give them (derive.c) */
        const char *cpes[MEDSEC_CPEMAP_MAX_CPES], *evidence[MEDSEC_CPEMAP_MAX_CPES];
        size_t n = S->rc ? 0 : scan_derive(S, i, &S->wfns, cpes, evidence, MEDSEC_CPEMAP_MAX_CPES);
        for (size_t k = 0; k < n && !S->rc; k++)
            add_cpe(S, i, cpes[k], evidence[k], &cap);
    }
    if (!S->rc && !S->cpes && !(S->cpes = medsec_malloc(sizeof *S->cpes)))
        return scan_nomem(S);
    return S->rc;
}

/* ---- candidates and configurations ---- */

/* The parsed form of @sc: the kept one, or parsed again into @scratch (NULL when that fails). */
static const struct medsec_cpe *wfn_of(struct scan *S, const struct sbom_cpe *sc,
                                       struct medsec_cpe *scratch)
{
    if (sc->wfn)
        return sc->wfn;
    struct sbom_cpe tmp;
    return load_cpe(sc->src, S->sbom->components[sc->comp].version, &tmp, scratch) ? scratch : NULL;
}

/* Does criterion @crit (with its range columns @row) cover SBOM CPE @sc, parsed as @wfn? Fills @why
 * (when not NULL) with the reason when it does. */
static bool crit_covers(const struct medsec_cpe *crit, const struct medsec_db_cpe *row,
                        const struct sbom_cpe *sc, const struct medsec_cpe *wfn, char *why,
                        size_t cap)
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
                medsec_version_valid(MEDSEC_VS_GENERIC, cv) &&
                medsec_version_valid(MEDSEC_VS_GENERIC, sc->version) &&
                medsec_version_compare(MEDSEC_VS_GENERIC, cv, sc->version, &c, &ig) == MEDSEC_OK &&
                c == 0)
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
        /* an exact version in the criterion: compare text before parsing (most criteria are these)
         */
        char ver[VMAX];
        if (medsec_cpe_fs_attr(c->criteria, MEDSEC_CPE_VERSION, ver, sizeof ver) &&
            !strpbrk(ver, "*?") && strcmp(ver, "-") != 0) {
            bool maybe = false;
            for (size_t i = 0; i < S->nccpes && !maybe; i++) {
                char lv[VMAX];
                snprintf(lv, sizeof lv, "%s", S->ccpes[i].version);
                for (char *q = lv; *q; q++)
                    *q = (char)tolower((unsigned char)*q);
                int cmp;
                struct medsec_error ig0;
                maybe = strcmp(lv, ver) == 0 || (medsec_version_valid(MEDSEC_VS_GENERIC, ver) &&
                                                 medsec_version_valid(MEDSEC_VS_GENERIC, lv) &&
                                                 medsec_version_compare(MEDSEC_VS_GENERIC, ver, lv,
                                                                        &cmp, &ig0) == MEDSEC_OK &&
                                                 cmp == 0);
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
    struct medsec_cpe_vp vp;
    medsec_cpe_vp_read(c->criteria, &vp);
    for (size_t i = next_same_product(&vp, S->ccpes, 0, S->nccpes); i < S->nccpes && !hit;
         i = next_same_product(&vp, S->ccpes, i + 1, S->nccpes)) {
        struct medsec_cpe scratch;
        const struct medsec_cpe *w = wfn_of(S, &S->ccpes[i], &scratch);
        if (w && crit_covers(&crit, c, &S->ccpes[i], w, why, sizeof why))
            hit = &S->ccpes[i];
    }
    if (!hit)
        return 0;
    for (size_t i = 0; i < S->npairs; i++)
        if (S->pairs[i].entry == c->entry && S->pairs[i].config == c->config)
            return 0;
    if (MEDSEC_ARRAY_GROW(S->pairs, S->npairs, S->cap_pairs))
        return scan_nomem(S), 1;
    struct cpe_pair *pr = &S->pairs[S->npairs];
    pr->entry = c->entry;
    pr->config = c->config;
    pr->criteria = medsec_strdup(c->criteria);
    pr->reason = medsec_strdup(why);
    pr->fixed = c->vee ? medsec_strdup(c->vee) : NULL;
    pr->derived = NULL;
    pr->evidence = hit->evidence;
    char fs[MEDSEC_CPE_MAX_LEN];
    if (hit->evidence && hit->wfn && medsec_cpe_format_fs(hit->wfn, fs, sizeof fs) == MEDSEC_OK)
        pr->derived = medsec_strdup(fs);
    if (!pr->criteria || !pr->reason || (c->vee && !pr->fixed) || (hit->evidence && !pr->derived)) {
        medsec_free(pr->criteria);
        medsec_free(pr->reason);
        medsec_free(pr->fixed);
        medsec_free(pr->derived);
        return scan_nomem(S), 1;
    }
    S->npairs++;
    return 0;
}

/* One configuration, loaded for evaluation. */
struct cpe_config {
    struct scan *S;
    struct medsec_db_cpe_node nodes[MAX_NODES];
    size_t nnodes;
    struct {
        unsigned node;
        bool truth, vulnerable;
    } * crit; /* each criterion: does the SBOM have it? */
    size_t ncrit, cap;
    bool overflow;
};

static int on_cfg_node(void *ud, const struct medsec_db_cpe_node *n)
{
    struct cpe_config *C = ud;
    if (C->nnodes == MAX_NODES) {
        C->overflow = true;
        return 1;
    }
    C->nodes[C->nnodes++] = *n;
    return 0;
}

/* Is @crit (row @row) a running-on platform that names no version: not vulnerable, no range, and
 * version `-` or `*`? NVD writes `cpe:2.3:o:linux:linux_kernel:-:...` for "runs on Linux", so the
 * SBOM meets it with the product in any version. On the vulnerable side `-` keeps its NISTIR 7696
 * meaning (NA: only a name without a version), and a ranged platform still needs its range. */
static bool platform_any_version(const struct medsec_cpe *crit, const struct medsec_db_cpe *row)
{
    if (row->vulnerable || row->vsi || row->vse || row->vei || row->vee)
        return false;
    enum medsec_cpe_kind k = medsec_cpe_kind(crit, MEDSEC_CPE_VERSION);
    return k == MEDSEC_CPE_NA || k == MEDSEC_CPE_ANY;
}

static int on_cfg_crit(void *ud, const struct medsec_db_cpe *c)
{
    struct cpe_config *C = ud;
    if (C->ncrit == MAX_CRITERIA) {
        C->overflow = true;
        return 1;
    }
    if (MEDSEC_ARRAY_GROW(C->crit, C->ncrit, C->cap)) {
        scan_nomem(C->S);
        return 1;
    }
    /* truth: does the SBOM list a name the criterion covers (anywhere: platforms are other
     * components) */
    bool truth = false;
    struct scan *S = C->S;
    const size_t n = S->ncpes;
    if (c->criteria) {
        struct medsec_cpe_vp vp;
        struct medsec_cpe crit;
        struct medsec_error ig;
        medsec_cpe_vp_read(c->criteria, &vp);
        size_t i = next_same_product(&vp, S->cpes, 0, n);
        if (i < n && medsec_cpe_parse(c->criteria, strlen(c->criteria), &crit, &ig) == MEDSEC_OK) {
            bool any_version = platform_any_version(&crit, c);
            for (; i < n && !truth; i = next_same_product(&vp, S->cpes, i + 1, n)) {
                struct medsec_cpe scratch;
                const struct medsec_cpe *w = wfn_of(S, &S->cpes[i], &scratch);
                truth =
                    w && (any_version ? medsec_cpe_match(&crit, w, MEDSEC_CPE_MATCH_IGNORE_VERSION)
                                      : crit_covers(&crit, c, &S->cpes[i], w, NULL, 0));
            }
        }
    }
    C->crit[C->ncrit].node = c->node;
    C->crit[C->ncrit].truth = truth;
    C->crit[C->ncrit].vulnerable = c->vulnerable;
    C->ncrit++;
    return 0;
}

static bool eval_node(const struct cpe_config *C, size_t idx, bool platforms_present, int depth)
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
    /* one buffer for every configuration of the scan (its node table is large to clear each time)
     */
    if (!S->config && !(S->config = medsec_calloc(1, sizeof *S->config)))
        return scan_nomem(S), 0;
    struct cpe_config *C = S->config;
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
    if (medsec_db_cpe_config(S->db, entry, config, on_cfg_node, on_cfg_crit, C, S->err) !=
        MEDSEC_OK) {
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

void scan_cpe_path(struct scan *S)
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
        if (medsec_db_cpe_candidates_for(S->db, key, exact ? vk : NULL, on_cpe_candidate, S,
                                         S->err) != MEDSEC_OK) {
            if (!S->rc)
                S->rc = MEDSEC_EDB;
            return;
        }
        if (S->rc)
            return;
    }
    for (size_t i = 0; i < S->npairs && !S->rc; i++) {
        struct cpe_pair *p = &S->pairs[i];
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
            struct medsec_scan_finding *f = scan_finding_for(S, vuln);
            if (!f)
                break;
            scan_add_match_derived(
                S, f, p->derived ? MEDSEC_SCAN_BY_DERIVED_CPE : MEDSEC_SCAN_BY_CPE, source, record,
                name, p->criteria, p->reason, false, p->derived, p->evidence);
            if (p->fixed)
                scan_add_fixed(S, f, p->fixed, strlen(p->fixed));
            if (e.withdrawn)
                f->withdrawn = true;
        }
    }
    for (size_t i = 0; i < S->npairs; i++) {
        medsec_free(S->pairs[i].criteria);
        medsec_free(S->pairs[i].reason);
        medsec_free(S->pairs[i].fixed);
        medsec_free(S->pairs[i].derived);
    }
    S->npairs = 0;
}

void scan_cpe_release(struct scan *S)
{
    for (size_t i = 0; i < S->npairs; i++) {
        medsec_free(S->pairs[i].criteria);
        medsec_free(S->pairs[i].reason);
        medsec_free(S->pairs[i].fixed);
        medsec_free(S->pairs[i].derived);
    }
    medsec_free(S->pairs);
    if (S->config)
        medsec_free(S->config->crit);
    medsec_free(S->config);
    medsec_free(S->cpes);
    medsec_arena_release(&S->wfns);
}
