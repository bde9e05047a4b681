/* write.c: what a scan found, as its readers get it: totals by severity, and findings as JSON. */
#include <string.h>

#include "medsec/json.h"
#include "medsec/scan.h"

bool medsec_scan_score_from_alias(const struct medsec_scan_finding *f)
{
    const struct medsec_scan_vuln *v = f->vuln;
    if (v->cvss_score < 0 || !v->cvss_record || !v->cvss_record_source)
        return false;
    for (size_t i = 0; i < f->nmatches; i++)
        if (f->matches[i].source && f->matches[i].record_id &&
            strcmp(f->matches[i].source, v->cvss_record_source) == 0 &&
            strcmp(f->matches[i].record_id, v->cvss_record) == 0)
            return false;
    return true;
}

void medsec_scan_totals_add(struct medsec_scan_totals *t, const struct medsec_scan_result *r)
{
    t->components += r->components;
    t->vulnerable += r->vulnerable_components;
    for (size_t i = 0; i < r->nfindings; i++) {
        const struct medsec_scan_finding *f = &r->findings[i];
        t->findings++;
        t->review += f->review;
        t->kev += f->vuln->kev;
        enum medsec_cvss_severity s = f->vuln->severity;
        t->by_severity[s <= MEDSEC_CVSS_SEV_CRITICAL ? s : MEDSEC_CVSS_SEV_UNKNOWN]++;
    }
}

static void json_nullable_object_begin(struct medsec_jsonw *w, const char *key, bool present)
{
    medsec_jsonw_key(w, key);
    if (present)
        medsec_jsonw_object_begin(w);
    else
        medsec_jsonw_null(w);
}

void medsec_scan_finding_json(struct medsec_jsonw *w, const struct medsec_sbom *sbom,
                              const struct medsec_scan_finding *f)
{
    const struct medsec_scan_vuln *v = f->vuln;
    medsec_jsonw_object_begin(w);
    medsec_jsonw_key(w, "component");
    medsec_sbom_component_json(w, sbom, f->component);
    medsec_jsonw_kv_string(w, "id", v->id);
    medsec_jsonw_kv_strings(w, "aliases", v->aliases, v->naliases);
    medsec_jsonw_kv_string(w, "summary", v->summary);
    medsec_jsonw_kv_string(w, "severity", medsec_cvss_severity_name(v->severity));
    json_nullable_object_begin(w, "cvss", v->cvss_score >= 0);
    if (v->cvss_score >= 0) {
        medsec_jsonw_kv_string(w, "version", v->cvss_version);
        medsec_jsonw_key(w, "score");
        medsec_jsonw_fixed(w, v->cvss_score, 1);
        medsec_jsonw_kv_string(w, "vector", v->cvss_vector);
        medsec_jsonw_kv_string(w, "source", v->cvss_source);
        medsec_jsonw_key(w, "record");
        if (v->cvss_record) {
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "source", v->cvss_record_source);
            medsec_jsonw_kv_string(w, "id", v->cvss_record);
            medsec_jsonw_kv_bool(w, "alias", medsec_scan_score_from_alias(f));
            medsec_jsonw_object_end(w);
        } else {
            medsec_jsonw_null(w);
        }
        medsec_jsonw_object_end(w);
    }
    json_nullable_object_begin(w, "kev", v->kev);
    if (v->kev) {
        medsec_jsonw_kv_string(w, "date_added", v->kev_date_added);
        medsec_jsonw_kv_string(w, "due_date", v->kev_due_date);
        medsec_jsonw_kv_string(w, "known_ransomware_use", v->kev_ransomware);
        medsec_jsonw_object_end(w);
    }
    json_nullable_object_begin(w, "epss", v->has_epss);
    if (v->has_epss) {
        medsec_jsonw_key(w, "score");
        medsec_jsonw_double(w, v->epss);
        medsec_jsonw_key(w, "percentile");
        medsec_jsonw_double(w, v->epss_percentile);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_kv_strings(w, "fixed", f->fixed, f->nfixed);
    medsec_jsonw_kv_bool(w, "review", f->review);
    medsec_jsonw_kv_bool(w, "withdrawn", f->withdrawn);
    medsec_jsonw_key(w, "matches");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < f->nmatches; i++) {
        const struct medsec_scan_match *m = &f->matches[i];
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "method", medsec_scan_method_name(m->method));
        medsec_jsonw_kv_string(w, "source", m->source);
        medsec_jsonw_kv_string(w, "record", m->record_id);
        medsec_jsonw_kv_string(w, "name", m->name);
        medsec_jsonw_kv_string(w, "key", m->key);
        medsec_jsonw_kv_string(w, "reason", m->reason);
        medsec_jsonw_kv_bool(w, "review", m->review);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
}
