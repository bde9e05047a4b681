/* load.c: the triage file (docs/triage.md): read it through the project's YAML front with a
 * position on every error and caps on everything, and write it back out for `medsec triage set`. */
#include <libfyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/date.h"
#include "medsec/file.h"
#include "medsec/triage.h"
#include "medsec/version.h"
#include "triage_int.h"
#include "yamlsrc.h"

static const char *const rule_kinds[] = {"kernel_subsystem", "local_attacker", "cwe"};

const char *medsec_triage_rule_kind_name(enum medsec_triage_rule_kind k)
{
    return (unsigned)k < MEDSEC_TRIAGE_RULE_KIND_COUNT ? rule_kinds[k] : "?";
}

/* The default policy: days to decide by severity, and for KEV findings. */
static void default_policy(struct medsec_triage_policy *p)
{
    p->days[MEDSEC_CVSS_SEV_UNKNOWN] = 90;
    p->days[MEDSEC_CVSS_SEV_NONE] = 180;
    p->days[MEDSEC_CVSS_SEV_LOW] = 180;
    p->days[MEDSEC_CVSS_SEV_MEDIUM] = 90;
    p->days[MEDSEC_CVSS_SEV_HIGH] = 30;
    p->days[MEDSEC_CVSS_SEV_CRITICAL] = 15;
    p->kev_days = 7;
}

medsec_err medsec_triage_new(struct medsec_triage **out, struct medsec_error *err)
{
    *out = medsec_calloc(1, sizeof **out);
    if (!*out)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    (*out)->arena = (struct medsec_arena)MEDSEC_ARENA_INIT;
    default_policy(&(*out)->policy);
    return MEDSEC_OK;
}

void medsec_triage_free(struct medsec_triage *t)
{
    if (!t)
        return;
    medsec_free(t->decisions);
    medsec_free(t->rules);
    medsec_free(t->seen);
    for (size_t i = 0; i < t->nvex; i++)
        medsec_vex_doc_release(&t->vex[i].doc);
    medsec_free(t->vex);
    medsec_free(t->supplied);
    medsec_free((void *)t->files);
    medsec_arena_release(&t->arena);
    medsec_free(t);
}

/* ---- reading ---- */

struct rd {
    struct medsec_triage *t;
    const char *name; /* the file, in the triage's arena */
    const char *src;
    size_t srclen;
    struct medsec_error *err;
    struct fy_node *root;
    size_t cap_dec, cap_rule, cap_seen, cap_vex;
};

static medsec_err fail(struct rd *r, struct fy_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static medsec_err fail(struct rd *r, struct fy_node *at, const char *fmt, ...)
{
    unsigned line = 0, col = 0;
    medsec_yaml_pos(at ? at : r->root, &line, &col);
    char msg[sizeof r->err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return medsec_error_set(r->err, MEDSEC_EINVAL, r->name, line, col, "%s", msg);
}

static medsec_err nomem(struct rd *r)
{
    return medsec_error_set(r->err, MEDSEC_ENOMEM, r->name, 0, 0, "out of memory");
}

/* A scalar as a NUL-terminated string in the triage's arena. */
static medsec_err text(struct rd *r, struct fy_node *n, const char *what, const char **out)
{
    if (!n || fy_node_is_alias(n))
        return fail(r, n, "%s: aliases are not allowed in a triage file", what);
    if (!fy_node_is_scalar(n))
        return fail(r, n, "%s: expected a single value", what);
    size_t len = 0;
    const char *s = medsec_yaml_text(n, r->src, r->srclen, &r->t->arena, &len);
    if (!s)
        return nomem(r);
    /* a value of only white space is empty (what `by: |` with no lines gives), and the text up to
     * a NUL is all the writer could write back, so one is an error, never cut silently */
    size_t blank = 0;
    while (blank < len &&
           (s[blank] == ' ' || s[blank] == '\t' || s[blank] == '\n' || s[blank] == '\r'))
        blank++;
    if (len == 0 || blank == len || s[0] == '\0')
        return fail(r, n, "%s: empty value", what);
    if (memchr(s, '\0', len))
        return fail(r, n, "%s: a NUL character in the value", what);
    if (len > MEDSEC_TRIAGE_MAX_TEXT)
        return fail(r, n, "%s: longer than %u bytes", what, MEDSEC_TRIAGE_MAX_TEXT);
    char *z = medsec_arena_strndup(&r->t->arena, s, len);
    if (!z)
        return nomem(r);
    *out = z;
    return MEDSEC_OK;
}

static medsec_err date(struct rd *r, struct fy_node *n, const char *what, const char **out)
{
    medsec_err rc = text(r, n, what, out);
    if (!rc && !medsec_date_parse(*out, NULL))
        return fail(r, n, "%s: \"%s\" is not a date (YYYY-MM-DD)", what, *out);
    return rc;
}

/* A key as text ("?" when it is not a plain scalar). */
static const char *key(struct rd *r, struct fy_node *k, size_t *len)
{
    const char *s = k && fy_node_is_scalar(k) && !fy_node_is_alias(k)
                        ? medsec_yaml_text(k, r->src, r->srclen, &r->t->arena, len)
                        : NULL;
    if (!s) {
        *len = 1;
        return "?";
    }
    return s;
}

static bool is(const char *k, size_t n, const char *s)
{
    return n == strlen(s) && memcmp(k, s, n) == 0;
}

/* A list of scalars (a single scalar is a list of one). */
static medsec_err strings(struct rd *r, struct fy_node *n, const char *what,
                          const char *const **out, size_t *nout)
{
    if (n && fy_node_is_scalar(n) && !fy_node_is_alias(n)) {
        const char **v = medsec_arena_alloc(&r->t->arena, sizeof *v);
        if (!v)
            return nomem(r);
        medsec_err rc = text(r, n, what, &v[0]);
        *out = v;
        *nout = 1;
        return rc;
    }
    if (!n || fy_node_is_alias(n) || !fy_node_is_sequence(n))
        return fail(r, n, "%s: expected a list", what);
    int cnt = fy_node_sequence_item_count(n);
    if (cnt < 0 || cnt > (int)MEDSEC_TRIAGE_MAX_LIST)
        return fail(r, n, "%s: more than %u entries", what, MEDSEC_TRIAGE_MAX_LIST);
    const char **v = medsec_arena_alloc(&r->t->arena, sizeof *v * ((size_t)cnt + 1));
    if (!v)
        return nomem(r);
    void *it = NULL;
    size_t i = 0;
    for (struct fy_node *e; (e = fy_node_sequence_iterate(n, &it));) {
        medsec_err rc = text(r, e, what, &v[i++]);
        if (rc)
            return rc;
    }
    *out = v;
    *nout = i;
    return MEDSEC_OK;
}

bool medsec_triage_state_parse(const char *s, enum medsec_vex_state *out)
{
    if (medsec_vex_state_parse(s, out))
        return true;
    if (!strcmp(s, "affected"))
        *out = MEDSEC_VEX_EXPLOITABLE;
    else if (!strcmp(s, "fixed"))
        *out = MEDSEC_VEX_RESOLVED;
    else if (!strcmp(s, "under_investigation"))
        *out = MEDSEC_VEX_IN_TRIAGE;
    else
        return false;
    return true;
}

bool medsec_triage_justification_parse(const char *s, enum medsec_vex_cdx_justification *cdx,
                                       enum medsec_vex_justification *j)
{
    if (medsec_vex_cdx_justification_parse(s, cdx)) {
        *j = medsec_vex_cdx_to_justification(*cdx);
        return true;
    }
    for (int k = MEDSEC_VEX_COMPONENT_NOT_PRESENT; k < MEDSEC_VEX_COUNT; k++)
        if (!strcmp(s, medsec_vex_justification_name((enum medsec_vex_justification)k))) {
            *cdx = MEDSEC_CDX_UNSTATED;
            *j = (enum medsec_vex_justification)k;
            return true;
        }
    return false;
}

/* The state, in CycloneDX's words or OpenVEX's. */
static medsec_err state(struct rd *r, struct fy_node *n, enum medsec_vex_state *out)
{
    const char *s;
    medsec_err rc = text(r, n, "state", &s);
    if (rc)
        return rc;
    if (!medsec_triage_state_parse(s, out))
        return fail(r, n,
                    "state: \"%s\" is not one of in_triage, exploitable, not_affected, "
                    "false_positive, resolved (or OpenVEX's affected, fixed, under_investigation)",
                    s);
    return MEDSEC_OK;
}

/* A justification in CycloneDX's nine words or OpenVEX's five. */
static medsec_err justification(struct rd *r, struct fy_node *n,
                                enum medsec_vex_cdx_justification *cdx,
                                enum medsec_vex_justification *j)
{
    const char *s;
    medsec_err rc = text(r, n, "justification", &s);
    if (rc)
        return rc;
    if (!medsec_triage_justification_parse(s, cdx, j))
        return fail(r, n,
                    "justification: \"%s\" is neither a CycloneDX justification (code_not_present, "
                    "code_not_reachable, requires_configuration, ...) nor an OpenVEX one",
                    s);
    return MEDSEC_OK;
}

static medsec_err responses(struct rd *r, struct fy_node *n, unsigned *out)
{
    const char *const *v;
    size_t nv;
    medsec_err rc = strings(r, n, "response", &v, &nv);
    for (size_t i = 0; !rc && i < nv; i++) {
        unsigned bit;
        if (!medsec_vex_response_parse(v[i], &bit))
            return fail(r, n,
                        "response: \"%s\" is not one of can_not_fix, will_not_fix, update, "
                        "rollback, workaround_available",
                        v[i]);
        *out |= bit;
    }
    return rc;
}

static medsec_err check_vers(struct rd *r, struct fy_node *n, const char *s)
{
    struct medsec_vers v;
    struct medsec_error e;
    medsec_err rc = medsec_vers_parse(s, &v, &e);
    if (rc == MEDSEC_ENOMEM)
        return nomem(r);
    if (rc)
        return fail(r, n, "versions: %s", e.msg);
    medsec_vers_release(&v);
    return MEDSEC_OK;
}

/* The fields a decision and a rule share; true when @k was one of them. */
static bool common_field(struct rd *r, const char *k, size_t kl, struct fy_node *v,
                         enum medsec_vex_state *st, enum medsec_vex_cdx_justification *cdx,
                         enum medsec_vex_justification *j, const char **detail, unsigned *resp,
                         const char **by, const char **at, medsec_err *rc, struct fy_node **stn,
                         struct fy_node **jn)
{
    if (is(k, kl, "state")) {
        *stn = v;
        *rc = state(r, v, st);
    } else if (is(k, kl, "justification")) {
        *jn = v;
        *rc = justification(r, v, cdx, j);
    } else if (is(k, kl, "detail"))
        *rc = text(r, v, "detail", detail);
    else if (is(k, kl, "response"))
        *rc = responses(r, v, resp);
    else if (is(k, kl, "by"))
        *rc = text(r, v, "by", by);
    else if (is(k, kl, "at"))
        *rc = date(r, v, "at", at);
    else
        return false;
    return true;
}

static medsec_err check_state(struct rd *r, struct fy_node *at, enum medsec_vex_state st,
                              struct fy_node *jn, enum medsec_vex_justification j)
{
    if (st == MEDSEC_VEX_NOT_AFFECTED && j == MEDSEC_VEX_UNSTATED)
        return fail(r, at, "state not_affected needs a justification");
    if (st != MEDSEC_VEX_NOT_AFFECTED && jn)
        return fail(r, jn, "justification: only a not_affected state takes one");
    return MEDSEC_OK;
}

/* `origin`: hand (the default) or suggestion (an accepted suggestion from the architecture). */
static medsec_err origin(struct rd *r, struct fy_node *v, bool *suggested)
{
    const char *s = NULL;
    medsec_err rc = text(r, v, "origin", &s);
    if (rc)
        return rc;
    if (strcmp(s, "hand") && strcmp(s, "suggestion"))
        return fail(r, v, "origin: '%s' is neither hand nor suggestion", s);
    *suggested = !strcmp(s, "suggestion");
    return MEDSEC_OK;
}

/* An in-context CVSS vector of version @want, valid as `medsec cvss` reads it. */
static medsec_err vector(struct rd *r, struct fy_node *v, const char *field,
                         enum medsec_cvss_version want, const char **out)
{
    medsec_err rc = text(r, v, field, out);
    if (rc)
        return rc;
    struct medsec_cvss c;
    struct medsec_error e;
    if (medsec_cvss_parse(*out, &c, &e) != MEDSEC_OK)
        return fail(r, v, "%s: not a CVSS vector: %s", field, e.msg);
    if (c.version != want)
        return fail(r, v, "%s: a CVSS %s vector is needed", field, medsec_cvss_version_name(want));
    return MEDSEC_OK;
}

static medsec_err read_decision(struct rd *r, struct fy_node *n)
{
    if (fy_node_is_alias(n) || !fy_node_is_mapping(n))
        return fail(r, n, "decisions: each entry is a mapping (vuln, component, state, ...)");
    if (r->t->ndecisions >= MEDSEC_TRIAGE_MAX_ENTRIES)
        return medsec_error_set(r->err, MEDSEC_ETOOBIG, r->name, 0, 0, "more than %u decisions",
                                MEDSEC_TRIAGE_MAX_ENTRIES);
    struct medsec_triage_decision d = {0};
    d.file = r->name;
    medsec_yaml_pos(n, &d.line, &d.column);
    struct fy_node *stn = NULL, *jn = NULL;
    bool has_state = false;
    void *it = NULL;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(n, &it));) {
        struct fy_node *kn = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        size_t kl;
        const char *k = key(r, kn, &kl);
        medsec_err rc = MEDSEC_OK;
        if (common_field(r, k, kl, v, &d.state, &d.cdx_justification, &d.justification, &d.detail,
                         &d.responses, &d.by, &d.at, &rc, &stn, &jn))
            has_state |= stn != NULL;
        else if (is(k, kl, "vuln"))
            rc = text(r, v, "vuln", &d.vuln);
        else if (is(k, kl, "component"))
            rc = text(r, v, "component", &d.component);
        else if (is(k, kl, "version"))
            rc = text(r, v, "version", &d.version);
        else if (is(k, kl, "versions")) {
            rc = text(r, v, "versions", &d.versions);
            if (!rc)
                rc = check_vers(r, v, d.versions);
        } else if (is(k, kl, "fixed_in"))
            rc = text(r, v, "fixed_in", &d.fixed_in);
        else if (is(k, kl, "due"))
            rc = date(r, v, "due", &d.due);
        else if (is(k, kl, "fingerprint"))
            rc = text(r, v, "fingerprint", &d.fingerprint);
        else if (is(k, kl, "origin"))
            rc = origin(r, v, &d.suggested);
        else if (is(k, kl, "cvss_v3"))
            rc = vector(r, v, "cvss_v3", MEDSEC_CVSS_V31, &d.cvss_v3);
        else if (is(k, kl, "cvss_v4"))
            rc = vector(r, v, "cvss_v4", MEDSEC_CVSS_V40, &d.cvss_v4);
        else
            rc = fail(r, kn,
                      "decisions: unknown key \"%.*s\" (vuln, component, version, versions, state, "
                      "justification, detail, response, fixed_in, by, at, due, fingerprint, "
                      "origin, cvss_v3, cvss_v4)",
                      (int)(kl > 80 ? 80 : kl), k);
        if (rc)
            return rc;
    }
    if (!d.vuln)
        return fail(r, n, "decision without `vuln`");
    if (!d.component)
        return fail(r, n, "decision on %s without `component`", d.vuln);
    if (!has_state)
        return fail(r, n, "decision on %s without `state`", d.vuln);
    if (!d.by)
        return fail(r, n, "decision on %s without `by` (who decided)", d.vuln);
    if (d.version && d.versions)
        return fail(r, n, "decision on %s: give `version` or `versions`, not both", d.vuln);
    medsec_err rc = check_state(r, stn, d.state, jn, d.justification);
    if (rc)
        return rc;
    if (MEDSEC_ARRAY_GROW(r->t->decisions, r->t->ndecisions, r->cap_dec))
        return nomem(r);
    r->t->decisions[r->t->ndecisions++] = d;
    return MEDSEC_OK;
}

static medsec_err read_rule(struct rd *r, struct fy_node *n)
{
    if (fy_node_is_alias(n) || !fy_node_is_mapping(n))
        return fail(r, n, "rules: each entry is a mapping (id, kind, justification, ...)");
    if (r->t->nrules >= MEDSEC_TRIAGE_MAX_ENTRIES)
        return medsec_error_set(r->err, MEDSEC_ETOOBIG, r->name, 0, 0, "more than %u rules",
                                MEDSEC_TRIAGE_MAX_ENTRIES);
    struct medsec_triage_rule u = {0};
    u.file = r->name;
    u.state = MEDSEC_VEX_NOT_AFFECTED;
    medsec_yaml_pos(n, &u.line, &u.column);
    struct fy_node *stn = NULL, *jn = NULL, *kindn = NULL;
    void *it = NULL;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(n, &it));) {
        struct fy_node *kn = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        size_t kl;
        const char *k = key(r, kn, &kl);
        medsec_err rc = MEDSEC_OK;
        if (common_field(r, k, kl, v, &u.state, &u.cdx_justification, &u.justification, &u.detail,
                         &u.responses, &u.by, &u.at, &rc, &stn, &jn))
            ;
        else if (is(k, kl, "id"))
            rc = text(r, v, "id", &u.id);
        else if (is(k, kl, "kind")) {
            const char *s;
            kindn = v;
            rc = text(r, v, "kind", &s);
            if (!rc) {
                int f = -1;
                for (int i = 0; i < MEDSEC_TRIAGE_RULE_KIND_COUNT; i++)
                    if (!strcmp(s, rule_kinds[i]))
                        f = i;
                if (f < 0)
                    rc = fail(r, v, "kind: \"%s\" is not kernel_subsystem, local_attacker or cwe",
                              s);
                u.kind = (enum medsec_triage_rule_kind)f;
            }
        } else if (is(k, kl, "component"))
            rc = text(r, v, "component", &u.component);
        else if (is(k, kl, "built"))
            rc = strings(r, v, "built", &u.built, &u.nbuilt);
        else if (is(k, kl, "items"))
            rc = strings(r, v, "items", &u.items, &u.nitems);
        else if (is(k, kl, "cwe")) {
            rc = text(r, v, "cwe", &u.cwe);
            if (!rc && (strncmp(u.cwe, "CWE-", 4) || !u.cwe[4] ||
                        strspn(u.cwe + 4, "0123456789") != strlen(u.cwe + 4)))
                rc = fail(r, v, "cwe: \"%s\" is not a CWE id (CWE-NNN)", u.cwe);
        } else
            rc = fail(r, kn,
                      "rules: unknown key \"%.*s\" (id, kind, component, built, items, cwe, state, "
                      "justification, detail, response, by, at)",
                      (int)(kl > 80 ? 80 : kl), k);
        if (rc)
            return rc;
    }
    if (!u.id)
        return fail(r, n, "rule without `id`");
    if (!kindn)
        return fail(r, n, "rule %s without `kind`", u.id);
    for (size_t i = 0; i < r->t->nrules; i++)
        if (!strcmp(r->t->rules[i].id, u.id))
            return fail(r, n, "rule %s: the id is already used at %s:%u", u.id, r->t->rules[i].file,
                        r->t->rules[i].line);
    if (u.kind == MEDSEC_TRIAGE_RULE_KERNEL && (!u.component || !u.nbuilt))
        return fail(r, n, "rule %s: kernel_subsystem needs `component` and `built`", u.id);
    if (u.kind == MEDSEC_TRIAGE_RULE_LOCAL && !u.nitems)
        return fail(r, n, "rule %s: local_attacker needs `items` (items without local users)",
                    u.id);
    if (u.kind == MEDSEC_TRIAGE_RULE_CWE && (!u.component || !u.cwe))
        return fail(r, n, "rule %s: cwe needs `component` and `cwe`", u.id);
    if ((u.kind == MEDSEC_TRIAGE_RULE_KERNEL || u.kind == MEDSEC_TRIAGE_RULE_LOCAL) && stn &&
        u.state != MEDSEC_VEX_NOT_AFFECTED)
        return fail(r, stn, "rule %s: a %s rule can only say not_affected", u.id,
                    rule_kinds[u.kind]);
    medsec_err rc = check_state(r, stn ? stn : n, u.state, jn, u.justification);
    if (rc)
        return rc;
    if (!u.detail)
        return fail(r, n, "rule %s without `detail` (why it holds)", u.id);
    if (MEDSEC_ARRAY_GROW(r->t->rules, r->t->nrules, r->cap_rule))
        return nomem(r);
    r->t->rules[r->t->nrules++] = u;
    return MEDSEC_OK;
}

static medsec_err read_seen(struct rd *r, struct fy_node *n)
{
    if (fy_node_is_alias(n) || !fy_node_is_mapping(n))
        return fail(r, n, "seen: each entry is a mapping (vuln, component, version, first_seen)");
    if (r->t->nseen >= MEDSEC_TRIAGE_MAX_ENTRIES)
        return medsec_error_set(r->err, MEDSEC_ETOOBIG, r->name, 0, 0, "more than %u seen records",
                                MEDSEC_TRIAGE_MAX_ENTRIES);
    struct medsec_triage_seen s = {0};
    void *it = NULL;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(n, &it));) {
        struct fy_node *kn = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        size_t kl;
        const char *k = key(r, kn, &kl);
        medsec_err rc;
        if (is(k, kl, "vuln"))
            rc = text(r, v, "vuln", &s.vuln);
        else if (is(k, kl, "component"))
            rc = text(r, v, "component", &s.component);
        else if (is(k, kl, "version"))
            rc = text(r, v, "version", &s.version);
        else if (is(k, kl, "first_seen"))
            rc = date(r, v, "first_seen", &s.first_seen);
        else
            rc = fail(r, kn, "seen: unknown key \"%.*s\" (vuln, component, version, first_seen)",
                      (int)(kl > 80 ? 80 : kl), k);
        if (rc)
            return rc;
    }
    if (!s.vuln || !s.component || !s.first_seen)
        return fail(r, n, "seen: an entry needs vuln, component and first_seen");
    if (MEDSEC_ARRAY_GROW(r->t->seen, r->t->nseen, r->cap_seen))
        return nomem(r);
    r->t->seen[r->t->nseen++] = s;
    return MEDSEC_OK;
}

/* A supplier VEX document: `file` (inside the triage file's folder) and `supplier`. */
static medsec_err read_vex(struct rd *r, struct fy_node *n)
{
    if (fy_node_is_alias(n) || !fy_node_is_mapping(n))
        return fail(r, n, "vex: each entry is a mapping (file, supplier)");
    if (r->t->nvex >= MEDSEC_TRIAGE_MAX_VEX)
        return fail(r, n, "vex: more than %u supplier documents", MEDSEC_TRIAGE_MAX_VEX);
    struct medsec_triage_vex x = {0};
    x.triage_file = r->name;
    medsec_yaml_pos(n, &x.line, &x.column);
    struct fy_node *filen = NULL;
    void *it = NULL;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(n, &it));) {
        struct fy_node *kn = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        size_t kl;
        const char *k = key(r, kn, &kl);
        medsec_err rc;
        if (is(k, kl, "file")) {
            filen = v;
            rc = text(r, v, "file", &x.file);
        } else if (is(k, kl, "supplier"))
            rc = text(r, v, "supplier", &x.supplier);
        else
            rc = fail(r, kn, "vex: unknown key \"%.*s\" (file, supplier)", (int)(kl > 80 ? 80 : kl),
                      k);
        if (rc)
            return rc;
    }
    if (!x.file || !x.supplier)
        return fail(r, n, "vex: an entry needs file (the supplier's VEX document) and supplier");
    /* a path inside the triage file's folder, reviewed with it: no absolute path, no `..` */
    if (x.file[0] == '/')
        return fail(r, filen, "vex: file \"%s\": give a path relative to the triage file's folder",
                    x.file);
    for (const char *p = x.file; *p;) {
        size_t seg = strcspn(p, "/");
        if (seg == 2 && p[0] == '.' && p[1] == '.')
            return fail(r, filen,
                        "vex: file \"%s\": `..` is not allowed (keep supplier documents in the "
                        "triage file's folder)",
                        x.file);
        p += seg + (p[seg] == '/');
    }
    for (size_t i = 0; i < r->t->nvex; i++)
        if (!strcmp(r->t->vex[i].file, x.file) && !strcmp(r->t->vex[i].triage_file, r->name))
            return fail(r, n, "vex: %s is already named at line %u", x.file, r->t->vex[i].line);
    medsec_vex_doc_init(&x.doc);
    if (MEDSEC_ARRAY_GROW(r->t->vex, r->t->nvex, r->cap_vex))
        return nomem(r);
    r->t->vex[r->t->nvex++] = x;
    return MEDSEC_OK;
}

static const char *const sev_keys[] = {"unscored", "none", "low", "medium", "high", "critical"};

static medsec_err read_policy(struct rd *r, struct fy_node *n, struct medsec_triage_policy *pol)
{
    if (fy_node_is_alias(n) || !fy_node_is_mapping(n))
        return fail(r, n, "policy: expected a mapping (due_days)");
    void *it = NULL;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(n, &it));) {
        struct fy_node *kn = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        size_t kl;
        const char *k = key(r, kn, &kl);
        if (!is(k, kl, "due_days"))
            return fail(r, kn, "policy: unknown key \"%.*s\" (due_days)", (int)(kl > 80 ? 80 : kl),
                        k);
        if (fy_node_is_alias(v) || !fy_node_is_mapping(v))
            return fail(r, v,
                        "due_days: expected a mapping of severity (critical, high, medium, low, "
                        "none, unscored) or kev to days");
        void *it2 = NULL;
        for (struct fy_node_pair *q; (q = fy_node_mapping_iterate(v, &it2));) {
            struct fy_node *sk = fy_node_pair_key(q), *sv = fy_node_pair_value(q);
            size_t sl;
            const char *s = key(r, sk, &sl), *num;
            long *slot = NULL;
            if (is(s, sl, "kev"))
                slot = &pol->kev_days;
            for (int i = 0; i <= MEDSEC_CVSS_SEV_CRITICAL && !slot; i++)
                if (is(s, sl, sev_keys[i]))
                    slot = &pol->days[i];
            if (!slot)
                return fail(r, sk,
                            "due_days: \"%.*s\" is not critical, high, medium, low, none, unscored "
                            "or kev",
                            (int)(sl > 80 ? 80 : sl), s);
            medsec_err rc = text(r, sv, "due_days", &num);
            if (rc)
                return rc;
            char *end;
            long d = strtol(num, &end, 10);
            if (*end || end == num || d < 0 || d > 36500)
                return fail(r, sv, "due_days: \"%s\" is not a number of days (0 to 36500)", num);
            *slot = d;
        }
    }
    return MEDSEC_OK;
}

static medsec_err read_list(struct rd *r, struct fy_node *kn, struct fy_node *v, const char *what,
                            medsec_err (*one)(struct rd *, struct fy_node *))
{
    if (fy_node_is_alias(v) || !fy_node_is_sequence(v))
        return fail(r, v ? v : kn, "%s: expected a list", what);
    void *it = NULL;
    for (struct fy_node *e; (e = fy_node_sequence_iterate(v, &it));) {
        medsec_err rc = one(r, e);
        if (rc)
            return rc;
    }
    return MEDSEC_OK;
}

static medsec_err walk(struct rd *r, struct medsec_triage_policy *pol, bool *has_policy)
{
    if (!r->root || fy_node_is_alias(r->root) || !fy_node_is_mapping(r->root))
        return fail(r, r->root,
                    "a triage file is a mapping (medsec_triage, policy, rules, decisions, vex, "
                    "seen)");
    bool version = false;
    void *it = NULL;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(r->root, &it));) {
        struct fy_node *kn = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        size_t kl;
        const char *k = key(r, kn, &kl);
        medsec_err rc;
        if (is(k, kl, "medsec_triage")) {
            const char *s;
            rc = text(r, v, "medsec_triage", &s);
            if (!rc && strcmp(s, "1"))
                rc = fail(r, v, "medsec_triage: version \"%s\" is not supported (1 is)", s);
            version = true;
        } else if (is(k, kl, "policy")) {
            rc = read_policy(r, v, pol);
            *has_policy = true;
        } else if (is(k, kl, "rules"))
            rc = read_list(r, kn, v, "rules", read_rule);
        else if (is(k, kl, "decisions"))
            rc = read_list(r, kn, v, "decisions", read_decision);
        else if (is(k, kl, "seen"))
            rc = read_list(r, kn, v, "seen", read_seen);
        else if (is(k, kl, "vex"))
            rc = read_list(r, kn, v, "vex", read_vex);
        else
            rc = fail(r, kn,
                      "unknown key \"%.*s\" (medsec_triage, policy, rules, decisions, vex, seen)",
                      (int)(kl > 80 ? 80 : kl), k);
        if (rc)
            return rc;
    }
    if (!version)
        return fail(r, r->root, "missing `medsec_triage: 1` (the format's version)");
    return MEDSEC_OK;
}

medsec_err medsec_triage_parse(struct medsec_triage *t, const char *text, size_t len,
                               const char *name, struct medsec_error *err)
{
    medsec_error_clear(err);
    if (len > MEDSEC_TRIAGE_MAX_BYTES)
        return medsec_error_set(err, MEDSEC_ETOOBIG, name, 0, 0, "triage file larger than %u bytes",
                                MEDSEC_TRIAGE_MAX_BYTES);
    const char **files = medsec_malloc(sizeof *files * (t->nfiles + 1));
    char *nm = medsec_arena_strdup(&t->arena, name ? name : "triage.yaml");
    if (!files || !nm) {
        medsec_free(files);
        return medsec_error_set(err, MEDSEC_ENOMEM, name, 0, 0, "out of memory");
    }
    struct medsec_yaml_failure why;
    struct fy_document *doc = medsec_yaml_parse(text, len, &why);
    if (!doc) {
        medsec_free(files);
        return medsec_yaml_failure_error(&why, name, err);
    }
    struct rd r = {t,         nm,       text,   len, err, fy_document_root(doc), t->ndecisions,
                   t->nrules, t->nseen, t->nvex};
    /* the arrays' capacities: at least their counts (they grew with MEDSEC_ARRAY_GROW) */
    size_t nd = t->ndecisions, nr = t->nrules, ns = t->nseen, nv = t->nvex;
    struct medsec_triage_policy pol = t->policy;
    bool has_policy = false;
    medsec_err rc = walk(&r, &pol, &has_policy);
    fy_document_destroy(doc);
    if (rc) {
        t->ndecisions = nd;
        t->nrules = nr;
        t->nseen = ns;
        t->nvex = nv;
        medsec_free(files);
        return rc;
    }
    if (has_policy) {
        t->policy = pol;
        t->has_policy = true;
    }
    if (t->nfiles)
        memcpy(files, t->files, sizeof *files * t->nfiles);
    files[t->nfiles++] = nm;
    medsec_free((void *)t->files);
    t->files = files;
    return MEDSEC_OK;
}

medsec_err medsec_triage_read(struct medsec_triage *t, const char *path, struct medsec_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    medsec_err rc = medsec_file_read(path, MEDSEC_TRIAGE_MAX_BYTES, &buf, &len, err);
    if (rc)
        return rc;
    /* what the file adds, undone when one of its supplier documents cannot be read */
    size_t nd = t->ndecisions, nr = t->nrules, ns = t->nseen, nv = t->nvex, nf = t->nfiles,
           nsup = t->nsupplied;
    struct medsec_triage_policy pol = t->policy;
    bool has_policy = t->has_policy;
    rc = medsec_triage_parse(t, buf, len, path, err);
    medsec_free(buf);
    if (!rc && (rc = triage_load_vex(t, path, nv, err))) {
        for (size_t i = nv; i < t->nvex; i++)
            medsec_vex_doc_release(&t->vex[i].doc);
        t->ndecisions = nd;
        t->nrules = nr;
        t->nseen = ns;
        t->nvex = nv;
        t->nfiles = nf;
        t->nsupplied = nsup;
        t->policy = pol;
        t->has_policy = has_policy;
    }
    return rc;
}
