/* from_model.c: the element graph and the manual threats of a loaded security file (model.h). */
#include <stdio.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/idmap.h"
#include "medsec/model.h"
#include "medsec/threat.h"

/* Controls that are only planned do not act yet. */
bool medsec_tm_control_active(const struct medsec_model_control *c)
{
    return medsec_control_status_active(c->status);
}

static medsec_err set_tri(struct medsec_tm_graph *g, size_t i, const char *name, int v)
{
    return v == MEDSEC_UNSTATED ? MEDSEC_OK : medsec_tm_set_bool(g, i, name, v != 0);
}

static medsec_err set_opt(struct medsec_tm_graph *g, size_t i, const char *name, const char *v)
{
    return v ? medsec_tm_set_str(g, i, name, v) : MEDSEC_OK;
}

static medsec_err add_list(struct medsec_tm_graph *g, size_t i, const char *name,
                           const struct medsec_strlist *l)
{
    for (size_t k = 0; k < l->n; k++) {
        medsec_err rc = medsec_tm_add_item(g, i, name, l->v[k]);
        if (rc)
            return rc;
    }
    return MEDSEC_OK;
}

/* The clinical functions of the assets stored in or carried by each item, interface and flow, as
 * bits of medsec_model_function_names, found in one pass over the assets (looking each element's
 * up in every asset made the graph quadratic). Element k of the index is items, then interfaces,
 * then flows. */
struct fn_index {
    const struct medsec_model *m;
    struct medsec_idmap ids;
    unsigned char *mask;
};

static const char *fn_key(const void *ud, size_t k)
{
    const struct medsec_model *m = ud;
    if (k < m->nitems)
        return m->items[k].id;
    k -= m->nitems;
    if (k < m->ninterfaces)
        return m->interfaces[k].id;
    return m->flows[k - m->ninterfaces].id;
}

static medsec_err fn_index_build(struct fn_index *x, const struct medsec_model *m)
{
    size_t n = m->nitems + m->ninterfaces + m->nflows;
    x->m = m;
    medsec_idmap_init(&x->ids, fn_key, m);
    x->mask = medsec_calloc(n + 1, 1);
    if (!x->mask)
        return MEDSEC_ENOMEM;
    for (size_t k = 0; k < n; k++) {
        size_t had;
        const char *id = fn_key(m, k);
        if (id && !medsec_idmap_find(&x->ids, id, &had) && medsec_idmap_add(&x->ids, k))
            return MEDSEC_ENOMEM;
    }
    for (size_t a = 0; a < m->nassets; a++) {
        const struct medsec_model_asset *as = &m->assets[a];
        unsigned bits = 0;
        for (size_t o = 0; o < MEDSEC_MODEL_NFUNCTIONS; o++)
            if (medsec_strlist_has(&as->functions, medsec_model_function_names[o]))
                bits |= 1u << o;
        const struct medsec_strlist *where[] = {&as->stored_in, &as->carried_by};
        for (size_t w = 0; w < 2; w++)
            for (size_t i = 0; i < where[w]->n; i++) {
                size_t k;
                if (medsec_idmap_find(&x->ids, where[w]->v[i], &k))
                    x->mask[k] |= (unsigned char)bits;
            }
    }
    return MEDSEC_OK;
}

static void fn_index_release(struct fn_index *x)
{
    medsec_idmap_release(&x->ids);
    medsec_free(x->mask);
}

static medsec_err add_functions(struct medsec_tm_graph *g, size_t i, const struct fn_index *x,
                                const char *id)
{
    size_t k;
    if (!medsec_idmap_find(&x->ids, id, &k))
        return MEDSEC_OK;
    for (size_t o = 0; o < MEDSEC_MODEL_NFUNCTIONS; o++)
        if (x->mask[k] & (1u << o)) {
            medsec_err rc =
                medsec_tm_add_item(g, i, "clinical_functions", medsec_model_function_names[o]);
            if (rc)
                return rc;
        }
    return MEDSEC_OK;
}

/* Apply one active control's capabilities and id to graph element @id (when it is one). */
static medsec_err apply_to(struct medsec_tm_graph *g, const struct medsec_model_control *c,
                           const char *id)
{
    const struct medsec_tm_element *e = medsec_tm_find(g, id);
    if (!e)
        return MEDSEC_OK;
    size_t i = (size_t)(e - g->elements);
    medsec_err rc = add_list(g, i, "capabilities", &c->capabilities);
    return rc ? rc : medsec_tm_add_item(g, i, "controls", c->id);
}

/* The graph elements a control's `applies_to` entry reaches: the element itself, every item and
 * interface of a zone, every element an asset is stored in or carried by. */
static medsec_err apply_control(struct medsec_tm_graph *g, const struct medsec_model *m,
                                const struct medsec_model_control *c)
{
    medsec_err rc = MEDSEC_OK;
    for (size_t k = 0; k < c->applies_to.n && !rc; k++) {
        const char *id = c->applies_to.v[k];
        enum medsec_model_kind kind;
        if (!medsec_model_kind_of(m, id, &kind))
            continue;
        if (kind == MEDSEC_MK_ZONE) {
            for (size_t i = 0; i < g->n && !rc; i++)
                if (g->elements[i].zone && strcmp(g->elements[i].zone, id) == 0)
                    rc = apply_to(g, c, g->elements[i].id);
        } else if (kind == MEDSEC_MK_ASSET) {
            const struct medsec_model_asset *a = medsec_model_find_asset(m, id);
            for (size_t i = 0; a && i < a->stored_in.n && !rc; i++)
                rc = apply_to(g, c, a->stored_in.v[i]);
            for (size_t i = 0; a && i < a->carried_by.n && !rc; i++)
                rc = apply_to(g, c, a->carried_by.v[i]);
        } else {
            rc = apply_to(g, c, id);
        }
    }
    return rc;
}

medsec_err medsec_tm_from_model(const struct medsec_model *m, struct medsec_tm_graph *g,
                                struct medsec_error *err)
{
    const char *where = "";
    medsec_error_clear(err);
    struct fn_index fx;
    medsec_err rc = fn_index_build(&fx, m);
    for (size_t z = 0; z < m->nzones && !rc; z++)
        rc = medsec_tm_add_zone(g, m->zones[z].id, m->zones[z].name, (int)m->zones[z].trust,
                                medsec_model_zone_access(&m->zones[z]));
    for (size_t k = 0; k < m->nitems && !rc; k++) {
        const struct medsec_model_item *it = &m->items[k];
        size_t i;
        where = it->id;
        if ((rc = medsec_tm_add_element(g, it->element, it->id, it->name, it->zone, NULL, NULL,
                                        &i)) ||
            (rc = set_opt(g, i, "type", it->type)) || (rc = set_opt(g, i, "role", it->role)) ||
            (rc = set_opt(g, i, "item_kind", it->kind)) ||
            (rc = add_list(g, i, "data", &it->data)) ||
            (rc = set_tri(g, i, "privileged", it->privileged)) ||
            (rc = set_tri(g, i, "untrusted_input", it->untrusted_input)) ||
            (rc = set_tri(g, i, "secure_element", it->secure_element)) ||
            (rc = set_tri(g, i, "unique_credentials", it->unique_credentials)) ||
            (rc = add_functions(g, i, &fx, it->id)))
            break;
    }
    for (size_t k = 0; k < m->ninterfaces && !rc; k++) {
        const struct medsec_model_interface *f = &m->interfaces[k];
        const char *zone = f->zone ? f->zone : medsec_model_zone_of(m, f->id);
        size_t i;
        where = f->id;
        if ((rc = medsec_tm_add_element(g, MEDSEC_ELEMENT_INTERFACE, f->id, f->name, zone, NULL,
                                        NULL, &i)) ||
            (rc = set_opt(g, i, "type", f->type)) || (rc = set_opt(g, i, "exposes", f->item)) ||
            (rc = set_tri(g, i, "debug", f->debug)) ||
            (rc = set_tri(g, i, "disabled_in_production", f->disabled_in_production)) ||
            (rc = set_tri(g, i, "authenticated", f->authenticated)) ||
            (rc = set_tri(g, i, "encrypted", f->encrypted)) ||
            (rc = set_tri(g, i, "removable", f->removable)) ||
            (rc = medsec_tm_set_str(
                 g, i, "channel", medsec_channel_name(medsec_model_interface_channel(f, NULL)))) ||
            (f->item && (rc = add_functions(g, i, &fx, f->item))) ||
            (rc = add_functions(g, i, &fx, f->id)))
            break;
    }
    for (size_t k = 0; k < m->nflows && !rc; k++) {
        const struct medsec_model_flow *f = &m->flows[k];
        size_t i;
        where = f->id;
        if ((rc = medsec_tm_add_element(g, MEDSEC_ELEMENT_DATA_FLOW, f->id, f->name, NULL, f->from,
                                        f->to, &i)) ||
            (rc = set_opt(g, i, "protocol", f->protocol)) ||
            (rc = set_opt(g, i, "purpose", f->purpose)) || (rc = set_opt(g, i, "via", f->via)) ||
            (rc = add_list(g, i, "data", &f->data)) ||
            (rc = set_tri(g, i, "authenticated", f->authenticated)) ||
            (rc = set_tri(g, i, "encrypted", f->encrypted)) ||
            (rc = set_tri(g, i, "integrity", f->integrity)) ||
            (rc = set_tri(g, i, "replay_protected", f->replay_protected)) ||
            (rc = medsec_tm_set_str(g, i, "channel",
                                    medsec_channel_name(medsec_model_flow_channel(m, f, NULL)))) ||
            (rc = add_functions(g, i, &fx, f->id)))
            break;
    }
    for (size_t k = 0; k < m->ncontrols && !rc; k++) {
        where = m->controls[k].id;
        if (medsec_tm_control_active(&m->controls[k]))
            rc = apply_control(g, m, &m->controls[k]);
    }
    fn_index_release(&fx);
    if (rc) {
        if (rc == MEDSEC_EINVAL)
            return medsec_error_set(err, rc, m->file, 0, 0,
                                    "'%s': duplicate element id or bad attribute", where);
        return medsec_error_set(err, rc, m->file, 0, 0, "'%s': %s", where, medsec_strerror(rc));
    }
    rc = medsec_tm_graph_derive(g, err);
    if (rc && err && !err->file[0])
        snprintf(err->file, sizeof err->file, "%s", m->file ? m->file : "");
    return rc;
}

/* Rank of an exploitability level as low / medium / high thirds of the scale. */
static enum medsec_tm_rating rating_of(const struct medsec_model *m, const char *level)
{
    const struct medsec_model_level *l = level ? medsec_model_find_exploitability(m, level) : NULL;
    size_t n = m->risk_matrix.nexploitability;
    if (!l || n == 0)
        return MEDSEC_TM_MEDIUM;
    double f = n > 1 ? (double)(l->level - 1) / (double)(n - 1) : 0.5;
    return f < 1.0 / 3 ? MEDSEC_TM_LOW : f > 2.0 / 3 ? MEDSEC_TM_HIGH : MEDSEC_TM_MEDIUM;
}

medsec_err medsec_threats_merge_model(struct medsec_threat_list *l, const struct medsec_tm_graph *g,
                                      const struct medsec_model *m, struct medsec_error *err)
{
    if (!m->nthreats)
        return MEDSEC_OK;
    struct medsec_threat_manual *v = medsec_arena_alloc(&l->arena, m->nthreats * sizeof *v);
    if (!v)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t k = 0; k < m->nthreats; k++) {
        const struct medsec_model_threat *t = &m->threats[k];
        enum medsec_stride s =
            t->stride.n ? (enum medsec_stride)t->stride.v[0] : MEDSEC_STRIDE_NONE;
        if (!s)
            return medsec_error_set(err, MEDSEC_EINVAL, m->file, t->pos.line, t->pos.column,
                                    "threat %s: no STRIDE category", t->id);
        v[k] = (struct medsec_threat_manual){
            .id = t->id,
            .element = t->elements.n ? t->elements.v[0] : NULL,
            .stride = s,
            .title = t->title,
            .rationale = t->description,
            .rating = rating_of(m, t->exploitability),
            .cwe = t->cwe.v,
            .ncwe = t->cwe.n,
            .capec = t->capec.v,
            .ncapec = t->capec.n,
            .controls = t->controls.v,
            .ncontrols = t->controls.n,
        };
    }
    medsec_err rc = medsec_threats_merge_manual(l, g, v, m->nthreats, err);
    if (rc)
        return rc;
    /* a manual threat's hazards are the ones it names and the ones that name it (generated threats
     * have none: the risk register links risks to hazards by the assets they reach, docs/risk.md);
     * its controls are control ids, so what is missing is the controls that are only planned */
    for (size_t k = 0; k < m->nthreats; k++) {
        struct medsec_threat *t = (struct medsec_threat *)medsec_threats_find(l, m->threats[k].id);
        const struct medsec_model_threat *mt = &m->threats[k];
        t->nmissing = 0;
        for (size_t i = 0; i < t->ncontrols; i++) {
            const struct medsec_model_control *c = medsec_model_find_control(m, t->controls[i]);
            if (c && !medsec_tm_control_active(c))
                t->missing[t->nmissing++] = t->controls[i];
        }
        t->nhazards = 0; /* whatever the replaced generated threat had */
        size_t n = mt->hazards.n + m->nhazards;
        const char **hz = medsec_arena_alloc(&l->arena, (n ? n : 1) * sizeof *hz);
        if (!hz)
            return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        size_t c = 0;
        for (size_t i = 0; i < mt->hazards.n; i++)
            hz[c++] = medsec_arena_strdup(&l->arena, mt->hazards.v[i]);
        for (size_t h = 0; h < m->nhazards; h++)
            if (medsec_strlist_has(&m->hazards[h].threats, mt->id))
                hz[c++] = medsec_arena_strdup(&l->arena, m->hazards[h].id);
        for (size_t i = 0; i < c; i++)
            if (!hz[i])
                return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        /* drop repeats, keep first-seen order */
        size_t w = 0;
        for (size_t i = 0; i < c; i++) {
            bool seen = false;
            for (size_t j = 0; j < w && !seen; j++)
                seen = strcmp(hz[j], hz[i]) == 0;
            if (!seen)
                hz[w++] = hz[i];
        }
        t->hazards = hz;
        t->nhazards = w;
    }
    return MEDSEC_OK;
}
