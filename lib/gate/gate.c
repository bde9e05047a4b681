/* gate.c: the release gate (docs/gate.md): each rule of a policy evaluated on an open device, per
 * release in its scope, into a report that names every item that fails. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/date.h"
#include "medsec/device.h"
#include "medsec/gate.h"

struct run {
    struct medsec_device *d;
    const struct medsec_model *m;
    const struct medsec_gate_policy *p;
    const struct medsec_gate_opts *o;
    struct medsec_gate_report *r;
    struct medsec_error *err;
    long today;
    struct medsec_scan_plan *plan; /* with a database and a rule on findings */
};

static medsec_err nomem(struct run *g)
{
    return medsec_error_set(g->err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
}

static const char *fmt(struct run *g, const char *f, ...) __attribute__((format(printf, 2, 3)));
static const char *fmt(struct run *g, const char *f, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    return medsec_arena_strdup(&g->r->arena, buf);
}

/* A new result of rule @rule on release @version (NULL: the file); NULL when memory ran out. */
static struct medsec_gate_result *result_new(struct run *g, enum medsec_gate_rule rule,
                                             const char *version)
{
    struct medsec_gate_report *r = g->r;
    if (MEDSEC_ARRAY_GROW(r->results, r->n, r->cap))
        return NULL;
    struct medsec_gate_result *res = &r->results[r->n++];
    memset(res, 0, sizeof *res);
    res->rule = rule;
    res->version = version;
    res->outcome = MEDSEC_GATE_PASS;
    return res;
}

static medsec_err fail_item(struct run *g, struct medsec_gate_result *res, const char *item,
                            const char *reason, struct medsec_model_pos pos)
{
    if (!item || !reason || MEDSEC_ARRAY_GROW(res->failures, res->nfailures, res->cap))
        return nomem(g);
    res->failures[res->nfailures++] =
        (struct medsec_gate_failure){item, reason, pos.line, pos.column};
    res->outcome = MEDSEC_GATE_FAIL;
    return MEDSEC_OK;
}

static bool in_field(const struct medsec_model_version *v)
{
    return v->in_field != 0;
}

/* Does release @v fall in the scope of the per-release rules: the asked one, else every release in
 * the field. */
static bool in_scope(const struct run *g, const struct medsec_model_version *v)
{
    return g->o->version ? !strcmp(v->version, g->o->version) : in_field(v);
}

/* ---- no_stale_decisions ---- */

static medsec_err rule_stale(struct run *g, const struct medsec_model_version *v)
{
    struct medsec_gate_result *res = result_new(g, MEDSEC_GATE_NO_STALE_DECISIONS, v->version);
    if (!res)
        return nomem(g);
    if (!g->o->db || !g->o->triage_read) {
        res->outcome = MEDSEC_GATE_SKIP;
        res->note = !g->o->db ? "no vulnerability database (--db): decisions not checked"
                              : "no triage file read (docs/triage.md)";
        return MEDSEC_OK;
    }
    size_t n = 0;
    for (size_t i = 0; i < g->o->nstale; i++) {
        const struct medsec_gate_stale *s = &g->o->stale[i];
        if (!s->version || strcmp(s->version, v->version))
            continue;
        n++;
        medsec_err rc = fail_item(g, res, medsec_arena_strdup(&g->r->arena, s->item),
                                  medsec_arena_strdup(&g->r->arena, s->reason),
                                  (struct medsec_model_pos){0, 0});
        if (rc)
            return rc;
    }
    res->note = n ? fmt(g, "%zu stale decision%s", n, n == 1 ? "" : "s")
                  : "no decision of the triage file is stale";
    return res->note ? MEDSEC_OK : nomem(g);
}

/* ---- no_unjustified_residual_risk ---- */

static medsec_err rule_risk(struct run *g)
{
    const char *version = g->o->version ? g->o->version : g->m->device.current_version;
    struct medsec_gate_result *res =
        result_new(g, MEDSEC_GATE_NO_UNJUSTIFIED_RESIDUAL_RISK, version);
    if (!res)
        return nomem(g);
    struct medsec_risk_register reg = {0};
    medsec_err rc = medsec_device_risks(g->d, g->o->db, version, &reg, NULL, NULL, g->err);
    for (size_t i = 0; !rc && i < reg.n; i++) {
        const struct medsec_risk_item *it = &reg.items[i];
        if (it->result.residual_acceptable || it->result.justified)
            continue;
        struct medsec_model_pos pos = {0, 0};
        const struct medsec_model_threat *t =
            it->spec.threat_id ? medsec_model_find_threat(g->m, it->spec.threat_id) : NULL;
        const struct medsec_model_vulnerability *vu =
            it->spec.vulnerability_id
                ? medsec_model_find_vulnerability(g->m, it->spec.vulnerability_id)
                : NULL;
        if (t)
            pos = t->pos;
        else if (vu)
            pos = vu->pos;
        const struct medsec_risk_config *c = &reg.config;
        rc = fail_item(
            g, res, medsec_arena_strdup(&g->r->arena, it->spec.id),
            fmt(g,
                "%s: residual %s x %s = %s, above the acceptable region with no benefit-risk "
                "justification (risk_acceptance)",
                it->spec.title ? it->spec.title : "?",
                medsec_risk_exploitability_name(c, it->result.residual_exploitability),
                medsec_risk_severity_name(c, it->result.residual_severity),
                medsec_risk_class_name(c, it->result.residual_class)),
            pos);
    }
    if (!rc) {
        size_t above = medsec_risk_register_unacceptable(&reg);
        res->note = fmt(g, "%zu risks%s, %zu above the acceptable region, %zu justified", reg.n,
                        g->o->db ? " (with findings)" : "", above, above - res->nfailures);
        if (!res->note)
            rc = nomem(g);
    }
    medsec_risk_register_release(&reg);
    return rc;
}

/* ---- rules on findings: kev_needs_response, untriaged_max_days ---- */

static const char *component_text(struct run *g, const struct medsec_sbom_component *c)
{
    return fmt(g, "%s%s%s", c->name ? c->name : c->ref, c->version ? " " : "",
               c->version ? c->version : "");
}

static bool same_component(const struct medsec_sbom_component *a,
                           const struct medsec_sbom_component *b)
{
    if (a->purl && b->purl)
        return !strcmp(a->purl, b->purl);
    return a->name && b->name && !strcmp(a->name, b->name) &&
           (a->version && b->version ? !strcmp(a->version, b->version) : a->version == b->version);
}

/* The release date of the earliest release that ships component @c (the first time it was seen),
 * and that release into *@which; NULL when no release with a date ships it. */
static const char *first_shipped(struct run *g, const struct medsec_sbom_component *c,
                                 const char **which)
{
    const char *best = NULL;
    size_t n = medsec_scan_plan_count(g->plan);
    for (size_t i = 0; i < n; i++) {
        const struct medsec_scan_target *t = medsec_scan_plan_target(g->plan, i);
        const struct medsec_model_version *v = medsec_model_find_version(g->m, t->version);
        if (!v || !v->release_date || (best && strcmp(v->release_date, best) >= 0))
            continue;
        for (size_t k = 0; k < t->sbom->ncomponents; k++)
            if (same_component(&t->sbom->components[k], c)) {
                best = v->release_date;
                *which = v->version;
                break;
            }
    }
    return best;
}

/* Is finding @f of target @t decided: by the security file (a stated status other than
 * under_investigation; affected needs a rationale, the response) or by the caller's lookup.
 * *@why says what is missing when it is not. */
static bool decided(struct run *g, const struct medsec_scan_target *t,
                    const struct medsec_scan_finding *f, const char **why)
{
    const struct medsec_model_vulnerability *vu = medsec_scan_target_assessment(t, f);
    if (vu && vu->status == MEDSEC_VULN_AFFECTED && vu->rationale)
        return true;
    if (vu && vu->status != MEDSEC_VULN_AFFECTED && vu->status != MEDSEC_VULN_UNDER_INVESTIGATION)
        return true;
    struct medsec_gate_decision dec = {MEDSEC_VULN_UNDER_INVESTIGATION, false, NULL};
    if (g->o->decide &&
        g->o->decide(g->o->decide_ud, t->version, &t->sbom->components[f->component], f->vuln->id,
                     &dec) &&
        dec.state != MEDSEC_VULN_UNDER_INVESTIGATION &&
        (dec.state != MEDSEC_VULN_AFFECTED || dec.response))
        return true;
    *why = !vu && g->o->triage_read
               ? "neither the security file (vulnerabilities:) nor the triage file decides it"
           : !vu ? "the security file does not assess it (vulnerabilities:)"
           : vu->status == MEDSEC_VULN_UNDER_INVESTIGATION
               ? "the security file has it under investigation"
               : "the security file assesses it affected with no rationale (the response)";
    return false;
}

static medsec_err findings_rule(struct run *g, enum medsec_gate_rule rule,
                                const struct medsec_model_version *v)
{
    struct medsec_gate_result *res = result_new(g, rule, v->version);
    if (!res)
        return nomem(g);
    if (!g->plan) {
        res->outcome = MEDSEC_GATE_SKIP;
        res->note = "no vulnerability database (--db): findings not checked";
        return MEDSEC_OK;
    }
    size_t findings = 0, closed = 0, counted = 0, open_young = 0;
    medsec_err rc = MEDSEC_OK;
    size_t n = medsec_scan_plan_count(g->plan);
    for (size_t i = 0; i < n && !rc; i++) {
        const struct medsec_scan_target *t = medsec_scan_plan_target(g->plan, i);
        if (!t->version || strcmp(t->version, v->version))
            continue;
        findings += t->result.nfindings + t->nassessed;
        closed += t->nassessed;
        for (size_t k = 0; k < t->result.nfindings && !rc; k++) {
            const struct medsec_scan_finding *f = &t->result.findings[k];
            const struct medsec_sbom_component *c = &t->sbom->components[f->component];
            const struct medsec_model_vulnerability *vu = medsec_scan_target_assessment(t, f);
            struct medsec_model_pos pos = vu ? vu->pos : (struct medsec_model_pos){0, 0};
            const char *why = NULL;
            if (rule == MEDSEC_GATE_KEV_NEEDS_RESPONSE) {
                if (!f->vuln->kev)
                    continue;
                counted++;
                if (decided(g, t, f, &why))
                    continue;
                rc = fail_item(g, res, fmt(g, "%s in %s", f->vuln->id, component_text(g, c)),
                               fmt(g, "known exploited (CISA KEV, added %s, due %s); %s",
                                   f->vuln->kev_date_added ? f->vuln->kev_date_added : "?",
                                   f->vuln->kev_due_date ? f->vuln->kev_due_date : "?", why),
                               pos);
                continue;
            }
            if (decided(g, t, f, &why))
                continue;
            counted++;
            const char *which = NULL, *first = first_shipped(g, c, &which);
            long since;
            if (!first || !medsec_date_parse(first, &since)) {
                rc = fail_item(g, res, fmt(g, "%s in %s", f->vuln->id, component_text(g, c)),
                               fmt(g, "unassessed, and no release date tells since when: %s", why),
                               pos);
                continue;
            }
            long age = g->today - since;
            if (age <= g->p->max_days) {
                open_young++;
                continue;
            }
            rc = fail_item(g, res, fmt(g, "%s in %s", f->vuln->id, component_text(g, c)),
                           fmt(g,
                               "unassessed for %ld days (shipped since release %s of %s; the "
                               "policy allows %ld): %s",
                               age, which, first, g->p->max_days, why),
                           pos);
        }
    }
    if (!rc) {
        res->note =
            rule == MEDSEC_GATE_KEV_NEEDS_RESPONSE
                ? fmt(g, "%zu findings (%zu assessed not affected or fixed), %zu open in KEV",
                      findings, closed, counted)
                : fmt(g,
                      "%zu findings (%zu assessed not affected or fixed), %zu unassessed (%zu within %ld days)",
                      findings, closed, counted, open_young, g->p->max_days);
        if (!res->note)
            rc = nomem(g);
    }
    return rc;
}

/* ---- no_unchecked_components ---- */

/* Every component of release @v that the scan could not check (medsec/scan.h, coverage), with the
 * reason: "0 findings" must not pass for "checked and clean". */
static medsec_err rule_unchecked(struct run *g, const struct medsec_model_version *v)
{
    struct medsec_gate_result *res = result_new(g, MEDSEC_GATE_NO_UNCHECKED_COMPONENTS, v->version);
    if (!res)
        return nomem(g);
    if (!g->plan) {
        res->outcome = MEDSEC_GATE_SKIP;
        res->note = "no vulnerability database (--db): coverage not known";
        return MEDSEC_OK;
    }
    size_t components = 0, checked = 0, unchecked = 0;
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; i < medsec_scan_plan_count(g->plan) && !rc; i++) {
        const struct medsec_scan_target *t = medsec_scan_plan_target(g->plan, i);
        if (!t->version || strcmp(t->version, v->version))
            continue;
        const struct medsec_scan_result *r = &t->result;
        components += r->components;
        checked += r->checked;
        unchecked += r->unchecked;
        for (size_t k = 0; k < r->components && r->cover && !rc; k++) {
            const struct medsec_scan_cover *cv = &r->cover[k];
            if (cv->status == MEDSEC_SCAN_CHECKED || cv->status == MEDSEC_SCAN_COVER_SUBJECT)
                continue;
            const struct medsec_sbom_component *c = &t->sbom->components[k];
            rc = fail_item(g, res,
                           fmt(g, "%s (%s in %s)", component_text(g, c), c->ref ? c->ref : "-",
                               t->model_sbom ? t->model_sbom : t->path),
                           fmt(g, "not checked: %s%s%s", medsec_scan_cover_status_text(cv->status),
                               cv->ecosystem ? ": " : "", cv->ecosystem ? cv->ecosystem : ""),
                           (struct medsec_model_pos){0, 0});
        }
    }
    if (!rc && !(res->note = fmt(g, "%zu components, %zu checked, %zu not checked", components,
                                 checked, unchecked)))
        rc = nomem(g);
    return rc;
}

/* ---- fielded_version_past_eos_needs_plan ---- */

static medsec_err rule_eos_plan(struct run *g, const struct medsec_model_version *v)
{
    struct medsec_gate_result *res =
        result_new(g, MEDSEC_GATE_FIELDED_VERSION_PAST_EOS_NEEDS_PLAN, v->version);
    if (!res)
        return nomem(g);
    const char *today = g->o->today;
    if (!in_field(v)) {
        res->note = "not in the field (in_field: false)";
        return MEDSEC_OK;
    }
    if (medsec_model_support_status(v, today, NULL) != MEDSEC_SUPPORT_ENDED) {
        res->note = fmt(g, "supported until %s", v->end_of_support ? v->end_of_support : "?");
        return res->note ? MEDSEC_OK : nomem(g);
    }
    bool planned = v->support == MEDSEC_SUPPORT_NONE && v->notes && v->notes[0];
    if (planned) {
        res->note = fmt(g, "past end of support %s, support none, the plan in its notes",
                        v->end_of_support);
        return res->note ? MEDSEC_OK : nomem(g);
    }
    if (!(res->note = fmt(g, "past end of support %s, in the field", v->end_of_support)))
        return nomem(g);
    return fail_item(
        g, res, fmt(g, "version %s", v->version),
        v->support != MEDSEC_SUPPORT_NONE
            ? fmt(g,
                  "in the field past its end of support (%s) while its support still says %s: "
                  "state support: none and the plan in notes",
                  v->end_of_support, medsec_support_level_name(v->support))
            : fmt(g,
                  "in the field past its end of support (%s) with no plan: say in notes what "
                  "users are told (the successor, decommissioning)",
                  v->end_of_support),
        v->pos);
}

/* ---- no_component_past_eos ---- */

static const struct medsec_sbom_component *find_component(const struct medsec_model *m,
                                                          const char *sbom, const char *ref)
{
    const struct medsec_sbom *s = medsec_model_sbom(m, sbom);
    for (size_t i = 0; s && i < s->ncomponents; i++)
        if (s->components[i].ref && !strcmp(s->components[i].ref, ref))
            return &s->components[i];
    return NULL;
}

static medsec_err rule_component_eos(struct run *g, const struct medsec_model_version *v)
{
    struct medsec_gate_result *res = result_new(g, MEDSEC_GATE_NO_COMPONENT_PAST_EOS, v->version);
    if (!res)
        return nomem(g);
    size_t n = medsec_model_release_support(g->m, v, NULL, 0);
    const struct medsec_model_component_support **cs = NULL;
    if (n && !(cs = medsec_malloc(n * sizeof *cs)))
        return nomem(g);
    if (n)
        medsec_model_release_support(g->m, v, cs, n);
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        if (!medsec_model_component_ended(cs[i], g->o->today))
            continue;
        const struct medsec_sbom_component *c = find_component(g->m, cs[i]->sbom, cs[i]->component);
        rc = fail_item(
            g, res,
            c ? fmt(g, "%s (%s in %s)", component_text(g, c), cs[i]->component, cs[i]->sbom)
              : fmt(g, "%s in %s", cs[i]->component, cs[i]->sbom),
            fmt(g, "end of support %s (support %s)%s%s", cs[i]->end_of_support,
                medsec_support_level_name(cs[i]->support), cs[i]->notes ? ": " : "",
                cs[i]->notes ? cs[i]->notes : ""),
            cs[i]->pos);
    }
    if (!rc && !(res->note = fmt(g, "%zu components with a stated level of support", n)))
        rc = nomem(g);
    medsec_free(cs);
    return rc;
}

/* ---- requirements_verified ---- */

static medsec_err rule_requirements(struct run *g)
{
    struct medsec_gate_result *res = result_new(g, MEDSEC_GATE_REQUIREMENTS_VERIFIED, NULL);
    if (!res)
        return nomem(g);
    const struct medsec_model *m = g->m;
    struct medsec_buf seen = MEDSEC_BUF_INIT;
    medsec_buf_init(&seen, 1 << 16);
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; i < m->nrequirements && !rc; i++) {
        const struct medsec_model_requirement *q = &m->requirements[i];
        bool pass = false, failed = false;
        medsec_buf_reset(&seen);
        for (size_t k = 0; k < m->nevidence; k++) {
            const struct medsec_model_evidence *ev = &m->evidence[k];
            if (!medsec_strlist_has(&ev->verifies, q->id))
                continue;
            const char *result = ev->result ? ev->result : "no result";
            pass |= !strcmp(result, "pass");
            failed |= !strcmp(result, "fail");
            (void)medsec_buf_addf(&seen, "%s%s: %s", seen.len ? ", " : "", ev->id, result);
        }
        if (pass && !failed)
            continue;
        rc = fail_item(g, res, medsec_arena_strdup(&g->r->arena, q->id),
                       failed     ? fmt(g, "evidence failed (%s)", seen.data)
                       : seen.len ? fmt(g, "no passing evidence (%s)", seen.data)
                                  : fmt(g, "no evidence verifies it"),
                       q->pos);
    }
    medsec_buf_release(&seen);
    if (!rc && !(res->note = fmt(g, "%zu requirements, %zu evidence records", m->nrequirements,
                                 m->nevidence)))
        rc = nomem(g);
    return rc;
}

/* ---- the run ---- */

static medsec_err scan(struct run *g)
{
    medsec_err rc = medsec_scan_plan_new(medsec_device_ctx(g->d), &g->plan, g->err);
    if (!rc)
        rc = medsec_scan_plan_add_device(g->plan, g->d, NULL, g->err);
    if (!rc)
        rc = medsec_scan_plan_run(g->plan, g->o->db, NULL, NULL, NULL, NULL, g->err);
    return rc;
}

medsec_err medsec_gate_run(struct medsec_device *d, const struct medsec_gate_policy *p,
                           const struct medsec_gate_opts *o, struct medsec_gate_report *out,
                           struct medsec_error *err)
{
    memset(out, 0, sizeof *out);
    struct run g = {d, medsec_device_model(d), p, o, out, err, 0, NULL};
    if (!o->today || !medsec_date_parse(o->today, &g.today))
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "the gate needs today's date");
    if (o->version && !medsec_model_find_version(g.m, o->version))
        return medsec_error_set(err, MEDSEC_ENOTFOUND, g.m->file, 0, 0,
                                "version %s is not one of the file's versions", o->version);
    const struct medsec_ctx *prev = medsec_ctx_enter(medsec_device_ctx(d));
    medsec_err rc = MEDSEC_OK;
    out->device = medsec_arena_strdup(&out->arena, medsec_device_name(d));
    out->device_file = medsec_arena_strdup(&out->arena, g.m->file);
    out->policy = medsec_arena_strdup(&out->arena, p->name);
    out->today = medsec_arena_strdup(&out->arena, o->today);
    if (!out->device || !out->device_file || !out->policy || !out->today) {
        rc = nomem(&g);
        goto out_leave;
    }
    if (o->db &&
        (p->enabled[MEDSEC_GATE_KEV_NEEDS_RESPONSE] || p->enabled[MEDSEC_GATE_UNTRIAGED_MAX_DAYS] ||
         p->enabled[MEDSEC_GATE_NO_UNCHECKED_COMPONENTS]) &&
        (rc = scan(&g)))
        goto out_leave;
    for (size_t r = 0; r < MEDSEC_GATE_RULE_COUNT && !rc; r++) {
        if (!p->enabled[r])
            continue;
        switch ((enum medsec_gate_rule)r) {
        case MEDSEC_GATE_NO_UNJUSTIFIED_RESIDUAL_RISK: rc = rule_risk(&g); break;
        case MEDSEC_GATE_REQUIREMENTS_VERIFIED: rc = rule_requirements(&g); break;
        default:
            for (size_t i = 0; i < g.m->nversions && !rc; i++) {
                const struct medsec_model_version *v = &g.m->versions[i];
                if (!in_scope(&g, v))
                    continue;
                if (r == MEDSEC_GATE_FIELDED_VERSION_PAST_EOS_NEEDS_PLAN)
                    rc = rule_eos_plan(&g, v);
                else if (r == MEDSEC_GATE_NO_STALE_DECISIONS)
                    rc = rule_stale(&g, v);
                else if (r == MEDSEC_GATE_NO_COMPONENT_PAST_EOS)
                    rc = rule_component_eos(&g, v);
                else if (r == MEDSEC_GATE_NO_UNCHECKED_COMPONENTS)
                    rc = rule_unchecked(&g, v);
                else
                    rc = findings_rule(&g, (enum medsec_gate_rule)r, v);
            }
            break;
        }
    }
    for (size_t i = 0; i < out->n; i++) {
        out->failed += out->results[i].outcome == MEDSEC_GATE_FAIL;
        out->skipped += out->results[i].outcome == MEDSEC_GATE_SKIP;
    }
out_leave:
    medsec_scan_plan_free(g.plan);
    medsec_ctx_leave(prev);
    return rc;
}

void medsec_gate_report_release(struct medsec_gate_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        medsec_free(r->results[i].failures);
    medsec_free(r->results);
    medsec_arena_release(&r->arena);
    memset(r, 0, sizeof *r);
}
