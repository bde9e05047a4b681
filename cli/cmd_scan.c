/* cmd_scan.c: `medsec scan SBOM|DIR...`: match SBOM components against the local vulnerability database
 * and report the findings as a table, JSON or SARIF 2.1.0. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/db.h"
#include "medsec/file.h"
#include "medsec/json.h"
#include "medsec/model.h"
#include "medsec/scan.h"

static void scan_usage(FILE *out)
{
    fputs("usage: medsec scan [--db PATH] [--json | --sarif] [-o FILE] [options] SBOM|DIR...\n"
          "\n"
          "Match the components of SBOMs (CycloneDX or SPDX JSON) against the local vulnerability\n"
          "database (`medsec db import` / `medsec db update` fill it). A DIR is a device folder: every\n"
          "SBOM of every version its device.yaml lists is scanned.\n"
          "\n"
          "Components match by purl (same type, namespace and name; versions ordered by the ecosystem's\n"
          "own rules), by CPE (vendor:product, version ranges, AND configurations with running-on\n"
          "platforms), and CSAF products that give neither by product name plus vendor. Never by a bare\n"
          "package name.\n"
          "\n"
          "  --db PATH          database file (default $XDG_DATA_HOME/medsec/vulndb.sqlite or\n"
          "                     ~/.local/share/medsec/vulndb.sqlite)\n"
          "  --json             print the findings as JSON\n"
          "  --sarif            print the findings as SARIF 2.1.0\n"
          "  -o, --output FILE  write the report to FILE (atomically) instead of standard output\n"
          "  --paths LIST       comma-separated subset of purl,cpe,product (default all three)\n"
          "  --any-platform     count running-on platforms of NVD AND configurations as present even\n"
          "                     when the SBOM does not list them\n"
          "  --withdrawn        also report withdrawn / rejected vulnerabilities\n"
          "  -h, --help         show this help\n"
          "\n"
          "Exit codes: 0 no vulnerability found, 1 vulnerabilities found (findings that only need\n"
          "review count too), 2 bad usage, unreadable SBOM or device folder, or no database,\n"
          "3 database or internal error.\n",
          out);
}

/* One SBOM to scan, with the device version it belongs to (NULL for a bare SBOM). */
struct target {
    const char *label;   /* as the user should read it: "examples/x: 3.2.0: sbom/a.json" */
    const char *device, *version, *path;
    const char *support; /* the version's level of support, NULL for a bare SBOM */
    bool current;
    const struct medsec_sbom *sbom;
    struct medsec_scan_result res;
};

struct ctx {
    struct target *t;
    size_t n, cap;
    struct medsec_sbom **owned_sboms;
    size_t nowned;
    struct medsec_model **models;
    size_t nmodels;
    char **labels;
    size_t nlabels;
};

static struct target *add_target(struct ctx *c)
{
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 8;
        void *p = medsec_realloc(c->t, nc * sizeof *c->t);
        if (!p)
            return NULL;
        c->t = p;
        c->cap = nc;
    }
    struct target *t = &c->t[c->n++];
    memset(t, 0, sizeof *t);
    return t;
}

static const char *keep_label(struct ctx *c, const char *s)
{
    char **p = medsec_realloc(c->labels, (c->nlabels + 1) * sizeof *p);
    if (!p)
        return NULL;
    c->labels = p;
    char *d = medsec_strdup(s);
    if (d)
        c->labels[c->nlabels++] = d;
    return d;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int load_sbom_target(struct ctx *c, const char *path)
{
    struct medsec_diags warn = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    struct medsec_sbom *s = NULL;
    medsec_err rc = medsec_sbom_load(path, NULL, &s, &warn, &err);
    cli_print_diags(stderr, &warn);
    medsec_diags_release(&warn);
    if (rc) {
        cli_print_error(&err);
        return cli_exit_for(rc);
    }
    struct medsec_sbom **o = medsec_realloc(c->owned_sboms, (c->nowned + 1) * sizeof *o);
    struct target *t = o ? (c->owned_sboms = o, add_target(c)) : NULL;
    if (!t) {
        medsec_sbom_free(s);
        fputs("medsec scan: out of memory\n", stderr);
        return EXIT_INTERNAL;
    }
    c->owned_sboms[c->nowned++] = s;
    t->label = path;
    t->path = path;
    t->sbom = s;
    return EXIT_OK_;
}

static int load_device_target(struct ctx *c, const char *dir)
{
    struct medsec_diags diags = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    struct medsec_model *m = NULL;
    medsec_err rc = medsec_model_load(dir, NULL, &m, &diags, &err);
    if (rc) {
        cli_print_diags(stderr, &diags);
        medsec_diags_release(&diags);
        cli_print_error(&err);
        return cli_exit_for(rc);
    }
    medsec_diags_release(&diags);
    struct medsec_model **mm = medsec_realloc(c->models, (c->nmodels + 1) * sizeof *mm);
    if (!mm) {
        medsec_model_free(m);
        return EXIT_INTERNAL;
    }
    c->models = mm;
    c->models[c->nmodels++] = m;
    if (m->nsboms == 0) {
        fprintf(stderr, "medsec scan: %s: the device names no SBOM (items[].sbom, versions[].sboms)\n", dir);
        return EXIT_USAGE;
    }
    /* Every release with its SBOMs: the items' SBOMs describe the current version, versions[].sboms
     * any release. */
    const struct medsec_model_sbom **set = medsec_malloc(m->nsboms * sizeof *set);
    if (!set)
        return EXIT_INTERNAL;
    const char *name = m->device.name ? m->device.name : dir;
    for (size_t vi = 0; vi < m->nversions; vi++) {
        const struct medsec_model_version *v = &m->versions[vi];
        size_t n = medsec_model_version_sboms(m, v, set);
        bool current = m->device.current_version && strcmp(m->device.current_version, v->version) == 0;
        if (n == 0) {
            fprintf(stderr, "medsec scan: %s: version %s names no SBOM (versions[].sboms); not scanned\n", name,
                    v->version);
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            struct target *t = add_target(c);
            if (!t) {
                medsec_free(set);
                return EXIT_INTERNAL;
            }
            char label[1024];
            snprintf(label, sizeof label, "%s: version %s: %s", name, v->version, set[i]->path);
            t->label = keep_label(c, label);
            t->device = m->device.name;
            t->version = v->version;
            t->current = current;
            t->support = medsec_support_level_name(v->support);
            t->path = keep_label(c, set[i]->sbom->path ? set[i]->sbom->path : set[i]->path);
            t->sbom = set[i]->sbom;
            if (!t->label || !t->path) {
                medsec_free(set);
                return EXIT_INTERNAL;
            }
        }
    }
    medsec_free(set);
    return EXIT_OK_;
}

static void ctx_release(struct ctx *c)
{
    for (size_t i = 0; i < c->n; i++)
        medsec_scan_result_release(&c->t[i].res);
    medsec_free(c->t);
    for (size_t i = 0; i < c->nowned; i++)
        medsec_sbom_free(c->owned_sboms[i]);
    medsec_free(c->owned_sboms);
    for (size_t i = 0; i < c->nmodels; i++)
        medsec_model_free(c->models[i]);
    medsec_free(c->models);
    for (size_t i = 0; i < c->nlabels; i++)
        medsec_free(c->labels[i]);
    medsec_free(c->labels);
}

/* ---- text ---- */

static const char *match_text(const struct medsec_scan_finding *f, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < f->nmatches && o + 1 < cap; i++) {
        const struct medsec_scan_match *m = &f->matches[i];
        bool dup = false;
        for (size_t k = 0; k < i; k++)
            dup |= f->matches[k].method == m->method && strcmp(f->matches[k].record_id, m->record_id) == 0;
        if (dup)
            continue;
        int w = snprintf(buf + o, cap - o, "%s%s %s:%s%s", o ? ", " : "", medsec_scan_method_name(m->method),
                         m->source, m->record_id, m->review ? " (review)" : "");
        if (w < 0)
            break;
        o += (size_t)w;
    }
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

struct totals {
    size_t findings, review, kev, components, vulnerable, critical, high, medium, low, unknown;
};

static void count(const struct medsec_scan_result *r, struct totals *t)
{
    t->components += r->components;
    t->vulnerable += r->vulnerable_components;
    for (size_t i = 0; i < r->nfindings; i++) {
        const struct medsec_scan_finding *f = &r->findings[i];
        t->findings++;
        t->review += f->review;
        t->kev += f->vuln->kev;
        switch (f->vuln->severity) {
        case MEDSEC_CVSS_SEV_CRITICAL: t->critical++; break;
        case MEDSEC_CVSS_SEV_HIGH: t->high++; break;
        case MEDSEC_CVSS_SEV_MEDIUM: t->medium++; break;
        case MEDSEC_CVSS_SEV_LOW:
        case MEDSEC_CVSS_SEV_NONE: t->low++; break;
        case MEDSEC_CVSS_SEV_UNKNOWN: t->unknown++; break;
        }
    }
}

static bool same_release(const struct target *a, const struct target *b)
{
    return a->version && b->version && a->device == b->device && strcmp(a->version, b->version) == 0;
}

/* One line per release of a device when the scan covered more than one: what each version in the
 * field carries. Targets of one release are next to each other. */
static int print_releases(FILE *out, const struct ctx *c)
{
    size_t groups = 0;
    for (size_t i = 0; i < c->n; i++)
        groups += c->t[i].version && (i == 0 || !same_release(&c->t[i - 1], &c->t[i]));
    if (groups < 2)
        return 0;
    static const char *const hdr[] = {"DEVICE", "VERSION", "SUPPORT", "SBOMS", "COMPONENTS", "VULNERABLE",
                                      "FINDINGS", "CRITICAL", "HIGH", "KEV"};
    struct cli_table tab;
    if (cli_table_init(&tab, 10, hdr))
        return -1;
    int rc = 0;
    for (size_t i = 0; i < c->n && !rc;) {
        const struct target *t = &c->t[i];
        size_t j = i + 1;
        while (j < c->n && same_release(t, &c->t[j]))
            j++;
        if (!t->version) {
            i = j;
            continue;
        }
        struct totals tt = {0};
        for (size_t k = i; k < j; k++)
            count(&c->t[k].res, &tt);
        char ver[160], nsb[24], comp[24], vul[24], fin[24], crit[24], high[24], kev[24];
        snprintf(ver, sizeof ver, "%s%s", t->version, t->current ? " *" : "");
        snprintf(nsb, sizeof nsb, "%zu", j - i);
        snprintf(comp, sizeof comp, "%zu", tt.components);
        snprintf(vul, sizeof vul, "%zu", tt.vulnerable);
        snprintf(fin, sizeof fin, "%zu", tt.findings);
        snprintf(crit, sizeof crit, "%zu", tt.critical);
        snprintf(high, sizeof high, "%zu", tt.high);
        snprintf(kev, sizeof kev, "%zu", tt.kev);
        const char *row[] = {t->device ? t->device : "-", ver, t->support ? t->support : "-", nsb, comp, vul,
                             fin, crit, high, kev};
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

static int print_text(FILE *out, const struct ctx *c)
{
    static const char *const hdr[] = {"COMPONENT", "VERSION", "VULNERABILITY", "SEVERITY", "CVSS",
                                      "KEV", "EPSS", "FIXED IN", "MATCHED BY"};
    struct totals all = {0};
    for (size_t i = 0; i < c->n; i++) {
        const struct target *t = &c->t[i];
        const struct medsec_scan_result *r = &t->res;
        struct totals tt = {0};
        count(r, &tt);
        fprintf(out, "%s%s\n", i ? "\n" : "", t->label);
        fprintf(out, "  %zu components (%zu with purl, %zu with CPE, %zu with neither); %zu vulnerable; "
                     "%zu findings (%zu critical, %zu high, %zu medium, %zu low, %zu unscored; %zu in KEV; "
                     "%zu need review)\n",
                r->components, r->by_purl, r->by_cpe, r->unidentified, r->vulnerable_components, tt.findings,
                tt.critical, tt.high, tt.medium, tt.low, tt.unknown, tt.kev, tt.review);
        if (r->platform_unmet)
            fprintf(out, "  %zu NVD configurations not counted: their running-on platform is not in the SBOM "
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
                const char *cells[9] = {comp->name, comp->version, id, medsec_cvss_severity_name(v->severity), score,
                                        v->kev ? "yes" : "-", epss, fixed[0] ? fixed : "-",
                                        match_text(f, match, sizeof match)};
                if (cli_table_add(&tab, cells)) {
                    cli_table_release(&tab);
                    return EXIT_INTERNAL;
                }
            }
            fputc('\n', out);
            cli_table_print(&tab, out);
            cli_table_release(&tab);
        }
        count(r, &all);
    }
    if (print_releases(out, c))
        return EXIT_INTERNAL;
    if (c->n > 1)
        fprintf(out, "\n%zu SBOMs: %zu components, %zu vulnerable, %zu findings (%zu critical, %zu high, %zu in KEV)\n",
                c->n, all.components, all.vulnerable, all.findings, all.critical, all.high, all.kev);
    return EXIT_OK_;
}

/* ---- JSON ---- */

static void json_finding(struct medsec_jsonw *w, const struct target *t, const struct medsec_scan_finding *f)
{
    const struct medsec_scan_vuln *v = f->vuln;
    const struct medsec_sbom_component *comp = &t->sbom->components[f->component];
    medsec_jsonw_object_begin(w);
    medsec_jsonw_key(w, "component");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "ref", comp->ref);
    medsec_jsonw_kv_string(w, "name", comp->name);
    medsec_jsonw_kv_string(w, "version", comp->version);
    medsec_jsonw_kv_string(w, "purl", comp->purl);
    medsec_jsonw_key(w, "cpes");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < comp->ncpes; i++)
        medsec_jsonw_string(w, comp->cpes[i]);
    medsec_jsonw_array_end(w);
    medsec_jsonw_kv_int(w, "line", comp->line);
    medsec_jsonw_object_end(w);
    medsec_jsonw_kv_string(w, "id", v->id);
    medsec_jsonw_key(w, "aliases");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < v->naliases; i++)
        medsec_jsonw_string(w, v->aliases[i]);
    medsec_jsonw_array_end(w);
    medsec_jsonw_kv_string(w, "summary", v->summary);
    medsec_jsonw_kv_string(w, "severity", medsec_cvss_severity_name(v->severity));
    medsec_jsonw_key(w, "cvss");
    if (v->cvss_score >= 0) {
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "version", v->cvss_version);
        medsec_jsonw_key(w, "score");
        medsec_jsonw_fixed(w, v->cvss_score, 1);
        medsec_jsonw_kv_string(w, "vector", v->cvss_vector);
        medsec_jsonw_kv_string(w, "source", v->cvss_source);
        medsec_jsonw_object_end(w);
    } else {
        medsec_jsonw_null(w);
    }
    medsec_jsonw_key(w, "kev");
    if (v->kev) {
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "date_added", v->kev_date_added);
        medsec_jsonw_kv_string(w, "due_date", v->kev_due_date);
        medsec_jsonw_kv_string(w, "known_ransomware_use", v->kev_ransomware);
        medsec_jsonw_object_end(w);
    } else {
        medsec_jsonw_null(w);
    }
    medsec_jsonw_key(w, "epss");
    if (v->has_epss) {
        medsec_jsonw_object_begin(w);
        medsec_jsonw_key(w, "score");
        medsec_jsonw_double(w, v->epss);
        medsec_jsonw_key(w, "percentile");
        medsec_jsonw_double(w, v->epss_percentile);
        medsec_jsonw_object_end(w);
    } else {
        medsec_jsonw_null(w);
    }
    medsec_jsonw_key(w, "fixed");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < f->nfixed; i++)
        medsec_jsonw_string(w, f->fixed[i]);
    medsec_jsonw_array_end(w);
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

static void json_report(struct medsec_jsonw *w, const struct ctx *c, const struct medsec_db_status *st)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_int(w, "medsec_scan", 1);
    medsec_jsonw_key(w, "database");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_int(w, "schema_version", st->schema_version);
    medsec_jsonw_kv_string(w, "last_import", st->last_import[0] ? st->last_import : NULL);
    medsec_jsonw_kv_string(w, "last_update", st->last_update[0] ? st->last_update : NULL);
    medsec_jsonw_object_end(w);
    struct totals all = {0};
    medsec_jsonw_key(w, "targets");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < c->n; i++) {
        const struct target *t = &c->t[i];
        const struct medsec_scan_result *r = &t->res;
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "sbom", t->path);
        medsec_jsonw_kv_string(w, "device", t->device);
        medsec_jsonw_kv_string(w, "version", t->version);
        medsec_jsonw_kv_bool(w, "current", t->current);
        medsec_jsonw_kv_string(w, "support", t->support);
        medsec_jsonw_kv_string(w, "format", medsec_sbom_format_name(t->sbom->format));
        medsec_jsonw_kv_string(w, "subject", t->sbom->subject);
        medsec_jsonw_kv_int(w, "components", (long long)r->components);
        medsec_jsonw_kv_int(w, "with_purl", (long long)r->by_purl);
        medsec_jsonw_kv_int(w, "with_cpe", (long long)r->by_cpe);
        medsec_jsonw_kv_int(w, "unidentified", (long long)r->unidentified);
        medsec_jsonw_kv_int(w, "vulnerable_components", (long long)r->vulnerable_components);
        medsec_jsonw_kv_int(w, "platform_unmet", (long long)r->platform_unmet);
        medsec_jsonw_kv_int(w, "unorderable", (long long)r->unorderable);
        medsec_jsonw_key(w, "findings");
        medsec_jsonw_array_begin(w);
        for (size_t k = 0; k < r->nfindings; k++)
            json_finding(w, t, &r->findings[k]);
        medsec_jsonw_array_end(w);
        medsec_jsonw_object_end(w);
        count(r, &all);
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_key(w, "summary");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_int(w, "sboms", (long long)c->n);
    medsec_jsonw_kv_int(w, "components", (long long)all.components);
    medsec_jsonw_kv_int(w, "vulnerable_components", (long long)all.vulnerable);
    medsec_jsonw_kv_int(w, "findings", (long long)all.findings);
    medsec_jsonw_kv_int(w, "critical", (long long)all.critical);
    medsec_jsonw_kv_int(w, "high", (long long)all.high);
    medsec_jsonw_kv_int(w, "medium", (long long)all.medium);
    medsec_jsonw_kv_int(w, "low", (long long)all.low);
    medsec_jsonw_kv_int(w, "unscored", (long long)all.unknown);
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

static void sarif_report(struct medsec_jsonw *w, const struct ctx *c)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    medsec_jsonw_kv_string(w, "version", "2.1.0");
    medsec_jsonw_key(w, "runs");
    medsec_jsonw_array_begin(w);
    medsec_jsonw_object_begin(w);
    medsec_jsonw_key(w, "tool");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_key(w, "driver");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "name", "medsec");
    medsec_jsonw_kv_string(w, "semanticVersion", MEDSEC_VERSION);
    medsec_jsonw_key(w, "rules");
    medsec_jsonw_array_begin(w);
    /* one rule per vulnerability id, in first-seen order */
    for (size_t i = 0; i < c->n; i++) {
        const struct medsec_scan_result *r = &c->t[i].res;
        for (size_t k = 0; k < r->nfindings; k++) {
            const struct medsec_scan_vuln *v = r->findings[k].vuln;
            bool seen = false;
            for (size_t a = 0; a <= i && !seen; a++) {
                const struct medsec_scan_result *ra = &c->t[a].res;
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
            medsec_jsonw_key(w, "aliases");
            medsec_jsonw_array_begin(w);
            for (size_t a = 0; a < v->naliases; a++)
                medsec_jsonw_string(w, v->aliases[a]);
            medsec_jsonw_array_end(w);
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
    medsec_jsonw_object_end(w);
    medsec_jsonw_object_end(w);
    medsec_jsonw_key(w, "results");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < c->n; i++) {
        const struct target *t = &c->t[i];
        for (size_t k = 0; k < t->res.nfindings; k++) {
            const struct medsec_scan_finding *f = &t->res.findings[k];
            const struct medsec_scan_vuln *v = f->vuln;
            const struct medsec_sbom_component *comp = &t->sbom->components[f->component];
            char msg[1024], fixed[256];
            join(f->fixed, f->nfixed, 5, fixed, sizeof fixed);
            char release[300] = "";
            if (t->version)
                snprintf(release, sizeof release, "%s %s: ", t->device ? t->device : "version", t->version);
            snprintf(msg, sizeof msg, "%s%s %s is affected by %s (%s%s%s)%s%s%s%s", release,
                     comp->name ? comp->name : "?", comp->version ? comp->version : "", v->id,
                     medsec_cvss_severity_name(v->severity), v->cvss_score >= 0 ? ", CVSS " : "",
                     v->cvss_score >= 0 ? v->cvss_vector : "", v->kev ? "; known exploited (CISA KEV)" : "",
                     fixed[0] ? "; fixed in " : "", fixed,
                     f->review ? "; the advisory's range needs review" : "");
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
            medsec_jsonw_kv_string(w, "uri", t->path);
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
            if (v->has_epss) {
                medsec_jsonw_key(w, "epss");
                medsec_jsonw_double(w, v->epss);
            }
            medsec_jsonw_kv_bool(w, "review", f->review);
            medsec_jsonw_key(w, "matches");
            medsec_jsonw_array_begin(w);
            for (size_t m = 0; m < f->nmatches; m++) {
                char s[1024];
                snprintf(s, sizeof s, "%s %s:%s %s: %s", medsec_scan_method_name(f->matches[m].method),
                         f->matches[m].source, f->matches[m].record_id, f->matches[m].key, f->matches[m].reason);
                medsec_jsonw_string(w, s);
            }
            medsec_jsonw_array_end(w);
            medsec_jsonw_object_end(w);
            medsec_jsonw_object_end(w);
        }
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
}

/* ---- main ---- */

static int parse_paths(const char *list, unsigned *flags)
{
    unsigned want = 0;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!strcmp(tok, "purl"))
            want |= 1;
        else if (!strcmp(tok, "cpe"))
            want |= 2;
        else if (!strcmp(tok, "product"))
            want |= 4;
        else
            return cli_usage_error("scan", "--paths: unknown path '%s' (purl, cpe, product)", tok);
    }
    if (!want)
        return cli_usage_error("scan", "--paths: name at least one of purl, cpe, product");
    *flags |= (want & 1 ? 0 : MEDSEC_SCAN_NO_PURL) | (want & 2 ? 0 : MEDSEC_SCAN_NO_CPE) |
              (want & 4 ? 0 : MEDSEC_SCAN_NO_PRODUCT);
    return EXIT_OK_;
}

int cmd_scan(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},     {"json", no_argument, NULL, 'j'},
        {"sarif", no_argument, NULL, 's'},        {"output", required_argument, NULL, 'o'},
        {"paths", required_argument, NULL, 'p'},  {"any-platform", no_argument, NULL, 'a'},
        {"withdrawn", no_argument, NULL, 'w'},    {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *dbpath = NULL, *output = NULL;
    bool json = false, sarif = false;
    struct medsec_scan_opts opts = {0};
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd': dbpath = optarg; break;
        case 'j': json = true; break;
        case 's': sarif = true; break;
        case 'o': output = optarg; break;
        case 'p': {
            int ex = parse_paths(optarg, &opts.flags);
            if (ex)
                return ex;
            break;
        }
        case 'a': opts.flags |= MEDSEC_SCAN_ANY_PLATFORM; break;
        case 'w': opts.flags |= MEDSEC_SCAN_WITHDRAWN; break;
        case 'h': scan_usage(stdout); return EXIT_OK_;
        default:
            return cli_usage_error("scan", "unknown option '%s' (see medsec scan --help)", argv[optind - 1]);
        }
    }
    if (json && sarif)
        return cli_usage_error("scan", "--json and --sarif exclude each other");
    if (optind >= argc)
        return cli_usage_error("scan", "give at least one SBOM file or device folder");

    struct ctx c = {0};
    char *owned_db = NULL;
    struct medsec_db *db = NULL;
    int ex = EXIT_OK_;
    for (int i = optind; i < argc && !ex; i++)
        ex = is_dir(argv[i]) ? load_device_target(&c, argv[i]) : load_sbom_target(&c, argv[i]);
    if (ex)
        goto out;

    ex = cli_open_vulndb("scan", dbpath, &db, &owned_db);
    if (ex)
        goto out;
    struct medsec_error err;
    medsec_err rc;
    struct medsec_db_status dst;
    memset(&dst, 0, sizeof dst);
    dst.schema_version = MEDSEC_DB_SCHEMA_VERSION;
    struct cli_progress bar;
    size_t total = 0;
    for (size_t i = 0; i < c.n; i++)
        total += c.t[i].sbom->ncomponents;
    cli_progress_start(&bar, "scanning", total);
    size_t done = 0;
    bool any = false;
    for (size_t i = 0; i < c.n; i++) {
        struct medsec_diags notes = MEDSEC_DIAGS_INIT;
        notes.max = 200;
        rc = medsec_scan_sbom(db, c.t[i].sbom, &opts, &c.t[i].res, &notes, &err);
        done += c.t[i].sbom->ncomponents;
        cli_progress_update(&bar, done);
        cli_print_diags(stderr, &notes);
        if (notes.dropped)
            fprintf(stderr, "medsec scan: %s: %zu more warnings not shown\n", c.t[i].path, notes.dropped);
        medsec_diags_release(&notes);
        if (rc) {
            cli_progress_finish(&bar);
            cli_print_error(&err);
            ex = cli_exit_for(rc) == EXIT_USAGE ? EXIT_INTERNAL : cli_exit_for(rc);
            goto out;
        }
        any |= c.t[i].res.nfindings > 0;
    }
    cli_progress_finish(&bar);

    struct medsec_buf b = MEDSEC_BUF_INIT;
    if (json || sarif) {
        if (json && medsec_db_freshness(db, &dst, &err) != MEDSEC_OK) {
            cli_print_error(&err);
            ex = EXIT_INTERNAL;
            goto out;
        }
        struct medsec_jsonw w;
        medsec_jsonw_init(&w, &b, 1);
        if (json)
            json_report(&w, &c, &dst);
        else
            sarif_report(&w, &c);
        if (medsec_jsonw_finish(&w)) {
            medsec_buf_release(&b);
            fputs("medsec scan: out of memory\n", stderr);
            ex = EXIT_INTERNAL;
            goto out;
        }
    } else {
        char *text = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&text, &len);
        if (!mem) {
            ex = EXIT_INTERNAL;
            goto out;
        }
        ex = print_text(mem, &c);
        fclose(mem);
        if (!ex && medsec_buf_add(&b, text, len))
            ex = EXIT_INTERNAL;
        free(text);
        if (ex) {
            medsec_buf_release(&b);
            goto out;
        }
    }
    if (output) {
        rc = medsec_file_write_atomic(output, b.data ? b.data : "", b.len, &err);
        if (rc) {
            cli_print_error(&err);
            ex = cli_exit_for(rc);
        }
    } else if (!cli_write_stdout(b.data ? b.data : "", b.len)) {
        ex = EXIT_INTERNAL;
    }
    medsec_buf_release(&b);
    if (!ex && any)
        ex = EXIT_FINDINGS;
out:
    medsec_db_close(db);
    medsec_free(owned_db);
    ctx_release(&c);
    return ex;
}
