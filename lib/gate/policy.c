/* policy.c: the release gate's policy (docs/gate.md, "The policy file"): the rule names, the
 * built-in policy, and the YAML reader, which refuses anything it does not know at its line and
 * column. */
#include <libfyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/file.h"
#include "medsec/gate.h"
#include "medsec/model.h"
#include "yamlsrc.h"

static const char *const rule_names[MEDSEC_GATE_RULE_COUNT] = {
    "no_unjustified_residual_risk",
    "kev_needs_response",
    "untriaged_max_days",
    "no_stale_decisions",
    "fielded_version_past_eos_needs_plan",
    "no_component_past_eos",
    "no_unchecked_components",
    "requirements_verified",
};

static const char *const rule_summaries[MEDSEC_GATE_RULE_COUNT] = {
    "no residual risk above the acceptable region without a benefit-risk justification",
    "no finding listed in CISA KEV that the security file does not assess with a response",
    "no finding left unassessed longer than the policy's number of days",
    "no triage decision made against an advisory that has changed since",
    "no release in the field past its end of support without a plan",
    "no shipped component past its end of support",
    ("no shipped component that the vulnerability database could not check (no advisory data for "
     "its ecosystem, no purl or CPE, unknown purl type)"),
    "every requirement verified by passing evidence",
};

const char *medsec_gate_rule_name(enum medsec_gate_rule r)
{
    return (unsigned)r < MEDSEC_GATE_RULE_COUNT ? rule_names[r] : "?";
}

const char *medsec_gate_rule_summary(enum medsec_gate_rule r)
{
    return (unsigned)r < MEDSEC_GATE_RULE_COUNT ? rule_summaries[r] : "?";
}

const char *medsec_gate_outcome_name(enum medsec_gate_outcome o)
{
    switch (o) {
    case MEDSEC_GATE_PASS: return "pass";
    case MEDSEC_GATE_FAIL: return "fail";
    case MEDSEC_GATE_SKIP: return "skip";
    }
    return "?";
}

void medsec_gate_policy_default(struct medsec_gate_policy *p)
{
    memset(p, 0, sizeof *p);
    p->name = "default";
    for (size_t i = 0; i < MEDSEC_GATE_RULE_COUNT; i++)
        p->enabled[i] = true;
    p->max_days = MEDSEC_GATE_DEFAULT_MAX_DAYS;
}

void medsec_gate_policy_release(struct medsec_gate_policy *p)
{
    if (!p)
        return;
    medsec_arena_release(&p->arena);
    memset(p, 0, sizeof *p);
}

struct pctx {
    const char *name;
    const char *src;
    size_t srclen;
    struct medsec_gate_policy *p;
    struct medsec_error *err;
};

static medsec_err fail(struct pctx *c, struct fy_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static medsec_err fail(struct pctx *c, struct fy_node *at, const char *fmt, ...)
{
    unsigned line = 0, col = 0;
    if (at)
        medsec_yaml_pos(at, &line, &col);
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return medsec_error_set(c->err, MEDSEC_EINVAL, c->name, line, col, "%s", msg);
}

/* The text of scalar @n, NUL-terminated in the policy's arena; NULL (with an error in *@rc) when
 * @n is not a plain value or memory ran out. */
static const char *scalar(struct pctx *c, struct fy_node *n, const char *what, medsec_err *rc)
{
    if (!n || !fy_node_is_scalar(n) || fy_node_is_alias(n)) {
        *rc = fail(c, n, "%s: expected a plain value", what);
        return NULL;
    }
    size_t len = 0;
    const char *t = medsec_yaml_text(n, c->src, c->srclen, &c->p->arena, &len);
    char *z = t ? medsec_arena_strndup(&c->p->arena, t, len) : NULL;
    if (!z) {
        *rc = medsec_error_set(c->err, MEDSEC_ENOMEM, c->name, 0, 0, "out of memory");
        return NULL;
    }
    if (strlen(z) != len) {
        *rc = fail(c, n, "%s: the value holds a NUL character", what);
        return NULL;
    }
    return z;
}

static medsec_err boolean(struct pctx *c, struct fy_node *n, const char *what, bool *out)
{
    medsec_err rc = MEDSEC_OK;
    const char *t = scalar(c, n, what, &rc);
    if (!t)
        return rc;
    if (!strcmp(t, "true"))
        *out = true;
    else if (!strcmp(t, "false"))
        *out = false;
    else
        return fail(c, n, "%s: expected true or false, not '%.40s'", what, t);
    return MEDSEC_OK;
}

static medsec_err days(struct pctx *c, struct fy_node *n, long *out)
{
    medsec_err rc = MEDSEC_OK;
    const char *what = "untriaged_max_days.days";
    const char *t = scalar(c, n, what, &rc);
    if (!t)
        return rc;
    char *end;
    long v = t[0] >= '0' && t[0] <= '9' ? strtol(t, &end, 10) : -1;
    if (v < 0 || *end || v > MEDSEC_GATE_POLICY_MAX_DAYS)
        return fail(c, n, "%s: expected a whole number of days from 0 to %d, not '%.40s'", what,
                    MEDSEC_GATE_POLICY_MAX_DAYS, t);
    *out = v;
    return MEDSEC_OK;
}

/* One entry of `rules:`: `true`, `false`, or a mapping with `enabled` and the rule's parameters. */
static medsec_err read_rule(struct pctx *c, enum medsec_gate_rule r, struct fy_node *k,
                            struct fy_node *v)
{
    const char *name = rule_names[r];
    unsigned line, col;
    medsec_yaml_pos(k, &line, &col);
    c->p->line[r] = line ? line : 1;
    if (!v || !fy_node_is_mapping(v)) {
        if (r == MEDSEC_GATE_UNTRIAGED_MAX_DAYS && v && fy_node_is_scalar(v)) {
            medsec_err rc = MEDSEC_OK;
            const char *t = scalar(c, v, name, &rc);
            if (!t)
                return rc;
            if (t[0] >= '0' && t[0] <= '9') {
                c->p->enabled[r] = true;
                return days(c, v, &c->p->max_days);
            }
        }
        return boolean(c, v ? v : k, name, &c->p->enabled[r]);
    }
    bool enabled = true, have_days = false;
    void *it = NULL;
    for (struct fy_node_pair *pr; (pr = fy_node_mapping_iterate(v, &it));) {
        struct fy_node *pk = fy_node_pair_key(pr), *pv = fy_node_pair_value(pr);
        medsec_err rc = MEDSEC_OK;
        const char *key = scalar(c, pk, name, &rc);
        if (!key)
            return rc;
        if (!strcmp(key, "enabled"))
            rc = boolean(c, pv ? pv : pk, "enabled", &enabled);
        else if (r == MEDSEC_GATE_UNTRIAGED_MAX_DAYS && !strcmp(key, "days")) {
            have_days = true;
            rc = pv ? days(c, pv, &c->p->max_days) : fail(c, pk, "days: expected a number");
        } else
            rc = fail(c, pk, "%s: unknown parameter '%.60s' (expected %s)", name, key,
                      r == MEDSEC_GATE_UNTRIAGED_MAX_DAYS ? "enabled, days" : "enabled");
        if (rc)
            return rc;
    }
    if (r == MEDSEC_GATE_UNTRIAGED_MAX_DAYS && enabled && !have_days)
        return fail(c, v, "untriaged_max_days: missing parameter 'days'");
    c->p->enabled[r] = enabled;
    return MEDSEC_OK;
}

static medsec_err read_rules(struct pctx *c, struct fy_node *k, struct fy_node *v)
{
    if (!v || !fy_node_is_mapping(v))
        return fail(c, v ? v : k, "rules: expected a mapping of rule names");
    bool seen[MEDSEC_GATE_RULE_COUNT] = {0};
    void *it = NULL;
    for (struct fy_node_pair *pr; (pr = fy_node_mapping_iterate(v, &it));) {
        struct fy_node *rk = fy_node_pair_key(pr), *rv = fy_node_pair_value(pr);
        medsec_err rc = MEDSEC_OK;
        const char *key = scalar(c, rk, "rules", &rc);
        if (!key)
            return rc;
        size_t r;
        for (r = 0; r < MEDSEC_GATE_RULE_COUNT; r++)
            if (!strcmp(key, rule_names[r]))
                break;
        if (r == MEDSEC_GATE_RULE_COUNT) {
            const char *hint = medsec_suggest(key, rule_names, MEDSEC_GATE_RULE_COUNT);
            return fail(c, rk, "rules: unknown rule '%.60s'%s%s%s", key,
                        hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
        }
        if (seen[r])
            return fail(c, rk, "rules: %s is given twice", rule_names[r]);
        seen[r] = true;
        if ((rc = read_rule(c, (enum medsec_gate_rule)r, rk, rv)))
            return rc;
    }
    return MEDSEC_OK;
}

medsec_err medsec_gate_policy_parse(const char *text, size_t len, const char *filename,
                                    struct medsec_gate_policy *p, struct medsec_error *err)
{
    memset(p, 0, sizeof *p);
    p->max_days = MEDSEC_GATE_DEFAULT_MAX_DAYS;
    const char *name = filename ? filename : "policy";
    if (len > MEDSEC_GATE_POLICY_MAX_BYTES)
        return medsec_error_set(err, MEDSEC_ETOOBIG, name, 0, 0,
                                "the policy is larger than %d bytes", MEDSEC_GATE_POLICY_MAX_BYTES);
    p->file = medsec_arena_strdup(&p->arena, name);
    if (!p->file)
        return medsec_error_set(err, MEDSEC_ENOMEM, name, 0, 0, "out of memory");
    struct medsec_yaml_failure why;
    struct fy_document *doc = medsec_yaml_parse(text, len, &why);
    if (!doc)
        return medsec_yaml_failure_error(&why, name, err);
    struct pctx c = {name, text, len, p, err};
    struct fy_node *root = fy_document_root(doc);
    medsec_err rc = MEDSEC_OK;
    bool have_rules = false;
    if (!root || !fy_node_is_mapping(root)) {
        rc = fail(&c, root, "expected a mapping with `gate: 1`, `name` and `rules`");
        goto out_destroy;
    }
    bool have_format = false;
    struct fy_node *rules_key = NULL;
    void *it = NULL;
    for (struct fy_node_pair *pr; !rc && (pr = fy_node_mapping_iterate(root, &it));) {
        struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
        const char *key = scalar(&c, k, "key", &rc);
        if (!key)
            break;
        if (!strcmp(key, "gate")) {
            const char *t = scalar(&c, v ? v : k, "gate", &rc);
            if (t && strcmp(t, "1"))
                rc = fail(&c, v, "gate: format %.20s is not supported (this medsec reads 1)", t);
            have_format = true;
        } else if (!strcmp(key, "name")) {
            p->name = scalar(&c, v ? v : k, "name", &rc);
        } else if (!strcmp(key, "rules")) {
            have_rules = true;
            rules_key = k;
            rc = read_rules(&c, k, v);
        } else
            rc = fail(&c, k, "unknown key '%.60s' (expected gate, name, rules)", key);
    }
    if (!rc && !have_format)
        rc = fail(&c, root, "missing key 'gate' (the format version: gate: 1)");
    if (!rc && !have_rules)
        rc = fail(&c, root, "missing key 'rules'");
    bool any = false;
    for (size_t r = 0; r < MEDSEC_GATE_RULE_COUNT; r++)
        any |= p->enabled[r];
    if (!rc && !any) /* a gate that checks nothing would pass every release */
        rc = fail(&c, rules_key, "rules: the policy turns on no rule");
    if (!rc && !p->name)
        p->name = p->file;
out_destroy:
    fy_document_destroy(doc);
    return rc;
}

medsec_err medsec_gate_policy_load(const char *path, struct medsec_gate_policy *p,
                                   struct medsec_error *err)
{
    memset(p, 0, sizeof *p);
    char *text = NULL;
    size_t len = 0;
    medsec_err rc = medsec_file_read(path, MEDSEC_GATE_POLICY_MAX_BYTES, &text, &len, err);
    if (rc)
        return rc;
    rc = medsec_gate_policy_parse(text, len, path, p, err);
    medsec_free(text);
    return rc;
}
