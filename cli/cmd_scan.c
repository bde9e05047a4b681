/* cmd_scan.c: `medsec scan SBOM|DIR...`: match SBOM components against the local vulnerability
 * database and report the findings as a table, JSON or SARIF 2.1.0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/cpemap.h"
#include "medsec/db.h"
#include "medsec/json.h"
#include "medsec/device.h"
#include "medsec/scan.h"

/* ---- text ---- */

static const char *match_text(const struct medsec_scan_finding *f, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < f->nmatches && o + 1 < cap; i++) {
        const struct medsec_scan_match *m = &f->matches[i];
        bool dup = false;
        for (size_t k = 0; k < i; k++)
            dup |= f->matches[k].method == m->method &&
                   strcmp(f->matches[k].record_id, m->record_id) == 0;
        if (dup)
            continue;
        int w = snprintf(buf + o, cap - o, "%s%s %s:%s%s", o ? ", " : "",
                         medsec_scan_method_name(m->method), m->source, m->record_id,
                         m->review ? " (review)" : "");
        if (w < 0)
            break;
        o += (size_t)w;
    }
    /* a score taken from an alias record names that record */
    if (medsec_scan_score_from_alias(f) && o + 1 < cap)
        snprintf(buf + o, cap - o, "; score %s:%s", f->vuln->cvss_record_source,
                 f->vuln->cvss_record);
    return buf;
}

static void join(const char *const *v, size_t n, size_t max, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && i < max && o + 1 < cap; i++) {
        int w = snprintf(buf + o, cap - o, "%s%s", i ? ", " : "", v[i]);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    if (n > max && o + 8 < cap)
        snprintf(buf + o, cap - o, ", +%zu", n - max);
}

/* The coverage line of @r (medsec_scan_coverage_text), naming the unchecked components when at
 * most ten; the caller frees it. NULL when memory ran out. */
static char *coverage_line(const struct medsec_scan_result *r)
{
    char probe[1];
    size_t n = medsec_scan_coverage_text(r, 10, probe, sizeof probe);
    char *s = medsec_malloc(n + 1);
    if (s)
        medsec_scan_coverage_text(r, 10, s, n + 1);
    return s;
}

/* The CPEs derived for components that carry none and found something, once each, with the facts
 * they were derived from. */
static void print_derived(FILE *out, const struct medsec_scan_target *t)
{
    const struct medsec_scan_result *r = &t->result;
    bool header = false;
    for (size_t k = 0; k < r->nfindings; k++) {
        const struct medsec_scan_finding *f = &r->findings[k];
        for (size_t m = 0; m < f->nmatches; m++) {
            const struct medsec_scan_match *x = &f->matches[m];
            if (x->method != MEDSEC_SCAN_BY_DERIVED_CPE || !x->derived_cpe)
                continue;
            /* once per component and CPE: findings are sorted by component */
            bool seen = false;
            for (size_t j = k; j-- > 0 && r->findings[j].component == f->component && !seen;)
                for (size_t q = 0; q < r->findings[j].nmatches && !seen; q++)
                    seen = r->findings[j].matches[q].derived_cpe &&
                           strcmp(r->findings[j].matches[q].derived_cpe, x->derived_cpe) == 0;
            for (size_t q = 0; q < m && !seen; q++)
                seen = f->matches[q].derived_cpe &&
                       strcmp(f->matches[q].derived_cpe, x->derived_cpe) == 0;
            if (seen)
                continue;
            if (!header)
                fprintf(out, "\n  derived CPEs (the SBOM gives these components none):\n");
            header = true;
            const struct medsec_sbom_component *c = &t->sbom->components[f->component];
            fprintf(out, "    %s%s%s: %s from %s\n", cli_esc(c->name), c->version ? " " : "",
                    c->version ? cli_esc(c->version) : "", cli_esc(x->derived_cpe),
                    cli_esc(x->evidence));
        }
    }
}

/* Low counts None too; what has no score is "unscored". */
#define TOTAL_LOW(t) ((t).by_severity[MEDSEC_CVSS_SEV_LOW] + (t).by_severity[MEDSEC_CVSS_SEV_NONE])
#define TOTAL(t, sev) ((t).by_severity[MEDSEC_CVSS_SEV_##sev])

/* One line per release of a device when the scan covered more than one: what each version in the
 * field carries. Targets of one release are next to each other. */
static int print_releases(FILE *out, const struct medsec_scan_plan *p)
{
    size_t n = medsec_scan_plan_count(p), groups = 0;
    for (size_t i = 0; i < n; i++) {
        const struct medsec_scan_target *t = medsec_scan_plan_target(p, i);
        groups +=
            t->version &&
            (i == 0 || !medsec_scan_target_same_release(medsec_scan_plan_target(p, i - 1), t));
    }
    if (groups < 2)
        return 0;
    static const char *const hdr[] = {"DEVICE",     "VERSION",   "SUPPORT",    "SBOMS",
                                      "COMPONENTS", "UNCHECKED", "VULNERABLE", "FINDINGS",
                                      "CRITICAL",   "HIGH",      "KEV"};
    struct cli_table tab;
    if (cli_table_init(&tab, 11, hdr))
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && !rc;) {
        const struct medsec_scan_target *t = medsec_scan_plan_target(p, i);
        size_t j = i + 1;
        while (j < n && medsec_scan_target_same_release(t, medsec_scan_plan_target(p, j)))
            j++;
        if (!t->version) {
            i = j;
            continue;
        }
        struct medsec_scan_totals tt = {0};
        for (size_t k = i; k < j; k++)
            medsec_scan_totals_add(&tt, &medsec_scan_plan_target(p, k)->result);
        char ver[160], nsb[24], comp[24], unc[24], vul[24], fin[24], crit[24], high[24], kev[24];
        snprintf(ver, sizeof ver, "%s%s", t->version, t->current ? " *" : "");
        snprintf(nsb, sizeof nsb, "%zu", j - i);
        snprintf(comp, sizeof comp, "%zu", tt.components);
        snprintf(unc, sizeof unc, "%zu", tt.unchecked);
        snprintf(vul, sizeof vul, "%zu", tt.vulnerable);
        snprintf(fin, sizeof fin, "%zu", tt.findings);
        snprintf(crit, sizeof crit, "%zu", TOTAL(tt, CRITICAL));
        snprintf(high, sizeof high, "%zu", TOTAL(tt, HIGH));
        snprintf(kev, sizeof kev, "%zu", tt.kev);
        const char *row[] = {t->device ? t->device : "-",
                             ver,
                             medsec_support_level_name(t->support),
                             nsb,
                             comp,
                             unc,
                             vul,
                             fin,
                             crit,
                             high,
                             kev};
        rc = cli_table_add(&tab, row);
        i = j;
    }
    if (!rc) {
        fputs("\nReleases (* current)\n", out);
        cli_table_print(&tab, out);
    }
    cli_table_release(&tab);
    return rc ? -1 : 0;
}

/* What the manufacturer's assessment changed in a target: findings it takes out (not affected,
 * fixed) and that the CVSS shown for the others is the file's. */
static void print_assessed(FILE *out, const struct medsec_scan_target *t)
{
    char today[11];
    cli_today(today);
    /* components of this SBOM whose support ended (the security file's component_support) */
    for (size_t k = 0; t->model && k < t->model->ncomponent_support; k++) {
        const struct medsec_model_component_support *c = &t->model->component_support[k];
        if (!c->sbom || !t->model_sbom || strcmp(c->sbom, t->model_sbom) ||
            !medsec_model_component_ended(c, today))
            continue;
        const struct medsec_sbom_component *sc = NULL;
        for (size_t i = 0; i < t->sbom->ncomponents && !sc; i++)
            if (t->sbom->components[i].ref && !strcmp(t->sbom->components[i].ref, c->component))
                sc = &t->sbom->components[i];
        fprintf(out, "  past end of support: %s",
                cli_esc(sc && sc->name ? sc->name : c->component));
        fprintf(out, "%s%s (%s), support %s, ended %s\n", sc && sc->version ? " " : "",
                sc && sc->version ? cli_esc(sc->version) : "", cli_esc(c->component),
                medsec_support_level_name(c->support), c->end_of_support);
    }
    size_t own = 0;
    for (size_t k = 0; k < t->result.nfindings; k++)
        own += t->result.findings[k].vuln->cvss_source &&
               !strncmp(t->result.findings[k].vuln->cvss_source, "security file", 13);
    if (own)
        fprintf(out,
                "  %zu finding%s scored with the manufacturer's CVSS (the security file's "
                "assessment wins over the feed's)\n",
                own, own == 1 ? "" : "s");
    for (size_t k = 0; k < t->nassessed; k++) {
        const struct medsec_scan_assessed *a = &t->assessed[k];
        const struct medsec_sbom_component *c = &t->sbom->components[a->component];
        const char *j = medsec_vex_justification_name(a->assessment->justification);
        fprintf(out, "  left out: %s in %s", cli_esc(a->id), cli_esc(c->name ? c->name : c->ref));
        fprintf(out, "%s%s: the security file assesses it %s%s%s%s\n", c->version ? " " : "",
                c->version ? cli_esc(c->version) : "",
                medsec_vuln_status_name(a->assessment->status), j ? " (" : "", j ? j : "",
                j ? ")" : "");
    }
}

static int print_text(FILE *out, const struct medsec_scan_plan *p)
{
    static const char *const hdr[] = {"COMPONENT", "VERSION", "VULNERABILITY", "SEVERITY",  "CVSS",
                                      "KEV",       "EPSS",    "FIXED IN",      "MATCHED BY"};
    struct medsec_scan_totals all = {0};
    size_t n = medsec_scan_plan_count(p);
    for (size_t i = 0; i < n; i++) {
        const struct medsec_scan_target *t = medsec_scan_plan_target(p, i);
        const struct medsec_scan_result *r = &t->result;
        struct medsec_scan_totals tt = {0};
        medsec_scan_totals_add(&tt, r);
        fprintf(out, "%s%s\n", i ? "\n" : "", cli_esc(t->label));
        char derived[64] = "";
        if (r->by_derived_cpe)
            snprintf(derived, sizeof derived, ", %zu with a derived CPE", r->by_derived_cpe);
        fprintf(
            out,
            "  %zu components (%zu with purl, %zu with CPE%s, %zu with neither); %zu vulnerable; "
            "%zu findings (%zu critical, %zu high, %zu medium, %zu low, %zu unscored; %zu in KEV; "
            "%zu need review)\n",
            r->components, r->by_purl, r->by_cpe, derived, r->unidentified,
            r->vulnerable_components, tt.findings, TOTAL(tt, CRITICAL), TOTAL(tt, HIGH),
            TOTAL(tt, MEDIUM), TOTAL_LOW(tt), TOTAL(tt, UNKNOWN), tt.kev, tt.review);
        char *cov = coverage_line(r);
        if (!cov)
            return EXIT_INTERNAL;
        fprintf(out, "  coverage: %s\n", cli_esc(cov));
        medsec_free(cov);
        if (r->platform_unmet)
            fprintf(
                out,
                "  %zu NVD configurations not counted: their running-on platform is not in the SBOM "
                "(--any-platform counts them)\n",
                r->platform_unmet);
        if (r->nfindings) {
            struct cli_table tab;
            if (cli_table_init(&tab, 9, hdr))
                return EXIT_INTERNAL;
            for (size_t k = 0; k < r->nfindings; k++) {
                const struct medsec_scan_finding *f = &r->findings[k];
                const struct medsec_scan_vuln *v = f->vuln;
                const struct medsec_sbom_component *comp = &t->sbom->components[f->component];
                char score[16] = "-", epss[16] = "-", fixed[256], match[512], id[300];
                if (v->cvss_score >= 0)
                    snprintf(score, sizeof score, "%.1f", v->cvss_score);
                if (v->has_epss)
                    snprintf(epss, sizeof epss, "%.3f", v->epss);
                join(f->fixed, f->nfixed, 3, fixed, sizeof fixed);
                snprintf(id, sizeof id, "%s%s", v->id, f->withdrawn ? " (withdrawn)" : "");
                const char *cells[9] = {comp->name,
                                        comp->version,
                                        id,
                                        medsec_cvss_severity_name(v->severity),
                                        score,
                                        v->kev ? "yes" : "-",
                                        epss,
                                        fixed[0] ? fixed : "-",
                                        match_text(f, match, sizeof match)};
                if (cli_table_add(&tab, cells)) {
                    cli_table_release(&tab);
                    return EXIT_INTERNAL;
                }
            }
            fputc('\n', out);
            cli_table_print(&tab, out);
            cli_table_release(&tab);
            print_derived(out, t);
        }
        print_assessed(out, t);
        medsec_scan_totals_add(&all, r);
    }
    if (print_releases(out, p))
        return EXIT_INTERNAL;
    if (n > 1)
        fprintf(
            out,
            "\n%zu SBOMs: %zu components (%zu not checked), %zu vulnerable, %zu findings (%zu critical, %zu high, %zu in KEV)\n",
            n, all.components, all.unchecked, all.vulnerable, all.findings, TOTAL(all, CRITICAL),
            TOTAL(all, HIGH), all.kev);
    return EXIT_OK_;
}

/* ---- JSON ---- */

static void json_report(struct medsec_jsonw *w, const struct medsec_scan_plan *p,
                        const struct medsec_db_status *st)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_int(w, "medsec_scan", 1);
    medsec_jsonw_key(w, "database");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_int(w, "schema_version", st->schema_version);
    medsec_jsonw_kv_string(w, "last_import", st->last_import[0] ? st->last_import : NULL);
    medsec_jsonw_kv_string(w, "last_update", st->last_update[0] ? st->last_update : NULL);
    medsec_jsonw_object_end(w);
    struct medsec_scan_totals all = {0};
    size_t n = medsec_scan_plan_count(p);
    medsec_jsonw_key(w, "targets");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < n; i++) {
        const struct medsec_scan_target *t = medsec_scan_plan_target(p, i);
        const struct medsec_scan_result *r = &t->result;
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "sbom", t->path);
        medsec_jsonw_kv_string(w, "device", t->device);
        medsec_jsonw_kv_string(w, "version", t->version);
        medsec_jsonw_kv_bool(w, "current", t->current);
        medsec_jsonw_kv_string(w, "support",
                               t->version ? medsec_support_level_name(t->support) : NULL);
        medsec_jsonw_kv_string(w, "format", medsec_sbom_format_name(t->sbom->format));
        medsec_jsonw_kv_string(w, "subject", t->sbom->subject);
        medsec_jsonw_kv_int(w, "components", (long long)r->components);
        medsec_jsonw_kv_int(w, "with_purl", (long long)r->by_purl);
        medsec_jsonw_kv_int(w, "with_cpe", (long long)r->by_cpe);
        medsec_jsonw_kv_int(w, "unidentified", (long long)r->unidentified);
        medsec_jsonw_kv_int(w, "vulnerable_components", (long long)r->vulnerable_components);
        medsec_jsonw_kv_int(w, "platform_unmet", (long long)r->platform_unmet);
        medsec_jsonw_kv_int(w, "unorderable", (long long)r->unorderable);
        medsec_jsonw_key(w, "coverage");
        medsec_scan_coverage_json(w, r);
        medsec_jsonw_key(w, "findings");
        medsec_jsonw_array_begin(w);
        for (size_t k = 0; k < r->nfindings; k++)
            medsec_scan_finding_json(w, t->sbom, &r->findings[k]);
        medsec_jsonw_array_end(w);
        medsec_jsonw_key(w, "assessed_not_affecting");
        medsec_jsonw_array_begin(w);
        for (size_t k = 0; k < t->nassessed; k++) {
            const struct medsec_scan_assessed *a = &t->assessed[k];
            medsec_jsonw_object_begin(w);
            medsec_jsonw_key(w, "component");
            medsec_sbom_component_json(w, t->sbom, a->component);
            medsec_jsonw_kv_string(w, "id", a->id);
            medsec_jsonw_kv_string(w, "status", medsec_vuln_status_name(a->assessment->status));
            medsec_jsonw_kv_string(w, "justification",
                                   medsec_vex_justification_name(a->assessment->justification));
            medsec_jsonw_kv_string(w, "rationale", a->assessment->rationale);
            medsec_jsonw_object_end(w);
        }
        medsec_jsonw_array_end(w);
        medsec_jsonw_object_end(w);
        medsec_scan_totals_add(&all, r);
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_key(w, "summary");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_int(w, "sboms", (long long)n);
    medsec_jsonw_kv_int(w, "components", (long long)all.components);
    medsec_jsonw_kv_int(w, "checked_components", (long long)all.checked);
    medsec_jsonw_kv_int(w, "unchecked_components", (long long)all.unchecked);
    medsec_jsonw_kv_int(w, "vulnerable_components", (long long)all.vulnerable);
    medsec_jsonw_kv_int(w, "findings", (long long)all.findings);
    medsec_jsonw_kv_int(w, "critical", (long long)TOTAL(all, CRITICAL));
    medsec_jsonw_kv_int(w, "high", (long long)TOTAL(all, HIGH));
    medsec_jsonw_kv_int(w, "medium", (long long)TOTAL(all, MEDIUM));
    medsec_jsonw_kv_int(w, "low", (long long)TOTAL_LOW(all));
    medsec_jsonw_kv_int(w, "unscored", (long long)TOTAL(all, UNKNOWN));
    medsec_jsonw_kv_int(w, "kev", (long long)all.kev);
    medsec_jsonw_kv_int(w, "review", (long long)all.review);
    medsec_jsonw_object_end(w);
    medsec_jsonw_object_end(w);
}

/* ---- SARIF 2.1.0 ---- */

static const char *sarif_level(const struct medsec_scan_finding *f)
{
    if (f->vuln->kev)
        return "error";
    switch (f->vuln->severity) {
    case MEDSEC_CVSS_SEV_CRITICAL:
    case MEDSEC_CVSS_SEV_HIGH: return "error";
    case MEDSEC_CVSS_SEV_MEDIUM:
    case MEDSEC_CVSS_SEV_UNKNOWN: return "warning";
    case MEDSEC_CVSS_SEV_LOW:
    case MEDSEC_CVSS_SEV_NONE: return "note";
    }
    return "note";
}

#define SARIF_COVERAGE_ID "MEDSEC-COVERAGE"

/* The run's invocation with one notification per SBOM saying what its scan checked (SARIF 2.1.0
 * 3.20.21, toolExecutionNotifications): level "note" when every component was checked, else
 * "warning", or "error" under --fail-unchecked (a consumer then knows the results are not complete,
 * SARIF appendix I). False when memory ran out. */
static bool sarif_invocation(struct medsec_jsonw *w, const struct medsec_scan_plan *p,
                             bool fail_unchecked, struct medsec_buf *uri)
{
    bool ok = true;
    medsec_jsonw_key(w, "invocations");
    medsec_jsonw_array_begin(w);
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_bool(w, "executionSuccessful", true);
    medsec_jsonw_key(w, "toolExecutionNotifications");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < medsec_scan_plan_count(p); i++) {
        const struct medsec_scan_target *t = medsec_scan_plan_target(p, i);
        const struct medsec_scan_result *r = &t->result;
        char *cov = coverage_line(r);
        struct medsec_buf msg = MEDSEC_BUF_INIT;
        ok &= cov && !medsec_buf_addf(&msg, "%s%s%s%s%s: coverage: %s",
                                      t->version ? (t->device ? t->device : "version") : "",
                                      t->version ? " " : "", t->version ? t->version : "",
                                      t->version ? ", " : "", t->path, cov ? cov : "");
        medsec_free(cov);
        medsec_jsonw_object_begin(w);
        medsec_jsonw_key(w, "descriptor");
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "id", SARIF_COVERAGE_ID);
        medsec_jsonw_object_end(w);
        medsec_jsonw_kv_string(w, "level",
                               !r->unchecked    ? "note"
                               : fail_unchecked ? "error"
                                                : "warning");
        medsec_jsonw_key(w, "message");
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "text", msg.data);
        medsec_jsonw_object_end(w);
        medsec_buf_release(&msg);
        medsec_jsonw_key(w, "locations");
        medsec_jsonw_array_begin(w);
        medsec_jsonw_object_begin(w);
        medsec_jsonw_key(w, "physicalLocation");
        medsec_jsonw_object_begin(w);
        medsec_jsonw_key(w, "artifactLocation");
        medsec_jsonw_object_begin(w);
        const char *u = cli_sarif_uri(uri, t->path);
        ok &= u != NULL;
        medsec_jsonw_kv_string(w, "uri", u ? u : "");
        medsec_jsonw_object_end(w);
        medsec_jsonw_object_end(w);
        medsec_jsonw_object_end(w);
        medsec_jsonw_array_end(w);
        medsec_jsonw_key(w, "properties");
        medsec_jsonw_object_begin(w);
        if (t->version) {
            medsec_jsonw_kv_string(w, "device", t->device);
            medsec_jsonw_kv_string(w, "version", t->version);
        }
        medsec_jsonw_key(w, "coverage");
        medsec_scan_coverage_json(w, r);
        medsec_jsonw_object_end(w);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
    medsec_jsonw_array_end(w);
    return ok;
}

/* The report; false when memory ran out. */
static bool sarif_report(struct medsec_jsonw *w, const struct medsec_scan_plan *p,
                         bool fail_unchecked)
{
    struct medsec_buf uri = MEDSEC_BUF_INIT;
    bool ok = true;
    cli_sarif_begin(w, "medsec");
    /* one rule per vulnerability id, in first-seen order */
    size_t n = medsec_scan_plan_count(p);
    for (size_t i = 0; i < n; i++) {
        const struct medsec_scan_result *r = &medsec_scan_plan_target(p, i)->result;
        for (size_t k = 0; k < r->nfindings; k++) {
            const struct medsec_scan_vuln *v = r->findings[k].vuln;
            bool seen = false;
            for (size_t a = 0; a <= i && !seen; a++) {
                const struct medsec_scan_result *ra = &medsec_scan_plan_target(p, a)->result;
                size_t lim = a == i ? k : ra->nfindings;
                for (size_t b = 0; b < lim && !seen; b++)
                    seen = strcmp(ra->findings[b].vuln->id, v->id) == 0;
            }
            if (seen)
                continue;
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "id", v->id);
            medsec_jsonw_key(w, "shortDescription");
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "text", v->id);
            medsec_jsonw_object_end(w);
            if (v->summary) {
                medsec_jsonw_key(w, "fullDescription");
                medsec_jsonw_object_begin(w);
                medsec_jsonw_kv_string(w, "text", v->summary);
                medsec_jsonw_object_end(w);
            }
            medsec_jsonw_key(w, "properties");
            medsec_jsonw_object_begin(w);
            if (v->cvss_score >= 0) {
                char s[16];
                snprintf(s, sizeof s, "%.1f", v->cvss_score);
                medsec_jsonw_kv_string(w, "security-severity", s);
                medsec_jsonw_kv_string(w, "cvssVector", v->cvss_vector);
            }
            medsec_jsonw_kv_strings(w, "aliases", v->aliases, v->naliases);
            medsec_jsonw_key(w, "tags");
            medsec_jsonw_array_begin(w);
            medsec_jsonw_string(w, "security");
            medsec_jsonw_string(w, "vulnerability");
            medsec_jsonw_array_end(w);
            medsec_jsonw_object_end(w);
            medsec_jsonw_object_end(w);
        }
    }
    medsec_jsonw_array_end(w);
    /* the one notification a scan gives: what each SBOM's scan checked (docs/scan.md) */
    medsec_jsonw_key(w, "notifications");
    medsec_jsonw_array_begin(w);
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "id", SARIF_COVERAGE_ID);
    medsec_jsonw_key(w, "shortDescription");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "text",
                           "Coverage: which components were checked against which sources, and "
                           "which could not be checked and why");
    medsec_jsonw_object_end(w);
    medsec_jsonw_object_end(w);
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
    medsec_jsonw_object_end(w);
    medsec_jsonw_key(w, "results");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < n; i++) {
        const struct medsec_scan_target *t = medsec_scan_plan_target(p, i);
        for (size_t k = 0; k < t->result.nfindings; k++) {
            const struct medsec_scan_finding *f = &t->result.findings[k];
            const struct medsec_scan_vuln *v = f->vuln;
            const struct medsec_sbom_component *comp = &t->sbom->components[f->component];
            char msg[1024], fixed[256], alias[300] = "";
            join(f->fixed, f->nfixed, 5, fixed, sizeof fixed);
            bool from_alias = medsec_scan_score_from_alias(f);
            if (from_alias)
                snprintf(alias, sizeof alias, " from alias record %s:%s", v->cvss_record_source,
                         v->cvss_record);
            char release[300] = "";
            if (t->version)
                snprintf(release, sizeof release, "%s %s: ", t->device ? t->device : "version",
                         t->version);
            snprintf(msg, sizeof msg, "%s%s %s is affected by %s (%s%s%s%s)%s%s%s%s", release,
                     comp->name ? comp->name : "?", comp->version ? comp->version : "", v->id,
                     medsec_cvss_severity_name(v->severity), v->cvss_score >= 0 ? ", CVSS " : "",
                     v->cvss_score >= 0 ? v->cvss_vector : "", alias,
                     v->kev ? "; known exploited (CISA KEV)" : "", fixed[0] ? "; fixed in " : "",
                     fixed, f->review ? "; the advisory's range needs review" : "");
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "ruleId", v->id);
            medsec_jsonw_kv_string(w, "level", sarif_level(f));
            medsec_jsonw_key(w, "message");
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "text", msg);
            medsec_jsonw_object_end(w);
            medsec_jsonw_key(w, "locations");
            medsec_jsonw_array_begin(w);
            medsec_jsonw_object_begin(w);
            medsec_jsonw_key(w, "physicalLocation");
            medsec_jsonw_object_begin(w);
            medsec_jsonw_key(w, "artifactLocation");
            medsec_jsonw_object_begin(w);
            const char *u = cli_sarif_uri(&uri, t->path);
            ok &= u != NULL;
            medsec_jsonw_kv_string(w, "uri", u ? u : "");
            medsec_jsonw_object_end(w);
            if (comp->line) {
                medsec_jsonw_key(w, "region");
                medsec_jsonw_object_begin(w);
                medsec_jsonw_kv_int(w, "startLine", comp->line);
                if (comp->column)
                    medsec_jsonw_kv_int(w, "startColumn", comp->column);
                medsec_jsonw_object_end(w);
            }
            medsec_jsonw_object_end(w);
            medsec_jsonw_key(w, "logicalLocations");
            medsec_jsonw_array_begin(w);
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "name", comp->name);
            medsec_jsonw_kv_string(w, "fullyQualifiedName", comp->purl ? comp->purl : comp->ref);
            medsec_jsonw_kv_string(w, "kind", "package");
            medsec_jsonw_object_end(w);
            medsec_jsonw_array_end(w);
            medsec_jsonw_object_end(w);
            medsec_jsonw_array_end(w);
            /* one finding per release: an SBOM shared by releases gives one result for each */
            char print[1024];
            snprintf(print, sizeof print, "%s|%s|%s|%s|%s", t->device ? t->device : "",
                     t->version ? t->version : "", t->path, comp->ref ? comp->ref : "", v->id);
            medsec_jsonw_key(w, "partialFingerprints");
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "medsecFinding/v1", print);
            medsec_jsonw_object_end(w);
            medsec_jsonw_key(w, "properties");
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "component", comp->ref);
            if (t->version) {
                medsec_jsonw_kv_string(w, "device", t->device);
                medsec_jsonw_kv_string(w, "version", t->version);
            }
            medsec_jsonw_kv_bool(w, "kev", v->kev);
            if (v->cvss_score >= 0 && v->cvss_record) {
                char rec[300];
                snprintf(rec, sizeof rec, "%s:%s", v->cvss_record_source, v->cvss_record);
                medsec_jsonw_kv_string(w, "cvssRecord", rec);
                medsec_jsonw_kv_bool(w, "cvssFromAlias", from_alias);
            }
            if (v->has_epss) {
                medsec_jsonw_key(w, "epss");
                medsec_jsonw_double(w, v->epss);
            }
            medsec_jsonw_kv_bool(w, "review", f->review);
            medsec_jsonw_key(w, "matches");
            medsec_jsonw_array_begin(w);
            for (size_t m = 0; m < f->nmatches; m++) {
                char s[1024];
                const struct medsec_scan_match *x = &f->matches[m];
                if (x->derived_cpe)
                    snprintf(s, sizeof s, "%s %s:%s %s: %s; derived %s from %s",
                             medsec_scan_method_name(x->method), x->source, x->record_id, x->key,
                             x->reason, x->derived_cpe, x->evidence);
                else
                    snprintf(s, sizeof s, "%s %s:%s %s: %s", medsec_scan_method_name(x->method),
                             x->source, x->record_id, x->key, x->reason);
                medsec_jsonw_string(w, s);
            }
            medsec_jsonw_array_end(w);
            medsec_jsonw_object_end(w);
            medsec_jsonw_object_end(w);
        }
    }
    medsec_jsonw_array_end(w);
    ok &= sarif_invocation(w, p, fail_unchecked, &uri);
    medsec_jsonw_object_end(w);
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
    medsec_buf_release(&uri);
    return ok;
}

/* ---- main ---- */

static int parse_paths(const char *list, unsigned *flags)
{
    unsigned want = 0;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        enum medsec_scan_method m;
        if (!medsec_scan_method_parse(tok, &m))
            return cli_usage_error(
                "scan", "--paths: unknown path '%s' (purl, cpe, cpe-derived, product)", tok);
        want |= medsec_scan_method_skip_flag(m);
    }
    if (!want)
        return cli_usage_error("scan",
                               "--paths: name at least one of purl, cpe, cpe-derived, product");
    *flags |= (MEDSEC_SCAN_NO_PURL | MEDSEC_SCAN_NO_CPE | MEDSEC_SCAN_NO_DERIVED_CPE |
               MEDSEC_SCAN_NO_PRODUCT) &
              ~want;
    return EXIT_OK_;
}

static void on_progress(void *ud, uint64_t done, uint64_t total)
{
    (void)total;
    cli_progress_update(ud, done);
}

/* Build the whole report in @b: JSON, SARIF or text. */
static int report(struct medsec_buf *b, int format, const struct medsec_scan_plan *p,
                  struct medsec_db *db, bool fail_unchecked)
{
    if (format == CLI_TEXT) {
        char *text = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&text, &len);
        if (!mem)
            return EXIT_INTERNAL;
        int ex = print_text(mem, p);
        if (fclose(mem) != 0 && !ex)
            ex = EXIT_INTERNAL;
        if (!ex && medsec_buf_add(b, text, len))
            ex = EXIT_INTERNAL;
        free(text); /* open_memstream's buffer comes from the C library */
        return ex;
    }
    struct medsec_db_status dst;
    memset(&dst, 0, sizeof dst);
    dst.schema_version = MEDSEC_DB_SCHEMA_VERSION;
    struct medsec_error err;
    medsec_err rc;
    if (format == CLI_JSON && (rc = medsec_db_freshness(db, &dst, &err)) != MEDSEC_OK)
        return cli_fail(&err, rc);
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, b, 1);
    bool ok = true;
    if (format == CLI_JSON)
        json_report(&w, p, &dst);
    else
        ok = sarif_report(&w, p, fail_unchecked);
    if (medsec_jsonw_finish(&w) || !ok) {
        fputs("medsec scan: out of memory\n", stderr);
        return EXIT_INTERNAL;
    }
    return EXIT_OK_;
}

int cmd_scan(int argc, char **argv)
{
    int format = CLI_TEXT;
    const char *dbpath = NULL, *output = NULL, *paths = NULL, *cpe_map_path = NULL;
    bool any_platform = false, withdrawn = false, fail_unchecked = false;
    const struct cli_option opts[] = {
        CLI_OPT_DB(&dbpath),
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL, "print the findings as JSON"},
        {0, "sarif", CLI_OPT_FORMAT, &format, CLI_SARIF, NULL, "print the findings as SARIF 2.1.0"},
        CLI_OPT_OUTPUT(&output),
        {0, "paths", CLI_OPT_STRING, &paths, 0, "LIST",
         "comma-separated subset of purl,cpe,cpe-derived,product (default all\nfour)"},
        {0, "cpe-map", CLI_OPT_STRING, &cpe_map_path, 0, "FILE",
         "read this map of C/C++ package names and URLs to CPE vendor:product\nbefore the built-in one, instead of device.yaml's cpe_map (docs/scan.md,\nDerived CPEs)"},
        {0, "any-platform", CLI_OPT_FLAG, &any_platform, 0, NULL,
         "count running-on platforms of NVD AND configurations as present even\nwhen the SBOM does not list them"},
        {0, "withdrawn", CLI_OPT_FLAG, &withdrawn, 0, NULL,
         "also report withdrawn / rejected vulnerabilities"},
        {0, "fail-unchecked", CLI_OPT_FLAG, &fail_unchecked, 0, NULL,
         "exit 1 when a component could not be checked (no advisory data for its\necosystem, no purl or CPE, unknown purl type), as a finding would"},
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "scan",
        .usage = "medsec scan [--db PATH] [--json | --sarif] [-o FILE] [options] SBOM|DIR...",
        .about =
            "Match the components of SBOMs (CycloneDX or SPDX JSON) against the local vulnerability\n"
            "database (`medsec db import` / `medsec db update` fill it). A DIR is a device folder: every\n"
            "SBOM of every version its device.yaml lists is scanned.\n"
            "\n"
            "Components match by purl (same type, namespace and name; versions ordered by the ecosystem's\n"
            "own rules), by CPE (vendor:product, version ranges, AND configurations with running-on\n"
            "platforms), and CSAF products that give neither by product name plus vendor. Never by a bare\n"
            "package name. C/C++ components (conan, generic, Yocto recipes) and components without a\n"
            "purl that carry no CPE get CPEs derived from their exact package name in a CPE map or from\n"
            "their download, website or VCS URL (the NVD CPE dictionary's product references); every\n"
            "such match says which CPE was derived from what (path cpe-derived).\n",
        .opts = opts,
        .more =
            "Every report says which components were checked against which sources and which\n"
            "could not be checked, and why (coverage).\n"
            "\n"
            "Exit codes: 0 no vulnerability found, 1 vulnerabilities found (findings that only need\n"
            "review count too; with --fail-unchecked also components not checked), 2 bad usage, an\n"
            "unreadable SBOM or device folder, or a database that cannot be used (none, damaged, no\n"
            "import completed), 3 a database busy or failing while working, or an internal error.\n",
        .min_args = 1,
        .missing = "give at least one SBOM file or device folder",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    struct medsec_scan_opts sopts = {0};
    if (paths && (ex = parse_paths(paths, &sopts.flags)) != EXIT_OK_)
        return ex;
    sopts.flags |=
        (any_platform ? MEDSEC_SCAN_ANY_PLATFORM : 0) | (withdrawn ? MEDSEC_SCAN_WITHDRAWN : 0);

    struct medsec_scan_plan *p = NULL;
    struct medsec_db *db = NULL;
    struct medsec_cpemap *map = NULL;
    char *owned_db = NULL;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_error err;
    medsec_err rc = medsec_scan_plan_new(cli_context(), &p, &err);
    if (!rc && cpe_map_path && !(rc = medsec_cpemap_load(cpe_map_path, &map, &err)))
        sopts.cpe_map = map;
    for (int i = 0; i < nargs && !rc; i++) {
        struct medsec_diags diags = MEDSEC_DIAGS_INIT;
        rc = medsec_scan_plan_add(p, args[i], &diags, &err);
        cli_print_diags(stderr, &diags);
        medsec_diags_release(&diags);
    }
    if (rc) {
        ex = cli_fail(&err, rc);
        goto out;
    }
    if ((ex = cli_open_vulndb("scan", dbpath, &db, &owned_db)) != EXIT_OK_)
        goto out;
    struct cli_progress bar;
    size_t failed = 0;
    cli_progress_start(&bar, "scanning", medsec_scan_plan_components(p));
    rc = medsec_scan_plan_run(p, db, &sopts, on_progress, &bar, &failed, &err);
    cli_progress_finish(&bar);
    bool any = false;
    size_t unchecked = 0;
    for (size_t i = 0; i < medsec_scan_plan_count(p) && (!rc || i <= failed); i++) {
        const struct medsec_scan_target *t = medsec_scan_plan_target(p, i);
        cli_print_diags(stderr, &t->notes);
        if (t->notes.dropped)
            fprintf(stderr, "medsec scan: %s: %zu more warnings not shown\n", cli_esc(t->path),
                    t->notes.dropped);
        any |= t->result.nfindings > 0;
        unchecked += t->result.unchecked;
    }
    if (rc) {
        ex = cli_fail(&err, rc);
        goto out;
    }
    if ((ex = report(&b, format, p, db, fail_unchecked)) != EXIT_OK_)
        goto out;
    struct cli_output out;
    if ((ex = cli_output_open(&out, output)) != EXIT_OK_)
        goto out;
    ex = fwrite(b.data, 1, b.len, out.f) == b.len ? EXIT_OK_ : EXIT_INTERNAL;
    if (!ex && any)
        ex = EXIT_FINDINGS;
    if ((!ex || ex == EXIT_FINDINGS) && fail_unchecked && unchecked) {
        fprintf(stderr, "medsec scan: %zu component%s not checked (--fail-unchecked)\n", unchecked,
                unchecked == 1 ? "" : "s");
        ex = EXIT_FINDINGS;
    }
    ex = cli_output_close(&out, ex);
out:
    medsec_buf_release(&b);
    medsec_db_close(db);
    medsec_free(owned_db);
    medsec_scan_plan_free(p);
    medsec_cpemap_free(map);
    return ex;
}
