/* register.c: the security risk register: assessed risks with copies of everything they refer to.
 */
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/risk.h"

static const char *dup(struct medsec_risk_register *r, const char *s, bool *ok)
{
    if (!s)
        return NULL;
    const char *d = medsec_arena_strdup(&r->arena, s);
    if (!d)
        *ok = false;
    return d;
}

static const char *const *vdup(struct medsec_risk_register *r, const char *const *v, size_t n,
                               bool *ok)
{
    if (!n)
        return NULL;
    const char **d = medsec_arena_alloc(&r->arena, n * sizeof *d);
    if (!d) {
        *ok = false;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        d[i] = dup(r, v[i], ok);
    return d;
}

static const char *item_id(const void *ud, size_t i)
{
    return ((const struct medsec_risk_register *)ud)->items[i].spec.id;
}

medsec_err medsec_risk_register_init(struct medsec_risk_register *r,
                                     const struct medsec_risk_config *cfg, struct medsec_error *err)
{
    memset(r, 0, sizeof *r);
    medsec_err rc = medsec_risk_config_check(cfg, err);
    if (rc)
        return rc;
    bool ok = true;
    struct medsec_risk_config *c = &r->config;
    *c = *cfg;
    c->exploitability = vdup(r, cfg->exploitability, cfg->nexploitability, &ok);
    c->severity = vdup(r, cfg->severity, cfg->nseverity, &ok);
    size_t cells = cfg->nexploitability * cfg->nseverity;
    unsigned char *m = medsec_arena_alloc(&r->arena, cells);
    struct medsec_risk_class *cl = medsec_arena_alloc(&r->arena, cfg->nclasses * sizeof *cl);
    if (m && cl) {
        memcpy(m, cfg->matrix, cells);
        for (size_t i = 0; i < cfg->nclasses; i++) {
            cl[i].name = dup(r, cfg->classes[i].name ? cfg->classes[i].name : "?", &ok);
            cl[i].acceptable = cfg->classes[i].acceptable;
        }
    }
    c->matrix = m;
    c->classes = cl;
    medsec_idmap_init(&r->ids, item_id, r);
    if (!ok || !m || !cl) {
        medsec_risk_register_release(r);
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    return MEDSEC_OK;
}

medsec_err medsec_risk_register_add(struct medsec_risk_register *r,
                                    const struct medsec_risk_spec *spec, struct medsec_error *err)
{
    if (!spec->id || !*spec->id)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "a risk needs an id");
    if (medsec_risk_register_find(r, spec->id))
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "risk id %s used twice", spec->id);
    struct medsec_risk_input in = {spec->id,
                                   spec->exploitability,
                                   spec->severity,
                                   spec->controls,
                                   spec->ncontrols,
                                   spec->has_residual_severity,
                                   spec->residual_severity,
                                   spec->has_residual_exploitability,
                                   spec->residual_exploitability};
    struct medsec_risk_result res;
    medsec_err rc = medsec_risk_assess(&r->config, &in, &res, err);
    if (rc)
        return rc;
    if (MEDSEC_ARRAY_GROW(r->items, r->n, r->cap))
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    bool ok = true;
    struct medsec_risk_spec s = *spec;
    s.id = dup(r, spec->id, &ok);
    s.threat_id = dup(r, spec->threat_id, &ok);
    s.vulnerability_id = dup(r, spec->vulnerability_id, &ok);
    s.title = dup(r, spec->title, &ok);
    s.element = dup(r, spec->element, &ok);
    s.hazard = dup(r, spec->hazard, &ok);
    s.exploitability_basis = dup(r, spec->exploitability_basis, &ok);
    s.severity_basis = dup(r, spec->severity_basis, &ok);
    s.residual_severity_basis = dup(r, spec->residual_severity_basis, &ok);
    s.accepted_by = dup(r, spec->accepted_by, &ok);
    s.accepted_on = dup(r, spec->accepted_on, &ok);
    s.acceptance_rationale = dup(r, spec->acceptance_rationale, &ok);
    res.justified = !res.residual_acceptable && s.acceptance_rationale;
    s.safety_hazards = vdup(r, spec->safety_hazards, spec->nsafety_hazards, &ok);
    s.suggested = vdup(r, spec->suggested, spec->nsuggested, &ok);
    struct medsec_risk_control *ctl = NULL;
    if (spec->ncontrols) {
        ctl = medsec_arena_alloc(&r->arena, spec->ncontrols * sizeof *ctl);
        if (!ctl)
            ok = false;
        for (size_t i = 0; ctl && i < spec->ncontrols; i++) {
            ctl[i] = spec->controls[i];
            ctl[i].id = dup(r, spec->controls[i].id, &ok);
            ctl[i].name = dup(r, spec->controls[i].name, &ok);
            ctl[i].rationale = dup(r, spec->controls[i].rationale, &ok);
            ctl[i].evidence = dup(r, spec->controls[i].evidence, &ok);
            ctl[i].safety_hazard = dup(r, spec->controls[i].safety_hazard, &ok);
        }
    }
    s.controls = ctl;
    if (!ok)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    r->items[r->n].spec = s;
    r->items[r->n].result = res;
    r->ids.ud = r; /* the register may have been moved since */
    if (medsec_idmap_add(&r->ids, r->n))
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    r->n++;
    return MEDSEC_OK;
}

static int cmp_item(const void *a, const void *b)
{
    const struct medsec_risk_item *x = a, *y = b;
    if (x->result.residual_acceptable != y->result.residual_acceptable)
        return x->result.residual_acceptable ? 1 : -1;
    if (x->result.residual_class != y->result.residual_class)
        return x->result.residual_class > y->result.residual_class ? -1 : 1;
    int sx = x->result.residual_exploitability + x->result.residual_severity;
    int sy = y->result.residual_exploitability + y->result.residual_severity;
    if (sx != sy)
        return sy - sx;
    if (x->result.residual_severity != y->result.residual_severity)
        return y->result.residual_severity - x->result.residual_severity;
    return strcmp(x->spec.id, y->spec.id);
}

void medsec_risk_register_sort(struct medsec_risk_register *r)
{
    if (!r->n)
        return;
    qsort(r->items, r->n, sizeof *r->items, cmp_item);
    r->ids.ud = r;
    medsec_idmap_reindex(&r->ids);
}

const struct medsec_risk_item *medsec_risk_register_find(const struct medsec_risk_register *r,
                                                         const char *id)
{
    size_t i;
    struct medsec_idmap map = r->ids; /* the register may have been moved since */
    map.ud = r;
    return id && map.key && medsec_idmap_find(&map, id, &i) ? &r->items[i] : NULL;
}

size_t medsec_risk_register_unjustified(const struct medsec_risk_register *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++)
        n += !r->items[i].result.residual_acceptable && !r->items[i].result.justified;
    return n;
}

size_t medsec_risk_register_unacceptable(const struct medsec_risk_register *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++)
        n += !r->items[i].result.residual_acceptable;
    return n;
}

size_t medsec_risk_register_unacceptable_initial(const struct medsec_risk_register *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++)
        n += !r->items[i].result.initial_acceptable;
    return n;
}

void medsec_risk_register_release(struct medsec_risk_register *r)
{
    if (r->ids.key)
        medsec_idmap_release(&r->ids);
    medsec_free(r->items);
    medsec_arena_release(&r->arena);
    memset(r, 0, sizeof *r);
}
