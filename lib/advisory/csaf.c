/* csaf.c: a CSAF 2.0 document into the advisory model: product tree (branches, full product names,
 * relationships, cpe/purl helpers), version ranges (vers or free text), product status per
 * vulnerability, scores and remediations. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "medsec/cpe.h"
#include "medsec/version.h"

struct product {
    const char *id;
    const char *vendor, *name, *version; /* version: exact product_version */
    const char *range;                   /* product_version_range as written */
    const char *cpe, *purl;
};

struct csaf {
    const struct medsec_json_doc *doc;
    struct medsec_arena *a;
    struct product *p;
    size_t n, cap;
    struct medsec_error *err;
};

static void count_branches(const struct medsec_json *branches, size_t *n, unsigned depth)
{
    if (depth > 30)
        return;
    for (size_t i = 0; i < adv_arrlen(branches); i++) {
        const struct medsec_json *b = medsec_json_at(branches, i);
        if (medsec_json_get(b, "product"))
            (*n)++;
        count_branches(medsec_json_get(b, "branches"), n, depth + 1);
    }
}

static void add_product(struct csaf *c, const struct medsec_json *prod, const char *vendor,
                        const char *name, const char *version, const char *range)
{
    const char *id = adv_str(prod, "product_id");
    if (!id || c->n >= c->cap)
        return;
    const struct medsec_json *h = medsec_json_get(prod, "product_identification_helper");
    struct product *p = &c->p[c->n++];
    p->id = id;
    p->vendor = vendor;
    p->name = name ? name : adv_str(prod, "name");
    p->version = version;
    p->range = range;
    p->cpe = adv_str(h, "cpe");
    p->purl = adv_str(h, "purl");
}

static void walk(struct csaf *c, const struct medsec_json *branches, const char *vendor,
                 const char *name, const char *version, const char *range, unsigned depth)
{
    if (depth > 30)
        return;
    for (size_t i = 0; i < adv_arrlen(branches); i++) {
        const struct medsec_json *b = medsec_json_at(branches, i);
        const char *cat = adv_str(b, "category"), *bn = adv_str(b, "name");
        const char *ve = vendor, *na = name, *vs = version, *ra = range;
        if (cat && bn) {
            if (strcmp(cat, "vendor") == 0)
                ve = bn;
            else if (strcmp(cat, "product_name") == 0)
                na = bn;
            else if (strcmp(cat, "product_version") == 0)
                vs = bn;
            else if (strcmp(cat, "product_version_range") == 0)
                ra = bn;
        }
        const struct medsec_json *prod = medsec_json_get(b, "product");
        if (prod)
            add_product(c, prod, ve, na, vs, ra);
        walk(c, medsec_json_get(b, "branches"), ve, na, vs, ra, depth + 1);
    }
}

static int product_cmp(const void *x, const void *y)
{
    return strcmp(((const struct product *)x)->id, ((const struct product *)y)->id);
}

static const struct product *find(const struct csaf *c, const char *id)
{
    struct product key = {.id = id};
    return bsearch(&key, c->p, c->n, sizeof *c->p, product_cmp);
}

/* ---- free-text ranges ---- */

static bool version_token(const char *s, size_t n)
{
    bool digit = false;
    if (n == 0 || n > 100)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (isdigit(ch))
            digit = true;
        else if (!isalpha(ch) && !strchr("._+~-()", ch))
            return false;
        /* "12.2.x.x" is a wildcard pattern, not a version */
        if ((ch == 'x' || ch == 'X') && (i == 0 || s[i - 1] == '.') &&
            (i + 1 == n || s[i + 1] == '.'))
            return false;
    }
    return digit;
}

static const char *trim(const char *s, size_t *n)
{
    while (*n && isspace((unsigned char)*s)) {
        s++;
        (*n)--;
    }
    while (*n && isspace((unsigned char)s[*n - 1]))
        (*n)--;
    return s;
}

/* Append through a medsec_buf call; a failure can only be memory (inputs are capped at 400 bytes).
 */
#define PUT(e) (((e) == MEDSEC_OK) || (*oom = true, false))

/* One "op version" part into @b as a vers constraint; false when it is not one. A "V" before the
 * digits ("< V2.4") is dropped. */
static bool constraint(struct medsec_buf *b, const char *s, size_t n, bool need_op, bool *oom)
{
    s = trim(s, &n);
    static const char *const ops[] = {"<=", ">=", "!=", "==", "<", ">", "="};
    const char *op = "";
    bool have_op = false;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t ol = strlen(ops[i]);
        if (n >= ol && strncmp(s, ops[i], ol) == 0) {
            op = strcmp(ops[i], "==") == 0 || strcmp(ops[i], "=") == 0 ? "" : ops[i];
            s += ol;
            n -= ol;
            have_op = true;
            break;
        }
    }
    if (need_op && !have_op)
        return false;
    s = trim(s, &n);
    if (n > 1 && (s[0] == 'V' || s[0] == 'v') && isdigit((unsigned char)s[1])) {
        s++;
        n--;
    }
    if (n == 1 && s[0] == '*' && !have_op)
        return PUT(medsec_buf_addc(b, '*'));
    if (!version_token(s, n))
        return false;
    if (b->len && !PUT(medsec_buf_addc(b, '|')))
        return false;
    return PUT(medsec_buf_adds(b, op)) && PUT(medsec_buf_add(b, s, n));
}

/* "A | B", "A and B" (each with an operator), or "A" into constraints. */
static bool constraints(struct medsec_buf *c, const char *s, size_t n, const char *low, bool *oom)
{
    const char *and = strstr(low, " and ");
    if (and) {
        size_t k = (size_t)(and-low);
        return constraint(c, s, k, true, oom) && constraint(c, s + k + 5, n - k - 5, true, oom);
    }
    /* a constraint ends at '|' or where the next operator starts (">= 2.0 < 2.2", ">=2.3<3.0") */
    size_t start = 0;
    char prev = 0;
    for (size_t i = 0; i <= n; i++) {
        bool op_start = i < n && (s[i] == '<' || s[i] == '>') && prev && !strchr("|<>=!", prev);
        if (i == n || s[i] == '|' || op_start) {
            if (!constraint(c, s + start, i - start, false, oom))
                return false;
            start = s[i] == '|' ? i + 1 : i;
            prev = 0;
            continue;
        }
        if (!isspace((unsigned char)s[i]))
            prev = s[i];
    }
    return c->len > 0;
}

static bool phrase(struct medsec_buf *b, const char *low, const char *orig, bool *oom)
{
    static const struct {
        const char *text;
        bool prefix; /* text before the version, else after */
        const char *op;
    } ph[] = {
        {"versions prior to ", true, "<"},
        {"version prior to ", true, "<"},
        {"prior to ", true, "<"},
        {"all versions before ", true, "<"},
        {"versions before ", true, "<"},
        {"before ", true, "<"},
        {"earlier than ", true, "<"},
        {"older than ", true, "<"},
        {"below ", true, "<"},
        {"up to and including ", true, "<="},
        {"up to ", true, "<="},
        {"through ", true, "<="},
        {"all versions up to ", true, "<="},
        {"versions up to ", true, "<="},
        {" and prior", false, "<="},
        {" and earlier", false, "<="},
        {" and below", false, "<="},
        {" and older", false, "<="},
        {" or earlier", false, "<="},
        {" or prior", false, "<="},
        {" and before", false, "<="},
        {" and later", false, ">="},
        {" and above", false, ">="},
        {" or later", false, ">="},
        {" and newer", false, ">="},
        {" or higher", false, ">="},
        {" and higher", false, ">="},
    };
    size_t len = strlen(low);
    for (size_t i = 0; i < sizeof ph / sizeof ph[0]; i++) {
        size_t tl = strlen(ph[i].text);
        const char *v = NULL;
        size_t vn = 0;
        if (ph[i].prefix && len > tl && strncmp(low, ph[i].text, tl) == 0) {
            v = orig + tl;
            vn = len - tl;
        } else if (!ph[i].prefix && len > tl && strcmp(low + len - tl, ph[i].text) == 0) {
            v = orig;
            vn = len - tl;
        }
        if (!v)
            continue;
        v = trim(v, &vn);
        /* "version 2.1 and prior", "v2.1" */
        if (vn > 8 && strncasecmp(v, "version ", 8) == 0) {
            v += 8;
            vn -= 8;
        } else if (vn > 1 && (v[0] == 'v' || v[0] == 'V') && isdigit((unsigned char)v[1])) {
            v++;
            vn--;
        }
        if (!version_token(v, vn))
            return false;
        return PUT(medsec_buf_adds(b, ph[i].op)) && PUT(medsec_buf_add(b, v, vn));
    }
    return false;
}

static const char *range_to_vers(const char *text, struct medsec_arena *a, bool *oom)
{
    if (!text)
        return NULL;
    size_t n = strlen(text);
    const char *s = trim(text, &n);
    if (n == 0 || n > 400)
        return NULL;
    struct medsec_buf b = MEDSEC_BUF_INIT, c = MEDSEC_BUF_INIT;
    const char *res = NULL;
    char low[401];
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)s[i]);
    low[n] = '\0';
    bool ok;
    if (strncmp(low, "vers:", 5) == 0) {
        /* CISA writes "vers:all/..." for vendor versions: that is the generic scheme */
        const char *slash = memchr(s, '/', n);
        ok = slash != NULL;
        if (ok && (size_t)(slash - s) == 8 && strncmp(low, "vers:all", 8) == 0) {
            ok = PUT(medsec_buf_adds(&b, "vers:generic/"));
        } else if (ok) {
            ok = PUT(medsec_buf_add(&b, s, (size_t)(slash - s) + 1));
        }
        if (ok) {
            size_t off = (size_t)(slash - s) + 1;
            ok = constraints(&c, s + off, n - off, low + off, oom) &&
                 PUT(medsec_buf_add(&b, c.data, c.len));
        }
    } else if (strcmp(low, "all versions") == 0 || strcmp(low, "all") == 0 ||
               strcmp(low, "*") == 0) {
        ok = PUT(medsec_buf_adds(&b, "vers:generic/*"));
    } else {
        ok = PUT(medsec_buf_adds(&b, "vers:generic/"));
        /* "All versions < V2.14.0" */
        if (n > 13 && strncmp(low, "all versions ", 13) == 0 && strchr("<>=", low[13])) {
            s += 13;
            n -= 13;
            memmove(low, low + 13, n + 1);
        }
        if (ok && !phrase(&c, low, s, oom)) {
            medsec_buf_reset(&c);
            ok = constraints(&c, s, n, low, oom);
        }
        ok = ok && c.len && PUT(medsec_buf_add(&b, c.data, c.len));
    }
    if (ok) {
        /* prefer the vers module's canonical form; keep ours while that module cannot parse */
        struct medsec_vers v;
        struct medsec_error e;
        medsec_err vr = medsec_vers_parse(b.data, &v, &e);
        if (vr == MEDSEC_OK) {
            struct medsec_buf f = MEDSEC_BUF_INIT;
            if (PUT(medsec_vers_format(&v, &f)) && !(res = medsec_arena_strndup(a, f.data, f.len)))
                *oom = true;
            medsec_buf_release(&f);
            medsec_vers_release(&v);
        } else if (vr == MEDSEC_EUNSUPPORTED) {
            if (!(res = medsec_arena_strndup(a, b.data, b.len)))
                *oom = true;
        } else if (vr == MEDSEC_ENOMEM) {
            *oom = true;
        }
    }
    medsec_buf_release(&c);
    medsec_buf_release(&b);
    return res;
}

const char *medsec_csaf_range_to_vers(const char *text, struct medsec_arena *a)
{
    bool oom = false;
    const char *v = range_to_vers(text, a, &oom);
    return oom ? NULL : v;
}

/* ---- document ---- */

static const struct {
    const char *key, *status;
} status_map[] = {
    {"first_affected", "affected"},
    {"known_affected", "affected"},
    {"last_affected", "affected"},
    {"first_fixed", "fixed"},
    {"fixed", "fixed"},
    {"known_not_affected", "not_affected"},
    {"recommended", "recommended"},
    {"under_investigation", "under_investigation"},
};

static medsec_err fill_affected(struct csaf *c, const char *pid, const char *status,
                                struct medsec_adv_affected *af, struct medsec_buf *sb)
{
    const struct product *p = find(c, pid);
    af->product_id = pid;
    af->status = status;
    af->scheme = "generic";
    af->purl_type = af->purl_ns = af->purl_name = "";
    af->ranges = "";
    if (!p)
        return MEDSEC_OK;
    af->vendor = p->vendor;
    af->product = p->name;
    af->cpe = p->cpe;
    if (p->purl) {
        medsec_err rc = adv_purl_key(c->a, NULL, NULL, p->purl, af);
        if (rc)
            return rc;
        af->purl = p->purl;
        enum medsec_vscheme vs;
        if (*af->purl_type && medsec_vscheme_from_name(af->purl_type, &vs))
            af->scheme = medsec_vscheme_name(vs);
    }
    if (p->version && !strpbrk(p->version, "\t\n")) {
        if (strcmp(status, "fixed") == 0)
            af->fixed = p->version;
        else
            af->versions = p->version;
    }
    if (p->range) {
        bool oom = false;
        const char *vers = range_to_vers(p->range, c->a, &oom);
        if (oom)
            return MEDSEC_ENOMEM;
        medsec_buf_reset(sb);
        medsec_err rc = medsec_buf_adds(sb, vers ? "VERS\t" : "TEXT\t");
        if (!rc)
            rc = medsec_buf_adds(sb, vers ? vers : p->range);
        for (char *q = sb->data; !rc && q && *q; q++)
            if (*q == '\n')
                *q = ' ';
        if (rc || !(af->ranges = adv_sb_take(sb, c->a)))
            return MEDSEC_ENOMEM;
        if (!vers)
            af->flags |= MEDSEC_ADV_NEEDS_REVIEW;
    }
    return MEDSEC_OK;
}

static medsec_err csaf_vuln(struct csaf *c, const struct medsec_json *v, const char *docid,
                            size_t index, struct medsec_adv_vuln *vu, struct medsec_buf *sb)
{
    struct medsec_arena *a = c->a;
    const char *cve = adv_str(v, "cve");
    if (cve && !*cve)
        cve = NULL;
    const struct medsec_json *ids = medsec_json_get(v, "ids");
    size_t nids = adv_arrlen(ids);
    vu->aliases = adv_alloc_array(a, nids + 1, sizeof *vu->aliases);
    if (!vu->aliases)
        return MEDSEC_ENOMEM;
    vu->name = cve;
    for (size_t i = 0; i < nids; i++) {
        const char *t = adv_str(medsec_json_at(ids, i), "text");
        if (!t || !*t)
            continue;
        if (!vu->name)
            vu->name = t;
        else if (strcmp(t, vu->name) != 0)
            vu->aliases[vu->n_aliases++] = t;
    }
    if (!vu->name) {
        medsec_buf_reset(sb);
        if (medsec_buf_addf(sb, "%s#%zu", docid, index) || !(vu->name = adv_sb_take(sb, a)))
            return MEDSEC_ENOMEM;
    }
    vu->summary = adv_str(v, "title");
    const struct medsec_json *notes = medsec_json_get(v, "notes");
    for (size_t i = 0; i < adv_arrlen(notes); i++) {
        const struct medsec_json *nt = medsec_json_at(notes, i);
        const char *cat = adv_str(nt, "category"), *text = adv_str(nt, "text");
        if (cat && text && (strcmp(cat, "description") == 0 || strcmp(cat, "summary") == 0)) {
            if (!vu->details)
                vu->details = text;
            if (!vu->summary)
                vu->summary = text;
        }
    }
    vu->published = adv_str(v, "release_date");
    if (!vu->published)
        vu->published = adv_str(v, "discovery_date");
    vu->cwes = adv_str(medsec_json_get(v, "cwe"), "id");

    medsec_err rc = adv_join(sb, a, medsec_json_get(v, "references"), "url", '\n', &vu->refs);
    if (rc)
        return rc;

    /* scores: one entry per cvss object (the products it applies to in `source`) */
    const struct medsec_json *scores = medsec_json_get(v, "scores");
    size_t nsc = adv_arrlen(scores);
    if (!(vu->scores = adv_alloc_array(a, 2 * nsc, sizeof *vu->scores)))
        return MEDSEC_ENOMEM;
    for (size_t i = 0; i < nsc; i++) {
        const struct medsec_json *s = medsec_json_at(scores, i);
        static const char *const keys[] = {"cvss_v3", "cvss_v2"};
        for (size_t k = 0; k < 2; k++) {
            const struct medsec_json *cv = medsec_json_get(s, keys[k]);
            const char *vec = adv_str(cv, "vectorString");
            if (!vec)
                continue;
            struct medsec_adv_score *sc = &vu->scores[vu->n_scores++];
            sc->vector = vec;
            sc->type = adv_cvss_type(vec);
            if (!medsec_json_number(medsec_json_get(cv, "baseScore"), &sc->score))
                sc->score = -1;
            if ((rc = adv_join(sb, a, medsec_json_get(s, "products"), NULL, '\n', &sc->source)))
                return rc;
        }
    }

    /* remediations */
    const struct medsec_json *rems = medsec_json_get(v, "remediations");
    size_t nr = adv_arrlen(rems);
    if (!(vu->remediations = adv_alloc_array(a, nr, sizeof *vu->remediations)))
        return MEDSEC_ENOMEM;
    for (size_t i = 0; i < nr; i++) {
        const struct medsec_json *r = medsec_json_at(rems, i);
        struct medsec_adv_remediation *rm = &vu->remediations[vu->n_remediations];
        rm->category = adv_str(r, "category");
        if (!rm->category)
            continue;
        rm->details = adv_str(r, "details");
        rm->url = adv_str(r, "url");
        if ((rc = adv_join(sb, a, medsec_json_get(r, "product_ids"), NULL, '\n', &rm->products)))
            return rc;
        vu->n_remediations++;
    }

    /* product status: one affected row per (status, product) */
    const struct medsec_json *ps = medsec_json_get(v, "product_status");
    size_t total = 0, ncpe = 0;
    for (size_t k = 0; k < sizeof status_map / sizeof status_map[0]; k++)
        total += adv_arrlen(medsec_json_get(ps, status_map[k].key));
    vu->affected = adv_alloc_array(a, total, sizeof *vu->affected);
    vu->nodes = adv_alloc_array(a, total, sizeof *vu->nodes);
    vu->cpes = adv_alloc_array(a, total, sizeof *vu->cpes);
    if (!vu->affected || !vu->nodes || !vu->cpes)
        return MEDSEC_ENOMEM;
    for (size_t k = 0; k < sizeof status_map / sizeof status_map[0]; k++) {
        const struct medsec_json *list = medsec_json_get(ps, status_map[k].key);
        for (size_t i = 0; i < adv_arrlen(list); i++) {
            const char *pid = medsec_json_str(medsec_json_at(list, i));
            if (!pid)
                continue;
            struct medsec_adv_affected *af = &vu->affected[vu->n_affected++];
            rc = fill_affected(c, pid, status_map[k].status, af, sb);
            if (rc)
                return rc;
            /* a CPE helper of an affected product becomes a one-node configuration */
            if (af->cpe && strcmp(af->status, "affected") == 0) {
                struct medsec_cpe wfn;
                struct medsec_error e;
                char key[MEDSEC_CPE_TEXT_MAX];
                if (medsec_cpe_parse(af->cpe, strlen(af->cpe), &wfn, &e) != MEDSEC_OK ||
                    medsec_cpe_key(&wfn, key, sizeof key) != MEDSEC_OK)
                    continue;
                /* a CPE that leaves the version open while the product states a range would claim
                 * every version: such products are matched by the range (purl or product path)
                 * instead */
                char vk[MEDSEC_CPE_TEXT_MAX];
                bool exact = medsec_cpe_version_key(&wfn, vk, sizeof vk) == MEDSEC_OK;
                if (!exact && af->ranges && af->ranges[0])
                    continue;
                struct medsec_adv_cpe_node *nd = &vu->nodes[vu->n_nodes++];
                nd->config = (unsigned)ncpe;
                nd->parent = -1;
                struct medsec_adv_cpe *cp = &vu->cpes[vu->n_cpes++];
                cp->config = (unsigned)ncpe++;
                cp->vulnerable = true;
                cp->criteria = af->cpe;
                if (!(cp->key = medsec_arena_strdup(a, key)))
                    return MEDSEC_ENOMEM;
                if (exact && !(cp->ver_key = medsec_arena_strdup(a, vk)))
                    return MEDSEC_ENOMEM;
            }
        }
    }
    return MEDSEC_OK;
}

medsec_err medsec_csaf_from_json(const struct medsec_json_doc *doc, const struct medsec_json *v,
                                 struct medsec_arena *a, struct medsec_advisory *out,
                                 struct medsec_error *err)
{
    memset(out, 0, sizeof *out);
    const struct medsec_json *d = medsec_json_get(v, "document");
    const struct medsec_json *tr = medsec_json_get(d, "tracking");
    const char *id = adv_str(tr, "id");
    if (!medsec_json_is(d, MEDSEC_JSON_OBJECT) || !adv_str(d, "csaf_version"))
        return adv_fail(doc, v, MEDSEC_EPARSE, err,
                        "not a CSAF document (no document.csaf_version)");
    if (!id || !*id)
        return adv_fail(doc, d, MEDSEC_EPARSE, err, "CSAF document without document.tracking.id");
    out->source = MEDSEC_ADV_CSAF;
    out->id = id;
    out->title = adv_str(d, "title");
    out->published = adv_str(tr, "initial_release_date");
    out->modified = adv_str(tr, "current_release_date");

    struct csaf c = {.doc = doc, .a = a, .err = err};
    const struct medsec_json *pt = medsec_json_get(v, "product_tree");
    size_t n = 0;
    count_branches(medsec_json_get(pt, "branches"), &n, 0);
    n += adv_arrlen(medsec_json_get(pt, "full_product_names"));
    n += adv_arrlen(medsec_json_get(pt, "relationships"));
    c.cap = n;
    c.p = adv_alloc_array(a, n, sizeof *c.p);
    if (!c.p)
        return MEDSEC_ENOMEM;
    walk(&c, medsec_json_get(pt, "branches"), NULL, NULL, NULL, NULL, 0);
    const struct medsec_json *fpn = medsec_json_get(pt, "full_product_names");
    for (size_t i = 0; i < adv_arrlen(fpn); i++)
        add_product(&c, medsec_json_at(fpn, i), NULL, NULL, NULL, NULL);
    /* relationships: the combined product inherits what is known of the product it refers to */
    size_t nbase = c.n;
    qsort(c.p, c.n, sizeof *c.p, product_cmp);
    const struct medsec_json *rel = medsec_json_get(pt, "relationships");
    for (size_t i = 0; i < adv_arrlen(rel); i++) {
        const struct medsec_json *r = medsec_json_at(rel, i);
        const struct medsec_json *fp = medsec_json_get(r, "full_product_name");
        const char *ref = adv_str(r, "product_reference");
        struct product key = {.id = ref};
        const struct product *base =
            ref ? bsearch(&key, c.p, nbase, sizeof *c.p, product_cmp) : NULL;
        if (!fp)
            continue;
        size_t before = c.n;
        add_product(&c, fp, base ? base->vendor : NULL, base ? base->name : NULL,
                    base ? base->version : NULL, base ? base->range : NULL);
        if (base && c.n > before && !c.p[before].cpe)
            c.p[before].cpe = base->cpe;
        if (base && c.n > before && !c.p[before].purl)
            c.p[before].purl = base->purl;
    }
    qsort(c.p, c.n, sizeof *c.p, product_cmp);

    const struct medsec_json *vulns = medsec_json_get(v, "vulnerabilities");
    size_t nv = adv_arrlen(vulns);
    out->vulns = adv_alloc_array(a, nv, sizeof *out->vulns);
    if (!out->vulns)
        return MEDSEC_ENOMEM;
    struct medsec_buf sb = MEDSEC_BUF_INIT;
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; !rc && i < nv; i++) {
        const struct medsec_json *vv = medsec_json_at(vulns, i);
        if (!medsec_json_is(vv, MEDSEC_JSON_OBJECT)) {
            rc = adv_fail(doc, vv, MEDSEC_EPARSE, err, "vulnerabilities[%zu] is not an object", i);
            break;
        }
        struct medsec_adv_vuln *vu = &out->vulns[out->n_vulns++];
        rc = csaf_vuln(&c, vv, id, i, vu, &sb);
        if (!vu->modified)
            vu->modified = out->modified;
        if (!vu->published)
            vu->published = out->published;
    }
    medsec_buf_release(&sb);
    return rc;
}
