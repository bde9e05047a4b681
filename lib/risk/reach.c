/* reach.c: what an attack can reach in a device and from where (reach.h, docs/risk.md). Every
 * table is built once per security file; the closures over control flows are one pass over the
 * strongly connected components of the command graph, so the whole register stays near-linear in
 * the size of the file. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/idmap.h"
#include "reach.h"

/* One (asset, property) value of a closure: the harm and where it sits. */
struct best {
    int harm; /* -1 none */
    size_t asset;
    enum medsec_property prop;
    size_t at;  /* the item whose assets gave it */
    size_t ctl; /* residual: the control that lowered it */
    int before;
};

/* How a compromised item reaches its best: its own assets, a control flow it sends, or an item
 * that runs on it. */
enum step { STEP_OWN = 0, STEP_FLOW, STEP_HOSTED };

/* A list per node in one array: node i has v[off[i] .. off[i+1]). */
struct csr {
    size_t *off, *v;
};

struct reach {
    const struct medsec_model *m;
    const struct medsec_risk_register *reg;
    struct medsec_idmap ids[MEDSEC_MK_COUNT];
    size_t nitems, nflows, nifaces, nassets, nhazards, hwords;

    size_t *flow_from, *flow_to, *flow_via; /* item / interface indexes, REACH_NONE */
    size_t *item_host;                      /* runs_on, REACH_NONE */
    size_t *iface_item;
    bool *ctlflow;
    enum medsec_channel *flow_ch, *iface_ch;
    struct csr out, in, hosted, via, exposes, flow_assets, item_assets;

    int (*harm)[MEDSEC_PROP_COUNT];            /* per asset, -1 none */
    struct best (*lowered)[MEDSEC_PROP_COUNT]; /* per asset: residual after by-design controls */
    struct csr design;                         /* per asset * 3 + prop: the by-design controls */
    struct csr hz;                             /* per asset * 3 + prop: hazards it leads to */

    struct csr ctl_item, ctl_flow, ctl_iface; /* controls on each element */
    enum reach_credit *credit;                /* per control */
    char **evidence;                          /* per control: passing evidence ids */

    /* command closure, per item (values shared within a component) */
    struct best *cmd_init, *cmd_res;
    size_t *cmd_next_init, *cmd_next_res; /* control flow to follow; REACH_NONE: nothing */
    bool *cmd_stop_init, *cmd_stop_res;   /* the hit is carried by that flow: the path ends */
    bool *cmd_any;
    size_t *scc; /* component of each item */
    unsigned long long *scc_hz;
    /* compromise closure, per item */
    struct best *comp_init, *comp_res;
    enum step *comp_step_init, *comp_step_res;
    size_t *comp_ref_init, *comp_ref_res;
    bool *comp_any;
    unsigned long long *comp_hz;

    /* exploitability */
    int level_of[MEDSEC_ACCESS_COUNT];
    int *item_level;     /* before controls */
    int *item_res_level; /* to compromise it, after the controls on its ways in */

    unsigned long long *scratch;
};

/* ---- small helpers ------------------------------------------------------------------------- */

static const char *key_item(const void *ud, size_t i)
{
    return ((const struct medsec_model *)ud)->items[i].id;
}
static const char *key_flow(const void *ud, size_t i)
{
    return ((const struct medsec_model *)ud)->flows[i].id;
}
static const char *key_iface(const void *ud, size_t i)
{
    return ((const struct medsec_model *)ud)->interfaces[i].id;
}
static const char *key_zone(const void *ud, size_t i)
{
    return ((const struct medsec_model *)ud)->zones[i].id;
}
static const char *key_asset(const void *ud, size_t i)
{
    return ((const struct medsec_model *)ud)->assets[i].id;
}
static const char *key_hazard(const void *ud, size_t i)
{
    return ((const struct medsec_model *)ud)->hazards[i].id;
}
static const char *key_control(const void *ud, size_t i)
{
    return ((const struct medsec_model *)ud)->controls[i].id;
}

bool reach_find(const struct reach *r, enum medsec_model_kind kind, const char *id, size_t *index)
{
    if (!id || (unsigned)kind >= MEDSEC_MK_COUNT || !r->ids[kind].key)
        return false;
    return medsec_idmap_find(&r->ids[kind], id, index);
}

static size_t find(const struct reach *r, enum medsec_model_kind kind, const char *id)
{
    size_t i;
    return reach_find(r, kind, id, &i) ? i : REACH_NONE;
}

static int harm_index(const struct medsec_risk_register *reg, const char *id)
{
    for (size_t i = 0; id && i < reg->config.nseverity; i++)
        if (!strcmp(reg->config.severity[i], id))
            return (int)i;
    return -1;
}

/* Build a CSR from (node, value) pairs. */
struct pair {
    size_t node, v;
};
static int cmp_pair(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    if (x->node != y->node)
        return x->node < y->node ? -1 : 1;
    return (x->v > y->v) - (x->v < y->v);
}
static bool csr_build(struct csr *c, size_t nodes, struct pair *p, size_t n, bool dedup)
{
    c->off = medsec_calloc(nodes + 1, sizeof *c->off);
    c->v = medsec_calloc(n ? n : 1, sizeof *c->v);
    if (!c->off || !c->v)
        return false;
    if (n)
        qsort(p, n, sizeof *p, cmp_pair);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (dedup && i && p[i].node == p[i - 1].node && p[i].v == p[i - 1].v)
            continue;
        c->off[p[i].node + 1]++;
        c->v[k++] = p[i].v;
    }
    for (size_t i = 0; i < nodes; i++)
        c->off[i + 1] += c->off[i];
    return true;
}
static void csr_free(struct csr *c)
{
    medsec_free(c->off);
    medsec_free(c->v);
}
#define CSR_EACH(c, node, var)                                                                     \
    for (size_t var##_k = (c).off[node], var;                                                      \
         var##_k < (c).off[(node) + 1] && ((var = (c).v[var##_k]), 1); var##_k++)

/* A growable list of pairs. */
struct pairs {
    struct pair *v;
    size_t n, cap;
    bool ok;
};
static void push(struct pairs *p, size_t node, size_t v)
{
    if (!p->ok || node == REACH_NONE || v == REACH_NONE)
        return;
    if (MEDSEC_ARRAY_GROW(p->v, p->n, p->cap)) {
        p->ok = false;
        return;
    }
    p->v[p->n++] = (struct pair){node, v};
}
static bool take(struct csr *c, size_t nodes, struct pairs *p, bool dedup)
{
    bool ok = p->ok && csr_build(c, nodes, p->v, p->n, dedup);
    p->n = 0;
    return ok;
}

/* ---- controls ------------------------------------------------------------------------------ */

/* Which STRIDE categories lose which property (docs/risk.md): a by-design control that addresses
 * one of them protects that property of its assets. */
static bool covers_property(const struct medsec_model_control *c, enum medsec_property p)
{
    if (!c->stride.n)
        return true;
    static const unsigned cats[MEDSEC_PROP_COUNT] = {
        [MEDSEC_PROP_CONFIDENTIALITY] = (1u << MEDSEC_STRIDE_INFORMATION_DISCLOSURE) |
                                        (1u << MEDSEC_STRIDE_ELEVATION_OF_PRIVILEGE),
        [MEDSEC_PROP_INTEGRITY] = (1u << MEDSEC_STRIDE_SPOOFING) | (1u << MEDSEC_STRIDE_TAMPERING) |
                                  (1u << MEDSEC_STRIDE_ELEVATION_OF_PRIVILEGE),
        [MEDSEC_PROP_AVAILABILITY] =
            (1u << MEDSEC_STRIDE_DENIAL_OF_SERVICE) | (1u << MEDSEC_STRIDE_ELEVATION_OF_PRIVILEGE),
    };
    for (size_t i = 0; i < c->stride.n; i++)
        if (c->stride.v[i] >= 0 && c->stride.v[i] < 32 && ((cats[p] >> c->stride.v[i]) & 1u))
            return true;
    return false;
}

static bool credit_controls(struct reach *r)
{
    const struct medsec_model *m = r->m;
    r->credit = medsec_calloc(m->ncontrols ? m->ncontrols : 1, sizeof *r->credit);
    r->evidence = medsec_calloc(m->ncontrols ? m->ncontrols : 1, sizeof *r->evidence);
    if (!r->credit || !r->evidence)
        return false;
    /* passing evidence per control (medsec_model_evidence_verifies) */
    struct pairs p = {.ok = true};
    for (size_t e = 0; e < m->nevidence; e++)
        for (size_t k = 0;
             m->evidence[e].result && !strcmp(m->evidence[e].result, "pass") && k < m->ncontrols;
             k++)
            if (medsec_model_evidence_verifies(m, &m->evidence[e], m->controls[k].id))
                push(&p, k, e);
    struct csr ev = {0};
    if (!take(&ev, m->ncontrols, &p, true)) {
        medsec_free(p.v);
        csr_free(&ev);
        return false;
    }
    medsec_free(p.v);
    bool ok = true;
    for (size_t k = 0; k < m->ncontrols && ok; k++) {
        const struct medsec_model_control *c = &m->controls[k];
        size_t len = 1;
        CSR_EACH(ev, k, e)
        len += strlen(m->evidence[e].id) + 2;
        if (!(r->evidence[k] = medsec_calloc(len, 1))) {
            ok = false;
            break;
        }
        CSR_EACH(ev, k, e)
        {
            if (r->evidence[k][0])
                strcat(r->evidence[k], ", ");
            strcat(r->evidence[k], m->evidence[e].id);
        }
        r->credit[k] = !medsec_control_status_active(c->status) ? REACH_PLANNED
                       : c->lowers == MEDSEC_LOWERS_UNSTATED    ? REACH_NO_LOWERS
                       : !c->rationale || !*c->rationale        ? REACH_NO_RATIONALE
                       : !r->evidence[k][0]                     ? REACH_NO_EVIDENCE
                                                                : REACH_CREDITED;
    }
    csr_free(&ev);
    return ok;
}

enum reach_credit reach_control_credit(const struct reach *r, size_t k)
{
    return r->credit[k];
}

const char *reach_control_evidence(const struct reach *r, size_t k)
{
    return r->evidence[k];
}

/* ---- assets and hazards -------------------------------------------------------------------- */

/* Does control @c name item @x (a by-design control in that item does not hold once it is
 * compromised)? */
static bool names_item(const struct reach *r, const struct medsec_model_control *c, size_t x)
{
    return x != REACH_NONE && medsec_strlist_has(&c->applies_to, r->m->items[x].id);
}

/* The harm of (@a, @p) after the by-design controls that still hold when item @compromised
 * (REACH_NONE: none) is in the attacker's hands. */
static struct best lowered_at(const struct reach *r, size_t a, enum medsec_property p,
                              size_t compromised)
{
    int h = r->harm[a][p];
    struct best b = {h, a, p, REACH_NONE, REACH_NONE, h};
    CSR_EACH(r->design, a * MEDSEC_PROP_COUNT + p, k)
    {
        const struct medsec_model_control *c = &r->m->controls[k];
        if (names_item(r, c, compromised))
            continue;
        int by = c->levels > 0 ? (int)c->levels : 1, v = h - by < 0 ? 0 : h - by;
        if (v < b.harm)
            b.harm = v, b.ctl = k;
    }
    return b;
}

static bool index_assets(struct reach *r)
{
    const struct medsec_model *m = r->m;
    size_t na = r->nassets;
    r->harm = medsec_calloc(na ? na : 1, sizeof *r->harm);
    r->lowered = medsec_calloc(na ? na : 1, sizeof *r->lowered);
    if (!r->harm || !r->lowered)
        return false;
    for (size_t a = 0; a < na; a++) {
        const struct medsec_model_asset *as = &m->assets[a];
        const char *h[MEDSEC_PROP_COUNT] = {as->confidentiality, as->integrity, as->availability};
        for (int p = 0; p < MEDSEC_PROP_COUNT; p++) {
            r->harm[a][p] = harm_index(r->reg, h[p]);
            r->lowered[a][p] = (struct best){r->harm[a][p], a,          (enum medsec_property)p,
                                             REACH_NONE,    REACH_NONE, r->harm[a][p]};
        }
    }
    /* by-design controls: each lowers the harm of the assets it names, for the properties its
     * categories cover; several on one asset do not add up, the largest counts */
    struct pairs p = {.ok = true};
    for (size_t k = 0; k < m->ncontrols; k++) {
        const struct medsec_model_control *c = &m->controls[k];
        if (r->credit[k] != REACH_CREDITED || !medsec_control_lowers_severity(c->lowers))
            continue;
        for (size_t i = 0; i < c->applies_to.n; i++) {
            size_t a = find(r, MEDSEC_MK_ASSET, c->applies_to.v[i]);
            for (int q = 0; a != REACH_NONE && q < MEDSEC_PROP_COUNT; q++)
                if (r->harm[a][q] >= 0 && covers_property(c, (enum medsec_property)q))
                    push(&p, a * MEDSEC_PROP_COUNT + (size_t)q, k);
        }
    }
    if (!take(&r->design, na * MEDSEC_PROP_COUNT, &p, true)) {
        medsec_free(p.v);
        return false;
    }
    for (size_t a = 0; a < na; a++)
        for (int q = 0; q < MEDSEC_PROP_COUNT; q++)
            r->lowered[a][q] = lowered_at(r, a, (enum medsec_property)q, REACH_NONE);
    /* hazards by (asset, property) */
    for (size_t h = 0; h < m->nhazards; h++)
        for (size_t c = 0; c < m->hazards[h].ncaused_by; c++) {
            size_t a = find(r, MEDSEC_MK_ASSET, m->hazards[h].caused_by[c].asset);
            if (a != REACH_NONE)
                push(&p, a * MEDSEC_PROP_COUNT + m->hazards[h].caused_by[c].property, h);
        }
    bool ok = take(&r->hz, na * MEDSEC_PROP_COUNT, &p, true);
    medsec_free(p.v);
    return ok;
}

/* ---- the element graph --------------------------------------------------------------------- */

bool reach_control_flow(const struct reach *r, size_t f)
{
    return r->ctlflow[f];
}

bool reach_interface_commands(const struct reach *r, size_t i)
{
    if (r->m->interfaces[i].debug == 1)
        return true;
    CSR_EACH(r->via, i, f)
    if (r->ctlflow[f])
        return true;
    return false;
}

enum medsec_channel reach_flow_channel(const struct reach *r, size_t f)
{
    return r->flow_ch[f];
}
enum medsec_channel reach_interface_channel(const struct reach *r, size_t i)
{
    return r->iface_ch[i];
}
size_t reach_interface_item(const struct reach *r, size_t i)
{
    return r->iface_item[i];
}
size_t reach_flow_from(const struct reach *r, size_t f)
{
    return r->flow_from[f];
}
size_t reach_flow_to(const struct reach *r, size_t f)
{
    return r->flow_to[f];
}

bool reach_known(const struct reach *r, enum medsec_model_kind kind, size_t index)
{
    switch (kind) {
    case MEDSEC_MK_ITEM:
        return r->item_assets.off[index + 1] > r->item_assets.off[index] ||
               r->hosted.off[index + 1] > r->hosted.off[index];
    case MEDSEC_MK_FLOW: return r->flow_assets.off[index + 1] > r->flow_assets.off[index];
    case MEDSEC_MK_INTERFACE: {
        CSR_EACH(r->via, index, f)
        if (reach_known(r, MEDSEC_MK_FLOW, f))
            return true;
        return r->iface_item[index] != REACH_NONE &&
               reach_known(r, MEDSEC_MK_ITEM, r->iface_item[index]);
    }
    default: return false;
    }
}

bool reach_item_has_asset(const struct reach *r, size_t item, size_t asset)
{
    CSR_EACH(r->item_assets, item, a)
    if (a == asset)
        return true;
    return false;
}

static bool is_control_purpose(const char *p)
{
    static const char *const w[] = {"command", "control", "therapy", "configuration", "update"};
    for (size_t i = 0; p && i < sizeof w / sizeof w[0]; i++)
        if (!strcmp(p, w[i]))
            return true;
    return false;
}

static bool index_graph(struct reach *r)
{
    const struct medsec_model *m = r->m;
    size_t ni = r->nitems, nf = r->nflows, nn = r->nifaces;
    r->flow_from = medsec_calloc(nf + 1, sizeof *r->flow_from);
    r->flow_to = medsec_calloc(nf + 1, sizeof *r->flow_to);
    r->flow_via = medsec_calloc(nf + 1, sizeof *r->flow_via);
    r->ctlflow = medsec_calloc(nf + 1, sizeof *r->ctlflow);
    r->flow_ch = medsec_calloc(nf + 1, sizeof *r->flow_ch);
    r->iface_ch = medsec_calloc(nn + 1, sizeof *r->iface_ch);
    r->iface_item = medsec_calloc(nn + 1, sizeof *r->iface_item);
    r->item_host = medsec_calloc(ni + 1, sizeof *r->item_host);
    if (!r->flow_from || !r->flow_to || !r->flow_via || !r->ctlflow || !r->flow_ch ||
        !r->iface_ch || !r->iface_item || !r->item_host)
        return false;
    struct pairs p = {.ok = true};
    bool ok = true;
    for (size_t f = 0; f < nf; f++) {
        const struct medsec_model_flow *fl = &m->flows[f];
        r->flow_from[f] = find(r, MEDSEC_MK_ITEM, fl->from);
        r->flow_to[f] = find(r, MEDSEC_MK_ITEM, fl->to);
        r->flow_via[f] = find(r, MEDSEC_MK_INTERFACE, fl->via);
        r->ctlflow[f] = is_control_purpose(fl->purpose);
        r->flow_ch[f] = medsec_model_flow_channel(m, fl, NULL);
    }
    for (size_t i = 0; i < nn; i++) {
        r->iface_ch[i] = medsec_model_interface_channel(&m->interfaces[i], NULL);
        r->iface_item[i] = find(r, MEDSEC_MK_ITEM, m->interfaces[i].item);
    }
    for (size_t i = 0; i < ni; i++)
        r->item_host[i] = find(r, MEDSEC_MK_ITEM, m->items[i].runs_on);
    for (size_t f = 0; f < nf; f++)
        push(&p, r->flow_from[f], f);
    ok = ok && take(&r->out, ni, &p, false);
    for (size_t f = 0; f < nf; f++)
        push(&p, r->flow_to[f], f);
    ok = ok && take(&r->in, ni, &p, false);
    for (size_t i = 0; i < ni; i++)
        push(&p, r->item_host[i], i);
    ok = ok && take(&r->hosted, ni, &p, false);
    for (size_t f = 0; f < nf; f++)
        push(&p, r->flow_via[f], f);
    ok = ok && take(&r->via, nn, &p, false);
    for (size_t i = 0; i < nn; i++)
        push(&p, r->iface_item[i], i);
    ok = ok && take(&r->exposes, ni, &p, false);
    /* assets: carried by flows, and held by items (stored there, or on a flow they send or get) */
    for (size_t a = 0; a < r->nassets; a++)
        for (size_t k = 0; k < m->assets[a].carried_by.n; k++)
            push(&p, find(r, MEDSEC_MK_FLOW, m->assets[a].carried_by.v[k]), a);
    ok = ok && take(&r->flow_assets, nf, &p, true);
    for (size_t a = 0; a < r->nassets && ok; a++) {
        for (size_t k = 0; k < m->assets[a].stored_in.n; k++)
            push(&p, find(r, MEDSEC_MK_ITEM, m->assets[a].stored_in.v[k]), a);
        for (size_t k = 0; k < m->assets[a].carried_by.n; k++) {
            size_t f = find(r, MEDSEC_MK_FLOW, m->assets[a].carried_by.v[k]);
            if (f != REACH_NONE) {
                push(&p, r->flow_from[f], a);
                push(&p, r->flow_to[f], a);
            }
        }
    }
    ok = ok && take(&r->item_assets, ni, &p, true);
    medsec_free(p.v);
    return ok;
}

/* ---- accumulating a reach ------------------------------------------------------------------ */

size_t reach_hazard_words(const struct reach *r)
{
    return r->hwords;
}

void reach_begin(struct reach *r, struct reach_result *res)
{
    memset(res, 0, sizeof *res);
    res->initial.harm = res->residual.harm = -1;
    res->initial.ctl = res->residual.ctl = REACH_NONE;
    res->residual.residual = true;
    memset(r->scratch, 0, r->hwords * sizeof *r->scratch);
    res->hazards = r->scratch;
}

static void or_hazards(unsigned long long *dst, const unsigned long long *src, size_t words)
{
    for (size_t w = 0; w < words; w++)
        dst[w] |= src[w];
}

static void set_hazards(const struct reach *r, unsigned long long *dst, size_t asset,
                        enum medsec_property p)
{
    CSR_EACH(r->hz, asset * MEDSEC_PROP_COUNT + p, h)
    dst[h / 64] |= 1ull << (h % 64);
}

/* Fold one (asset, property) at @at into an initial and a residual best; @compromised is the item
 * in the attacker's hands whose own by-design controls no longer hold (REACH_NONE: none). */
static void fold(const struct reach *r, struct best *init, struct best *res, size_t a,
                 enum medsec_property p, size_t at, size_t compromised)
{
    int h = r->harm[a][p];
    if (h < 0)
        return;
    if (h > init->harm)
        *init = (struct best){h, a, p, at, REACH_NONE, h};
    struct best lo =
        compromised == REACH_NONE ? r->lowered[a][p] : lowered_at(r, a, p, compromised);
    if (lo.harm > res->harm)
        *res = (struct best){lo.harm, a, p, at, lo.ctl, h};
}

static void to_hit(struct reach_hit *hit, const struct best *b, enum reach_how how, size_t from,
                   bool residual)
{
    hit->harm = b->harm;
    hit->asset = b->asset;
    hit->prop = b->prop;
    hit->how = how;
    hit->from = from;
    hit->residual = residual;
    hit->ctl = b->ctl;
    hit->before = b->before;
}

/* Merge a closure's bests into @res. */
static void merge(struct reach_result *res, const struct best *init, const struct best *resid,
                  enum reach_how how, size_t from)
{
    if (init->harm > res->initial.harm)
        to_hit(&res->initial, init, how, from, false);
    if (resid->harm > res->residual.harm)
        to_hit(&res->residual, resid, how, from, true);
}

static void add_asset(struct reach *r, struct reach_result *res, size_t a, unsigned props,
                      reach_allow_fn allow, const void *ud, size_t compromised)
{
    res->any = true;
    for (int p = 0; p < MEDSEC_PROP_COUNT; p++) {
        if (!((props >> p) & 1u) ||
            (allow && !allow(ud, &r->m->assets[a], (enum medsec_property)p)))
            continue;
        struct best init = {-1, 0, 0, REACH_NONE, REACH_NONE, -1}, rs = init;
        fold(r, &init, &rs, a, (enum medsec_property)p, REACH_NONE, compromised);
        merge(res, &init, &rs, REACH_AT_ELEMENT, REACH_NONE);
        if (r->harm[a][p] >= 0)
            set_hazards(r, res->hazards, a, (enum medsec_property)p);
    }
}

void reach_add_asset(struct reach *r, struct reach_result *res, size_t asset, unsigned props)
{
    add_asset(r, res, asset, props, NULL, NULL, REACH_NONE);
}

void reach_add_item(struct reach *r, struct reach_result *res, size_t item, unsigned props,
                    bool compromised, reach_allow_fn allow, const void *ud)
{
    CSR_EACH(r->item_assets, item, a)
    add_asset(r, res, a, props, allow, ud, compromised ? item : REACH_NONE);
}

void reach_add_flow(struct reach *r, struct reach_result *res, size_t flow, unsigned props)
{
    CSR_EACH(r->flow_assets, flow, a)
    add_asset(r, res, a, props, NULL, NULL, REACH_NONE);
}

void reach_add_interface(struct reach *r, struct reach_result *res, size_t iface, unsigned props,
                         bool inbound)
{
    bool flows = false;
    CSR_EACH(r->via, iface, f)
    {
        flows = true;
        /* what an attacker sends through the interface goes to its item */
        if (!inbound || r->flow_to[f] == r->iface_item[iface])
            reach_add_flow(r, res, f, props);
    }
    if (!flows && r->iface_item[iface] != REACH_NONE)
        reach_add_item(r, res, r->iface_item[iface], props, false, NULL, NULL);
    else if (flows && !res->any && r->iface_item[iface] != REACH_NONE &&
             reach_known(r, MEDSEC_MK_INTERFACE, iface))
        res->any = true; /* known, but nothing inbound carries an asset */
}

/* Each item runs on at most one host, so walking down from root meets an item twice only where
 * runs_on closes a cycle back through root (validate refuses one; a model built by a program may
 * still hold it): the walk stops there. */
static void add_availability_hosted(struct reach *r, struct reach_result *res, size_t item,
                                    size_t root)
{
    CSR_EACH(r->hosted, item, c)
    {
        if (c == item || c == root)
            continue;
        reach_add_item(r, res, c, REACH_A, false, NULL, NULL);
        add_availability_hosted(r, res, c, root);
    }
}

void reach_add_availability_hosted(struct reach *r, struct reach_result *res, size_t item)
{
    add_availability_hosted(r, res, item, item);
}

void reach_add_commanded(struct reach *r, struct reach_result *res, size_t item)
{
    if (item == REACH_NONE)
        return;
    res->any = res->any || r->cmd_any[item];
    merge(res, &r->cmd_init[item], &r->cmd_res[item], REACH_COMMANDED, item);
    or_hazards(res->hazards, r->scc_hz + r->scc[item] * r->hwords, r->hwords);
}

void reach_add_compromised(struct reach *r, struct reach_result *res, size_t item)
{
    if (item == REACH_NONE)
        return;
    res->any = res->any || r->comp_any[item];
    merge(res, &r->comp_init[item], &r->comp_res[item], REACH_COMPROMISED, item);
    or_hazards(res->hazards, r->comp_hz + item * r->hwords, r->hwords);
}

void reach_add_controlled(struct reach *r, struct reach_result *res, size_t item)
{
    CSR_EACH(r->out, item, f)
    if (r->ctlflow[f])
        reach_add_commanded(r, res, r->flow_to[f]);
    CSR_EACH(r->hosted, item, c)
    if (c != item)
        reach_add_compromised(r, res, c);
}

void reach_add_sent(struct reach *r, struct reach_result *res, size_t item)
{
    CSR_EACH(r->out, item, f)
    {
        reach_add_flow(r, res, f, REACH_I);
        if (r->ctlflow[f])
            reach_add_commanded(r, res, r->flow_to[f]);
    }
}

/* ---- the command closure: strongly connected components, sinks first ------------------------ */

/* The best of an item's own assets for the properties in @props, and their hazards into @hz;
 * @compromised: the item is in the attacker's hands (its own by-design controls do not hold). */
static void own(const struct reach *r, size_t item, unsigned props, bool compromised,
                struct best *init, struct best *res, unsigned long long *hz, bool *any)
{
    CSR_EACH(r->item_assets, item, a)
    {
        *any = true;
        for (int p = 0; p < MEDSEC_PROP_COUNT; p++)
            if ((props >> p) & 1u) {
                fold(r, init, res, a, (enum medsec_property)p, item,
                     compromised ? item : REACH_NONE);
                if (r->harm[a][p] >= 0 && hz)
                    set_hazards(r, hz, a, (enum medsec_property)p);
            }
    }
}

static const struct best NOBEST = {-1, 0, 0, REACH_NONE, REACH_NONE, -1};

/* Within component @c (members @mem[0..n)), point every member at the way to @src: @src itself
 * goes on with flow @last (@stop: the hit is what @last carries); the others follow control flows
 * inside the component towards it (a breadth-first walk backwards). */
static void point(struct reach *r, size_t *next, bool *stop, const size_t *mem, size_t n, size_t c,
                  size_t src, size_t last, bool last_stops, size_t *queue, bool *seen)
{
    for (size_t i = 0; i < n; i++)
        seen[mem[i]] = false;
    size_t head = 0, tail = 0;
    queue[tail++] = src;
    seen[src] = true;
    next[src] = last;
    stop[src] = last_stops;
    while (head < tail) {
        size_t y = queue[head++];
        CSR_EACH(r->in, y, f)
        {
            size_t x = r->flow_from[f];
            if (!r->ctlflow[f] || x == REACH_NONE || r->scc[x] != c || seen[x])
                continue;
            seen[x] = true;
            next[x] = f;
            stop[x] = false;
            queue[tail++] = x;
        }
    }
}

/* One component found. What commanding a member reaches: the integrity and availability of what
 * each control flow it sends carries, and what commanding the flow's destination reaches. */
static void settle(struct reach *r, const size_t *mem, size_t n, size_t c, size_t *queue,
                   bool *seen)
{
    struct best bi = NOBEST, br = NOBEST;
    size_t si = mem[0], sr = mem[0], li = REACH_NONE, lr = REACH_NONE;
    bool stop_i = false, stop_r = false, any = false;
    unsigned long long *hz = r->scc_hz + c * r->hwords;
    for (size_t k = 0; k < n; k++) {
        size_t x = mem[k];
        CSR_EACH(r->out, x, f)
        {
            size_t y = r->flow_to[f];
            if (!r->ctlflow[f] || y == REACH_NONE)
                continue;
            CSR_EACH(r->flow_assets, f, a)
            {
                any = true;
                for (int p = MEDSEC_PROP_INTEGRITY; p <= MEDSEC_PROP_AVAILABILITY; p++) {
                    struct best oi = NOBEST, orr = NOBEST;
                    fold(r, &oi, &orr, a, (enum medsec_property)p, f, REACH_NONE);
                    if (r->harm[a][p] >= 0)
                        set_hazards(r, hz, a, (enum medsec_property)p);
                    if (oi.harm > bi.harm)
                        bi = oi, si = x, li = f, stop_i = true;
                    if (orr.harm > br.harm)
                        br = orr, sr = x, lr = f, stop_r = true;
                }
            }
            if (r->scc[y] == c)
                continue;
            any = any || r->cmd_any[y];
            or_hazards(hz, r->scc_hz + r->scc[y] * r->hwords, r->hwords);
            if (r->cmd_init[y].harm > bi.harm)
                bi = r->cmd_init[y], si = x, li = f, stop_i = false;
            if (r->cmd_res[y].harm > br.harm)
                br = r->cmd_res[y], sr = x, lr = f, stop_r = false;
        }
    }
    for (size_t k = 0; k < n; k++) {
        r->cmd_init[mem[k]] = bi;
        r->cmd_res[mem[k]] = br;
        r->cmd_any[mem[k]] = any;
        r->cmd_next_init[mem[k]] = r->cmd_next_res[mem[k]] = REACH_NONE;
    }
    if (bi.harm >= 0)
        point(r, r->cmd_next_init, r->cmd_stop_init, mem, n, c, si, li, stop_i, queue, seen);
    if (br.harm >= 0)
        point(r, r->cmd_next_res, r->cmd_stop_res, mem, n, c, sr, lr, stop_r, queue, seen);
}

/* Tarjan's algorithm without recursion over the control flows between items. */
static bool command_closure(struct reach *r)
{
    size_t ni = r->nitems;
    size_t *index = medsec_calloc(ni + 1, sizeof *index), *low = medsec_calloc(ni + 1, sizeof *low),
           *stack = medsec_calloc(ni + 1, sizeof *stack),
           *call = medsec_calloc(ni + 1, sizeof *call), *edge = medsec_calloc(ni + 1, sizeof *edge),
           *queue = medsec_calloc(ni + 1, sizeof *queue);
    bool *on = medsec_calloc(ni + 1, sizeof *on), *seen = medsec_calloc(ni + 1, sizeof *seen);
    bool ok = index && low && stack && call && edge && queue && on && seen;
    size_t next_index = 1, sp = 0, nscc = 0;
    for (size_t root = 0; ok && root < ni; root++) {
        if (index[root])
            continue;
        size_t cp = 0;
        call[cp++] = root;
        index[root] = low[root] = next_index++;
        stack[sp++] = root;
        on[root] = true;
        edge[root] = r->out.off[root];
        while (cp) {
            size_t v = call[cp - 1];
            if (edge[v] < r->out.off[v + 1]) {
                size_t f = r->out.v[edge[v]++];
                size_t w = r->flow_to[f];
                if (!r->ctlflow[f] || w == REACH_NONE)
                    continue;
                if (!index[w]) {
                    index[w] = low[w] = next_index++;
                    stack[sp++] = w;
                    on[w] = true;
                    edge[w] = r->out.off[w];
                    call[cp++] = w;
                } else if (on[w] && index[w] < low[v]) {
                    low[v] = index[w];
                }
                continue;
            }
            cp--;
            if (cp && low[v] < low[call[cp - 1]])
                low[call[cp - 1]] = low[v];
            if (low[v] != index[v])
                continue;
            size_t start = sp;
            do
                start--;
            while (stack[start] != v);
            for (size_t k = start; k < sp; k++) {
                on[stack[k]] = false;
                r->scc[stack[k]] = nscc;
            }
            settle(r, stack + start, sp - start, nscc, queue, seen);
            nscc++;
            sp = start;
        }
    }
    medsec_free(index);
    medsec_free(low);
    medsec_free(stack);
    medsec_free(call);
    medsec_free(edge);
    medsec_free(queue);
    medsec_free(on);
    medsec_free(seen);
    return ok;
}

/* The compromise closure of every item: its own assets (all three properties), what it commands,
 * and the compromise of the items that run on it (children first; a cycle of runs_on, which
 * validate reports, is cut where it closes). */
static bool compromise_closure(struct reach *r)
{
    size_t ni = r->nitems;
    unsigned char *state = medsec_calloc(ni + 1, 1);
    size_t *stack = medsec_calloc(ni + 1, sizeof *stack), *pos = medsec_calloc(ni + 1, sizeof *pos);
    if (!state || !stack || !pos) {
        medsec_free(state);
        medsec_free(stack);
        medsec_free(pos);
        return false;
    }
    for (size_t root = 0; root < ni; root++) {
        if (state[root])
            continue;
        size_t sp = 0;
        stack[sp++] = root;
        state[root] = 1;
        pos[root] = r->hosted.off[root];
        while (sp) {
            size_t x = stack[sp - 1];
            if (pos[x] < r->hosted.off[x + 1]) {
                size_t c = r->hosted.v[pos[x]++];
                if (!state[c]) {
                    state[c] = 1;
                    pos[c] = r->hosted.off[c];
                    stack[sp++] = c;
                }
                continue;
            }
            sp--;
            state[x] = 2;
            struct best bi = NOBEST, br = NOBEST;
            bool any = false;
            unsigned long long *hz = r->comp_hz + x * r->hwords;
            own(r, x, REACH_ALL, true, &bi, &br, hz, &any);
            enum step si = STEP_OWN, sr = STEP_OWN;
            size_t ri = REACH_NONE, rr = REACH_NONE;
            /* what it commands */
            any = any || r->cmd_any[x];
            or_hazards(hz, r->scc_hz + r->scc[x] * r->hwords, r->hwords);
            if (r->cmd_init[x].harm > bi.harm)
                bi = r->cmd_init[x], si = STEP_FLOW;
            if (r->cmd_res[x].harm > br.harm)
                br = r->cmd_res[x], sr = STEP_FLOW;
            CSR_EACH(r->hosted, x, c)
            {
                if (state[c] != 2 || c == x)
                    continue;
                any = any || r->comp_any[c];
                or_hazards(hz, r->comp_hz + c * r->hwords, r->hwords);
                if (r->comp_init[c].harm > bi.harm)
                    bi = r->comp_init[c], si = STEP_HOSTED, ri = c;
                if (r->comp_res[c].harm > br.harm)
                    br = r->comp_res[c], sr = STEP_HOSTED, rr = c;
            }
            r->comp_init[x] = bi;
            r->comp_res[x] = br;
            r->comp_step_init[x] = si;
            r->comp_step_res[x] = sr;
            r->comp_ref_init[x] = ri;
            r->comp_ref_res[x] = rr;
            r->comp_any[x] = any;
        }
    }
    medsec_free(state);
    medsec_free(stack);
    medsec_free(pos);
    return true;
}

/* ---- exploitability ------------------------------------------------------------------------ */

int reach_level_of(const struct reach *r, enum medsec_access a)
{
    return (unsigned)a < MEDSEC_ACCESS_COUNT ? r->level_of[a] : r->level_of[0];
}

/* The least exposed position a channel allows: a radio needs range, a bus a cable, and so on. */
static enum medsec_access channel_floor(enum medsec_channel c)
{
    switch (c) {
    case MEDSEC_CHANNEL_NETWORK: return MEDSEC_ACCESS_REMOTE;
    case MEDSEC_CHANNEL_WIRELESS: return MEDSEC_ACCESS_ADJACENT;
    case MEDSEC_CHANNEL_IPC: return MEDSEC_ACCESS_LOCAL;
    case MEDSEC_CHANNEL_ONBOARD_BUS: return MEDSEC_ACCESS_INTERNAL;
    default: return MEDSEC_ACCESS_PHYSICAL; /* field bus, local UI, media, people */
    }
}

static enum medsec_access less_exposed(enum medsec_access a, enum medsec_access b)
{
    return a > b ? a : b;
}

static enum medsec_access zone_access(const struct reach *r, const char *zone)
{
    size_t z = find(r, MEDSEC_MK_ZONE, zone);
    return z == REACH_NONE ? MEDSEC_ACCESS_REMOTE : medsec_model_zone_access(&r->m->zones[z]);
}

static enum medsec_access item_zone_access(const struct reach *r, size_t item)
{
    return item == REACH_NONE ? MEDSEC_ACCESS_REMOTE : zone_access(r, r->m->items[item].zone);
}

/* Where an attacker must be to use interface @i: in the zone it is reached from, no closer than
 * its medium needs; a port disabled in production needs the device opened. */
static enum medsec_access iface_position(const struct reach *r, size_t i, enum medsec_channel ch)
{
    const struct medsec_model_interface *it = &r->m->interfaces[i];
    if (it->disabled_in_production == 1)
        return MEDSEC_ACCESS_INTERNAL;
    enum medsec_access a =
        it->zone ? zone_access(r, it->zone) : item_zone_access(r, r->iface_item[i]);
    return less_exposed(a, channel_floor(ch));
}

/* Where an attacker must be to act on flow @f: at its interface, else in the more exposed of its
 * endpoints' zones; never closer than its medium needs. */
static enum medsec_access flow_position(const struct reach *r, size_t f)
{
    if (r->flow_via[f] != REACH_NONE)
        return iface_position(r, r->flow_via[f], r->flow_ch[f]);
    enum medsec_access a = item_zone_access(r, r->flow_from[f]),
                       b = item_zone_access(r, r->flow_to[f]);
    return less_exposed(a < b ? a : b, channel_floor(r->flow_ch[f]));
}

static void set_levels(struct reach *r)
{
    const struct medsec_risk_config *c = &r->reg->config;
    const struct medsec_model_risk_matrix *mx = &r->m->risk_matrix;
    int n = (int)c->nexploitability;
    bool stated = false;
    for (int a = 0; a < MEDSEC_ACCESS_COUNT; a++) {
        /* unstated: spread the positions evenly, the most exposed at the top */
        int v = (int)(((MEDSEC_ACCESS_COUNT - 1 - a) * (n - 1) * 2 + (MEDSEC_ACCESS_COUNT - 1)) /
                      (2 * (MEDSEC_ACCESS_COUNT - 1)));
        r->level_of[a] = v;
    }
    int found[MEDSEC_ACCESS_COUNT];
    for (int a = 0; a < MEDSEC_ACCESS_COUNT; a++)
        found[a] = -1;
    for (size_t l = 0; l < mx->nexploitability; l++)
        for (size_t k = 0; k < mx->exploitability[l].access.n; k++) {
            int a = mx->exploitability[l].access.v[k];
            for (int i = 0; i < n && a >= 0 && a < MEDSEC_ACCESS_COUNT; i++)
                if (!strcmp(c->exploitability[i], mx->exploitability[l].id) && i > found[a])
                    found[a] = i, stated = true;
        }
    if (!stated)
        return;
    /* a position the file leaves out takes the level of the next more exposed one it states */
    int last = n - 1;
    for (int a = 0; a < MEDSEC_ACCESS_COUNT; a++) {
        if (found[a] >= 0)
            last = found[a];
        r->level_of[a] = last;
    }
}

/* Item levels: the most exposed way in (its zone, an interface that exposes it, a flow it gets),
 * then one level less for every item an attacker must compromise first on the way (a flow from
 * it, the item it runs on, or one that runs on it); a bucket queue over the few levels. */
static bool item_levels(struct reach *r)
{
    size_t ni = r->nitems;
    int n = (int)r->reg->config.nexploitability;
    r->item_level = medsec_calloc(ni + 1, sizeof *r->item_level);
    size_t *bucket[MEDSEC_RISK_MAX_LEVELS] = {0}, nb[MEDSEC_RISK_MAX_LEVELS] = {0},
           cb[MEDSEC_RISK_MAX_LEVELS] = {0};
    if (!r->item_level)
        return false;
    bool ok = true;
    for (size_t x = 0; x < ni; x++) {
        int best = reach_level_of(r, item_zone_access(r, x));
        CSR_EACH(r->exposes, x, i)
        {
            int l = reach_level_of(r, iface_position(r, i, r->iface_ch[i]));
            best = l > best ? l : best;
        }
        CSR_EACH(r->in, x, f)
        {
            int l = reach_level_of(r, flow_position(r, f));
            best = l > best ? l : best;
        }
        r->item_level[x] = best;
        if (MEDSEC_ARRAY_GROW(bucket[best], nb[best], cb[best])) {
            ok = false;
            break;
        }
        bucket[best][nb[best]++] = x;
    }
    for (int l = n - 1; ok && l > 0; l--) {
        for (size_t k = 0; ok && k < nb[l]; k++) {
            size_t x = bucket[l][k];
            if (r->item_level[x] != l)
                continue;
            /* the items an attacker in control of x can act on next, one level down */
            size_t nout = r->out.off[x + 1] - r->out.off[x],
                   nhosted = r->hosted.off[x + 1] - r->hosted.off[x];
            size_t total = nout + nhosted + (r->item_host[x] != REACH_NONE);
            for (size_t e = 0; ok && e < total; e++) {
                size_t y = e < nout             ? r->flow_to[r->out.v[r->out.off[x] + e]]
                           : e < nout + nhosted ? r->hosted.v[r->hosted.off[x] + e - nout]
                                                : r->item_host[x];
                if (y == REACH_NONE || r->item_level[y] >= l - 1)
                    continue;
                r->item_level[y] = l - 1;
                if (MEDSEC_ARRAY_GROW(bucket[l - 1], nb[l - 1], cb[l - 1]))
                    ok = false;
                else
                    bucket[l - 1][nb[l - 1]++] = y;
            }
        }
    }
    for (int l = 0; l < MEDSEC_RISK_MAX_LEVELS; l++)
        medsec_free(bucket[l]);
    return ok;
}

/* The largest credited exploitability reduction of the controls in @v[0..n) that address
 * tampering or elevation (what compromising an item takes); @e2e: only those that hold when the
 * sender is compromised. */
static int compromise_reduction(const struct reach *r, const size_t *v, size_t n, int red, bool e2e)
{
    for (size_t i = 0; i < n; i++) {
        const struct medsec_model_control *c = &r->m->controls[v[i]];
        if (e2e && c->end_to_end != 1)
            continue;
        bool cats = !c->stride.n || medsec_codelist_has(&c->stride, MEDSEC_STRIDE_TAMPERING) ||
                    medsec_codelist_has(&c->stride, MEDSEC_STRIDE_ELEVATION_OF_PRIVILEGE);
        int by = c->levels > 0 ? (int)c->levels : 1;
        if (cats && r->credit[v[i]] == REACH_CREDITED &&
            medsec_control_lowers_exploitability(c->lowers) && by > red)
            red = by;
    }
    return red;
}

/* The level at which each item can be compromised once the controls are counted: every direct way
 * in lowered by the controls on it and on the item; a pivot from a neighbour at that neighbour's
 * residual level minus one, lowered by the item's own controls (docs/risk.md, "Exploitability"). */
static bool item_res_levels(struct reach *r)
{
    size_t ni = r->nitems;
    int n = (int)r->reg->config.nexploitability;
    int *own_red = medsec_calloc(ni + 1, sizeof *own_red);
    r->item_res_level = medsec_calloc(ni + 1, sizeof *r->item_res_level);
    size_t *bucket[MEDSEC_RISK_MAX_LEVELS] = {0}, nb[MEDSEC_RISK_MAX_LEVELS] = {0},
           cb[MEDSEC_RISK_MAX_LEVELS] = {0};
    struct reach_entries es = {0};
    bool ok = own_red && r->item_res_level;
    for (size_t x = 0; ok && x < ni; x++) {
        const size_t *tv;
        size_t tn = reach_controls(r, MEDSEC_MK_ITEM, x, &tv);
        own_red[x] = compromise_reduction(r, tv, tn, 0, false);
        int best = 0;
        ok = reach_entries(r, MEDSEC_MK_ITEM, x, REACH_RECEIVING, &es);
        for (size_t k = 0; ok && k < es.n; k++) {
            if (es.v[k].kind == REACH_ENTRY_PIVOT)
                continue;
            const size_t *a, *b;
            size_t na, nb2 = reach_entry_controls(r, &es.v[k], &a, &na, &b);
            int red = compromise_reduction(
                r, b, nb2, compromise_reduction(r, a, na, own_red[x], false), false);
            int l = es.v[k].level - red;
            best = l > best ? l : best;
        }
        r->item_res_level[x] = best;
        if (ok && MEDSEC_ARRAY_GROW(bucket[best], nb[best], cb[best]))
            ok = false;
        else if (ok)
            bucket[best][nb[best]++] = x;
    }
    for (int l = n - 1; ok && l > 0; l--)
        for (size_t k = 0; ok && k < nb[l]; k++) {
            size_t x = bucket[l][k];
            if (r->item_res_level[x] != l)
                continue;
            size_t nout = r->out.off[x + 1] - r->out.off[x],
                   nhosted = r->hosted.off[x + 1] - r->hosted.off[x];
            size_t total = nout + nhosted + (r->item_host[x] != REACH_NONE);
            for (size_t e = 0; ok && e < total; e++) {
                size_t y = e < nout             ? r->flow_to[r->out.v[r->out.off[x] + e]]
                           : e < nout + nhosted ? r->hosted.v[r->hosted.off[x] + e - nout]
                                                : r->item_host[x];
                int red = y == REACH_NONE ? 0 : own_red[y];
                if (e < nout) {
                    /* what the receiver checks end to end on that flow also holds */
                    struct reach_entry pe = {0, 0, REACH_ENTRY_PIVOT, x,
                                             r->out.v[r->out.off[x] + e]};
                    const size_t *a, *b;
                    size_t na, nb2 = reach_entry_controls(r, &pe, &a, &na, &b);
                    red = compromise_reduction(r, b, nb2, compromise_reduction(r, a, na, red, true),
                                               true);
                }
                int v = y == REACH_NONE ? -1 : l - 1 - red;
                if (v < 0 || r->item_res_level[y] >= v)
                    continue;
                r->item_res_level[y] = v;
                if (MEDSEC_ARRAY_GROW(bucket[v], nb[v], cb[v]))
                    ok = false;
                else
                    bucket[v][nb[v]++] = y;
            }
        }
    for (int l = 0; l < MEDSEC_RISK_MAX_LEVELS; l++)
        medsec_free(bucket[l]);
    medsec_free(es.v);
    medsec_free(own_red);
    return ok;
}

static const char *level_name(const struct reach *r, int l)
{
    return medsec_risk_exploitability_name(&r->reg->config, l);
}

int reach_item_level(const struct reach *r, size_t item)
{
    return r->item_level[item];
}

static bool entry(struct reach_entries *out, enum reach_entry_kind kind, size_t index, size_t via,
                  int level)
{
    if (level < 0)
        return true;
    if (MEDSEC_ARRAY_GROW(out->v, out->n, out->cap))
        return false;
    out->v[out->n++] = (struct reach_entry){level, level, kind, index, via};
    return true;
}

/* A pivot through item @p: its level before controls, and after the controls on its own ways in. */
static bool pivot(const struct reach *r, struct reach_entries *out, size_t p, size_t via)
{
    if (!entry(out, REACH_ENTRY_PIVOT, p, via, r->item_level[p] - 1))
        return false;
    if (r->item_level[p] >= 1) {
        int res = r->item_res_level[p] - 1;
        out->v[out->n - 1].level_res = res < 0 ? 0 : res;
    }
    return true;
}

/* The ways in to act on item @x. */
static bool item_entries(const struct reach *r, size_t x, enum reach_mode mode,
                         struct reach_entries *out)
{
    bool ok = true, sending = mode != REACH_RECEIVING;
    if (mode == REACH_COMPROMISED_SENDER) {
        /* it is compromised (its own level) and sends on each of its flows */
        CSR_EACH(r->out, x, f)
        {
            ok = ok && entry(out, REACH_ENTRY_SENDER, x, f, r->item_level[x]);
            if (ok && out->n)
                out->v[out->n - 1].level_res = r->item_res_level[x];
        }
        if (out->n)
            return ok;
    }
    if (sending) {
        /* impersonating it: on the flows it sends */
        CSR_EACH(r->out, x, f)
        ok = ok &&
             entry(out, REACH_ENTRY_FLOW, f, REACH_NONE, reach_level_of(r, flow_position(r, f)));
        if (out->n)
            return ok;
    }
    ok = ok &&
         entry(out, REACH_ENTRY_ZONE, x, REACH_NONE, reach_level_of(r, item_zone_access(r, x)));
    if (sending)
        return ok;
    CSR_EACH(r->exposes, x, i)
    ok = ok && entry(out, REACH_ENTRY_INTERFACE, i, REACH_NONE,
                     reach_level_of(r, iface_position(r, i, r->iface_ch[i])));
    CSR_EACH(r->in, x, f)
    {
        ok = ok &&
             entry(out, REACH_ENTRY_FLOW, f, REACH_NONE, reach_level_of(r, flow_position(r, f)));
        size_t p = r->flow_from[f];
        if (p != REACH_NONE)
            ok = ok && pivot(r, out, p, f);
    }
    if (r->item_host[x] != REACH_NONE)
        ok = ok && pivot(r, out, r->item_host[x], REACH_NONE);
    CSR_EACH(r->hosted, x, c)
    ok = ok && pivot(r, out, c, REACH_NONE);
    return ok;
}

bool reach_entries(const struct reach *r, enum medsec_model_kind kind, size_t index,
                   enum reach_mode mode, struct reach_entries *out)
{
    out->n = 0;
    switch (kind) {
    case MEDSEC_MK_ITEM: return item_entries(r, index, mode, out);
    case MEDSEC_MK_FLOW: {
        size_t p = r->flow_from[index];
        return entry(out, REACH_ENTRY_FLOW, index, REACH_NONE,
                     reach_level_of(r, flow_position(r, index))) &&
               (p == REACH_NONE || pivot(r, out, p, index));
    }
    case MEDSEC_MK_INTERFACE:
        return entry(out, REACH_ENTRY_INTERFACE, index, REACH_NONE,
                     reach_level_of(r, iface_position(r, index, r->iface_ch[index])));
    default: return true;
    }
}

size_t reach_entry_controls(const struct reach *r, const struct reach_entry *e, const size_t **a,
                            size_t *na, const size_t **b)
{
    *na = 0;
    *a = *b = NULL;
    size_t f = e->kind == REACH_ENTRY_FLOW                                     ? e->index
               : e->kind == REACH_ENTRY_PIVOT || e->kind == REACH_ENTRY_SENDER ? e->via
                                                                               : REACH_NONE;
    if (f != REACH_NONE) {
        *na = reach_controls(r, MEDSEC_MK_FLOW, f, a);
        size_t via = r->flow_via[f];
        return via == REACH_NONE ? 0 : reach_controls(r, MEDSEC_MK_INTERFACE, via, b);
    }
    if (e->kind == REACH_ENTRY_INTERFACE)
        *na = reach_controls(r, MEDSEC_MK_INTERFACE, e->index, a);
    return 0;
}

void reach_entry_why(const struct reach *r, const struct reach_entry *e, char *why, size_t cap)
{
    const struct medsec_model *m = r->m;
    const char *ln = level_name(r, e->level);
    switch (e->kind) {
    case REACH_ENTRY_ZONE:
        snprintf(why, cap, "in zone %s: %s access -> %s",
                 m->items[e->index].zone ? m->items[e->index].zone : "?",
                 medsec_access_name(item_zone_access(r, e->index)), ln);
        break;
    case REACH_ENTRY_INTERFACE:
        if (m->interfaces[e->index].disabled_in_production == 1)
            snprintf(why, cap, "interface %s is disabled in production: internal access -> %s",
                     m->interfaces[e->index].id, ln);
        else
            snprintf(why, cap, "over interface %s: %s access -> %s", m->interfaces[e->index].id,
                     medsec_access_name(iface_position(r, e->index, r->iface_ch[e->index])), ln);
        break;
    case REACH_ENTRY_FLOW:
        snprintf(why, cap, "over flow %s (%s): %s access -> %s", m->flows[e->index].id,
                 medsec_channel_name(r->flow_ch[e->index]),
                 medsec_access_name(flow_position(r, e->index)), ln);
        break;
    case REACH_ENTRY_SENDER:
        snprintf(why, cap, "%s compromised (%s), sending on %s -> %s", m->items[e->index].id,
                 medsec_access_name(item_zone_access(r, e->index)), m->flows[e->via].id, ln);
        break;
    case REACH_ENTRY_PIVOT:
        if (e->via != REACH_NONE)
            snprintf(why, cap, "after compromising %s (%s), over %s: one level down -> %s",
                     m->items[e->index].id, level_name(r, r->item_level[e->index]),
                     m->flows[e->via].id, ln);
        else
            snprintf(why, cap,
                     "after compromising %s (%s), which shares its computer: one level down -> %s",
                     m->items[e->index].id, level_name(r, r->item_level[e->index]), ln);
        break;
    }
}

/* ---- paths --------------------------------------------------------------------------------- */

static void append(char *buf, size_t cap, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t cap, size_t *used, const char *fmt, ...)
{
    if (*used + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *used, cap - *used, fmt, ap);
    va_end(ap);
    if (n > 0)
        *used += (size_t)n < cap - *used ? (size_t)n : cap - *used - 1;
}

#define MAX_HOPS 12

/* The commanded chain from @x as "x commands y over f; " steps, up to the flow that carries the
 * hit. */
static void command_steps(const struct reach *r, size_t x, bool residual, char *buf, size_t cap,
                          size_t *used)
{
    const size_t *next = residual ? r->cmd_next_res : r->cmd_next_init;
    const bool *stop = residual ? r->cmd_stop_res : r->cmd_stop_init;
    for (int hop = 0; x != REACH_NONE && next[x] != REACH_NONE; hop++) {
        if (hop == MAX_HOPS) {
            append(buf, cap, used, "... ");
            return;
        }
        size_t f = next[x], y = r->flow_to[f];
        append(buf, cap, used, "%s commands %s over %s; ", r->m->items[x].id, r->m->items[y].id,
               r->m->flows[f].id);
        if (stop[x])
            return;
        x = y;
    }
}

void reach_path(const struct reach *r, const struct reach_hit *hit, char *buf, size_t cap)
{
    size_t used = 0;
    if (!cap)
        return;
    buf[0] = '\0';
    const struct medsec_model *m = r->m;
    size_t x = hit->from;
    if (hit->how == REACH_COMPROMISED) {
        append(buf, cap, &used, "%s compromised; ", m->items[x].id);
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            enum step s = hit->residual ? r->comp_step_res[x] : r->comp_step_init[x];
            size_t ref = hit->residual ? r->comp_ref_res[x] : r->comp_ref_init[x];
            if (s == STEP_HOSTED) {
                append(buf, cap, &used, "%s runs on %s; ", m->items[ref].id, m->items[x].id);
                x = ref;
                continue;
            }
            if (s == STEP_FLOW)
                command_steps(r, x, hit->residual, buf, cap, &used);
            break;
        }
    } else if (hit->how == REACH_COMMANDED) {
        append(buf, cap, &used, "%s commanded; ", m->items[x].id);
        command_steps(r, x, hit->residual, buf, cap, &used);
    }
    append(buf, cap, &used, "%s of %s", medsec_property_name(hit->prop), m->assets[hit->asset].id);
}

/* ---- controls on elements ----------------------------------------------------------------- */

static bool channel_ok(const struct medsec_model_control *c, enum medsec_channel ch)
{
    return !c->channels.n || medsec_codelist_has(&c->channels, (int)ch);
}

/* Which controls act on each item, flow and interface for exploitability: those that name it, its
 * zone (a zone: its items, the interfaces reached from it or on its items, the flows at its items)
 * or, for an item, the item it runs on; on flows and interfaces only for the channels the control
 * names. A control that names an asset protects that asset by design (lowered_at), not the
 * elements that hold it. */
static bool index_controls(struct reach *r)
{
    const struct medsec_model *m = r->m;
    struct pairs pi = {.ok = true}, pf = {.ok = true}, pn = {.ok = true}, tmp = {.ok = true};
    struct csr zone_items = {0}, zone_ifaces = {0};
    size_t nz = m->nzones;
    for (size_t x = 0; x < r->nitems; x++)
        push(&tmp, find(r, MEDSEC_MK_ZONE, m->items[x].zone), x);
    bool ok = take(&zone_items, nz, &tmp, false);
    for (size_t n = 0; n < r->nifaces; n++)
        push(&tmp, find(r, MEDSEC_MK_ZONE, m->interfaces[n].zone), n);
    ok = ok && take(&zone_ifaces, nz, &tmp, false);
    for (size_t k = 0; ok && k < m->ncontrols; k++) {
        const struct medsec_model_control *c = &m->controls[k];
        for (size_t j = 0; j < c->applies_to.n; j++) {
            const char *id = c->applies_to.v[j];
            size_t i;
            if (reach_find(r, MEDSEC_MK_ITEM, id, &i)) {
                push(&pi, i, k);
                CSR_EACH(r->hosted, i, x)
                push(&pi, x, k); /* what runs on it */
            } else if (reach_find(r, MEDSEC_MK_FLOW, id, &i)) {
                if (channel_ok(c, r->flow_ch[i]))
                    push(&pf, i, k);
            } else if (reach_find(r, MEDSEC_MK_INTERFACE, id, &i)) {
                if (channel_ok(c, r->iface_ch[i]))
                    push(&pn, i, k);
            } else if (reach_find(r, MEDSEC_MK_ZONE, id, &i)) {
                CSR_EACH(zone_items, i, x)
                {
                    push(&pi, x, k);
                    CSR_EACH(r->exposes, x, n)
                    if (channel_ok(c, r->iface_ch[n]))
                        push(&pn, n, k);
                    CSR_EACH(r->out, x, f)
                    if (channel_ok(c, r->flow_ch[f]))
                        push(&pf, f, k);
                    CSR_EACH(r->in, x, f)
                    if (channel_ok(c, r->flow_ch[f]))
                        push(&pf, f, k);
                }
                CSR_EACH(zone_ifaces, i, n)
                if (channel_ok(c, r->iface_ch[n]))
                    push(&pn, n, k);
            }
        }
    }
    ok = ok && take(&r->ctl_item, r->nitems, &pi, true) &&
         take(&r->ctl_flow, r->nflows, &pf, true) && take(&r->ctl_iface, r->nifaces, &pn, true);
    medsec_free(pi.v);
    medsec_free(pf.v);
    medsec_free(pn.v);
    medsec_free(tmp.v);
    csr_free(&zone_items);
    csr_free(&zone_ifaces);
    return ok;
}

size_t reach_controls(const struct reach *r, enum medsec_model_kind kind, size_t index,
                      const size_t **v)
{
    const struct csr *c = kind == MEDSEC_MK_ITEM   ? &r->ctl_item
                          : kind == MEDSEC_MK_FLOW ? &r->ctl_flow
                                                   : &r->ctl_iface;
    *v = c->v + c->off[index];
    return c->off[index + 1] - c->off[index];
}

/* ---- construction -------------------------------------------------------------------------- */

static bool index_ids(struct reach *r)
{
    const struct medsec_model *m = r->m;
    static const struct {
        enum medsec_model_kind kind;
        medsec_idmap_key_fn key;
        size_t off;
    } kinds[] = {
        {MEDSEC_MK_ITEM, key_item, offsetof(struct medsec_model, nitems)},
        {MEDSEC_MK_FLOW, key_flow, offsetof(struct medsec_model, nflows)},
        {MEDSEC_MK_INTERFACE, key_iface, offsetof(struct medsec_model, ninterfaces)},
        {MEDSEC_MK_ZONE, key_zone, offsetof(struct medsec_model, nzones)},
        {MEDSEC_MK_ASSET, key_asset, offsetof(struct medsec_model, nassets)},
        {MEDSEC_MK_HAZARD, key_hazard, offsetof(struct medsec_model, nhazards)},
        {MEDSEC_MK_CONTROL, key_control, offsetof(struct medsec_model, ncontrols)},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        struct medsec_idmap *map = &r->ids[kinds[k].kind];
        medsec_idmap_init(map, kinds[k].key, m);
        size_t n = *(const size_t *)((const char *)m + kinds[k].off);
        for (size_t i = 0; i < n; i++) {
            size_t dup;
            if (medsec_idmap_find(map, kinds[k].key(m, i), &dup))
                continue; /* a duplicate id is an error the loader reported; the first wins */
            if (medsec_idmap_add(map, i))
                return false;
        }
    }
    return true;
}

struct reach *reach_new(const struct medsec_model *m, const struct medsec_risk_register *reg)
{
    struct reach *r = medsec_calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->m = m;
    r->reg = reg;
    r->nitems = m->nitems;
    r->nflows = m->nflows;
    r->nifaces = m->ninterfaces;
    r->nassets = m->nassets;
    r->nhazards = m->nhazards;
    r->hwords = (m->nhazards + 63) / 64;
    size_t ni = m->nitems + 1, hw = r->hwords ? r->hwords : 1;
    bool ok = index_ids(r) && credit_controls(r) && index_assets(r) && index_graph(r);
    if (ok) {
        r->scratch = medsec_calloc(hw, sizeof *r->scratch);
        r->cmd_init = medsec_calloc(ni, sizeof *r->cmd_init);
        r->cmd_res = medsec_calloc(ni, sizeof *r->cmd_res);
        r->cmd_next_init = medsec_calloc(ni, sizeof *r->cmd_next_init);
        r->cmd_next_res = medsec_calloc(ni, sizeof *r->cmd_next_res);
        r->cmd_any = medsec_calloc(ni, sizeof *r->cmd_any);
        r->cmd_stop_init = medsec_calloc(ni, sizeof *r->cmd_stop_init);
        r->cmd_stop_res = medsec_calloc(ni, sizeof *r->cmd_stop_res);
        r->scc = medsec_calloc(ni, sizeof *r->scc);
        r->scc_hz = medsec_calloc(ni * hw, sizeof *r->scc_hz);
        r->comp_init = medsec_calloc(ni, sizeof *r->comp_init);
        r->comp_res = medsec_calloc(ni, sizeof *r->comp_res);
        r->comp_step_init = medsec_calloc(ni, sizeof *r->comp_step_init);
        r->comp_step_res = medsec_calloc(ni, sizeof *r->comp_step_res);
        r->comp_ref_init = medsec_calloc(ni, sizeof *r->comp_ref_init);
        r->comp_ref_res = medsec_calloc(ni, sizeof *r->comp_ref_res);
        r->comp_any = medsec_calloc(ni, sizeof *r->comp_any);
        r->comp_hz = medsec_calloc(ni * hw, sizeof *r->comp_hz);
        ok = r->scratch && r->cmd_init && r->cmd_res && r->cmd_next_init && r->cmd_next_res &&
             r->cmd_stop_init && r->cmd_stop_res && r->cmd_any && r->scc && r->scc_hz &&
             r->comp_init && r->comp_res && r->comp_step_init && r->comp_step_res &&
             r->comp_ref_init && r->comp_ref_res && r->comp_any && r->comp_hz;
    }
    if (ok) {
        set_levels(r);
        ok = command_closure(r) && compromise_closure(r) && item_levels(r) && index_controls(r) &&
             item_res_levels(r);
    }
    if (!ok) {
        reach_free(r);
        return NULL;
    }
    return r;
}

void reach_free(struct reach *r)
{
    if (!r)
        return;
    for (int k = 0; k < MEDSEC_MK_COUNT; k++)
        if (r->ids[k].key)
            medsec_idmap_release(&r->ids[k]);
    for (size_t k = 0; r->evidence && k < r->m->ncontrols; k++)
        medsec_free(r->evidence[k]);
    medsec_free(r->evidence);
    medsec_free(r->credit);
    struct csr *c[] = {&r->out,     &r->in,          &r->hosted,      &r->via,
                       &r->exposes, &r->flow_assets, &r->item_assets, &r->hz,
                       &r->design,  &r->ctl_item,    &r->ctl_flow,    &r->ctl_iface};
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++)
        csr_free(c[k]);
    void *v[] = {
        r->flow_from, r->flow_to,        r->flow_via,      r->item_host,      r->iface_item,
        r->ctlflow,   r->flow_ch,        r->iface_ch,      r->harm,           r->lowered,
        r->cmd_init,  r->cmd_res,        r->cmd_next_init, r->cmd_next_res,   r->cmd_any,
        r->scc,       r->cmd_stop_init,  r->cmd_stop_res,  r->scc_hz,         r->comp_init,
        r->comp_res,  r->comp_step_init, r->comp_step_res, r->comp_ref_init,  r->comp_ref_res,
        r->comp_any,  r->comp_hz,        r->item_level,    r->item_res_level, r->scratch};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
        medsec_free(v[k]);
    medsec_free(r);
}

/* ---- exposure: where what an item processes comes from (docs/triage.md, "Suggestions") ------- */

const char *reach_item_id(const struct reach *r, size_t item)
{
    return item < r->nitems ? r->m->items[item].id : "?";
}

/* One way in found by the exposure walk. */
struct way {
    enum medsec_access pos;
    size_t flow, iface, relay, hosted;
    bool auth;
};

static bool flow_has_asset(const struct reach *r, size_t f, size_t a)
{
    CSR_EACH(r->flow_assets, f, b)
    if (b == a)
        return true;
    return false;
}

/* Does flow @g carry an asset that flow @f carries (so what @g brings may be passed on on @f)? */
static bool passes_on(const struct reach *r, size_t g, size_t f)
{
    CSR_EACH(r->flow_assets, f, a)
    if (flow_has_asset(r, g, a))
        return true;
    return false;
}

static bool flow_authenticated(const struct reach *r, size_t f)
{
    if (r->m->flows[f].authenticated == 1)
        return true;
    return r->flow_via[f] != REACH_NONE && r->m->interfaces[r->flow_via[f]].authenticated == 1;
}

static void way_text(const struct reach *r, const struct way *w, size_t item, char *buf, size_t cap)
{
    const struct medsec_model *m = r->m;
    size_t used = 0;
    buf[0] = '\0';
    if (w->flow != REACH_NONE) {
        append(buf, cap, &used, "over flow %s (%s", m->flows[w->flow].id,
               medsec_channel_name(r->flow_ch[w->flow]));
        if (r->flow_via[w->flow] != REACH_NONE)
            append(buf, cap, &used, ", interface %s", m->interfaces[r->flow_via[w->flow]].id);
        append(buf, cap, &used, ") from %s", reach_item_id(r, r->flow_from[w->flow]));
        if (w->relay != REACH_NONE)
            append(buf, cap, &used, ", passed on by %s", reach_item_id(r, w->relay));
    } else if (w->iface != REACH_NONE) {
        append(buf, cap, &used, "over interface %s (%s)", m->interfaces[w->iface].id,
               medsec_channel_name(r->iface_ch[w->iface]));
    } else {
        append(buf, cap, &used, "from inside zone %s",
               m->items[w->hosted != REACH_NONE ? w->hosted : item].zone
                   ? m->items[w->hosted != REACH_NONE ? w->hosted : item].zone
                   : "(none)");
    }
    if (w->hosted != REACH_NONE)
        append(buf, cap, &used, " to %s, which runs on %s", reach_item_id(r, w->hosted),
               reach_item_id(r, item));
    append(buf, cap, &used, ": %s access", medsec_access_name(w->pos));
}

bool reach_item_exposure(const struct reach *r, size_t item, enum medsec_access within,
                         bool relayed, struct reach_exposure *out, char *why, size_t cap)
{
    bool ok = false;
    memset(out, 0, sizeof *out);
    out->position = MEDSEC_ACCESS_COUNT;
    out->flow = out->iface = out->relay = out->hosted = REACH_NONE;
    out->authenticated = true;
    if (cap)
        why[0] = '\0';
    if (item >= r->nitems)
        return true;
    size_t nf = r->nflows, ni = r->nitems;
    /* the items whose input @item handles: itself and what runs on it, transitively */
    size_t *targets = medsec_malloc((ni + 1) * sizeof *targets);
    size_t *relay = medsec_malloc((nf + 1) * sizeof *relay); /* per flow: REACH_NONE unseen */
    size_t *host = medsec_malloc((nf + 1) * sizeof *host);
    size_t *queue = medsec_malloc((nf + 1) * sizeof *queue);
    bool *seen_item = medsec_calloc(ni + 1, sizeof *seen_item);
    bool *seen_flow = medsec_calloc(nf + 1, sizeof *seen_flow);
    if (!targets || !relay || !host || !queue || !seen_item || !seen_flow)
        goto out;
    size_t nt = 0, head = 0, tail = 0;
    targets[nt++] = item;
    seen_item[item] = true;
    for (size_t t = 0; t < nt; t++)
        CSR_EACH(r->hosted, targets[t], c)
    if (!seen_item[c]) {
        seen_item[c] = true;
        targets[nt++] = c;
    }
    struct way best = {MEDSEC_ACCESS_COUNT, REACH_NONE, REACH_NONE, REACH_NONE, REACH_NONE, false};
    /* a way in: keep the most exposed; judge authentication within @within */
#define CONSIDER(W)                                                                                \
    do {                                                                                           \
        struct way w_ = (W);                                                                       \
        if (w_.pos < best.pos || (w_.pos == best.pos && best.auth && !w_.auth))                    \
            best = w_;                                                                             \
        if (w_.pos <= within) {                                                                    \
            out->any_within = true;                                                                \
            if (!w_.auth && out->authenticated) {                                                  \
                out->authenticated = false;                                                        \
                way_text(r, &w_, item, out->open_why, sizeof out->open_why);                       \
            }                                                                                      \
        }                                                                                          \
    } while (0)
    for (size_t t = 0; t < nt; t++) {
        size_t x = targets[t], hosted = x == item ? REACH_NONE : x;
        CONSIDER(((struct way){item_zone_access(r, x), REACH_NONE, REACH_NONE, REACH_NONE, hosted,
                               false}));
        CSR_EACH(r->exposes, x, i)
        CONSIDER(((struct way){iface_position(r, i, r->iface_ch[i]), REACH_NONE, i, REACH_NONE,
                               hosted, r->m->interfaces[i].authenticated == 1}));
        CSR_EACH(r->in, x, f)
        if (!seen_flow[f]) {
            seen_flow[f] = true;
            relay[f] = REACH_NONE;
            host[f] = hosted;
            queue[tail++] = f;
        }
    }
    while (head < tail) {
        size_t f = queue[head++];
        CONSIDER(((struct way){flow_position(r, f), f, REACH_NONE, relay[f], host[f],
                               flow_authenticated(r, f)}));
        /* what the sender received and passes on in this flow */
        size_t s = r->flow_from[f];
        if (s == REACH_NONE || !relayed)
            continue;
        CSR_EACH(r->in, s, g)
        if (!seen_flow[g] && passes_on(r, g, f)) {
            seen_flow[g] = true;
            relay[g] = s;
            host[g] = host[f];
            queue[tail++] = g;
        }
    }
#undef CONSIDER
    out->position = best.pos;
    out->flow = best.flow;
    out->iface = best.iface;
    out->relay = best.relay;
    out->hosted = best.hosted;
    if (best.pos < MEDSEC_ACCESS_COUNT && cap)
        way_text(r, &best, item, why, cap);
    ok = true;
out:
    medsec_free(targets);
    medsec_free(relay);
    medsec_free(host);
    medsec_free(queue);
    medsec_free(seen_item);
    medsec_free(seen_flow);
    return ok;
}

static void add_hosted(struct reach *r, struct reach_result *res, size_t item, unsigned props,
                       size_t root)
{
    CSR_EACH(r->hosted, item, c)
    {
        if (c == item || c == root)
            continue;
        reach_add_item(r, res, c, props, true, NULL, NULL);
        add_hosted(r, res, c, props, root);
    }
}

void reach_add_hosted(struct reach *r, struct reach_result *res, size_t item, unsigned props)
{
    add_hosted(r, res, item, props, item);
}
