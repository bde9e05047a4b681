/*
 * fda.c: the FDA premarket cybersecurity set, one document per item a reviewer looks for (the
 * sections of FDA's premarket cybersecurity guidance, 2023, updated 2025): the security risk
 * management report (V.A.1 threat model, V.A.2 risk assessment, traceability, V.A.6 metrics), the
 * SBOM (V.A.4), the unresolved anomalies (V.A.5), the architecture views and security controls
 * (V.B), the cybersecurity testing (V.C), the labeling (VI.A) and the cybersecurity management
 * plan (VI.B; FD&C Act 524B(b)(1)).
 */
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "medsec/alloc.h"
#include "medsec/date.h"
#include "medsec/json.h"
#include "medsec/risk.h"
#include "medsec/triage.h"

#define AREA "FDA"

/* ---- metrics (V.A.6) ---- */

/* Day count between two dates (b - a), or -1 when one does not parse. */
static long days_between(const char *a, const char *b)
{
    long x, y;
    if (!a || !b || !medsec_date_parse(a, &x) || !medsec_date_parse(b, &y))
        return -1;
    return y - x;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

struct duration {
    size_t n;
    long mean, median, max; /* whole days; mean rounded down */
};

static void duration_of(long *v, size_t n, struct duration *out)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    if (!n)
        return;
    qsort(v, n, sizeof *v, cmp_long);
    long sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    out->mean = sum / (long)n;
    out->median = v[n / 2];
    out->max = v[n - 1];
}

/* Days from first seen to a decision, and to the release that fixed it. */
static medsec_err durations(struct docs_gen *g, const struct medsec_triage_report *r,
                            struct duration *triage, struct duration *fix)
{
    long *a = medsec_calloc(r->nitems + 1, sizeof *a), *b = medsec_calloc(r->nitems + 1, sizeof *b);
    if (!a || !b) {
        medsec_free(a);
        medsec_free(b);
        return MEDSEC_ENOMEM;
    }
    size_t na = 0, nb = 0;
    for (size_t i = 0; i < r->nitems; i++) {
        const struct medsec_triage_item *it = &r->items[i];
        const struct medsec_triage_decision *dd = it->decision;
        if (!dd || !medsec_triage_item_decided(it))
            continue;
        long t = days_between(it->first_seen, dd->at);
        if (t >= 0)
            a[na++] = t;
        const struct medsec_model_version *v =
            dd->fixed_in ? medsec_model_find_version(g->model, dd->fixed_in) : NULL;
        long f = v ? days_between(it->first_seen, v->release_date) : -1;
        if (it->state == MEDSEC_VEX_RESOLVED && f >= 0)
            b[nb++] = f;
    }
    duration_of(a, na, triage);
    duration_of(b, nb, fix);
    medsec_free(a);
    medsec_free(b);
    return MEDSEC_OK;
}

static medsec_err metrics(struct docs_gen *g, struct doc *d, int level)
{
    const struct medsec_triage_session *t = g->opts->triage;
    if (!g->opts->db || !t) {
        doc_gap(d, AREA, "metrics",
                "No vulnerability database and triage data were given (medsec docs --db): the "
                "cybersecurity metrics cannot be computed.");
        return docs_status(g);
    }
    struct medsec_triage_counts c;
    medsec_triage_summary(&t->report, NULL, &c);
    size_t open = c.by_status[MEDSEC_TRIAGE_UNTRIAGED] + c.by_status[MEDSEC_TRIAGE_STALE];
    size_t decided = c.findings - open;
    struct duration tt, tf;
    medsec_err rc = durations(g, &t->report, &tt, &tf);
    if (rc)
        return rc;
    doc_para(d, "Computed from the triage of every release's findings on %s.", doc_set(d)->date);
    static const char *const h[] = {"Metric", "Value"};
    doc_table(d, 2, h);
    doc_cell(d, "Findings (known vulnerabilities matched to a release's components)");
    doc_cell(d, "%zu", c.findings);
    doc_cell(d, "Findings triaged (decided and not stale)");
    if (c.findings)
        doc_cell(d, "%zu (%zu.%zu%%)", decided, decided * 100 / c.findings,
                 decided * 1000 / c.findings % 10);
    else
        doc_cell(d, "0");
    doc_cell(d, "Findings not yet assessed (untriaged or stale)");
    doc_cell(d, "%zu", open);
    doc_cell(d, "Findings past their due date");
    doc_cell(d, "%zu", c.past_due);
    doc_cell(d, "Time from first seen to a decision (decisions that record their date)");
    if (tt.n)
        doc_cell(d, "%zu decisions: mean %ld, median %ld, longest %ld days", tt.n, tt.mean,
                 tt.median, tt.max);
    else
        doc_cell(d, "-");
    doc_cell(d, "Time from first seen to the release that fixed it");
    if (tf.n)
        doc_cell(d, "%zu fixes: mean %ld, median %ld, longest %ld days", tf.n, tf.mean, tf.median,
                 tf.max);
    else
        doc_cell(d, "-");
    (void)level;
    if (!tt.n)
        doc_gap(d, AREA, "metrics.time_to_triage",
                "No decision of the triage file records when it was made against a finding with "
                "a first-seen date: the time to triage cannot be computed.");
    if (!tf.n)
        doc_gap(d, AREA, "metrics.time_to_fix",
                "No resolved finding names the release of the security file that fixed it "
                "(fixed_in): the time to a fix cannot be computed.");
    doc_gap(d, AREA, "metrics.deployment",
            "The time from an update's release to its installation in the field needs fleet "
            "data, which the premarket set does not have (medsec serve reports it).");

    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &b, 0);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_int(&w, "findings", (long long)c.findings);
    medsec_jsonw_kv_int(&w, "triaged", (long long)decided);
    medsec_jsonw_kv_int(&w, "untriaged", (long long)c.by_status[MEDSEC_TRIAGE_UNTRIAGED]);
    medsec_jsonw_kv_int(&w, "stale", (long long)c.by_status[MEDSEC_TRIAGE_STALE]);
    medsec_jsonw_kv_int(&w, "past_due", (long long)c.past_due);
    medsec_jsonw_kv_int(&w, "decisions_timed", (long long)tt.n);
    medsec_jsonw_kv_int(&w, "days_to_triage_median", tt.median);
    medsec_jsonw_kv_int(&w, "fixes_timed", (long long)tf.n);
    medsec_jsonw_kv_int(&w, "days_to_fix_median", tf.median);
    medsec_jsonw_object_end(&w);
    rc = medsec_jsonw_finish(&w);
    if (!rc)
        docs_data(doc_set(d), "fda_metrics", b.data, b.len);
    medsec_buf_release(&b);
    return rc ? rc : docs_status(g);
}

/* ---- unresolved anomalies of verification (V.A.5) ---- */

/* Verification that did not pass (result fail or open): each an anomaly the release ships with,
 * with what the file says about it. */
static medsec_err open_results(struct docs_gen *g, struct doc *d)
{
    const struct medsec_model *m = g->model;
    size_t n = 0;
    for (size_t i = 0; i < m->nevidence; i++)
        n += !strcmp(m->evidence[i].result, "fail") || !strcmp(m->evidence[i].result, "open");
    doc_heading(d, 1, "fda-anomalies-verification", "Verification results not passed");
    if (!n) {
        doc_para(d, "Every verification entry of the security file passed or does not apply.");
        return docs_status(g);
    }
    static const char *const h[] = {"Evidence", "Title", "Result", "Verifies", "Assessment"};
    doc_table(d, 5, h);
    for (size_t i = 0; i < m->nevidence; i++) {
        const struct medsec_model_evidence *e = &m->evidence[i];
        if (strcmp(e->result, "fail") && strcmp(e->result, "open"))
            continue;
        doc_cell(d, "%s", e->id);
        doc_cell(d, "%s", e->title);
        doc_cell(d, "%s", e->result);
        doc_cell(d, "%s", docs_join(g->set, e->verifies.v, e->verifies.n, ", "));
        doc_cell(d, "%s", e->description ? e->description : "-");
    }
    for (size_t i = 0; i < m->nevidence; i++) {
        const struct medsec_model_evidence *e = &m->evidence[i];
        if ((!strcmp(e->result, "fail") || !strcmp(e->result, "open")) && !e->description)
            doc_gap(d, AREA, e->id,
                    "Verification %s has result %s and the security file does not assess its "
                    "security impact (description).",
                    e->id, e->result);
    }
    return docs_status(g);
}

/* ---- security controls by category (V.B.1, Appendix 1) ---- */

static const struct {
    const char *slug, *name;
    const char *codes[5];
} categories[] = {
    {"authentication", "Authentication", {"PAUT", "NAUT"}},
    {"authorization", "Authorization", {"AUTH", "ALOF", "EMRG"}},
    {"cryptography", "Cryptography", {"TXCF", "STCF", "TXIG"}},
    {"integrity", "Code, data and execution integrity", {"TXIG", "IGAU", "SAHD", "MLDP"}},
    {"confidentiality", "Confidentiality", {"TXCF", "STCF", "DIDT", "MPII"}},
    {"logging", "Event detection and logging", {"AUDT"}},
    {"resiliency", "Resiliency and recovery", {"DTBK", "EMRG"}},
    {"updatability", "Updatability and patchability", {"CSUP", "RDMP"}},
};

static bool has_any(const struct medsec_model_control *c, const char *const *codes)
{
    for (size_t k = 0; k < 5 && codes[k]; k++)
        if (medsec_strlist_has(&c->capabilities, codes[k]))
            return true;
    return false;
}

/* The ids of the controls with one of @codes, ", "-joined in the set's arena ("" when none). */
static const char *controls_with(struct docs_gen *g, const char *const *codes)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    for (size_t i = 0; i < g->model->ncontrols; i++)
        if (has_any(&g->model->controls[i], codes))
            docs_addf(g->set, &b, "%s%s", b.len ? ", " : "", g->model->controls[i].id);
    const char *r = docs_strf(g->set, "%s", b.data);
    medsec_buf_release(&b);
    return r;
}

static medsec_err control_categories(struct docs_gen *g, struct doc *d)
{
    doc_para(d, "The security controls of the security file by the control categories of the "
                "guidance's Appendix 1, through their MDS2 capability codes.");
    static const char *const h[] = {"Category", "Capabilities", "Controls"};
    doc_table(d, 3, h);
    for (size_t i = 0; i < sizeof categories / sizeof *categories; i++) {
        const char *ids = controls_with(g, categories[i].codes);
        doc_cell(d, "%s", categories[i].name);
        doc_cell(d, "%s",
                 docs_join(g->set, categories[i].codes,
                           (size_t)(categories[i].codes[4]   ? 5
                                    : categories[i].codes[3] ? 4
                                    : categories[i].codes[2] ? 3
                                    : categories[i].codes[1] ? 2
                                                             : 1),
                           ", "));
        doc_cell(d, "%s", ids && *ids ? ids : "-");
    }
    for (size_t i = 0; i < sizeof categories / sizeof *categories; i++) {
        const char *ids = controls_with(g, categories[i].codes);
        if (ids && !*ids)
            doc_gap(d, AREA, docs_strf(g->set, "controls.%s", categories[i].slug),
                    "No security control of the file covers the category %s.", categories[i].name);
    }
    return docs_status(g);
}

/* ---- labeling (VI.A) ---- */

static void label_row(struct doc *d, const char *id, const char *asks, const char *source)
{
    doc_cell(d, "%s", id);
    doc_cell(d, "%s", asks);
    doc_cell(d, "%s", source ? source : "-");
}

static medsec_err labeling(struct docs_gen *g, struct doc *d,
                           const struct medsec_risk_register *reg)
{
    const struct medsec_model *m = g->model;
    struct medsec_docs *s = g->set;
    static const char *const upd[] = {"CSUP", NULL}, *const hard[] = {"SAHD", NULL},
                             *const bak[] = {"DTBK", NULL}, *const log[] = {"AUDT", NULL};
    size_t in_ifu = 0;
    for (size_t i = 0; i < m->nduties; i++)
        in_ifu += m->duties[i].in_ifu == 1;
    const struct medsec_model_sbom **sb = medsec_calloc(m->nsboms + 1, sizeof *sb);
    if (!sb)
        return MEDSEC_ENOMEM;
    size_t nsb = medsec_model_version_sboms(m, g->release, sb);
    medsec_free(sb);
    size_t nports = 0;
    for (size_t i = 0; i < m->ninterfaces; i++)
        nports += m->interfaces[i].nports;
    const char *u = controls_with(g, upd), *h = controls_with(g, hard), *b = controls_with(g, bak),
               *l = controls_with(g, log);
    struct {
        const char *id, *asks, *source;
    } rows[] = {
        {"labeling.environment",
         "Cybersecurity controls the users are expected to provide in the use environment",
         m->nduties + m->nassumptions
             ? docs_strf(s, "%zu duties (%zu stated in the IFU) and %zu environment assumptions",
                         m->nduties, in_ifu, m->nassumptions)
             : NULL},
        {"labeling.interfaces", "Network ports and other interfaces, with their direction",
         m->ninterfaces ? docs_strf(s, "%zu interfaces with %zu ports; %zu data flows",
                                    m->ninterfaces, nports, m->nflows)
                        : NULL},
        {"labeling.diagrams", "System diagrams detailed enough for the end user",
         m->nflows ? "the data-flow diagram and the architecture views drawn from the model"
                   : NULL},
        {"labeling.sbom", "The SBOM, in a machine-readable form",
         nsb ? docs_strf(s, "%zu SBOM files of release %s", nsb, g->release->version) : NULL},
        {"labeling.updates",
         "How to obtain and install manufacturer-authorised, version-identifiable updates",
         u && *u ? docs_strf(s, "controls %s (CSUP)", u) : NULL},
        {"labeling.hardening", "How the device is hardened; its secure configuration",
         h && *h ? docs_strf(s, "controls %s (SAHD)", h) : NULL},
        {"labeling.backup", "Backup and restore of the configuration",
         b && *b ? docs_strf(s, "controls %s (DTBK)", b) : NULL},
        {"labeling.logging", "How anomalies are announced, and the logs kept for forensics",
         l && *l ? docs_strf(s, "controls %s (AUDT)", l) : NULL},
        {"labeling.residual-risks", "The residual cybersecurity risks users should know",
         docs_strf(s, "%zu residual risks outside the acceptable region in the register",
                   medsec_risk_register_unacceptable(reg))},
        {"labeling.end-of-support", "The end of support of the device and its components",
         g->release->end_of_support
             ? docs_strf(s, "release %s: %s; %zu component support entries", g->release->version,
                         g->release->end_of_support, m->ncomponent_support)
             : NULL},
        {"labeling.disclosure", "How to report a vulnerability and where advisories appear",
         m->postmarket.pos.line
             ? docs_strf(s, "postmarket.contact %s%s%s", m->postmarket.contact,
                         m->postmarket.advisories ? ", advisories at " : "",
                         m->postmarket.advisories ? m->postmarket.advisories : "")
             : NULL},
    };
    doc_para(d, "What the guidance asks the labeling to tell users about cybersecurity, each item "
                "with its source in the security file; the IFU security section and the HDO "
                "manual carry the text.");
    static const char *const hd[] = {"Item", "Labeling content", "Source"};
    doc_table(d, 3, hd);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        label_row(d, rows[i].id, rows[i].asks, rows[i].source);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        if (!rows[i].source)
            doc_gap(d, AREA, rows[i].id, "Labeling item without source in the security file: %s.",
                    rows[i].asks);
    return docs_status(g);
}

/* ---- cybersecurity management plan (VI.B) ---- */

static medsec_err plan(struct docs_gen *g, struct doc *d)
{
    doc_heading(d, 1, "fda-plan-duties", "Responsibilities shared with the users");
    medsec_err rc = docs_sec_duties(g, d, AREA);
    if (rc)
        return rc;
    doc_heading(d, 1, "fda-plan-pms", "Monitoring, disclosure and remediation");
    return docs_sec_postmarket(g, d, 2, AREA);
}

medsec_err docs_gen_fda(struct docs_gen *g)
{
    struct medsec_docs *s = g->set;
    const struct medsec_threat_list *tl = NULL;
    struct medsec_risk_register reg = {0};
    medsec_err rc = docs_risk_inputs(g, &tl, &reg);
    if (rc)
        goto out_release;

    struct doc *d = doc_new(s, "fda-security-risk-management-report", "FDA premarket",
                            "Security risk management report",
                            "FDA premarket cybersecurity guidance V.A: threat model (V.A.1), "
                            "cybersecurity risk assessment (V.A.2), traceability from threats "
                            "to controls and testing, and the metrics of V.A.6.");
    doc_heading(d, 1, "fda-device", "Device and scope");
    if ((rc = docs_sec_device(g, d, 2, AREA)))
        goto out_release;
    doc_heading(d, 1, "fda-architecture", "System architecture and data flows");
    if ((rc = docs_sec_architecture(g, d, 2, AREA)))
        goto out_release;
    doc_heading(d, 1, "fda-threat-model", "V.A.1 Threat model");
    if ((rc = docs_sec_threats(g, d, 2, AREA, tl)))
        goto out_release;
    doc_heading(d, 1, "fda-risk-assessment", "V.A.2 Cybersecurity risk assessment");
    if ((rc = docs_sec_risk_method(g, d, 2, AREA)) || (rc = docs_sec_register(g, d, 2, AREA, &reg)))
        goto out_release;
    doc_heading(d, 2, "fda-safety", "Security risks that can cause a hazard");
    if ((rc = docs_sec_safety_links(g, d, 3, AREA, &reg)))
        goto out_release;
    doc_heading(d, 1, "fda-traceability", "Traceability matrix");
    if ((rc = docs_sec_trace(g, d, 2, AREA, tl, &reg)))
        goto out_release;
    doc_heading(d, 1, "fda-metrics", "V.A.6 Cybersecurity metrics");
    if ((rc = metrics(g, d, 2)))
        goto out_release;

    d = doc_new(s, "fda-sbom", "FDA premarket", "Software bill of materials",
                "FDA premarket cybersecurity guidance V.A.4 and FD&C Act 524B(b)(3): every "
                "component with its level of support and end of support; machine-readable "
                "exports beside this document.");
    if ((rc = docs_sbom_section(g, d, 1)))
        goto out_release;

    d = doc_new(s, "fda-unresolved-anomalies", "FDA premarket",
                "Assessment of unresolved anomalies",
                "FDA premarket cybersecurity guidance V.A.5: verification that did not pass, and "
                "known vulnerabilities that still affect the release or are not yet assessed, "
                "with their assessment.");
    if ((rc = open_results(g, d)))
        goto out_release;
    doc_heading(d, 1, "fda-anomalies", "Unresolved vulnerabilities of release %s",
                g->release->version);
    if ((rc = docs_sec_vulns(g, d, 2, AREA, true)))
        goto out_release;

    d = doc_new(s, "fda-architecture-views", "FDA premarket", "Security architecture",
                "FDA premarket cybersecurity guidance V.B: the security controls (V.B.1, "
                "Appendix 1) and the four security architecture views (V.B.2).");
    doc_heading(d, 1, "fda-controls", "V.B.1 Security controls by category");
    if ((rc = control_categories(g, d)) || (rc = docs_arch_views(g, d, 1)))
        goto out_release;

    d = doc_new(s, "fda-cybersecurity-testing", "FDA premarket", "Cybersecurity testing",
                "FDA premarket cybersecurity guidance V.C: security requirements testing, threat "
                "mitigation testing, vulnerability testing and penetration testing, with tester "
                "independence (IEC 81001-5-1 5.7).");
    if ((rc = docs_sec_testing(g, d, 1, AREA)))
        goto out_release;

    d = doc_new(s, "fda-labeling", "FDA premarket", "Cybersecurity labeling",
                "FDA premarket cybersecurity guidance VI.A: what the labeling tells users about "
                "cybersecurity, traced to the security file.");
    doc_heading(d, 1, "fda-labeling-items", "VI.A Labeling items");
    if ((rc = labeling(g, d, &reg)))
        goto out_release;

    d = doc_new(s, "fda-cybersecurity-management-plan", "FDA premarket",
                "Cybersecurity management plan",
                "FDA premarket cybersecurity guidance VI.B and FD&C Act 524B(b)(1): how "
                "vulnerabilities are monitored, disclosed and remedied after the device is on "
                "the market.");
    rc = plan(g, d);
out_release:
    medsec_risk_register_release(&reg);
    return rc ? rc : docs_status(g);
}
