/*
 * sections.c: the sections the EU technical documentation (eu.c) and the FDA premarket set
 * (fda.c) share: the device and its architecture, the threat model, the risk method and register
 * with the residual risks and their justification, the safety <-> security links, the assessment of
 * known vulnerabilities, the verification evidence by IEC 81001-5-1 5.7 activity, the traceability
 * matrix and the post-market plan. The caller writes each section's heading (with its clause); a
 * section's own subheadings are at @level. Every sentence comes from the security file, the triage
 * file or the vulnerability database; what they do not give is a gap of the calling family's area.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "medsec/alloc.h"
#include "medsec/date.h"
#include "medsec/device_vex.h"
#include "medsec/dfd.h"
#include "medsec/triage.h"
#include "medsec/vex.h"

static void fail(struct medsec_docs *s, medsec_err rc)
{
    if (!s->failed)
        s->failed = rc;
}

/* Append @id to the ", "-separated list in @b unless it is there already. */
static void add_once(struct medsec_docs *s, struct medsec_buf *b, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = b->data; (p = strstr(p, id)) != NULL; p += n)
        if ((p == b->data || p[-1] == ' ') && (p[n] == 0 || p[n] == ','))
            return;
    docs_addf(s, b, "%s%s", b->len ? ", " : "", id);
}

void docs_addf(struct medsec_docs *s, struct medsec_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    medsec_err rc = medsec_buf_vaddf(b, fmt, ap);
    va_end(ap);
    if (rc)
        fail(s, rc);
}

const char *docs_join(struct medsec_docs *s, const char *const *v, size_t n, const char *sep)
{
    if (!n)
        return "-";
    struct medsec_buf b = MEDSEC_BUF_INIT;
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; !rc && i < n; i++)
        if ((i && (rc = medsec_buf_adds(&b, sep))) || (rc = medsec_buf_adds(&b, v[i])))
            break;
    const char *r = rc ? NULL : docs_strf(s, "%s", b.data);
    if (rc)
        fail(s, rc);
    medsec_buf_release(&b);
    return r;
}

const char *docs_yesno(int v)
{
    return v == MEDSEC_UNSTATED ? "not stated" : v ? "yes" : "no";
}

medsec_err docs_risk_inputs(struct docs_gen *g, const struct medsec_threat_list **tl,
                            struct medsec_risk_register *reg)
{
    struct medsec_vex_doc decided;
    medsec_vex_doc_init(&decided);
    const struct medsec_triage_session *t = g->opts->triage;
    medsec_err rc = medsec_device_threats(g->dev, tl, g->err);
    /* the triage file's decisions close findings as `medsec risk --db` does */
    if (!rc && g->opts->db && t && t->has_file &&
        !(rc = medsec_triage_decided_statements(&t->report, NULL, &decided, g->err)))
        medsec_device_set_decide(g->dev, medsec_vex_doc_decide, &decided);
    if (!rc)
        rc = medsec_device_risks(g->dev, g->opts->db, g->release->version, reg, NULL, NULL, g->err);
    medsec_device_set_decide(g->dev, NULL, NULL);
    medsec_vex_doc_release(&decided);
    return rc;
}

/* ---- device and architecture ---- */

medsec_err docs_sec_device(struct docs_gen *g, struct doc *d, int level, const char *area)
{
    const struct medsec_model *m = g->model;
    const struct medsec_model_device *dv = &m->device;
    const struct medsec_model_version *v = g->release;
    (void)level;
    doc_kv_begin(d);
    doc_kv(d, "Manufacturer", "%s", dv->manufacturer ? dv->manufacturer : "-");
    doc_kv(d, "Device", "%s", medsec_device_name(g->dev));
    doc_kv(d, "Model", "%s", dv->model ? dv->model : "-");
    doc_kv(d, "UDI-DI", "%s", dv->udi_di ? dv->udi_di : "-");
    doc_kv(d, "MDR class", "%s", dv->mdr_class ? dv->mdr_class : "-");
    doc_kv(d, "FDA class", "%s", dv->fda_class ? dv->fda_class : "-");
    doc_kv(d, "IEC 62304 software safety class", "%s",
           dv->software_safety_class ? dv->software_safety_class : "-");
    doc_kv(d, "Software version documented", "%s", v->version);
    doc_kv(d, "Release date", "%s", v->release_date ? v->release_date : "-");
    doc_kv(d, "Level of support", "%s", medsec_support_level_name(v->support));
    doc_kv(d, "End of support", "%s", v->end_of_support ? v->end_of_support : "-");
    if (dv->udi_di == NULL)
        doc_gap(d, area, "device.udi_di", "The security file gives no UDI-DI for the device.");
    if (dv->intended_purpose)
        doc_para(d, "Intended purpose: %s", dv->intended_purpose);
    else
        doc_gap(d, area, "device.intended_purpose",
                "The security file states no intended purpose (device.intended_purpose).");
    if (dv->intended_users.n)
        doc_para(d, "Intended users: %s.",
                 docs_join(doc_set(d), dv->intended_users.v, dv->intended_users.n, ", "));
    if (dv->use_environments.n)
        doc_para(d, "Use environments: %s.",
                 docs_join(doc_set(d), dv->use_environments.v, dv->use_environments.n, ", "));
    if (dv->description)
        doc_para(d, "%s", dv->description);
    return docs_status(g);
}

medsec_err docs_sec_architecture(struct docs_gen *g, struct doc *d, int level, const char *area)
{
    const struct medsec_model *m = g->model;
    struct medsec_docs *s = doc_set(d);
    doc_para(d,
             "The device as the security file models it: %zu trust zones, %zu software and "
             "hardware items, %zu interfaces and %zu data flows.",
             m->nzones, m->nitems, m->ninterfaces, m->nflows);
    doc_heading(d, level, "dfd", "Data-flow diagram");
    struct medsec_buf svg = MEDSEC_BUF_INIT;
    medsec_err rc = medsec_dfd_render(medsec_device_graph(g->dev), medsec_device_name(g->dev),
                                      "svg", &svg, g->err);
    if (rc == MEDSEC_ENOMEM) {
        medsec_buf_release(&svg);
        return rc;
    }
    if (rc)
        doc_gap(d, area, "architecture.dfd", "The data-flow diagram could not be drawn: %s.",
                g->err ? g->err->msg : medsec_strerror(rc));
    else
        doc_figure(d, svg.data, svg.len,
                   docs_strf(s,
                             "Data-flow diagram of %s %s: trust zones, items, interfaces and "
                             "data flows (red dashed: not encrypted).",
                             medsec_device_name(g->dev), g->release->version));
    medsec_buf_release(&svg);

    doc_heading(d, level, "zones", "Trust zones");
    static const char *const zh[] = {"Zone", "Name", "Trust (0-100)", "Reached from"};
    doc_table(d, 4, zh);
    for (size_t i = 0; i < m->nzones; i++) {
        const struct medsec_model_zone *z = &m->zones[i];
        doc_cell(d, "%s", z->id);
        doc_cell(d, "%s", z->name ? z->name : "-");
        doc_cell(d, "%ld", z->trust);
        doc_cell(d, "%s", medsec_access_name(medsec_model_zone_access(z)));
    }
    doc_heading(d, level, "items", "Items");
    static const char *const ih[] = {"Item", "Name", "Kind", "Zone", "Runs on", "Version"};
    doc_table(d, 6, ih);
    for (size_t i = 0; i < m->nitems; i++) {
        const struct medsec_model_item *it = &m->items[i];
        doc_cell(d, "%s", it->id);
        doc_cell(d, "%s", it->name ? it->name : "-");
        doc_cell(d, "%s", it->kind ? it->kind : "-");
        doc_cell(d, "%s", it->zone ? it->zone : "-");
        doc_cell(d, "%s", it->runs_on ? it->runs_on : "-");
        doc_cell(d, "%s", it->version ? it->version : "-");
    }
    doc_heading(d, level, "interfaces", "Interfaces and ports");
    static const char *const fh[] = {"Interface", "Type",          "Item",      "Reached from",
                                     "Ports",     "Authenticated", "Encrypted", "Debug"};
    doc_table(d, 8, fh);
    for (size_t i = 0; i < m->ninterfaces; i++) {
        const struct medsec_model_interface *f = &m->interfaces[i];
        struct medsec_buf p = MEDSEC_BUF_INIT;
        for (size_t k = 0; k < f->nports; k++)
            docs_addf(doc_set(d), &p, "%s%ld/%s%s%s", k ? ", " : "", f->ports[k].number,
                      f->ports[k].transport ? f->ports[k].transport : "tcp",
                      f->ports[k].service ? " " : "",
                      f->ports[k].service ? f->ports[k].service : "");
        doc_cell(d, "%s", f->id);
        doc_cell(d, "%s", f->type ? f->type : "-");
        doc_cell(d, "%s", f->item ? f->item : "-");
        doc_cell(d, "%s", f->zone ? f->zone : "-");
        doc_cell(d, "%s", p.len ? p.data : "-");
        doc_cell(d, "%s", docs_yesno(f->authenticated));
        doc_cell(d, "%s", docs_yesno(f->encrypted));
        doc_cell(d, "%s",
                 f->debug == 1
                     ? (f->disabled_in_production == 1 ? "yes, disabled in production" : "yes")
                     : docs_yesno(f->debug));
        medsec_buf_release(&p);
    }
    doc_heading(d, level, "flows", "Data flows");
    static const char *const dh[] = {"Flow",    "From -> to",    "Via",      "Protocol",
                                     "Purpose", "Authenticated", "Encrypted"};
    doc_table(d, 7, dh);
    for (size_t i = 0; i < m->nflows; i++) {
        const struct medsec_model_flow *f = &m->flows[i];
        doc_cell(d, "%s", f->id);
        doc_cell(d, "%s -> %s", f->from, f->to);
        doc_cell(d, "%s", f->via ? f->via : "-");
        doc_cell(d, "%s", f->protocol ? f->protocol : "-");
        doc_cell(d, "%s", f->purpose ? f->purpose : "-");
        doc_cell(d, "%s", docs_yesno(f->authenticated));
        doc_cell(d, "%s", docs_yesno(f->encrypted));
    }
    return docs_status(g);
}

/* ---- threat model ---- */

medsec_err docs_sec_threats(struct docs_gen *g, struct doc *d, int level, const char *area,
                            const struct medsec_threat_list *tl)
{
    (void)level;
    struct medsec_docs *s = doc_set(d);
    size_t ncat = 0, nmanual = 0, nopen = 0;
    const char *const *cat = medsec_device_catalog_names(g->dev, &ncat);
    for (size_t i = 0; i < tl->n; i++) {
        nmanual += tl->v[i].manual;
        nopen += tl->v[i].status == MEDSEC_TM_OPEN;
    }
    doc_para(d,
             "Method: STRIDE per element of the data-flow model (items, interfaces, flows, "
             "zones), with the threat rules of %s applied to every element, plus %zu threats "
             "written by hand in the security file. %zu threats, %zu of them with no control "
             "that addresses them (open).",
             docs_join(s, cat, ncat, ", "), nmanual, tl->n, nopen);
    if (!tl->n) {
        doc_gap(d, area, "threat-model", "The threat model of the device has no threats.");
        return docs_status(g);
    }
    static const char *const h[] = {"Threat",
                                    "Element",
                                    "STRIDE",
                                    "Threat description",
                                    "Rating",
                                    "Status",
                                    "Missing capabilities"};
    doc_table(d, 7, h);
    for (size_t i = 0; i < tl->n; i++) {
        const struct medsec_threat *t = &tl->v[i];
        doc_cell(d, "%s", t->id);
        doc_cell(d, "%s", t->element_id ? t->element_id : "-");
        doc_cell(d, "%c", medsec_stride_letter(t->stride));
        doc_cell(d, "%s", t->title ? t->title : "-");
        doc_cell(d, "%s", medsec_tm_rating_name(t->rating));
        doc_cell(d, "%s", medsec_tm_status_name(t->status));
        doc_cell(d, "%s", docs_join(s, t->missing, t->nmissing, ", "));
    }
    return docs_status(g);
}

/* ---- risk method, register, residual risks, safety links ---- */

medsec_err docs_sec_risk_method(struct docs_gen *g, struct doc *d, int level, const char *area)
{
    const struct medsec_model *m = g->model;
    const struct medsec_model_risk_matrix *rm = &m->risk_matrix;
    doc_para(d, "Security risk is estimated as exploitability x severity of harm (AAMI TIR57, "
                "ANSI/AAMI SW96), not as a probability: each threat and each known "
                "vulnerability gets an exploitability level from the attacker position it needs "
                "(raised for CISA KEV listing and high EPSS) and a severity from the worst harm "
                "the loss of the assets it reaches can cause. Controls lower exploitability (or, "
                "by design, severity) only when they are verified or state a rationale.");
    doc_heading(d, level, "harm-scale", "Severity of harm");
    if (!m->clinical.nharm_scale)
        doc_gap(d, area, "clinical.harm_scale", "The security file has no harm-severity scale.");
    static const char *const hh[] = {"Level", "Severity", "Description"};
    doc_table(d, 3, hh);
    for (size_t i = 0; i < m->clinical.nharm_scale; i++) {
        const struct medsec_model_harm *h = &m->clinical.harm_scale[i];
        doc_cell(d, "%ld", h->level);
        doc_cell(d, "%s", h->name ? h->name : h->id);
        doc_cell(d, "%s", h->description ? h->description : "-");
    }
    doc_heading(d, level, "exploitability", "Exploitability");
    if (!rm->pos.line) {
        doc_gap(d, area, "risk_matrix",
                "The security file has no risk acceptance matrix (risk_matrix): the acceptance "
                "criteria are not stated.");
        return docs_status(g);
    }
    static const char *const eh[] = {"Level", "Exploitability", "Attacker positions",
                                     "Description"};
    doc_table(d, 4, eh);
    for (size_t i = 0; i < rm->nexploitability; i++) {
        const struct medsec_model_level *l = &rm->exploitability[i];
        struct medsec_buf b = MEDSEC_BUF_INIT;
        for (size_t k = 0; k < l->access.n; k++)
            docs_addf(doc_set(d), &b, "%s%s", k ? ", " : "", medsec_access_name(l->access.v[k]));
        doc_cell(d, "%ld", l->level);
        doc_cell(d, "%s", l->name ? l->name : l->id);
        doc_cell(d, "%s", b.len ? b.data : "-");
        doc_cell(d, "%s", l->description ? l->description : "-");
        medsec_buf_release(&b);
    }
    doc_heading(d, level, "acceptance", "Risk acceptance matrix");
    doc_para(d, "Rows: exploitability (highest first); columns: severity of harm. A residual risk "
                "outside the acceptable cells needs a documented benefit-risk justification.");
    size_t nc = m->clinical.nharm_scale + 1;
    const char **head = medsec_calloc(nc, sizeof *head);
    if (!head)
        return MEDSEC_ENOMEM;
    head[0] = "Exploitability";
    for (size_t i = 1; i < nc; i++)
        head[i] = m->clinical.harm_scale[i - 1].id;
    doc_table(d, nc, head);
    medsec_free(head);
    for (size_t r = rm->nrows; r-- > 0;) {
        const struct medsec_model_matrix_row *row = &rm->rows[r];
        doc_cell(d, "%s", row->exploitability);
        for (size_t c = 1; c < nc; c++)
            doc_cell(d, "%s", c - 1 < row->cells.n ? row->cells.v[c - 1] : "-");
    }
    return docs_status(g);
}

static const char *level_pair(struct medsec_docs *s, const struct medsec_risk_config *c, int e,
                              int sv, size_t cls)
{
    return docs_strf(s, "%s x %s: %s", medsec_risk_exploitability_name(c, e),
                     medsec_risk_severity_name(c, sv), medsec_risk_class_name(c, cls));
}

medsec_err docs_sec_register(struct docs_gen *g, struct doc *d, int level, const char *area,
                             const struct medsec_risk_register *reg)
{
    struct medsec_docs *s = doc_set(d);
    const struct medsec_risk_config *c = &reg->config;
    size_t above = medsec_risk_register_unacceptable(reg);
    doc_para(d,
             "%zu security risks of release %s (one per threat and per known vulnerability%s): "
             "%zu outside the acceptable region before controls, %zu after controls, %zu of "
             "these without a benefit-risk justification.",
             reg->n, g->release->version,
             g->opts->db ? ", including the findings of the vulnerability database" : "",
             medsec_risk_register_unacceptable_initial(reg), above,
             medsec_risk_register_unjustified(reg));
    static const char *const h[] = {"Risk",  "Threat / vulnerability", "Initial risk",
                                    "Basis", "Controls credited",      "Residual risk"};
    doc_table(d, 6, h);
    for (size_t i = 0; i < reg->n; i++) {
        const struct medsec_risk_item *it = &reg->items[i];
        struct medsec_buf b = MEDSEC_BUF_INIT;
        for (size_t k = 0; k < it->spec.ncontrols; k++)
            if (!it->spec.controls[k].unclaimed)
                docs_addf(doc_set(d), &b, "%s%s", b.len ? ", " : "", it->spec.controls[k].id);
        doc_cell(d, "%s", it->spec.id);
        doc_cell(d, "%s", it->spec.title ? it->spec.title : "-");
        doc_cell(d, "%s",
                 level_pair(s, c, it->result.initial_exploitability, it->result.initial_severity,
                            it->result.initial_class));
        doc_cell(d, "exploitability: %s; severity: %s",
                 it->spec.exploitability_basis ? it->spec.exploitability_basis : "-",
                 it->spec.severity_basis ? it->spec.severity_basis : "-");
        doc_cell(d, "%s", b.len ? b.data : "-");
        doc_cell(d, "%s",
                 level_pair(s, c, it->result.residual_exploitability, it->result.residual_severity,
                            it->result.residual_class));
        medsec_buf_release(&b);
    }
    doc_heading(d, level, "residual-risks", "Residual risks above the acceptable region");
    if (!above)
        doc_para(d, "Every residual risk is in the acceptable region.");
    else
        doc_para(d, "Each residual risk outside the acceptable region, with its benefit-risk "
                    "justification (MDR Annex I GSPR 1, 4 and 8; ISO 14971 7.4).");
    for (size_t i = 0; i < reg->n; i++) {
        const struct medsec_risk_item *it = &reg->items[i];
        if (it->result.residual_acceptable)
            continue;
        doc_heading(d, level + 1, NULL, "%s: %s", it->spec.id,
                    it->spec.title ? it->spec.title : "-");
        doc_kv_begin(d);
        doc_kv(d, "Residual risk", "%s",
               level_pair(s, c, it->result.residual_exploitability, it->result.residual_severity,
                          it->result.residual_class));
        if (it->spec.accepted_by) {
            doc_kv(d, "Accepted by", "%s", it->spec.accepted_by);
            doc_kv(d, "Date", "%s", it->spec.accepted_on ? it->spec.accepted_on : "-");
            doc_kv(d, "Justification", "%s",
                   it->spec.acceptance_rationale ? it->spec.acceptance_rationale : "-");
        } else {
            doc_gap(d, area, it->spec.id,
                    "Residual risk %s (%s) is outside the acceptable region and the security "
                    "file gives no benefit-risk justification for it (risk_acceptance).",
                    it->spec.id,
                    level_pair(s, c, it->result.residual_exploitability,
                               it->result.residual_severity, it->result.residual_class));
        }
    }
    return docs_status(g);
}

medsec_err docs_sec_safety_links(struct docs_gen *g, struct doc *d, int level, const char *area,
                                 const struct medsec_risk_register *reg)
{
    (void)level;
    const struct medsec_model *m = g->model;
    struct medsec_docs *s = doc_set(d);
    doc_para(d, "Hazards of the safety risk management file that a security risk can cause, and "
                "safety risk controls that also lower a security risk (MDCG 2019-16 3.2).");
    if (!m->nhazards) {
        doc_gap(d, area, "hazards",
                "The security file names no hazards of the safety risk management file: the "
                "links between security and safety risks are not stated.");
        return docs_status(g);
    }
    struct medsec_risk_links links = {0};
    medsec_err rc = medsec_risk_links_build(&links, reg, m, g->err);
    if (rc) {
        medsec_risk_links_release(&links);
        return rc;
    }
    static const char *const h[] = {"Hazard", "Safety file", "Harm", "Security risks causing it",
                                    "Safety controls lowering security risks"};
    doc_table(d, 5, h);
    for (size_t i = 0; i < links.n; i++) {
        const struct medsec_risk_hazard_links *l = &links.v[i];
        const struct medsec_model_hazard *hz = medsec_model_find_hazard(m, l->id);
        struct medsec_buf b = MEDSEC_BUF_INIT;
        for (size_t k = 0; k < l->ncontrols; k++)
            docs_addf(doc_set(d), &b, "%s%s (%s)", k ? ", " : "", l->controls[k].control,
                      l->controls[k].risk);
        doc_cell(d, "%s%s%s", l->id, *l->name ? ": " : "", l->name);
        doc_cell(d, "%s", hz && hz->safety_ref ? hz->safety_ref : "-");
        doc_cell(d, "%s", hz && hz->harm ? hz->harm : "-");
        doc_cell(d, "%s", docs_join(s, l->risks, l->nrisks, ", "));
        doc_cell(d, "%s", b.len ? b.data : "-");
        medsec_buf_release(&b);
    }
    for (size_t i = 0; i < links.n; i++) {
        const struct medsec_model_hazard *hz = medsec_model_find_hazard(m, links.v[i].id);
        if (hz && !hz->safety_ref)
            doc_gap(d, area, hz->id,
                    "Hazard %s names no entry of the ISO 14971 safety risk management file "
                    "(safety_ref).",
                    hz->id);
    }
    medsec_risk_links_release(&links);
    return docs_status(g);
}

/* ---- known vulnerabilities ---- */

/* The triage item's component as "name version (ref)". */
static const char *item_component(struct medsec_docs *s, const struct medsec_triage_item *it)
{
    const struct medsec_sbom_component *c = &it->target->sbom->components[it->component];
    return docs_strf(s, "%s %s", c->name ? c->name : "?", c->version ? c->version : "");
}

/* Does the report item belong to the documented release? */
static bool of_release(const struct docs_gen *g, const struct medsec_triage_item *it)
{
    return it->target->version && !strcmp(it->target->version, g->release->version);
}

static bool item_open(const struct medsec_triage_item *it)
{
    return it->status == MEDSEC_TRIAGE_UNTRIAGED || it->status == MEDSEC_TRIAGE_STALE;
}

static const char *item_reason(struct medsec_docs *s, const struct medsec_triage_item *it)
{
    const struct medsec_triage_decision *dd = it->decision ? it->decision : it->supplier;
    if (it->status == MEDSEC_TRIAGE_BY_RULE && it->rule)
        return docs_strf(s, "rule %s: %s", it->rule->id, it->rule_reason ? it->rule_reason : "-");
    if (dd && dd->detail)
        return docs_strf(s, "%s%s%s%s", dd->detail, dd->by ? " (" : "", dd->by ? dd->by : "",
                         dd->by ? ")" : "");
    return "-";
}

static const char *item_justification(const struct medsec_triage_item *it)
{
    const struct medsec_triage_decision *dd = it->decision;
    if (it->status == MEDSEC_TRIAGE_BY_RULE && it->rule)
        return medsec_vex_justification_name(it->rule->justification);
    if (dd && dd->justification != MEDSEC_VEX_UNSTATED)
        return medsec_vex_justification_name(dd->justification);
    return "-";
}

medsec_err docs_sec_vulns(struct docs_gen *g, struct doc *d, int level, const char *area,
                          bool unresolved)
{
    const struct medsec_model *m = g->model;
    struct medsec_docs *s = doc_set(d);
    doc_heading(d, level, "assessed-vulnerabilities",
                unresolved ? "Known vulnerabilities assessed as affecting the device"
                           : "Known vulnerabilities assessed in the security file");
    size_t shown = 0;
    static const char *const vh[] = {"Vulnerability", "Components", "Status",
                                     "Justification", "Controls",   "Assessment"};
    doc_table(d, 6, vh);
    for (size_t i = 0; i < m->nvulnerabilities; i++) {
        const struct medsec_model_vulnerability *v = &m->vulnerabilities[i];
        if (unresolved && v->status != MEDSEC_VULN_AFFECTED)
            continue;
        shown++;
        doc_cell(d, "%s", v->id);
        doc_cell(d, "%s", docs_join(s, v->components.v, v->components.n, ", "));
        doc_cell(d, "%s", medsec_vuln_status_name(v->status));
        doc_cell(d, "%s",
                 v->justification != MEDSEC_VEX_UNSTATED
                     ? medsec_vex_justification_name(v->justification)
                     : "-");
        doc_cell(d, "%s", docs_join(s, v->controls.v, v->controls.n, ", "));
        doc_cell(d, "%s", v->rationale ? v->rationale : "-");
    }
    if (!shown)
        doc_para(d, "None.");
    for (size_t i = 0; i < m->nvulnerabilities; i++)
        if (!m->vulnerabilities[i].rationale)
            doc_gap(d, area, m->vulnerabilities[i].id,
                    "Known vulnerability %s has no assessment (rationale) in the security file.",
                    m->vulnerabilities[i].id);

    doc_heading(d, level, "findings",
                unresolved ? "Open findings of the vulnerability database"
                           : "Findings of the vulnerability database and their triage");
    if (!g->opts->db) {
        doc_gap(d, area, "findings",
                "No vulnerability database was given (medsec docs --db): the release's "
                "components were not matched against known vulnerabilities.");
        return docs_status(g);
    }
    const struct medsec_triage_session *t = g->opts->triage;
    if (!t) {
        doc_gap(d, area, "triage", "No triage data was given: the findings are not assessed.");
        return docs_status(g);
    }
    struct medsec_triage_counts c;
    medsec_triage_summary(&t->report, g->release->version, &c);
    doc_para(d,
             "Release %s: %zu findings; %zu decided by hand, %zu by a triage rule, %zu by an "
             "accepted suggestion, %zu by a supplier statement, %zu by the security file; %zu "
             "untriaged, %zu stale, %zu past their due date.",
             g->release->version, c.findings, c.by_status[MEDSEC_TRIAGE_BY_HAND],
             c.by_status[MEDSEC_TRIAGE_BY_RULE], c.by_status[MEDSEC_TRIAGE_BY_SUGGESTION],
             c.by_status[MEDSEC_TRIAGE_BY_SUPPLIER], c.by_status[MEDSEC_TRIAGE_BY_FILE],
             c.by_status[MEDSEC_TRIAGE_UNTRIAGED], c.by_status[MEDSEC_TRIAGE_STALE], c.past_due);
    static const char *const fh[] = {"Vulnerability", "Component",     "Severity", "Triage",
                                     "State",         "Justification", "Reason",   "Due"};
    doc_table(d, 8, fh);
    for (size_t i = 0; i < t->report.nitems; i++) {
        const struct medsec_triage_item *it = &t->report.items[i];
        if (!of_release(g, it))
            continue;
        if (unresolved && !item_open(it) && it->state != MEDSEC_VEX_EXPLOITABLE &&
            it->state != MEDSEC_VEX_IN_TRIAGE)
            continue;
        doc_cell(d, "%s", it->vuln);
        doc_cell(d, "%s", item_component(s, it));
        doc_cell(d, "%s",
                 it->finding ? medsec_cvss_severity_name(it->finding->vuln->severity) : "-");
        doc_cell(d, "%s", medsec_triage_status_name(it->status));
        doc_cell(d, "%s", medsec_vex_state_name(it->state));
        doc_cell(d, "%s", item_justification(it));
        doc_cell(d, "%s", item_reason(s, it));
        doc_cell(d, "%s%s", it->due ? it->due : "-", it->past_due ? " (past due)" : "");
    }
    if (c.by_status[MEDSEC_TRIAGE_UNTRIAGED] + c.by_status[MEDSEC_TRIAGE_STALE])
        doc_gap(d, area, "findings.untriaged",
                "%zu findings of release %s are not assessed (%zu untriaged, %zu stale).",
                c.by_status[MEDSEC_TRIAGE_UNTRIAGED] + c.by_status[MEDSEC_TRIAGE_STALE],
                g->release->version, c.by_status[MEDSEC_TRIAGE_UNTRIAGED],
                c.by_status[MEDSEC_TRIAGE_STALE]);
    return docs_status(g);
}

/* ---- verification evidence (IEC 81001-5-1 5.7) ---- */

static bool verifies_requirement(const struct medsec_model *m,
                                 const struct medsec_model_evidence *e)
{
    for (size_t k = 0; k < e->verifies.n; k++) {
        enum medsec_model_kind kind;
        if (medsec_model_kind_of(m, e->verifies.v[k], &kind) && kind == MEDSEC_MK_REQUIREMENT)
            return true;
    }
    return false;
}

static bool verifies_control(const struct medsec_model *m, const struct medsec_model_evidence *e)
{
    for (size_t k = 0; k < e->verifies.n; k++) {
        enum medsec_model_kind kind;
        if (medsec_model_kind_of(m, e->verifies.v[k], &kind) && kind == MEDSEC_MK_CONTROL)
            return true;
    }
    return false;
}

static bool is_kind(const struct medsec_model_evidence *e, const char *const *kinds)
{
    for (; *kinds; kinds++)
        if (e->kind && !strcmp(e->kind, *kinds))
            return true;
    return false;
}

/* Which evidence belongs to IEC 81001-5-1 5.7.N. */
bool docs_evidence_in(const struct medsec_model *m, const struct medsec_model_evidence *e, int n)
{
    static const char *const vuln[] = {"fuzz_test",   "vulnerability_scan", "static_analysis",
                                       "sbom_review", "code_review",        NULL};
    static const char *const pen[] = {"penetration_test", NULL};
    switch (n) {
    case 1: return verifies_requirement(m, e);
    case 2: return verifies_control(m, e);
    case 3: return is_kind(e, vuln);
    default: return is_kind(e, pen);
    }
}

medsec_err docs_sec_testing(struct docs_gen *g, struct doc *d, int level, const char *area)
{
    const struct medsec_model *m = g->model;
    struct medsec_docs *s = doc_set(d);
    static const char *const what[] = {
        "Security requirements testing (IEC 81001-5-1 5.7.1): evidence that verifies a security "
        "requirement.",
        "Threat mitigation testing (IEC 81001-5-1 5.7.2): evidence that verifies a security "
        "control.",
        "Vulnerability testing (IEC 81001-5-1 5.7.3): fuzzing, vulnerability scanning, static "
        "analysis, SBOM review and code review.",
        "Penetration testing (IEC 81001-5-1 5.7.4)."};
    static const char *const titles[] = {"Security requirements testing",
                                         "Threat mitigation testing", "Vulnerability testing",
                                         "Penetration testing"};
    static const char *const anchors[] = {"test-requirements", "test-mitigations",
                                          "test-vulnerabilities", "test-penetration"};
    static const char *const h[] = {"Evidence", "Title",        "Kind",        "Result",
                                    "Date",     "Performed by", "Independent", "Verifies"};
    for (int n = 1; n <= 4; n++) {
        doc_heading(d, level, anchors[n - 1], "%s", titles[n - 1]);
        doc_para(d, "%s", what[n - 1]);
        size_t k = 0;
        for (size_t i = 0; i < m->nevidence; i++)
            k += docs_evidence_in(m, &m->evidence[i], n);
        if (!k) {
            doc_gap(d, area, docs_strf(s, "5.7.%d", n), "No evidence of %s in the security file.",
                    titles[n - 1]);
            continue;
        }
        doc_table(d, 8, h);
        for (size_t i = 0; i < m->nevidence; i++) {
            const struct medsec_model_evidence *e = &m->evidence[i];
            if (!docs_evidence_in(m, e, n))
                continue;
            doc_cell(d, "%s", e->id);
            doc_cell(d, "%s", e->title);
            doc_cell(d, "%s", e->kind);
            doc_cell(d, "%s", e->result);
            doc_cell(d, "%s", e->date ? e->date : "-");
            doc_cell(d, "%s", e->performed_by ? e->performed_by : "-");
            doc_cell(d, "%s", docs_yesno(e->independent));
            doc_cell(d, "%s", docs_join(s, e->verifies.v, e->verifies.n, ", "));
        }
        for (size_t i = 0; i < m->nevidence; i++) {
            const struct medsec_model_evidence *e = &m->evidence[i];
            if (docs_evidence_in(m, e, n) && strcmp(e->result, "pass"))
                doc_callout(d, DOC_WARNING,
                            "%s (%s) has result %s: it does not count as "
                            "passing evidence.",
                            e->id, e->title, e->result);
        }
    }

    doc_heading(d, level, "tester-independence", "Tester independence");
    doc_para(d, "IEC 81001-5-1 5.7.5 asks that the people who test are independent of the "
                "developers of what they test, to the degree the security risk calls for.");
    size_t pen = 0, indep = 0;
    for (size_t i = 0; i < m->nevidence; i++) {
        const struct medsec_model_evidence *e = &m->evidence[i];
        if (!docs_evidence_in(m, e, 4))
            continue;
        pen++;
        indep += e->independent == 1;
        if (e->independent == MEDSEC_UNSTATED || !e->performed_by)
            doc_gap(d, area, e->id,
                    "Penetration test %s does not state who performed it and whether they were "
                    "independent of the developers (performed_by, independent).",
                    e->id);
    }
    size_t stated = 0, ind_all = 0;
    for (size_t i = 0; i < m->nevidence; i++) {
        stated += m->evidence[i].independent != MEDSEC_UNSTATED;
        ind_all += m->evidence[i].independent == 1;
    }
    doc_para(d,
             "%zu of %zu evidence entries state whether the tester was independent; %zu were "
             "performed by independent testers, %zu of the %zu penetration tests.",
             stated, m->nevidence, ind_all, indep, pen);
    if (pen && !indep)
        doc_gap(d, area, "5.7.5",
                "No penetration test is stated as performed by testers independent of the "
                "developers.");

    doc_heading(d, level, "requirement-coverage", "Security requirements and their evidence");
    static const char *const rh[] = {"Requirement", "Text", "Sources", "Passing evidence"};
    doc_table(d, 4, rh);
    for (size_t r = 0; r < m->nrequirements; r++) {
        const struct medsec_model_requirement *q = &m->requirements[r];
        struct medsec_buf b = MEDSEC_BUF_INIT;
        for (size_t i = 0; i < m->nevidence; i++) {
            const struct medsec_model_evidence *e = &m->evidence[i];
            if (!strcmp(e->result, "pass") && medsec_strlist_has(&e->verifies, q->id))
                docs_addf(doc_set(d), &b, "%s%s", b.len ? ", " : "", e->id);
        }
        doc_cell(d, "%s", q->id);
        doc_cell(d, "%s", q->text);
        doc_cell(d, "%s", docs_join(s, q->sources.v, q->sources.n, "; "));
        doc_cell(d, "%s", b.len ? b.data : "-");
        medsec_buf_release(&b);
    }
    for (size_t r = 0; r < m->nrequirements; r++) {
        const struct medsec_model_requirement *q = &m->requirements[r];
        bool ok = false;
        for (size_t i = 0; !ok && i < m->nevidence; i++)
            ok = !strcmp(m->evidence[i].result, "pass") &&
                 medsec_strlist_has(&m->evidence[i].verifies, q->id);
        if (!ok)
            doc_gap(d, area, q->id, "Security requirement %s has no passing evidence.", q->id);
    }
    if (!m->nrequirements)
        doc_gap(d, area, "requirements", "The security file states no security requirements.");
    return docs_status(g);
}

/* ---- traceability: threat -> control -> requirement -> evidence ---- */

const struct medsec_risk_item *docs_threat_risk(const struct medsec_risk_register *reg,
                                                const char *threat)
{
    for (size_t i = 0; i < reg->n; i++)
        if (reg->items[i].spec.threat_id && !strcmp(reg->items[i].spec.threat_id, threat))
            return &reg->items[i];
    return NULL;
}

medsec_err docs_sec_trace(struct docs_gen *g, struct doc *d, int level, const char *area,
                          const struct medsec_threat_list *tl,
                          const struct medsec_risk_register *reg)
{
    (void)level;
    const struct medsec_model *m = g->model;
    doc_para(d, "One row per threat of the threat model: the security controls the risk register "
                "applies to it, the security requirements that name those controls, and the "
                "passing evidence that verifies them. A missing link is a gap, except that a "
                "threat whose risk is acceptable before any control needs none.");
    static const char *const h[] = {"Threat", "Controls", "Requirements", "Test evidence", "Trace"};
    doc_table(d, 5, h);
    /* what is missing per threat: its cell in the table and its gap after it */
    const char **gap = medsec_calloc(tl->n + 1, sizeof *gap);
    if (!gap)
        return MEDSEC_ENOMEM;
    struct medsec_buf cs = MEDSEC_BUF_INIT, rq = MEDSEC_BUF_INIT, ev = MEDSEC_BUF_INIT,
                      no_req = MEDSEC_BUF_INIT, no_ev = MEDSEC_BUF_INIT, why = MEDSEC_BUF_INIT;
    for (size_t i = 0; i < tl->n; i++) {
        const struct medsec_threat *t = &tl->v[i];
        const struct medsec_risk_item *it = docs_threat_risk(reg, t->id);
        medsec_buf_reset(&cs);
        medsec_buf_reset(&rq);
        medsec_buf_reset(&ev);
        medsec_buf_reset(&no_req);
        medsec_buf_reset(&no_ev);
        medsec_buf_reset(&why);
        for (size_t k = 0; it && k < it->spec.ncontrols; k++) {
            const char *cid = it->spec.controls[k].id;
            if (!medsec_model_find_control(m, cid))
                continue; /* a safety control or a by-design reduction, not a security control */
            docs_addf(doc_set(d), &cs, "%s%s", cs.len ? ", " : "", cid);
            bool has_req = false, has_ev = false;
            for (size_t r = 0; r < m->nrequirements; r++)
                if (medsec_strlist_has(&m->requirements[r].controls, cid)) {
                    has_req = true;
                    add_once(doc_set(d), &rq, m->requirements[r].id);
                }
            for (size_t e = 0; e < m->nevidence; e++)
                if (medsec_model_evidence_verifies(m, &m->evidence[e], cid)) {
                    has_ev = true;
                    add_once(doc_set(d), &ev, m->evidence[e].id);
                }
            if (!has_req)
                docs_addf(doc_set(d), &no_req, "%s%s", no_req.len ? ", " : "", cid);
            if (!has_ev)
                docs_addf(doc_set(d), &no_ev, "%s%s", no_ev.len ? ", " : "", cid);
        }
        if (t->by_design)
            docs_addf(doc_set(d), &why, "not applicable: %s",
                      t->mitigation ? t->mitigation : "excluded by design");
        else if (!cs.len && it && it->result.initial_acceptable)
            docs_addf(doc_set(d), &why, "no control needed: risk acceptable without one (%s)",
                      level_pair(doc_set(d), &reg->config, it->result.initial_exploitability,
                                 it->result.initial_severity, it->result.initial_class));
        else if (!cs.len)
            gap[i] = docs_strf(doc_set(d), "no security control acts on it and its risk is not "
                                           "acceptable without one");
        else if (no_req.len || no_ev.len)
            gap[i] = docs_strf(
                doc_set(d), "%s%s%s%s%s", no_req.len ? "no security requirement names " : "",
                no_req.len ? no_req.data : "", no_req.len && no_ev.len ? "; " : "",
                no_ev.len ? "no passing evidence verifies " : "", no_ev.len ? no_ev.data : "");
        if (gap[i])
            docs_addf(doc_set(d), &why, "%s", gap[i]);
        doc_cell(d, "%s: %s", t->id, t->title ? t->title : "-");
        doc_cell(d, "%s", cs.len ? cs.data : "-");
        doc_cell(d, "%s", rq.len ? rq.data : "-");
        doc_cell(d, "%s", ev.len ? ev.data : "-");
        doc_cell(d, "%s", why.len ? why.data : "traced");
    }
    /* the gaps after the table, one per threat with a missing link */
    for (size_t i = 0; i < tl->n; i++)
        if (gap[i])
            doc_gap(d, area, tl->v[i].id, "Threat %s: %s.", tl->v[i].id, gap[i]);
    medsec_free(gap);
    medsec_buf_release(&cs);
    medsec_buf_release(&rq);
    medsec_buf_release(&ev);
    medsec_buf_release(&no_req);
    medsec_buf_release(&no_ev);
    medsec_buf_release(&why);
    return docs_status(g);
}

/* ---- joint responsibility ---- */

medsec_err docs_sec_duties(struct docs_gen *g, struct doc *d, const char *area)
{
    const struct medsec_model *m = g->model;
    if (!m->nduties) {
        doc_gap(d, area, "duties",
                "The security file states no duties of operators, integrators or HDO IT.");
        return docs_status(g);
    }
    doc_para(d, "What operators, integrators and HDO IT must do for the device to stay secure "
                "(MDCG 2019-16 2.6, joint responsibility), and whether the IFU states it.");
    static const char *const h[] = {"Duty", "Party", "What they do", "Controls", "In IFU"};
    doc_table(d, 5, h);
    for (size_t i = 0; i < m->nduties; i++) {
        const struct medsec_model_duty *u = &m->duties[i];
        doc_cell(d, "%s", u->id);
        doc_cell(d, "%s", u->party);
        doc_cell(d, "%s", u->text);
        doc_cell(d, "%s", docs_join(doc_set(d), u->controls.v, u->controls.n, ", "));
        doc_cell(d, "%s", docs_yesno(u->in_ifu));
    }
    if (m->nassumptions) {
        doc_para(d, "What the operating environment is assumed to provide:");
        static const char *const ah[] = {"Assumption", "Text", "Concerns"};
        doc_table(d, 3, ah);
        for (size_t i = 0; i < m->nassumptions; i++) {
            const struct medsec_model_assumption *a = &m->assumptions[i];
            doc_cell(d, "%s", a->id);
            doc_cell(d, "%s", a->text);
            doc_cell(d, "%s", docs_join(doc_set(d), a->applies_to.v, a->applies_to.n, ", "));
        }
    }
    return docs_status(g);
}

/* ---- post-market plan ---- */

/* The triage policy of the device's triage file (the session's, else read from the file). */
medsec_err docs_triage_policy(struct docs_gen *g, struct medsec_triage_policy *out, bool *found)
{
    *found = false;
    if (g->opts->triage && g->opts->triage->triage) {
        *out = g->opts->triage->triage->policy;
        *found = g->opts->triage->has_file && g->opts->triage->triage->has_policy;
        return MEDSEC_OK;
    }
    char *path = medsec_triage_path(g->model->dir, g->model);
    if (!path)
        return MEDSEC_ENOMEM;
    struct medsec_triage *t = NULL;
    FILE *f = fopen(path, "r");
    medsec_err rc = medsec_triage_new(&t, g->err);
    if (!rc && f) {
        rc = medsec_triage_read(t, path, g->err);
        if (!rc)
            *found = t->has_policy;
    }
    if (!rc)
        *out = t->policy;
    if (f)
        fclose(f);
    medsec_triage_free(t);
    medsec_free(path);
    return rc;
}

medsec_err docs_sec_policy_table(struct docs_gen *g, struct doc *d, const char *area)
{
    struct medsec_triage_policy pol;
    bool found;
    medsec_err rc = docs_triage_policy(g, &pol, &found);
    if (rc)
        return rc;
    if (!found) {
        doc_gap(d, area, "triage.policy",
                "The triage file sets no due-date policy (policy.due_days): the response times "
                "to a new vulnerability are not stated.");
        return docs_status(g);
    }
    doc_para(d, "Response times to a newly found vulnerability (the triage file's due-date "
                "policy): a finding must be assessed and, where it affects the device, remedied "
                "within these days of first being seen.");
    static const char *const h[] = {"Severity", "Days"};
    doc_table(d, 2, h);
    doc_cell(d, "Known exploited (CISA KEV)");
    doc_cell(d, "%ld", pol.kev_days);
    for (int sv = MEDSEC_CVSS_SEV_CRITICAL; sv >= 0; sv--) {
        doc_cell(d, "%s", medsec_cvss_severity_name((enum medsec_cvss_severity)sv));
        doc_cell(d, "%ld", pol.days[sv]);
    }
    return docs_status(g);
}

medsec_err docs_sec_postmarket(struct docs_gen *g, struct doc *d, int level, const char *area)
{
    const struct medsec_model *m = g->model;
    const struct medsec_model_postmarket *pm = &m->postmarket;
    struct medsec_docs *s = doc_set(d);
    doc_heading(d, level, "disclosure", "Coordinated vulnerability disclosure");
    if (!pm->pos.line) {
        doc_gap(d, area, "postmarket",
                "The security file has no post-market plan (postmarket): no vulnerability "
                "contact, disclosure policy or monitoring sources are stated.");
    } else {
        doc_kv_begin(d);
        doc_kv(d, "Report vulnerabilities to", "%s", pm->contact);
        doc_kv(d, "Disclosure policy", "%s", pm->disclosure_policy ? pm->disclosure_policy : "-");
        doc_kv(d, "Security advisories", "%s", pm->advisories ? pm->advisories : "-");
        if (pm->acknowledge_days)
            doc_kv(d, "Acknowledgement of a report", "within %ld days", pm->acknowledge_days);
        if (!pm->disclosure_policy)
            doc_gap(d, area, "postmarket.disclosure_policy",
                    "The security file names no published coordinated vulnerability disclosure "
                    "policy.");
        if (!pm->advisories)
            doc_gap(d, area, "postmarket.advisories",
                    "The security file does not say where security advisories are published.");
        if (!pm->acknowledge_days)
            doc_gap(d, area, "postmarket.acknowledge_days",
                    "The security file does not say how fast a vulnerability report is "
                    "acknowledged.");
    }
    doc_heading(d, level, "monitoring", "Monitoring");
    if (pm->pos.line && pm->monitoring.n) {
        doc_para(d, "Sources watched for new vulnerabilities and threats:");
        doc_list(d, false);
        for (size_t i = 0; i < pm->monitoring.n; i++)
            doc_item(d, "%s", pm->monitoring.v[i]);
    } else {
        doc_gap(d, area, "postmarket.monitoring",
                "The security file names no sources watched for new vulnerabilities.");
    }
    if (pm->review_days)
        doc_para(d, "The threat model and the security risk register are reviewed every %ld days.",
                 pm->review_days);
    else
        doc_gap(d, area, "postmarket.review_days",
                "The security file does not say how often the threat model and risk register "
                "are reviewed.");
    doc_heading(d, level, "updates", "Security updates and response times");
    if (pm->update_cycle_days)
        doc_para(d, "Regular security updates are released every %ld days.", pm->update_cycle_days);
    else
        doc_gap(d, area, "postmarket.update_cycle_days",
                "The security file does not state the cadence of regular security updates.");
    medsec_err rc = docs_sec_policy_table(g, d, area);
    if (rc)
        return rc;
    doc_heading(d, level, "support", "Support of the releases");
    static const char *const h[] = {"Version", "Released", "Level of support", "End of support",
                                    "Status on the document date"};
    doc_table(d, 5, h);
    for (size_t i = 0; i < m->nversions; i++) {
        const struct medsec_model_version *v = &m->versions[i];
        doc_cell(d, "%s", v->version);
        doc_cell(d, "%s", v->release_date ? v->release_date : "-");
        doc_cell(d, "%s", medsec_support_level_name(v->support));
        doc_cell(d, "%s", v->end_of_support ? v->end_of_support : "-");
        doc_cell(d, "%s",
                 medsec_support_status_name(medsec_model_support_status(v, s->date, NULL)));
    }
    return docs_status(g);
}
