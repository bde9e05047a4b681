/*
 * gspr.c: the GSPR checklist (the MDR Annex I requirements MDCG 2019-16 Table 1 ties to
 * cybersecurity) and the IEC 81001-5-1 clause matrix (docs/docs-gspr.md). Each row says what the
 * clause asks, whether it applies to this device and why (decided from the security file), the
 * records that meet it traced by id, its status (met, partly, gap, not applicable) and every gap.
 * The rows are computed first and written afterwards, so the GSPR 17.2 row can read the matrix's
 * outcome; the same rows are the generator's --json data ("gspr", "iec81001").
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "doc.h"
#include "medsec/alloc.h"
#include "medsec/file.h"
#include "medsec/gate.h"
#include "medsec/json.h"
#include "medsec/risk.h"
#include "medsec/triage.h"

enum row_status { ROW_MET = 0, ROW_PARTLY, ROW_GAP, ROW_NA };
static const char *const status_names[] = {"met", "partly", "gap", "not applicable"};

#define ROW_MAX_RECORDS 48
#define ROW_MAX_GAPS 10
#define ROW_MAX_DOCS 6

/* A record shown against a row, by id: a requirement, control, evidence entry, assumption ... */
struct record {
    const char *kind; /* "requirement", "control", "evidence", ... (the security file's words) */
    const char *id;
    const char *note; /* evidence: its result; a summary: what it counts (may be NULL) */
    bool counts;      /* it meets the clause; a failed or open test, or a need, does not */
};

struct row {
    const char *item; /* "17.2", "5.7.4" */
    bool applicable;
    const char *why; /* applicability, one sentence */
    struct record rec[ROW_MAX_RECORDS];
    size_t nrec, more;              /* more: records past the cap */
    const char *docs[ROW_MAX_DOCS]; /* generated documents that carry it, by id */
    size_t ndocs;
    const char *gaps[ROW_MAX_GAPS];
    size_t ngaps, moregaps;
    enum row_status status;
};

/* What every probe reads: the device, its risk register and threats, and facts decided once. */
struct trace {
    struct docs_gen *g;
    struct medsec_docs *s;
    const struct medsec_model *m;
    struct medsec_risk_register reg;
    struct medsec_device_risk_stats stats; /* what the scan found (with a database) */
    const struct medsec_threat_list *threats;
    size_t above;            /* residual risks above the acceptable region */
    size_t unjustified;      /* ... of them without a benefit-risk justification */
    bool has_triage;         /* a triage file exists (or the caller gave a triage session) */
    bool programmable;       /* the device has a process item (software or firmware) */
    const char *connected;   /* why it connects to other devices / IT, or NULL */
    const char *unconnected; /* ... else why not */
    const char *exchanges;   /* why it exchanges data with other devices / IT, or NULL */
    size_t iec_short;        /* IEC 81001-5-1 rows not met (for GSPR 17.2) */
};

/* ---- rows ---- */

static bool rec_has(const struct row *r, const char *kind, const char *id)
{
    for (size_t i = 0; i < r->nrec; i++)
        if (!strcmp(r->rec[i].kind, kind) && !strcmp(r->rec[i].id, id))
            return true;
    return false;
}

static void rec_add(struct row *r, const char *kind, const char *id, const char *note, bool counts)
{
    if (!id)
        return;
    for (size_t i = 0; i < r->nrec; i++)
        if (!strcmp(r->rec[i].kind, kind) && !strcmp(r->rec[i].id, id)) {
            r->rec[i].counts |= counts;
            return;
        }
    if (r->nrec == ROW_MAX_RECORDS) {
        r->more++;
        return;
    }
    r->rec[r->nrec++] = (struct record){kind, id, note, counts};
}

static void row_doc(struct row *r, const char *doc)
{
    for (size_t i = 0; i < r->ndocs; i++)
        if (!strcmp(r->docs[i], doc))
            return;
    if (r->ndocs < ROW_MAX_DOCS)
        r->docs[r->ndocs++] = doc;
}

static void row_gap(struct trace *t, struct row *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void row_gap(struct trace *t, struct row *r, const char *fmt, ...)
{
    char b[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, sizeof b, fmt, ap);
    va_end(ap);
    if (r->ngaps == ROW_MAX_GAPS) {
        r->moregaps++;
        return;
    }
    const char *s = docs_strf(t->s, "%s", b);
    if (s)
        r->gaps[r->ngaps++] = s;
}

static void row_not_applicable(struct trace *t, struct row *r, const char *why)
{
    r->applicable = false;
    r->why = why ? why : docs_strf(t->s, "not applicable");
}

/* Status from what the row holds: a gap with nothing that meets the clause is a gap, a gap beside
 * records that meet part of it is partly met; no record at all is a gap too. */
static void row_close(struct trace *t, struct row *r, const char *area)
{
    if (!r->applicable) {
        r->status = ROW_NA;
        return;
    }
    size_t counting = 0;
    for (size_t i = 0; i < r->nrec; i++)
        counting += r->rec[i].counts;
    if (!counting && !r->ngaps)
        row_gap(t, r, "nothing in the security file meets %s %s", area, r->item);
    r->status = !r->ngaps ? ROW_MET : counting ? ROW_PARTLY : ROW_GAP;
}

/* ---- matching a requirement's `sources` ---- */

/* @s lower-cased without blanks and brackets into @out ("MDR GSPR 14.2(d)" -> "mdrgspr14.2d"). */
static bool squash(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; *s; s++) {
        char c = *s;
        if (c == ' ' || c == '\t' || c == '(' || c == ')' || c == '_')
            continue;
        if (n + 1 >= cap)
            return false;
        out[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    out[n] = 0;
    return true;
}

static const char *skip(const char *p, const char *word)
{
    size_t n = strlen(word);
    return strncmp(p, word, n) ? p : p + n;
}

/* Does source @src cite GSPR @item? "MDR GSPR 17.4", "GSPR 17.4", "MDR Annex I 17.4",
 * "Annex I GSPR 14.2(d)"; the clause must be the same (14.2 is not 14.2(d)). */
static bool cites_gspr(const char *src, const char *item)
{
    char a[128], b[32];
    if (!squash(src, a, sizeof a) || !squash(item, b, sizeof b))
        return false;
    const char *p = skip(a, "mdr"), *q;
    bool named = false;
    if ((q = skip(p, "annexi")) != p && (*q < 'a' || *q > 'z'))
        p = q, named = true;
    if ((q = skip(p, "gspr")) != p)
        p = q, named = true;
    p = skip(p, "§");
    return named && !strcmp(p, b);
}

/* Does source @src cite clause @clause of IEC 81001-5-1, or a clause inside it or around it
 * ("IEC 81001-5-1 5.7" serves 5.7.4, "IEC 81001-5-1:2021 5.2.1" serves 5.2)? */
static bool cites_iec(const char *src, const char *clause)
{
    char a[128];
    if (!squash(src, a, sizeof a))
        return false;
    const char *p = skip(skip(a, "en"), "iec81001-5-1");
    if (p == a || (p[-1] != '1'))
        return false;
    if (*p == ':')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    p = skip(skip(p, ","), "clause");
    p = skip(p, "§");
    size_t np = strlen(p), nc = strlen(clause);
    if (!np)
        return false;
    if (np == nc)
        return !strcmp(p, clause);
    if (np > nc)
        return !strncmp(p, clause, nc) && p[nc] == '.';
    return !strncmp(clause, p, np) && clause[np] == '.';
}

typedef bool (*cites_fn)(const char *src, const char *clause);

/* True when @s is one of the NULL-terminated @list. */
static bool one_of(const char *s, const char *const *list)
{
    for (; s && *list; list++)
        if (!strcmp(s, *list))
            return true;
    return false;
}

/* Evidence entry @ev as a record with its result; a result other than pass (or not_applicable)
 * is a gap, said once per row (@about: what it verifies, for the gap's text; may be NULL). True
 * when it passed. */
static bool rec_evidence(struct trace *t, struct row *r, const struct medsec_model_evidence *ev,
                         const char *about)
{
    static const char *const neutral[] = {"pass", "not_applicable", NULL};
    const char *res = ev->result ? ev->result : "no result";
    bool ok = ev->result && !strcmp(ev->result, "pass");
    bool seen = rec_has(r, "evidence", ev->id);
    rec_add(r, "evidence", ev->id, res, ok);
    if (!seen && !one_of(ev->result, neutral))
        row_gap(t, r, "evidence %s (%s)%s%s%s has result %s, not pass", ev->id,
                ev->title ? ev->title : ev->kind, about ? ", which verifies " : "",
                about ? about : "", about ? "," : "", res);
    return ok;
}

/* The passing evidence that shows control @id works (medsec_model_evidence_verifies), as
 * records. True when there is some. */
static bool rec_control_evidence(struct trace *t, struct row *r, const char *id)
{
    bool shown = false;
    for (size_t e = 0; e < t->m->nevidence; e++)
        if (medsec_model_evidence_verifies(t->m, &t->m->evidence[e], id)) {
            rec_add(r, "evidence", t->m->evidence[e].id, "pass", true);
            shown = true;
        }
    return shown;
}

/* The evidence entries that verify requirement @rq (it, or one of its controls), as records; a
 * result other than pass is a gap. Returns how many pass. */
static size_t trace_evidence(struct trace *t, struct row *r,
                             const struct medsec_model_requirement *rq)
{
    const struct medsec_model *m = t->m;
    size_t pass = 0, any = 0;
    for (size_t e = 0; e < m->nevidence; e++) {
        const struct medsec_model_evidence *ev = &m->evidence[e];
        bool hit = medsec_strlist_has(&ev->verifies, rq->id);
        for (size_t c = 0; !hit && c < rq->controls.n; c++)
            hit = medsec_strlist_has(&ev->verifies, rq->controls.v[c]);
        if (!hit)
            continue;
        any++;
        pass += rec_evidence(t, r, ev, rq->id);
    }
    if (!any)
        row_gap(t, r,
                "requirement %s has no verification evidence (no evidence entry verifies it "
                "or its controls)",
                rq->id);
    return pass;
}

/* Every requirement whose `sources` cite @clause, with its controls and their evidence. Returns how
 * many trace. */
static size_t trace_requirements(struct trace *t, struct row *r, cites_fn cites, const char *clause)
{
    const struct medsec_model *m = t->m;
    size_t n = 0;
    for (size_t i = 0; i < m->nrequirements; i++) {
        const struct medsec_model_requirement *rq = &m->requirements[i];
        bool hit = false;
        for (size_t k = 0; !hit && k < rq->sources.n; k++)
            hit = cites(rq->sources.v[k], clause);
        if (!hit)
            continue;
        n++;
        rec_add(r, "requirement", rq->id, NULL, true);
        for (size_t c = 0; c < rq->controls.n; c++) {
            const struct medsec_model_control *ctl =
                medsec_model_find_control(m, rq->controls.v[c]);
            bool active = ctl && medsec_control_status_active(ctl->status);
            rec_add(r, "control", rq->controls.v[c],
                    ctl ? medsec_control_status_name(ctl->status) : NULL, active);
            if (ctl && !active)
                row_gap(t, r, "control %s, which requirement %s relies on, is only planned",
                        ctl->id, rq->id);
        }
        trace_evidence(t, r, rq);
    }
    return n;
}

/* Controls whose capabilities include one of @caps (NULL-terminated), with their evidence. Returns
 * how many are active. */
static size_t trace_capabilities(struct trace *t, struct row *r, const char *const *caps)
{
    const struct medsec_model *m = t->m;
    size_t n = 0;
    for (size_t i = 0; i < m->ncontrols; i++) {
        const struct medsec_model_control *c = &m->controls[i];
        bool hit = false;
        for (size_t k = 0; !hit && k < c->capabilities.n; k++)
            hit = one_of(c->capabilities.v[k], caps);
        if (!hit)
            continue;
        bool active = medsec_control_status_active(c->status);
        rec_add(r, "control", c->id, medsec_control_status_name(c->status), active);
        n += active;
        if (!rec_control_evidence(t, r, c->id) && active)
            row_gap(t, r, "control %s is %s but no passing evidence verifies it", c->id,
                    medsec_control_status_name(c->status));
    }
    return n;
}

/* Evidence entries of the kinds @kinds (NULL-terminated); results other than pass are gaps.
 * Returns how many pass. */
static size_t trace_kinds(struct trace *t, struct row *r, const char *const *kinds)
{
    const struct medsec_model *m = t->m;
    size_t pass = 0;
    for (size_t e = 0; e < m->nevidence; e++) {
        if (one_of(m->evidence[e].kind, kinds))
            pass += rec_evidence(t, r, &m->evidence[e], NULL);
    }
    return pass;
}

static size_t trace_assumptions(struct row *r, const struct medsec_model *m)
{
    for (size_t i = 0; i < m->nassumptions; i++)
        rec_add(r, "assumption", m->assumptions[i].id, NULL, true);
    return m->nassumptions;
}

/* Duties of the parties @parties (NULL-terminated; NULL: every party); @ifu: only those stated in
 * the IFU. */
static size_t trace_duties(struct row *r, const struct medsec_model *m, const char *const *parties,
                           bool ifu)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nduties; i++) {
        const struct medsec_model_duty *d = &m->duties[i];
        if ((parties && !one_of(d->party, parties)) || (ifu && d->in_ifu != 1))
            continue;
        rec_add(r, "duty", d->id, d->party, true);
        n++;
    }
    return n;
}

/* The risk register as one record, and the residual risks above the acceptable region that have no
 * benefit-risk justification as a gap. */
static void trace_register(struct trace *t, struct row *r, bool unjustified_is_gap)
{
    if (!t->reg.n) {
        row_gap(t, r,
                "the risk register of release %s holds no security risk (no threat and no "
                "assessed vulnerability)",
                t->g->release->version);
        return;
    }
    rec_add(r, "risk register", docs_strf(t->s, "release %s", t->g->release->version),
            docs_strf(t->s,
                      "%zu risks, %zu above the acceptable region after controls, %zu "
                      "of them justified",
                      t->reg.n, t->above, t->above - t->unjustified),
            true);
    if (!unjustified_is_gap || !t->unjustified)
        return;
    char ids[512] = "";
    size_t shown = 0;
    for (size_t i = 0; i < t->reg.n && shown < 6; i++) {
        const struct medsec_risk_item *it = &t->reg.items[i];
        if (it->result.residual_acceptable || it->result.justified)
            continue;
        size_t l = strlen(ids);
        snprintf(ids + l, sizeof ids - l, "%s%s", shown ? ", " : "", it->spec.id);
        shown++;
    }
    row_gap(t, r,
            "%zu residual risk%s above the acceptable region ha%s no benefit-risk "
            "justification in risk_acceptance (%s%s)",
            t->unjustified, t->unjustified == 1 ? "" : "s", t->unjustified == 1 ? "s" : "ve", ids,
            t->unjustified > shown ? ", ..." : "");
}

/* The requirements that cite GSPR @r->item (trace_requirements); none is a gap: a technical GSPR is
 * met through design inputs that name it. */
static size_t need_requirements(struct trace *t, struct row *r)
{
    size_t n = trace_requirements(t, r, cites_gspr, r->item);
    if (!n)
        row_gap(t, r,
                "no security requirement's sources cite GSPR %s (add \"MDR GSPR %s\" to the "
                "sources of the requirements that meet it)",
                r->item, r->item);
    return n;
}

/* True when an implemented or verified control applies to element @id. */
static bool covered(const struct medsec_model *m, const char *id)
{
    for (size_t c = 0; c < m->ncontrols; c++)
        if (medsec_control_status_active(m->controls[c].status) &&
            medsec_strlist_has(&m->controls[c].applies_to, id))
            return true;
    return false;
}

/* ---- facts decided once ---- */

static bool ext_system(const struct medsec_model_item *it)
{
    if (it->element != MEDSEC_ELEMENT_EXTERNAL_ENTITY)
        return false;
    if (it->type) /* human, user and operator are people; system, service, device are not */
        return strcmp(it->type, "human") && strcmp(it->type, "user") &&
               strcmp(it->type, "operator");
    return !it->kind || strcmp(it->kind, "person");
}

/* Is @ch a channel that connects the device to other devices and IT: a network, radio, field bus
 * (the channels an attacker can reach from afar, medsec_channel_attackable) or removable media? */
static bool connecting(enum medsec_channel ch)
{
    return medsec_channel_attackable(ch) || ch == MEDSEC_CHANNEL_REMOVABLE_MEDIA;
}

/* The other device or IT system at one end of flow @f, or NULL. */
static const struct medsec_model_item *flow_peer(const struct medsec_model *m,
                                                 const struct medsec_model_flow *f)
{
    const struct medsec_model_item *a = medsec_model_find_item(m, f->from),
                                   *b = medsec_model_find_item(m, f->to);
    return a && ext_system(a) ? a : b && ext_system(b) ? b : NULL;
}

/* Why the device connects to other devices or IT (14.1, 14.2(d)): its interfaces on a network,
 * radio, field bus or removable media (debug ports closed in production left out), else NULL with
 * *@none naming what it has. */
static const char *connected(struct trace *t, const char **none)
{
    const struct medsec_model *m = t->m;
    char ids[512] = "", all[512] = "";
    size_t n = 0;
    for (size_t i = 0; i < m->ninterfaces; i++) {
        const struct medsec_model_interface *f = &m->interfaces[i];
        enum medsec_channel ch = medsec_model_interface_channel(f, NULL);
        size_t la = strlen(all);
        snprintf(all + la, sizeof all - la, "%s%s (%s)", la ? ", " : "", f->id,
                 medsec_channel_name(ch));
        if (f->debug == 1 && f->disabled_in_production == 1)
            continue;
        if (!connecting(ch))
            continue;
        size_t l = strlen(ids);
        snprintf(ids + l, sizeof ids - l, "%s%s (%s)", n ? ", " : "", f->id,
                 medsec_channel_name(ch));
        n++;
    }
    if (n)
        return docs_strf(t->s, "applies: the device connects to other devices and IT through %s",
                         ids);
    /* no such interface written down: a flow with another system on such a channel still is one */
    for (size_t i = 0; i < m->nflows; i++) {
        const struct medsec_model_flow *f = &m->flows[i];
        const struct medsec_model_item *x = flow_peer(m, f);
        enum medsec_channel ch = medsec_model_flow_channel(m, f, NULL);
        if (x && connecting(ch))
            return docs_strf(t->s, "applies: flow %s connects the device to %s over a %s channel",
                             f->id, x->id, medsec_channel_name(ch));
    }
    *none = docs_strf(t->s,
                      "not applicable: the device has no network, wireless, field-bus or "
                      "removable-media interface (its interfaces: %s), and no data flow with "
                      "another system on such a channel",
                      m->ninterfaces ? all : "none");
    return NULL;
}

/* Why the device exchanges data with other devices or IT systems (14.5), else NULL. */
static const char *exchanges(struct trace *t)
{
    const struct medsec_model *m = t->m;
    char ids[512] = "";
    size_t n = 0;
    for (size_t i = 0; i < m->nflows; i++) {
        const struct medsec_model_flow *f = &m->flows[i];
        const struct medsec_model_item *x = flow_peer(m, f);
        if (!x)
            continue;
        size_t l = strlen(ids);
        if (n < 6)
            snprintf(ids + l, sizeof ids - l, "%s%s (with %s)", n ? ", " : "", f->id, x->id);
        n++;
    }
    if (!n)
        return NULL;
    return docs_strf(t->s, "applies: %zu data flow%s with other devices or IT systems: %s%s", n,
                     n == 1 ? "" : "s", ids, n > 6 ? ", ..." : "");
}

/* Does @s name a lay user or a lay setting ("patients", "carers", "people with diabetes", "home")?
 * A nursing home is a professional setting. */
static bool lay(const char *s)
{
    static const char *const words[] = {
        "patient", "lay person", "layperson", "lay user", "carer", "caregiver", "care giver",
        "parent",  "family",     "people",    "consumer", "home",  "self"};
    char low[256];
    size_t n = 0;
    for (; s && *s && n + 1 < sizeof low; s++)
        low[n++] = (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : *s;
    low[n] = 0;
    if (strstr(low, "nursing home"))
        return false;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strstr(low, words[i]))
            return true;
    return false;
}

static bool file_exists(const char *path)
{
    struct stat st;
    return path && !stat(path, &st) && S_ISREG(st.st_mode);
}

/* ---- GSPR probes ---- */

static void g1(struct trace *t, struct row *r)
{
    trace_register(t, r, true);
    for (size_t i = 0; i < t->m->nrisk_acceptance; i++) {
        const struct medsec_model_acceptance *a = &t->m->risk_acceptance[i];
        if (!a->version || !strcmp(a->version, t->g->release->version))
            rec_add(r, "risk_acceptance", a->risk, NULL, true);
    }
    row_doc(r, "eu-technical-documentation");
    row_doc(r, "fda-security-risk-management-report");
}

static void g2(struct trace *t, struct row *r)
{
    size_t lowered = 0;
    for (size_t i = 0; i < t->reg.n; i++) {
        const struct medsec_risk_result *x = &t->reg.items[i].result;
        lowered += x->residual_exploitability < x->initial_exploitability ||
                   x->residual_severity < x->initial_severity;
    }
    trace_register(t, r, true);
    if (t->reg.n)
        rec_add(r, "risk register", docs_strf(t->s, "risks lowered by controls"),
                docs_strf(t->s, "%zu of %zu", lowered, t->reg.n), lowered > 0);
    for (size_t i = 0; i < t->m->ncontrols; i++)
        if (medsec_control_status_active(t->m->controls[i].status) &&
            t->m->controls[i].lowers != MEDSEC_LOWERS_UNSTATED)
            rec_add(r, "control", t->m->controls[i].id,
                    medsec_control_status_name(t->m->controls[i].status), true);
    row_doc(r, "eu-technical-documentation");
}

static void g3(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    if (m->risk_matrix.pos.line)
        rec_add(r, "risk_matrix", "acceptance criteria",
                docs_strf(t->s, "%zu exploitability levels x %zu harm levels",
                          m->risk_matrix.nexploitability, m->clinical.nharm_scale),
                true);
    else
        row_gap(t, r,
                "the security file has no risk_matrix: the acceptance criteria of security "
                "risks are not on record");
    trace_register(t, r, false);
    size_t linked = 0;
    for (size_t i = 0; i < m->nhazards; i++) {
        const struct medsec_model_hazard *h = &m->hazards[i];
        if (!h->threats.n && !h->ncaused_by)
            continue;
        rec_add(r, "hazard", h->id, h->safety_ref, true);
        linked++;
    }
    if (!linked)
        row_gap(t, r,
                "no hazard links a security risk to the safety risk management file "
                "(hazards with threats or caused_by; MDCG 2019-16 3.2)");
    if (t->has_triage)
        rec_add(r, "triage file", t->m->triage ? t->m->triage : "triage.yaml", NULL, true);
    if (m->nvulnerabilities)
        rec_add(r, "vulnerabilities", docs_strf(t->s, "%zu assessed", m->nvulnerabilities), NULL,
                true);
    if (!t->has_triage && !m->nvulnerabilities)
        row_gap(t, r,
                "no post-market input on record: no triage file and no assessed "
                "vulnerability (MDCG 2019-16 5)");
    row_doc(r, "eu-technical-documentation");
}

static void g4(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    size_t design = 0;
    for (size_t i = 0; i < m->ncontrols; i++)
        if (medsec_control_status_active(m->controls[i].status)) {
            rec_add(r, "control", m->controls[i].id,
                    medsec_control_status_name(m->controls[i].status), true);
            design++;
        }
    if (!design)
        row_gap(t, r, "no security control is implemented or verified");
    size_t info = trace_duties(r, m, NULL, true);
    if (t->above && !info)
        row_gap(t, r,
                "%zu residual risk%s above the acceptable region but no duty is stated "
                "for the IFU (in_ifu): the information step of the control order is missing",
                t->above, t->above == 1 ? " remains" : "s remain");
    row_doc(r, "ifu-security");
    row_doc(r, "hdo-security-manual");
}

static void g8(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    if (t->threats && t->threats->n)
        rec_add(r, "threat model", docs_strf(t->s, "%zu threats", t->threats->n), NULL, true);
    else
        row_gap(t, r, "the threat model holds no threat");
    for (size_t i = 0; i < m->nvulnerabilities; i++) {
        const struct medsec_model_vulnerability *v = &m->vulnerabilities[i];
        rec_add(r, "vulnerability", v->id, medsec_vuln_status_name(v->status),
                v->rationale != NULL);
        if (!v->rationale)
            row_gap(t, r, "known vulnerability %s has no rationale for its assessment", v->id);
    }
    if (!t->g->opts->db)
        rec_add(r, "vulnerability database", "not given to this run",
                "known vulnerabilities of the components were not matched", false);
    else
        rec_add(r, "vulnerability database", docs_strf(t->s, "release %s", t->g->release->version),
                docs_strf(t->s,
                          "%zu findings in %zu SBOMs: %zu assessed in the security file, %zu "
                          "decided by the triage file, %zu added to the register",
                          t->stats.findings, t->stats.sboms, t->stats.assessed, t->stats.decided,
                          t->stats.added),
                true);
    trace_register(t, r, false);
    row_doc(r, "eu-technical-documentation");
}

static void g14_1(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    need_requirements(t, r);
    /* every flow to or from another device or IT system crosses the device's boundary: it must be
     * authenticated or integrity-protected, or a control must apply to it */
    for (size_t i = 0; i < m->nflows; i++) {
        const struct medsec_model_flow *f = &m->flows[i];
        enum medsec_channel ch = medsec_model_flow_channel(m, f, NULL);
        if (!connecting(ch))
            continue;
        if (!medsec_model_flow_crosses(m, f))
            continue;
        if (covered(m, f->id) || f->authenticated == 1 || f->integrity == 1)
            rec_add(r, "flow", f->id, medsec_channel_name(ch), true);
        else
            row_gap(t, r,
                    "flow %s (%s) crosses the device boundary unauthenticated, without "
                    "integrity protection and without a control",
                    f->id, medsec_channel_name(ch));
    }
    row_doc(r, "hdo-security-manual");
    row_doc(r, "mds2");
}

static void g14_2d(struct trace *t, struct row *r)
{
    need_requirements(t, r);
    if (!trace_assumptions(r, t->m))
        row_gap(t, r,
                "no assumption states the IT environment the software runs in and "
                "interacts with");
    row_doc(r, "ifu-security");
    row_doc(r, "hdo-security-manual");
}

static void g14_5(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    need_requirements(t, r);
    for (size_t i = 0; i < m->nflows; i++) {
        const struct medsec_model_flow *f = &m->flows[i];
        if (!flow_peer(m, f))
            continue;
        if (f->protocol)
            rec_add(r, "flow", f->id, f->protocol, true);
        else
            row_gap(t, r, "flow %s with another system states no protocol", f->id);
    }
    static const char *const parties[] = {"integrator", "hdo_it", NULL};
    trace_duties(r, m, parties, false);
    row_doc(r, "hdo-security-manual");
    row_doc(r, "mds2");
}

static void g17_1(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    need_requirements(t, r);
    for (size_t i = 0; i < m->ncontrols; i++) {
        const struct medsec_model_control *c = &m->controls[i];
        if (medsec_control_status_active(c->status) &&
            (c->lowers == MEDSEC_LOWERS_SEVERITY || c->lowers == MEDSEC_LOWERS_BOTH))
            rec_add(r, "control", c->id, "lowers severity by design", true);
    }
}

static void g17_2(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    trace_requirements(t, r, cites_gspr, r->item);
    if (!m->nrequirements)
        row_gap(t, r, "the security file states no security requirement");
    if (t->threats && t->threats->n)
        rec_add(r, "threat model", docs_strf(t->s, "%zu threats", t->threats->n), NULL, true);
    for (size_t e = 0; e < m->nevidence; e++)
        rec_evidence(t, r, &m->evidence[e], NULL);
    if (!m->nevidence)
        row_gap(t, r, "the security file records no verification or validation evidence");
    if (t->iec_short)
        row_gap(t, r,
                "%zu clause%s of the IEC 81001-5-1 matrix (the state of the art for the "
                "secure software lifecycle) %s not fully met (iec-81001-5-1-matrix)",
                t->iec_short, t->iec_short == 1 ? "" : "s", t->iec_short == 1 ? "is" : "are");
    row_doc(r, "iec-81001-5-1-matrix");
    row_doc(r, "eu-technical-documentation");
}

static void g17_4(struct trace *t, struct row *r)
{
    need_requirements(t, r);
    if (!trace_assumptions(r, t->m))
        row_gap(t, r,
                "no assumption states the minimum hardware, IT network or IT security the "
                "software needs");
    /* whoever runs the device: the HDO, or a lay user on their own phone (not the manufacturer) */
    static const char *const parties[] = {"operator",      "integrator", "hdo_it", "service",
                                          "clinical_user", "patient",    NULL};
    if (!trace_duties(r, t->m, parties, false))
        row_gap(t, r,
                "no duty states the IT security measures the user or operator must "
                "provide");
    row_doc(r, "ifu-security");
    row_doc(r, "hdo-security-manual");
}

static void g18_8(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    need_requirements(t, r);
    static const char *const caps[] = {"AUTH", "PAUT", "NAUT", "PLOK", NULL};
    if (!trace_capabilities(t, r, caps))
        row_gap(t, r,
                "no implemented control has an access-control capability (AUTH, PAUT, NAUT "
                "or PLOK)");
    for (size_t i = 0; i < m->ninterfaces; i++) {
        const struct medsec_model_interface *f = &m->interfaces[i];
        if (f->debug == 1 && f->disabled_in_production != 1)
            row_gap(t, r, "debug interface %s is not disabled in production", f->id);
    }
    row_doc(r, "mds2");
}

static void g22_1(struct trace *t, struct row *r)
{
    /* no traced requirement: no design input says which security tasks a lay user can do */
    need_requirements(t, r);
    static const char *const parties[] = {"patient", "clinical_user", NULL};
    trace_duties(r, t->m, parties, true);
    row_doc(r, "ifu-security");
}

static void g23_residual(struct trace *t, struct row *r)
{
    trace_register(t, r, false);
    trace_duties(r, t->m, NULL, true);
    row_doc(r, "ifu-security");
    row_doc(r, "hdo-security-manual");
}

static void g23_2m(struct trace *t, struct row *r)
{
    for (size_t i = 0, shown = 0; i < t->reg.n && shown < 8; i++)
        if (!t->reg.items[i].result.residual_acceptable) {
            rec_add(r, "risk", t->reg.items[i].spec.id, "residual above the acceptable region",
                    false);
            shown++;
        }
    row_gap(t, r,
            "%zu residual risk%s above the acceptable region, and the security file "
            "holds no label text: which of them need a warning on the label is not recorded",
            t->above, t->above == 1 ? " remains" : "s remain");
    row_doc(r, "ifu-security");
}

static void g23_4ab(struct trace *t, struct row *r)
{
    if (!trace_duties(r, t->m, NULL, true))
        row_gap(t, r,
                "no duty is marked for the IFU (in_ifu): the minimum IT requirements of "
                "GSPR 17.4 reach no user");
    if (!trace_assumptions(r, t->m))
        row_gap(t, r, "no assumption states the minimum IT environment to put in the IFU");
    row_doc(r, "ifu-security");
    row_doc(r, "hdo-security-manual");
    row_doc(r, "mds2");
}

/* How a GSPR's applicability is decided. */
enum gspr_scope {
    ALL,          /* every device (the risk management GSPRs) */
    PROGRAMMABLE, /* devices with electronic programmable systems or software */
    CONNECTED,    /* devices that connect to other devices or IT */
    EXCHANGES,    /* devices that exchange data with other devices or IT systems */
    LAY,          /* devices for lay persons */
    RESIDUAL      /* when residual risks remain above the acceptable region */
};

struct gspr_def {
    const char *id;
    const char *requirement; /* MDR Annex I, in short */
    const char *mdcg;        /* what MDCG 2019-16 reads into it for cybersecurity */
    enum gspr_scope scope;
    void (*probe)(struct trace *t, struct row *r);
};

/* MDCG 2019-16 rev.1 Table 1, in its order. */
static const struct gspr_def gsprs[] = {
    {"1",
     "The device achieves its intended performance and is safe and effective; its risks are "
     "acceptable when weighed against its benefits to the patient.",
     "Security risks are among the risks weighed: each residual security risk is acceptable, or "
     "justified by the benefit.",
     ALL, g1},
    {"2",
     "Risks are reduced as far as possible without adversely affecting the benefit-risk ratio.",
     "Security controls reduce each security risk as far as possible; a risk left above the "
     "acceptable region needs a reason why no further control is practicable.",
     ALL, g2},
    {"3",
     "A risk management system is established, documented, implemented and maintained over the "
     "whole life cycle, and updated from post-market information.",
     "Security risk management runs with the safety risk management: a security risk that can "
     "cause a hazard is assessed for safety and vice versa (3.2); vulnerabilities found after "
     "release feed it (5).",
     ALL, g3},
    {"4",
     "Risk control measures follow an order: safe design and manufacture, then protective "
     "measures and alarms, then information for safety.",
     "For security: secure design first, then protection, detection and notification, then "
     "information to users and operators.",
     ALL, g4},
    {"8",
     "Known and foreseeable risks and undesirable side effects are minimised and acceptable "
     "against the benefit.",
     "Exploiting a known vulnerability is reasonably foreseeable misuse: the threat model and the "
     "assessment of each known vulnerability belong here.",
     ALL, g8},
    {"14.1",
     "A device used in combination with other devices or equipment is safe as a whole, including "
     "the connection system, and keeps its specified performance.",
     "Each connection to other devices and IT is an attack path: it is identified and its data "
     "flows are protected.",
     CONNECTED, g14_1},
    {"14.2(d)",
     "Risks of negative interaction between the software and the IT environment it runs in and "
     "interacts with are removed or reduced as far as possible.",
     "Negative interaction includes attacks and malware arriving from the IT environment: the "
     "assumed environment and the controls at its boundary are stated.",
     CONNECTED, g14_2d},
    {"14.5",
     "Devices that interoperate with other devices are designed so that interoperability and "
     "compatibility are reliable and safe.",
     "The interfaces, protocols and data exchanged with other systems are specified and "
     "protected, and what the connected systems must provide is stated.",
     EXCHANGES, g14_5},
    {"17.1",
     "Electronic programmable systems ensure repeatability, reliability and performance; in a "
     "single fault condition, means remove or reduce the consequent risks.",
     "A compromised component is a fault: no single compromise may lead to harm (defence in "
     "depth, independent safety functions).",
     PROGRAMMABLE, g17_1},
    {"17.2",
     "Software is developed and manufactured according to the state of the art, taking into "
     "account the development life cycle, risk management including information security, "
     "verification and validation.",
     "The secure development life cycle (IEC 81001-5-1 is the state of the art), security risk "
     "management, and security verification and validation are on record.",
     PROGRAMMABLE, g17_2},
    {"17.4",
     "The manufacturer sets out the minimum requirements on hardware, IT network characteristics "
     "and IT security measures, including protection against unauthorised access, needed to run "
     "the software as intended.",
     "The minimum IT environment and the security measures the operator must provide are stated; "
     "manufacturer and operator share the responsibility (2.6).",
     PROGRAMMABLE, g17_4},
    {"18.8",
     "Devices are protected as far as possible against unauthorised access that could hamper "
     "their intended function.",
     "Applies to every device with electronic programmable systems: authentication, "
     "authorisation and physical protection of ports and debug interfaces.",
     PROGRAMMABLE, g18_8},
    {"22.1",
     "Devices for lay persons perform as intended given the skills and means of lay persons and "
     "the variation in their technique and environment.",
     "Security measures and the information on them suit users without IT skills: secure "
     "defaults, and no security task a lay user cannot perform.",
     LAY, g22_1},
    {"23.1(g)",
     "Users are informed of the residual risks as limitations, contra-indications, precautions or "
     "warnings.",
     "Residual security risks are communicated to users and operators (4.2, 4.3).", ALL,
     g23_residual},
    {"23.2(m)",
     "The label carries the warnings and precautions that need the user's immediate attention.",
     "Where a residual security risk needs immediate attention, the label says so.", RESIDUAL,
     g23_2m},
    {"23.4(g)",
     "The instructions for use state the residual risks, contra-indications and foreseeable side "
     "effects.",
     "The IFU states the residual security risks and what users must do about them (4.2).", ALL,
     g23_residual},
    {"23.4(ab)",
     "For software per 17.4, the instructions for use state the minimum requirements on "
     "hardware, IT networks and IT security, including protection against unauthorised access.",
     "The IFU and the operator's security documentation carry the minimum IT environment and "
     "the operator's duties (4.2, 4.3).",
     PROGRAMMABLE, g23_4ab},
};
#define NGSPR (sizeof gsprs / sizeof *gsprs)

static void gspr_applicability(struct trace *t, const struct gspr_def *def, struct row *r)
{
    const struct medsec_model *m = t->m;
    r->applicable = true;
    switch (def->scope) {
    case ALL: r->why = docs_strf(t->s, "applies to every device"); return;
    case PROGRAMMABLE:
        if (t->programmable)
            r->why = docs_strf(t->s, "applies: the device has electronic programmable systems "
                                     "(software or firmware items)");
        else
            row_not_applicable(t, r,
                               docs_strf(t->s, "not applicable: the security file lists "
                                               "no software or firmware item (process)"));
        return;
    case CONNECTED: {
        if (t->connected)
            r->why = t->connected;
        else
            row_not_applicable(t, r, t->unconnected);
        return;
    }
    case EXCHANGES:
        if (t->exchanges)
            r->why = t->exchanges;
        else
            row_not_applicable(t, r,
                               docs_strf(t->s, "not applicable: no data flow of the "
                                               "security file has another device or IT system "
                                               "at either end"));
        return;
    case LAY: {
        const char *hit = NULL;
        for (size_t i = 0; !hit && i < m->device.intended_users.n; i++)
            if (lay(m->device.intended_users.v[i]))
                hit = m->device.intended_users.v[i];
        for (size_t i = 0; !hit && i < m->device.use_environments.n; i++)
            if (lay(m->device.use_environments.v[i]))
                hit = m->device.use_environments.v[i];
        if (hit)
            r->why = docs_strf(t->s, "applies: intended users or environments include \"%s\"", hit);
        else if (!m->device.intended_users.n)
            r->why = docs_strf(t->s, "applies until the security file names the intended users "
                                     "(device.intended_users is empty)");
        else {
            char users[512] = "";
            for (size_t i = 0; i < m->device.intended_users.n; i++) {
                size_t l = strlen(users);
                snprintf(users + l, sizeof users - l, "%s%s", i ? ", " : "",
                         m->device.intended_users.v[i]);
            }
            row_not_applicable(t, r,
                               docs_strf(t->s,
                                         "not applicable: no intended user (%s) and no use "
                                         "environment names a lay person or a home setting",
                                         users));
        }
        return;
    }
    case RESIDUAL:
        if (t->above)
            r->why = docs_strf(t->s, "applies: %zu residual risk%s above the acceptable region",
                               t->above, t->above == 1 ? " remains" : "s remain");
        else if (t->reg.n)
            row_not_applicable(t, r,
                               docs_strf(t->s, "not applicable: every residual security "
                                               "risk of the register is in the acceptable "
                                               "region, so none needs a warning on the label"));
        else
            r->why = docs_strf(t->s, "applies until the risk register shows the residual risks");
        return;
    }
}

/* ---- IEC 81001-5-1 probes ---- */

static void i_cited_only(struct trace *t, struct row *r)
{
    if (!trace_requirements(t, r, cites_iec, r->item))
        row_gap(t, r,
                "the security file holds no record of this activity: no requirement's "
                "sources cite IEC 81001-5-1 %s (the record lives in the quality management "
                "system; cite its procedure)",
                r->item);
}

static void i4_1_5(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    trace_requirements(t, r, cites_iec, r->item);
    const struct medsec_model_sbom **sb = medsec_calloc(m->nsboms + 1, sizeof *sb);
    size_t n = sb ? medsec_model_version_sboms(m, t->g->release, sb) : 0;
    for (size_t i = 0; i < n; i++)
        rec_add(r, "sbom", sb[i]->path, NULL, true);
    medsec_free(sb);
    if (!n)
        row_gap(t, r,
                "release %s names no SBOM: its third-party software items are not "
                "identified",
                t->g->release->version);
    size_t ns = medsec_model_release_support(m, t->g->release, NULL, 0);
    if (ns)
        rec_add(r, "component_support", docs_strf(t->s, "%zu entries", ns), NULL, true);
    else
        row_gap(t, r,
                "no component_support entry states the level of support of a third-party "
                "component of release %s",
                t->g->release->version);
    row_doc(r, "fda-sbom"); /* the SBOM with support and end of support */
}

static void i_disclosure(struct trace *t, struct row *r)
{
    trace_requirements(t, r, cites_iec, r->item);
    if (t->has_triage)
        rec_add(r, "triage file", t->m->triage ? t->m->triage : "triage.yaml",
                "VEX statements for users", true);
    for (size_t i = 0; i < t->m->nvulnerabilities && i < 8; i++)
        rec_add(r, "vulnerability", t->m->vulnerabilities[i].id,
                medsec_vuln_status_name(t->m->vulnerabilities[i].status), true);
    /* the post-market plan (security file `postmarket`, docs/security-file.md) */
    const struct medsec_model_postmarket *pm = &t->m->postmarket;
    if (!pm->pos.line) {
        row_gap(t, r,
                "the security file states no coordinated vulnerability disclosure policy or "
                "contact for vulnerability reports (postmarket)");
        return;
    }
    rec_add(r, "vulnerability contact", pm->contact, NULL, true);
    if (pm->disclosure_policy)
        rec_add(r, "disclosure policy", pm->disclosure_policy, NULL, true);
    else
        row_gap(t, r,
                "the security file names no published coordinated vulnerability "
                "disclosure policy (postmarket.disclosure_policy)");
    if (pm->advisories)
        rec_add(r, "security advisories", pm->advisories, NULL, true);
    row_doc(r, "eu-technical-documentation");
    row_doc(r, "fda-cybersecurity-management-plan");
}

static void i4_2(struct trace *t, struct row *r)
{
    g3(t, r);
    trace_requirements(t, r, cites_iec, r->item);
    r->ndocs = 0;
}

static void i4_3(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    trace_requirements(t, r, cites_iec, r->item);
    for (size_t i = 0; i < m->nitems; i++)
        if (m->items[i].sbom && m->items[i].components.n)
            rec_add(r, "item", m->items[i].id, m->items[i].kind, true);
    size_t ns = medsec_model_release_support(m, t->g->release, NULL, 0);
    if (ns)
        rec_add(r, "component_support", docs_strf(t->s, "%zu entries", ns), NULL, true);
    row_gap(t, r,
            "no item states whether it is maintained, supported or required software "
            "(who answers for its security)");
}

static void i5_2(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    for (size_t i = 0; i < m->nrequirements; i++) {
        const struct medsec_model_requirement *rq = &m->requirements[i];
        rec_add(r, "requirement", rq->id, NULL, true);
        if (!rq->controls.n)
            row_gap(t, r, "requirement %s names no control that realises it", rq->id);
    }
    if (!m->nrequirements)
        row_gap(t, r, "the security file states no security requirement");
}

static void i5_3(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    trace_requirements(t, r, cites_iec, r->item);
    if (m->nzones > 1 && m->nflows)
        rec_add(r, "architecture",
                docs_strf(t->s, "%zu zones, %zu items, %zu interfaces, %zu flows", m->nzones,
                          m->nitems, m->ninterfaces, m->nflows),
                "data-flow diagram", true);
    else
        row_gap(t, r, "the architecture has %s: no trust boundary is drawn",
                m->nzones > 1 ? "no data flow" : "fewer than two zones");
    size_t active = 0;
    for (size_t i = 0; i < m->ncontrols; i++)
        active += medsec_control_status_active(m->controls[i].status);
    if (active)
        rec_add(r, "controls", docs_strf(t->s, "%zu implemented or verified", active), NULL, true);
    else
        row_gap(t, r, "no security control is implemented or verified");
}

static void i5_4(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    trace_requirements(t, r, cites_iec, r->item);
    for (size_t i = 0; i < m->ninterfaces; i++) {
        const struct medsec_model_interface *f = &m->interfaces[i];
        if (f->debug == 1) {
            if (f->disabled_in_production == 1)
                rec_add(r, "interface", f->id, "debug, disabled in production", true);
            else
                row_gap(t, r, "debug interface %s is not disabled in production", f->id);
            continue;
        }
        if (!medsec_model_interface_crosses(m, f))
            continue;
        /* unstated on the interface: its flows may say it, each one */
        size_t nvia = 0, auth = 0;
        for (size_t k = 0; k < m->nflows; k++)
            if (m->flows[k].via && !strcmp(m->flows[k].via, f->id)) {
                nvia++;
                auth += m->flows[k].authenticated == 1;
            }
        if (f->authenticated != MEDSEC_UNSTATED)
            rec_add(r, "interface", f->id, f->authenticated ? "authenticated" : "unauthenticated",
                    true);
        else if (nvia && auth == nvia)
            rec_add(r, "interface", f->id, "every flow through it authenticated", true);
        else
            row_gap(t, r,
                    "interface %s is reachable from outside its zone and neither it nor "
                    "every flow through it states authentication",
                    f->id);
    }
}

/* The testing activities met by evidence of given kinds. */
static const struct {
    const char *clause;
    const char *const kinds[5]; /* NULL-terminated */
} testing[] = {
    {"5.5", {"static_analysis", "code_review"}},
    {"5.6", {"test"}},
    {"5.7.3", {"fuzz_test", "vulnerability_scan", "sbom_review", "static_analysis"}},
    {"5.7.4", {"penetration_test"}},
};

/* A testing activity of `testing`: evidence of its kinds. */
static void i_testing(struct trace *t, struct row *r)
{
    const char *const *kinds = NULL;
    for (size_t i = 0; !kinds && i < sizeof testing / sizeof *testing; i++)
        if (!strcmp(testing[i].clause, r->item))
            kinds = testing[i].kinds;
    if (!kinds)
        return; /* not one of them: row_close names the gap */
    trace_requirements(t, r, cites_iec, r->item);
    size_t before = r->nrec;
    trace_kinds(t, r, kinds);
    if (r->nrec > before)
        return;
    char what[256] = "";
    for (size_t i = 0; kinds[i]; i++) {
        size_t l = strlen(what);
        snprintf(what + l, sizeof what - l, "%s%s",
                 !i             ? ""
                 : kinds[i + 1] ? ", "
                                : " or ",
                 kinds[i]);
    }
    row_gap(t, r, "no evidence entry of kind %s", what);
}
static void i5_7_1(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    for (size_t i = 0; i < m->nrequirements; i++) {
        rec_add(r, "requirement", m->requirements[i].id, NULL, true);
        trace_evidence(t, r, &m->requirements[i]);
    }
    if (!m->nrequirements)
        row_gap(t, r, "the security file states no security requirement to test");
}

static void i5_7_2(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    char miss[512] = "";
    size_t nmiss = 0, credited = 0;
    for (size_t i = 0; i < m->ncontrols; i++) {
        const struct medsec_model_control *c = &m->controls[i];
        bool used = false;
        for (size_t k = 0; t->threats && !used && k < t->threats->n; k++)
            for (size_t j = 0; !used && j < t->threats->v[k].ncontrols; j++)
                used = !strcmp(t->threats->v[k].controls[j], c->id);
        if (!used || !medsec_control_status_active(c->status))
            continue;
        credited++;
        if (rec_control_evidence(t, r, c->id)) {
            rec_add(r, "control", c->id, "tested", true);
            continue;
        }
        size_t l = strlen(miss);
        if (nmiss < 8)
            snprintf(miss + l, sizeof miss - l, "%s%s", nmiss ? ", " : "", c->id);
        nmiss++;
    }
    if (nmiss)
        row_gap(t, r,
                "%zu control%s the threat model credits %s no passing test of its "
                "mitigation (%s%s)",
                nmiss, nmiss == 1 ? "" : "s", nmiss == 1 ? "has" : "have", miss,
                nmiss > 8 ? ", ..." : "");
    if (!credited)
        row_gap(t, r, "the threat model credits no implemented control");
}

static void i5_7_5(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    char ids[256] = "";
    size_t n = 0, unstated = 0, independent = 0;
    for (size_t e = 0; e < m->nevidence; e++) {
        const struct medsec_model_evidence *ev = &m->evidence[e];
        if (!ev->kind || strcmp(ev->kind, "document") == 0 ||
            strcmp(ev->kind, "certificate") == 0 || strcmp(ev->kind, "analysis") == 0)
            continue;
        n++;
        /* evidence[].performed_by and .independent (docs/security-file.md) */
        /* a passing test by independent testers meets it */
        bool stated = ev->performed_by && ev->independent != MEDSEC_UNSTATED;
        bool meets = stated && ev->independent == 1 && ev->result && !strcmp(ev->result, "pass");
        rec_add(r, "evidence", ev->id,
                meets                  ? "pass"
                : !stated              ? "tester not stated"
                : ev->independent == 1 ? "independent tester, not passed"
                                       : "tested by the developers",
                meets);
        independent += meets;
        if (stated)
            continue;
        size_t l = strlen(ids);
        if (unstated < 6)
            snprintf(ids + l, sizeof ids - l, "%s%s", unstated ? ", " : "", ev->id);
        unstated++;
    }
    if (!n)
        row_gap(t, r, "no security test is on record whose tester independence could be shown");
    else if (unstated)
        row_gap(t, r,
                "the security file does not record who performed the security tests (%s%s) "
                "or whether they were independent of the developers (performed_by, "
                "independent)",
                ids, unstated > 6 ? ", ..." : "");
    if (n && !independent)
        row_gap(t, r,
                "no passing security test was performed by testers independent of the "
                "developers");
}

/* The release decision (5.8.1): the built-in release gate (medsec/gate.h, docs/gate.md) on the
 * release documented, on the documents' date; each failing rule is a gap. */
static void release_gate(struct trace *t, struct row *r)
{
    struct medsec_gate_policy p;
    medsec_gate_policy_default(&p);
    struct medsec_gate_opts o = {
        .today = t->s->date, .version = t->g->release->version, .db = t->g->opts->db};
    struct medsec_gate_report rep = {0};
    struct medsec_error err = {0};
    medsec_err rc = medsec_gate_run(t->g->dev, &p, &o, &rep, &err);
    if (rc == MEDSEC_ENOMEM && !t->s->failed)
        t->s->failed = rc;
    if (rc) {
        row_gap(t, r, "the release gate could not run: %s", err.msg);
        goto out_release;
    }
    rec_add(r, "release gate", docs_strf(t->s, "policy %s on %s", p.name, t->s->date),
            docs_strf(t->s, "%zu checks, %zu failed, %zu skipped", rep.n, rep.failed, rep.skipped),
            rep.failed == 0);
    for (size_t i = 0; i < rep.n; i++) {
        const struct medsec_gate_result *x = &rep.results[i];
        if (x->outcome != MEDSEC_GATE_FAIL)
            continue;
        char items[768] = "";
        for (size_t k = 0; k < x->nfailures && k < 3; k++) {
            size_t l = strlen(items);
            snprintf(items + l, sizeof items - l, "%s%s", k ? "; " : "", x->failures[k].item);
        }
        row_gap(t, r, "the release gate's rule %s fails (%s): %s%s", medsec_gate_rule_name(x->rule),
                medsec_gate_rule_summary(x->rule), items, x->nfailures > 3 ? "; ..." : "");
    }
out_release:
    medsec_gate_report_release(&rep);
}

static void i5_8(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    const struct medsec_model_version *v = t->g->release;
    trace_requirements(t, r, cites_iec, r->item);
    rec_add(r, "version", v->version,
            docs_strf(
                t->s, "released %s, support %s until %s", v->release_date ? v->release_date : "?",
                medsec_support_level_name(v->support), v->end_of_support ? v->end_of_support : "?"),
            true);
    static const char *const caps[] = {"CSUP", NULL};
    if (!trace_capabilities(t, r, caps))
        row_gap(t, r,
                "no implemented control protects the integrity of released software "
                "(capability CSUP)");
    for (size_t e = 0; e < m->nevidence; e++) {
        const struct medsec_model_evidence *ev = &m->evidence[e];
        if (ev->result && (!strcmp(ev->result, "open") || !strcmp(ev->result, "fail")))
            row_gap(t, r, "evidence %s is %s at release: its findings are not resolved", ev->id,
                    ev->result);
    }
    release_gate(t, r);
    row_doc(r, "hdo-security-manual"); /* end of support and decommissioning */
}

static void i6_1(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    trace_requirements(t, r, cites_iec, r->item);
    for (size_t i = 0; i < m->nversions; i++)
        if (m->versions[i].in_field != 0)
            rec_add(r, "version", m->versions[i].version,
                    docs_strf(t->s, "support %s until %s",
                              medsec_support_level_name(m->versions[i].support),
                              m->versions[i].end_of_support ? m->versions[i].end_of_support : "?"),
                    true);
    /* the plan: the manufacturer's own maintenance duties, and duties on installing updates (a
     * duty that names a CSUP control) */
    size_t upd = 0;
    for (size_t i = 0; i < m->nduties; i++) {
        const struct medsec_model_duty *d = &m->duties[i];
        bool hit = d->party && !strcmp(d->party, "manufacturer");
        for (size_t c = 0; !hit && c < d->controls.n; c++) {
            const struct medsec_model_control *ctl = medsec_model_find_control(m, d->controls.v[c]);
            hit = ctl && medsec_strlist_has(&ctl->capabilities, "CSUP");
        }
        if (hit) {
            rec_add(r, "duty", d->id, d->party, true);
            upd++;
        }
    }
    if (!upd)
        row_gap(t, r,
                "no duty states how security updates are delivered (a manufacturer's duty) or "
                "installed (a duty that names a CSUP control)");
    row_doc(r, "ifu-security"); /* the update procedure */
}

static void i6_2(struct trace *t, struct row *r)
{
    trace_requirements(t, r, cites_iec, r->item);
    if (t->g->opts->db)
        rec_add(r, "vulnerability database",
                docs_strf(t->s, "release %s matched", t->g->release->version), NULL, true);
    else
        row_gap(t, r,
                "no vulnerability database was given to this run: the components of release "
                "%s were not checked against public vulnerability reports",
                t->g->release->version);
    if (t->has_triage)
        rec_add(r, "triage file", t->m->triage ? t->m->triage : "triage.yaml", NULL, true);
    for (size_t i = 0; i < t->m->nvulnerabilities && i < 8; i++)
        rec_add(r, "vulnerability", t->m->vulnerabilities[i].id,
                medsec_vuln_status_name(t->m->vulnerabilities[i].status), true);
}

static void i6_3(struct trace *t, struct row *r)
{
    trace_requirements(t, r, cites_iec, r->item);
    static const char *const caps[] = {"CSUP", NULL};
    if (!trace_capabilities(t, r, caps))
        row_gap(t, r,
                "no implemented control verifies the integrity and authenticity of "
                "updates (capability CSUP)");
}

static void i7_1(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    trace_requirements(t, r, cites_iec, r->item);
    if (m->clinical.nharm_scale)
        rec_add(r, "harm_scale", docs_strf(t->s, "%zu levels", m->clinical.nharm_scale), NULL,
                true);
    else
        row_gap(t, r, "the security file has no harm-severity scale");
    if (m->risk_matrix.pos.line)
        rec_add(r, "risk_matrix", "acceptance criteria",
                docs_strf(t->s, "%zu exploitability levels", m->risk_matrix.nexploitability), true);
    else
        row_gap(t, r,
                "the security file has no risk_matrix (exploitability levels and "
                "acceptance)");
    trace_assumptions(r, m);
}

static void i7_2(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    trace_requirements(t, r, cites_iec, r->item);
    if (t->threats && t->threats->n)
        rec_add(r, "threat model", docs_strf(t->s, "%zu threats", t->threats->n), NULL, true);
    else
        row_gap(t, r, "the threat model holds no threat");
    for (size_t i = 0; i < m->ninterfaces; i++) {
        const struct medsec_model_interface *f = &m->interfaces[i];
        if (f->debug != 1)
            continue;
        if (f->disabled_in_production == 1 || covered(m, f->id))
            rec_add(r, "interface", f->id, "debug port in the threat model", true);
        else
            row_gap(t, r, "debug interface %s is open in production and no control applies to it",
                    f->id);
    }
    if (m->nassets)
        rec_add(r, "assets", docs_strf(t->s, "%zu with their clinical functions", m->nassets), NULL,
                true);
    row_doc(r, "eu-technical-documentation"); /* the threat model */
}

static void i7_3(struct trace *t, struct row *r)
{
    trace_requirements(t, r, cites_iec, r->item);
    trace_register(t, r, false);
}

static void i7_4(struct trace *t, struct row *r)
{
    trace_requirements(t, r, cites_iec, r->item);
    g2(t, r);
    r->ndocs = 0;
    for (size_t i = 0; i < t->m->ncontrols; i++)
        if (t->m->controls[i].status == MEDSEC_CONTROL_PLANNED)
            rec_add(r, "control", t->m->controls[i].id, "planned", false);
}

static void i7_5(struct trace *t, struct row *r)
{
    trace_requirements(t, r, cites_iec, r->item);
    if (t->has_triage)
        rec_add(r, "triage file", t->m->triage ? t->m->triage : "triage.yaml", NULL, true);
    if (t->m->nvulnerabilities)
        rec_add(r, "vulnerabilities", docs_strf(t->s, "%zu assessed", t->m->nvulnerabilities), NULL,
                true);
    if (!t->has_triage && !t->m->nvulnerabilities)
        row_gap(t, r,
                "no triage file and no assessed vulnerability: the effectiveness of the "
                "controls against new vulnerabilities is not followed");
}

static void i8(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    trace_requirements(t, r, cites_iec, r->item);
    const struct medsec_model_sbom **sb = medsec_calloc(m->nsboms + 1, sizeof *sb);
    for (size_t i = 0; sb && i < m->nversions; i++) {
        const struct medsec_model_version *v = &m->versions[i];
        if (v->in_field == 0)
            continue;
        size_t n = medsec_model_version_sboms(m, v, sb);
        if (n)
            rec_add(r, "version", v->version, docs_strf(t->s, "%zu SBOM%s", n, n == 1 ? "" : "s"),
                    true);
        else
            row_gap(t, r,
                    "release %s is in the field and names no SBOM: its configuration is "
                    "not identified",
                    v->version);
    }
    medsec_free(sb);
}

static void i9_2(struct trace *t, struct row *r)
{
    i_disclosure(t, r);
}

static void i9_3(struct trace *t, struct row *r)
{
    const struct medsec_model *m = t->m;
    trace_requirements(t, r, cites_iec, r->item);
    for (size_t i = 0; i < m->nvulnerabilities; i++) {
        const struct medsec_model_vulnerability *v = &m->vulnerabilities[i];
        rec_add(r, "vulnerability", v->id, medsec_vuln_status_name(v->status),
                v->rationale != NULL);
        if (!v->rationale)
            row_gap(t, r, "vulnerability %s is assessed without a rationale", v->id);
    }
    if (t->has_triage)
        rec_add(r, "triage file", m->triage ? m->triage : "triage.yaml", NULL, true);
    if (!m->nvulnerabilities && !t->has_triage)
        row_gap(t, r, "no vulnerability is assessed and no triage file exists");
}

struct iec_def {
    const char *clause;
    const char *title;
    const char *activity; /* in short */
    void (*probe)(struct trace *t, struct row *r);
};

static const struct iec_def clauses[] = {
    {"4.1", "Quality management (4.1.1-4.1.4, 4.1.6, 4.1.8, 4.1.9)",
     "Security activities are part of the QMS: responsibilities, applicability, security "
     "expertise and training, continuous improvement, periodic review.",
     i_cited_only},
    {"4.1.5", "Software items from third-party suppliers",
     "Third-party software items are identified and their security life cycle (support, "
     "end of support) is known.",
     i4_1_5},
    {"4.1.7", "Disclosing security-related issues",
     "Vulnerabilities of supported products are disclosed in time to users and authorities.",
     i_disclosure},
    {"4.2", "Security risk management",
     "Security risk management is part of the ISO 14971 process, with safety and security linked.",
     i4_2},
    {"4.3", "Software item classification",
     "Each software item is classed as maintained, supported or required software.", i4_3},
    {"5.1", "Development planning (5.1.1-5.1.3)",
     "The security life cycle, the development environment's security and secure coding "
     "standards are planned.",
     i_cited_only},
    {"5.2", "Health software security requirements (5.2.1-5.2.2)",
     "Security requirements are stated, from the threat model and the intended environment, and "
     "reviewed.",
     i5_2},
    {"5.3", "Architectural design (5.3.1-5.3.2)",
     "Defence in depth across trust boundaries; the architecture is reviewed for security.", i5_3},
    {"5.4", "Secure design (5.4.1-5.4.4)",
     "Each interface is designed for security (authentication, input handling) and the design is "
     "reviewed.",
     i5_4},
    {"5.5", "Secure implementation (5.5.1-5.5.2)",
     "Code follows secure coding standards and is reviewed or analysed statically.", i_testing},
    {"5.6", "Security in integration testing",
     "The integrated software is tested for its security functions.", i_testing},
    {"5.7.1", "Security requirements testing",
     "Every security requirement is tested (function, boundaries, malformed input).", i5_7_1},
    {"5.7.2", "Threat mitigation testing",
     "Every control the threat model relies on is tested, including attempts to defeat it.",
     i5_7_2},
    {"5.7.3", "Vulnerability testing",
     "Fuzzing, scanning for known vulnerabilities and analysis of the attack surface.", i_testing},
    {"5.7.4", "Penetration testing",
     "Testers try to compromise confidentiality, integrity and availability.", i_testing},
    {"5.7.5", "Managing conflicts of interest between testers and developers",
     "Security testers are independent of the developers of what they test.", i5_7_5},
    {"5.8", "Software release (5.8.1-5.8.7)",
     "Findings are resolved before release; release documentation, file integrity, private-key "
     "control and decommissioning guidance.",
     i5_8},
    {"6.1", "Maintenance plan: security update management (6.1.1-6.1.2)",
     "A maintenance plan delivers security updates in time for every supported release.", i6_1},
    {"6.2", "Problem and modification analysis: monitoring public incident reports (6.2.1)",
     "Public vulnerability reports on the software and its components are watched.", i6_2},
    {"6.3", "Modification implementation: security update verification and delivery",
     "Updates are verified and their integrity and authenticity can be checked.", i6_3},
    {"7.1", "Security risk management context",
     "Harm scale, exploitability levels, acceptance criteria and the intended environment.", i7_1},
    {"7.2", "Identification of vulnerabilities, threats and adverse impacts",
     "A threat model of the architecture, including debug ports and their adverse impacts.", i7_2},
    {"7.3", "Estimation and evaluation of security risk",
     "Each threat's risk is estimated (exploitability x severity) and evaluated.", i7_3},
    {"7.4", "Controlling security risks",
     "Controls are selected, implemented and credited; residual risks are evaluated.", i7_4},
    {"7.5", "Monitoring the effectiveness of risk controls",
     "New vulnerabilities and threats are checked against the controls after release.", i7_5},
    {"8", "Software configuration management",
     "Every released configuration is identified, with its components.", i8},
    {"9.2", "Receiving notifications about vulnerabilities",
     "Reports from users, suppliers and researchers are received and tracked.", i9_2},
    {"9.3", "Reviewing, analysing and addressing security-related issues (9.3-9.5)",
     "Each vulnerability is assessed for the device, with a rationale, and addressed.", i9_3},
};
#define NCLAUSES (sizeof clauses / sizeof *clauses)

/* ---- writing ---- */

/* The records of @r grouped by kind, kinds in the order they first appear: "requirement SR-001,
 * SR-004; control c-x (verified); evidence EV-1 (pass); documents ifu-security". */
static const char *records_text(struct trace *t, const struct row *r)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    for (size_t i = 0; i < r->nrec; i++) {
        bool first = true;
        for (size_t k = 0; k < i && first; k++)
            first = strcmp(r->rec[k].kind, r->rec[i].kind) != 0;
        if (!first)
            continue; /* written with its kind's first record */
        medsec_buf_addf(&b, "%s%s ", b.len ? "; " : "", r->rec[i].kind);
        for (size_t k = i, n = 0; k < r->nrec; k++) {
            const struct record *x = &r->rec[k];
            if (strcmp(x->kind, r->rec[i].kind))
                continue;
            medsec_buf_addf(&b, "%s%s", n++ ? ", " : "", x->id);
            if (x->note)
                medsec_buf_addf(&b, " (%s)", x->note);
        }
    }
    if (r->more)
        medsec_buf_addf(&b, "; and %zu more", r->more);
    for (size_t i = 0; i < r->ndocs; i++)
        medsec_buf_addf(&b, "%s%s", i ? ", " : b.len ? "; documents " : "documents ", r->docs[i]);
    const char *s = docs_strf(t->s, "%s", b.len ? b.data : "none in the security file");
    medsec_buf_release(&b);
    return s;
}

static void row_json(struct medsec_jsonw *w, const struct row *r)
{
    medsec_jsonw_kv_bool(w, "applicable", r->applicable);
    medsec_jsonw_kv_string(w, "applicability", r->why);
    medsec_jsonw_key(w, "records");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < r->nrec; i++) {
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "kind", r->rec[i].kind);
        medsec_jsonw_kv_string(w, "id", r->rec[i].id);
        if (r->rec[i].note)
            medsec_jsonw_kv_string(w, "note", r->rec[i].note);
        medsec_jsonw_kv_bool(w, "meets", r->rec[i].counts);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_kv_int(w, "more_records", (long long)r->more);
    medsec_jsonw_kv_strings(w, "documents", r->docs, r->ndocs);
    medsec_jsonw_kv_string(w, "status", status_names[r->status]);
    medsec_jsonw_kv_strings(w, "gaps", r->gaps, r->ngaps);
}

static void counts_kv(struct doc *d, const struct row *rows, size_t n)
{
    size_t c[4] = {0};
    for (size_t i = 0; i < n; i++)
        c[rows[i].status]++;
    doc_kv_begin(d);
    doc_kv(d, "Met", "%zu", c[ROW_MET]);
    doc_kv(d, "Partly met", "%zu", c[ROW_PARTLY]);
    doc_kv(d, "Gap", "%zu", c[ROW_GAP]);
    doc_kv(d, "Not applicable", "%zu", c[ROW_NA]);
}

static void gaps_section(struct doc *d, const char *area, const struct row *rows, size_t n)
{
    doc_heading(d, 2, "gaps", "Gaps");
    size_t any = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < rows[i].ngaps; k++, any++)
            doc_gap(d, area, rows[i].item, "%s", rows[i].gaps[k]);
        if (rows[i].moregaps)
            doc_gap(d, area, rows[i].item, "%zu further gaps of the same kind", rows[i].moregaps);
    }
    if (!any)
        doc_para(d, "None: every applicable %s is met by the records above.",
                 !strcmp(area, "GSPR") ? "GSPR" : "clause");
}

static void write_gspr(struct trace *t, const struct row *rows)
{
    struct doc *d = doc_new(t->s, "gspr-checklist", "Checklists",
                            "GSPR checklist: cybersecurity (MDR Annex I, MDCG 2019-16)",
                            "For the notified body: every general safety and performance "
                            "requirement of MDR Annex I that MDCG 2019-16 Table 1 ties to "
                            "cybersecurity, with its applicability to this device, the records "
                            "that meet it traced by id, and its gaps.");
    doc_para(d,
             "Release %s of %s. Each row is decided from the security file: requirements whose "
             "sources cite the GSPR, their controls and verification evidence with its result, "
             "the risk register, assumptions and duties. Evidence that failed or is open does not "
             "meet a GSPR. Documents of this set that carry the information are named by id.",
             t->g->release->version, t->s->device);
    counts_kv(d, rows, NGSPR);
    doc_heading(d, 2, "checklist", "Checklist");
    static const char *const head[] = {"GSPR",
                                       "Requirement (MDR Annex I, in short)",
                                       "Cybersecurity reading (MDCG 2019-16)",
                                       "Applicability",
                                       "Evidence (traced by id)",
                                       "Status"};
    doc_table(d, 6, head);
    for (size_t i = 0; i < NGSPR; i++) {
        const struct row *r = &rows[i];
        doc_cell(d, "%s", gsprs[i].id);
        doc_cell(d, "%s", gsprs[i].requirement);
        doc_cell(d, "%s", gsprs[i].mdcg);
        doc_cell(d, "%s", r->why);
        doc_cell(d, "%s", r->applicable ? records_text(t, r) : "-");
        doc_cell(d, "%s", status_names[r->status]);
    }
    gaps_section(d, "GSPR", rows, NGSPR);
}

static void write_iec(struct trace *t, const struct row *rows)
{
    struct doc *d =
        doc_new(t->s, "iec-81001-5-1-matrix", "Checklists", "IEC 81001-5-1 clause matrix",
                "For the notified body and the FDA reviewer: the activities of the "
                "health software security life cycle (IEC 81001-5-1:2021, the state "
                "of the art under GSPR 17.2) with the record of each in the security "
                "file, and its status.");
    doc_para(d,
             "Release %s of %s. A clause's record is what the security file holds for it: "
             "requirements whose sources cite the clause, and the file's own records of the "
             "activity (threat model, risk register, evidence, SBOMs, support dates, triage "
             "file). Activities whose record lives only in the quality management system show as "
             "gaps until a requirement cites their procedure.",
             t->g->release->version, t->s->device);
    counts_kv(d, rows, NCLAUSES);
    doc_heading(d, 2, "matrix", "Clause matrix");
    static const char *const head[] = {"Clause", "Activity", "Record", "Status"};
    doc_table(d, 4, head);
    for (size_t i = 0; i < NCLAUSES; i++) {
        doc_cell(d, "%s", clauses[i].clause);
        doc_cell(d, "%s: %s", clauses[i].title, clauses[i].activity);
        doc_cell(d, "%s", records_text(t, &rows[i]));
        doc_cell(d, "%s", status_names[rows[i].status]);
    }
    gaps_section(d, "IEC 81001-5-1", rows, NCLAUSES);
}

static void gspr_head(struct medsec_jsonw *w, size_t i)
{
    medsec_jsonw_kv_string(w, "gspr", gsprs[i].id);
    medsec_jsonw_kv_string(w, "requirement", gsprs[i].requirement);
    medsec_jsonw_kv_string(w, "mdcg_2019_16", gsprs[i].mdcg);
}

static void iec_head(struct medsec_jsonw *w, size_t i)
{
    medsec_jsonw_kv_string(w, "clause", clauses[i].clause);
    medsec_jsonw_kv_string(w, "title", clauses[i].title);
    medsec_jsonw_kv_string(w, "activity", clauses[i].activity);
}

/* The rows as the set's --json data under @key: an array of objects, each its definition's fields
 * (@head) and the row's. */
static void put_data(struct trace *t, const char *key, const struct row *rows, size_t n,
                     void (*head)(struct medsec_jsonw *w, size_t i))
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &b, 0);
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < n; i++) {
        medsec_jsonw_object_begin(&w);
        head(&w, i);
        row_json(&w, &rows[i]);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    if (medsec_jsonw_finish(&w) == MEDSEC_OK)
        docs_data(t->s, key, b.data, b.len);
    else if (!t->s->failed)
        t->s->failed = MEDSEC_ENOMEM;
    medsec_buf_release(&b);
}

/* ---- the generator ---- */

static bool has_triage(const struct docs_gen *g, const struct medsec_model *m)
{
    if (g->opts->triage && g->opts->triage->has_file)
        return true;
    char *p = m->dir ? medsec_triage_path(m->dir, m) : NULL;
    bool ok = file_exists(p);
    medsec_free(p);
    return ok;
}

medsec_err docs_gen_gspr(struct docs_gen *g)
{
    struct trace t = {.g = g, .s = g->set, .m = g->model};
    struct row *grows = NULL, *irows = NULL;
    medsec_err rc = medsec_device_threats(g->dev, &t.threats, g->err);
    if (!rc)
        rc = medsec_device_risks(g->dev, g->opts->db, g->release->version, &t.reg, &t.stats, NULL,
                                 g->err);
    if (rc)
        goto out_release;
    grows = medsec_calloc(NGSPR, sizeof *grows);
    irows = medsec_calloc(NCLAUSES, sizeof *irows);
    if (!grows || !irows) {
        rc = medsec_error_set(g->err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        goto out_release;
    }
    t.above = medsec_risk_register_unacceptable(&t.reg);
    t.unjustified = medsec_risk_register_unjustified(&t.reg);
    t.has_triage = has_triage(g, t.m);
    for (size_t i = 0; i < t.m->nitems; i++)
        t.programmable |= t.m->items[i].element == MEDSEC_ELEMENT_PROCESS;
    t.connected = connected(&t, &t.unconnected);
    t.exchanges = exchanges(&t);

    /* the matrix first: GSPR 17.2 reads its outcome */
    for (size_t i = 0; i < NCLAUSES; i++) {
        struct row *r = &irows[i];
        r->item = clauses[i].clause;
        r->applicable = true;
        r->why = "applies to all health software";
        clauses[i].probe(&t, r);
        row_close(&t, r, "IEC 81001-5-1");
        t.iec_short += r->status != ROW_MET;
    }
    for (size_t i = 0; i < NGSPR; i++) {
        struct row *r = &grows[i];
        r->item = gsprs[i].id;
        gspr_applicability(&t, &gsprs[i], r);
        if (r->applicable)
            gsprs[i].probe(&t, r);
        row_close(&t, r, "GSPR");
    }
    write_gspr(&t, grows);
    write_iec(&t, irows);
    put_data(&t, "gspr", grows, NGSPR, gspr_head);
    put_data(&t, "iec81001", irows, NCLAUSES, iec_head);
    rc = docs_status(g);
out_release:
    medsec_free(grows);
    medsec_free(irows);
    medsec_risk_register_release(&t.reg);
    return rc;
}
