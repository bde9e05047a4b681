/* query.c: lookups and questions over a loaded model; dates and "did you mean" suggestions. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/model.h"

const char *medsec_model_kind_name(enum medsec_model_kind k)
{
    static const char *const names[MEDSEC_MK_COUNT] = {
        "zone",         "item",        "interface", "flow",       "asset",
        "control",      "requirement", "evidence",  "assumption", "duty",
        "hazard",       "threat",      "version",   "harm level", "exploitability level",
        "vulnerability"};
    return (unsigned)k < MEDSEC_MK_COUNT ? names[k] : "?";
}

#define FIND(fn, T, arr, n, key)                                                                   \
    const struct T *fn(const struct medsec_model *m, const char *id)                               \
    {                                                                                              \
        if (!m || !id)                                                                             \
            return NULL;                                                                           \
        for (size_t i = 0; i < m->n; i++)                                                          \
            if (m->arr[i].key && strcmp(m->arr[i].key, id) == 0)                                   \
                return &m->arr[i];                                                                 \
        return NULL;                                                                               \
    }

FIND(medsec_model_find_zone, medsec_model_zone, zones, nzones, id)
FIND(medsec_model_find_item, medsec_model_item, items, nitems, id)
FIND(medsec_model_find_interface, medsec_model_interface, interfaces, ninterfaces, id)
FIND(medsec_model_find_flow, medsec_model_flow, flows, nflows, id)
FIND(medsec_model_find_asset, medsec_model_asset, assets, nassets, id)
FIND(medsec_model_find_control, medsec_model_control, controls, ncontrols, id)
FIND(medsec_model_find_hazard, medsec_model_hazard, hazards, nhazards, id)
FIND(medsec_model_find_threat, medsec_model_threat, threats, nthreats, id)
FIND(medsec_model_find_vulnerability, medsec_model_vulnerability, vulnerabilities, nvulnerabilities,
     id)
FIND(medsec_model_find_harm, medsec_model_harm, clinical.harm_scale, clinical.nharm_scale, id)
FIND(medsec_model_find_exploitability, medsec_model_level, risk_matrix.exploitability,
     risk_matrix.nexploitability, id)
FIND(medsec_model_find_version, medsec_model_version, versions, nversions, version)

/* The kinds without a public lookup, for medsec_model_kind_of. */
#define FIND_LOCAL(fn, T, arr, n, key) static FIND(fn, T, arr, n, key)
FIND_LOCAL(find_requirement, medsec_model_requirement, requirements, nrequirements, id)
FIND_LOCAL(find_evidence, medsec_model_evidence, evidence, nevidence, id)
FIND_LOCAL(find_assumption, medsec_model_assumption, assumptions, nassumptions, id)
FIND_LOCAL(find_duty, medsec_model_duty, duties, nduties, id)

bool medsec_model_evidence_verifies(const struct medsec_model *m,
                                    const struct medsec_model_evidence *ev, const char *control)
{
    if (!control || !ev->result || strcmp(ev->result, "pass") != 0)
        return false;
    for (size_t i = 0; i < ev->verifies.n; i++) {
        if (ev->verifies.v[i] && !strcmp(ev->verifies.v[i], control))
            return true;
        const struct medsec_model_requirement *r = find_requirement(m, ev->verifies.v[i]);
        if (r && medsec_strlist_has(&r->controls, control))
            return true;
    }
    return false;
}

bool medsec_model_kind_of(const struct medsec_model *m, const char *id,
                          enum medsec_model_kind *kind)
{
    enum medsec_model_kind k;
    if (medsec_model_find_zone(m, id))
        k = MEDSEC_MK_ZONE;
    else if (medsec_model_find_item(m, id))
        k = MEDSEC_MK_ITEM;
    else if (medsec_model_find_interface(m, id))
        k = MEDSEC_MK_INTERFACE;
    else if (medsec_model_find_flow(m, id))
        k = MEDSEC_MK_FLOW;
    else if (medsec_model_find_asset(m, id))
        k = MEDSEC_MK_ASSET;
    else if (medsec_model_find_control(m, id))
        k = MEDSEC_MK_CONTROL;
    else if (medsec_model_find_hazard(m, id))
        k = MEDSEC_MK_HAZARD;
    else if (medsec_model_find_threat(m, id))
        k = MEDSEC_MK_THREAT;
    else if (find_requirement(m, id))
        k = MEDSEC_MK_REQUIREMENT;
    else if (find_evidence(m, id))
        k = MEDSEC_MK_EVIDENCE;
    else if (find_assumption(m, id))
        k = MEDSEC_MK_ASSUMPTION;
    else if (find_duty(m, id))
        k = MEDSEC_MK_DUTY;
    else
        return false;
    if (kind)
        *kind = k;
    return true;
}

const struct medsec_sbom *medsec_model_sbom(const struct medsec_model *m, const char *path)
{
    for (size_t i = 0; m && path && i < m->nsboms; i++)
        if (strcmp(m->sboms[i].path, path) == 0)
            return m->sboms[i].sbom;
    return NULL;
}

static size_t add_sbom(const struct medsec_model *m, const char *path,
                       const struct medsec_model_sbom **out, size_t n)
{
    for (size_t i = 0; path && i < m->nsboms; i++)
        if (strcmp(m->sboms[i].path, path) == 0) {
            for (size_t j = 0; j < n; j++)
                if (out[j] == &m->sboms[i])
                    return n;
            out[n++] = &m->sboms[i];
            return n;
        }
    return n;
}

size_t medsec_model_version_sboms(const struct medsec_model *m,
                                  const struct medsec_model_version *v,
                                  const struct medsec_model_sbom **out)
{
    size_t n = 0;
    if (!m || !v || !v->version)
        return 0;
    if (m->device.current_version && strcmp(m->device.current_version, v->version) == 0)
        for (size_t i = 0; i < m->nitems; i++)
            n = add_sbom(m, m->items[i].sbom, out, n);
    for (size_t i = 0; i < v->sboms.n; i++)
        n = add_sbom(m, v->sboms.v[i], out, n);
    return n;
}

/* Does release @v ship the SBOM the file names as @path? */
static bool release_has_sbom(const struct medsec_model *m, const struct medsec_model_version *v,
                             const char *path)
{
    if (!path || !v->version)
        return false;
    if (medsec_strlist_has(&v->sboms, path))
        return true;
    if (!m->device.current_version || strcmp(m->device.current_version, v->version) != 0)
        return false;
    for (size_t i = 0; i < m->nitems; i++)
        if (m->items[i].sbom && !strcmp(m->items[i].sbom, path))
            return true;
    return false;
}

size_t medsec_model_release_support(const struct medsec_model *m,
                                    const struct medsec_model_version *v,
                                    const struct medsec_model_component_support **out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; m && v && i < m->ncomponent_support; i++)
        if (release_has_sbom(m, v, m->component_support[i].sbom)) {
            if (n < cap)
                out[n] = &m->component_support[i];
            n++;
        }
    return n;
}

bool medsec_model_component_ended(const struct medsec_model_component_support *c, const char *today)
{
    long t, e;
    return c->end_of_support && today && medsec_date_parse(c->end_of_support, &e) &&
           medsec_date_parse(today, &t) && t >= e;
}

const char *medsec_model_zone_of(const struct medsec_model *m, const char *element_id)
{
    const struct medsec_model_item *it = medsec_model_find_item(m, element_id);
    if (it)
        return it->zone;
    const struct medsec_model_interface *in = medsec_model_find_interface(m, element_id);
    if (in) {
        it = medsec_model_find_item(m, in->item);
        return it ? it->zone : NULL;
    }
    const struct medsec_model_flow *f = medsec_model_find_flow(m, element_id);
    if (f)
        return medsec_model_zone_of(m, f->from);
    if (medsec_model_find_zone(m, element_id))
        return element_id;
    return NULL;
}

bool medsec_model_flow_crosses(const struct medsec_model *m, const struct medsec_model_flow *f)
{
    const char *a = medsec_model_zone_of(m, f->from), *b = medsec_model_zone_of(m, f->to);
    return a && b && strcmp(a, b) != 0;
}

bool medsec_model_interface_crosses(const struct medsec_model *m,
                                    const struct medsec_model_interface *i)
{
    const char *own = medsec_model_zone_of(m, i->id);
    return i->zone && own && strcmp(i->zone, own) != 0;
}

bool medsec_strlist_has(const struct medsec_strlist *list, const char *s)
{
    for (size_t i = 0; list && s && i < list->n; i++)
        if (strcmp(list->v[i], s) == 0)
            return true;
    return false;
}

bool medsec_codelist_has(const struct medsec_codelist *list, int code)
{
    for (size_t i = 0; list && i < list->n; i++)
        if (list->v[i] == code)
            return true;
    return false;
}

const char *const medsec_model_function_names[MEDSEC_MODEL_NFUNCTIONS] = {
    "therapy_delivery", "diagnosis_monitoring", "phi", "clinical_workflow", "secrets"};

size_t medsec_model_functions_of(const struct medsec_model *m, const char *element_id,
                                 const char **out, size_t max)
{
    const char *const *order = medsec_model_function_names;
    size_t n = 0;
    for (size_t o = 0; o < MEDSEC_MODEL_NFUNCTIONS; o++) {
        bool has = false;
        for (size_t a = 0; a < m->nassets && !has; a++) {
            const struct medsec_model_asset *as = &m->assets[a];
            if ((medsec_strlist_has(&as->stored_in, element_id) ||
                 medsec_strlist_has(&as->carried_by, element_id)) &&
                medsec_strlist_has(&as->functions, order[o]))
                has = true;
        }
        if (has && n < max)
            out[n++] = order[o];
    }
    return n;
}

const char *medsec_model_acceptance(const struct medsec_model *m, const char *exploitability,
                                    const char *harm)
{
    const struct medsec_model_harm *h = medsec_model_find_harm(m, harm);
    if (!h || !exploitability)
        return NULL;
    for (size_t r = 0; r < m->risk_matrix.nrows; r++) {
        const struct medsec_model_matrix_row *row = &m->risk_matrix.rows[r];
        if (row->exploitability && strcmp(row->exploitability, exploitability) == 0)
            return (size_t)h->level - 1 < row->cells.n ? row->cells.v[h->level - 1] : NULL;
    }
    return NULL;
}

const char *medsec_support_status_name(enum medsec_support_status s)
{
    switch (s) {
    case MEDSEC_SUPPORT_NOT_RELEASED: return "not released";
    case MEDSEC_SUPPORTED: return "supported";
    case MEDSEC_SUPPORT_ENDING: return "ending";
    case MEDSEC_SUPPORT_ENDED: return "ended";
    }
    return "?";
}

enum medsec_support_status medsec_model_support_status(const struct medsec_model_version *v,
                                                       const char *today, long *days_left)
{
    long t = 0, rel = 0, eos = 0;
    bool have_t = today && medsec_date_parse(today, &t);
    bool have_rel = v->release_date && medsec_date_parse(v->release_date, &rel);
    bool have_eos = v->end_of_support && medsec_date_parse(v->end_of_support, &eos);
    if (days_left)
        *days_left = have_t && have_eos ? eos - t : 0;
    if (!have_t)
        return MEDSEC_SUPPORTED;
    if (have_rel && t < rel)
        return MEDSEC_SUPPORT_NOT_RELEASED;
    if (have_eos && t >= eos)
        return MEDSEC_SUPPORT_ENDED;
    if (have_eos && eos - t <= 365)
        return MEDSEC_SUPPORT_ENDING;
    return MEDSEC_SUPPORTED;
}

/* Levenshtein distance, ASCII case-insensitive; words longer than 64 bytes are never close. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            size_t best = prev + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[lb];
}

const char *medsec_suggest(const char *word, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    size_t bestd = (size_t)-1;
    size_t wl = strlen(word);
    size_t limit = wl / 3 > 2 ? wl / 3 : 2;
    for (size_t i = 0; i < n; i++) {
        if (!candidates[i])
            continue;
        size_t d = distance(word, candidates[i]);
        if (d < bestd) {
            bestd = d;
            best = candidates[i];
        }
    }
    return bestd <= limit && bestd < wl ? best : NULL;
}

enum medsec_access medsec_model_zone_access(const struct medsec_model_zone *z)
{
    return z && z->access < MEDSEC_ACCESS_COUNT ? z->access : MEDSEC_ACCESS_REMOTE;
}

enum medsec_channel medsec_model_interface_channel(const struct medsec_model_interface *i,
                                                   bool *stated)
{
    enum medsec_channel c = MEDSEC_CHANNEL_NETWORK;
    bool known = i->channel < MEDSEC_CHANNEL_COUNT;
    if (known)
        c = i->channel;
    else
        known = medsec_channel_of_interface_type(i->type, &c);
    if (stated)
        *stated = known;
    return known ? c : MEDSEC_CHANNEL_NETWORK;
}

enum medsec_channel medsec_model_flow_channel(const struct medsec_model *m,
                                              const struct medsec_model_flow *f, bool *stated)
{
    if (f->channel < MEDSEC_CHANNEL_COUNT) {
        if (stated)
            *stated = true;
        return f->channel;
    }
    const struct medsec_model_interface *via =
        f->via ? medsec_model_find_interface(m, f->via) : NULL;
    if (via)
        return medsec_model_interface_channel(via, stated);
    if (stated)
        *stated = false;
    return MEDSEC_CHANNEL_NETWORK;
}
