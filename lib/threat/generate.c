/* generate.c: apply a rule catalog to an element graph (STRIDE per element), merge manual threats.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/threat.h"

void medsec_threat_id(const char *rule_id, const char *element_id, char out[16])
{
    uint64_t h = 0xcbf29ce484222325ull;
    const char *parts[2] = {rule_id ? rule_id : "", element_id ? element_id : ""};
    for (int p = 0; p < 2; p++) {
        for (const unsigned char *s = (const unsigned char *)parts[p];; s++) {
            h ^= *s; /* the terminating NUL separates the two parts */
            h *= 0x100000001b3ull;
            if (!*s)
                break;
        }
    }
    snprintf(out, 16, "T-%08x", (unsigned)(h >> 32));
}

const char *medsec_tm_status_name(enum medsec_tm_status s)
{
    return s == MEDSEC_TM_OPEN        ? "open"
           : s == MEDSEC_TM_REDUCED   ? "reduced"
           : s == MEDSEC_TM_MITIGATED ? "mitigated"
                                      : "?";
}

void medsec_threat_list_init(struct medsec_threat_list *l)
{
    memset(l, 0, sizeof *l);
}

void medsec_threat_list_release(struct medsec_threat_list *l)
{
    medsec_free(l->v);
    medsec_arena_release(&l->arena);
    memset(l, 0, sizeof *l);
}

const struct medsec_threat *medsec_threats_find(const struct medsec_threat_list *l, const char *id)
{
    for (size_t i = 0; id && i < l->n; i++)
        if (strcmp(l->v[i].id, id) == 0)
            return &l->v[i];
    return NULL;
}

static const char *sdup(struct medsec_threat_list *l, const char *s, bool *ok)
{
    if (!s)
        return NULL;
    char *d = medsec_arena_strdup(&l->arena, s);
    if (!d)
        *ok = false;
    return d;
}

static const char **vdup(struct medsec_threat_list *l, const char *const *v, size_t n, bool *ok)
{
    if (!n)
        return NULL;
    const char **d = medsec_arena_alloc(&l->arena, n * sizeof *d);
    if (!d) {
        *ok = false;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        d[i] = sdup(l, v[i], ok);
    return d;
}

/* The list attribute @name of @e (NULL, 0 when absent). */
static const char *const *items(const struct medsec_tm_element *e, const char *name, size_t *n)
{
    const struct medsec_tm_attr *a = e ? medsec_tm_attr_get(e, name) : NULL;
    if (!a || a->type != MEDSEC_TM_LIST) {
        *n = 0;
        return NULL;
    }
    *n = a->nitems;
    return a->items;
}

/* Suggested controls whose capability the element does not have yet. */
static const char **missing(struct medsec_threat_list *l, const struct medsec_tm_element *e,
                            const char *const *controls, size_t n, size_t *nout, bool *ok)
{
    *nout = 0;
    if (!n)
        return NULL;
    const char **d = medsec_arena_alloc(&l->arena, n * sizeof *d);
    if (!d) {
        *ok = false;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (!e || !medsec_tm_has_item(e, "capabilities", controls[i]))
            d[(*nout)++] = sdup(l, controls[i], ok);
    return d;
}

/* Expand {field} placeholders of a title with the element's fields or string attributes. */
static medsec_err expand(const char *tmpl, const struct medsec_tm_element *e,
                         struct medsec_buf *out)
{
    medsec_buf_reset(out);
    medsec_err rc = medsec_buf_adds(out, "");
    for (const char *p = tmpl; *p && !rc; p++) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (!close || close - p > 64) {
            rc = medsec_buf_addc(out, *p);
            continue;
        }
        char key[72];
        snprintf(key, sizeof key, "%.*s", (int)(close - p - 1), p + 1);
        const char *v = NULL;
        if (strcmp(key, "name") == 0)
            v = e->name;
        else if (strcmp(key, "id") == 0)
            v = e->id;
        else if (strcmp(key, "zone") == 0)
            v = e->zone;
        else if (strcmp(key, "from") == 0)
            v = e->from;
        else if (strcmp(key, "to") == 0)
            v = e->to;
        else {
            const struct medsec_tm_attr *a = medsec_tm_attr_get(e, key);
            if (a && a->type == MEDSEC_TM_STR)
                v = a->s;
            else if (a && a->type == MEDSEC_TM_LIST && a->nitems)
                v = a->items[0];
        }
        if (!v) {
            rc = medsec_buf_addc(out, *p); /* unknown placeholder: keep the text as written */
            continue;
        }
        rc = medsec_buf_adds(out, v);
        p = close;
    }
    return rc;
}

static medsec_err push(struct medsec_threat_list *l, struct medsec_threat **t)
{
    if (MEDSEC_ARRAY_GROW(l->v, l->n, l->cap))
        return MEDSEC_ENOMEM;
    *t = &l->v[l->n++];
    memset(*t, 0, sizeof **t);
    return MEDSEC_OK;
}

static int cmp_threat(const void *a, const void *b)
{
    const struct medsec_threat *x = a, *y = b;
    int c = strcmp(x->element_id ? x->element_id : "", y->element_id ? y->element_id : "");
    if (c)
        return c;
    if (x->stride != y->stride) /* STRIDE order; a threat without a category last */
        return (x->stride ? (int)x->stride : MEDSEC_STRIDE_COUNT) -
               (y->stride ? (int)y->stride : MEDSEC_STRIDE_COUNT);
    c = strcmp(x->rule_id ? x->rule_id : "~", y->rule_id ? y->rule_id : "~");
    return c ? c : strcmp(x->id, y->id);
}

/* Does rule @r happen on the medium of @e? Elements without a channel (items, zones) are not
 * media; a zone crossing is on every channel of its flows. */
static bool on_channel(const struct medsec_tm_rule *r, const struct medsec_tm_element *e)
{
    const struct medsec_tm_attr *a = medsec_tm_attr_get(e, "channel");
    if (!r->channels || !a)
        return true;
    enum medsec_channel ch;
    if (a->type == MEDSEC_TM_STR)
        return medsec_channel_parse(a->s, &ch) && (r->channels & (1u << ch));
    for (size_t i = 0; a->type == MEDSEC_TM_LIST && i < a->nitems; i++)
        if (medsec_channel_parse(a->items[i], &ch) && (r->channels & (1u << ch)))
            return true;
    return false;
}

/* Which mitigation of @r applies to @e: the first silencing one, else the first downgrade. */
static const struct medsec_tm_mitigation *mitigation_for(const struct medsec_tm_rule *r,
                                                         const struct medsec_tm_element *e)
{
    const struct medsec_tm_mitigation *down = NULL;
    for (size_t i = 0; i < r->nmitigations; i++) {
        const struct medsec_tm_mitigation *m = &r->mitigations[i];
        bool all = true;
        for (size_t k = 0; k < m->ncapabilities && all; k++)
            all = medsec_tm_has_item(e, "capabilities", m->capabilities[k]);
        if (!all || !medsec_tm_cond_eval(m->when, e))
            continue;
        if (m->effect == MEDSEC_TM_SILENCE)
            return m;
        if (!down)
            down = m;
    }
    return down;
}

static medsec_err describe_mitigation(const struct medsec_tm_mitigation *m, struct medsec_buf *b)
{
    medsec_buf_reset(b);
    medsec_err rc = medsec_buf_adds(b, "");
    if (m->rationale)
        return medsec_buf_adds(b, m->rationale);
    if (m->ncapabilities) {
        rc = medsec_buf_adds(b, "capabilit");
        rc = rc ? rc : medsec_buf_adds(b, m->ncapabilities > 1 ? "ies " : "y ");
        for (size_t i = 0; i < m->ncapabilities && !rc; i++)
            rc = medsec_buf_addf(b, "%s%s", i ? ", " : "", m->capabilities[i]);
        rc = rc ? rc : medsec_buf_adds(b, " applied");
    }
    if (m->when && !rc)
        rc =
            medsec_buf_adds(b, m->ncapabilities ? " and element attributes" : "element attributes");
    return rc;
}

static int cmp_threat_id(const void *a, const void *b)
{
    const struct medsec_threat *x = *(const struct medsec_threat *const *)a,
                               *y = *(const struct medsec_threat *const *)b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x > y) - (x < y); /* list order among equals */
}

static medsec_err check_ids(const struct medsec_threat_list *l, struct medsec_error *err)
{
    if (l->n < 2)
        return MEDSEC_OK;
    const struct medsec_threat **at = medsec_calloc(l->n, sizeof *at);
    if (!at)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < l->n; i++)
        at[i] = &l->v[i];
    qsort(at, l->n, sizeof *at, cmp_threat_id);
    medsec_err rc = MEDSEC_OK;
    for (size_t k = 1; k < l->n && !rc; k++) {
        const struct medsec_threat *a = at[k - 1], *b = at[k];
        if (strcmp(a->id, b->id) == 0)
            rc = medsec_error_set(
                err, MEDSEC_EINVAL, NULL, 0, 0,
                "threat id %s collides: rule '%s' on '%s' and rule '%s' on '%s'", a->id,
                a->rule_id ? a->rule_id : "(manual)", a->element_id ? a->element_id : "-",
                b->rule_id ? b->rule_id : "(manual)", b->element_id ? b->element_id : "-");
    }
    medsec_free((void *)at);
    return rc;
}

medsec_err medsec_threats_generate(const struct medsec_tm_graph *g,
                                   const struct medsec_tm_catalog *c, unsigned flags,
                                   struct medsec_threat_list *out, struct medsec_error *err)
{
    struct medsec_buf title = MEDSEC_BUF_INIT, mtext = MEDSEC_BUF_INIT;
    medsec_buf_init(&title, 4096);
    medsec_buf_init(&mtext, 4096);
    medsec_err rc = MEDSEC_OK;
    medsec_error_clear(err);
    for (size_t ri = 0; ri < c->n && !rc; ri++) {
        const struct medsec_tm_rule *r = &c->rules[ri];
        for (size_t ei = 0; ei < g->n && !rc; ei++) {
            const struct medsec_tm_element *e = &g->elements[ei];
            if (!(r->kinds & (1u << e->kind)) || !on_channel(r, e) ||
                !medsec_tm_cond_eval(r->when, e))
                continue;
            const struct medsec_tm_mitigation *m = mitigation_for(r, e);
            if (m && m->effect == MEDSEC_TM_SILENCE && !(flags & MEDSEC_TM_WITH_MITIGATED))
                continue;
            struct medsec_threat *t;
            if ((rc = expand(r->title, e, &title)) ||
                (m && (rc = describe_mitigation(m, &mtext)))) {
                if (rc == MEDSEC_ETOOBIG)
                    medsec_error_set(
                        err, rc, r->file, r->line, r->column,
                        "rule '%s': title or mitigation longer than 4096 bytes on '%s'", r->id,
                        e->id);
                break;
            }
            if ((rc = push(out, &t)))
                break;
            bool ok = true;
            size_t n;
            const char *const *v;
            medsec_threat_id(r->id, e->id, t->id);
            t->rule_id = sdup(out, r->id, &ok);
            t->element_id = sdup(out, e->id, &ok);
            t->kind = e->kind;
            t->stride = r->stride;
            t->title = sdup(out, title.data, &ok);
            t->rationale = sdup(out, r->rationale, &ok);
            t->initial_rating = t->rating = r->rating;
            t->status = MEDSEC_TM_OPEN;
            if (m) {
                t->mitigation = sdup(out, mtext.data, &ok);
                t->status =
                    m->effect == MEDSEC_TM_SILENCE ? MEDSEC_TM_MITIGATED : MEDSEC_TM_REDUCED;
                t->by_design = m->effect == MEDSEC_TM_SILENCE && !m->ncapabilities;
                if (m->effect == MEDSEC_TM_DOWNGRADE && t->rating > MEDSEC_TM_LOW)
                    t->rating = (enum medsec_tm_rating)(t->rating - 1);
            }
            t->hazard = sdup(out, r->hazard, &ok);
            t->cwe = vdup(out, r->cwe, t->ncwe = r->ncwe, &ok);
            t->capec = vdup(out, r->capec, t->ncapec = r->ncapec, &ok);
            /* only the codes whose HN 1-2019 scope covers what the element is */
            const char *fit[64];
            size_t nfit = 0;
            unsigned fits = medsec_tm_element_fits(e);
            for (size_t k = 0; k < r->ncontrols && nfit < 64; k++) {
                enum medsec_capability code;
                if (medsec_capability_parse(r->controls[k], &code) &&
                    (medsec_capability_info(code)->fits & fits))
                    fit[nfit++] = r->controls[k];
            }
            t->controls = vdup(out, fit, t->ncontrols = nfit, &ok);
            t->missing = missing(out, e, fit, nfit, &t->nmissing, &ok);
            v = items(e, "clinical_functions", &n);
            t->clinical_functions = vdup(out, v, t->nclinical_functions = n, &ok);
            v = items(e, "hazards", &n);
            t->hazards = vdup(out, v, t->nhazards = n, &ok);
            if (!ok)
                rc = MEDSEC_ENOMEM;
        }
    }
    medsec_buf_release(&title);
    medsec_buf_release(&mtext);
    if (rc && (!err || err->code == MEDSEC_OK))
        return medsec_error_set(err, rc, NULL, 0, 0, "%s", medsec_strerror(rc));
    if (rc)
        return rc;
    if ((rc = check_ids(out, err)))
        return rc;
    if (out->n)
        qsort(out->v, out->n, sizeof *out->v, cmp_threat);
    return MEDSEC_OK;
}

medsec_err medsec_threats_merge_manual(struct medsec_threat_list *l,
                                       const struct medsec_tm_graph *g,
                                       const struct medsec_threat_manual *m, size_t n,
                                       struct medsec_error *err)
{
    medsec_error_clear(err);
    for (size_t i = 0; i < n; i++) {
        if (!m[i].id || !*m[i].id || strlen(m[i].id) >= sizeof l->v[0].id)
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                    "manual threat %zu: id must be 1 to %zu characters", i + 1,
                                    sizeof l->v[0].id - 1);
        if (!medsec_stride_letter(m[i].stride))
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                    "manual threat %s: STRIDE category must be one of S T R I D E",
                                    m[i].id);
        for (size_t j = 0; j < i; j++)
            if (strcmp(m[i].id, m[j].id) == 0)
                return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                        "manual threat id %s used twice", m[i].id);
    }
    for (size_t i = 0; i < n; i++) {
        struct medsec_threat *t = (struct medsec_threat *)medsec_threats_find(l, m[i].id);
        if (!t && push(l, &t))
            return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        const struct medsec_tm_element *e = m[i].element ? medsec_tm_find(g, m[i].element) : NULL;
        bool ok = true;
        size_t k;
        const char *const *v;
        memset(t, 0, sizeof *t);
        snprintf(t->id, sizeof t->id, "%s", m[i].id);
        t->element_id = sdup(l, m[i].element, &ok);
        t->kind = e ? e->kind : MEDSEC_ELEMENT_PROCESS;
        t->stride = m[i].stride;
        t->title = sdup(l, m[i].title ? m[i].title : m[i].id, &ok);
        t->rationale = sdup(l, m[i].rationale, &ok);
        t->rating = t->initial_rating = m[i].rating;
        t->status = MEDSEC_TM_OPEN;
        t->hazard = sdup(l, m[i].hazard, &ok);
        t->cwe = vdup(l, m[i].cwe, t->ncwe = m[i].ncwe, &ok);
        t->capec = vdup(l, m[i].capec, t->ncapec = m[i].ncapec, &ok);
        t->controls = vdup(l, m[i].controls, t->ncontrols = m[i].ncontrols, &ok);
        t->missing = missing(l, e, m[i].controls, m[i].ncontrols, &t->nmissing, &ok);
        v = items(e, "clinical_functions", &k);
        t->clinical_functions = vdup(l, v, t->nclinical_functions = k, &ok);
        v = items(e, "hazards", &k);
        t->hazards = vdup(l, v, t->nhazards = k, &ok);
        t->manual = true;
        if (!ok)
            return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (l->n)
        qsort(l->v, l->n, sizeof *l->v, cmp_threat);
    return MEDSEC_OK;
}
