/* rubric.c: turns a YAML file of answers to the MITRE/FDA "Rubric for Applying CVSS to Medical
 * Devices" questions into a CVSS v3.1 base vector and a CVSS v4.0 vector with the Safety
 * supplemental metric, walking a decision flow per metric in which each metric is decided by its
 * own questions only, and recording which answers set each metric. The questions, the mapping to
 * both CVSS versions and the Safety rule are documented in docs/rubric.md. */
#include <libfyaml.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/cvss.h"
#include "medsec/file.h"
#include "yamlsrc.h"

/* One yes/no question of a metric's decision flow. */
struct question {
    const char *key; /* key in the answers file */
    const char *id; /* the rubric's question id; M4... for the questions medsec adds for CVSS 4.0 */
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
/* XACL decides v3.1 AC. CVSS 4.0 splits those conditions in two: M4AT (deployment and execution
 * conditions: a race, an on-path position) gives AT, M4AC (defeating a protection, target-specific
 * secrets) gives AC; both are asked only when XACL is yes. */
static const struct section s_ac = {"attack_complexity",
                                    {{"specialized_conditions", "XACL"},
                                     {"deployment_conditions", "M4AT"},
                                     {"defeat_protections", "M4AC"}},
                                    3};
static const struct section s_pr = {"privileges_required",
                                    {{"authentication_required", "XPRL"},
                                     {"credentials_easily_obtained", "XPRS"},
                                     {"administrative_privileges", "XPRZ"}},
                                    3};
/* XUI decides v3.1 UI; M4UI (asked when XUI is yes) tells CVSS 4.0 Active from Passive. */
static const struct section s_ui = {
    "user_interaction", {{"user_action_required", "XUI"}, {"deliberate_action", "M4UI"}}, 2};
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
enum { NFUNC = sizeof functions / sizeof functions[0], F_DIAGNOSIS = 1, F_THERAPY = 2 };
static const char *const cia_keys[3] = {"confidentiality", "integrity", "availability"};
static const char *const level_names[3] = {"none", "low", "high"};

/* Where a function's impact lands (`system`, M4SYS): bits, 0 when not answered. */
enum { SYS_VULNERABLE = 1, SYS_SUBSEQUENT = 2 };

/* The impact answers. */
struct impact {
    int level[NFUNC][3];         /* [function][C/I/A]: 0 none, 1 low, 2 high; -1 function absent */
    unsigned sys[NFUNC];         /* SYS_ bits */
    struct fy_node *fkey[NFUNC]; /* the function's key, for positions */
    struct fy_node *sysval[NFUNC]; /* its `system` answer */
};

/* The v4.0 metrics in vector order (struct medsec_cvss_rubric.metrics4). */
enum { V4_AV, V4_AC, V4_AT, V4_PR, V4_UI, V4_VC, V4_VI, V4_VA, V4_SC, V4_SI, V4_SA, V4_S };
_Static_assert(V4_S + 1 == MEDSEC_CVSS_RUBRIC_V4_METRICS, "metrics4 holds every v4.0 metric");

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

/* The `system` answer of function @f: where its impact lands, for the CVSS 4.0 impact metrics. */
static medsec_err read_system(struct ctx *c, unsigned f, struct fy_node *v, struct impact *imp)
{
    static const char *const names[3] = {"vulnerable", "subsequent", "both"};
    static const unsigned bits[3] = {SYS_VULNERABLE, SYS_SUBSEQUENT,
                                     SYS_VULNERABLE | SYS_SUBSEQUENT};
    char what[96];
    snprintf(what, sizeof what, "impact.%s.system", functions[f].key);
    medsec_err rc = MEDSEC_OK;
    const char *t = text_of(c, v, what, &rc);
    if (!t)
        return rc;
    for (int l = 0; l < 3; l++)
        if (strcmp(t, names[l]) == 0) {
            imp->sys[f] = bits[l];
            imp->sysval[f] = v;
            return MEDSEC_OK;
        }
    return fail(c, v, "%s: answer '%.40s' is not vulnerable, subsequent or both", what, t);
}

/* The impact section: per clinical function the C, I, A answers and optionally `system`. */
static medsec_err read_impact(struct ctx *c, struct fy_node *k, struct fy_node *v,
                              struct impact *imp)
{
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
        imp->fkey[f] = fk;
        struct fy_node *val[3] = {NULL, NULL, NULL};
        void *it2 = NULL;
        for (struct fy_node_pair *q; (q = fy_node_mapping_iterate(fv, &it2));) {
            struct fy_node *ck = fy_node_pair_key(q);
            int j;
            for (j = 0; j < 3; j++)
                if (key_is(c, ck, cia_keys[j]))
                    break;
            if (j < 3) {
                val[j] = fy_node_pair_value(q);
                continue;
            }
            if (key_is(c, ck, "system")) {
                medsec_err rc = read_system(c, f, fy_node_pair_value(q), imp);
                if (rc)
                    return rc;
                continue;
            }
            size_t len = 0;
            const char *t = key_text(c, ck, &len);
            return fail(c, ck,
                        "impact.%s: unknown key '%.*s' (expected confidentiality, integrity, "
                        "availability, system)",
                        functions[f].key, (int)(len > 64 ? 64 : len), t);
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
                if (strcmp(t, level_names[l]) == 0)
                    break;
            if (l == 3)
                return fail(c, val[j], "%s: answer '%.40s' is not high, low or none", what, t);
            imp->level[f][j] = l;
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

/* Append a formatted text to the rationale @r of capacity @n (cut at the capacity). */
static void add(char *r, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(char *r, size_t n, const char *fmt, ...)
{
    size_t len = strlen(r);
    if (len + 1 >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r + len, n - len, fmt, ap);
    va_end(ap);
}

/*
 * An impact metric: the highest answer for property @j (0 C, 1 I, 2 A) across the clinical
 * functions whose impact lands on @side (SYS_ bits; 0: every function, the v3.1 metric). A function
 * without an impact on @j is listed as none whatever its side. The rationale is appended to what
 * @m->rationale holds.
 */
static void decide_cia(int j, const struct impact *imp, unsigned side, const char *metric,
                       const char *suffix, struct medsec_cvss_rubric_metric *m)
{
    static const char letters[3] = {'N', 'L', 'H'};
    int best = 0;
    set_metric(m, metric, 0);
    for (unsigned f = 0; f < NFUNC; f++) {
        int l = imp->level[f][j];
        if (l < 0 || (l > 0 && side && !(imp->sys[f] & side)))
            continue;
        add(m->rationale, sizeof m->rationale, "%s%s %s=%s", m->rationale[0] ? "; " : "",
            functions[f].ids[j], functions[f].key, level_names[l]);
        if (l > best)
            best = l;
    }
    add(m->rationale, sizeof m->rationale, " (%s)", suffix);
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

/* ---- CVSS 4.0 -------------------------------------------------------------------------------- */

/* Record the first reason the v4.0 vector cannot be derived: a question the v4.0 flow reaches that
 * the file does not answer (an answers file written before medsec asked it), at node @at. */
static void missing4(struct ctx *c, struct medsec_cvss_rubric *out, struct fy_node *at,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void missing4(struct ctx *c, struct medsec_cvss_rubric *out, struct fy_node *at,
                     const char *fmt, ...)
{
    if (out->missing4[0])
        return;
    unsigned line, col;
    medsec_yaml_pos(at ? at : c->root, &line, &col);
    int n = snprintf(out->missing4, sizeof out->missing4, "%s:%u:%u: ", c->name ? c->name : "",
                     line, col);
    if (n < 0 || (size_t)n >= sizeof out->missing4) /* a name that long leaves no room */
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->missing4 + n, sizeof out->missing4 - (size_t)n, fmt, ap);
    va_end(ap);
}

/* A yes/no question of the v4.0 flow: *given is false when the file does not answer it. An answer
 * that is not yes or no is an error even where the flow does not reach the question. */
static medsec_err answer4(struct ctx *c, const struct section *s, const struct answers *a,
                          unsigned i, bool *given, bool *yes)
{
    *yes = false;
    *given = a->val[i] != NULL;
    return *given ? answer(c, s, a, i, NULL, yes) : MEDSEC_OK;
}

/* v4.0 AC and AT. Both are conditions beyond the attacker's control, so they are asked only when
 * XACL is yes; a yes to either with XACL no contradicts it. XACL yes with both no is a condition
 * v4.0 no longer counts: knowledge the attacker gathers by reconnaissance (AC:L, AT:N). */
static medsec_err decide_ac_at(struct ctx *c, const struct answers *a, bool xacl,
                               struct medsec_cvss_rubric *out)
{
    static const char *const why[3] = {
        NULL, "a race or an on-path position is a condition beyond the attacker's control",
        "a protection to defeat or a target-specific secret is a condition beyond the attacker's "
        "control"};
    struct medsec_cvss_rubric_metric *m[3] = {NULL, &out->metrics4[V4_AT], &out->metrics4[V4_AC]};
    static const char *const name[3] = {NULL, "AT", "AC"};
    static const char if_yes[3] = {0, 'P', 'H'}, if_no[3] = {0, 'N', 'L'};
    for (unsigned i = 1; i < 3; i++) {
        bool given, yes;
        medsec_err rc = answer4(c, &s_ac, a, i, &given, &yes);
        if (rc)
            return rc;
        set_metric(m[i], name[i], 0);
        note(m[i]->rationale, sizeof m[i]->rationale, &s_ac, 0, xacl);
        if (!xacl) {
            if (yes)
                return fail(c, a->val[i], "attack_complexity.%s: yes contradicts %s: no (%s)",
                            s_ac.q[i].key, s_ac.q[0].key, why[i]);
            m[i]->value = if_no[i];
        } else if (!given) {
            missing4(c, out, a->section,
                     "attack_complexity: question '%s' (%s) is not answered; CVSS 4.0 asks it "
                     "when %s is yes",
                     s_ac.q[i].key, s_ac.q[i].id, s_ac.q[0].key);
        } else {
            note(m[i]->rationale, sizeof m[i]->rationale, &s_ac, i, yes);
            m[i]->value = yes ? if_yes[i] : if_no[i];
        }
    }
    return MEDSEC_OK;
}

/* v4.0 UI: None, or, when another person must act (XUI), Active for a deliberate action (M4UI) and
 * Passive for ordinary use of the device. */
static medsec_err decide_ui4(struct ctx *c, const struct answers *a, bool xui,
                             struct medsec_cvss_rubric *out)
{
    struct medsec_cvss_rubric_metric *m = &out->metrics4[V4_UI];
    bool given, yes;
    medsec_err rc = answer4(c, &s_ui, a, 1, &given, &yes);
    if (rc)
        return rc;
    set_metric(m, "UI", 0);
    note(m->rationale, sizeof m->rationale, &s_ui, 0, xui);
    if (!xui) {
        if (yes)
            return fail(c, a->val[1],
                        "user_interaction.%s: yes contradicts %s: no (a deliberate action by "
                        "another person is user interaction)",
                        s_ui.q[1].key, s_ui.q[0].key);
        m->value = 'N';
    } else if (!given) {
        missing4(c, out, a->section,
                 "user_interaction: question '%s' (%s) is not answered; CVSS 4.0 asks it when %s "
                 "is yes",
                 s_ui.q[1].key, s_ui.q[1].id, s_ui.q[0].key);
    } else {
        note(m->rationale, sizeof m->rationale, &s_ui, 1, yes);
        m->value = yes ? 'A' : 'P';
    }
    return MEDSEC_OK;
}

/*
 * v4.0 VC/VI/VA and SC/SI/SA. Without a scope change (XS no) every impact is on the vulnerable
 * system: VC/VI/VA are the v3.1 C/I/A and SC/SI/SA are None; `system: subsequent` or `both`
 * contradicts XS no. With a scope change each function with an impact says where it lands (M4SYS)
 * and each side takes the highest answer across its functions; at least one function with an impact
 * must land on a subsequent system, or there is no scope change.
 */
static medsec_err decide_impact4(struct ctx *c, const struct impact *imp, bool xs,
                                 struct fy_node *xs_answer, struct medsec_cvss_rubric *out)
{
    static const char *const vname[3] = {"VC", "VI", "VA"}, *const sname[3] = {"SC", "SI", "SA"};
    if (!xs) {
        for (unsigned f = 0; f < NFUNC; f++)
            if (imp->sys[f] & SYS_SUBSEQUENT)
                return fail(c, imp->sysval[f],
                            "impact.%s.system: %s contradicts scope.impacts_other_components: no "
                            "(without a scope change every impact is on the vulnerable system)",
                            functions[f].key, imp->sys[f] & SYS_VULNERABLE ? "both" : "subsequent");
        for (int j = 0; j < 3; j++) {
            decide_cia(j, imp, 0, vname[j],
                       "highest across functions, all on the vulnerable system",
                       &out->metrics4[V4_VC + j]);
            struct medsec_cvss_rubric_metric *m = &out->metrics4[V4_SC + j];
            set_metric(m, sname[j], 'N');
            note(m->rationale, sizeof m->rationale, &s_s, 0, false);
        }
        return MEDSEC_OK;
    }
    for (int j = 0; j < 3; j++) {
        set_metric(&out->metrics4[V4_VC + j], vname[j], 0);
        set_metric(&out->metrics4[V4_SC + j], sname[j], 0);
        note(out->metrics4[V4_SC + j].rationale, sizeof out->metrics4[V4_SC + j].rationale, &s_s, 0,
             true);
    }
    bool complete = true, any_impact = false, any_subsequent = false;
    for (unsigned f = 0; f < NFUNC; f++) {
        if (imp->level[f][0] <= 0 && imp->level[f][1] <= 0 && imp->level[f][2] <= 0)
            continue;
        any_impact = true;
        any_subsequent |= (imp->sys[f] & SYS_SUBSEQUENT) != 0;
        if (!imp->sys[f]) {
            missing4(c, out, imp->fkey[f],
                     "impact.%s: question 'system' (M4SYS) is not answered; CVSS 4.0 asks it of "
                     "every clinical function with an impact when "
                     "scope.impacts_other_components is yes",
                     functions[f].key);
            complete = false;
        }
    }
    if (!complete) {
        for (int j = 0; j < 3; j++)
            note(out->metrics4[V4_VC + j].rationale, sizeof out->metrics4[V4_VC + j].rationale,
                 &s_s, 0, true);
        return MEDSEC_OK;
    }
    if (any_impact && !any_subsequent)
        return fail(c, xs_answer,
                    "scope.impacts_other_components: yes, but no clinical function with an impact "
                    "is on a subsequent system (answer system: subsequent or both where the impact "
                    "lands beyond the vulnerable component, or impacts_other_components: no)");
    for (int j = 0; j < 3; j++) {
        decide_cia(j, imp, SYS_VULNERABLE, vname[j],
                   "highest across functions on the vulnerable system", &out->metrics4[V4_VC + j]);
        decide_cia(j, imp, SYS_SUBSEQUENT, sname[j],
                   "highest across functions on subsequent systems", &out->metrics4[V4_SC + j]);
    }
    return MEDSEC_OK;
}

/*
 * Safety (CVSS 4.0 supplemental metric S): Present when an integrity or availability answer of
 * therapy_delivery or diagnosis_monitoring is high, Negligible otherwise. A high answer for these
 * functions means altered or lost therapy or diagnosis that can harm the patient or delay or deny
 * care, which medsec takes to meet IEC 61508's consequence category "marginal" or worse; low means
 * no direct clinical consequence, i.e. "negligible" (docs/rubric.md, "Safety").
 */
static void decide_safety(const struct impact *imp, struct medsec_cvss_rubric_metric *m)
{
    static const unsigned fn[2] = {F_DIAGNOSIS, F_THERAPY};
    set_metric(m, "S", 'N');
    for (int i = 0; i < 2; i++)
        for (int j = 1; j < 3; j++) {
            int l = imp->level[fn[i]][j];
            if (l < 0) /* both functions are required: never absent once the file is accepted */
                continue;
            add(m->rationale, sizeof m->rationale, "%s%s %s=%s", m->rationale[0] ? "; " : "",
                functions[fn[i]].ids[j], functions[fn[i]].key, level_names[l]);
            if (l == 2)
                m->value = 'P';
        }
    add(m->rationale, sizeof m->rationale, " (%s)",
        m->value == 'P' ? "Present: a high integrity or availability impact on therapy or diagnosis"
                        : "Negligible: no high integrity or availability impact on therapy or "
                          "diagnosis");
}

/* The v4.0 vector from the answers and the v3.1 metrics already decided (AV and PR carry over). */
static medsec_err decide_v4(struct ctx *c, const struct answers *ac, const struct answers *ui,
                            const struct answers *sc, const struct impact *imp,
                            struct medsec_cvss_rubric *out)
{
    out->base4 = -1;
    out->severity4 = MEDSEC_CVSS_SEV_UNKNOWN;
    out->metrics4[V4_AV] = out->metrics[0];
    out->metrics4[V4_PR] = out->metrics[2];
    medsec_err rc;
    if ((rc = decide_ac_at(c, ac, out->metrics[1].value == 'H', out)) ||
        (rc = decide_ui4(c, ui, out->metrics[3].value == 'R', out)) ||
        (rc = decide_impact4(c, imp, out->metrics[4].value == 'C', sc->val[0], out)))
        return rc;
    decide_safety(imp, &out->metrics4[V4_S]);
    if (out->missing4[0])
        return MEDSEC_OK;

    size_t len = (size_t)snprintf(out->vector4, sizeof out->vector4, "CVSS:4.0");
    for (int i = 0; i < MEDSEC_CVSS_RUBRIC_V4_METRICS; i++)
        len += (size_t)snprintf(out->vector4 + len, sizeof out->vector4 - len, "/%s:%c",
                                out->metrics4[i].metric, out->metrics4[i].value);
    struct medsec_error perr;
    if (len >= sizeof out->vector4 ||
        medsec_cvss_parse(out->vector4, &out->cvss4, &perr) != MEDSEC_OK)
        return medsec_error_set(c->err, MEDSEC_EINTERNAL, c->name, 0, 0,
                                "rubric produced a bad CVSS 4.0 vector %s: %s", out->vector4,
                                len >= sizeof out->vector4 ? "too long" : perr.msg);
    struct medsec_cvss_scores s;
    medsec_cvss_score(&out->cvss4, &s);
    out->base4 = s.base;
    out->severity4 = medsec_cvss_severity(out->cvss4.version, s.base);
    return MEDSEC_OK;
}

/* ---- the answers file ------------------------------------------------------------------------ */

static medsec_err walk(struct ctx *c, struct medsec_cvss_rubric *out)
{
    struct answers av = {0}, ac = {0}, pr = {0}, ui = {0}, sc = {0};
    struct impact imp = {0};
    bool have_impact = false;
    memset(imp.level, -1, sizeof imp.level);
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
            rc = read_impact(c, k, v, &imp);
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
    /* v3.1: each metric from its own section's questions */
    if ((rc = decide_av(c, &av, &out->metrics[0])) ||
        (rc = decide_one(c, &s_ac, &ac, "AC", 'H', 'L', &out->metrics[1])) ||
        (rc = decide_pr(c, &pr, &out->metrics[2])) ||
        (rc = decide_one(c, &s_ui, &ui, "UI", 'R', 'N', &out->metrics[3])) ||
        (rc = decide_one(c, &s_s, &sc, "S", 'C', 'U', &out->metrics[4])))
        return rc;
    if (!have_impact)
        return fail(c, NULL, "missing section 'impact'");
    static const char *const cia[3] = {"C", "I", "A"};
    for (int j = 0; j < 3; j++)
        decide_cia(j, &imp, 0, cia[j], "highest across functions", &out->metrics[5 + j]);

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

    /* v4.0 from the same answers */
    return decide_v4(c, &ac, &ui, &sc, &imp, out);
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
    bool av = strcmp(m->metric, "AV") == 0, ui = strcmp(m->metric, "UI") == 0;
    bool safety = strcmp(m->metric, "S") == 0; /* v3.1 Scope is U or C, v4.0 Safety N or P */
    switch (m->value) {
    case 'N': return av ? "Network" : safety ? "Negligible" : "None";
    case 'A': return ui ? "Active" : "Adjacent";
    case 'L': return av ? "Local" : "Low";
    case 'P': return av ? "Physical" : ui ? "Passive" : "Present";
    case 'H': return "High";
    case 'R': return "Required";
    case 'U': return "Unchanged";
    case 'C': return "Changed";
    }
    return "?";
}
