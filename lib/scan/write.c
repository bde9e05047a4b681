/* write.c: what a scan found, as its readers get it: totals by severity, findings and coverage as
 * JSON, and the coverage line. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "medsec/json.h"
#include "medsec/purl.h"
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
    t->checked += r->checked;
    t->unchecked += r->unchecked;
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
        if (m->method == MEDSEC_SCAN_BY_DERIVED_CPE) {
            medsec_jsonw_key(w, "derived");
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "cpe", m->derived_cpe);
            medsec_jsonw_kv_string(w, "evidence", m->evidence);
            medsec_jsonw_object_end(w);
        }
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
}

void medsec_scan_coverage_json(struct medsec_jsonw *w, const struct medsec_scan_result *r)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_int(w, "components", (long long)r->components);
    medsec_jsonw_kv_int(w, "checked", (long long)r->checked);
    medsec_jsonw_kv_int(w, "unchecked", (long long)r->unchecked);
    medsec_jsonw_key(w, "unchecked_by_reason");
    medsec_jsonw_object_begin(w);
    for (int s = MEDSEC_SCAN_UNCHECKED_NO_DATA; s <= MEDSEC_SCAN_UNCHECKED_PATH_OFF; s++)
        medsec_jsonw_kv_int(w, medsec_scan_cover_status_name((enum medsec_scan_cover_status)s),
                            (long long)r->by_status[s]);
    medsec_jsonw_object_end(w);
    medsec_jsonw_kv_int(w, "subject_without_identifier",
                        (long long)r->by_status[MEDSEC_SCAN_COVER_SUBJECT]);
    /* each path and source the database holds data for, with the components compared with it */
    medsec_jsonw_key(w, "sources");
    medsec_jsonw_array_begin(w);
    for (unsigned b = 0; b < MEDSEC_SCAN_COVER_NBITS; b++) {
        if (!r->by_source[b])
            continue;
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(
            w, "path", medsec_scan_method_name((enum medsec_scan_method)(b / MEDSEC_ADV_NSOURCES)));
        medsec_jsonw_kv_string(
            w, "source", medsec_adv_source_name((enum medsec_adv_source)(b % MEDSEC_ADV_NSOURCES)));
        medsec_jsonw_kv_int(w, "components", (long long)r->by_source[b]);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_key(w, "ecosystems");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < r->necosystems; i++) {
        const struct medsec_scan_ecosystem *e = &r->ecosystems[i];
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "ecosystem", e->name);
        medsec_jsonw_kv_bool(w, "known_purl_type", e->known);
        medsec_jsonw_kv_int(w, "database_entries", (long long)e->entries);
        medsec_jsonw_kv_int(w, "components", (long long)e->components);
        medsec_jsonw_kv_int(w, "checked_by_purl", (long long)e->checked);
        medsec_jsonw_kv_int(w, "checked_otherwise", (long long)e->other_only);
        medsec_jsonw_kv_int(w, "unchecked", (long long)e->unchecked);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_key(w, "unchecked_components");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; r->cover && i < r->components; i++) {
        const struct medsec_scan_cover *cv = &r->cover[i];
        if (cv->status == MEDSEC_SCAN_CHECKED || cv->status == MEDSEC_SCAN_COVER_SUBJECT)
            continue;
        const struct medsec_sbom_component *c = &r->sbom->components[i];
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "ref", c->ref);
        medsec_jsonw_kv_string(w, "name", c->name);
        medsec_jsonw_kv_string(w, "version", c->version);
        medsec_jsonw_kv_string(w, "purl", c->purl);
        medsec_jsonw_kv_string(w, "ecosystem", cv->ecosystem);
        medsec_jsonw_kv_string(w, "reason", medsec_scan_cover_status_name(cv->status));
        medsec_jsonw_kv_int(w, "line", (long long)c->line);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
}

/* Append to @out at *@o (capped at @cap); *@o counts what was needed. */
static void put(char *out, size_t cap, size_t *o, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char *out, size_t cap, size_t *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(*o < cap ? out + *o : NULL, *o < cap ? cap - *o : 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        *o += (size_t)n;
}

size_t medsec_scan_coverage_text(const struct medsec_scan_result *r, size_t max_names, char *out,
                                 size_t cap)
{
    static const char *const how[MEDSEC_SCAN_NMETHODS] = {"by purl", "by CPE", "by product name",
                                                          "by derived CPE"};
    size_t o = 0;
    if (cap)
        out[0] = '\0';
    /* the SBOM's subject without purl or CPE is neither checked nor unchecked */
    size_t counted = r->checked + r->unchecked;
    put(out, cap, &o, "%zu of %zu component%s checked", r->checked, counted,
        counted == 1 ? "" : "s");
    const char *sep = " (";
    for (unsigned b = 0; b < MEDSEC_SCAN_COVER_NBITS; b++) {
        if (!r->by_source[b] || b / MEDSEC_ADV_NSOURCES == MEDSEC_SCAN_BY_PRODUCT)
            continue;
        put(out, cap, &o, "%s%s %s %zu", sep,
            medsec_adv_source_name((enum medsec_adv_source)(b % MEDSEC_ADV_NSOURCES)),
            how[b / MEDSEC_ADV_NSOURCES], r->by_source[b]);
        sep = ", ";
    }
    if (sep[0] == ',')
        put(out, cap, &o, ")");
    /* names compared with CSAF products check a component only when they find something */
    for (unsigned s = 0; s < MEDSEC_ADV_NSOURCES; s++) {
        size_t n = r->by_source[MEDSEC_SCAN_BY_PRODUCT * MEDSEC_ADV_NSOURCES + s];
        if (n)
            put(out, cap, &o, ", %zu compared with %s product names", n,
                medsec_adv_source_name((enum medsec_adv_source)s));
    }
    /* how much data stood behind each purl ecosystem that was checked */
    sep = "; by ecosystem: ";
    for (size_t i = 0; i < r->necosystems; i++) {
        const struct medsec_scan_ecosystem *e = &r->ecosystems[i];
        if (!e->checked)
            continue;
        put(out, cap, &o, "%s%s %zu against %zu vulnerabilit%s", sep, e->name, e->checked,
            e->entries, e->entries == 1 ? "y" : "ies");
        sep = ", ";
    }
    if (!r->unchecked)
        return o;
    put(out, cap, &o, "; %zu not checked:", r->unchecked);
    sep = " ";
    /* by ecosystem first: the ecosystems the database has no data for */
    for (size_t i = 0; i < r->necosystems; i++) {
        const struct medsec_scan_ecosystem *e = &r->ecosystems[i];
        size_t n = 0;
        for (size_t k = 0; r->cover && k < r->components; k++)
            n += r->cover[k].ecosystem && strcmp(r->cover[k].ecosystem, e->name) == 0 &&
                 (r->cover[k].status == MEDSEC_SCAN_UNCHECKED_NO_DATA ||
                  r->cover[k].status == MEDSEC_SCAN_UNCHECKED_UNKNOWN_TYPE);
        if (!n)
            continue;
        put(out, cap, &o, "%s%s %zu (%s)", sep, e->name, n,
            e->known ? "no advisory data for the ecosystem in this database" : "unknown purl type");
        sep = "; ";
    }
    /* then the reasons that have no ecosystem */
    size_t no_id = r->by_status[MEDSEC_SCAN_UNCHECKED_NO_ID], off = 0, cpe_nodata = 0;
    for (size_t i = 0; r->cover && i < r->components; i++) {
        const struct medsec_scan_cover *cv = &r->cover[i];
        off += cv->status == MEDSEC_SCAN_UNCHECKED_PATH_OFF;
        cpe_nodata += cv->status == MEDSEC_SCAN_UNCHECKED_NO_DATA && !cv->ecosystem;
    }
    if (cpe_nodata) {
        put(out, cap, &o, "%sCPE only %zu (the database has no CPE criteria)", sep, cpe_nodata);
        sep = "; ";
    }
    if (no_id) {
        put(out, cap, &o, "%s%zu with no purl or CPE", sep, no_id);
        sep = "; ";
    }
    if (off)
        put(out, cap, &o, "%s%zu left out by --paths", sep, off);
    if (r->unchecked <= max_names && r->cover) {
        put(out, cap, &o, " [");
        const char *s2 = "";
        for (size_t i = 0; i < r->components; i++) {
            const struct medsec_scan_cover *cv = &r->cover[i];
            if (cv->status == MEDSEC_SCAN_CHECKED || cv->status == MEDSEC_SCAN_COVER_SUBJECT)
                continue;
            const struct medsec_sbom_component *c = &r->sbom->components[i];
            put(out, cap, &o, "%s%s%s%s", s2,
                c->name  ? c->name
                : c->ref ? c->ref
                         : "?",
                c->version ? " " : "", c->version ? c->version : "");
            s2 = ", ";
        }
        put(out, cap, &o, "]");
    }
    return o;
}
