/* write.c: the triage file written back (`medsec triage set`): decisions added or replaced in
 * memory, then the whole file formatted as YAML the loader reads again. */
#include <stdio.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/triage.h"

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static const char *dup(struct medsec_triage *t, const char *s, bool *oom)
{
    if (!s)
        return NULL;
    char *c = medsec_arena_strdup(&t->arena, s);
    *oom |= !c;
    return c;
}

medsec_err medsec_triage_put(struct medsec_triage *t, const struct medsec_triage_decision *d,
                             struct medsec_error *err)
{
    bool oom = false;
    struct medsec_triage_decision c = *d;
    c.file = dup(t, d->file, &oom);
    c.vuln = dup(t, d->vuln, &oom);
    c.component = dup(t, d->component, &oom);
    c.version = dup(t, d->version, &oom);
    c.versions = dup(t, d->versions, &oom);
    c.detail = dup(t, d->detail, &oom);
    c.fixed_in = dup(t, d->fixed_in, &oom);
    c.by = dup(t, d->by, &oom);
    c.at = dup(t, d->at, &oom);
    c.due = dup(t, d->due, &oom);
    c.fingerprint = dup(t, d->fingerprint, &oom);
    c.cvss_v3 = dup(t, d->cvss_v3, &oom);
    c.cvss_v4 = dup(t, d->cvss_v4, &oom);
    if (oom)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < t->ndecisions; i++) {
        struct medsec_triage_decision *o = &t->decisions[i];
        if (!strcmp(o->vuln, c.vuln) && !strcmp(o->component, c.component) &&
            same(o->version, c.version) && same(o->versions, c.versions)) {
            c.line = o->line;
            c.column = o->column;
            if (!c.file)
                c.file = o->file;
            *o = c;
            return MEDSEC_OK;
        }
    }
    if (t->ndecisions >= MEDSEC_TRIAGE_MAX_ENTRIES)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "more than %u decisions",
                                MEDSEC_TRIAGE_MAX_ENTRIES);
    size_t cap = t->ndecisions;
    if (MEDSEC_ARRAY_GROW(t->decisions, t->ndecisions, cap))
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    t->decisions[t->ndecisions++] = c;
    return MEDSEC_OK;
}

medsec_err medsec_triage_mark_seen(struct medsec_triage *t, const char *vuln, const char *component,
                                   const char *version, const char *date, struct medsec_error *err)
{
    for (size_t i = 0; i < t->nseen; i++)
        if (!strcmp(t->seen[i].vuln, vuln) && !strcmp(t->seen[i].component, component) &&
            same(t->seen[i].version, version))
            return MEDSEC_OK;
    if (t->nseen >= MEDSEC_TRIAGE_MAX_ENTRIES)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "more than %u seen records",
                                MEDSEC_TRIAGE_MAX_ENTRIES);
    bool oom = false;
    struct medsec_triage_seen s = {dup(t, vuln, &oom), dup(t, component, &oom),
                                   dup(t, version, &oom), dup(t, date, &oom)};
    size_t cap = t->nseen;
    if (oom || MEDSEC_ARRAY_GROW(t->seen, t->nseen, cap))
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    t->seen[t->nseen++] = s;
    return MEDSEC_OK;
}

/* ---- formatting ---- */

/* A value that YAML reads back as the same string without quotes. */
static bool plain_ok(const char *s)
{
    static const char *const words[] = {"true",  "false", "null", "yes", "no", "on", "off", "~",
                                        "True",  "False", "Null", "Yes", "No", "On", "Off", "TRUE",
                                        "FALSE", "NULL",  "YES",  "NO",  "ON", "OFF"};
    if (!*s || strchr("-?:,[]{}#&*!|>'\"%@` ", s[0]))
        return false;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (!strcmp(s, words[i]))
            return false;
    size_t n = strlen(s);
    if (s[n - 1] == ' ' || s[n - 1] == ':')
        return false;
    if (strspn(s, "0123456789.+-eE") == n) /* a number */
        return false;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f || c >= 0x80 || strchr("#,[]{}", c) || (c == ':' && p[1] == ' '))
            return false;
    }
    return true;
}

static medsec_err scalar(struct medsec_buf *b, const char *s)
{
    if (plain_ok(s))
        return medsec_buf_adds(b, s);
    medsec_err rc = medsec_buf_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p && !rc; p++) {
        if (*p == '"' || *p == '\\')
            rc = medsec_buf_addf(b, "\\%c", *p);
        else if (*p == '\n')
            rc = medsec_buf_adds(b, "\\n");
        else if (*p == '\t')
            rc = medsec_buf_adds(b, "\\t");
        else if (*p < 0x20 || *p == 0x7f)
            rc = medsec_buf_addf(b, "\\x%02x", *p);
        else
            rc = medsec_buf_addc(b, (char)*p);
    }
    return rc ? rc : medsec_buf_addc(b, '"');
}

static medsec_err kv(struct medsec_buf *b, const char *indent, const char *k, const char *v)
{
    if (!v)
        return MEDSEC_OK;
    medsec_err rc = medsec_buf_addf(b, "%s%s: ", indent, k);
    if (!rc)
        rc = scalar(b, v);
    return rc ? rc : medsec_buf_addc(b, '\n');
}

static medsec_err list(struct medsec_buf *b, const char *k, const char *const *v, size_t n)
{
    if (!n)
        return MEDSEC_OK;
    medsec_err rc = medsec_buf_addf(b, "    %s: [", k);
    for (size_t i = 0; i < n && !rc; i++) {
        rc = i ? medsec_buf_adds(b, ", ") : MEDSEC_OK;
        if (!rc)
            rc = scalar(b, v[i]);
    }
    return rc ? rc : medsec_buf_adds(b, "]\n");
}

static medsec_err assessment(struct medsec_buf *b, enum medsec_vex_state st,
                             enum medsec_vex_cdx_justification cdx, enum medsec_vex_justification j,
                             const char *detail, unsigned resp)
{
    medsec_err rc = kv(b, "    ", "state", medsec_vex_state_name(st));
    if (!rc && st == MEDSEC_VEX_NOT_AFFECTED)
        rc = kv(b, "    ", "justification",
                cdx != MEDSEC_CDX_UNSTATED ? medsec_vex_cdx_justification_name(cdx)
                                           : medsec_vex_justification_name(j));
    if (!rc)
        rc = kv(b, "    ", "detail", detail);
    if (!rc && resp) {
        const char *names[8];
        size_t n = 0;
        for (unsigned bit = 1; bit && n < 8; bit <<= 1)
            if (resp & bit && medsec_vex_response_name(bit))
                names[n++] = medsec_vex_response_name(bit);
        rc = list(b, "response", names, n);
    }
    return rc;
}

static const char *const sev_keys[] = {"unscored", "none", "low", "medium", "high", "critical"};

medsec_err medsec_triage_format(const struct medsec_triage *t, struct medsec_buf *b)
{
    medsec_err rc = medsec_buf_adds(
        b,
        "# Triage file: decisions on the known vulnerabilities of this device (docs/triage.md).\n"
        "# `medsec triage set` rewrites this file: keep notes in `detail`, not in comments.\n"
        "medsec_triage: 1\n");
    if (!rc && t->has_policy) {
        rc = medsec_buf_adds(b, "\npolicy:\n  due_days:");
        for (int i = MEDSEC_CVSS_SEV_CRITICAL; i >= 0 && !rc; i--)
            rc = medsec_buf_addf(b, "%s %s: %ld", i == MEDSEC_CVSS_SEV_CRITICAL ? " {" : ",",
                                 sev_keys[i], t->policy.days[i]);
        if (!rc)
            rc = medsec_buf_addf(b, ", kev: %ld}\n", t->policy.kev_days);
    }
    if (!rc && t->nrules)
        rc = medsec_buf_adds(b, "\nrules:\n");
    for (size_t i = 0; i < t->nrules && !rc; i++) {
        const struct medsec_triage_rule *u = &t->rules[i];
        rc = kv(b, "  - ", "id", u->id);
        if (!rc)
            rc = kv(b, "    ", "kind", medsec_triage_rule_kind_name(u->kind));
        if (!rc)
            rc = kv(b, "    ", "component", u->component);
        if (!rc)
            rc = list(b, "built", u->built, u->nbuilt);
        if (!rc)
            rc = list(b, "items", u->items, u->nitems);
        if (!rc)
            rc = kv(b, "    ", "cwe", u->cwe);
        if (!rc)
            rc = assessment(b, u->state, u->cdx_justification, u->justification, u->detail,
                            u->responses);
        if (!rc)
            rc = kv(b, "    ", "by", u->by);
        if (!rc)
            rc = kv(b, "    ", "at", u->at);
    }
    if (!rc && t->ndecisions)
        rc = medsec_buf_adds(b, "\ndecisions:\n");
    for (size_t i = 0; i < t->ndecisions && !rc; i++) {
        const struct medsec_triage_decision *d = &t->decisions[i];
        rc = kv(b, "  - ", "vuln", d->vuln);
        if (!rc)
            rc = kv(b, "    ", "component", d->component);
        if (!rc)
            rc = kv(b, "    ", "version", d->version);
        if (!rc)
            rc = kv(b, "    ", "versions", d->versions);
        if (!rc)
            rc = assessment(b, d->state, d->cdx_justification, d->justification, d->detail,
                            d->responses);
        if (!rc)
            rc = kv(b, "    ", "fixed_in", d->fixed_in);
        if (!rc)
            rc = kv(b, "    ", "by", d->by);
        if (!rc)
            rc = kv(b, "    ", "at", d->at);
        if (!rc)
            rc = kv(b, "    ", "due", d->due);
        if (!rc)
            rc = kv(b, "    ", "fingerprint", d->fingerprint);
        if (!rc && d->suggested)
            rc = kv(b, "    ", "origin", "suggestion");
        if (!rc)
            rc = kv(b, "    ", "cvss_v3", d->cvss_v3);
        if (!rc)
            rc = kv(b, "    ", "cvss_v4", d->cvss_v4);
    }
    if (!rc && t->nvex)
        rc = medsec_buf_adds(b, "\nvex:\n");
    for (size_t i = 0; i < t->nvex && !rc; i++) {
        rc = kv(b, "  - ", "file", t->vex[i].file);
        if (!rc)
            rc = kv(b, "    ", "supplier", t->vex[i].supplier);
    }
    if (!rc && t->nseen)
        rc = medsec_buf_adds(b, "\nseen:\n");
    for (size_t i = 0; i < t->nseen && !rc; i++) {
        const struct medsec_triage_seen *s = &t->seen[i];
        rc = kv(b, "  - ", "vuln", s->vuln);
        if (!rc)
            rc = kv(b, "    ", "component", s->component);
        if (!rc)
            rc = kv(b, "    ", "version", s->version);
        if (!rc)
            rc = kv(b, "    ", "first_seen", s->first_seen);
    }
    return rc;
}
