/* from_model.c: the security risk register of a loaded security file, its threats and the known
 * vulnerabilities of a release (docs/risk.md): severity from what an attack reaches, exploitability
 * from where the attacker must be, controls credited by what they do, hazards by the property lost,
 * acceptance with a benefit-risk justification. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/cvss.h"
#include "medsec/diag.h"
#include "medsec/model.h"
#include "medsec/risk.h"
#include "medsec/threat.h"
#include "reach.h"

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

static int exploit_index(const struct medsec_risk_register *r, const char *id)
{
    for (size_t i = 0; id && i < r->config.nexploitability; i++)
        if (strcmp(r->config.exploitability[i], id) == 0)
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
    /* classes: only the acceptable region passes; a tolerable or unacceptable residual risk needs
     * a benefit-risk justification (MDR Annex I GSPR 1, 2, 4, 8: reduce as far as possible, no
     * ALARP; docs/risk.md, "Acceptance") */
    static const struct medsec_risk_class classes[] = {
        {"acceptable", true}, {"tolerable", false}, {"unacceptable", false}};
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

/* ---- one risk under construction --------------------------------------------------------------
 */

#define MAX_CONTROLS 64
#define MAX_SUGGESTED 96

/* Everything a risk is assembled from; the strings live in @text until the register copies them. */
struct build {
    struct medsec_risk_register *reg;
    const struct medsec_model *m;
    struct reach *r;
    struct medsec_diags *notes;
    struct medsec_risk_spec spec;
    struct medsec_risk_control ctl[MAX_CONTROLS];
    bool ctl_seen_overflow;
    size_t named[MAX_CONTROLS]; /* controls the threat or vulnerability names against itself */
    size_t nnamed;
    struct reach_entries *entries; /* scratch, shared by every risk */
    const char *sugg[MAX_SUGGESTED];
    const char *hazards[MAX_SUGGESTED];
    char ebasis[1024], sbasis[1024], rbasis[1024];
    struct medsec_buf text; /* suggestions and control texts, NUL-separated */
    size_t text_off[MAX_SUGGESTED + MAX_CONTROLS];
    bool ok;
};

/* A string kept for the spec: offsets first, pointers fixed up before the register copies. */
static const char *keep(struct build *b, const char *s)
{
    /* the buffer may move while it grows, so the whole text is kept as offsets until finish() */
    size_t off = b->text.len;
    if (medsec_buf_add(&b->text, s, strlen(s) + 1))
        b->ok = false;
    return (const char *)(uintptr_t)(off + 1); /* 0 stays NULL */
}

static const char *resolve(const struct build *b, const char *p)
{
    return p ? b->text.data + ((uintptr_t)p - 1) : NULL;
}

static bool has(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return true;
    return false;
}

static void suggest(struct build *b, const char *s)
{
    if (b->spec.nsuggested >= MAX_SUGGESTED)
        return;
    for (size_t i = 0; i < b->spec.nsuggested; i++)
        if (!strcmp(resolve(b, b->sugg[i]), s))
            return;
    b->sugg[b->spec.nsuggested++] = keep(b, s);
}

static const char *credit_reason(enum reach_credit c)
{
    switch (c) {
    case REACH_PLANNED: return "not credited: planned";
    case REACH_NO_LOWERS: return "not credited: the security file does not say what it lowers";
    case REACH_NO_RATIONALE: return "not credited: the security file states no rationale";
    case REACH_NO_EVIDENCE: return "not credited: no passing evidence verifies it";
    default: return "";
    }
}

/* The hazard a by-design control of asset @asset is a safety control of, among @hz. */
static const char *safety_hazard(const struct build *b, size_t k)
{
    const struct medsec_model *m = b->m;
    const struct medsec_model_control *c = &m->controls[k];
    for (size_t h = 0; h < m->nhazards; h++) {
        if (!has(b->hazards, b->spec.nsafety_hazards, m->hazards[h].id))
            continue;
        for (size_t i = 0; i < m->hazards[h].ncaused_by; i++)
            if (medsec_strlist_has(&c->applies_to, m->hazards[h].caused_by[i].asset))
                return m->hazards[h].id;
    }
    return NULL;
}

/* Record control @k on the risk: credited (with its reductions) or not (and why). */
static void add_control(struct build *b, size_t k, int exploit, int severity)
{
    const struct medsec_model_control *c = &b->m->controls[k];
    for (size_t i = 0; i < b->spec.ncontrols; i++)
        if (!strcmp(b->ctl[i].id, c->id)) {
            if (exploit > b->ctl[i].exploit_reduction)
                b->ctl[i].exploit_reduction = exploit;
            if (severity > b->ctl[i].severity_reduction)
                b->ctl[i].severity_reduction = severity;
            return;
        }
    enum reach_credit cr = reach_control_credit(b->r, k);
    if (cr == REACH_PLANNED) {
        char s[300];
        snprintf(s, sizeof s, "planned control %s", c->id);
        suggest(b, s);
        return;
    }
    if (b->spec.ncontrols >= MAX_CONTROLS) {
        b->ctl_seen_overflow = true;
        return;
    }
    bool credited = cr == REACH_CREDITED;
    if (cr == REACH_NO_EVIDENCE) {
        char s[300];
        snprintf(s, sizeof s, "verify control %s (no passing evidence)", c->id);
        suggest(b, s);
    }
    const char *ev = reach_control_evidence(b->r, k);
    b->ctl[b->spec.ncontrols++] = (struct medsec_risk_control){
        .id = c->id,
        .name = c->name,
        .exploit_reduction = credited ? exploit : 0,
        .severity_reduction = credited ? severity : 0,
        .rationale = credited ? c->rationale : credit_reason(cr),
        .evidence = ev[0] ? ev : NULL,
        .safety_hazard = credited && severity ? safety_hazard(b, k) : NULL,
        .unclaimed = !credited,
    };
}

/* Does control @c address category @s (no categories: all)? */
static bool covers(const struct medsec_model_control *c, unsigned cats)
{
    if (!c->stride.n)
        return true;
    for (size_t i = 0; i < c->stride.n; i++)
        if (c->stride.v[i] >= 0 && c->stride.v[i] < 32 && ((cats >> c->stride.v[i]) & 1u))
            return true;
    return false;
}

static int levels_of(const struct medsec_model_control *c)
{
    return c->levels > 0 ? (int)c->levels : 1;
}

/* The by-design control that lowered the worst residual harm, and the one that lowered the worst
 * initial harm, recorded with the levels they took off. */
static void design_controls(struct build *b, const struct reach_result *res)
{
    const struct reach_hit *h[2] = {&res->residual, &res->initial};
    for (int i = 0; i < 2; i++)
        if (h[i]->harm >= 0 && h[i]->ctl != REACH_NONE)
            add_control(b, h[i]->ctl, 0, h[i]->before - h[i]->harm);
}

/* Severity and its basis from a reach (docs/risk.md, "Severity from reach"). */
static void severity_from(struct build *b, const struct reach_result *res, const char *what,
                          bool repudiation, bool known)
{
    const struct medsec_risk_config *cfg = &b->reg->config;
    int top = (int)cfg->nseverity - 1;
    char path[700];
    b->spec.has_residual_severity = true;
    if (repudiation) {
        b->spec.severity = b->spec.residual_severity = 0;
        snprintf(b->sbasis, sizeof b->sbasis,
                 "repudiation hides who acted; it harms no asset by itself (the actions it hides "
                 "are risks of their own) -> %s",
                 cfg->severity[0]);
        return;
    }
    if (!res->any && known) {
        b->spec.severity = b->spec.residual_severity = 0;
        snprintf(b->sbasis, sizeof b->sbasis,
                 "%s holds assets, but this attack reaches none of them (it sends no flow that "
                 "carries one) -> %s",
                 what, cfg->severity[0]);
        return;
    }
    if (!res->any) {
        b->spec.severity = b->spec.residual_severity = top;
        snprintf(b->sbasis, sizeof b->sbasis,
                 "%s reaches no asset the security file names: unknown reach is rated at the "
                 "highest severity -> %s",
                 what, cfg->severity[top]);
        if (b->notes &&
            medsec_diags_add(b->notes, MEDSEC_SEV_WARNING, b->m->file, 0, 0, b->spec.id,
                             "%s: %s reaches no asset, so the risk takes the highest severity; "
                             "state the assets it holds or carries, or the flows it sends",
                             b->spec.id, what))
            b->ok = false;
        return;
    }
    if (res->initial.harm < 0) {
        b->spec.severity = b->spec.residual_severity = 0;
        snprintf(b->sbasis, sizeof b->sbasis,
                 "the assets %s reaches state no harm for the properties it can affect -> %s", what,
                 cfg->severity[0]);
        return;
    }
    reach_path(b->r, &res->initial, path, sizeof path);
    b->spec.severity = res->initial.harm;
    snprintf(b->sbasis, sizeof b->sbasis, "%s -> %s", path, cfg->severity[res->initial.harm]);
    b->spec.residual_severity = res->residual.harm < 0 ? 0 : res->residual.harm;
    bool other = res->residual.asset != res->initial.asset ||
                 res->residual.prop != res->initial.prop || res->residual.how != res->initial.how ||
                 res->residual.from != res->initial.from;
    if (res->residual.harm >= 0 && (res->residual.harm < res->initial.harm || other)) {
        reach_path(b->r, &res->residual, path, sizeof path);
        if (res->residual.ctl != REACH_NONE)
            snprintf(b->rbasis, sizeof b->rbasis, "%s -> %s, lowered from %s by %s", path,
                     cfg->severity[res->residual.harm], cfg->severity[res->residual.before],
                     b->m->controls[res->residual.ctl].id);
        else
            snprintf(b->rbasis, sizeof b->rbasis, "%s -> %s (worst left after by-design controls)",
                     path, cfg->severity[res->residual.harm]);
        b->spec.residual_severity_basis = b->rbasis;
    }
    design_controls(b, res);
}

/* Hazards the reach leads to, and those the file links by hand that say no caused_by. */
static void link_hazards(struct build *b, const struct reach_result *res, const char *const *extra,
                         size_t nextra, bool repudiation)
{
    const struct medsec_model *m = b->m;
    for (size_t h = 0; h < m->nhazards && b->spec.nsafety_hazards < MAX_SUGGESTED; h++) {
        bool hit = !repudiation && res->any && ((res->hazards[h / 64] >> (h % 64)) & 1ull);
        bool by_hand = !m->hazards[h].ncaused_by && has(extra, nextra, m->hazards[h].id);
        if (hit || by_hand)
            b->hazards[b->spec.nsafety_hazards++] = m->hazards[h].id;
    }
    b->spec.safety_hazards = b->hazards;
}

static void acceptance(struct build *b)
{
    const struct medsec_model *m = b->m;
    for (size_t i = 0; i < m->nrisk_acceptance; i++) {
        const struct medsec_model_acceptance *a = &m->risk_acceptance[i];
        if (strcmp(a->risk, b->spec.id) ||
            (a->version && b->reg->version && strcmp(a->version, b->reg->version)))
            continue;
        b->spec.accepted_by = a->by;
        b->spec.accepted_on = a->date;
        b->spec.acceptance_rationale = a->rationale;
        if (a->version)
            break; /* one for this release wins over one for every release */
    }
}

static void build_init(struct build *b, struct medsec_risk_register *reg,
                       const struct medsec_model *m, struct reach *r, struct medsec_diags *notes,
                       struct reach_entries *entries)
{
    memset(b, 0, sizeof *b);
    b->entries = entries;
    b->reg = reg;
    b->m = m;
    b->r = r;
    b->notes = notes;
    b->ok = true;
    medsec_buf_init(&b->text, 0);
}

static medsec_err finish(struct build *b, struct medsec_error *err)
{
    if (!b->ok) {
        medsec_buf_release(&b->text);
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    acceptance(b);
    for (size_t i = 0; i < b->spec.nsuggested; i++)
        b->sugg[i] = resolve(b, b->sugg[i]);
    b->spec.suggested = b->sugg;
    b->spec.controls = b->ctl;
    b->spec.exploitability_basis = b->ebasis;
    b->spec.severity_basis = b->sbasis;
    medsec_err rc = medsec_risk_register_add(b->reg, &b->spec, err);
    medsec_buf_release(&b->text);
    return rc;
}

/* ---- exploitability: the ways in, each lowered by the controls on it ----------------------- */

struct ways {
    int initial, residual; /* after the cap; -1 while there is no way in */
    int arch, arch_res;    /* the same without the cap (the architecture alone) */
    char iwhy[700], rwhy[900];
};

static void ways_init(struct ways *w)
{
    memset(w, 0, sizeof *w);
    w->initial = w->residual = w->arch = w->arch_res = -1;
}

/* Record the exploitability controls of one list that address @cats; the largest credited
 * reduction (with the control in @by) if above @red. */
static int reduction(struct build *b, const size_t *v, size_t n, unsigned cats, int red, size_t *by,
                     bool e2e)
{
    for (size_t i = 0; i < n; i++) {
        const struct medsec_model_control *c = &b->m->controls[v[i]];
        if (e2e && c->end_to_end != 1)
            continue;
        /* a control that does not say what it lowers is credited nowhere; a by-design one acts
         * through the assets it names (design_controls) */
        if (!covers(c, cats) || !medsec_control_lowers_exploitability(c->lowers))
            continue;
        add_control(b, v[i], levels_of(c), 0);
        if (reach_control_credit(b->r, v[i]) == REACH_CREDITED && levels_of(c) > red) {
            red = levels_of(c);
            *by = v[i];
        }
    }
    return red;
}

/* Every way in to act on an element for categories @cats, each lowered by the controls on it and
 * on the target (an item's own, its zone's, its assets'); at most @cap (a CVSS attack vector's
 * level; -1: none). */
static void ways_in(struct build *b, struct ways *w, enum medsec_model_kind kind, size_t index,
                    enum reach_mode mode, unsigned cats, int cap)
{
    const struct medsec_risk_config *cfg = &b->reg->config;
    if (!reach_entries(b->r, kind, index, mode, b->entries)) {
        b->ok = false;
        return;
    }
    /* the target's controls: an item's own; for a flow, its destination's (they hold whoever
     * sends) */
    const size_t *tv = NULL;
    size_t tn = kind == MEDSEC_MK_ITEM ? reach_controls(b->r, kind, index, &tv)
                : kind == MEDSEC_MK_FLOW && reach_flow_to(b->r, index) != REACH_NONE
                    ? reach_controls(b->r, MEDSEC_MK_ITEM, reach_flow_to(b->r, index), &tv)
                    : 0;
    for (size_t i = 0; i < b->entries->n; i++) {
        const struct reach_entry *e = &b->entries->v[i];
        int base = cap >= 0 && e->level > cap ? cap : e->level;
        int base_res = cap >= 0 && e->level_res > cap ? cap : e->level_res;
        size_t by = REACH_NONE, na;
        const size_t *ea, *eb;
        size_t nb = reach_entry_controls(b->r, e, &ea, &na, &eb);
        /* a compromised sender (a pivot, a peer system) defeats channel protections: only what
         * the receiver checks end to end holds on its flow */
        bool e2e = e->kind == REACH_ENTRY_PIVOT || e->kind == REACH_ENTRY_SENDER;
        int red = 0;
        if (e->kind == REACH_ENTRY_SENDER) {
            /* a compromised peer sends what it likes through every channel protection and past
             * input hardening: only the receiver's checks of the content (end to end) hold */
            const size_t *dv;
            size_t dn = reach_controls(b->r, MEDSEC_MK_ITEM, reach_flow_to(b->r, e->via), &dv);
            red = reduction(b, dv, dn, cats, red, &by, true);
        } else {
            red = reduction(b, tv, tn, cats, red, &by, false);
        }
        red = reduction(b, b->named, b->nnamed, cats, red, &by, e2e);
        red = reduction(b, ea, na, cats, red, &by, e2e);
        red = reduction(b, eb, nb, cats, red, &by, e2e);
        int res = base_res - red < 0 ? 0 : base_res - red,
            ares = e->level_res - red < 0 ? 0 : e->level_res - red;
        w->arch = e->level > w->arch ? e->level : w->arch;
        w->arch_res = ares > w->arch_res ? ares : w->arch_res;
        if (base <= w->initial && res <= w->residual)
            continue;
        char why[600];
        reach_entry_why(b->r, e, why, sizeof why);
        if (base > w->initial) {
            w->initial = base;
            snprintf(w->iwhy, sizeof w->iwhy, "%s", why);
        }
        if (res > w->residual) {
            w->residual = res;
            if (by != REACH_NONE && res < base_res)
                snprintf(w->rwhy, sizeof w->rwhy, "%s, lowered by %s -> %s", why,
                         b->m->controls[by].id, medsec_risk_exploitability_name(cfg, res));
            else
                snprintf(w->rwhy, sizeof w->rwhy, "%s (no control on it)", why);
        }
    }
}

static void note(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct build *b, const char *fmt, ...)
{
    size_t used = strlen(b->ebasis);
    if (used + 1 >= sizeof b->ebasis)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->ebasis + used, sizeof b->ebasis - used, fmt, ap);
    va_end(ap);
}

/* The initial and residual exploitability from the ways in, then what a CVSS vector needs
 * (privileges, user interaction: one level each) and known exploitation (KEV, EPSS). */
static void exploit_from(struct build *b, struct ways *w, const struct medsec_risk_cvss_needs *need,
                         int cap, bool kev, double epss, double threshold)
{
    const struct medsec_risk_config *cfg = &b->reg->config;
    int top = (int)cfg->nexploitability - 1;
    if (w->initial < 0) {
        w->initial = w->residual = w->arch = w->arch_res = top;
        snprintf(w->iwhy, sizeof w->iwhy, "no way in is known: the highest level");
        w->rwhy[0] = '\0';
    }
    note(b, "ways in: %s", w->iwhy);
    if (cap >= 0 && w->arch > cap)
        note(b, "; the CVSS attack vector needs %s access: at most %s",
             medsec_access_name(need->position), medsec_risk_exploitability_name(cfg, cap));
    int init = w->initial, res = w->residual;
    if (need && need->privileges && (init > 0 || res > 0)) {
        init = init > 0 ? init - 1 : 0;
        res = res > 0 ? res - 1 : 0;
        note(b, "; needs privileges: one level down -> %s",
             medsec_risk_exploitability_name(cfg, init));
    }
    if (need && need->interaction && (init > 0 || res > 0)) {
        init = init > 0 ? init - 1 : 0;
        res = res > 0 ? res - 1 : 0;
        note(b, "; needs user interaction: one level down -> %s",
             medsec_risk_exploitability_name(cfg, init));
    }
    int ri = medsec_risk_exploit_raise(init, w->arch, cfg->nexploitability, kev, epss, threshold);
    int rr =
        medsec_risk_exploit_raise(res, w->arch_res, cfg->nexploitability, kev, epss, threshold);
    if (ri != init) {
        if (kev)
            note(b,
                 "; in CISA KEV (exploited in the wild): one level above the architecture's -> %s",
                 medsec_risk_exploitability_name(cfg, ri));
        else
            note(b, "; EPSS %.3f: one level up -> %s", epss,
                 medsec_risk_exploitability_name(cfg, ri));
    }
    if (rr < ri && w->rwhy[0])
        note(b, "; after controls: %s", w->rwhy);
    b->spec.exploitability = ri;
    b->spec.has_residual_exploitability = true;
    b->spec.residual_exploitability = rr;
}

/* The level of a CVSS attack vector on the file's scale, or -1 (no vector). */
static int cvss_cap(struct build *b, const char *vector, struct medsec_risk_cvss_needs *need,
                    bool *have)
{
    *have = vector && medsec_risk_cvss_needs(vector, need) == MEDSEC_OK;
    return *have ? reach_level_of(b->r, need->position) : -1;
}

/* ---- threats -----------------------------------------------------------------------------------
 */

static unsigned stride_bit(enum medsec_stride s)
{
    return s == MEDSEC_STRIDE_NONE ? 0 : 1u << s;
}

/* What a threat of category @s on an element reaches (docs/risk.md, the table in "Severity from
 * reach"). @item_kind tells a process from a data store and an external entity. */
static void reach_element(struct build *b, struct reach_result *res, enum medsec_model_kind kind,
                          size_t i, enum medsec_stride s)
{
    struct reach *r = b->r;
    switch (kind) {
    case MEDSEC_MK_ITEM: {
        enum medsec_element_kind ek = b->m->items[i].element;
        if (s == MEDSEC_STRIDE_INFORMATION_DISCLOSURE)
            reach_add_item(r, res, i, REACH_C, false, NULL, NULL);
        else if (s == MEDSEC_STRIDE_DENIAL_OF_SERVICE) {
            reach_add_item(r, res, i, REACH_A, false, NULL, NULL);
            reach_add_availability_hosted(r, res, i); /* a host that stops stops what runs on it */
        } else if (s == MEDSEC_STRIDE_REPUDIATION)
            ; /* nothing: severity_from says why */
        else if (s == MEDSEC_STRIDE_SPOOFING || ek == MEDSEC_ELEMENT_EXTERNAL_ENTITY)
            reach_add_sent(r, res, i); /* impersonating it: what its peers take from it */
        else if (ek == MEDSEC_ELEMENT_DATA_STORE)
            reach_add_item(r, res, i,
                           s == MEDSEC_STRIDE_ELEVATION_OF_PRIVILEGE ? REACH_ALL : REACH_I, false,
                           NULL, NULL);
        else
            reach_add_compromised(r, res, i); /* tampering with or taking over a process */
        break;
    }
    case MEDSEC_MK_FLOW:
        if (s == MEDSEC_STRIDE_INFORMATION_DISCLOSURE) {
            reach_add_flow(r, res, i, REACH_C);
        } else if (s == MEDSEC_STRIDE_DENIAL_OF_SERVICE) {
            reach_add_flow(r, res, i, REACH_A);
        } else if (s != MEDSEC_STRIDE_REPUDIATION) {
            reach_add_flow(r, res, i, REACH_I);
            if (reach_control_flow(r, i))
                reach_add_commanded(r, res, reach_flow_to(r, i));
        }
        break;
    case MEDSEC_MK_INTERFACE: {
        size_t item = reach_interface_item(r, i);
        bool debug = b->m->interfaces[i].debug == 1;
        if (s == MEDSEC_STRIDE_INFORMATION_DISCLOSURE) {
            reach_add_interface(r, res, i, REACH_C, false);
            if (debug && item != REACH_NONE)
                reach_add_item(r, res, item, REACH_C, false, NULL, NULL);
        } else if (s == MEDSEC_STRIDE_DENIAL_OF_SERVICE) {
            reach_add_interface(r, res, i, REACH_A, false);
        } else if (s == MEDSEC_STRIDE_ELEVATION_OF_PRIVILEGE ||
                   (debug && s == MEDSEC_STRIDE_TAMPERING)) {
            reach_add_interface(r, res, i, REACH_I, true);
            reach_add_compromised(r, res, item);
        } else if (s != MEDSEC_STRIDE_REPUDIATION) {
            reach_add_interface(r, res, i, REACH_I, true);
            if (reach_interface_commands(r, i))
                reach_add_commanded(r, res, item);
        }
        break;
    }
    default: break;
    }
}

/* An element of the threat model as the model knows it: an item, a flow, an interface, or a zone
 * crossing (the flows it groups). */
struct element {
    enum medsec_model_kind kind; /* MEDSEC_MK_COUNT for a crossing */
    size_t index;
    const struct medsec_tm_attr *flows; /* a crossing's */
};

static bool locate(const struct build *b, const struct medsec_tm_graph *g, const char *id,
                   struct element *e)
{
    static const enum medsec_model_kind kinds[] = {MEDSEC_MK_ITEM, MEDSEC_MK_FLOW,
                                                   MEDSEC_MK_INTERFACE};
    for (size_t k = 0; id && k < sizeof kinds / sizeof kinds[0]; k++)
        if (reach_find(b->r, kinds[k], id, &e->index)) {
            e->kind = kinds[k];
            e->flows = NULL;
            return true;
        }
    const struct medsec_tm_element *te = id && g ? medsec_tm_find(g, id) : NULL;
    if (te && te->kind == MEDSEC_ELEMENT_ZONE_CROSSING) {
        const struct medsec_tm_attr *fl = medsec_tm_attr_get(te, "flows");
        if (fl && fl->type == MEDSEC_TM_LIST) {
            e->kind = MEDSEC_MK_COUNT;
            e->flows = fl;
            return true;
        }
    }
    return false;
}

/* Reach, exploitability (with why) and controls of an element for category @s. */
static void element_reach(struct build *b, struct reach_result *res, const struct element *e,
                          enum medsec_stride s)
{
    if (e->kind != MEDSEC_MK_COUNT) {
        reach_element(b, res, e->kind, e->index, s);
        return;
    }
    for (size_t i = 0; i < e->flows->nitems; i++) {
        size_t f;
        if (reach_find(b->r, MEDSEC_MK_FLOW, e->flows->items[i], &f))
            reach_element(b, res, MEDSEC_MK_FLOW, f, s);
    }
}

static medsec_err add_threat(struct build *b, const struct medsec_tm_graph *g,
                             const struct medsec_threat *t, struct medsec_error *err)
{
    const struct medsec_model *m = b->m;
    const struct medsec_model_threat *mt = t->manual ? medsec_model_find_threat(m, t->id) : NULL;
    char rid[160];
    snprintf(rid, sizeof rid, "R-%s", strncmp(t->id, "T-", 2) == 0 ? t->id + 2 : t->id);
    b->spec.id = rid;
    b->spec.threat_id = t->id;
    b->spec.title = t->title;
    b->spec.element = t->element_id;
    b->spec.stride = t->stride;
    b->spec.hazard = t->hazard;

    /* the elements and categories: a manual threat may name several of each */
    struct element els[64];
    size_t nels = 0;
    unsigned cats = stride_bit(t->stride);
    if (mt) {
        for (size_t i = 0; i < mt->elements.n && nels < 64; i++)
            if (locate(b, g, mt->elements.v[i], &els[nels]))
                nels++;
        for (size_t i = 0; i < mt->stride.n; i++)
            cats |= stride_bit((enum medsec_stride)mt->stride.v[i]);
    } else if (locate(b, g, t->element_id, &els[0])) {
        nels = 1;
    }

    /* severity */
    struct reach_result res;
    reach_begin(b->r, &res);
    for (size_t e = 0; e < nels; e++)
        for (int s = MEDSEC_STRIDE_SPOOFING; s <= MEDSEC_STRIDE_ELEVATION_OF_PRIVILEGE; s++)
            if ((cats >> s) & 1u)
                element_reach(b, &res, &els[e], (enum medsec_stride)s);
    if (mt) {
        /* the assets it names, for the properties its categories touch */
        unsigned props = 0;
        if (cats & (stride_bit(MEDSEC_STRIDE_SPOOFING) | stride_bit(MEDSEC_STRIDE_TAMPERING)))
            props |= REACH_I;
        if (cats & stride_bit(MEDSEC_STRIDE_INFORMATION_DISCLOSURE))
            props |= REACH_C;
        if (cats & stride_bit(MEDSEC_STRIDE_DENIAL_OF_SERVICE))
            props |= REACH_A;
        if (cats & stride_bit(MEDSEC_STRIDE_ELEVATION_OF_PRIVILEGE))
            props |= REACH_ALL;
        for (size_t i = 0; i < mt->assets.n; i++) {
            size_t a;
            if (reach_find(b->r, MEDSEC_MK_ASSET, mt->assets.v[i], &a))
                reach_add_asset(b->r, &res, a, props);
        }
    }
    bool repudiation = cats == stride_bit(MEDSEC_STRIDE_REPUDIATION);
    char what[300];
    snprintf(what, sizeof what, "%s %s", t->element_id ? "element" : "the threat",
             t->element_id ? t->element_id : t->id);
    if (!nels && !res.any && !repudiation) {
        /* a threat on nothing the model knows: fail closed like an unknown reach */
        snprintf(what, sizeof what, "threat %s", t->id);
    }
    bool known = false;
    for (size_t e = 0; e < nels && !known; e++)
        known = els[e].kind != MEDSEC_MK_COUNT && reach_known(b->r, els[e].kind, els[e].index);
    link_hazards(b, &res, (const char *const *)t->hazards, t->nhazards, repudiation);
    severity_from(b, &res, what, repudiation, known);

    /* exploitability: the ways in to each element, lowered by the controls on them and by the
     * controls the threat names */
    for (size_t i = 0; mt && i < mt->controls.n && b->nnamed < MAX_CONTROLS; i++) {
        size_t k;
        if (reach_find(b->r, MEDSEC_MK_CONTROL, mt->controls.v[i], &k))
            b->named[b->nnamed++] = k;
    }
    struct medsec_risk_cvss_needs need;
    bool have = false;
    int cap = mt && mt->cvss ? cvss_cap(b, mt->cvss->vector, &need, &have) : -1;
    struct ways w;
    ways_init(&w);
    for (size_t e = 0; e < nels; e++) {
        if (els[e].kind != MEDSEC_MK_COUNT) {
            enum reach_mode mode = REACH_RECEIVING;
            bool peer = els[e].kind == MEDSEC_MK_ITEM &&
                        m->items[els[e].index].element == MEDSEC_ELEMENT_EXTERNAL_ENTITY;
            if (cats == stride_bit(MEDSEC_STRIDE_SPOOFING))
                mode = REACH_SENDING; /* impersonating it */
            else if (peer && !(cats & (stride_bit(MEDSEC_STRIDE_INFORMATION_DISCLOSURE) |
                                       stride_bit(MEDSEC_STRIDE_DENIAL_OF_SERVICE) |
                                       stride_bit(MEDSEC_STRIDE_REPUDIATION))))
                mode = REACH_COMPROMISED_SENDER; /* a peer system that is itself compromised */
            ways_in(b, &w, els[e].kind, els[e].index, mode, cats, cap);
            continue;
        }
        for (size_t i = 0; i < els[e].flows->nitems; i++) {
            size_t f;
            if (reach_find(b->r, MEDSEC_MK_FLOW, els[e].flows->items[i], &f))
                ways_in(b, &w, MEDSEC_MK_FLOW, f, REACH_RECEIVING, cats, cap);
        }
    }
    int stated = mt ? exploit_index(b->reg, mt->exploitability) : -1;
    if (stated >= 0) {
        /* the manufacturer's own level; the controls on the ways in take off what they take off
         * the architecture's */
        int off = w.initial >= 0 ? w.initial - w.residual : 0;
        note(b, "stated in the threat: %s", mt->exploitability);
        if (w.initial >= 0)
            note(b, " (ways in: %s)", w.iwhy);
        b->spec.exploitability = stated;
        b->spec.has_residual_exploitability = true;
        b->spec.residual_exploitability = stated - off < 0 ? 0 : stated - off;
        if (off && w.rwhy[0])
            note(b, "; after controls: %s", w.rwhy);
    } else {
        if (mt && mt->cvss)
            note(b, "MITRE rubric %s: %s; ", mt->rubric, mt->cvss->vector);
        if (!t->manual && t->initial_rating == MEDSEC_TM_LOW && w.initial > 0) {
            /* the rule says the attack itself is hard: one level less on every way in */
            w.initial--;
            w.residual = w.residual > 0 ? w.residual - 1 : 0;
            note(b, "the rule rates the attack low (one level down); ");
        }
        exploit_from(b, &w, have ? &need : NULL, cap, false, -1, 0);
    }
    for (size_t i = 0; i < b->nnamed; i++) {
        const struct medsec_model_control *c = &m->controls[b->named[i]];
        add_control(b, b->named[i],
                    medsec_control_lowers_exploitability(c->lowers) ? levels_of(c) : 0, 0);
    }
    for (size_t i = 0; i < t->nmissing; i++)
        suggest(b, t->missing[i]);
    return finish(b, err);
}

/* ---- known vulnerabilities ------------------------------------------------------------------- */

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

/* The rubric's answer for an asset: the highest over its clinical functions (none: the vector). */
static int asset_impact(const struct medsec_cvss_rubric *rb, const struct medsec_model_asset *a,
                        int k)
{
    int best = a->functions.n ? 0 : rubric_impact(rb, k, "");
    for (size_t f = 0; f < a->functions.n; f++) {
        int l = rubric_impact(rb, k, a->functions.v[f]);
        best = l > best ? l : best;
    }
    return best;
}

static bool rubric_allows(const void *ud, const struct medsec_model_asset *a,
                          enum medsec_property p)
{
    return asset_impact(ud, a, (int)p) > 0;
}

/* A known vulnerability on some items of the device, from the security file or from a scan
 * finding: what its risk is made of. */
struct vuln_risk {
    const char *vuln_id, *risk_id, *title;
    const size_t *items;
    size_t nitems;
    const struct medsec_strlist *named_controls; /* controls the file names against it, or NULL */
    const struct medsec_cvss_rubric *rubric;     /* impact per clinical function, or NULL */
    const char *vector;                          /* the CVSS vector used, or NULL */
    const char *vector_source;                   /* "the security file", "NVD" ... */
    bool kev;
    double epss, epss_threshold;
    const char *remedy; /* what would remove it (an update), or NULL */
};

static medsec_err add_vuln_risk(struct build *b, const struct vuln_risk *v,
                                struct medsec_error *err)
{
    const struct medsec_model *m = b->m;
    b->spec.id = v->risk_id;
    b->spec.vulnerability_id = v->vuln_id;
    b->spec.title = v->title;
    b->spec.element = v->nitems ? m->items[v->items[0]].id : NULL;

    /* what it impacts: per clinical function (rubric), the vector's C/I/A, or all when unknown */
    int cia[3] = {2, 2, 2};
    bool known = false;
    if (v->rubric) {
        for (int k = 0; k < 3; k++) {
            cia[k] = 0;
            for (size_t a = 0; a < m->nassets; a++) {
                int l = asset_impact(v->rubric, &m->assets[a], k);
                cia[k] = l > cia[k] ? l : cia[k];
            }
        }
        known = true;
    } else if (v->vector && medsec_risk_impact_from_cvss(v->vector, cia) == MEDSEC_OK) {
        known = true;
    } else {
        cia[0] = cia[1] = cia[2] = 2;
    }
    unsigned props = (cia[0] ? REACH_C : 0u) | (cia[1] ? REACH_I : 0u) | (cia[2] ? REACH_A : 0u);
    bool takeover = cia[1] == 2; /* full loss of integrity: it acts as the attacker says */
    struct reach_result res;
    reach_begin(b->r, &res);
    for (size_t i = 0; i < v->nitems; i++) {
        reach_add_item(b->r, &res, v->items[i], props, takeover, v->rubric ? rubric_allows : NULL,
                       v->rubric);
        if (takeover)
            reach_add_controlled(b->r, &res, v->items[i]);
    }
    char what[300];
    snprintf(what, sizeof what, "%s on %s", v->vuln_id,
             v->nitems ? m->items[v->items[0]].id : "no item of the security file");
    bool stakes = false;
    for (size_t i = 0; i < v->nitems && !stakes; i++)
        stakes = reach_known(b->r, MEDSEC_MK_ITEM, v->items[i]);
    link_hazards(b, &res, NULL, 0, false);
    severity_from(b, &res, what, false, stakes);
    if (!known) {
        size_t used = strlen(b->sbasis);
        snprintf(b->sbasis + used, sizeof b->sbasis - used,
                 " (impact unknown: confidentiality, integrity and availability counted)");
    }

    /* exploitability: the ways in to the affected items, lowered by the controls on them for
     * what the impact means, capped by the vector's attack vector; then privileges, user
     * interaction and known exploitation */
    unsigned cats = (cia[0] ? stride_bit(MEDSEC_STRIDE_INFORMATION_DISCLOSURE) : 0u) |
                    (cia[1] ? stride_bit(MEDSEC_STRIDE_TAMPERING) : 0u) |
                    (cia[2] ? stride_bit(MEDSEC_STRIDE_DENIAL_OF_SERVICE) : 0u) |
                    (takeover ? stride_bit(MEDSEC_STRIDE_ELEVATION_OF_PRIVILEGE) : 0u);
    for (size_t i = 0; v->named_controls && i < v->named_controls->n && b->nnamed < MAX_CONTROLS;
         i++) {
        size_t k;
        if (reach_find(b->r, MEDSEC_MK_CONTROL, v->named_controls->v[i], &k))
            b->named[b->nnamed++] = k;
    }
    struct medsec_risk_cvss_needs need;
    bool have;
    int cap = cvss_cap(b, v->vector, &need, &have);
    struct ways w;
    ways_init(&w);
    for (size_t i = 0; i < v->nitems; i++)
        ways_in(b, &w, MEDSEC_MK_ITEM, v->items[i], REACH_RECEIVING, cats, cap);
    if (v->vector)
        note(b, "%s %s; ", v->vector_source, v->vector);
    else
        note(b, "no CVSS vector; ");
    exploit_from(b, &w, have ? &need : NULL, cap, v->kev, v->epss, v->epss_threshold);
    for (size_t i = 0; i < b->nnamed; i++) {
        const struct medsec_model_control *c = &m->controls[b->named[i]];
        add_control(b, b->named[i],
                    medsec_control_lowers_exploitability(c->lowers) ? levels_of(c) : 0, 0);
    }
    if (v->remedy)
        suggest(b, v->remedy);
    return finish(b, err);
}

/* The items a file vulnerability affects: items it names, and items whose components it names. */
static size_t vuln_items(const struct build *b, const struct medsec_model_vulnerability *vu,
                         size_t *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < vu->items.n && n < cap; i++) {
        size_t x;
        if (reach_find(b->r, MEDSEC_MK_ITEM, vu->items.v[i], &x))
            out[n++] = x;
    }
    return n;
}

static medsec_err add_vulnerability(struct build *b, const struct medsec_model_vulnerability *vu,
                                    struct medsec_error *err)
{
    const struct medsec_model *m = b->m;
    const char *vector = vu->cvss ? vu->cvss->vector : vu->cvss_vector;
    if (vu->rubric && !vu->cvss)
        return medsec_error_set(
            err, MEDSEC_EINVAL, m->file, vu->pos.line, vu->pos.column,
            "vulnerability %s: its rubric answers were not loaded (the security file was "
            "read without its folder)",
            vu->id);
    char rid[160], title[512], src[300];
    if (vu->title) {
        snprintf(title, sizeof title, "%s", vu->title);
    } else {
        size_t used = (size_t)snprintf(title, sizeof title, "Known vulnerability %s in", vu->id);
        for (size_t i = 0; i < vu->components.n && used < sizeof title; i++)
            used += (size_t)snprintf(title + used, sizeof title - used, "%s %s", i ? "," : "",
                                     vu->components.v[i]);
    }
    snprintf(rid, sizeof rid, "R-%s", vu->id);
    if (vu->cvss)
        snprintf(src, sizeof src, "the manufacturer's assessment (MITRE rubric %s):", vu->rubric);
    else
        snprintf(src, sizeof src, "the manufacturer's assessment:");
    size_t items[256];
    struct vuln_risk v = {
        .vuln_id = vu->id,
        .risk_id = rid,
        .title = title,
        .items = items,
        .nitems = vuln_items(b, vu, items, 256),
        .named_controls = &vu->controls,
        .rubric = vu->cvss,
        .vector = vector,
        .vector_source = src,
        .epss = -1,
    };
    return add_vuln_risk(b, &v, err);
}

/* ---- scan findings --------------------------------------------------------------------------- */

/* Does the file's assessment @vu cover finding @f: the same vulnerability (id or alias) on one of
 * the same items, or naming the same component? */
static bool assessed_by(const struct medsec_model *m, const struct medsec_model_vulnerability *vu,
                        const struct medsec_risk_finding *f, const size_t *items, size_t nitems)
{
    bool same = !strcmp(vu->id, f->id);
    for (size_t a = 0; a < f->naliases && !same; a++)
        same = !strcmp(vu->id, f->aliases[a]);
    if (!same)
        return false;
    if (medsec_strlist_has(&vu->components, f->component))
        return true;
    for (size_t i = 0; i < nitems; i++)
        if (medsec_strlist_has(&vu->items, m->items[items[i]].id))
            return true;
    return false;
}

static struct reach *reach_for(struct medsec_risk_register *reg, const struct medsec_model *m,
                               struct medsec_error *err)
{
    struct reach *r = reach_new(m, reg);
    if (!r)
        medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    return r;
}

/* The items finding @f's component is part of: those that list it, or own its whole SBOM; for an
 * older release's SBOM (the items describe the current one), those that list its ref, which a
 * component keeps from release to release. @items has room for every item. */
static size_t finding_items(const struct medsec_model *m, const struct medsec_risk_finding *f,
                            size_t *items)
{
    size_t nitems = 0;
    for (size_t k = 0; k < m->nitems; k++) {
        const struct medsec_model_item *it = &m->items[k];
        if (it->sbom && f->sbom && !strcmp(it->sbom, f->sbom) &&
            (!it->components.n || medsec_strlist_has(&it->components, f->component)))
            items[nitems++] = k;
    }
    for (size_t k = 0; !nitems && k < m->nitems; k++)
        if (medsec_strlist_has(&m->items[k].components, f->component))
            items[nitems++] = k;
    return nitems;
}

medsec_err medsec_risk_add_findings(struct medsec_risk_register *reg, const struct medsec_model *m,
                                    const struct medsec_risk_finding *f, size_t n,
                                    double epss_threshold, size_t *assessed,
                                    struct medsec_diags *notes, struct medsec_error *err)
{
    size_t skipped = 0;
    struct reach_entries entries = {0};
    struct reach *r = reach_for(reg, m, err);
    size_t *items = medsec_malloc((m->nitems ? m->nitems : 1) * sizeof *items);
    if (!r || !items) {
        reach_free(r);
        medsec_free(items);
        return medsec_error_set(err, MEDSEC_ENOMEM, m->file, 0, 0, "out of memory");
    }
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        size_t nitems = finding_items(m, &f[i], items);
        bool done = false;
        for (size_t k = 0; k < m->nvulnerabilities && !done; k++)
            done = assessed_by(m, &m->vulnerabilities[k], &f[i], items, nitems);
        if (done) {
            skipped++;
            continue;
        }
        char rid[400], title[512], remedy[400];
        snprintf(rid, sizeof rid, "R-%s@%s", f[i].id, f[i].component);
        /* the same component ref in two SBOMs of the release (CycloneDX and SPDX of one image) */
        if (medsec_risk_register_find(reg, rid))
            continue;
        snprintf(title, sizeof title, "%s in %s%s%s%s%s", f[i].id,
                 f[i].component_name ? f[i].component_name : f[i].component,
                 f[i].component_version ? " " : "",
                 f[i].component_version ? f[i].component_version : "", f[i].summary ? ": " : "",
                 f[i].summary ? f[i].summary : "");
        struct vuln_risk v = {
            .vuln_id = f[i].id,
            .risk_id = rid,
            .title = title,
            .items = items,
            .nitems = nitems,
            .vector = f[i].cvss_vector,
            .vector_source = "advisory",
            .kev = f[i].kev,
            .epss = f[i].epss,
            .epss_threshold = epss_threshold,
        };
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
        struct build b;
        build_init(&b, reg, m, r, notes, &entries);
        rc = add_vuln_risk(&b, &v, err);
    }
    reach_free(r);
    medsec_free(items);
    medsec_free(entries.v);
    if (!rc)
        medsec_risk_register_sort(reg);
    if (assessed)
        *assessed = skipped;
    return rc;
}

medsec_err medsec_risk_from_model(struct medsec_risk_register *reg, const struct medsec_model *m,
                                  const struct medsec_tm_graph *g,
                                  const struct medsec_threat_list *threats,
                                  struct medsec_diags *notes, struct medsec_error *err)
{
    struct reach *r = reach_for(reg, m, err);
    if (!r)
        return MEDSEC_ENOMEM;
    medsec_err rc = MEDSEC_OK;
    struct build b;
    struct reach_entries entries = {0};
    for (size_t i = 0; i < threats->n && !rc; i++) {
        if (threats->v[i].by_design)
            continue;
        build_init(&b, reg, m, r, notes, &entries);
        rc = add_threat(&b, g, &threats->v[i], err);
    }
    for (size_t i = 0; i < m->nvulnerabilities && !rc; i++) {
        if (!medsec_vuln_status_open(m->vulnerabilities[i].status))
            continue;
        build_init(&b, reg, m, r, notes, &entries);
        rc = add_vulnerability(&b, &m->vulnerabilities[i], err);
    }
    medsec_free(entries.v);
    reach_free(r);
    if (!rc)
        medsec_risk_register_sort(reg);
    return rc;
}

/* ---- the context of a finding, for triage suggestions ------------------------------------- */

/* A text that may be cut at @cap (the reasoning a person reads). */
static void textf(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void textf(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
}

/* The largest credited exploitability reduction on way in @e to item @x among the controls that
 * address @cats; with @own_only only the item's own controls (not the way in's: channel
 * protections, which authenticate the sender); the control in *@by. */
static int entry_reduction(struct reach *r, const struct medsec_model *m, size_t x,
                           const struct reach_entry *e, unsigned cats, bool own_only, size_t *by)
{
    const size_t *lists[3] = {NULL, NULL, NULL};
    size_t ns[3] = {0, 0, 0};
    ns[0] = reach_controls(r, MEDSEC_MK_ITEM, x, &lists[0]);
    ns[2] = reach_entry_controls(r, e, &lists[1], &ns[1], &lists[2]);
    bool e2e = e->kind == REACH_ENTRY_PIVOT || e->kind == REACH_ENTRY_SENDER;
    int red = 0;
    for (int l = 0; l < (own_only ? 1 : 3); l++)
        for (size_t i = 0; i < ns[l]; i++) {
            const struct medsec_model_control *c = &m->controls[lists[l][i]];
            if ((e2e && c->end_to_end != 1) || !covers(c, cats) ||
                !medsec_control_lowers_exploitability(c->lowers) ||
                reach_control_credit(r, lists[l][i]) != REACH_CREDITED)
                continue;
            if (levels_of(c) > red) {
                red = levels_of(c);
                *by = lists[l][i];
            }
        }
    return red;
}

static void why_add(char *buf, size_t cap, size_t *used, const char *why, const char *ctl)
{
    if (*used + 1 >= cap)
        return;
    int w = snprintf(buf + *used, cap - *used, "%s%s, lowered by %s", *used ? "; " : "", why, ctl);
    *used += w > 0 ? (size_t)w : 0;
    if (*used >= cap)
        *used = cap - 1;
}

static void context_controls(struct reach *r, const struct medsec_model *m, const size_t *items,
                             size_t nitems, unsigned cats, int cap, struct reach_entries *entries,
                             struct medsec_risk_context *c, bool *ok)
{
    int top = -1;
    bool all = true, other = true;
    size_t used = 0, used_other = 0;
    c->control_why[0] = c->control_other_why[0] = '\0';
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < nitems; i++) {
            if (!reach_entries(r, MEDSEC_MK_ITEM, items[i], REACH_RECEIVING, entries)) {
                *ok = false;
                return;
            }
            for (size_t k = 0; k < entries->n; k++) {
                const struct reach_entry *e = &entries->v[k];
                int base = cap >= 0 && e->level > cap ? cap : e->level;
                if (pass == 0) {
                    top = base > top ? base : top;
                    continue;
                }
                if (base != top)
                    continue;
                size_t by = REACH_NONE, by_other = REACH_NONE;
                int red = entry_reduction(r, m, items[i], e, cats, false, &by);
                int red_other = entry_reduction(r, m, items[i], e, cats, true, &by_other);
                all = all && red > 0;
                other = other && red_other > 0;
                char why[300];
                reach_entry_why(r, e, why, sizeof why);
                if (by != REACH_NONE)
                    why_add(c->control_why, sizeof c->control_why, &used, why, m->controls[by].id);
                if (by_other != REACH_NONE)
                    why_add(c->control_other_why, sizeof c->control_other_why, &used_other, why,
                            m->controls[by_other].id);
            }
        }
    c->controlled = top >= 0 && all;
    c->controlled_other = c->controlled && other;
}

static void context_harm(struct reach *r, const struct medsec_model *m,
                         const struct medsec_risk_config *cfg, const size_t *items, size_t nitems,
                         int p, bool takeover, struct medsec_risk_context *c)
{
    struct reach_result res;
    reach_begin(r, &res);
    for (size_t i = 0; i < nitems; i++) {
        reach_add_item(r, &res, items[i], 1u << p, takeover, NULL, NULL);
        if (p == MEDSEC_PROP_INTEGRITY)
            reach_add_sent(r, &res, items[i]); /* what it sends and commands, altered */
        if (p == MEDSEC_PROP_AVAILABILITY)
            reach_add_availability_hosted(r, &res, items[i]);
        if (takeover)
            reach_add_hosted(r, &res, items[i], 1u << p);
    }
    c->harm[p] = res.any ? res.residual.harm : -1;
    c->hazard[p] = false;
    c->hazards[p][0] = '\0';
    size_t used = 0;
    for (size_t h = 0; res.any && res.initial.harm >= 0 && h < m->nhazards; h++) {
        if (!((res.hazards[h / 64] >> (h % 64)) & 1ull))
            continue;
        c->hazard[p] = true;
        if (used + 1 < sizeof c->hazards[p]) {
            int w = snprintf(c->hazards[p] + used, sizeof c->hazards[p] - used, "%s%s",
                             used ? ", " : "", m->hazards[h].id);
            used += w > 0 ? (size_t)w : 0;
            if (used >= sizeof c->hazards[p])
                used = sizeof c->hazards[p] - 1;
        }
    }
    c->harm_why[p][0] = '\0';
    if (c->harm[p] >= 0) {
        char path[360];
        reach_path(r, &res.residual, path, sizeof path);
        textf(c->harm_why[p], sizeof c->harm_why[p], "%s -> %s", path, cfg->severity[c->harm[p]]);
    }
}

/* Components that implement a communication protocol or what authenticates it (struct
 * medsec_risk_context, protocol), by name without case. */
static const char *const protocol_names[] = {
    "openssl", "libressl", "boringssl", "mbedtls", "wolfssl",           "gnutls",
    "nss",     "dropbear", "openssh",   "libssh",  "libssh2",           "wpa_supplicant",
    "hostapd", "bluez",    "mosquitto", "linux",   "linux-kernel",      "linux_kernel",
    "kernel",  "lwip",     "ipnet",     "vxworks", "freertos-plus-tcp", "zephyr",
    "nuttx",   "threadx",  "netx",      "uip",     "picotcp",           "nimble",
};

/* Lower-case @name into @buf. */
static void lower(const char *name, char *buf, size_t cap)
{
    size_t n = 0;
    for (; name[n] && n + 1 < cap; n++)
        buf[n] = name[n] >= 'A' && name[n] <= 'Z' ? (char)(name[n] + 32) : name[n];
    buf[n] = '\0';
}

/* A listed name, alone or followed by more words ("Ipnet TCP/IP Stack"), or a name that says it is
 * an IP stack. */
static bool protocol_component(const char *name)
{
    char low[128];
    if (!name)
        return false;
    lower(name, low, sizeof low);
    if (strstr(low, "tcp/ip") || strstr(low, "ip stack") || strstr(low, "tcpip"))
        return true;
    for (size_t i = 0; i < sizeof protocol_names / sizeof *protocol_names; i++) {
        size_t l = strlen(protocol_names[i]);
        if (!strncmp(low, protocol_names[i], l) && (low[l] == '\0' || low[l] == ' '))
            return true;
    }
    return false;
}

medsec_err medsec_risk_finding_contexts(const struct medsec_model *m,
                                        const struct medsec_risk_finding *f, size_t n,
                                        struct medsec_risk_context *out, struct medsec_error *err)
{
    struct medsec_risk_register reg;
    medsec_err rc = medsec_risk_register_from_model(&reg, m, err);
    if (rc)
        return rc;
    struct reach *r = reach_for(&reg, m, err);
    size_t *items = medsec_malloc((m->nitems ? m->nitems : 1) * sizeof *items);
    struct reach_entries entries = {0};
    bool ok = r && items;
    for (size_t i = 0; i < n && ok; i++) {
        struct medsec_risk_context *c = &out[i];
        memset(c, 0, sizeof *c);
        c->position = c->vector_position = c->modified_position = MEDSEC_ACCESS_COUNT;
        c->nseverity = reg.config.nseverity;
        for (int p = 0; p < 3; p++)
            c->harm[p] = -1;
        size_t nitems = finding_items(m, &f[i], items), used = 0;
        c->placed = nitems > 0;
        c->protocol = protocol_component(f[i].component_name);
        for (size_t k = 0; k < nitems && used + 1 < sizeof c->items; k++) {
            int w = snprintf(c->items + used, sizeof c->items - used, "%s%s", k ? ", " : "",
                             m->items[items[k]].id);
            used += w > 0 ? (size_t)w : 0;
        }
        if (!nitems)
            continue;
        struct medsec_risk_cvss_needs need;
        bool have = f[i].cvss_vector && medsec_risk_cvss_needs(f[i].cvss_vector, &need) == 0;
        c->vector_position = have ? need.position : MEDSEC_ACCESS_COUNT;
        /* where content comes from: the most exposed over the items, then the ways in within
         * the modified attack vector, for authentication */
        struct reach_exposure ex;
        enum medsec_access best = MEDSEC_ACCESS_COUNT;
        for (size_t k = 0; k < nitems && ok; k++) {
            char why[400];
            ok = reach_item_exposure(r, items[k], MEDSEC_ACCESS_REMOTE, !c->protocol, &ex, why,
                                     sizeof why);
            if (ok && ex.position < best) {
                best = ex.position;
                c->hosted = ex.hosted != REACH_NONE;
                textf(c->position_why, sizeof c->position_why, "%s: %s", m->items[items[k]].id,
                      why);
            }
        }
        c->position = best;
        enum medsec_access mod = best;
        if (have && (mod == MEDSEC_ACCESS_COUNT || need.position > mod))
            mod = need.position;
        c->modified_position = mod;
        c->authenticated = mod != MEDSEC_ACCESS_COUNT;
        bool within = false;
        for (size_t k = 0; k < nitems && ok && mod != MEDSEC_ACCESS_COUNT; k++) {
            char why[8];
            ok = reach_item_exposure(r, items[k], mod, !c->protocol, &ex, why, sizeof why);
            within = within || ex.any_within;
            if (ok && ex.any_within && !ex.authenticated && c->authenticated) {
                c->authenticated = false;
                textf(c->auth_why, sizeof c->auth_why, "%s: %s", m->items[items[k]].id,
                      ex.open_why);
            }
        }
        c->authenticated = c->authenticated && within;
        /* the harm of losing each property */
        int cia[3] = {2, 2, 2};
        if (!f[i].cvss_vector || medsec_risk_impact_from_cvss(f[i].cvss_vector, cia))
            cia[0] = cia[1] = cia[2] = 2;
        bool takeover = cia[1] == 2;
        for (int p = 0; p < 3 && ok; p++)
            context_harm(r, m, &reg.config, items, nitems, p, takeover, c);
        unsigned cats = (cia[0] ? stride_bit(MEDSEC_STRIDE_INFORMATION_DISCLOSURE) : 0u) |
                        (cia[1] ? stride_bit(MEDSEC_STRIDE_TAMPERING) : 0u) |
                        (cia[2] ? stride_bit(MEDSEC_STRIDE_DENIAL_OF_SERVICE) : 0u) |
                        (takeover ? stride_bit(MEDSEC_STRIDE_ELEVATION_OF_PRIVILEGE) : 0u);
        int cap = have ? reach_level_of(r, need.position) : -1;
        if (ok)
            context_controls(r, m, items, nitems, cats, cap, &entries, c, &ok);
    }
    medsec_free(entries.v);
    medsec_free(items);
    reach_free(r);
    medsec_risk_register_release(&reg);
    if (!ok)
        return medsec_error_set(err, MEDSEC_ENOMEM, m->file, 0, 0, "out of memory");
    return MEDSEC_OK;
}
