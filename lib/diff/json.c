/* json.c: a release diff as JSON (docs/schema/diff-report.schema.json). */
#include "medsec/diff.h"
#include "medsec/json.h"

static void version_json(struct medsec_jsonw *w, const struct medsec_model_version *v)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "version", v->version);
    medsec_jsonw_kv_string(w, "release_date", v->release_date);
    medsec_jsonw_kv_string(w, "support", medsec_support_level_name(v->support));
    medsec_jsonw_kv_string(w, "end_of_support", v->end_of_support);
    medsec_jsonw_object_end(w);
}

static void db_json(struct medsec_jsonw *w, const char *key, const struct medsec_db_status *st)
{
    medsec_jsonw_key(w, key);
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "last_import", st->last_import[0] ? st->last_import : NULL);
    medsec_jsonw_kv_string(w, "last_update", st->last_update[0] ? st->last_update : NULL);
    medsec_jsonw_object_end(w);
}

static void counts_json(struct medsec_jsonw *w, const struct medsec_diff_counts *c,
                        const char *(*name)(enum medsec_diff_change))
{
    for (int i = 0; i < MEDSEC_DIFF_CHANGE_COUNT; i++)
        medsec_jsonw_kv_int(w, name((enum medsec_diff_change)i), (long long)c->n[i]);
}

/* The decision changes as JSON words. */
static const char *const decision_key[MEDSEC_DIFF_D_CHANGE_COUNT] = {
    "became_stale", "current_again", "no_longer_applies", "applies_now"};

static void decision_counts_json(struct medsec_jsonw *w, const struct medsec_diff *df)
{
    medsec_jsonw_object_begin(w);
    for (int c = 0; c < MEDSEC_DIFF_D_CHANGE_COUNT; c++)
        medsec_jsonw_kv_int(w, decision_key[c], (long long)df->decisions[c]);
    medsec_jsonw_object_end(w);
}

static void decision_json(struct medsec_jsonw *w, const struct medsec_diff_decision *d)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "change", decision_key[d->change]);
    medsec_jsonw_kv_string(w, "vulnerability", d->vuln);
    medsec_jsonw_kv_string(w, "component", d->component);
    medsec_jsonw_kv_string(w, "file", d->file);
    medsec_jsonw_kv_int(w, "line", d->line);
    medsec_jsonw_kv_string(w, "by", d->by);
    medsec_jsonw_kv_string(w, "made_against", d->made_against);
    medsec_jsonw_key(w, "a");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "fingerprint", d->fingerprint_a);
    medsec_jsonw_kv_string(w, "component_version", d->component_version_a);
    medsec_jsonw_object_end(w);
    medsec_jsonw_key(w, "b");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "fingerprint", d->fingerprint_b);
    medsec_jsonw_kv_string(w, "component_version", d->component_version_b);
    medsec_jsonw_object_end(w);
    medsec_jsonw_object_end(w);
}

static void component_side(struct medsec_jsonw *w, const struct medsec_diff_side *s)
{
    if (!s->c) {
        medsec_jsonw_null(w);
        return;
    }
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "sbom", s->sbom);
    medsec_jsonw_kv_string(w, "ref", s->c->ref);
    medsec_jsonw_kv_string(w, "name", s->c->name);
    medsec_jsonw_kv_string(w, "version", s->c->version);
    medsec_jsonw_kv_string(w, "purl", s->c->purl);
    medsec_jsonw_kv_string(w, "support",
                           s->support ? medsec_support_level_name(s->support->support) : NULL);
    medsec_jsonw_kv_string(w, "end_of_support", s->support ? s->support->end_of_support : NULL);
    medsec_jsonw_object_end(w);
}

static void component_json(struct medsec_jsonw *w, const struct medsec_diff_component *c)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "identity", c->identity);
    medsec_jsonw_kv_string(w, "change", medsec_diff_component_change_name(c->change));
    medsec_jsonw_key(w, "a");
    component_side(w, &c->a);
    medsec_jsonw_key(w, "b");
    component_side(w, &c->b);
    medsec_jsonw_key(w, "changed");
    medsec_jsonw_array_begin(w);
    if (c->version_changed)
        medsec_jsonw_string(w, "version");
    if (c->support_changed)
        medsec_jsonw_string(w, "support");
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
}

static void finding_side(struct medsec_jsonw *w, const struct medsec_diff_finding_side *s)
{
    if (!s->c) {
        medsec_jsonw_null(w);
        return;
    }
    const struct medsec_scan_vuln *v = s->vuln;
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "sbom", s->sbom);
    medsec_jsonw_kv_string(w, "component_ref", s->c->ref);
    medsec_jsonw_kv_string(w, "version", s->c->version);
    medsec_jsonw_kv_string(w, "state", medsec_vuln_status_name(s->state));
    medsec_jsonw_kv_bool(w, "assessed", s->assessed);
    medsec_jsonw_kv_string(w, "severity",
                           v && v->cvss_score >= 0 ? medsec_cvss_severity_name(v->severity) : NULL);
    medsec_jsonw_key(w, "score");
    if (v && v->cvss_score >= 0)
        medsec_jsonw_fixed(w, v->cvss_score, 1);
    else
        medsec_jsonw_null(w);
    medsec_jsonw_key(w, "kev");
    if (v)
        medsec_jsonw_bool(w, v->kev);
    else
        medsec_jsonw_null(w);
    medsec_jsonw_key(w, "epss");
    if (v && v->has_epss)
        medsec_jsonw_fixed(w, v->epss, 5);
    else
        medsec_jsonw_null(w);
    medsec_jsonw_object_end(w);
}

static void finding_json(struct medsec_jsonw *w, const struct medsec_diff_finding *f)
{
    static const char *const what[] = {"version", "score", "kev", "epss", "state"};
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "id", f->id);
    medsec_jsonw_kv_string(w, "component", f->identity);
    medsec_jsonw_kv_string(w, "change", medsec_diff_finding_change_name(f->change));
    medsec_jsonw_key(w, "a");
    finding_side(w, &f->a);
    medsec_jsonw_key(w, "b");
    finding_side(w, &f->b);
    medsec_jsonw_key(w, "changed");
    medsec_jsonw_array_begin(w);
    for (unsigned i = 0; i < sizeof what / sizeof *what; i++)
        if (f->changed & (1u << i))
            medsec_jsonw_string(w, what[i]);
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
}

static void level_json(struct medsec_jsonw *w, const char *key, const struct medsec_risk_config *c,
                       int e, int s, size_t cls)
{
    medsec_jsonw_key(w, key);
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "exploitability", medsec_risk_exploitability_name(c, e));
    medsec_jsonw_kv_string(w, "severity", medsec_risk_severity_name(c, s));
    medsec_jsonw_kv_string(w, "class", medsec_risk_class_name(c, cls));
    medsec_jsonw_object_end(w);
}

static void risk_side(struct medsec_jsonw *w, const struct medsec_risk_config *c,
                      const struct medsec_risk_item *it)
{
    if (!it) {
        medsec_jsonw_null(w);
        return;
    }
    medsec_jsonw_object_begin(w);
    level_json(w, "initial", c, it->result.initial_exploitability, it->result.initial_severity,
               it->result.initial_class);
    level_json(w, "residual", c, it->result.residual_exploitability, it->result.residual_severity,
               it->result.residual_class);
    medsec_jsonw_kv_string(w, "acceptance", medsec_diff_risk_acceptance(it));
    medsec_jsonw_object_end(w);
}

static void risk_json(struct medsec_jsonw *w, const struct medsec_diff *df,
                      const struct medsec_diff_risk *r)
{
    static const char *const what[] = {"initial_exploitability", "initial_severity",
                                       "residual_exploitability", "residual_severity",
                                       "acceptance"};
    const struct medsec_risk_item *any = r->b ? r->b : r->a;
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "id", r->id);
    medsec_jsonw_kv_string(w, "title", any->spec.title);
    medsec_jsonw_kv_string(w, "vulnerability", any->spec.vulnerability_id);
    medsec_jsonw_kv_string(w, "change", medsec_diff_risk_change_name(r->change));
    medsec_jsonw_key(w, "a");
    risk_side(w, &df->reg_a.config, r->a);
    medsec_jsonw_key(w, "b");
    risk_side(w, &df->reg_b.config, r->b);
    medsec_jsonw_key(w, "changed");
    medsec_jsonw_array_begin(w);
    for (unsigned i = 0; i < sizeof what / sizeof *what; i++)
        if (r->changed & (1u << i))
            medsec_jsonw_string(w, what[i]);
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
}

void medsec_diff_json(struct medsec_jsonw *w, const struct medsec_diff *df)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_int(w, "medsec_diff", 1);
    medsec_jsonw_kv_string(w, "device", df->device);
    medsec_jsonw_key(w, "a");
    version_json(w, df->a);
    medsec_jsonw_key(w, "b");
    version_json(w, df->b);
    medsec_jsonw_kv_bool(w, "with_db", df->with_db);
    if (df->databases) {
        medsec_jsonw_key(w, "databases");
        medsec_jsonw_object_begin(w);
        db_json(w, "a", &df->db_a);
        db_json(w, "b", &df->db_b);
        medsec_jsonw_object_end(w);
    }

    medsec_jsonw_key(w, "summary");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_key(w, "components");
    medsec_jsonw_object_begin(w);
    counts_json(w, &df->components, medsec_diff_component_change_name);
    medsec_jsonw_object_end(w);
    if (df->with_db) {
        medsec_jsonw_key(w, "findings");
        medsec_jsonw_object_begin(w);
        counts_json(w, &df->findings, medsec_diff_finding_change_name);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_key(w, "risks");
    medsec_jsonw_object_begin(w);
    counts_json(w, &df->risks, medsec_diff_risk_change_name);
    medsec_jsonw_object_end(w);
    if (df->with_triage) {
        medsec_jsonw_key(w, "decisions");
        decision_counts_json(w, df);
    }
    medsec_jsonw_object_end(w);

    medsec_jsonw_key(w, "sboms");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < df->nsboms; i++) {
        const struct medsec_diff_sbom *s = &df->sboms[i];
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "a", s->path_a);
        medsec_jsonw_kv_string(w, "b", s->path_b);
        medsec_jsonw_kv_string(w, "subject", s->b ? s->b->subject : s->a->subject);
        medsec_jsonw_key(w, "components");
        medsec_jsonw_object_begin(w);
        counts_json(w, &s->counts, medsec_diff_component_change_name);
        medsec_jsonw_key(w, "changes");
        medsec_jsonw_array_begin(w);
        for (size_t k = 0; k < s->ncomponents; k++)
            component_json(w, &s->components[k]);
        medsec_jsonw_array_end(w);
        medsec_jsonw_object_end(w);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);

    if (df->with_db) {
        medsec_jsonw_key(w, "findings");
        medsec_jsonw_object_begin(w);
        counts_json(w, &df->findings, medsec_diff_finding_change_name);
        medsec_jsonw_key(w, "changes");
        medsec_jsonw_array_begin(w);
        for (size_t k = 0; k < df->nfindings; k++)
            finding_json(w, &df->findings_v[k]);
        medsec_jsonw_array_end(w);
        medsec_jsonw_object_end(w);
    }

    if (df->with_triage) {
        medsec_jsonw_key(w, "decisions");
        medsec_jsonw_object_begin(w);
        for (int c = 0; c < MEDSEC_DIFF_D_CHANGE_COUNT; c++)
            medsec_jsonw_kv_int(w, decision_key[c], (long long)df->decisions[c]);
        medsec_jsonw_key(w, "changes");
        medsec_jsonw_array_begin(w);
        for (size_t k = 0; k < df->ndecisions; k++)
            decision_json(w, &df->decisions_v[k]);
        medsec_jsonw_array_end(w);
        medsec_jsonw_object_end(w);
    }

    medsec_jsonw_key(w, "risks");
    medsec_jsonw_object_begin(w);
    counts_json(w, &df->risks, medsec_diff_risk_change_name);
    medsec_jsonw_key(w, "changes");
    medsec_jsonw_array_begin(w);
    for (size_t k = 0; k < df->nrisks; k++)
        risk_json(w, df, &df->risks_v[k]);
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
    medsec_jsonw_object_end(w);
}
