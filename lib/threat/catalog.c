/* catalog.c: load threat rule catalogs (YAML, via libfyaml) and evaluate their `when:` conditions.
 */
#include <ctype.h>
#include <libfyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "medsec/alloc.h"
#include "medsec/file.h"
#include "medsec/threat.h"
#include "yamlsrc.h"

enum cond_op { C_ALL, C_ANY, C_NOT, C_MATCH, C_HAS };

struct medsec_tm_cond {
    enum cond_op op;
    const char *attr;  /* C_MATCH, C_HAS */
    const char **vals; /* C_MATCH: accepted values; C_HAS: attribute names (all required) */
    size_t nvals;
    struct medsec_tm_cond **kids; /* C_ALL, C_ANY, C_NOT (one) */
    size_t nkids;
};

/* ---- evaluation ---------------------------------------------------------------------------- */

/* The element's fields readable by name like attributes. */
static const char *pseudo_attr(const struct medsec_tm_element *e, const char *name, bool *is_pseudo)
{
    *is_pseudo = true;
    if (strcmp(name, "kind") == 0)
        return medsec_element_kind_name(e->kind);
    if (strcmp(name, "id") == 0)
        return e->id;
    if (strcmp(name, "name") == 0)
        return e->name;
    if (strcmp(name, "zone") == 0)
        return e->zone;
    if (strcmp(name, "from") == 0)
        return e->from;
    if (strcmp(name, "to") == 0)
        return e->to;
    *is_pseudo = false;
    return NULL;
}

static bool value_in(const char *v, const struct medsec_tm_cond *c)
{
    for (size_t i = 0; v && i < c->nvals; i++)
        if (strcasecmp(v, c->vals[i]) == 0)
            return true;
    return false;
}

static bool eval_match(const struct medsec_tm_cond *c, const struct medsec_tm_element *e)
{
    bool pseudo;
    const char *pv = pseudo_attr(e, c->attr, &pseudo);
    if (pseudo)
        return value_in(pv, c);
    const struct medsec_tm_attr *a = medsec_tm_attr_get(e, c->attr);
    if (!a)
        return value_in("false", c); /* a missing attribute reads as false */
    switch (a->type) {
    case MEDSEC_TM_BOOL: return value_in(a->b ? "true" : "false", c);
    case MEDSEC_TM_STR: return value_in(a->s, c);
    case MEDSEC_TM_LIST:
        for (size_t i = 0; i < a->nitems; i++)
            if (value_in(a->items[i], c))
                return true;
        return false;
    }
    return false;
}

static bool attr_set(const struct medsec_tm_element *e, const char *name)
{
    bool pseudo;
    const char *pv = pseudo_attr(e, name, &pseudo);
    if (pseudo)
        return pv && *pv;
    const struct medsec_tm_attr *a = medsec_tm_attr_get(e, name);
    if (!a)
        return false;
    switch (a->type) {
    case MEDSEC_TM_BOOL: return a->b;
    case MEDSEC_TM_STR: return *a->s != '\0';
    case MEDSEC_TM_LIST: return a->nitems > 0;
    }
    return false;
}

bool medsec_tm_cond_eval(const struct medsec_tm_cond *c, const struct medsec_tm_element *e)
{
    if (!c)
        return true;
    switch (c->op) {
    case C_ALL:
        for (size_t i = 0; i < c->nkids; i++)
            if (!medsec_tm_cond_eval(c->kids[i], e))
                return false;
        return true;
    case C_ANY:
        for (size_t i = 0; i < c->nkids; i++)
            if (medsec_tm_cond_eval(c->kids[i], e))
                return true;
        return false;
    case C_NOT: return !medsec_tm_cond_eval(c->kids[0], e);
    case C_MATCH: return eval_match(c, e);
    case C_HAS:
        for (size_t i = 0; i < c->nvals; i++)
            if (!attr_set(e, c->vals[i]))
                return false;
        return true;
    }
    return false;
}

/* ---- loading ------------------------------------------------------------------------------- */

struct loader {
    struct medsec_tm_catalog *cat;
    const char *name;
    struct medsec_error *err;
    size_t first;    /* index of the first rule added by this load */
    const char *src; /* the YAML text, for quoted scalars (medsec_yaml_text) */
    size_t srclen;
    struct medsec_arena scratch; /* decoded quoted scalars, until the load ends */
};

static medsec_err fail(struct loader *L, struct fy_node *at, medsec_err code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static medsec_err fail(struct loader *L, struct fy_node *at, medsec_err code, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    unsigned line = 0, col = 0;
    medsec_yaml_pos(at, &line, &col);
    return medsec_error_set(L->err, code, L->name, line, col, "%s", msg);
}

static medsec_err oom(struct loader *L)
{
    return medsec_error_set(L->err, MEDSEC_ENOMEM, L->name, 0, 0, "out of memory");
}

/* The scalar text of @n copied into the arena, or NULL (with *rc set) when @n is not a scalar. */
static const char *scalar(struct loader *L, struct fy_node *n, const char *what, medsec_err *rc)
{
    if (!n || !fy_node_is_scalar(n)) {
        *rc = fail(L, n, MEDSEC_EINVAL, "%s must be a scalar", what);
        return NULL;
    }
    size_t len = 0;
    const char *s = medsec_yaml_text(n, L->src, L->srclen, &L->scratch, &len);
    if (!s) {
        *rc = oom(L);
        return NULL;
    }
    if (memchr(s, '\0', len)) {
        *rc = fail(L, n, MEDSEC_EINVAL, "%s holds a NUL byte", what);
        return NULL;
    }
    char *out = medsec_arena_strndup(&L->cat->arena, s, len);
    if (!out)
        *rc = oom(L);
    return out;
}

/* A scalar or a sequence of scalars, as an array in the arena. */
static medsec_err strings(struct loader *L, struct fy_node *n, const char *what, const char ***out,
                          size_t *nout)
{
    medsec_err rc = MEDSEC_OK;
    size_t count = fy_node_is_sequence(n) ? (size_t)fy_node_sequence_item_count(n) : 1;
    if (count > 1000)
        return fail(L, n, MEDSEC_ETOOBIG, "%s: more than 1000 items", what);
    const char **v = medsec_arena_alloc(&L->cat->arena, (count ? count : 1) * sizeof *v);
    if (!v)
        return oom(L);
    if (!fy_node_is_sequence(n)) {
        if (!(v[0] = scalar(L, n, what, &rc)))
            return rc;
    } else {
        void *it = NULL;
        size_t i = 0;
        for (struct fy_node *item; (item = fy_node_sequence_iterate(n, &it)) && i < count; i++)
            if (!(v[i] = scalar(L, item, what, &rc)))
                return rc;
    }
    *out = v;
    *nout = count;
    return MEDSEC_OK;
}

static medsec_err compile(struct loader *L, struct fy_node *n, int depth,
                          struct medsec_tm_cond **out);

static struct medsec_tm_cond *new_cond(struct loader *L, enum cond_op op, size_t nkids)
{
    struct medsec_tm_cond *c = medsec_arena_alloc(&L->cat->arena, sizeof *c);
    if (!c)
        return NULL;
    memset(c, 0, sizeof *c);
    c->op = op;
    if (nkids) {
        c->kids = medsec_arena_alloc(&L->cat->arena, nkids * sizeof *c->kids);
        if (!c->kids)
            return NULL;
    }
    return c;
}

/* One `key: value` entry of a condition mapping. */
static medsec_err compile_entry(struct loader *L, const char *key, struct fy_node *k,
                                struct fy_node *v, int depth, struct medsec_tm_cond **out)
{
    medsec_err rc;
    if (strcmp(key, "any") == 0 || strcmp(key, "all") == 0) {
        if (!fy_node_is_sequence(v))
            return fail(L, v ? v : k, MEDSEC_EINVAL, "'%s' takes a list of conditions", key);
        size_t count = (size_t)fy_node_sequence_item_count(v);
        if (count > 1000)
            return fail(L, v, MEDSEC_ETOOBIG, "'%s': more than 1000 conditions", key);
        struct medsec_tm_cond *c = new_cond(L, key[1] == 'n' ? C_ANY : C_ALL, count);
        if (!c)
            return oom(L);
        void *it = NULL;
        for (struct fy_node *item; (item = fy_node_sequence_iterate(v, &it)) && c->nkids < count;)
            if ((rc = compile(L, item, depth + 1, &c->kids[c->nkids++])))
                return rc;
        *out = c;
        return MEDSEC_OK;
    }
    if (strcmp(key, "not") == 0) {
        struct medsec_tm_cond *c = new_cond(L, C_NOT, 1);
        if (!c)
            return oom(L);
        c->nkids = 1;
        if ((rc = compile(L, v, depth + 1, &c->kids[0])))
            return rc;
        *out = c;
        return MEDSEC_OK;
    }
    struct medsec_tm_cond *c = new_cond(L, strcmp(key, "has") == 0 ? C_HAS : C_MATCH, 0);
    if (!c)
        return oom(L);
    if (!v || fy_node_is_mapping(v) || (fy_node_is_scalar(v) && fy_node_is_null(v)))
        return fail(L, v ? v : k, MEDSEC_EINVAL, "'%s': expected a value or a list of values", key);
    c->attr = medsec_arena_strdup(&L->cat->arena, key);
    if (!c->attr)
        return oom(L);
    if ((rc = strings(L, v, key, &c->vals, &c->nvals)))
        return rc;
    if (c->nvals == 0)
        return fail(L, v, MEDSEC_EINVAL, "'%s': empty list matches nothing", key);
    *out = c;
    return MEDSEC_OK;
}

/* A condition is a mapping; several keys must all hold. */
static medsec_err compile(struct loader *L, struct fy_node *n, int depth,
                          struct medsec_tm_cond **out)
{
    if (depth > MEDSEC_TM_MAX_COND_DEPTH)
        return fail(L, n, MEDSEC_ETOOBIG, "condition nested deeper than %d",
                    MEDSEC_TM_MAX_COND_DEPTH);
    if (!n || !fy_node_is_mapping(n))
        return fail(L, n, MEDSEC_EINVAL,
                    "a condition must be a mapping (attribute: value, any, all, not, has)");
    size_t count = (size_t)fy_node_mapping_item_count(n);
    if (count > 1000)
        return fail(L, n, MEDSEC_ETOOBIG, "condition with more than 1000 entries");
    struct medsec_tm_cond *all = new_cond(L, C_ALL, count);
    if (!all)
        return oom(L);
    void *it = NULL;
    medsec_err rc = MEDSEC_OK;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(n, &it)) && all->nkids < count;) {
        struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        const char *key = scalar(L, k, "condition key", &rc);
        if (!key)
            return rc;
        if ((rc = compile_entry(L, key, k, v, depth, &all->kids[all->nkids++])))
            return rc;
    }
    *out = all->nkids == 1 ? all->kids[0] : all;
    return MEDSEC_OK;
}

/* A STRIDE letter or word, in either case. */
static bool parse_stride(const char *s, enum medsec_stride *out)
{
    char low[32];
    size_t n = strlen(s);
    if (n >= sizeof low)
        return false;
    for (size_t i = 0; i <= n; i++)
        low[i] = n == 1 ? (char)toupper((unsigned char)s[i]) : (char)tolower((unsigned char)s[i]);
    return medsec_stride_parse(low, out);
}

static bool parse_rating(const char *s, enum medsec_tm_rating *out)
{
    static const char *const names[] = {"low", "medium", "high"};
    for (int i = 0; i < 3; i++)
        if (strcasecmp(s, names[i]) == 0) {
            *out = (enum medsec_tm_rating)i;
            return true;
        }
    return false;
}

const char *medsec_tm_rating_name(enum medsec_tm_rating r)
{
    return r == MEDSEC_TM_LOW      ? "low"
           : r == MEDSEC_TM_MEDIUM ? "medium"
           : r == MEDSEC_TM_HIGH   ? "high"
                                   : "?";
}

static medsec_err parse_mitigation(struct loader *L, struct fy_node *n,
                                   struct medsec_tm_mitigation *m)
{
    medsec_err rc = MEDSEC_OK;
    memset(m, 0, sizeof *m);
    if (!fy_node_is_mapping(n))
        return fail(
            L, n, MEDSEC_EINVAL,
            "a mitigated_by entry must be a mapping (capabilities, when, effect, rationale)");
    void *it = NULL;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(n, &it));) {
        struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        const char *key = scalar(L, k, "key", &rc);
        if (!key)
            return rc;
        if (strcmp(key, "capabilities") == 0 || strcmp(key, "capability") == 0) {
            if ((rc = strings(L, v, key, &m->capabilities, &m->ncapabilities)))
                return rc;
        } else if (strcmp(key, "when") == 0) {
            struct medsec_tm_cond *c;
            if ((rc = compile(L, v, 0, &c)))
                return rc;
            m->when = c;
        } else if (strcmp(key, "effect") == 0) {
            const char *s = scalar(L, v, "effect", &rc);
            if (!s)
                return rc;
            if (strcmp(s, "silence") == 0)
                m->effect = MEDSEC_TM_SILENCE;
            else if (strcmp(s, "downgrade") == 0)
                m->effect = MEDSEC_TM_DOWNGRADE;
            else
                return fail(L, v, MEDSEC_EINVAL, "effect must be silence or downgrade, not '%s'",
                            s);
        } else if (strcmp(key, "rationale") == 0) {
            if (!(m->rationale = scalar(L, v, "rationale", &rc)))
                return rc;
        } else {
            return fail(L, k, MEDSEC_EINVAL, "unknown key '%s' in mitigated_by", key);
        }
    }
    if (!m->ncapabilities && !m->when)
        return fail(L, n, MEDSEC_EINVAL, "a mitigated_by entry needs capabilities or when");
    return MEDSEC_OK;
}

static medsec_err add_rule(struct loader *L, struct medsec_tm_rule *r, struct fy_node *at)
{
    struct medsec_tm_catalog *c = L->cat;
    for (size_t i = L->first; i < c->n; i++)
        if (strcmp(c->rules[i].id, r->id) == 0)
            return fail(L, at, MEDSEC_EINVAL, "duplicate rule id '%s' (first at line %u)", r->id,
                        c->rules[i].line);
    if (c->n >= MEDSEC_TM_MAX_RULES)
        return fail(L, at, MEDSEC_ETOOBIG, "more than %d rules", MEDSEC_TM_MAX_RULES);
    if (MEDSEC_ARRAY_GROW(c->rules, c->n, c->cap))
        return oom(L);
    c->rules[c->n++] = *r;
    return MEDSEC_OK;
}

static medsec_err parse_rule(struct loader *L, struct fy_node *n)
{
    medsec_err rc = MEDSEC_OK;
    if (!fy_node_is_mapping(n))
        return fail(L, n, MEDSEC_EINVAL, "a rule must be a mapping");
    struct medsec_tm_rule r;
    memset(&r, 0, sizeof r);
    r.rating = MEDSEC_TM_MEDIUM;
    r.file = medsec_arena_strdup(&L->cat->arena, L->name);
    if (!r.file)
        return oom(L);
    medsec_yaml_pos(n, &r.line, &r.column);
    size_t nmit = 0;
    void *it = NULL;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(n, &it));) {
        struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        const char *key = scalar(L, k, "key", &rc);
        if (!key)
            return rc;
        if (strcmp(key, "id") == 0) {
            if (!(r.id = scalar(L, v, "id", &rc)))
                return rc;
            if (!*r.id || strlen(r.id) > 200)
                return fail(L, v, MEDSEC_EINVAL, "rule id must be 1 to 200 characters");
        } else if (strcmp(key, "title") == 0) {
            if (!(r.title = scalar(L, v, "title", &rc)))
                return rc;
        } else if (strcmp(key, "rationale") == 0 || strcmp(key, "description") == 0) {
            if (!(r.rationale = scalar(L, v, key, &rc)))
                return rc;
        } else if (strcmp(key, "kind") == 0) {
            const char **kinds;
            size_t nk;
            if ((rc = strings(L, v, "kind", &kinds, &nk)))
                return rc;
            for (size_t i = 0; i < nk; i++) {
                enum medsec_element_kind kd;
                if (!medsec_element_kind_parse(kinds[i], &kd))
                    return fail(L, v, MEDSEC_EINVAL, "unknown element kind '%s'", kinds[i]);
                r.kinds |= 1u << kd;
            }
        } else if (strcmp(key, "channels") == 0 || strcmp(key, "channel") == 0) {
            const char **chs;
            size_t nc;
            if ((rc = strings(L, v, key, &chs, &nc)))
                return rc;
            for (size_t i = 0; i < nc; i++) {
                enum medsec_channel ch;
                if (!medsec_channel_parse(chs[i], &ch))
                    return fail(L, v, MEDSEC_EINVAL,
                                "unknown channel '%s' (network, wireless, field_bus, onboard_bus, "
                                "ipc, local_ui, removable_media, human)",
                                chs[i]);
                r.channels |= 1u << ch;
            }
        } else if (strcmp(key, "stride") == 0) {
            const char *s = scalar(L, v, "stride", &rc);
            if (!s)
                return rc;
            if (!parse_stride(s, &r.stride))
                return fail(L, v, MEDSEC_EINVAL, "stride must be one of S T R I D E, not '%s'", s);
        } else if (strcmp(key, "rating") == 0) {
            const char *s = scalar(L, v, "rating", &rc);
            if (!s)
                return rc;
            if (!parse_rating(s, &r.rating))
                return fail(L, v, MEDSEC_EINVAL, "rating must be low, medium or high, not '%s'", s);
        } else if (strcmp(key, "hazard") == 0) {
            if (!(r.hazard = scalar(L, v, "hazard", &rc)))
                return rc;
        } else if (strcmp(key, "when") == 0) {
            struct medsec_tm_cond *c;
            if ((rc = compile(L, v, 0, &c)))
                return rc;
            r.when = c;
        } else if (strcmp(key, "cwe") == 0) {
            if ((rc = strings(L, v, "cwe", &r.cwe, &r.ncwe)))
                return rc;
        } else if (strcmp(key, "capec") == 0) {
            if ((rc = strings(L, v, "capec", &r.capec, &r.ncapec)))
                return rc;
        } else if (strcmp(key, "controls") == 0) {
            if ((rc = strings(L, v, "controls", &r.controls, &r.ncontrols)))
                return rc;
        } else if (strcmp(key, "mitigated_by") == 0) {
            if (!fy_node_is_sequence(v))
                return fail(L, v ? v : k, MEDSEC_EINVAL, "mitigated_by must be a list");
            nmit = (size_t)fy_node_sequence_item_count(v);
            if (nmit > 100)
                return fail(L, v, MEDSEC_ETOOBIG, "more than 100 mitigated_by entries");
            struct medsec_tm_mitigation *m =
                medsec_arena_alloc(&L->cat->arena, (nmit ? nmit : 1) * sizeof *m);
            if (!m)
                return oom(L);
            void *mit = NULL;
            size_t i = 0;
            for (struct fy_node *item; (item = fy_node_sequence_iterate(v, &mit)) && i < nmit; i++)
                if ((rc = parse_mitigation(L, item, &m[i])))
                    return rc;
            r.mitigations = m;
            r.nmitigations = nmit;
        } else {
            return fail(L, k, MEDSEC_EINVAL, "unknown rule key '%s'", key);
        }
    }
    static const char *const required[] = {"id", "title", "kind", "stride"};
    const void *have[] = {r.id, r.title, r.kinds ? "" : NULL, r.stride ? "" : NULL};
    for (int i = 0; i < 4; i++)
        if (!have[i])
            return fail(L, n, MEDSEC_EINVAL, "rule%s%s%s: missing '%s'", r.id ? " '" : "",
                        r.id ? r.id : "", r.id ? "'" : "", required[i]);
    /* a threat to something that carries traffic happens on a medium: the rule says which */
    unsigned media = (1u << MEDSEC_ELEMENT_DATA_FLOW) | (1u << MEDSEC_ELEMENT_INTERFACE);
    if ((r.kinds & media) && !r.channels)
        return fail(L, n, MEDSEC_EINVAL,
                    "rule '%s' applies to data flows or interfaces: state the channels it can "
                    "happen on (channels: [network, wireless, ...])",
                    r.id);
    for (size_t i = 0; i < r.ncontrols; i++) {
        enum medsec_capability cap;
        if (!medsec_capability_parse(r.controls[i], &cap))
            return fail(L, n, MEDSEC_EINVAL, "rule '%s': '%s' is not an MDS2 capability code", r.id,
                        r.controls[i]);
    }
    return add_rule(L, &r, n);
}

/* Collects libfyaml's messages instead of letting it print them. */

static medsec_err parse_doc(struct loader *L, struct fy_document *doc)
{
    struct fy_node *root = fy_document_root(doc);
    if (!root || !fy_node_is_mapping(root))
        return fail(L, root, MEDSEC_EINVAL, "a rule catalog is a mapping with a 'rules' list");
    struct fy_node *rules = NULL;
    void *it = NULL;
    medsec_err rc = MEDSEC_OK;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(root, &it));) {
        struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        const char *key = scalar(L, k, "key", &rc);
        if (!key)
            return rc;
        if (strcmp(key, "rules") == 0) {
            rules = v;
        } else if (strcmp(key, "version") == 0) {
            const char *s = scalar(L, v, "version", &rc);
            if (!s)
                return rc;
            if (strcmp(s, "1") != 0)
                return fail(L, v, MEDSEC_EUNSUPPORTED,
                            "catalog version '%s' is not supported (only 1)", s);
        } else {
            return fail(L, k, MEDSEC_EINVAL, "unknown catalog key '%s'", key);
        }
    }
    if (!rules || !fy_node_is_sequence(rules))
        return fail(L, rules ? rules : root, MEDSEC_EINVAL, "'rules' must be a list of rules");
    it = NULL;
    for (struct fy_node *item; (item = fy_node_sequence_iterate(rules, &it));)
        if ((rc = parse_rule(L, item)))
            return rc;
    return MEDSEC_OK;
}

/* Rules of this load replace earlier rules with the same id, keeping the earlier position. */
static void apply_overrides(struct medsec_tm_catalog *c, size_t first)
{
    size_t w = first;
    for (size_t i = first; i < c->n; i++) {
        bool replaced = false;
        for (size_t j = 0; j < first; j++)
            if (strcmp(c->rules[j].id, c->rules[i].id) == 0) {
                c->rules[j] = c->rules[i];
                replaced = true;
                break;
            }
        if (!replaced)
            c->rules[w++] = c->rules[i];
    }
    c->n = w;
}

medsec_err medsec_tm_catalog_load(struct medsec_tm_catalog *c, const char *text, size_t len,
                                  const char *name, struct medsec_error *err)
{
    struct loader L = {c, name ? name : "<rules>", err, c->n, text, len, MEDSEC_ARENA_INIT};
    medsec_error_clear(err);
    if (len > MEDSEC_TM_MAX_CATALOG_BYTES)
        return medsec_error_set(err, MEDSEC_ETOOBIG, L.name, 0, 0, "catalog larger than %zu bytes",
                                (size_t)MEDSEC_TM_MAX_CATALOG_BYTES);
    struct medsec_yaml_failure why;
    struct fy_document *doc = medsec_yaml_parse(text, len, &why);
    if (!doc)
        return medsec_yaml_failure_error(&why, L.name, err);
    medsec_err rc = parse_doc(&L, doc);
    if (rc)
        c->n = L.first; /* drop this load's rules; their arena memory goes with the catalog */
    else
        apply_overrides(c, L.first);
    fy_document_destroy(doc);
    medsec_arena_release(&L.scratch);
    return rc;
}

medsec_err medsec_tm_catalog_load_file(struct medsec_tm_catalog *c, const char *path,
                                       struct medsec_error *err)
{
    char *text = NULL;
    size_t len = 0;
    medsec_err rc = medsec_file_read(path, MEDSEC_TM_MAX_CATALOG_BYTES, &text, &len, err);
    if (rc)
        return rc;
    rc = medsec_tm_catalog_load(c, text, len, path, err);
    medsec_free(text);
    return rc;
}

extern const unsigned char medsec_tm_default_rules[];
extern const size_t medsec_tm_default_rules_len;

medsec_err medsec_tm_catalog_load_default(struct medsec_tm_catalog *c, struct medsec_error *err)
{
    return medsec_tm_catalog_load(c, (const char *)medsec_tm_default_rules,
                                  medsec_tm_default_rules_len, "rules/threats.yaml", err);
}

void medsec_tm_catalog_init(struct medsec_tm_catalog *c)
{
    memset(c, 0, sizeof *c);
}

void medsec_tm_catalog_release(struct medsec_tm_catalog *c)
{
    medsec_free(c->rules);
    medsec_arena_release(&c->arena);
    memset(c, 0, sizeof *c);
}
