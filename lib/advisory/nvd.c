/* nvd.c: one NVD CVE (JSON 1.1 feed item or API 2.0 item) into the advisory model: description,
 * CWE, references, CVSS v2/v3.x/v4.0, and CPE configurations as node trees with match criteria. */
#include <string.h>

#include "internal.h"
#include "medsec/cpe.h"

/* medsec_json_is(v, TRUE) accepts any boolean: this is true only for `true`. */
static bool is_true(const struct medsec_json *v)
{
    return v && v->type == MEDSEC_JSON_TRUE;
}

struct nvd_cfg {
    const struct medsec_json_doc *doc;
    struct medsec_arena *a;
    struct medsec_adv_vuln *vu;
    size_t cap_nodes, cap_cpes;
    struct medsec_error *err;
};

/* Count nodes and matches of a node list (1.1 nests "children"). */
static void count_nodes(const struct medsec_json *nodes, size_t *nn, size_t *nc, unsigned depth)
{
    if (depth > 16)
        return;
    for (size_t i = 0; i < adv_arrlen(nodes); i++) {
        const struct medsec_json *n = medsec_json_at(nodes, i);
        (*nn)++;
        const struct medsec_json *m = medsec_json_get(n, "cpeMatch");
        if (!m)
            m = medsec_json_get(n, "cpe_match");
        *nc += adv_arrlen(m);
        count_nodes(medsec_json_get(n, "children"), nn, nc, depth + 1);
    }
}

static medsec_err add_node(struct nvd_cfg *c, const struct medsec_json *n, unsigned config,
                           int parent, unsigned *next, unsigned depth)
{
    if (depth > 16)
        return adv_fail(c->doc, n, MEDSEC_ETOOBIG, c->err, "configuration nested too deeply");
    if (!medsec_json_is(n, MEDSEC_JSON_OBJECT) || c->vu->n_nodes >= c->cap_nodes)
        return adv_fail(c->doc, n, MEDSEC_EPARSE, c->err, "configuration node is not an object");
    const char *op = adv_str(n, "operator");
    struct medsec_adv_cpe_node *node = &c->vu->nodes[c->vu->n_nodes++];
    node->config = config;
    node->node = (*next)++;
    node->parent = parent;
    node->and_op = op && strcmp(op, "AND") == 0;
    node->negate = is_true(medsec_json_get(n, "negate"));
    const struct medsec_json *m = medsec_json_get(n, "cpeMatch");
    bool v2 = m != NULL;
    if (!m)
        m = medsec_json_get(n, "cpe_match");
    for (size_t i = 0; i < adv_arrlen(m); i++) {
        const struct medsec_json *cm = medsec_json_at(m, i);
        const char *crit = adv_str(cm, v2 ? "criteria" : "cpe23Uri");
        if (!crit)
            return adv_fail(c->doc, cm, MEDSEC_EPARSE, c->err, "CPE match without %s",
                            v2 ? "\"criteria\"" : "\"cpe23Uri\"");
        if (c->vu->n_cpes >= c->cap_cpes)
            return MEDSEC_EINTERNAL;
        struct medsec_adv_cpe *cp = &c->vu->cpes[c->vu->n_cpes++];
        cp->config = config;
        cp->node = node->node;
        cp->vulnerable = is_true(medsec_json_get(cm, "vulnerable"));
        cp->criteria = crit;
        cp->vsi = adv_str(cm, "versionStartIncluding");
        cp->vse = adv_str(cm, "versionStartExcluding");
        cp->vei = adv_str(cm, "versionEndIncluding");
        cp->vee = adv_str(cm, "versionEndExcluding");
        struct medsec_cpe wfn;
        struct medsec_error e;
        char key[MEDSEC_CPE_TEXT_MAX];
        cp->key = "";
        if (medsec_cpe_parse(crit, strlen(crit), &wfn, &e) == MEDSEC_OK &&
            medsec_cpe_key(&wfn, key, sizeof key) == MEDSEC_OK) {
            cp->key = medsec_arena_strdup(c->a, key);
            if (!cp->key)
                return MEDSEC_ENOMEM;
            if (!cp->vsi && !cp->vse && !cp->vei && !cp->vee &&
                medsec_cpe_version_key(&wfn, key, sizeof key) == MEDSEC_OK &&
                !(cp->ver_key = medsec_arena_strdup(c->a, key)))
                return MEDSEC_ENOMEM;
        }
    }
    const struct medsec_json *ch = medsec_json_get(n, "children");
    int me = (int)node->node;
    for (size_t i = 0; i < adv_arrlen(ch); i++) {
        medsec_err rc = add_node(c, medsec_json_at(ch, i), config, me, next, depth + 1);
        if (rc)
            return rc;
    }
    return MEDSEC_OK;
}

static medsec_err add_score(struct medsec_adv_vuln *vu, size_t cap, const struct medsec_json *data,
                            const char *source)
{
    const char *vec = adv_str(data, "vectorString");
    if (!vec || vu->n_scores >= cap)
        return MEDSEC_OK;
    struct medsec_adv_score *s = &vu->scores[vu->n_scores++];
    s->vector = vec;
    s->type = adv_cvss_type(vec);
    s->source = source;
    if (!medsec_json_number(medsec_json_get(data, "baseScore"), &s->score))
        s->score = -1;
    return MEDSEC_OK;
}

/* Is @s already one of the ','-terminated items in @b? */
static bool has_item(const struct medsec_buf *b, const char *s)
{
    size_t n = strlen(s);
    for (const char *p = b->data; p && *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && memcmp(p, s, n) == 0)
            return true;
        p = e ? e + 1 : p + len;
    }
    return false;
}

static const char *english(const struct medsec_json *list)
{
    const char *first = NULL;
    for (size_t i = 0; i < adv_arrlen(list); i++) {
        const struct medsec_json *d = medsec_json_at(list, i);
        const char *lang = adv_str(d, "lang"), *val = adv_str(d, "value");
        if (val && !first)
            first = val;
        if (val && lang && strcmp(lang, "en") == 0)
            return val;
    }
    return first;
}

medsec_err medsec_nvd_from_json(const struct medsec_json_doc *doc, const struct medsec_json *v,
                                struct medsec_arena *a, struct medsec_advisory *out,
                                struct medsec_error *err)
{
    memset(out, 0, sizeof *out);
    const struct medsec_json *cve = medsec_json_get(v, "cve");
    if (!medsec_json_is(cve, MEDSEC_JSON_OBJECT))
        return adv_fail(doc, v, MEDSEC_EPARSE, err, "NVD item without a \"cve\" object");
    bool v2 = medsec_json_get(cve, "id") != NULL;
    const char *id = v2 ? adv_str(cve, "id") : adv_str(medsec_json_get(cve, "CVE_data_meta"), "ID");
    if (!id || !*id)
        return adv_fail(doc, cve, MEDSEC_EPARSE, err, "NVD item without a CVE id");
    struct medsec_adv_vuln *vu = adv_alloc_array(a, 1, sizeof *vu);
    if (!vu)
        return MEDSEC_ENOMEM;
    out->source = MEDSEC_ADV_NVD;
    out->id = id;
    out->vulns = vu;
    out->n_vulns = 1;
    vu->name = id;
    out->published = vu->published = adv_str(v2 ? cve : v, v2 ? "published" : "publishedDate");
    out->modified = vu->modified = adv_str(v2 ? cve : v, v2 ? "lastModified" : "lastModifiedDate");
    vu->summary =
        english(v2 ? medsec_json_get(cve, "descriptions")
                   : medsec_json_get(medsec_json_get(cve, "description"), "description_data"));
    if (v2) {
        const char *st = adv_str(cve, "vulnStatus");
        if (st && strcmp(st, "Rejected") == 0)
            vu->withdrawn = vu->modified ? vu->modified : "rejected";
    } else if (vu->summary && strncmp(vu->summary, "** REJECT **", 12) == 0) {
        vu->withdrawn = vu->modified ? vu->modified : "rejected";
    }

    struct medsec_buf sb = MEDSEC_BUF_INIT;
    medsec_err rc = MEDSEC_OK;
    /* CWE: 1.1 problemtype.problemtype_data[].description[].value; 2.0 weaknesses[].description[]
     */
    const struct medsec_json *pt =
        v2 ? medsec_json_get(cve, "weaknesses")
           : medsec_json_get(medsec_json_get(cve, "problemtype"), "problemtype_data");
    for (size_t i = 0; !rc && i < adv_arrlen(pt); i++) {
        const struct medsec_json *d = medsec_json_get(medsec_json_at(pt, i), "description");
        for (size_t j = 0; !rc && j < adv_arrlen(d); j++) {
            const char *val = adv_str(medsec_json_at(d, j), "value");
            if (val && strncmp(val, "CWE-", 4) == 0 && !has_item(&sb, val))
                rc = adv_sb_item(&sb, val, ',');
        }
    }
    if (!rc && sb.len && !(vu->cwes = adv_sb_take(&sb, a)))
        rc = MEDSEC_ENOMEM;
    const struct medsec_json *refs =
        v2 ? medsec_json_get(cve, "references")
           : medsec_json_get(medsec_json_get(cve, "references"), "reference_data");
    if (!rc)
        rc = adv_join(&sb, a, refs, "url", '\n', &vu->refs);
    medsec_buf_release(&sb);
    if (rc)
        return rc;

    /* scores */
    if (v2) {
        const struct medsec_json *m = medsec_json_get(cve, "metrics");
        static const char *const keys[] = {"cvssMetricV40", "cvssMetricV31", "cvssMetricV30",
                                           "cvssMetricV2"};
        size_t cap = 0;
        for (size_t k = 0; k < 4; k++)
            cap += adv_arrlen(medsec_json_get(m, keys[k]));
        if (!(vu->scores = adv_alloc_array(a, cap, sizeof *vu->scores)))
            return MEDSEC_ENOMEM;
        for (size_t k = 0; k < 4; k++) {
            const struct medsec_json *arr = medsec_json_get(m, keys[k]);
            for (size_t i = 0; i < adv_arrlen(arr); i++) {
                const struct medsec_json *e = medsec_json_at(arr, i);
                add_score(vu, cap, medsec_json_get(e, "cvssData"), adv_str(e, "source"));
            }
        }
    } else {
        const struct medsec_json *imp = medsec_json_get(v, "impact");
        if (!(vu->scores = adv_alloc_array(a, 2, sizeof *vu->scores)))
            return MEDSEC_ENOMEM;
        add_score(vu, 2, medsec_json_get(medsec_json_get(imp, "baseMetricV3"), "cvssV3"),
                  "nvd@nist.gov");
        add_score(vu, 2, medsec_json_get(medsec_json_get(imp, "baseMetricV2"), "cvssV2"),
                  "nvd@nist.gov");
    }

    /* configurations: 2.0 configurations[] {operator, negate, nodes[]}; 1.1 configurations.nodes[]
     * where each top-level node is one configuration */
    struct nvd_cfg c = {.doc = doc, .a = a, .vu = vu, .err = err};
    const struct medsec_json *cfgs = medsec_json_get(v2 ? cve : v, "configurations");
    size_t nn = 0, nc = 0;
    if (v2) {
        for (size_t i = 0; i < adv_arrlen(cfgs); i++) {
            const struct medsec_json *nodes = medsec_json_get(medsec_json_at(cfgs, i), "nodes");
            count_nodes(nodes, &nn, &nc, 0);
            nn++; /* a synthetic root when the configuration combines several nodes */
        }
    } else {
        count_nodes(medsec_json_get(cfgs, "nodes"), &nn, &nc, 0);
    }
    c.cap_nodes = nn;
    c.cap_cpes = nc;
    vu->nodes = adv_alloc_array(a, nn, sizeof *vu->nodes);
    vu->cpes = adv_alloc_array(a, nc, sizeof *vu->cpes);
    if (!vu->nodes || !vu->cpes)
        return MEDSEC_ENOMEM;
    if (v2) {
        for (size_t i = 0; i < adv_arrlen(cfgs); i++) {
            const struct medsec_json *cfg = medsec_json_at(cfgs, i);
            const struct medsec_json *nodes = medsec_json_get(cfg, "nodes");
            unsigned next = 0;
            int parent = -1;
            if (adv_arrlen(nodes) > 1) {
                const char *op = adv_str(cfg, "operator");
                struct medsec_adv_cpe_node *root = &vu->nodes[vu->n_nodes++];
                root->config = (unsigned)i;
                root->node = next++;
                root->parent = -1;
                root->and_op = op && strcmp(op, "AND") == 0;
                root->negate = is_true(medsec_json_get(cfg, "negate"));
                parent = 0;
            }
            for (size_t j = 0; j < adv_arrlen(nodes); j++) {
                rc = add_node(&c, medsec_json_at(nodes, j), (unsigned)i, parent, &next, 0);
                if (rc)
                    return rc;
            }
        }
    } else {
        const struct medsec_json *nodes = medsec_json_get(cfgs, "nodes");
        for (size_t i = 0; i < adv_arrlen(nodes); i++) {
            unsigned next = 0;
            rc = add_node(&c, medsec_json_at(nodes, i), (unsigned)i, -1, &next, 0);
            if (rc)
                return rc;
        }
    }
    return MEDSEC_OK;
}
