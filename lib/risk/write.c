/* write.c: the register as its readers get it: level names, what would close a risk, JSON and CSV.
 */
#include <stdio.h>
#include <string.h>

#include "medsec/buf.h"
#include "medsec/csv.h"
#include "medsec/json.h"
#include "medsec/risk.h"

static const char *level(const char *const *names, size_t n, int i)
{
    return i >= 0 && (size_t)i < n ? names[i] : "?";
}

const char *medsec_risk_exploitability_name(const struct medsec_risk_config *c, int lvl)
{
    return level(c->exploitability, c->nexploitability, lvl);
}

const char *medsec_risk_severity_name(const struct medsec_risk_config *c, int lvl)
{
    return level(c->severity, c->nseverity, lvl);
}

const char *medsec_risk_class_name(const struct medsec_risk_config *c, size_t cls)
{
    return cls < c->nclasses ? c->classes[cls].name : "?";
}

static medsec_err join(struct medsec_buf *b, const char *const *v, size_t n, const char *sep)
{
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; i < n && !rc; i++)
        rc = medsec_buf_addf(b, "%s%s", i ? sep : "", v[i]);
    return rc;
}

medsec_err medsec_risk_closing_text(struct medsec_buf *b, const struct medsec_risk_item *it)
{
    const struct medsec_risk_result *r = &it->result;
    if (r->residual_acceptable)
        return MEDSEC_OK;
    medsec_err rc = MEDSEC_OK;
    bool any = false;
    if (r->close_by_exploitability > 0) {
        rc = medsec_buf_addf(b, "lower exploitability by %d level%s", r->close_by_exploitability,
                             r->close_by_exploitability > 1 ? "s" : "");
        any = true;
    }
    if (!rc && r->close_by_severity > 0) {
        rc = medsec_buf_addf(b, "%s severity by %d level%s", any ? " or" : "lower",
                             r->close_by_severity, r->close_by_severity > 1 ? "s" : "");
        any = true;
    }
    if (!rc && !any)
        rc = medsec_buf_adds(b, "no single-axis reduction reaches an acceptable cell: lower both");
    if (!rc && it->spec.nsuggested) {
        rc = medsec_buf_adds(b, "; suggested: ");
        if (!rc)
            rc = join(b, it->spec.suggested, it->spec.nsuggested, ", ");
    }
    return rc;
}

static void json_level(struct medsec_jsonw *w, const char *key, const struct medsec_risk_config *c,
                       int e, int s, size_t cls)
{
    medsec_jsonw_key(w, key);
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "exploitability", medsec_risk_exploitability_name(c, e));
    medsec_jsonw_kv_string(w, "severity", medsec_risk_severity_name(c, s));
    medsec_jsonw_kv_string(w, "class", medsec_risk_class_name(c, cls));
    medsec_jsonw_kv_bool(w, "acceptable", cls < c->nclasses && c->classes[cls].acceptable);
    medsec_jsonw_object_end(w);
}

void medsec_risk_item_json(struct medsec_jsonw *w, const struct medsec_risk_config *c,
                           const struct medsec_risk_item *it)
{
    const struct medsec_risk_spec *s = &it->spec;
    const struct medsec_risk_result *r = &it->result;
    char stride[2] = {medsec_stride_letter(s->stride), 0};
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "id", s->id);
    medsec_jsonw_kv_string(w, "threat", s->threat_id);
    medsec_jsonw_kv_string(w, "vulnerability", s->vulnerability_id);
    medsec_jsonw_kv_string(w, "title", s->title);
    medsec_jsonw_kv_string(w, "element", s->element);
    medsec_jsonw_kv_string(w, "stride", stride[0] ? stride : NULL);
    medsec_jsonw_kv_string(w, "security_hazard", s->hazard);
    medsec_jsonw_kv_string(w, "exploitability_basis", s->exploitability_basis);
    medsec_jsonw_kv_string(w, "severity_basis", s->severity_basis);
    medsec_jsonw_kv_string(w, "residual_severity_basis", s->residual_severity_basis);
    json_level(w, "initial", c, r->initial_exploitability, r->initial_severity, r->initial_class);
    medsec_jsonw_key(w, "controls");
    medsec_jsonw_array_begin(w);
    for (size_t k = 0; k < s->ncontrols; k++) {
        const struct medsec_risk_control *ctl = &s->controls[k];
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "id", ctl->id);
        medsec_jsonw_kv_string(w, "name", ctl->name);
        medsec_jsonw_kv_bool(w, "credited", !ctl->unclaimed);
        medsec_jsonw_kv_int(w, "exploitability_reduction", ctl->exploit_reduction);
        medsec_jsonw_kv_int(w, "severity_reduction", ctl->severity_reduction);
        medsec_jsonw_kv_string(w, "rationale", ctl->rationale);
        medsec_jsonw_kv_string(w, "evidence", ctl->evidence);
        medsec_jsonw_kv_string(w, "safety_hazard", ctl->safety_hazard);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
    json_level(w, "residual", c, r->residual_exploitability, r->residual_severity,
               r->residual_class);
    medsec_jsonw_key(w, "acceptance");
    if (s->acceptance_rationale) {
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "by", s->accepted_by);
        medsec_jsonw_kv_string(w, "date", s->accepted_on);
        medsec_jsonw_kv_string(w, "rationale", s->acceptance_rationale);
        medsec_jsonw_object_end(w);
    } else {
        medsec_jsonw_null(w);
    }
    medsec_jsonw_kv_strings(w, "safety_hazards", s->safety_hazards, s->nsafety_hazards);
    if (!r->residual_acceptable) {
        struct medsec_buf b = MEDSEC_BUF_INIT;
        medsec_buf_init(&b, (size_t)1 << 20);
        medsec_err rc = medsec_risk_closing_text(&b, it);
        medsec_jsonw_key(w, "to_close");
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_int(w, "exploitability_levels", r->close_by_exploitability);
        medsec_jsonw_kv_int(w, "severity_levels", r->close_by_severity);
        medsec_jsonw_kv_strings(w, "suggested_controls", s->suggested, s->nsuggested);
        medsec_jsonw_kv_string(w, "summary", b.data);
        medsec_jsonw_object_end(w);
        medsec_buf_release(&b);
        if (rc && !w->err)
            w->err = rc;
    }
    medsec_jsonw_object_end(w);
}

void medsec_risk_register_json(struct medsec_jsonw *w, const char *device,
                               const struct medsec_risk_register *r,
                               const struct medsec_risk_links *links,
                               const struct medsec_risk_version *versions, size_t nversions)
{
    const struct medsec_risk_config *c = &r->config;
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "device", device);
    medsec_jsonw_kv_string(w, "version", r->version);
    medsec_jsonw_key(w, "matrix");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_strings(w, "exploitability", c->exploitability, c->nexploitability);
    medsec_jsonw_kv_strings(w, "severity", c->severity, c->nseverity);
    medsec_jsonw_key(w, "classes");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < c->nclasses; i++) {
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "name", c->classes[i].name);
        medsec_jsonw_kv_bool(w, "acceptable", c->classes[i].acceptable);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_key(w, "cells"); /* rows: exploitability (lowest first); columns: severity */
    medsec_jsonw_array_begin(w);
    for (size_t e = 0; e < c->nexploitability; e++) {
        medsec_jsonw_array_begin(w);
        for (size_t sv = 0; sv < c->nseverity; sv++)
            medsec_jsonw_string(w, medsec_risk_class_name(c, c->matrix[e * c->nseverity + sv]));
        medsec_jsonw_array_end(w);
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);

    medsec_jsonw_key(w, "risks");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < r->n; i++)
        medsec_risk_item_json(w, c, &r->items[i]);
    medsec_jsonw_array_end(w);

    medsec_jsonw_key(w, "hazards");
    medsec_jsonw_array_begin(w);
    for (size_t h = 0; links && h < links->n; h++) {
        const struct medsec_risk_hazard_links *l = &links->v[h];
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "id", l->id);
        medsec_jsonw_kv_string(w, "name", l->name);
        medsec_jsonw_kv_strings(w, "security_risks", l->risks, l->nrisks);
        medsec_jsonw_key(w, "controls_with_security_effect");
        medsec_jsonw_array_begin(w);
        for (size_t k = 0; k < l->ncontrols; k++) {
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "control", l->controls[k].control);
            medsec_jsonw_kv_string(w, "risk", l->controls[k].risk);
            medsec_jsonw_object_end(w);
        }
        medsec_jsonw_array_end(w);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);

    medsec_jsonw_key(w, "summary");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_int(w, "risks", (long long)r->n);
    medsec_jsonw_kv_int(w, "unacceptable_initial",
                        (long long)medsec_risk_register_unacceptable_initial(r));
    medsec_jsonw_kv_int(w, "unacceptable_residual",
                        (long long)medsec_risk_register_unacceptable(r));
    size_t open = medsec_risk_register_unjustified(r);
    medsec_jsonw_kv_int(w, "justified", (long long)(medsec_risk_register_unacceptable(r) - open));
    medsec_jsonw_kv_int(w, "unjustified", (long long)open);
    medsec_jsonw_object_end(w);
    if (nversions) {
        medsec_jsonw_key(w, "versions");
        medsec_jsonw_array_begin(w);
        for (size_t i = 0; i < nversions; i++) {
            const struct medsec_risk_version *v = &versions[i];
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "version", v->version);
            medsec_jsonw_kv_bool(w, "current", v->current);
            medsec_jsonw_kv_string(w, "support", v->support);
            medsec_jsonw_kv_string(w, "end_of_support", v->end_of_support);
            medsec_jsonw_kv_int(w, "risks", (long long)v->risks);
            medsec_jsonw_kv_int(w, "unacceptable_initial", (long long)v->above_initial);
            medsec_jsonw_kv_int(w, "unacceptable_residual", (long long)v->above);
            medsec_jsonw_kv_int(w, "unjustified", (long long)v->unjustified);
            medsec_jsonw_kv_strings(w, "components_past_end_of_support", v->ended, v->nended);
            medsec_jsonw_object_end(w);
        }
        medsec_jsonw_array_end(w);
    }
    medsec_jsonw_object_end(w);
}

medsec_err medsec_risk_register_csv(struct medsec_buf *out, const struct medsec_risk_register *reg)
{
    static const char *const head[] = {"id",
                                       "threat",
                                       "vulnerability",
                                       "element",
                                       "stride",
                                       "title",
                                       "initial_exploitability",
                                       "initial_severity",
                                       "initial_class",
                                       "initial_acceptable",
                                       "controls",
                                       "control_rationale",
                                       "residual_exploitability",
                                       "residual_severity",
                                       "residual_class",
                                       "residual_acceptable",
                                       "safety_hazards",
                                       "exploitability_basis",
                                       "severity_basis",
                                       "accepted_by",
                                       "accepted_on",
                                       "acceptance_rationale",
                                       "to_close"};
    const size_t ncols = sizeof head / sizeof head[0];
    const struct medsec_risk_config *c = &reg->config;
    struct medsec_buf tmp = MEDSEC_BUF_INIT;
    medsec_buf_init(&tmp, (size_t)1 << 20);
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; i < ncols && !rc; i++)
        rc = medsec_csv_field(out, head[i], i + 1 == ncols);
    for (size_t i = 0; i < reg->n && !rc; i++) {
        const struct medsec_risk_item *it = &reg->items[i];
        const struct medsec_risk_spec *s = &it->spec;
        const struct medsec_risk_result *r = &it->result;
        char stride[2] = {medsec_stride_letter(s->stride), 0};
        const char *lead[] = {s->id,
                              s->threat_id,
                              s->vulnerability_id,
                              s->element,
                              stride,
                              s->title,
                              medsec_risk_exploitability_name(c, r->initial_exploitability),
                              medsec_risk_severity_name(c, r->initial_severity),
                              medsec_risk_class_name(c, r->initial_class),
                              r->initial_acceptable ? "yes" : "no"};
        for (size_t k = 0; k < sizeof lead / sizeof lead[0] && !rc; k++)
            rc = medsec_csv_field(out, lead[k], false);
        medsec_buf_reset(&tmp);
        for (size_t k = 0; k < s->ncontrols && !rc; k++)
            rc = medsec_buf_addf(&tmp, "%s%s", k ? "; " : "", s->controls[k].id);
        if (!rc)
            rc = medsec_csv_field(out, tmp.data, false);
        medsec_buf_reset(&tmp);
        for (size_t k = 0, m = 0; k < s->ncontrols && !rc; k++)
            if (s->controls[k].rationale)
                rc = medsec_buf_addf(&tmp, "%s%s: %s%s%s%s", m++ ? "; " : "", s->controls[k].id,
                                     s->controls[k].rationale,
                                     s->controls[k].evidence ? " (evidence: " : "",
                                     s->controls[k].evidence ? s->controls[k].evidence : "",
                                     s->controls[k].evidence ? ")" : "");
        if (!rc)
            rc = medsec_csv_field(out, tmp.data, false);
        const char *mid[] = {medsec_risk_exploitability_name(c, r->residual_exploitability),
                             medsec_risk_severity_name(c, r->residual_severity),
                             medsec_risk_class_name(c, r->residual_class),
                             r->residual_acceptable ? "yes" : "no"};
        for (size_t k = 0; k < sizeof mid / sizeof mid[0] && !rc; k++)
            rc = medsec_csv_field(out, mid[k], false);
        medsec_buf_reset(&tmp);
        if (!rc)
            rc = join(&tmp, s->safety_hazards, s->nsafety_hazards, "; ");
        if (!rc)
            rc = medsec_csv_field(out, tmp.data, false);
        const char *why[] = {s->exploitability_basis, s->severity_basis, s->accepted_by,
                             s->accepted_on, s->acceptance_rationale};
        for (size_t k = 0; k < sizeof why / sizeof why[0] && !rc; k++)
            rc = medsec_csv_field(out, why[k], false);
        medsec_buf_reset(&tmp);
        if (!rc)
            rc = medsec_risk_closing_text(&tmp, it);
        if (!rc)
            rc = medsec_csv_field(out, tmp.data, true);
    }
    medsec_buf_release(&tmp);
    return rc;
}
