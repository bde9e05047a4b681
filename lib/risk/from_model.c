/* from_model.c: the security risk register of a loaded security file and its threats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/cvss.h"
#include "medsec/model.h"
#include "medsec/risk.h"
#include "medsec/threat.h"

#define MAX_ITEMS 256

static int cmp_level(const void *a, const void *b)
{
    const struct medsec_model_level *const *x = a, *const *y = b;
    return ((*x)->level > (*y)->level) - ((*x)->level < (*y)->level);
}

static int cmp_harm(const void *a, const void *b)
{
    const struct medsec_model_harm *const *x = a, *const *y = b;
    return ((*x)->level > (*y)->level) - ((*x)->level < (*y)->level);
}

/* Index of exploitability level @id / harm @id in the sorted scales, or -1. */
static int exploit_index(const struct medsec_risk_register *r, const char *id)
{
    for (size_t i = 0; id && i < r->config.nexploitability; i++)
        if (strcmp(r->config.exploitability[i], id) == 0)
            return (int)i;
    return -1;
}

static int harm_index(const struct medsec_risk_register *r, const char *id)
{
    for (size_t i = 0; id && i < r->config.nseverity; i++)
        if (strcmp(r->config.severity[i], id) == 0)
            return (int)i;
    return -1;
}

medsec_err medsec_risk_register_from_model(struct medsec_risk_register *reg,
                                           const struct medsec_model *m, struct medsec_error *err)
{
    const struct medsec_model_risk_matrix *mx = &m->risk_matrix;
    size_t ne = mx->nexploitability, ns = m->clinical.nharm_scale;
    if (!mx->pos.line || !ne || !ns || ne > MEDSEC_RISK_MAX_LEVELS || ns > MEDSEC_RISK_MAX_LEVELS)
        return medsec_error_set(
            err, MEDSEC_EINVAL, m->file, mx->pos.line, mx->pos.column,
            "the security file needs a risk_matrix (1 to %d exploitability levels) and "
            "a clinical harm_scale (1 to %d levels)",
            MEDSEC_RISK_MAX_LEVELS, MEDSEC_RISK_MAX_LEVELS);
    const struct medsec_model_level *lv[MEDSEC_RISK_MAX_LEVELS];
    const struct medsec_model_harm *hv[MEDSEC_RISK_MAX_LEVELS];
    const char *en[MEDSEC_RISK_MAX_LEVELS], *sn[MEDSEC_RISK_MAX_LEVELS];
    for (size_t i = 0; i < ne; i++)
        lv[i] = &mx->exploitability[i];
    for (size_t i = 0; i < ns; i++)
        hv[i] = &m->clinical.harm_scale[i];
    qsort(lv, ne, sizeof *lv, cmp_level);
    qsort(hv, ns, sizeof *hv, cmp_harm);
    for (size_t i = 0; i < ne; i++)
        en[i] = lv[i]->id;
    for (size_t i = 0; i < ns; i++)
        sn[i] = hv[i]->id;
    /* classes: the file's acceptance words; tolerable (ALARP) counts as acceptable */
    static const struct medsec_risk_class classes[] = {
        {"acceptable", true}, {"tolerable", true}, {"unacceptable", false}};
    unsigned char cells[MEDSEC_RISK_MAX_LEVELS * MEDSEC_RISK_MAX_LEVELS];
    for (size_t e = 0; e < ne; e++)
        for (size_t s = 0; s < ns; s++) {
            const char *a = medsec_model_acceptance(m, en[e], sn[s]);
            size_t c = 3;
            for (size_t k = 0; a && k < 3; k++)
                if (strcmp(a, classes[k].name) == 0)
                    c = k;
            if (c == 3)
                return medsec_error_set(
                    err, MEDSEC_EINVAL, m->file, mx->pos.line, mx->pos.column,
                    "risk_matrix: no acceptable / tolerable / unacceptable for (%s, %s)", en[e],
                    sn[s]);
            cells[e * ns + s] = (unsigned char)c;
        }
    struct medsec_risk_config cfg = {en, ne, sn, ns, cells, classes, 3, 0};
    return medsec_risk_register_init(reg, &cfg, err);
}

/* ---- per threat ------------------------------------------------------------------------------ */

/* Which property of an asset a STRIDE category hurts: 'C', 'I', 'A', or '*' for all three. */
static char property_of(enum medsec_stride stride)
{
    switch (stride) {
    case MEDSEC_STRIDE_INFORMATION_DISCLOSURE: return 'C';
    case MEDSEC_STRIDE_DENIAL_OF_SERVICE: return 'A';
    case MEDSEC_STRIDE_ELEVATION_OF_PRIVILEGE: return '*';
    default: return 'I'; /* spoofing, tampering, repudiation act on integrity */
    }
}

struct severity {
    int level;
    char basis[512];
    bool found; /* a harm was considered: the basis names it even when it is the lowest level */
};

static void consider(struct severity *sv, const struct medsec_risk_register *r, const char *harm,
                     const char *why)
{
    int h = harm_index(r, harm);
    if (h > sv->level || (h >= 0 && h == sv->level && !sv->found)) {
        sv->found = true;
        sv->level = h;
        snprintf(sv->basis, sizeof sv->basis, "%s -> %s", why, harm);
    }
}

static void consider_asset(struct severity *sv, const struct medsec_risk_register *r,
                           const struct medsec_model_asset *a, char prop)
{
    char why[400];
    char fn[200] = "";
    for (size_t i = 0, used = 0; i < a->functions.n && used < sizeof fn; i++)
        used +=
            (size_t)snprintf(fn + used, sizeof fn - used, "%s%s", i ? ", " : "", a->functions.v[i]);
    const char *props[3] = {a->confidentiality, a->integrity, a->availability};
    static const char *const pname[3] = {"confidentiality", "integrity", "availability"};
    for (int k = 0; k < 3; k++) {
        if ((prop != '*' && prop != "CIA"[k]) || !props[k])
            continue;
        snprintf(why, sizeof why, "%s of asset %s (%s)", pname[k], a->id,
                 fn[0] ? fn : "no clinical function");
        consider(sv, r, props[k], why);
    }
}

/* Assets an element reaches: stored in it or carried by it; for a flow also those of its
 * destination (except for disclosure), for an interface those of the item it exposes, for a
 * crossing its flows'. */
static void severity_of(struct severity *sv, const struct medsec_risk_register *r,
                        const struct medsec_model *m, const struct medsec_tm_graph *g,
                        const struct medsec_threat *t, const struct medsec_model_threat *mt)
{
    char prop = property_of(t->stride);
    const char *ids[MAX_ITEMS];
    size_t n = 0;
    const struct medsec_tm_element *e = t->element_id ? medsec_tm_find(g, t->element_id) : NULL;
    if (t->element_id)
        ids[n++] = t->element_id;
    if (e && e->kind == MEDSEC_ELEMENT_DATA_FLOW &&
        t->stride != MEDSEC_STRIDE_INFORMATION_DISCLOSURE && e->to)
        ids[n++] = e->to;
    if (e && e->kind == MEDSEC_ELEMENT_INTERFACE) {
        const struct medsec_tm_attr *x = medsec_tm_attr_get(e, "exposes");
        if (x && x->type == MEDSEC_TM_STR)
            ids[n++] = x->s;
    }
    if (e && e->kind == MEDSEC_ELEMENT_ZONE_CROSSING) {
        const struct medsec_tm_attr *fl = medsec_tm_attr_get(e, "flows");
        for (size_t i = 0; fl && fl->type == MEDSEC_TM_LIST && i < fl->nitems && n < MAX_ITEMS; i++)
            ids[n++] = fl->items[i];
    }
    for (size_t a = 0; a < m->nassets; a++) {
        const struct medsec_model_asset *as = &m->assets[a];
        bool hit = mt && medsec_strlist_has(&mt->assets, as->id);
        for (size_t i = 0; i < n && !hit; i++)
            hit = medsec_strlist_has(&as->stored_in, ids[i]) ||
                  medsec_strlist_has(&as->carried_by, ids[i]);
        if (hit)
            consider_asset(sv, r, as, prop);
    }
    /* the harm of the safety hazards the threat leads to */
    for (size_t i = 0; i < t->nhazards; i++) {
        const struct medsec_model_hazard *h = medsec_model_find_hazard(m, t->hazards[i]);
        if (h && h->harm) {
            char why[400];
            snprintf(why, sizeof why, "hazard %s (%s)", h->id, h->title ? h->title : "");
            consider(sv, r, h->harm, why);
        }
    }
}

/* Does control @c apply to element @id in @zone: named in applies_to, through the zone, or through
 * an asset the element stores or carries (the same reach as in the element graph)? */
static bool control_on(const struct medsec_model *m, const char *id, const char *zone,
                       const struct medsec_model_control *c)
{
    for (size_t k = 0; k < c->applies_to.n; k++) {
        const char *a_id = c->applies_to.v[k];
        if (strcmp(a_id, id) == 0 || (zone && strcmp(a_id, zone) == 0))
            return true;
        const struct medsec_model_asset *a = medsec_model_find_asset(m, a_id);
        if (a && (medsec_strlist_has(&a->stored_in, id) || medsec_strlist_has(&a->carried_by, id)))
            return true;
    }
    return false;
}

/* Does control @c apply to the threat's element? */
static bool control_reaches(const struct medsec_model *m, const struct medsec_tm_graph *g,
                            const struct medsec_threat *t, const struct medsec_model_control *c)
{
    const struct medsec_tm_element *e = t->element_id ? medsec_tm_find(g, t->element_id) : NULL;
    return e && control_on(m, e->id, e->zone, c);
}

/*
 * The safety hazard a control is a risk control of: a control that lowers severity and that the
 * file names against a manual threat leading to a hazard limits that hazard's harm (MDCG
 * 2019-16 3.2: a safety control with a security effect). The first such hazard in file order, or
 * NULL.
 */
static const char *safety_hazard_of(const struct medsec_model *m,
                                    const struct medsec_model_control *c)
{
    if (!medsec_control_lowers_severity(c->lowers))
        return NULL;
    for (size_t h = 0; h < m->nhazards; h++)
        for (size_t k = 0; k < m->nthreats; k++) {
            const struct medsec_model_threat *t = &m->threats[k];
            if (medsec_strlist_has(&t->controls, c->id) &&
                (medsec_strlist_has(&t->hazards, m->hazards[h].id) ||
                 medsec_strlist_has(&m->hazards[h].threats, t->id)))
                return m->hazards[h].id;
        }
    return NULL;
}

static bool covers(const struct medsec_model_control *c, enum medsec_stride stride)
{
    return !c->stride.n ||
           (stride != MEDSEC_STRIDE_NONE && medsec_codelist_has(&c->stride, (int)stride));
}

/* What an active control does to a risk: one level off what it `lowers`, when it states why. */
static struct medsec_risk_control control_effect(const struct medsec_model *m,
                                                 const struct medsec_model_control *c)
{
    const char *why = c->rationale;
    int lowers_e = medsec_control_lowers_exploitability(c->lowers);
    int lowers_s = medsec_control_lowers_severity(c->lowers);
    bool unclaimed = c->lowers != MEDSEC_LOWERS_UNSTATED && !why;
    if (unclaimed) {
        /* a reduction without a rationale is not claimed, and the register says so */
        lowers_e = lowers_s = 0;
        why = c->lowers == MEDSEC_LOWERS_SEVERITY
                  ? "not claimed: lowers severity, but the security file states no rationale"
              : c->lowers == MEDSEC_LOWERS_BOTH
                  ? "not claimed: lowers both, but the security file states no rationale"
                  : "not claimed: lowers exploitability, but the security file states no rationale";
    }
    return (struct medsec_risk_control){c->id,    c->name, lowers_e,
                                        lowers_s, why,     lowers_s ? safety_hazard_of(m, c) : NULL,
                                        unclaimed};
}

static medsec_err add_threat(struct medsec_risk_register *reg, const struct medsec_model *m,
                             const struct medsec_tm_graph *g, const struct medsec_threat *t,
                             struct medsec_error *err)
{
    const struct medsec_model_threat *mt = t->manual ? medsec_model_find_threat(m, t->id) : NULL;
    size_t ne = reg->config.nexploitability;
    char ebasis[512], rid[160];
    int el = medsec_risk_level_from_rating((int)t->initial_rating, ne);
    snprintf(ebasis, sizeof ebasis, "%s rating %s", t->manual ? "threat" : "rule",
             medsec_tm_rating_name(t->initial_rating));
    bool stated = mt && mt->exploitability && exploit_index(reg, mt->exploitability) >= 0;
    if (mt && mt->cvss && !stated) {
        /* the model loaded and checked the answers file */
        int l;
        if (medsec_risk_exploit_from_cvss(mt->cvss->vector, ne, &l, NULL) == MEDSEC_OK) {
            el = l;
            snprintf(ebasis, sizeof ebasis, "MITRE rubric %s -> %s", mt->rubric, mt->cvss->vector);
        }
    }
    if (stated) {
        el = exploit_index(reg, mt->exploitability);
        snprintf(ebasis, sizeof ebasis, "stated in the threat: %s", mt->exploitability);
    }

    struct severity sv = {0, "no asset with a harm rating reached: lowest severity", false};
    severity_of(&sv, reg, m, g, t, mt);

    /* controls: active ones on the element that cover the category, plus those the threat names */
    struct medsec_risk_control ctl[MAX_ITEMS];
    const char *planned[MAX_ITEMS];
    size_t nctl = 0, nplanned = 0;
    for (size_t k = 0; k < m->ncontrols && nctl < MAX_ITEMS && nplanned < MAX_ITEMS; k++) {
        const struct medsec_model_control *c = &m->controls[k];
        bool named = mt && medsec_strlist_has(&mt->controls, c->id);
        if (!named && !(control_reaches(m, g, t, c) && covers(c, t->stride)))
            continue;
        if (!medsec_tm_control_active(c)) {
            if (named || covers(c, t->stride))
                planned[nplanned++] = c->id;
            continue;
        }
        ctl[nctl++] = control_effect(m, c);
    }
    const char *sugg[2 * MAX_ITEMS];
    size_t nsugg = 0;
    for (size_t i = 0; i < t->nmissing && nsugg < MAX_ITEMS; i++)
        sugg[nsugg++] = t->missing[i];
    char pl[MAX_ITEMS][160];
    for (size_t i = 0; i < nplanned; i++) {
        snprintf(pl[i], sizeof pl[i], "planned control %s", planned[i]);
        sugg[nsugg++] = pl[i];
    }
    snprintf(rid, sizeof rid, "R-%s", strncmp(t->id, "T-", 2) == 0 ? t->id + 2 : t->id);
    struct medsec_risk_spec spec = {
        .id = rid,
        .threat_id = t->id,
        .title = t->title,
        .element = t->element_id,
        .stride = t->stride,
        .hazard = t->hazard,
        .exploitability = el,
        .exploitability_basis = ebasis,
        .severity = sv.level,
        .severity_basis = sv.basis,
        .controls = ctl,
        .ncontrols = nctl,
        .safety_hazards = t->hazards,
        .nsafety_hazards = t->nhazards,
        .suggested = sugg,
        .nsuggested = nsugg,
    };
    return medsec_risk_register_add(reg, &spec, err);
}

/* ---- per known vulnerability ----------------------------------------------------------------- */

/*
 * The rubric's impact answer (0 none, 1 low, 2 high) for clinical function @fn and property @k (0
 * C, 1 I, 2 A). The rationale of the C, I and A metrics lists every function's answer ("XCP
 * phi=low; XCD diagnosis_monitoring=none; ..."); a function it does not list takes the metric's own
 * value.
 */
static int rubric_impact(const struct medsec_cvss_rubric *rb, int k, const char *fn)
{
    const struct medsec_cvss_rubric_metric *mt = &rb->metrics[5 + k];
    size_t fl = strlen(fn);
    for (const char *p = mt->rationale; fl && (p = strstr(p, fn)); p += fl)
        if ((p == mt->rationale || p[-1] == ' ') && p[fl] == '=')
            return !strncmp(p + fl + 1, "high", 4) ? 2 : !strncmp(p + fl + 1, "low", 3) ? 1 : 0;
    return mt->value == 'H' ? 2 : mt->value == 'L' ? 1 : 0;
}

/* Is asset @a reachable through item @id: stored in it, or carried by a flow that starts or ends
 * there? */
static bool asset_through(const struct medsec_model *m, const struct medsec_model_asset *a,
                          const char *id)
{
    if (medsec_strlist_has(&a->stored_in, id))
        return true;
    for (size_t f = 0; f < m->nflows; f++)
        if ((!strcmp(m->flows[f].from, id) || !strcmp(m->flows[f].to, id)) &&
            medsec_strlist_has(&a->carried_by, m->flows[f].id))
            return true;
    return false;
}

/* A known vulnerability on some items of the device, from the security file or from a scan finding:
 * what its risk is made of. */
struct vuln_risk {
    const char *vuln_id, *risk_id, *title;
    const char *const *items;
    size_t nitems;
    const struct medsec_strlist *named_controls; /* controls the file names against it, or NULL */
    const struct medsec_cvss_rubric *rubric;     /* impact per clinical function, or NULL: */
    int cia[3];                                  /* the impact on C, I, A (0 none, 1 low, 2 high) */
    const char *impact_source;                   /* where cia comes from, for the basis */
    int exploitability;
    const char *exploitability_basis;
    const char *remedy; /* what would remove it (an update), or NULL */
};

/*
 * Severity of a vulnerability: the worst harm over the assets reachable through the items it
 * affects, reading each property (C, I, A) of an asset only when the vulnerability impacts it: per
 * the rubric answers for one of the asset's clinical functions (an asset without functions: the
 * vector's C, I, A), or per the finding's CVSS impact.
 */
static void vuln_severity(struct severity *sv, const struct medsec_risk_register *r,
                          const struct medsec_model *m, const struct vuln_risk *v)
{
    static const char *const pname[3] = {"confidentiality", "integrity", "availability"};
    static const char *const iname[3] = {"none", "low", "high"};
    for (size_t a = 0; a < m->nassets; a++) {
        const struct medsec_model_asset *as = &m->assets[a];
        bool hit = false;
        for (size_t i = 0; i < v->nitems && !hit; i++)
            hit = asset_through(m, as, v->items[i]);
        if (!hit)
            continue;
        const char *props[3] = {as->confidentiality, as->integrity, as->availability};
        for (int k = 0; k < 3; k++) {
            if (!props[k])
                continue;
            char why[400];
            if (v->rubric) {
                int impact = as->functions.n ? 0 : rubric_impact(v->rubric, k, "");
                const char *by = "the vector";
                for (size_t f = 0; f < as->functions.n; f++) {
                    int l = rubric_impact(v->rubric, k, as->functions.v[f]);
                    if (l > impact) {
                        impact = l;
                        by = as->functions.v[f];
                    }
                }
                if (!impact)
                    continue;
                snprintf(why, sizeof why, "%s of asset %s (rubric: %s %s)", pname[k], as->id, by,
                         iname[impact]);
            } else {
                if (!v->cia[k])
                    continue;
                snprintf(why, sizeof why, "%s of asset %s (%s: %s)", pname[k], as->id,
                         v->impact_source, iname[v->cia[k]]);
            }
            consider(sv, r, props[k], why);
        }
    }
}

static bool vuln_open(const struct medsec_model_vulnerability *vu)
{
    return medsec_vuln_status_open(vu->status);
}

static medsec_err add_vuln_risk(struct medsec_risk_register *reg, const struct medsec_model *m,
                                const struct vuln_risk *v, struct medsec_error *err)
{
    struct severity sv = {0, "no asset with a harm rating reached: lowest severity", false};
    vuln_severity(&sv, reg, m, v);

    /* controls: the ones named against it, and active ones on an affected item that address every
     * category */
    struct medsec_risk_control ctl[MAX_ITEMS];
    const char *planned[MAX_ITEMS];
    size_t nctl = 0, nplanned = 0;
    for (size_t k = 0; k < m->ncontrols && nctl < MAX_ITEMS && nplanned < MAX_ITEMS; k++) {
        const struct medsec_model_control *c = &m->controls[k];
        bool named = v->named_controls && medsec_strlist_has(v->named_controls, c->id),
             reaches = false;
        for (size_t i = 0; i < v->nitems && !reaches; i++) {
            const struct medsec_model_item *it = medsec_model_find_item(m, v->items[i]);
            reaches = it && control_on(m, it->id, it->zone, c);
        }
        if (!named && !(reaches && covers(c, 0)))
            continue;
        if (!medsec_tm_control_active(c))
            planned[nplanned++] = c->id;
        else
            ctl[nctl++] = control_effect(m, c);
    }
    const char *sugg[MAX_ITEMS + 1];
    char pl[MAX_ITEMS][160];
    size_t nsugg = 0;
    if (v->remedy)
        sugg[nsugg++] = v->remedy;
    for (size_t i = 0; i < nplanned; i++) {
        snprintf(pl[i], sizeof pl[i], "planned control %s", planned[i]);
        sugg[nsugg++] = pl[i];
    }
    struct medsec_risk_spec spec = {
        .id = v->risk_id,
        .vulnerability_id = v->vuln_id,
        .title = v->title,
        .element = v->nitems ? v->items[0] : NULL,
        .exploitability = v->exploitability,
        .exploitability_basis = v->exploitability_basis,
        .severity = sv.level,
        .severity_basis = sv.basis,
        .controls = ctl,
        .ncontrols = nctl,
        .suggested = sugg,
        .nsuggested = nsugg,
    };
    return medsec_risk_register_add(reg, &spec, err);
}

static medsec_err add_vulnerability(struct medsec_risk_register *reg, const struct medsec_model *m,
                                    const struct medsec_model_vulnerability *vu,
                                    struct medsec_error *err)
{
    if (!vu->cvss)
        return medsec_error_set(
            err, MEDSEC_EINVAL, m->file, vu->pos.line, vu->pos.column,
            "vulnerability %s: its rubric answers were not loaded (the security file was "
            "read without its folder)",
            vu->id);
    int el;
    if (medsec_risk_exploit_from_cvss(vu->cvss->vector, reg->config.nexploitability, &el, NULL) !=
        MEDSEC_OK)
        return medsec_error_set(err, MEDSEC_EINVAL, m->file, vu->pos.line, vu->pos.column,
                                "vulnerability %s: rubric vector %s has no exploitability metrics",
                                vu->id, vu->cvss->vector);
    char ebasis[512], rid[160], title[512];
    snprintf(ebasis, sizeof ebasis, "MITRE rubric %s -> %s", vu->rubric, vu->cvss->vector);
    if (vu->title) {
        snprintf(title, sizeof title, "%s", vu->title);
    } else {
        size_t used = (size_t)snprintf(title, sizeof title, "Known vulnerability %s in", vu->id);
        for (size_t i = 0; i < vu->components.n && used < sizeof title; i++)
            used += (size_t)snprintf(title + used, sizeof title - used, "%s %s", i ? "," : "",
                                     vu->components.v[i]);
    }
    snprintf(rid, sizeof rid, "R-%s", vu->id);
    struct vuln_risk v = {
        .vuln_id = vu->id,
        .risk_id = rid,
        .title = title,
        .items = vu->items.v,
        .nitems = vu->items.n,
        .named_controls = &vu->controls,
        .rubric = vu->cvss,
        .exploitability = el,
        .exploitability_basis = ebasis,
    };
    return add_vuln_risk(reg, m, &v, err);
}

/* ---- per scan finding ------------------------------------------------------------------------ */

/* Does the file's assessment @vu cover finding @f: the same vulnerability (id or alias) on one of
 * the same items, or naming the same component? */
static bool assessed_by(const struct medsec_model_vulnerability *vu,
                        const struct medsec_risk_finding *f, const char *const *items,
                        size_t nitems)
{
    bool same = !strcmp(vu->id, f->id);
    for (size_t a = 0; a < f->naliases && !same; a++)
        same = !strcmp(vu->id, f->aliases[a]);
    if (!same)
        return false;
    if (medsec_strlist_has(&vu->components, f->component))
        return true;
    for (size_t i = 0; i < nitems; i++)
        if (medsec_strlist_has(&vu->items, items[i]))
            return true;
    return false;
}

medsec_err medsec_risk_add_findings(struct medsec_risk_register *reg, const struct medsec_model *m,
                                    const struct medsec_risk_finding *f, size_t n,
                                    double epss_threshold, size_t *assessed,
                                    struct medsec_error *err)
{
    size_t skipped = 0;
    const char **items = medsec_malloc((m->nitems ? m->nitems : 1) * sizeof *items);
    if (!items)
        return medsec_error_set(err, MEDSEC_ENOMEM, m->file, 0, 0, "out of memory");
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        /* the items the component is part of: those that list it, or own its whole SBOM */
        size_t nitems = 0;
        for (size_t k = 0; k < m->nitems; k++) {
            const struct medsec_model_item *it = &m->items[k];
            if (it->sbom && f[i].sbom && !strcmp(it->sbom, f[i].sbom) &&
                (!it->components.n || medsec_strlist_has(&it->components, f[i].component)))
                items[nitems++] = it->id;
        }
        bool done = false;
        for (size_t k = 0; k < m->nvulnerabilities && !done; k++)
            done = assessed_by(&m->vulnerabilities[k], &f[i], items, nitems);
        if (done) {
            skipped++;
            continue;
        }
        size_t nl = reg->config.nexploitability;
        int el;
        double frac = 0;
        char ebasis[600], rid[400], title[512], src[96];
        struct vuln_risk v = {
            .vuln_id = f[i].id, .risk_id = rid, .title = title, .items = items, .nitems = nitems};
        if (f[i].cvss_vector &&
            medsec_risk_exploit_from_cvss(f[i].cvss_vector, nl, &el, &frac) == MEDSEC_OK) {
            snprintf(ebasis, sizeof ebasis, "%s -> %.0f%% of the highest exploitability",
                     f[i].cvss_vector, frac * 100);
        } else {
            el = medsec_risk_level_from_rating(1, nl);
            snprintf(ebasis, sizeof ebasis,
                     "no CVSS vector with exploitability metrics: the middle level");
        }
        int raised = medsec_risk_exploit_raise(el, nl, f[i].kev, f[i].epss, epss_threshold);
        if (raised != el) {
            size_t used = strlen(ebasis);
            snprintf(ebasis + used, sizeof ebasis - used,
                     f[i].kev ? "; in CISA KEV: the top level" : "; EPSS %.3f: one level up",
                     f[i].epss);
            el = raised;
        }
        v.exploitability = el;
        v.exploitability_basis = ebasis;
        if (f[i].cvss_vector &&
            medsec_risk_impact_from_cvss(f[i].cvss_vector, v.cia) == MEDSEC_OK) {
            snprintf(src, sizeof src, "CVSS impact");
        } else {
            v.cia[0] = v.cia[1] = v.cia[2] = 2;
            snprintf(src, sizeof src, "impact unknown, taken as");
        }
        v.impact_source = src;
        char remedy[400];
        if (f[i].nfixed) {
            size_t used =
                (size_t)snprintf(remedy, sizeof remedy, "update %s to",
                                 f[i].component_name ? f[i].component_name : f[i].component);
            for (size_t k = 0; k < f[i].nfixed && k < 3 && used < sizeof remedy; k++)
                used += (size_t)snprintf(remedy + used, sizeof remedy - used, "%s %s", k ? "," : "",
                                         f[i].fixed[k]);
            if (f[i].nfixed > 3 && used < sizeof remedy)
                snprintf(remedy + used, sizeof remedy - used, " (or another fixed version)");
            v.remedy = remedy;
        }
        snprintf(rid, sizeof rid, "R-%s@%s", f[i].id, f[i].component);
        bool twice = false; /* the same component in two SBOMs of the release (CycloneDX and SPDX of
                               one image) */
        for (size_t k = 0; k < reg->n && !twice; k++)
            twice = !strcmp(reg->items[k].spec.id, rid);
        if (twice)
            continue;
        snprintf(title, sizeof title, "%s in %s%s%s%s%s", f[i].id,
                 f[i].component_name ? f[i].component_name : f[i].component,
                 f[i].component_version ? " " : "",
                 f[i].component_version ? f[i].component_version : "", f[i].summary ? ": " : "",
                 f[i].summary ? f[i].summary : "");
        rc = add_vuln_risk(reg, m, &v, err);
    }
    medsec_free(items);
    if (!rc)
        medsec_risk_register_sort(reg);
    if (assessed)
        *assessed = skipped;
    return rc;
}

medsec_err medsec_risk_from_model(struct medsec_risk_register *reg, const struct medsec_model *m,
                                  const struct medsec_tm_graph *g,
                                  const struct medsec_threat_list *threats,
                                  struct medsec_error *err)
{
    for (size_t i = 0; i < threats->n; i++) {
        if (threats->v[i].status == MEDSEC_TM_MITIGATED)
            continue;
        medsec_err rc = add_threat(reg, m, g, &threats->v[i], err);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < m->nvulnerabilities; i++) {
        if (!vuln_open(&m->vulnerabilities[i]))
            continue;
        medsec_err rc = add_vulnerability(reg, m, &m->vulnerabilities[i], err);
        if (rc)
            return rc;
    }
    medsec_risk_register_sort(reg);
    return MEDSEC_OK;
}
