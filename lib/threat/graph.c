/* graph.c: the element graph threat rules run over: zones, elements, named attributes, derivation.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "medsec/alloc.h"
#include "medsec/threat.h"

static const char *element_id(const void *ud, size_t i)
{
    return ((const struct medsec_tm_graph *)ud)->elements[i].id;
}

static const char *zone_id(const void *ud, size_t i)
{
    return ((const struct medsec_tm_graph *)ud)->zones[i].id;
}

void medsec_tm_graph_init(struct medsec_tm_graph *g)
{
    memset(g, 0, sizeof *g);
    medsec_idmap_init(&g->ids, element_id, g);
    medsec_idmap_init(&g->zone_ids, zone_id, g);
}

void medsec_tm_graph_release(struct medsec_tm_graph *g)
{
    medsec_free(g->zones);
    medsec_free(g->elements);
    medsec_idmap_release(&g->ids);
    medsec_idmap_release(&g->zone_ids);
    medsec_arena_release(&g->arena);
    memset(g, 0, sizeof *g);
}

static const char *dup(struct medsec_tm_graph *g, const char *s)
{
    return s ? medsec_arena_strdup(&g->arena, s) : NULL;
}

const struct medsec_tm_zone *medsec_tm_find_zone(const struct medsec_tm_graph *g, const char *id)
{
    size_t i;
    return medsec_idmap_find(&g->zone_ids, id, &i) ? &g->zones[i] : NULL;
}

const struct medsec_tm_element *medsec_tm_find(const struct medsec_tm_graph *g, const char *id)
{
    size_t i;
    return medsec_idmap_find(&g->ids, id, &i) ? &g->elements[i] : NULL;
}

medsec_err medsec_tm_add_zone(struct medsec_tm_graph *g, const char *id, const char *name,
                              int trust, enum medsec_access access)
{
    if (!id || !*id || medsec_tm_find_zone(g, id))
        return MEDSEC_EINVAL;
    if (g->nzones >= MEDSEC_TM_MAX_ELEMENTS)
        return MEDSEC_ETOOBIG;
    if (MEDSEC_ARRAY_GROW(g->zones, g->nzones, g->zcap))
        return MEDSEC_ENOMEM;
    struct medsec_tm_zone *z = &g->zones[g->nzones];
    z->id = dup(g, id);
    z->name = dup(g, name ? name : id);
    z->trust = trust;
    z->access = access;
    if (!z->id || !z->name || medsec_idmap_add(&g->zone_ids, g->nzones))
        return MEDSEC_ENOMEM;
    g->nzones++;
    return MEDSEC_OK;
}

medsec_err medsec_tm_add_element(struct medsec_tm_graph *g, enum medsec_element_kind kind,
                                 const char *id, const char *name, const char *zone,
                                 const char *from, const char *to, size_t *index)
{
    if (!id || !*id || (unsigned)kind >= MEDSEC_ELEMENT_KIND_COUNT || medsec_tm_find(g, id))
        return MEDSEC_EINVAL;
    if (g->n >= MEDSEC_TM_MAX_ELEMENTS)
        return MEDSEC_ETOOBIG;
    if (MEDSEC_ARRAY_GROW(g->elements, g->n, g->cap))
        return MEDSEC_ENOMEM;
    struct medsec_tm_element *e = &g->elements[g->n];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->id = dup(g, id);
    e->name = dup(g, name ? name : id);
    e->zone = dup(g, zone);
    e->from = dup(g, from);
    e->to = dup(g, to);
    if (!e->id || !e->name || (zone && !e->zone) || (from && !e->from) || (to && !e->to) ||
        medsec_idmap_add(&g->ids, g->n))
        return MEDSEC_ENOMEM;
    if (index)
        *index = g->n;
    g->n++;
    return MEDSEC_OK;
}

const struct medsec_tm_attr *medsec_tm_attr_get(const struct medsec_tm_element *e, const char *name)
{
    for (const struct medsec_tm_attr *a = e->attrs; a; a = a->next)
        if (strcmp(a->name, name) == 0)
            return a;
    return NULL;
}

bool medsec_tm_has_item(const struct medsec_tm_element *e, const char *name, const char *item)
{
    const struct medsec_tm_attr *a = medsec_tm_attr_get(e, name);
    if (!a || a->type != MEDSEC_TM_LIST)
        return false;
    for (size_t i = 0; i < a->nitems; i++)
        if (strcasecmp(a->items[i], item) == 0)
            return true;
    return false;
}

/* Find or create attribute @name of element @index, reset to @type unless it is a list kept as is.
 */
static struct medsec_tm_attr *attr_slot(struct medsec_tm_graph *g, size_t index, const char *name,
                                        enum medsec_tm_vtype type)
{
    if (index >= g->n || !name)
        return NULL;
    struct medsec_tm_element *e = &g->elements[index];
    struct medsec_tm_attr *a = (struct medsec_tm_attr *)medsec_tm_attr_get(e, name);
    if (a && a->type == type && type == MEDSEC_TM_LIST)
        return a;
    if (!a) {
        a = medsec_arena_alloc(&g->arena, sizeof *a);
        if (!a)
            return NULL;
        memset(a, 0, sizeof *a);
        a->name = dup(g, name);
        if (!a->name)
            return NULL;
        a->next = e->attrs;
        e->attrs = a;
    }
    a->type = type;
    a->b = false;
    a->s = NULL;
    a->items = NULL;
    a->nitems = a->cap = 0;
    return a;
}

medsec_err medsec_tm_set_bool(struct medsec_tm_graph *g, size_t index, const char *name, bool v)
{
    struct medsec_tm_attr *a = attr_slot(g, index, name, MEDSEC_TM_BOOL);
    if (!a)
        return index >= g->n ? MEDSEC_EINVAL : MEDSEC_ENOMEM;
    a->b = v;
    return MEDSEC_OK;
}

medsec_err medsec_tm_set_str(struct medsec_tm_graph *g, size_t index, const char *name,
                             const char *v)
{
    if (!v)
        return MEDSEC_EINVAL;
    struct medsec_tm_attr *a = attr_slot(g, index, name, MEDSEC_TM_STR);
    if (!a)
        return index >= g->n ? MEDSEC_EINVAL : MEDSEC_ENOMEM;
    a->s = dup(g, v);
    return a->s ? MEDSEC_OK : MEDSEC_ENOMEM;
}

medsec_err medsec_tm_add_item(struct medsec_tm_graph *g, size_t index, const char *name,
                              const char *item)
{
    if (!item)
        return MEDSEC_EINVAL;
    struct medsec_tm_attr *a = attr_slot(g, index, name, MEDSEC_TM_LIST);
    if (!a)
        return index >= g->n ? MEDSEC_EINVAL : MEDSEC_ENOMEM;
    for (size_t i = 0; i < a->nitems; i++)
        if (strcasecmp(a->items[i], item) == 0)
            return MEDSEC_OK;
    if (a->nitems == a->cap) {
        size_t ncap = a->cap ? a->cap * 2 : 4;
        const char **nv = medsec_arena_alloc(&g->arena, ncap * sizeof *nv);
        if (!nv)
            return MEDSEC_ENOMEM;
        if (a->nitems)
            memcpy(nv, a->items, a->nitems * sizeof *nv);
        a->items = nv;
        a->cap = ncap;
    }
    const char *s = dup(g, item);
    if (!s)
        return MEDSEC_ENOMEM;
    a->items[a->nitems++] = s;
    return MEDSEC_OK;
}

static bool attr_true(const struct medsec_tm_element *e, const char *name)
{
    const struct medsec_tm_attr *a = medsec_tm_attr_get(e, name);
    return a && a->type == MEDSEC_TM_BOOL && a->b;
}

/* Copy every item of list @name of element @src into list @dst_name of element @dst. */
static medsec_err copy_items(struct medsec_tm_graph *g, size_t dst, const char *dst_name,
                             size_t src, const char *name)
{
    const struct medsec_tm_attr *a = medsec_tm_attr_get(&g->elements[src], name);
    if (!a || a->type != MEDSEC_TM_LIST)
        return MEDSEC_OK;
    for (size_t i = 0; i < a->nitems; i++) {
        medsec_err rc = medsec_tm_add_item(g, dst, dst_name, a->items[i]);
        if (rc)
            return rc;
    }
    return MEDSEC_OK;
}

static size_t index_of(const struct medsec_tm_graph *g, const char *id)
{
    const struct medsec_tm_element *e = medsec_tm_find(g, id);
    return e ? (size_t)(e - g->elements) : (size_t)-1;
}

/* Set the flow's derived attributes; adds or updates the crossing element of its zone pair. */
static medsec_err derive_flow(struct medsec_tm_graph *g, size_t fi, struct medsec_error *err)
{
    const struct medsec_tm_element *f = &g->elements[fi];
    size_t si = index_of(g, f->from), di = index_of(g, f->to);
    if (si == (size_t)-1 || di == (size_t)-1)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "flow '%s': unknown %s '%s'", f->id,
                                si == (size_t)-1 ? "source" : "destination",
                                si == (size_t)-1 ? (f->from ? f->from : "") : (f->to ? f->to : ""));
    const char *sz = g->elements[si].zone, *dz = g->elements[di].zone;
    enum medsec_element_kind sk = g->elements[si].kind, dk = g->elements[di].kind;
    bool crosses = sz && dz && strcmp(sz, dz) != 0;
    const struct medsec_tm_zone *szz = medsec_tm_find_zone(g, sz),
                                *dzz = medsec_tm_find_zone(g, dz);
    bool higher = szz && dzz && dzz->trust > szz->trust;
    medsec_err rc;
    if ((rc = medsec_tm_set_str(g, fi, "from_kind", medsec_element_kind_name(sk))) ||
        (rc = medsec_tm_set_str(g, fi, "to_kind", medsec_element_kind_name(dk))) ||
        (sz && (rc = medsec_tm_set_str(g, fi, "from_zone", sz))) ||
        (dz && (rc = medsec_tm_set_str(g, fi, "to_zone", dz))) ||
        (rc = medsec_tm_set_bool(g, fi, "crosses_zone", crosses)) ||
        (rc = medsec_tm_set_bool(g, fi, "to_trust_higher", higher)) ||
        (rc = copy_items(g, fi, "to_clinical_functions", di, "clinical_functions")))
        return rc;
    /* a zone crossing is where traffic a remote or adjacent attacker can reach passes a trust
     * boundary: a person at the device, a bus inside it or a call inside one computer is not one */
    const struct medsec_tm_attr *ch = medsec_tm_attr_get(&g->elements[fi], "channel");
    enum medsec_channel channel = MEDSEC_CHANNEL_NETWORK;
    if (ch && ch->type == MEDSEC_TM_STR && !medsec_channel_parse(ch->s, &channel))
        channel = MEDSEC_CHANNEL_NETWORK;
    if (!crosses || !medsec_channel_attackable(channel))
        return MEDSEC_OK;

    char cid[600];
    snprintf(cid, sizeof cid, "%s->%s", sz, dz);
    size_t ci = index_of(g, cid);
    bool fresh = ci == (size_t)-1;
    if (fresh) {
        char cname[600];
        snprintf(cname, sizeof cname, "%s -> %s", szz ? szz->name : sz, dzz ? dzz->name : dz);
        if ((rc = medsec_tm_add_element(g, MEDSEC_ELEMENT_ZONE_CROSSING, cid, cname, NULL, sz, dz,
                                        &ci)))
            return rc;
        if ((rc = medsec_tm_set_bool(g, ci, "to_trust_higher", higher)))
            return rc;
    }
    f = &g->elements[fi]; /* the array may have moved */
    static const char *const all[] = {"encrypted", "authenticated", "integrity"};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
        bool v = attr_true(f, all[k]) && (fresh || attr_true(&g->elements[ci], all[k]));
        if ((rc = medsec_tm_set_bool(g, ci, all[k], v)))
            return rc;
    }
    const struct medsec_tm_attr *proto = medsec_tm_attr_get(f, "protocol");
    if (proto && proto->type == MEDSEC_TM_STR &&
        (rc = medsec_tm_add_item(g, ci, "protocol", proto->s)))
        return rc;
    if ((rc = medsec_tm_add_item(g, ci, "flows", g->elements[fi].id)) ||
        (rc = copy_items(g, ci, "capabilities", fi, "capabilities")) ||
        (rc = copy_items(g, ci, "controls", fi, "controls")) ||
        (rc = copy_items(g, ci, "clinical_functions", fi, "clinical_functions")) ||
        (rc = medsec_tm_add_item(g, ci, "channel", medsec_channel_name(channel))))
        return rc;
    return MEDSEC_OK;
}

medsec_err medsec_tm_graph_derive(struct medsec_tm_graph *g, struct medsec_error *err)
{
    size_t n = g->n; /* crossings are appended behind; they are not flows */
    for (size_t i = 0; i < n; i++) {
        if (g->elements[i].kind != MEDSEC_ELEMENT_DATA_FLOW)
            continue;
        medsec_error_clear(err);
        medsec_err rc = derive_flow(g, i, err);
        if (rc && (!err || err->code == MEDSEC_OK))
            return medsec_error_set(err, rc, NULL, 0, 0, "flow '%s': %s", g->elements[i].id,
                                    medsec_strerror(rc));
        if (rc)
            return rc;
    }
    return MEDSEC_OK;
}

/* The MDS2 scope classes (MEDSEC_FIT_*) an element belongs to, from its kind and attributes: what a
 * capability code suggested for a threat on it must cover (docs/threats.md, "Capability codes"). */
unsigned medsec_tm_element_fits(const struct medsec_tm_element *e)
{
    static const char *const health[] = {"phi", "diagnosis_monitoring", "therapy_delivery",
                                         "clinical_workflow"};
    static const char *const health_data[] = {"phi", "infusion_order", "drug_library"};
    unsigned c = 0;
    const struct medsec_tm_attr *ch = medsec_tm_attr_get(e, "channel");
    enum medsec_channel channel = MEDSEC_CHANNEL_COUNT;
    if (ch && ch->type == MEDSEC_TM_STR && !medsec_channel_parse(ch->s, &channel))
        channel = MEDSEC_CHANNEL_COUNT;
    switch (e->kind) {
    case MEDSEC_ELEMENT_PROCESS:
        c = MEDSEC_FIT_SOFTWARE | MEDSEC_FIT_DEVICE | MEDSEC_FIT_NODE;
        break;
    case MEDSEC_ELEMENT_DATA_STORE:
        c = MEDSEC_FIT_STORAGE | MEDSEC_FIT_DEVICE;
        if (attr_true(e, "removable") || attr_true(e, "secure_element"))
            c |= MEDSEC_FIT_PHYSICAL;
        break;
    case MEDSEC_ELEMENT_EXTERNAL_ENTITY: {
        const struct medsec_tm_attr *t = medsec_tm_attr_get(e, "type");
        bool person =
            t && t->type == MEDSEC_TM_STR &&
            (!strcmp(t->s, "human") || !strcmp(t->s, "user") || !strcmp(t->s, "operator"));
        c = person ? MEDSEC_FIT_PERSON : MEDSEC_FIT_NODE | MEDSEC_FIT_REMOTE_SERVICE;
        break;
    }
    case MEDSEC_ELEMENT_DATA_FLOW:
        c = MEDSEC_FIT_TRANSPORT | MEDSEC_FIT_NODE;
        if (medsec_tm_has_item(e, "purpose", "update") || medsec_tm_has_item(e, "data", "firmware"))
            c |= MEDSEC_FIT_UPDATE;
        {
            const struct medsec_tm_attr *p = medsec_tm_attr_get(e, "purpose");
            if (p && p->type == MEDSEC_TM_STR && !strcmp(p->s, "update"))
                c |= MEDSEC_FIT_UPDATE;
        }
        break;
    case MEDSEC_ELEMENT_INTERFACE:
        c = MEDSEC_FIT_TRANSPORT | MEDSEC_FIT_NODE;
        if (attr_true(e, "debug"))
            c |= MEDSEC_FIT_PHYSICAL;
        break;
    default: c = MEDSEC_FIT_TRANSPORT | MEDSEC_FIT_NODE | MEDSEC_FIT_DEVICE; break;
    }
    switch (channel) {
    case MEDSEC_CHANNEL_LOCAL_UI:
    case MEDSEC_CHANNEL_HUMAN: c |= MEDSEC_FIT_PERSON; break;
    case MEDSEC_CHANNEL_ONBOARD_BUS:
    case MEDSEC_CHANNEL_FIELD_BUS: c |= MEDSEC_FIT_PHYSICAL; break;
    case MEDSEC_CHANNEL_REMOVABLE_MEDIA: c |= MEDSEC_FIT_PHYSICAL | MEDSEC_FIT_STORAGE; break;
    case MEDSEC_CHANNEL_IPC: c |= MEDSEC_FIT_SOFTWARE; break;
    default: break;
    }
    for (size_t i = 0; i < sizeof health / sizeof *health; i++)
        if (medsec_tm_has_item(e, "clinical_functions", health[i]))
            c |= MEDSEC_FIT_HEALTH_DATA;
    for (size_t i = 0; i < sizeof health_data / sizeof *health_data; i++)
        if (medsec_tm_has_item(e, "data", health_data[i]))
            c |= MEDSEC_FIT_HEALTH_DATA;
    return c;
}
