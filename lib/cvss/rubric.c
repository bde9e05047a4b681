/* rubric.c: turns a YAML file of answers to the MITRE/FDA "Rubric for Applying CVSS to Medical
 * Devices" questions into a CVSS v3.1 base vector, walking the rubric's decision flow per metric
 * and recording which answers set each metric. The questions and answers are documented in
 * docs/rubric.md. */
#include <libfyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/cvss.h"
#include "medsec/file.h"
#include "yamlsrc.h"

/* One yes/no question of a metric's decision flow. */
struct question {
    const char *key; /* key in the answers file */
    const char *id;  /* the rubric's question id */
};

enum { MAXQ = 8 };

struct section {
    const char *key;
    const struct question q[MAXQ];
    unsigned nq;
};

static const struct section s_av = {"attack_vector",
                                    {{"routed_network", "XAVN"},
                                     {"adjacent_network", "XAVT"},
                                     {"wireless", "XAVW"},
                                     {"local_access", "XAVR"},
                                     {"physical_access", "XAVP"}},
                                    5};
static const char av_result[5] = {'N', 'A', 'A', 'L', 'P'};
static const struct section s_ac = {"attack_complexity", {{"specialized_conditions", "XACL"}}, 1};
static const struct section s_pr = {"privileges_required",
                                    {{"authentication_required", "XPRL"},
                                     {"credentials_easily_obtained", "XPRS"},
                                     {"administrative_privileges", "XPRZ"}},
                                    3};
static const struct section s_ui = {"user_interaction", {{"user_action_required", "XUI"}}, 1};
static const struct section s_s = {"scope", {{"impacts_other_components", "XS"}}, 1};

/* The clinical functions whose confidentiality, integrity and availability the rubric asks about.
 */
struct function {
    const char *key;
    const char *ids[3]; /* C, I, A question ids */
    bool required;
};
static const struct function functions[] = {
    {"phi", {"XCP", "XIP", "XAP"}, true},
    {"diagnosis_monitoring", {"XCD", "XID", "XAD"}, true},
    {"therapy_delivery", {"XCT", "XIT", "XAT"}, true},
    {"clinical_workflow", {"XCW", "XIW", "XAW"}, true},
    {"secrets", {"XCS", "XIS", "XAS"}, true},
    {"other", {"XCO", "XIO", "XAO"}, false},
};
enum { NFUNC = sizeof functions / sizeof functions[0] };
static const char *const cia_keys[3] = {"confidentiality", "integrity", "availability"};

struct answers {
    struct fy_node *section; /* the section's key node, NULL when the section is absent */
    struct fy_node *key[MAXQ];
    struct fy_node *val[MAXQ];
};

struct ctx {
    const char *name;
    struct medsec_error *err;
    struct fy_node *root;
    const char *src; /* the YAML text, for quoted scalars (medsec_yaml_text) */
    size_t srclen;
    struct medsec_arena scratch;
};

static medsec_err fail(struct ctx *c, struct fy_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static medsec_err fail(struct ctx *c, struct fy_node *at, const char *fmt, ...)
{
    unsigned line, col;
    medsec_yaml_pos(at ? at : c->root, &line, &col);
    char msg[sizeof c->err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return medsec_error_set(c->err, MEDSEC_EINVAL, c->name, line, col, "%s", msg);
}

/* The text of scalar @n (its length in @len), "?" when @n is not a scalar or memory ran out. */
static const char *key_text(struct ctx *c, struct fy_node *n, size_t *len)
{
    const char *t =
        n && fy_node_is_scalar(n) ? medsec_yaml_text(n, c->src, c->srclen, &c->scratch, len) : NULL;
    if (!t) {
        *len = 1;
        return "?";
    }
    return t;
}

/* The text of a scalar node, NUL-terminated, or NULL (with an error) when it is not a scalar. */
static const char *text_of(struct ctx *c, struct fy_node *n, const char *what, medsec_err *rc)
{
    if (!n || !fy_node_is_scalar(n) || fy_node_is_alias(n)) {
        *rc = fail(c, n, "%s: expected a plain value", what);
        return NULL;
    }
    size_t len = 0;
    const char *s = medsec_yaml_text(n, c->src, c->srclen, &c->scratch, &len);
    char *z = s ? medsec_arena_strndup(&c->scratch, s, len) : NULL;
    if (!z)
        *rc = medsec_error_set(c->err, MEDSEC_ENOMEM, c->name, 0, 0, "out of memory");
    return z;
}

static bool key_is(struct ctx *c, struct fy_node *k, const char *s)
{
    size_t len = 0;
    const char *t = k && fy_node_is_scalar(k) && !fy_node_is_alias(k)
                        ? medsec_yaml_text(k, c->src, c->srclen, &c->scratch, &len)
                        : NULL;
    return t && len == strlen(s) && memcmp(t, s, len) == 0;
}

static medsec_err read_section(struct ctx *c, struct fy_node *k, struct fy_node *v,
                               const struct section *s, struct answers *a)
{
    a->section = k;
    if (!fy_node_is_mapping(v))
        return fail(c, v ? v : k, "%s: expected a mapping of answers", s->key);
    void *it = NULL;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(v, &it));) {
        struct fy_node *qk = fy_node_pair_key(p), *qv = fy_node_pair_value(p);
        unsigned i;
        for (i = 0; i < s->nq; i++)
            if (key_is(c, qk, s->q[i].key))
                break;
        if (i == s->nq) {
            size_t len = 0;
            const char *t = key_text(c, qk, &len);
            char list[256] = "";
            for (unsigned j = 0; j < s->nq; j++) {
                strncat(list, j ? ", " : "", sizeof list - strlen(list) - 1);
                strncat(list, s->q[j].key, sizeof list - strlen(list) - 1);
            }
            return fail(c, qk, "%s: unknown question '%.*s' (expected %s)", s->key,
                        (int)(len > 64 ? 64 : len), t, list);
        }
        a->key[i] = qk;
        a->val[i] = qv;
    }
    return MEDSEC_OK;
}

/* The yes/no answer to question @i; an error when it is missing or not yes/no. */
static medsec_err answer(struct ctx *c, const struct section *s, const struct answers *a,
                         unsigned i, const char *why, bool *yes)
{
    if (!a->section)
        return fail(c, NULL, "missing section '%s'", s->key);
    if (!a->val[i])
        return fail(c, a->section, "%s: question '%s' (%s) is not answered%s%s", s->key,
                    s->q[i].key, s->q[i].id, why ? "; " : "", why ? why : "");
    medsec_err rc = MEDSEC_OK;
    char what[96];
    snprintf(what, sizeof what, "%s.%s", s->key, s->q[i].key);
    const char *t = text_of(c, a->val[i], what, &rc);
    if (!t)
        return rc;
    if (strcmp(t, "yes") == 0 || strcmp(t, "true") == 0)
        *yes = true;
    else if (strcmp(t, "no") == 0 || strcmp(t, "false") == 0)
        *yes = false;
    else
        return fail(c, a->val[i], "%s: answer '%.40s' is not yes or no", what, t);
    return MEDSEC_OK;
}

/* Append "ID key=yes; " to a rationale. */
static void note(char *r, size_t n, const struct section *s, unsigned i, bool yes)
{
    size_t len = strlen(r);
    snprintf(r + len, n - len, "%s%s %s=%s", len ? "; " : "", s->q[i].id, s->q[i].key,
             yes ? "yes" : "no");
}

static void set_metric(struct medsec_cvss_rubric_metric *m, const char *metric, char value)
{
    snprintf(m->metric, sizeof m->metric, "%s", metric);
    m->value = value;
}

static medsec_err decide_av(struct ctx *c, const struct answers *a,
                            struct medsec_cvss_rubric_metric *m)
{
    set_metric(m, "AV", 0);
    for (unsigned i = 0; i < s_av.nq; i++) {
        bool yes;
        medsec_err rc = answer(c, &s_av, a, i,
                               i ? "the decision flow reaches it because the earlier "
                                   "attack_vector questions are answered no"
                                 : NULL,
                               &yes);
        if (rc)
            return rc;
        note(m->rationale, sizeof m->rationale, &s_av, i, yes);
        if (yes) {
            m->value = av_result[i];
            return MEDSEC_OK;
        }
    }
    return fail(c, a->section,
                "attack_vector: every question is answered no; a vulnerability needs a way "
                "in (answer physical_access: yes when only physical contact works)");
}

/* A one-question metric: yes gives @if_yes, no gives @if_no. */
static medsec_err decide_one(struct ctx *c, const struct section *s, const struct answers *a,
                             const char *metric, char if_yes, char if_no,
                             struct medsec_cvss_rubric_metric *m)
{
    bool yes;
    set_metric(m, metric, 0);
    medsec_err rc = answer(c, s, a, 0, NULL, &yes);
    if (rc)
        return rc;
    note(m->rationale, sizeof m->rationale, s, 0, yes);
    m->value = yes ? if_yes : if_no;
    return MEDSEC_OK;
}

static medsec_err decide_pr(struct ctx *c, const struct answers *a,
                            struct medsec_cvss_rubric_metric *m)
{
    bool auth, easy, admin;
    set_metric(m, "PR", 0);
    medsec_err rc = answer(c, &s_pr, a, 0, NULL, &auth);
    if (rc)
        return rc;
    note(m->rationale, sizeof m->rationale, &s_pr, 0, auth);
    if (!auth) {
        m->value = 'N';
        return MEDSEC_OK;
    }
    rc = answer(c, &s_pr, a, 1, "it is asked when authentication_required is yes", &easy);
    if (rc)
        return rc;
    note(m->rationale, sizeof m->rationale, &s_pr, 1, easy);
    if (easy) {
        m->value = 'N';
        return MEDSEC_OK;
    }
    rc = answer(c, &s_pr, a, 2, "it is asked when credentials_easily_obtained is no", &admin);
    if (rc)
        return rc;
    note(m->rationale, sizeof m->rationale, &s_pr, 2, admin);
    m->value = admin ? 'H' : 'L';
    return MEDSEC_OK;
}

/* Impact answers: [function][C/I/A] as 0 none, 1 low, 2 high; -1 when the function is absent. */
static medsec_err read_impact(struct ctx *c, struct fy_node *k, struct fy_node *v,
                              int level[NFUNC][3])
{
    static const char *const names[3] = {"none", "low", "high"};
    bool seen[NFUNC] = {false};
    if (!fy_node_is_mapping(v))
        return fail(c, v ? v : k, "impact: expected a mapping of clinical functions");
    void *it = NULL;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(v, &it));) {
        struct fy_node *fk = fy_node_pair_key(p), *fv = fy_node_pair_value(p);
        unsigned f;
        for (f = 0; f < NFUNC; f++)
            if (key_is(c, fk, functions[f].key))
                break;
        if (f == NFUNC) {
            size_t len = 0;
            const char *t = key_text(c, fk, &len);
            return fail(
                c, fk,
                "impact: unknown clinical function '%.*s' (expected phi, diagnosis_monitoring, "
                "therapy_delivery, clinical_workflow, secrets or other)",
                (int)(len > 64 ? 64 : len), t);
        }
        if (!fy_node_is_mapping(fv))
            return fail(c, fv ? fv : fk,
                        "impact.%s: expected confidentiality, integrity and availability",
                        functions[f].key);
        seen[f] = true;
        struct fy_node *val[3] = {NULL, NULL, NULL};
        void *it2 = NULL;
        for (struct fy_node_pair *q; (q = fy_node_mapping_iterate(fv, &it2));) {
            struct fy_node *ck = fy_node_pair_key(q);
            int j;
            for (j = 0; j < 3; j++)
                if (key_is(c, ck, cia_keys[j]))
                    break;
            if (j == 3) {
                size_t len = 0;
                const char *t = key_text(c, ck, &len);
                return fail(c, ck,
                            "impact.%s: unknown key '%.*s' (expected confidentiality, integrity, "
                            "availability)",
                            functions[f].key, (int)(len > 64 ? 64 : len), t);
            }
            val[j] = fy_node_pair_value(q);
        }
        for (int j = 0; j < 3; j++) {
            char what[96];
            snprintf(what, sizeof what, "impact.%s.%s", functions[f].key, cia_keys[j]);
            if (!val[j])
                return fail(c, fk, "%s (%s) is not answered", what, functions[f].ids[j]);
            medsec_err rc = MEDSEC_OK;
            const char *t = text_of(c, val[j], what, &rc);
            if (!t)
                return rc;
            int l;
            for (l = 0; l < 3; l++)
                if (strcmp(t, names[l]) == 0)
                    break;
            if (l == 3)
                return fail(c, val[j], "%s: answer '%.40s' is not high, low or none", what, t);
            level[f][j] = l;
        }
    }
    for (unsigned f = 0; f < NFUNC; f++)
        if (functions[f].required && !seen[f])
            return fail(c, k,
                        "impact: clinical function '%s' is not answered (answer none for each of "
                        "confidentiality, integrity and availability when it does not apply)",
                        functions[f].key);
    return MEDSEC_OK;
}

/* C, I or A: the highest impact across the clinical functions. */
static void decide_cia(int j, int level[NFUNC][3], struct medsec_cvss_rubric_metric *m)
{
    static const char *const names[3] = {"none", "low", "high"};
    static const char letters[3] = {'N', 'L', 'H'};
    static const char *const metric[3] = {"C", "I", "A"};
    int best = 0;
    set_metric(m, metric[j], 0);
    for (unsigned f = 0; f < NFUNC; f++) {
        if (level[f][j] < 0)
            continue;
        size_t len = strlen(m->rationale);
        snprintf(m->rationale + len, sizeof m->rationale - len, "%s%s %s=%s", len ? "; " : "",
                 functions[f].ids[j], functions[f].key, names[level[f][j]]);
        if (level[f][j] > best)
            best = level[f][j];
    }
    size_t len = strlen(m->rationale);
    snprintf(m->rationale + len, sizeof m->rationale - len, " (highest across functions)");
    m->value = letters[best];
}

static medsec_err copy_text(struct ctx *c, struct fy_node *v, const char *what, char *dst, size_t n)
{
    medsec_err rc = MEDSEC_OK;
    const char *t = text_of(c, v, what, &rc);
    if (!t)
        return rc;
    snprintf(dst, n, "%s", t);
    return MEDSEC_OK;
}

static medsec_err walk(struct ctx *c, struct medsec_cvss_rubric *out)
{
    struct answers av = {0}, ac = {0}, pr = {0}, ui = {0}, sc = {0};
    int level[NFUNC][3];
    bool have_impact = false;
    memset(level, -1, sizeof level);
    if (!c->root || !fy_node_is_mapping(c->root))
        return fail(c, c->root,
                    "expected a mapping with the rubric's sections (attack_vector, ...)");
    void *it = NULL;
    medsec_err rc = MEDSEC_OK;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(c->root, &it)) && !rc;) {
        struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        if (key_is(c, k, "rubric")) {
            char r[64];
            rc = copy_text(c, v, "rubric", r, sizeof r);
            if (!rc && strcmp(r, "mitre-medical-device-cvss") != 0)
                rc = fail(c, v, "rubric: '%s' is not 'mitre-medical-device-cvss'", r);
        } else if (key_is(c, k, "id")) {
            rc = copy_text(c, v, "id", out->id, sizeof out->id);
        } else if (key_is(c, k, "title")) {
            rc = copy_text(c, v, "title", out->title, sizeof out->title);
        } else if (key_is(c, k, s_av.key)) {
            rc = read_section(c, k, v, &s_av, &av);
        } else if (key_is(c, k, s_ac.key)) {
            rc = read_section(c, k, v, &s_ac, &ac);
        } else if (key_is(c, k, s_pr.key)) {
            rc = read_section(c, k, v, &s_pr, &pr);
        } else if (key_is(c, k, s_ui.key)) {
            rc = read_section(c, k, v, &s_ui, &ui);
        } else if (key_is(c, k, s_s.key)) {
            rc = read_section(c, k, v, &s_s, &sc);
        } else if (key_is(c, k, "impact")) {
            have_impact = true;
            rc = read_impact(c, k, v, level);
        } else {
            size_t len = 0;
            const char *t = key_text(c, k, &len);
            rc = fail(c, k,
                      "unknown key '%.*s' (expected rubric, id, title, attack_vector, "
                      "attack_complexity, privileges_required, user_interaction, scope, impact)",
                      (int)(len > 64 ? 64 : len), t);
        }
    }
    if (rc)
        return rc;
    if ((rc = decide_av(c, &av, &out->metrics[0])) ||
        (rc = decide_one(c, &s_ac, &ac, "AC", 'H', 'L', &out->metrics[1])) ||
        (rc = decide_pr(c, &pr, &out->metrics[2])) ||
        (rc = decide_one(c, &s_ui, &ui, "UI", 'R', 'N', &out->metrics[3])) ||
        (rc = decide_one(c, &s_s, &sc, "S", 'C', 'U', &out->metrics[4])))
        return rc;
    if (!have_impact)
        return fail(c, NULL, "missing section 'impact'");
    for (int j = 0; j < 3; j++)
        decide_cia(j, level, &out->metrics[5 + j]);

    size_t len = (size_t)snprintf(out->vector, sizeof out->vector, "CVSS:3.1");
    for (int i = 0; i < 8; i++)
        len += (size_t)snprintf(out->vector + len, sizeof out->vector - len, "/%s:%c",
                                out->metrics[i].metric, out->metrics[i].value);
    struct medsec_error perr;
    if (medsec_cvss_parse(out->vector, &out->cvss, &perr) != MEDSEC_OK)
        return medsec_error_set(c->err, MEDSEC_EINTERNAL, c->name, 0, 0,
                                "rubric produced a bad vector %s: %s", out->vector, perr.msg);
    struct medsec_cvss_scores s;
    medsec_cvss_score(&out->cvss, &s);
    out->base = s.base;
    out->severity = medsec_cvss_severity(out->cvss.version, s.base);
    return MEDSEC_OK;
}

medsec_err medsec_cvss_rubric_parse(const char *text, size_t len, const char *name,
                                    struct medsec_cvss_rubric *out, struct medsec_error *err)
{
    medsec_error_clear(err);
    memset(out, 0, sizeof *out);
    if (len > MEDSEC_CVSS_RUBRIC_MAX_BYTES)
        return medsec_error_set(err, MEDSEC_ETOOBIG, name, 0, 0,
                                "answers file larger than %d bytes", MEDSEC_CVSS_RUBRIC_MAX_BYTES);
    struct medsec_yaml_failure why;
    struct fy_document *doc = medsec_yaml_parse(text, len, &why);
    if (!doc)
        return medsec_yaml_failure_error(&why, name, err);
    struct ctx c = {name, err, fy_document_root(doc), text, len, MEDSEC_ARENA_INIT};
    medsec_err rc = walk(&c, out);
    medsec_arena_release(&c.scratch);
    fy_document_destroy(doc);
    return rc;
}

medsec_err medsec_cvss_rubric_load(const char *path, struct medsec_cvss_rubric *out,
                                   struct medsec_error *err)
{
    char *text = NULL;
    size_t len = 0;
    medsec_err rc = medsec_file_read(path, MEDSEC_CVSS_RUBRIC_MAX_BYTES, &text, &len, err);
    if (rc)
        return rc;
    rc = medsec_cvss_rubric_parse(text, len, path, out, err);
    medsec_free(text);
    return rc;
}

const char *medsec_cvss_rubric_value_name(const struct medsec_cvss_rubric_metric *m)
{
    bool av = strcmp(m->metric, "AV") == 0;
    switch (m->value) {
    case 'N': return av ? "Network" : "None";
    case 'A': return "Adjacent";
    case 'L': return av ? "Local" : "Low";
    case 'P': return "Physical";
    case 'H': return "High";
    case 'R': return "Required";
    case 'U': return "Unchanged";
    case 'C': return "Changed";
    }
    return "?";
}
