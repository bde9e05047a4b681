/*
 * ifu.c: the hospital documents (docs/docs-hdo.md): the security section of the instructions for
 * use (MDR Annex I GSPR 23.4(ab) and 23.4(g), MDCG 2019-16 §4.2; short, for users) and the
 * administrator security manual for the hospital's IT and biomedical staff (MDCG 2019-16 §4.3;
 * complete). Both are written topic by topic from the security file and the risk register alone;
 * a topic the file gives no source for is a gap, never filled in.
 */
#include <string.h>
#include <strings.h>

#include "doc.h"
#include "medsec/alloc.h"
#include "medsec/dfd.h"
#include "medsec/json.h"
#include "medsec/risk.h"

/* What the two documents are built from. */
struct hdo {
    struct docs_gen *g;
    const struct medsec_model *m;
    struct medsec_docs *s;
    struct medsec_risk_register reg;
    struct medsec_buf b;   /* scratch for joined lists */
    struct medsec_buf dfd; /* the data-flow diagram, SVG */
};

/* One document being written: the IFU (short) or the HDO manual (full). */
struct out {
    struct doc *d;
    bool full;        /* the HDO manual */
    const char *area; /* "IFU" or "HDO": the gap area */
};

#define IFU_ID "ifu-security"
#define HDO_ID "hdo-security-manual"

static const char *yes_no(int v)
{
    return v == MEDSEC_UNSTATED ? "not stated" : v ? "yes" : "no";
}

/* What an id of the shared namespace is called: its name, else the id. */
static const char *label(const struct medsec_model *m, const char *id)
{
    const char *name = NULL;
    const struct medsec_model_item *it;
    const struct medsec_model_interface *in;
    const struct medsec_model_flow *f;
    const struct medsec_model_zone *z;
    const struct medsec_model_asset *a;
    const struct medsec_model_control *c;
    if (!id)
        return "not stated";
    if ((it = medsec_model_find_item(m, id)))
        name = it->name;
    else if ((in = medsec_model_find_interface(m, id)))
        name = in->name;
    else if ((f = medsec_model_find_flow(m, id)))
        name = f->name;
    else if ((z = medsec_model_find_zone(m, id)))
        name = z->name;
    else if ((a = medsec_model_find_asset(m, id)))
        name = a->name;
    else if ((c = medsec_model_find_control(m, id)))
        name = c->name;
    return name ? name : id;
}

/* @t without a final full stop (descriptions go inside sentences), in the set's arena. */
static const char *clause(struct medsec_docs *s, const char *t)
{
    size_t n = strlen(t);
    while (n && (t[n - 1] == '.' || t[n - 1] == ' '))
        n--;
    return docs_strf(s, "%.*s", (int)n, t);
}

/* "Name (id)" for an element of the shared namespace, in the set's arena. */
static const char *named(struct hdo *h, const char *id)
{
    const char *n = label(h->m, id);
    return n == id ? docs_strf(h->s, "%s", id) : docs_strf(h->s, "%s (%s)", n, id);
}

/* The names of @ids joined with ", " (in the set's arena; "none" when empty). */
static const char *names(struct hdo *h, const struct medsec_strlist *ids)
{
    medsec_buf_reset(&h->b);
    for (size_t i = 0; i < ids->n; i++)
        medsec_buf_addf(&h->b, "%s%s", i ? ", " : "", label(h->m, ids->v[i]));
    return docs_strf(h->s, "%s", ids->n ? h->b.data : "none");
}

/* "AUDT (Audit controls), ..." for a control's capabilities, each with its HN 1-2019 title. */
static const char *capabilities(struct hdo *h, const struct medsec_model_control *c)
{
    medsec_buf_reset(&h->b);
    for (size_t i = 0; i < c->capabilities.n; i++) {
        enum medsec_capability cap;
        const struct medsec_capability_info *ci = NULL;
        if (medsec_capability_parse(c->capabilities.v[i], &cap))
            ci = medsec_capability_info(cap);
        medsec_buf_addf(&h->b, "%s%s", i ? ", " : "", c->capabilities.v[i]);
        if (ci)
            medsec_buf_addf(&h->b, " (%s)", ci->title);
    }
    return docs_strf(h->s, "%s", c->capabilities.n ? h->b.data : "none stated");
}

/* Does control @c claim capability @code in its HN 1-2019 meaning (medsec_model_control_claims: a
 * code against its meaning does not count)? */
static bool has_cap(const struct medsec_model *m, const struct medsec_model_control *c,
                    const char *code)
{
    enum medsec_capability cap;
    return medsec_capability_parse(code, &cap) && medsec_model_control_claims(m, c, cap);
}

static bool active(const struct medsec_model_control *c)
{
    return medsec_control_status_active(c->status);
}

static bool is_device_item(const struct medsec_model_item *it)
{
    return it && it->element != MEDSEC_ELEMENT_EXTERNAL_ENTITY;
}

/* A person (or a role) rather than a system: the external entities whose type names people. */
static bool is_person(const struct medsec_model_item *it)
{
    if (it->element != MEDSEC_ELEMENT_EXTERNAL_ENTITY || !it->type)
        return false;
    return !strcmp(it->type, "user") || !strcmp(it->type, "operator") || !strcmp(it->type, "human");
}

/* Does a data store hold any of @words (NULL: anything)? */
static bool holds(const struct medsec_model_item *it, const char *const *words)
{
    if (!words)
        return true;
    for (; *words; words++)
        if (medsec_strlist_has(&it->data, *words))
            return true;
    return false;
}

static const char *const log_words[] = {"logs",      "log",          "audit", "audit_log",
                                        "event_log", "security_log", NULL};

static bool carries_logs(const struct medsec_model_flow *f)
{
    for (const char *const *w = log_words; *w; w++)
        if (medsec_strlist_has(&f->data, *w))
            return true;
    return false;
}

/* Does control @c act on flow @f (the flow itself, its interface or its receiving item)? */
static bool control_on_flow(const struct medsec_model_control *c, const struct medsec_model_flow *f)
{
    return medsec_strlist_has(&c->applies_to, f->id) ||
           (f->via && medsec_strlist_has(&c->applies_to, f->via)) ||
           (f->to && medsec_strlist_has(&c->applies_to, f->to));
}

/* Passing evidence that control @c works, "EV-1 (title), ..." or NULL. */
static const char *evidence_of(struct hdo *h, const struct medsec_model_control *c)
{
    size_t n = 0;
    medsec_buf_reset(&h->b);
    for (size_t i = 0; i < h->m->nevidence; i++) {
        const struct medsec_model_evidence *ev = &h->m->evidence[i];
        if (!medsec_model_evidence_verifies(h->m, ev, c->id))
            continue;
        medsec_buf_addf(&h->b, "%s%s", n++ ? "; " : "", ev->id);
        if (ev->title)
            medsec_buf_addf(&h->b, " (%s)", ev->title);
    }
    return n ? docs_strf(h->s, "%s", h->b.data) : NULL;
}

static const char *party_name(const char *p);

/* Open a list under @intro before its first item; *@n counts the items. */
static void list_start(struct doc *d, size_t *n, bool ordered, const char *intro)
{
    if ((*n)++)
        return;
    doc_para(d, "%s", intro);
    doc_list(d, ordered);
}

/* Does control @c claim one of @caps (NULL-terminated)? */
static bool claims(const struct medsec_model *m, const struct medsec_model_control *c,
                   const char *const *caps)
{
    for (; *caps; caps++)
        if (has_cap(m, c, *caps))
            return true;
    return false;
}

/*
 * List the controls that claim one of @caps under @intro: the implemented and verified ones (a
 * planned control does not act yet), by name; in the manual also with their capabilities, status,
 * what they apply to, rationale and the passing evidence that verifies them. Returns how many are
 * listed; *@planned (may be NULL) gets the planned ones left out. @keep (may be NULL) picks among
 * them.
 */
static size_t list_controls(struct hdo *h, struct out *o, const char *const *caps,
                            bool (*keep)(const struct hdo *, const struct medsec_model_control *),
                            const char *intro, size_t *planned)
{
    const struct medsec_model *m = h->m;
    size_t n = 0, np = 0;
    for (size_t i = 0; i < m->ncontrols; i++) {
        const struct medsec_model_control *c = &m->controls[i];
        if (!claims(m, c, caps) || (keep && !keep(h, c)))
            continue;
        if (!active(c)) {
            np++;
            continue;
        }
        list_start(o->d, &n, false, intro);
        if (!o->full) {
            doc_item(o->d, "%s", label(m, c->id));
            continue;
        }
        const char *ev = evidence_of(h, c);
        doc_item(o->d, "%s (%s; %s; on %s)%s%s%s%s", label(m, c->id), capabilities(h, c),
                 medsec_control_status_name(c->status), names(h, &c->applies_to),
                 c->rationale ? ": " : "", c->rationale ? c->rationale : "",
                 ev ? " Verified by: " : "", ev ? ev : "");
    }
    if (planned)
        *planned = np;
    return n;
}

/* The device's data stores that hold one of @words (NULL-terminated; NULL: every store), with
 * where they are, listed under @intro. */
static size_t list_stores(struct hdo *h, struct out *o, const char *const *words, const char *intro)
{
    const struct medsec_model *m = h->m;
    size_t n = 0;
    for (size_t i = 0; i < m->nitems; i++) {
        const struct medsec_model_item *it = &m->items[i];
        if (!is_device_item(it) || it->element != MEDSEC_ELEMENT_DATA_STORE || !holds(it, words))
            continue;
        list_start(o->d, &n, false, intro);
        doc_item(o->d, "%s (holds: %s; in %s)", label(m, it->id), names(h, &it->data),
                 label(m, it->zone));
    }
    return n;
}

/* Does duty @du keep a control in force that claims one of @caps (NULL: does it rest on an
 * assumption)? */
static bool duty_concerns(const struct medsec_model *m, const struct medsec_model_duty *du,
                          const char *const *caps)
{
    if (!caps)
        return du->assumptions.n > 0;
    for (size_t j = 0; j < du->controls.n; j++) {
        const struct medsec_model_control *c = medsec_model_find_control(m, du->controls.v[j]);
        if (c && claims(m, c, caps))
            return true;
    }
    return false;
}

/* The duties that concern @caps (see duty_concerns), under @intro; the IFU lists only those
 * marked in_ifu. */
static size_t list_duties(struct hdo *h, struct out *o, const char *const *caps, bool ordered,
                          const char *intro)
{
    size_t n = 0;
    for (size_t i = 0; i < h->m->nduties; i++) {
        const struct medsec_model_duty *du = &h->m->duties[i];
        if (!duty_concerns(h->m, du, caps) || (!o->full && du->in_ifu != 1))
            continue;
        list_start(o->d, &n, ordered, intro);
        doc_item(o->d, "%s: %s (%s)", party_name(du->party), du->text ? du->text : "", du->id);
    }
    return n;
}

static const char *party_name(const char *p)
{
    static const struct {
        const char *id, *name;
    } parties[] = {
        {"operator", "Operator (who runs the device)"},
        {"integrator", "Integrator (who connects the device to other systems)"},
        {"hdo_it", "Hospital IT (HDO)"},
        {"clinical_user", "Clinical users"},
        {"service", "Service (biomedical engineering)"},
        {"patient", "Patient"},
        {"manufacturer", "Manufacturer"},
    };
    for (size_t i = 0; p && i < sizeof parties / sizeof *parties; i++)
        if (!strcmp(parties[i].id, p))
            return parties[i].name;
    return p ? p : "party not stated";
}

/* ---- the risk profile --------------------------------------------------------------------- */

/* The highest harm-scale level among the assets' stated harms and the hazards; 0 when none. */
static long worst_harm(const struct medsec_model *m, const struct medsec_model_harm **out)
{
    long worst = 0;
    *out = NULL;
    for (size_t i = 0; i < m->nassets; i++) {
        const char *hs[3] = {m->assets[i].confidentiality, m->assets[i].integrity,
                             m->assets[i].availability};
        for (int p = 0; p < 3; p++) {
            const struct medsec_model_harm *hm = hs[p] ? medsec_model_find_harm(m, hs[p]) : NULL;
            if (hm && hm->level > worst)
                worst = hm->level, *out = hm;
        }
    }
    for (size_t i = 0; i < m->nhazards; i++) {
        const struct medsec_model_harm *hm =
            m->hazards[i].harm ? medsec_model_find_harm(m, m->hazards[i].harm) : NULL;
        if (hm && hm->level > worst)
            worst = hm->level, *out = hm;
    }
    return worst;
}

static size_t above_acceptable(const struct hdo *h)
{
    size_t n = 0;
    for (size_t i = 0; i < h->reg.n; i++)
        n += !h->reg.items[i].result.residual_acceptable;
    return n;
}

static void sec_risk_profile(struct hdo *h, struct out *o)
{
    const struct medsec_model *m = h->m;
    struct doc *d = o->d;
    doc_heading(d, 1, "risk-profile", "Risk profile");
    if (m->device.current_version && strcmp(h->g->release->version, m->device.current_version)) {
        doc_callout(d, DOC_WARNING,
                    "This document is for release %s. The security file describes the design of "
                    "the current release %s: its interfaces, flows, controls and duties are shown "
                    "here and may differ in release %s.",
                    h->g->release->version, m->device.current_version, h->g->release->version);
        doc_gap(d, o->area, "release-design",
                "The security file describes only the design of release %s: what differs in "
                "release %s cannot be stated.",
                m->device.current_version, h->g->release->version);
    }
    if (m->device.intended_purpose)
        doc_para(d, "Intended purpose: %s", m->device.intended_purpose);
    else
        doc_gap(d, o->area, "risk-profile",
                "The security file states no intended purpose (device.intended_purpose).");
    if (o->full && m->device.description)
        doc_para(d, "%s", m->device.description);
    {
        doc_kv_begin(d);
        if (m->device.intended_users.n)
            doc_kv(d, "Intended users", "%s", names(h, &m->device.intended_users));
        if (m->device.use_environments.n)
            doc_kv(d, "Use environments", "%s", names(h, &m->device.use_environments));
        for (size_t i = 0; i < m->nitems; i++)
            if (m->items[i].kind && !strcmp(m->items[i].kind, "operating_system"))
                doc_kv(d, "Operating system", "%s%s%s", m->items[i].name ? m->items[i].name : "",
                       m->items[i].version ? ", version " : "",
                       m->items[i].version ? m->items[i].version : "");
        doc_kv(d, "Release documented", "%s", h->g->release->version);
    }

    doc_heading(d, 2, "connectivity", "Connectivity");
    if (!m->ninterfaces) {
        doc_gap(d, o->area, "connectivity",
                "The security file lists no interfaces: the connectivity of the device cannot be "
                "described.");
    } else {
        doc_para(d, "The device has %zu interface%s:", m->ninterfaces,
                 m->ninterfaces == 1 ? "" : "s");
        doc_list(d, false);
        for (size_t i = 0; i < m->ninterfaces; i++) {
            const struct medsec_model_interface *in = &m->interfaces[i];
            const struct medsec_model_zone *z =
                in->zone ? medsec_model_find_zone(m, in->zone) : NULL;
            enum medsec_channel ch = medsec_model_interface_channel(in, NULL);
            const char *dbg = in->debug == 1
                                  ? (in->disabled_in_production == 1
                                         ? "; debug interface, disabled in production"
                                         : "; debug interface, NOT stated disabled in production")
                                  : "";
            medsec_buf_reset(&h->b);
            for (size_t p = 0; o->full && p < in->nports; p++)
                medsec_buf_addf(&h->b, "%s%ld/%s%s%s%s",
                                p ? ", " : "; ports: ", in->ports[p].number,
                                in->ports[p].transport ? in->ports[p].transport : "?",
                                in->ports[p].service ? " (" : "",
                                in->ports[p].service ? in->ports[p].service : "",
                                in->ports[p].service ? ")" : "");
            doc_item(d, "%s (%s, %s channel): reachable from %s; %s access%s%s", label(m, in->id),
                     in->type ? in->type : "type not stated", medsec_channel_name(ch),
                     z ? label(m, z->id) : "zone not stated",
                     z ? medsec_access_name(medsec_model_zone_access(z)) : "unknown", dbg,
                     h->b.data);
        }
    }

    doc_heading(d, 2, "worst-harm", "Worst harm a security failure can cause");
    const struct medsec_model_harm *worst;
    if (!worst_harm(m, &worst)) {
        doc_gap(d, o->area, "worst-harm",
                "The security file states no harm for any asset or hazard: the worst harm of a "
                "security failure cannot be stated.");
    } else {
        doc_para(d, "The worst harm a security failure can contribute to is %s%s%s%s.",
                 worst->name ? worst->name : worst->id, worst->description ? " (" : "",
                 worst->description ? clause(h->s, worst->description) : "",
                 worst->description ? ")" : "");
        doc_list(d, false);
        for (size_t i = 0; i < m->nhazards; i++)
            if (m->hazards[i].harm && !strcmp(m->hazards[i].harm, worst->id))
                doc_item(d, "Hazard %s: %s", m->hazards[i].id,
                         m->hazards[i].title ? m->hazards[i].title : "(no title)");
        for (size_t i = 0; o->full && i < m->nassets; i++) {
            const struct medsec_model_asset *a = &m->assets[i];
            const char *hs[3] = {a->confidentiality, a->integrity, a->availability};
            for (int p = 0; p < 3; p++)
                if (hs[p] && !strcmp(hs[p], worst->id))
                    doc_item(d, "Loss of %s of %s", medsec_property_name((enum medsec_property)p),
                             named(h, a->id));
        }
    }
    size_t above = above_acceptable(h);
    doc_para(d,
             "The security risk assessment of release %s holds %zu risk%s; %zu remain%s above the "
             "acceptable region after the security controls. Each is listed as a warning under "
             "\"Residual risks\".",
             h->g->release->version, h->reg.n, h->reg.n == 1 ? "" : "s", above,
             above == 1 ? "s" : "");
}

/* ---- residual risks as warnings ------------------------------------------------------------ */

/* The IFU's one warning for the known vulnerabilities above the acceptable region: each by its
 * id and risk id, with the worst harm among them; the manual has each on its own. */
static void residual_vulnerabilities(struct hdo *h, struct out *o)
{
    const struct medsec_risk_config *c = &h->reg.config;
    int worst = -1;
    medsec_buf_reset(&h->b);
    size_t n = 0;
    for (size_t i = 0; i < h->reg.n; i++) {
        const struct medsec_risk_item *it = &h->reg.items[i];
        if (it->result.residual_acceptable || !it->spec.vulnerability_id)
            continue;
        medsec_buf_addf(&h->b, "%s%s (%s)", n++ ? ", " : "", it->spec.vulnerability_id,
                        it->spec.id);
        if (it->result.residual_severity > worst)
            worst = it->result.residual_severity;
    }
    const char *ids = docs_strf(h->s, "%s", h->b.data);
    const char *sev = medsec_risk_severity_name(c, worst);
    const struct medsec_model_harm *hm = medsec_model_find_harm(h->m, sev);
    doc_callout(o->d, DOC_WARNING,
                "%zu known vulnerabilit%s in the device's software remain%s above the acceptable "
                "region: %s. At worst they could lead to: %s. Install the manufacturer's security "
                "updates as soon as they are released (see \"Software updates\").",
                n, n == 1 ? "y" : "ies", n == 1 ? "s" : "", ids,
                hm && hm->description ? clause(h->s, hm->description) : sev);
}

/* Number the distinct benefit-risk justifications of the risks above the acceptable region in
 * register order: @jno[i] is 1, 2 ... (0: acceptable or none on file). Returns how many. */
static int number_justifications(const struct medsec_risk_register *r, int *jno)
{
    int n = 0;
    for (size_t i = 0; i < r->n; i++) {
        const char *why = r->items[i].spec.acceptance_rationale;
        jno[i] = 0;
        if (r->items[i].result.residual_acceptable || !why)
            continue;
        for (size_t j = 0; j < i && !jno[i]; j++)
            if (jno[j] && !strcmp(r->items[j].spec.acceptance_rationale, why))
                jno[i] = jno[j];
        if (!jno[i])
            jno[i] = ++n;
    }
    return n;
}

/* The manual's table of the justifications the warnings refer to, each once with its risks. */
static void justification_table(struct hdo *h, struct out *o, const int *jno, int n)
{
    static const char *const head[] = {"No.", "Risks", "Decided by, on", "Justification"};
    doc_heading(o->d, 2, "justifications", "Benefit-risk justifications");
    doc_table(o->d, 4, head);
    for (int k = 1; k <= n; k++) {
        const struct medsec_risk_item *first = NULL;
        medsec_buf_reset(&h->b);
        for (size_t i = 0; i < h->reg.n; i++) {
            if (jno[i] != k)
                continue;
            medsec_buf_addf(&h->b, "%s%s", first ? ", " : "", h->reg.items[i].spec.id);
            if (!first)
                first = &h->reg.items[i];
        }
        doc_cell(o->d, "J%d", k);
        doc_cell(o->d, "%s", h->b.data);
        doc_cell(o->d, "%s%s%s", first->spec.accepted_by ? first->spec.accepted_by : "not stated",
                 first->spec.accepted_on ? ", " : "",
                 first->spec.accepted_on ? first->spec.accepted_on : "");
        doc_cell(o->d, "%s", first->spec.acceptance_rationale);
    }
}

static void sec_residual(struct hdo *h, struct out *o)
{
    const struct medsec_model *m = h->m;
    const struct medsec_risk_config *c = &h->reg.config;
    struct doc *d = o->d;
    doc_heading(d, 1, "residual-risks", "Residual risks");
    if (!above_acceptable(h)) {
        doc_para(d, "No security risk of release %s remains above the acceptable region.",
                 h->g->release->version);
        return;
    }
    size_t above = 0, justified = 0, nvuln = 0;
    for (size_t i = 0; i < h->reg.n; i++) {
        const struct medsec_risk_item *it = &h->reg.items[i];
        above += !it->result.residual_acceptable;
        justified += !it->result.residual_acceptable && it->spec.acceptance_rationale;
        nvuln += !it->result.residual_acceptable && !o->full && it->spec.vulnerability_id;
    }
    if (justified == above)
        doc_para(d,
                 "These risks remain after every security control of release %s; the "
                 "manufacturer has weighed each against the benefit of the device.",
                 h->g->release->version);
    else
        doc_para(d,
                 "These risks remain after every security control of release %s; the "
                 "manufacturer has weighed %zu of the %zu against the benefit of the device.",
                 h->g->release->version, justified, above);
    int *jno = o->full ? medsec_calloc(h->reg.n ? h->reg.n : 1, sizeof *jno) : NULL;
    if (o->full && !jno) {
        if (!h->s->failed)
            h->s->failed = MEDSEC_ENOMEM;
        return;
    }
    int njust = jno ? number_justifications(&h->reg, jno) : 0;
    for (size_t i = 0; i < h->reg.n; i++) {
        const struct medsec_risk_item *it = &h->reg.items[i];
        if (it->result.residual_acceptable || (nvuln && !o->full && it->spec.vulnerability_id))
            continue;
        const char *ex = medsec_risk_exploitability_name(c, it->result.residual_exploitability);
        const char *sev = medsec_risk_severity_name(c, it->result.residual_severity);
        const struct medsec_model_level *lv = medsec_model_find_exploitability(m, ex);
        const struct medsec_model_harm *hm = medsec_model_find_harm(m, sev);
        const char *harm = hm && hm->description ? clause(h->s, hm->description) : sev;
        const char *needs = lv && lv->description ? clause(h->s, lv->description) : ex;
        const char *elem = it->spec.element ? label(m, it->spec.element) : NULL;
        const char *why = it->spec.acceptance_rationale;
        if (o->full)
            doc_callout(d, DOC_WARNING,
                        "%s (%s%s%s). Could lead to: %s (%s). Exploitability: %s (on the "
                        "manufacturer's scale: %s). "
                        "Residual risk: %s; %s%s.",
                        it->spec.title ? it->spec.title : it->spec.id, it->spec.id,
                        elem ? ", on " : "", elem ? elem : "", harm, sev, ex, needs,
                        medsec_risk_class_name(c, it->result.residual_class),
                        why ? "accepted, see justification J"
                            : "no benefit-risk justification on file",
                        why ? docs_strf(h->s, "%d", jno[i]) : "");
        else
            doc_callout(
                d, DOC_WARNING,
                "%s (%s). Could lead to: %s. Exploitability: %s (on the manufacturer's scale: %s).",
                it->spec.title ? it->spec.title : it->spec.id, it->spec.id, harm, ex, needs);
        if (!why && o->full)
            doc_gap(d, o->area, it->spec.id,
                    "Residual risk %s is above the acceptable region and the security file holds "
                    "no benefit-risk justification for it (risk_acceptance).",
                    it->spec.id);
    }
    if (nvuln) /* the IFU: known vulnerabilities in one warning, in words a user reads */
        residual_vulnerabilities(h, o);
    if (njust)
        justification_table(h, o, jno, njust);
    medsec_free(jno);
}

/* ---- minimum IT environment --------------------------------------------------------------- */

static void sec_environment(struct hdo *h, struct out *o)
{
    const struct medsec_model *m = h->m;
    struct doc *d = o->d;
    doc_heading(d, 1, "it-environment", "Minimum IT environment");
    if (!m->nassumptions) {
        doc_gap(d, o->area, "it-environment",
                "The security file states no assumptions about the operating environment: the "
                "minimum IT environment cannot be stated.");
    } else {
        doc_para(d, "The device's security relies on this environment:");
        doc_list(d, false);
        for (size_t i = 0; i < m->nassumptions; i++) {
            const struct medsec_model_assumption *a = &m->assumptions[i];
            if (o->full && a->applies_to.n)
                doc_item(d, "%s: %s (concerns: %s)", a->id, a->text ? a->text : "",
                         names(h, &a->applies_to));
            else
                doc_item(d, "%s: %s", a->id, a->text ? a->text : "");
        }
    }
    /* the networks the device's interfaces face and the systems it exchanges data with */
    size_t nz = 0;
    for (size_t i = 0; i < m->ninterfaces; i++) {
        const struct medsec_model_interface *in = &m->interfaces[i];
        enum medsec_channel ch = medsec_model_interface_channel(in, NULL);
        if (!in->zone || !medsec_channel_attackable(ch) || !medsec_model_interface_crosses(m, in))
            continue;
        const struct medsec_model_zone *z = medsec_model_find_zone(m, in->zone);
        if (!nz++) {
            doc_para(d, "Networks and radio ranges the device connects to:");
            doc_list(d, false);
        }
        doc_item(d, "%s via %s%s%s", label(m, in->zone), label(m, in->id),
                 z && z->description ? ": " : "", z && z->description ? z->description : "");
    }
    size_t ns = 0;
    for (size_t i = 0; i < m->nitems; i++) {
        const struct medsec_model_item *it = &m->items[i];
        if (it->element != MEDSEC_ELEMENT_EXTERNAL_ENTITY || is_person(it))
            continue;
        bool linked = false;
        for (size_t j = 0; !linked && j < m->nflows; j++) {
            const struct medsec_model_flow *f = &m->flows[j];
            linked = (f->from && !strcmp(f->from, it->id) &&
                      is_device_item(medsec_model_find_item(m, f->to))) ||
                     (f->to && !strcmp(f->to, it->id) &&
                      is_device_item(medsec_model_find_item(m, f->from)));
        }
        if (!linked)
            continue;
        if (!ns++) {
            doc_para(d, "Systems the device exchanges data with:");
            doc_list(d, false);
        }
        doc_item(d, "%s (in %s)", label(m, it->id), label(m, it->zone));
    }
    list_duties(h, o, NULL, false, "Duties this environment rests on:");
    if (o->full)
        list_stores(h, o, NULL, "Where the device keeps data:");
}

/* ---- secure configuration ----------------------------------------------------------------- */

/* The first duty of someone other than the manufacturer that keeps control @control in force (the
 * IFU: only duties marked in_ifu). */
static bool named_by_duty(const struct medsec_model *m, const struct out *o, const char *control,
                          const struct medsec_model_duty **duty)
{
    for (size_t i = 0; i < m->nduties; i++) {
        const struct medsec_model_duty *du = &m->duties[i];
        if ((du->party && !strcmp(du->party, "manufacturer")) || (!o->full && du->in_ifu != 1))
            continue;
        if (medsec_strlist_has(&du->controls, control)) {
            *duty = du;
            return true;
        }
    }
    return false;
}

static void sec_configuration(struct hdo *h, struct out *o)
{
    const struct medsec_model *m = h->m;
    struct doc *d = o->d;
    doc_heading(d, 1, "secure-configuration", "Secure configuration");
    size_t nop = 0, nhard = 0;
    for (size_t i = 0; i < m->ncontrols; i++) {
        const struct medsec_model_control *c = &m->controls[i];
        const struct medsec_model_duty *du;
        if (!named_by_duty(m, o, c->id, &du))
            continue;
        if (!nop++) {
            doc_para(d, "Security functions the operator sets up or keeps in force:");
            if (o->full) {
                static const char *const head[] = {"Control", "Capability (MDS2)", "Status",
                                                   "Duty"};
                doc_table(d, 4, head);
            } else {
                doc_list(d, false);
            }
        }
        if (o->full) {
            doc_cell(d, "%s", named(h, c->id));
            doc_cell(d, "%s", capabilities(h, c));
            doc_cell(d, "%s", medsec_control_status_name(c->status));
            doc_cell(d, "%s (%s): %s", du->id, party_name(du->party), du->text ? du->text : "");
        } else {
            doc_item(d, "%s: %s", label(m, c->id), du->text ? du->text : "");
        }
    }
    static const char *const sahd[] = {"SAHD", NULL};
    nhard = list_controls(h, o, sahd, NULL,
                          "Hardening built into the device (MDS2 SAHD, system and application "
                          "hardening):",
                          NULL);
    if (!nop && !nhard)
        doc_gap(d, o->area, "secure-configuration",
                "No duty of the security file names a control to configure and no control claims "
                "SAHD (hardening): the secure configuration cannot be described.");
    size_t ndbg = 0;
    for (size_t i = 0; i < m->ninterfaces; i++) {
        const struct medsec_model_interface *in = &m->interfaces[i];
        if (in->debug != 1)
            continue;
        if (!ndbg++) {
            doc_para(d, "Debug interfaces:");
            doc_list(d, false);
        }
        if (in->disabled_in_production == 1) {
            doc_item(d, "%s: disabled in production%s%s", label(m, in->id),
                     o->full && in->description ? ". " : "",
                     o->full && in->description ? in->description : "");
        } else {
            doc_item(d, "%s: not stated disabled in production", label(m, in->id));
        }
    }
    /* after the list: a callout ends it */
    for (size_t i = 0; i < m->ninterfaces; i++) {
        const struct medsec_model_interface *in = &m->interfaces[i];
        if (in->debug != 1 || in->disabled_in_production == 1)
            continue;
        doc_callout(d, DOC_WARNING,
                    "Debug interface %s is not stated to be disabled in production devices.",
                    label(m, in->id));
        if (o->full)
            doc_gap(d, o->area, in->id,
                    "Debug interface %s: the security file does not state that it is disabled in "
                    "production (interfaces[].disabled_in_production).",
                    in->id);
    }
}

/* ---- roles and permissions ---------------------------------------------------------------- */

/* Does control @c protect what the people who use the device do: it applies to a person, or to a
 * flow of theirs or the interface it goes through? */
static bool for_people(const struct hdo *h, const struct medsec_model_control *c)
{
    const struct medsec_model *m = h->m;
    for (size_t i = 0; i < m->nflows; i++) {
        const struct medsec_model_flow *f = &m->flows[i];
        const struct medsec_model_item *a = medsec_model_find_item(m, f->from);
        const struct medsec_model_item *b = medsec_model_find_item(m, f->to);
        if (!(a && is_person(a)) && !(b && is_person(b)))
            continue;
        if (control_on_flow(c, f) || medsec_strlist_has(&c->applies_to, f->from))
            return true;
    }
    return false;
}

static void sec_roles(struct hdo *h, struct out *o)
{
    const struct medsec_model *m = h->m;
    struct doc *d = o->d;
    doc_heading(d, 1, "roles", "Roles and permissions");
    size_t np = 0;
    for (size_t i = 0; i < m->nitems; i++) {
        const struct medsec_model_item *it = &m->items[i];
        if (!is_person(it))
            continue;
        if (!np++) {
            static const char *const head[] = {"Who", "Role", "Own credentials",
                                               "Reaches the device through"};
            doc_table(d, 4, head);
        }
        medsec_buf_reset(&h->b);
        size_t nv = 0;
        for (size_t j = 0; j < m->nflows; j++) {
            const struct medsec_model_flow *f = &m->flows[j];
            if (!f->from || strcmp(f->from, it->id) || !f->via)
                continue;
            medsec_buf_addf(&h->b, "%s%s", nv++ ? ", " : "", label(m, f->via));
        }
        const char *via = docs_strf(h->s, "%s", nv ? h->b.data : "no interface stated");
        doc_cell(d, "%s", label(m, it->id));
        doc_cell(d, "%s", it->role ? it->role : it->type);
        doc_cell(d, "%s", yes_no(it->unique_credentials));
        doc_cell(d, "%s", via);
    }
    if (!np)
        doc_gap(d, o->area, "roles",
                "The security file names no users or operators (items of type user or operator): "
                "roles cannot be stated.");
    static const char *const access[] = {"AUTH", "PAUT", "ALOF", "EMRG", NULL};
    size_t nc = list_controls(h, o, access, for_people, "Access control:", NULL);
    if (!nc)
        doc_gap(d, o->area, "roles-access-control",
                "No implemented control that claims AUTH, PAUT, ALOF or EMRG applies to the people "
                "who use the device, their flows or interfaces: how they are authenticated and "
                "what they may do cannot be stated.");
}

/* ---- updates -------------------------------------------------------------------------------- */

static bool is_update(const struct medsec_model_flow *f)
{
    return f->purpose && !strcmp(f->purpose, "update");
}

/* The implemented CSUP controls that check updates on flow @f, by name; NULL when none. */
static const char *update_checks(struct hdo *h, const struct medsec_model_flow *f)
{
    size_t n = 0;
    medsec_buf_reset(&h->b);
    for (size_t j = 0; j < h->m->ncontrols; j++) {
        const struct medsec_model_control *c = &h->m->controls[j];
        if (has_cap(h->m, c, "CSUP") && active(c) && control_on_flow(c, f))
            medsec_buf_addf(&h->b, "%s%s", n++ ? ", " : "", label(h->m, c->id));
    }
    return n ? docs_strf(h->s, "%s", h->b.data) : NULL;
}

static void sec_update(struct hdo *h, struct out *o)
{
    const struct medsec_model *m = h->m;
    struct doc *d = o->d;
    doc_heading(d, 1, "update", "Software updates and their integrity check");
    if (h->g->release->notes)
        doc_para(d, "Release %s: %s", h->g->release->version, h->g->release->notes);
    size_t nf = 0, nunsafe = 0;
    for (size_t i = 0; i < m->nflows; i++) {
        const struct medsec_model_flow *f = &m->flows[i];
        if (!is_update(f))
            continue;
        if (!nf++) {
            doc_para(d, "How updates reach the device:");
            static const char *const head[] = {"Path", "Delivered by", "Through", "Integrity",
                                               "Checked by"};
            doc_table(d, 5, head);
        }
        const char *by = update_checks(h, f);
        doc_cell(d, "%s", label(m, f->id));
        doc_cell(d, "%s", label(m, f->from));
        doc_cell(d, "%s", f->via ? label(m, f->via) : "not stated");
        doc_cell(d, "%s", yes_no(f->integrity));
        doc_cell(d, "%s", by ? by : "no update control stated");
        nunsafe += !by && f->integrity != 1;
    }
    for (size_t i = 0; nunsafe && i < m->nflows; i++) { /* after the table */
        const struct medsec_model_flow *f = &m->flows[i];
        if (!is_update(f) || f->integrity == 1 || update_checks(h, f))
            continue;
        doc_callout(d, DOC_WARNING, "Update path %s has no stated integrity protection.",
                    label(m, f->id));
        if (o->full)
            doc_gap(d, o->area, f->id,
                    "Update flow %s has no integrity protection and no active CSUP control: how "
                    "an update on it is verified cannot be stated.",
                    f->id);
    }
    if (!nf)
        doc_gap(d, o->area, "update",
                "No flow of the security file has purpose update: how updates reach the device "
                "cannot be stated.");
    static const char *const csup[] = {"CSUP", NULL};
    if (!list_controls(h, o, csup, NULL,
                       "How the device checks an update before installing it (MDS2 CSUP):", NULL))
        doc_gap(d, o->area, "update-integrity",
                "No implemented control claims CSUP: the integrity check of updates cannot be "
                "stated.");
    list_duties(h, o, csup, false, "Who installs updates:");
}

/* ---- security alerts ------------------------------------------------------------------------ */

static void sec_alert(struct hdo *h, struct out *o)
{
    const struct medsec_model *m = h->m;
    struct doc *d = o->d;
    doc_heading(d, 1, "security-alert", "What to do on a security alert");
    const struct medsec_model_postmarket *pm = &m->postmarket;
    if (pm->contact && *pm->contact) {
        doc_para(d,
                 "Report a suspected vulnerability or security incident of the device to %s: %s "
                 "(postmarket.contact).",
                 m->device.manufacturer ? m->device.manufacturer : "the manufacturer", pm->contact);
        if (pm->advisories && *pm->advisories)
            doc_para(d,
                     "The manufacturer publishes its security advisories at %s "
                     "(postmarket.advisories); watch it for the device.",
                     pm->advisories);
        if (o->full && pm->disclosure_policy && *pm->disclosure_policy)
            doc_para(d, "Coordinated vulnerability disclosure policy: %s.", pm->disclosure_policy);
        if (o->full && pm->acknowledge_days > 0)
            doc_para(d, "The manufacturer acknowledges a report within %ld days.",
                     pm->acknowledge_days);
    } else {
        doc_gap(d, o->area, "security-contact",
                "The security file names no contact of %s for security reports and advisories "
                "(postmarket.contact): whom to inform cannot be stated.",
                m->device.manufacturer ? m->device.manufacturer : "the manufacturer");
    }
    static const char *const advisory[] = {"CSUP", "AUDT", NULL};
    list_duties(h, o, advisory, true, "On a security advisory of the manufacturer:");
    bool logs = false;
    for (size_t i = 0; !logs && i < m->ncontrols; i++)
        logs = has_cap(m, &m->controls[i], "AUDT") && active(&m->controls[i]);
    if (logs)
        doc_para(d, "To investigate a suspected attack, use the device's security log (see "
                    "\"Logs\").");
}

/* ---- the network data-flow matrix --------------------------------------------------------- */

static bool word_in(const char *hay, const char *w, size_t n)
{
    for (const char *p = hay; *p; p++)
        if (!strncasecmp(p, w, n))
            return true;
    return false;
}

/* Does a port's service name the flow's protocol? The protocol's words (split at '-', '/', '+',
 * '_'), without the transport words, each also without a final secure "s" (https, mqtts). */
static bool port_serves(const struct medsec_model_port *p, const char *protocol)
{
    static const char *const generic[] = {"tls", "ssl",  "dtls", "tcp", "udp",
                                          "ip",  "over", "mtls", NULL};
    if (!p->service || !protocol)
        return false;
    const char *w = protocol;
    while (*w) {
        size_t n = strcspn(w, "-/+_ ");
        bool skip = n < 3;
        for (const char *const *gw = generic; !skip && *gw; gw++)
            skip = strlen(*gw) == n && !strncasecmp(*gw, w, n);
        if (!skip &&
            (word_in(p->service, w, n) ||
             (n >= 5 && (w[n - 1] == 's' || w[n - 1] == 'S') && word_in(p->service, w, n - 1))))
            return true;
        w += n;
        while (*w && strchr("-/+_ ", *w))
            w++;
    }
    return false;
}

/* The ports of flow @f on its interface: those whose service names its protocol, else the one
 * port of an interface that states a single port without a service. "" when none fits. */
static const char *flow_ports(struct hdo *h, const struct medsec_model_flow *f,
                              const struct medsec_model_interface *in)
{
    medsec_buf_reset(&h->b);
    size_t n = 0;
    for (size_t i = 0; in && i < in->nports; i++)
        if (port_serves(&in->ports[i], f->protocol))
            medsec_buf_addf(&h->b, "%s%ld/%s", n++ ? ", " : "", in->ports[i].number,
                            in->ports[i].transport ? in->ports[i].transport
                                                   : "transport not stated");
    if (!n && in && in->nports == 1 && !in->ports[0].service)
        medsec_buf_addf(&h->b, "%ld/%s", in->ports[0].number,
                        in->ports[0].transport ? in->ports[0].transport : "transport not stated"),
            n++;
    return docs_strf(h->s, "%s", n ? h->b.data : "");
}

struct matrix_row {
    const struct medsec_model_flow *f;
    const char *ports; /* "" when not stated; NULL when not an IP flow */
    const char *direction, *rule;
};

static void matrix_row(struct hdo *h, const struct medsec_model_flow *f, struct matrix_row *r)
{
    const struct medsec_model *m = h->m;
    const struct medsec_model_item *from = medsec_model_find_item(m, f->from);
    const struct medsec_model_item *to = medsec_model_find_item(m, f->to);
    const struct medsec_model_interface *in =
        f->via ? medsec_model_find_interface(m, f->via) : NULL;
    enum medsec_channel ch = medsec_model_flow_channel(m, f, NULL);
    bool fd = is_device_item(from), td = is_device_item(to);
    r->f = f;
    r->direction = fd && td ? "inside the device"
                   : td     ? "inbound (to the device)"
                   : fd     ? "outbound (from the device)"
                            : "between external systems";
    if (ch != MEDSEC_CHANNEL_NETWORK) {
        r->ports = NULL;
        r->rule = docs_strf(h->s, "none: %s channel, no IP traffic", medsec_channel_name(ch));
        return;
    }
    r->ports = flow_ports(h, f, in);
    const char *port = r->ports && *r->ports ? r->ports : "(port not stated)";
    const char *proto = f->protocol ? f->protocol : "protocol not stated";
    if (fd && td) {
        r->direction = "between parts of the device";
        r->rule =
            docs_strf(h->s, "allow %s %s from %s (%s) to %s (%s)", proto, port, label(m, from->id),
                      label(m, from->zone), label(m, to->id), label(m, to->zone));
    } else if (fd || td) {
        const struct medsec_model_item *peer = fd ? to : from, *own = fd ? from : to;
        const char *side = label(m, in && in->zone ? in->zone : own->zone);
        r->rule = docs_strf(h->s, "allow %s %s between %s (%s) and the device on %s", proto, port,
                            label(m, peer->id), label(m, peer->zone), side);
    } else {
        r->rule = docs_strf(h->s, "allow %s %s between %s and %s (not through the device)", proto,
                            port, label(m, f->from), label(m, f->to));
    }
}

static void sec_flows(struct hdo *h, struct out *o)
{
    const struct medsec_model *m = h->m;
    struct doc *d = o->d;
    doc_heading(d, 1, "data-flow-matrix", "Network data-flow matrix");
    size_t n = 0;
    for (size_t i = 0; i < m->nflows; i++)
        n += medsec_model_flow_crosses(m, &m->flows[i]);
    if (!n) {
        doc_para(d, "No data flow of the security file crosses a zone boundary.");
        return;
    }
    struct medsec_buf js = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &js, 0);
    medsec_jsonw_array_begin(&w);
    if (o->full) {
        doc_para(d, "Every data flow that crosses a zone boundary, derived from the security "
                    "file's flows, interfaces and zones. Configure the firewall to allow exactly "
                    "the rules of the last column and deny all other traffic to and from the "
                    "device. The file states the direction the data travels, not which end opens "
                    "the connection.");
        if (h->dfd.len)
            doc_figure(d, h->dfd.data, h->dfd.len,
                       "Data-flow diagram of the device: trust zones (dashed), the device's parts, "
                       "the systems and people it exchanges data with, and every flow (red and "
                       "dashed: not encrypted).");
        else
            doc_callout(d, DOC_NOTE,
                        "The data-flow diagram is left out: Graphviz could not draw it as SVG "
                        "here (`medsec dfd` draws it where it can).");
        static const char *const head[] = {"Flow",      "Source",    "Destination",
                                           "Interface", "Protocol",  "Port/transport",
                                           "Direction", "Auth/enc.", "Firewall rule"};
        doc_table(d, 9, head);
    } else {
        doc_para(d, "The device exchanges data across these boundaries; the administrator "
                    "security manual gives the full matrix with the firewall rules:");
        doc_list(d, false);
    }
    for (size_t i = 0; i < m->nflows; i++) {
        const struct medsec_model_flow *f = &m->flows[i];
        if (!medsec_model_flow_crosses(m, f))
            continue;
        struct matrix_row r;
        matrix_row(h, f, &r);
        const char *port = !r.ports ? "not an IP flow" : *r.ports ? r.ports : "port not stated";
        if (!o->full) {
            if (!strcmp(r.direction, "inside the device"))
                continue;
            doc_item(d, "%s: %s to %s, %s, %s", label(m, f->id), label(m, f->from), label(m, f->to),
                     f->protocol ? f->protocol : "protocol not stated", port);
            continue;
        }
        doc_cell(d, "%s", named(h, f->id));
        doc_cell(d, "%s", label(m, f->from));
        doc_cell(d, "%s", label(m, f->to));
        doc_cell(d, "%s", f->via ? label(m, f->via) : "not stated");
        doc_cell(d, "%s", f->protocol ? f->protocol : "not stated");
        doc_cell(d, "%s", port);
        doc_cell(d, "%s", r.direction);
        doc_cell(d, "%s / %s", yes_no(f->authenticated), yes_no(f->encrypted));
        doc_cell(d, "%s", r.rule);
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "flow", f->id);
        medsec_jsonw_kv_string(&w, "from", f->from);
        medsec_jsonw_kv_string(&w, "to", f->to);
        medsec_jsonw_kv_string(&w, "via", f->via);
        medsec_jsonw_kv_string(&w, "protocol", f->protocol);
        medsec_jsonw_kv_string(&w, "ports", r.ports);
        medsec_jsonw_kv_string(&w, "direction", r.direction);
        medsec_jsonw_kv_string(&w, "rule", r.rule);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_err jrc = medsec_jsonw_finish(&w);
    if (o->full) {
        for (size_t i = 0; i < m->nflows; i++) {
            const struct medsec_model_flow *f = &m->flows[i];
            if (!medsec_model_flow_crosses(m, f))
                continue;
            struct matrix_row r;
            matrix_row(h, f, &r);
            if (!r.ports || *r.ports)
                continue;
            if (f->via)
                doc_gap(d, o->area, docs_strf(h->s, "data-flow-matrix:%s", f->id),
                        "Flow %s (%s): its interface %s states no port for this protocol, so "
                        "its firewall rule cannot name one (interfaces[].ports).",
                        f->id, f->protocol ? f->protocol : "protocol not stated", f->via);
            else
                doc_gap(d, o->area, docs_strf(h->s, "data-flow-matrix:%s", f->id),
                        "Flow %s (%s) names no interface, so its firewall rule cannot name a "
                        "port (flows[].via, interfaces[].ports).",
                        f->id, f->protocol ? f->protocol : "protocol not stated");
        }
        if (!jrc)
            docs_data(h->s, "hdo_flow_matrix", js.data, js.len);
        else if (!h->s->failed)
            h->s->failed = jrc;
        medsec_buf_reset(&h->b);
        size_t ni = 0;
        for (size_t i = 0; i < m->ninterfaces; i++) {
            const struct medsec_model_interface *in = &m->interfaces[i];
            if (medsec_model_interface_channel(in, NULL) == MEDSEC_CHANNEL_NETWORK)
                medsec_buf_addf(&h->b, "%s%s", ni++ ? ", " : "", label(m, in->id));
        }
        if (ni)
            doc_callout(d, DOC_NOTE,
                        "Deny every other connection to and from the device's network "
                        "interfaces (%s).",
                        h->b.data);
    }
    medsec_buf_release(&js);
}

/* ---- logs ----------------------------------------------------------------------------------- */

static void sec_logs(struct hdo *h, struct out *o)
{
    const struct medsec_model *m = h->m;
    struct doc *d = o->d;
    doc_heading(d, 1, "logs", "Security logs");
    static const char *const audt[] = {"AUDT", NULL};
    size_t nplanned = 0;
    size_t na = list_controls(h, o, audt, NULL,
                              "What the device records (MDS2 AUDT, audit controls):", &nplanned);
    if (!na) {
        doc_gap(d, o->area, "logs",
                nplanned ? "Every control of the security file that claims AUDT is only planned: "
                           "what the device logs cannot be stated."
                         : "No control of the security file claims AUDT (audit controls): what "
                           "the device logs cannot be stated.");
        return;
    }
    list_stores(h, o, log_words, "Where the logs are kept:");
    size_t nf = 0;
    for (size_t i = 0; i < m->nflows; i++) {
        const struct medsec_model_flow *f = &m->flows[i];
        const struct medsec_model_item *to = medsec_model_find_item(m, f->to);
        if (!carries_logs(f) || is_device_item(to))
            continue;
        if (!nf++) {
            doc_para(d, "Where the logs are sent:");
            doc_list(d, false);
        }
        doc_item(d, "%s: to %s%s%s", label(m, f->id), label(m, f->to), f->via ? " via " : "",
                 f->via ? label(m, f->via) : "");
    }
    if (o->full)
        doc_gap(d, o->area, "log-retention",
                "The security file has no log capacity or retention period as data (a control's "
                "text may mention one): how long records are kept cannot be stated for certain.");
}

/* ---- backup and restore --------------------------------------------------------------------- */

static void sec_backup(struct hdo *h, struct out *o)
{
    struct doc *d = o->d;
    doc_heading(d, 1, "backup", "Backup and restore");
    static const char *const dtbk[] = {"DTBK", NULL};
    size_t nplanned = 0;
    size_t nb = list_controls(h, o, dtbk, NULL, "Backup and recovery (MDS2 DTBK):", &nplanned);
    if (!nb)
        doc_gap(d, o->area, "backup",
                nplanned
                    ? "The security file's backup and recovery control (DTBK) is only planned: "
                      "how configuration and data are restored cannot be stated."
                    : "No control of the security file claims DTBK (data backup and disaster "
                      "recovery): how configuration and data are restored cannot be stated.");
    static const char *const kept[] = {"configuration", "config",   "phi",
                                       "drug_library",  "settings", NULL};
    if (o->full)
        list_stores(h, o, kept, "Data on the device that a failure or reset loses:");
}

/* ---- duties -----------------------------------------------------------------------------------
 */

static void sec_duties(struct hdo *h, struct out *o)
{
    const struct medsec_model *m = h->m;
    struct doc *d = o->d;
    doc_heading(d, 1, "duties", "Duties of the operator, the integrator and the manufacturer");
    doc_para(d,
             "Security is a joint responsibility of the manufacturer, the operator and "
             "whoever integrates the device (MDCG 2019-16 §2.6). These are the duties the "
             "manufacturer assigns to them%s.",
             o->full ? ", each with the controls and assumptions it keeps in force" : "");
    static const char *const order[] = {"operator",      "hdo_it",  "integrator",   "service",
                                        "clinical_user", "patient", "manufacturer", NULL};
    size_t n = 0;
    for (const char *const *p = order;; p++) {
        size_t np = 0;
        for (size_t i = 0; i < m->nduties; i++) {
            const struct medsec_model_duty *du = &m->duties[i];
            bool mine = *p ? du->party && !strcmp(du->party, *p) : true;
            if (!*p) /* parties outside the list, in file order */
                for (const char *const *q = order; mine && *q; q++)
                    mine = !du->party || strcmp(du->party, *q);
            if (!mine || (!o->full && du->in_ifu != 1))
                continue;
            if (!np++) {
                doc_heading(d, 2, NULL, "%s", party_name(*p ? *p : du->party));
                doc_list(d, false);
            }
            n++;
            if (o->full && (du->controls.n || du->assumptions.n))
                doc_item(d, "%s: %s (keeps in force: %s%s%s)", du->id, du->text ? du->text : "",
                         du->controls.n ? names(h, &du->controls) : "",
                         du->controls.n && du->assumptions.n ? "; " : "",
                         du->assumptions.n
                             ? docs_strf(h->s, "assumptions %s", names(h, &du->assumptions))
                             : "");
            else
                doc_item(d, "%s: %s", du->id, du->text ? du->text : "");
        }
        if (!*p)
            break;
    }
    if (!n)
        doc_gap(d, o->area, "duties",
                o->full ? "The security file states no duties of the operator or integrator."
                        : "No duty of the security file is marked for the instructions for use "
                          "(duties[].in_ifu).");
}

/* ---- end of support and decommissioning --------------------------------------------------- */

static void sec_end_of_support(struct hdo *h, struct out *o)
{
    const struct medsec_model *m = h->m;
    const struct medsec_model_version *v = h->g->release;
    struct doc *d = o->d;
    doc_heading(d, 1, "end-of-support", "End of support and decommissioning");
    if (!v->end_of_support) {
        doc_gap(d, o->area, "end-of-support",
                "Release %s states no end of support (versions[].end_of_support).", v->version);
    } else {
        enum medsec_support_status st = medsec_model_support_status(v, h->s->date, NULL);
        doc_para(d,
                 "Release %s: level of support %s, end of support %s (on %s: %s). After its end "
                 "of support the manufacturer issues no further security updates for it.",
                 v->version, medsec_support_level_name(v->support), v->end_of_support, h->s->date,
                 medsec_support_status_name(st));
        if (st == MEDSEC_SUPPORT_ENDED)
            doc_callout(d, DOC_WARNING,
                        "Release %s reached its end of support on %s: it receives no further "
                        "security updates.",
                        v->version, v->end_of_support);
        else if (v->support == MEDSEC_SUPPORT_NONE)
            doc_callout(d, DOC_WARNING,
                        "Release %s has no level of support: it receives no further security "
                        "updates.",
                        v->version);
    }
    if (o->full) {
        size_t nv = 0;
        for (size_t i = 0; i < m->nversions; i++) {
            const struct medsec_model_version *x = &m->versions[i];
            if (x == v || x->in_field == 0)
                continue;
            if (!nv++) {
                doc_para(d, "Other releases in the field:");
                static const char *const head[] = {"Release", "Support", "End of support",
                                                   "Status"};
                doc_table(d, 4, head);
            }
            doc_cell(d, "%s", x->version);
            doc_cell(d, "%s", medsec_support_level_name(x->support));
            doc_cell(d, "%s", x->end_of_support ? x->end_of_support : "not stated");
            doc_cell(d, "%s",
                     medsec_support_status_name(medsec_model_support_status(x, h->s->date, NULL)));
        }
        const struct medsec_model_component_support *cs[64];
        size_t ncs = medsec_model_release_support(m, v, cs, 64);
        if (ncs > 64)
            ncs = 64;
        for (size_t i = 0; i < ncs; i++) {
            if (!i) {
                doc_para(d,
                         "Third-party components of release %s with limited or no upstream "
                         "support:",
                         v->version);
                static const char *const head[] = {"Component", "Support", "End of support",
                                                   "Notes"};
                doc_table(d, 4, head);
            }
            doc_cell(d, "%s", cs[i]->component);
            doc_cell(d, "%s", medsec_support_level_name(cs[i]->support));
            doc_cell(d, "%s%s", cs[i]->end_of_support ? cs[i]->end_of_support : "not stated",
                     medsec_model_component_ended(cs[i], h->s->date) ? " (ended)" : "");
            doc_cell(d, "%s", cs[i]->notes ? cs[i]->notes : "");
        }
    }
    static const char *const secret[] = {"phi",    "keys", "credentials", "configuration",
                                         "config", "logs", "audit",       NULL};
    list_stores(h, o, secret,
                "Before the device is disposed of, resold or returned, these "
                "stores must be wiped:");
    doc_gap(d, o->area, "decommissioning",
            "The security file states no procedure for wiping data and keys at decommissioning: "
            "how to do it cannot be stated.");
}

/* ---- the two documents --------------------------------------------------------------------- */

static void write_doc(struct hdo *h, struct out *o)
{
    sec_risk_profile(h, o);
    sec_residual(h, o);
    sec_environment(h, o);
    sec_configuration(h, o);
    sec_roles(h, o);
    sec_update(h, o);
    sec_alert(h, o);
    sec_flows(h, o);
    sec_logs(h, o);
    sec_backup(h, o);
    sec_duties(h, o);
    sec_end_of_support(h, o);
}

medsec_err docs_gen_ifu(struct docs_gen *g)
{
    struct hdo h = {
        .g = g, .m = g->model, .s = g->set, .b = MEDSEC_BUF_INIT, .dfd = MEDSEC_BUF_INIT};
    medsec_err rc =
        medsec_device_risks(g->dev, g->opts->db, g->release->version, &h.reg, NULL, NULL, g->err);
    /* without Graphviz's SVG renderer the manual says so and goes on without the diagram */
    if (!rc && (rc = medsec_dfd_render(medsec_device_graph(g->dev), medsec_device_name(g->dev),
                                       "svg", &h.dfd, g->err)) == MEDSEC_EUNSUPPORTED) {
        medsec_buf_reset(&h.dfd);
        rc = MEDSEC_OK;
    }
    if (rc) {
        medsec_risk_register_release(&h.reg);
        medsec_buf_release(&h.dfd);
        return rc;
    }
    struct out ifu = {doc_new(h.s, IFU_ID, "Hospital", "Instructions for use: IT security",
                              "The security information of the instructions for use, for the "
                              "device's users (MDR Annex I GSPR 23.4(ab) and 23.4(g); MDCG "
                              "2019-16 §4.2)."),
                      false, "IFU"};
    if (ifu.d)
        write_doc(&h, &ifu);
    struct out hdo = {doc_new(h.s, HDO_ID, "Hospital", "Administrator security manual",
                              "What the hospital's IT and biomedical engineering staff need to "
                              "run the device securely (MDCG 2019-16 §4.3; IEC 81001-5-1 5.8)."),
                      true, "HDO"};
    if (hdo.d)
        write_doc(&h, &hdo);
    /* the administrator manual carries the SBOM with each component's support (MDCG 2019-16 §4.2)
     */
    if (hdo.d && !docs_status(g))
        rc = docs_sbom_section(g, hdo.d, 1);
    medsec_risk_register_release(&h.reg);
    medsec_buf_release(&h.b);
    medsec_buf_release(&h.dfd);
    return rc ? rc : docs_status(g);
}
