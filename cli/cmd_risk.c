/* cmd_risk.c: `medsec risk DIR`: the security risk register (table, JSON or CSV). */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/db.h"
#include "medsec/json.h"
#include "medsec/scan.h"
#include "secload.h"

static const char usage_text[] =
    "usage: medsec risk DIR [--db PATH] [--json | --csv]\n"
    "\n"
    "Print the security risk register of the device in DIR: for each threat, for each known\n"
    "vulnerability the file lists under vulnerabilities (assessed with MITRE rubric answers)\n"
    "and, with --db, for each vulnerability matching finds in the current version's SBOMs: its\n"
    "exploitability and severity of harm, the initial risk from the device's acceptance\n"
    "matrix, the controls that lower it (with their rationale), the residual risk and whether\n"
    "it is acceptable, the safety hazards it links to (both ways), and for risks left\n"
    "unacceptable what would close them.\n"
    "\n"
    "  --db PATH   match the current version's SBOMs against this vulnerability database\n"
    "              (as medsec scan does) and add a risk per finding the file does not assess\n"
    "  --json      print JSON\n"
    "  --csv       print CSV (RFC 4180), one row per risk\n"
    "  -h, --help  show this help\n"
    "\n"
    "Exit: 0 every residual risk is acceptable, 1 some residual risk is unacceptable,\n"
    "2 bad input, 3 internal error.\n";

static const char *lvl(const char *const *names, size_t n, int i)
{
    return i >= 0 && (size_t)i < n ? names[i] : "?";
}

static const char *class_name(const struct medsec_risk_config *c, size_t i)
{
    return i < c->nclasses ? c->classes[i].name : "?";
}

/* One cell description: "probable x critical = high". */
static void cell(char *buf, size_t cap, const struct medsec_risk_config *c, int e, int s, size_t cls)
{
    snprintf(buf, cap, "%s x %s = %s", lvl(c->exploitability, c->nexploitability, e),
             lvl(c->severity, c->nseverity, s), class_name(c, cls));
}

static void join(struct medsec_buf *b, const char *const *v, size_t n, const char *sep)
{
    for (size_t i = 0; i < n; i++)
        medsec_buf_addf(b, "%s%s", i ? sep : "", v[i]);
}

/* "lower exploitability by 2 levels or severity by 1 level; suggested: TXCF, NAUT". */
static void closing(struct medsec_buf *b, const struct medsec_risk_item *it)
{
    const struct medsec_risk_result *r = &it->result;
    if (r->residual_acceptable)
        return;
    bool any = false;
    if (r->close_by_exploitability > 0) {
        medsec_buf_addf(b, "lower exploitability by %d level%s", r->close_by_exploitability,
                        r->close_by_exploitability > 1 ? "s" : "");
        any = true;
    }
    if (r->close_by_severity > 0) {
        medsec_buf_addf(b, "%s severity by %d level%s", any ? " or" : "lower", r->close_by_severity,
                        r->close_by_severity > 1 ? "s" : "");
        any = true;
    }
    if (!any)
        medsec_buf_adds(b, "no single-axis reduction reaches an acceptable cell: lower both");
    if (it->spec.nsuggested) {
        medsec_buf_adds(b, "; suggested: ");
        join(b, it->spec.suggested, it->spec.nsuggested, ", ");
    }
}

static void print_sections(const struct secload *s)
{
    const struct medsec_risk_register *reg = &s->risks;
    const struct medsec_risk_config *c = &reg->config;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    medsec_buf_init(&b, (size_t)1 << 20);

    bool header = false;
    for (size_t i = 0; i < reg->n; i++) {
        const struct medsec_risk_item *it = &reg->items[i];
        for (size_t k = 0; k < it->spec.ncontrols; k++) {
            const struct medsec_risk_control *ctl = &it->spec.controls[k];
            if (!ctl->rationale)
                continue;
            if (!header)
                printf("\nControl effects (with their rationale):\n");
            header = true;
            printf("  %s  %s", it->spec.id, ctl->id);
            if (ctl->exploit_reduction)
                printf(" exploitability -%d", ctl->exploit_reduction);
            if (ctl->severity_reduction)
                printf(" severity -%d", ctl->severity_reduction);
            if (!ctl->exploit_reduction && !ctl->severity_reduction && !ctl->unclaimed)
                printf(" no reduction");
            if (ctl->safety_hazard)
                printf(" (safety control of %s)", ctl->safety_hazard);
            printf(": %s\n", ctl->rationale);
        }
    }

    header = false;
    for (size_t i = 0; i < reg->n; i++) {
        const struct medsec_risk_item *it = &reg->items[i];
        if (it->result.residual_acceptable)
            continue;
        if (!header)
            printf("\nUnacceptable residual risks and what would close them:\n");
        header = true;
        medsec_buf_reset(&b);
        closing(&b, it);
        printf("  %s  %s: %s\n", it->spec.id, it->spec.title, b.data ? b.data : "");
    }

    header = false;
    for (size_t h = 0; h < s->nhazards; h++) {
        medsec_buf_reset(&b);
        medsec_buf_adds(&b, "");
        size_t nrisks = 0, nctl = 0;
        for (size_t i = 0; i < reg->n; i++)
            for (size_t k = 0; k < reg->items[i].spec.nsafety_hazards; k++)
                if (strcmp(reg->items[i].spec.safety_hazards[k], s->hazards[h].id) == 0)
                    medsec_buf_addf(&b, "%s%s", nrisks++ ? ", " : "", reg->items[i].spec.id);
        struct medsec_buf cb = MEDSEC_BUF_INIT;
        medsec_buf_init(&cb, (size_t)1 << 20);
        medsec_buf_adds(&cb, "");
        for (size_t i = 0; i < reg->n; i++)
            for (size_t k = 0; k < reg->items[i].spec.ncontrols; k++) {
                const struct medsec_risk_control *ctl = &reg->items[i].spec.controls[k];
                if (ctl->safety_hazard && strcmp(ctl->safety_hazard, s->hazards[h].id) == 0)
                    medsec_buf_addf(&cb, "%s%s on %s", nctl++ ? ", " : "", ctl->id, reg->items[i].spec.id);
            }
        if (nrisks || nctl) {
            if (!header)
                printf("\nSafety hazard links (security risk -> hazard; safety control -> security effect):\n");
            header = true;
            printf("  %s  %s\n", s->hazards[h].id, s->hazards[h].name);
            if (nrisks)
                printf("    caused by security risks: %s\n", b.data);
            if (nctl)
                printf("    its controls lower security risks: %s\n", cb.data);
        }
        medsec_buf_release(&cb);
    }
    size_t unacceptable = medsec_risk_register_unacceptable(reg), before = 0;
    for (size_t i = 0; i < reg->n; i++)
        before += !reg->items[i].result.initial_acceptable;
    printf("\n%zu security risks of %s: %zu unacceptable before controls, %zu after (matrix %zu x %zu)\n", reg->n,
           s->device_name, before, unacceptable, c->nexploitability, c->nseverity);
    medsec_buf_release(&b);
}

static int print_table(const struct secload *s)
{
    static const char *const head[] = {"RISK", "S", "INITIAL", "CONTROLS", "RESIDUAL", "OK", "HAZARDS", "THREAT"};
    const struct medsec_risk_register *reg = &s->risks;
    struct cli_table t;
    if (cli_table_init(&t, 8, head))
        return EXIT_INTERNAL;
    int ex = EXIT_OK_;
    for (size_t i = 0; i < reg->n && ex == EXIT_OK_; i++) {
        const struct medsec_risk_item *it = &reg->items[i];
        char init[160], resid[160], stride[2] = {it->spec.stride ? medsec_stride_letter(it->spec.stride) : '-', 0};
        cell(init, sizeof init, &reg->config, it->result.initial_exploitability, it->result.initial_severity,
             it->result.initial_class);
        cell(resid, sizeof resid, &reg->config, it->result.residual_exploitability, it->result.residual_severity,
             it->result.residual_class);
        struct medsec_buf ctl = MEDSEC_BUF_INIT, haz = MEDSEC_BUF_INIT;
        medsec_buf_init(&ctl, 4096);
        medsec_buf_init(&haz, 4096);
        for (size_t k = 0; k < it->spec.ncontrols; k++)
            medsec_buf_addf(&ctl, "%s%s", k ? ", " : "", it->spec.controls[k].id);
        join(&haz, it->spec.safety_hazards, it->spec.nsafety_hazards, ", ");
        const char *row[] = {it->spec.id, stride, init, ctl.len ? ctl.data : NULL, resid,
                             it->result.residual_acceptable ? "yes" : "NO", haz.len ? haz.data : NULL, it->spec.title};
        if (cli_table_add(&t, row))
            ex = EXIT_INTERNAL;
        medsec_buf_release(&ctl);
        medsec_buf_release(&haz);
    }
    if (ex == EXIT_OK_) {
        cli_table_print(&t, stdout);
        print_sections(s);
    }
    cli_table_release(&t);
    return ex;
}

static void json_level(struct medsec_jsonw *w, const char *key, const struct medsec_risk_config *c, int e, int s,
                       size_t cls)
{
    medsec_jsonw_key(w, key);
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "exploitability", lvl(c->exploitability, c->nexploitability, e));
    medsec_jsonw_kv_string(w, "severity", lvl(c->severity, c->nseverity, s));
    medsec_jsonw_kv_string(w, "class", class_name(c, cls));
    medsec_jsonw_kv_bool(w, "acceptable", c->classes[cls].acceptable);
    medsec_jsonw_object_end(w);
}

static void json_strings(struct medsec_jsonw *w, const char *key, const char *const *v, size_t n)
{
    medsec_jsonw_key(w, key);
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < n; i++)
        medsec_jsonw_string(w, v[i]);
    medsec_jsonw_array_end(w);
}

static int print_json(const struct secload *s)
{
    const struct medsec_risk_register *reg = &s->risks;
    const struct medsec_risk_config *c = &reg->config;
    struct medsec_buf out = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &out, 1);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "device", s->device_name);
    medsec_jsonw_key(&w, "matrix");
    medsec_jsonw_object_begin(&w);
    json_strings(&w, "exploitability", c->exploitability, c->nexploitability);
    json_strings(&w, "severity", c->severity, c->nseverity);
    medsec_jsonw_key(&w, "classes");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < c->nclasses; i++) {
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "name", c->classes[i].name);
        medsec_jsonw_kv_bool(&w, "acceptable", c->classes[i].acceptable);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_key(&w, "cells"); /* rows: exploitability (lowest first); columns: severity */
    medsec_jsonw_array_begin(&w);
    for (size_t e = 0; e < c->nexploitability; e++) {
        medsec_jsonw_array_begin(&w);
        for (size_t sv = 0; sv < c->nseverity; sv++)
            medsec_jsonw_string(&w, class_name(c, c->matrix[e * c->nseverity + sv]));
        medsec_jsonw_array_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_object_end(&w);

    struct medsec_buf b = MEDSEC_BUF_INIT;
    medsec_buf_init(&b, (size_t)1 << 20);
    medsec_jsonw_key(&w, "risks");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < reg->n; i++) {
        const struct medsec_risk_item *it = &reg->items[i];
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "id", it->spec.id);
        medsec_jsonw_kv_string(&w, "threat", it->spec.threat_id);
        medsec_jsonw_kv_string(&w, "vulnerability", it->spec.vulnerability_id);
        medsec_jsonw_kv_string(&w, "title", it->spec.title);
        medsec_jsonw_kv_string(&w, "element", it->spec.element);
        medsec_jsonw_kv_string(&w, "stride", it->spec.stride ? (char[2]){medsec_stride_letter(it->spec.stride), 0} : NULL);
        medsec_jsonw_kv_string(&w, "security_hazard", it->spec.hazard);
        medsec_jsonw_kv_string(&w, "exploitability_basis", it->spec.exploitability_basis);
        medsec_jsonw_kv_string(&w, "severity_basis", it->spec.severity_basis);
        json_level(&w, "initial", c, it->result.initial_exploitability, it->result.initial_severity,
                   it->result.initial_class);
        medsec_jsonw_key(&w, "controls");
        medsec_jsonw_array_begin(&w);
        for (size_t k = 0; k < it->spec.ncontrols; k++) {
            const struct medsec_risk_control *ctl = &it->spec.controls[k];
            medsec_jsonw_object_begin(&w);
            medsec_jsonw_kv_string(&w, "id", ctl->id);
            medsec_jsonw_kv_string(&w, "name", ctl->name);
            medsec_jsonw_kv_int(&w, "exploitability_reduction", ctl->exploit_reduction);
            medsec_jsonw_kv_int(&w, "severity_reduction", ctl->severity_reduction);
            medsec_jsonw_kv_string(&w, "rationale", ctl->rationale);
            medsec_jsonw_kv_string(&w, "safety_hazard", ctl->safety_hazard);
            medsec_jsonw_object_end(&w);
        }
        medsec_jsonw_array_end(&w);
        json_level(&w, "residual", c, it->result.residual_exploitability, it->result.residual_severity,
                   it->result.residual_class);
        json_strings(&w, "safety_hazards", it->spec.safety_hazards, it->spec.nsafety_hazards);
        if (!it->result.residual_acceptable) {
            medsec_jsonw_key(&w, "to_close");
            medsec_jsonw_object_begin(&w);
            medsec_jsonw_kv_int(&w, "exploitability_levels", it->result.close_by_exploitability);
            medsec_jsonw_kv_int(&w, "severity_levels", it->result.close_by_severity);
            json_strings(&w, "suggested_controls", it->spec.suggested, it->spec.nsuggested);
            medsec_buf_reset(&b);
            closing(&b, it);
            medsec_jsonw_kv_string(&w, "summary", b.data);
            medsec_jsonw_object_end(&w);
        }
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_buf_release(&b);

    medsec_jsonw_key(&w, "hazards");
    medsec_jsonw_array_begin(&w);
    for (size_t h = 0; h < s->nhazards; h++) {
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "id", s->hazards[h].id);
        medsec_jsonw_kv_string(&w, "name", s->hazards[h].name);
        medsec_jsonw_key(&w, "security_risks");
        medsec_jsonw_array_begin(&w);
        for (size_t i = 0; i < reg->n; i++)
            for (size_t k = 0; k < reg->items[i].spec.nsafety_hazards; k++)
                if (strcmp(reg->items[i].spec.safety_hazards[k], s->hazards[h].id) == 0)
                    medsec_jsonw_string(&w, reg->items[i].spec.id);
        medsec_jsonw_array_end(&w);
        medsec_jsonw_key(&w, "controls_with_security_effect");
        medsec_jsonw_array_begin(&w);
        for (size_t i = 0; i < reg->n; i++)
            for (size_t k = 0; k < reg->items[i].spec.ncontrols; k++) {
                const struct medsec_risk_control *ctl = &reg->items[i].spec.controls[k];
                if (ctl->safety_hazard && strcmp(ctl->safety_hazard, s->hazards[h].id) == 0) {
                    medsec_jsonw_object_begin(&w);
                    medsec_jsonw_kv_string(&w, "control", ctl->id);
                    medsec_jsonw_kv_string(&w, "risk", reg->items[i].spec.id);
                    medsec_jsonw_object_end(&w);
                }
            }
        medsec_jsonw_array_end(&w);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);

    size_t before = 0;
    for (size_t i = 0; i < reg->n; i++)
        before += !reg->items[i].result.initial_acceptable;
    medsec_jsonw_key(&w, "summary");
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_int(&w, "risks", (long long)reg->n);
    medsec_jsonw_kv_int(&w, "unacceptable_initial", (long long)before);
    medsec_jsonw_kv_int(&w, "unacceptable_residual", (long long)medsec_risk_register_unacceptable(reg));
    medsec_jsonw_object_end(&w);
    medsec_jsonw_object_end(&w);
    int ex = EXIT_OK_;
    if (medsec_jsonw_finish(&w) || !cli_write_stdout(out.data, out.len))
        ex = EXIT_INTERNAL;
    medsec_buf_release(&out);
    return ex;
}

/* One RFC 4180 field. */
static void csv_field(struct medsec_buf *b, const char *s, bool last)
{
    s = s ? s : "";
    if (strpbrk(s, ",\"\r\n")) {
        medsec_buf_addc(b, '"');
        for (; *s; s++) {
            if (*s == '"')
                medsec_buf_addc(b, '"');
            medsec_buf_addc(b, *s);
        }
        medsec_buf_addc(b, '"');
    } else {
        medsec_buf_adds(b, s);
    }
    medsec_buf_adds(b, last ? "\r\n" : ",");
}

static int print_csv(const struct secload *s)
{
    const struct medsec_risk_register *reg = &s->risks;
    const struct medsec_risk_config *c = &reg->config;
    struct medsec_buf out = MEDSEC_BUF_INIT, tmp = MEDSEC_BUF_INIT;
    medsec_buf_init(&tmp, (size_t)1 << 20);
    static const char *const head[] = {
        "id", "threat", "vulnerability", "element", "stride", "title", "initial_exploitability", "initial_severity", "initial_class",
        "initial_acceptable", "controls", "control_rationale", "residual_exploitability", "residual_severity",
        "residual_class", "residual_acceptable", "safety_hazards", "to_close"};
    const size_t ncols = sizeof head / sizeof head[0];
    for (size_t i = 0; i < ncols; i++)
        csv_field(&out, head[i], i + 1 == ncols);
    for (size_t i = 0; i < reg->n; i++) {
        const struct medsec_risk_item *it = &reg->items[i];
        const struct medsec_risk_result *r = &it->result;
        char stride[2] = {medsec_stride_letter(it->spec.stride), 0};
        csv_field(&out, it->spec.id, false);
        csv_field(&out, it->spec.threat_id, false);
        csv_field(&out, it->spec.vulnerability_id, false);
        csv_field(&out, it->spec.element, false);
        csv_field(&out, stride, false);
        csv_field(&out, it->spec.title, false);
        csv_field(&out, lvl(c->exploitability, c->nexploitability, r->initial_exploitability), false);
        csv_field(&out, lvl(c->severity, c->nseverity, r->initial_severity), false);
        csv_field(&out, class_name(c, r->initial_class), false);
        csv_field(&out, r->initial_acceptable ? "yes" : "no", false);
        medsec_buf_reset(&tmp);
        medsec_buf_adds(&tmp, "");
        for (size_t k = 0; k < it->spec.ncontrols; k++)
            medsec_buf_addf(&tmp, "%s%s", k ? "; " : "", it->spec.controls[k].id);
        csv_field(&out, tmp.data, false);
        medsec_buf_reset(&tmp);
        medsec_buf_adds(&tmp, "");
        for (size_t k = 0, m = 0; k < it->spec.ncontrols; k++)
            if (it->spec.controls[k].rationale)
                medsec_buf_addf(&tmp, "%s%s: %s", m++ ? "; " : "", it->spec.controls[k].id,
                                it->spec.controls[k].rationale);
        csv_field(&out, tmp.data, false);
        csv_field(&out, lvl(c->exploitability, c->nexploitability, r->residual_exploitability), false);
        csv_field(&out, lvl(c->severity, c->nseverity, r->residual_severity), false);
        csv_field(&out, class_name(c, r->residual_class), false);
        csv_field(&out, r->residual_acceptable ? "yes" : "no", false);
        medsec_buf_reset(&tmp);
        medsec_buf_adds(&tmp, "");
        join(&tmp, it->spec.safety_hazards, it->spec.nsafety_hazards, "; ");
        csv_field(&out, tmp.data, false);
        medsec_buf_reset(&tmp);
        medsec_buf_adds(&tmp, "");
        closing(&tmp, it);
        csv_field(&out, tmp.data, true);
    }
    int ex = out.data && cli_write_stdout(out.data, out.len) ? EXIT_OK_ : EXIT_INTERNAL;
    medsec_buf_release(&out);
    medsec_buf_release(&tmp);
    return ex;
}

/* Match the current version's SBOMs and add a risk per finding (docs/risk.md, "Scan findings"). */
static int add_findings(struct secload *s, const char *dbpath)
{
    const struct medsec_model *m = s->model;
    const struct medsec_model_version *v = medsec_model_find_version(m, m->device.current_version);
    struct medsec_db *db = NULL;
    char *owned = NULL;
    int ex = cli_open_vulndb("risk", dbpath, &db, &owned);
    if (ex)
        return ex;
    const struct medsec_model_sbom **set = medsec_malloc((m->nsboms ? m->nsboms : 1) * sizeof *set);
    size_t nset = set ? medsec_model_version_sboms(m, v, set) : 0;
    struct medsec_scan_result *res = medsec_calloc(nset ? nset : 1, sizeof *res);
    struct medsec_scan_opts opts = {0};
    struct medsec_error err;
    size_t total = 0, done = 0, assessed = 0;
    ex = set && res ? EXIT_OK_ : EXIT_INTERNAL;
    for (size_t i = 0; i < nset && !ex; i++) {
        struct medsec_diags notes = MEDSEC_DIAGS_INIT; /* the scan's own warnings are medsec scan's business */
        medsec_err rc = medsec_scan_sbom(db, set[i]->sbom, &opts, &res[i], &notes, &err);
        medsec_diags_release(&notes);
        if (rc) {
            cli_print_error(&err);
            ex = cli_exit_for(rc) == EXIT_USAGE ? EXIT_INTERNAL : cli_exit_for(rc);
        }
        total += res[i].nfindings;
    }
    struct medsec_risk_finding *f = ex ? NULL : medsec_calloc(total ? total : 1, sizeof *f);
    if (!ex && !f)
        ex = EXIT_INTERNAL;
    for (size_t i = 0; i < nset && !ex; i++)
        for (size_t k = 0; k < res[i].nfindings; k++) {
            const struct medsec_scan_finding *sf = &res[i].findings[k];
            const struct medsec_scan_vuln *sv = sf->vuln;
            const struct medsec_sbom_component *c = &set[i]->sbom->components[sf->component];
            f[done++] = (struct medsec_risk_finding){
                .id = sv->id,
                .aliases = (const char *const *)sv->aliases,
                .naliases = sv->naliases,
                .sbom = set[i]->path,
                .component = c->ref,
                .component_name = c->name,
                .component_version = c->version,
                .cvss_vector = sv->cvss_score >= 0 ? sv->cvss_vector : NULL,
                .kev = sv->kev,
                .epss = sv->has_epss ? sv->epss : -1,
                .summary = sv->summary,
                .fixed = (const char *const *)sf->fixed,
                .nfixed = sf->nfixed,
            };
        }
    size_t before = s->risks.n;
    if (!ex) {
        medsec_err rc = medsec_risk_add_findings(&s->risks, m, f, done, 0, &assessed, &err);
        if (rc) {
            cli_print_error(&err);
            ex = cli_exit_for(rc);
        } else {
            fprintf(stderr, "medsec risk: %zu finding%s in %zu SBOM%s of version %s: %zu added as risks, %zu left to "
                            "the file's own assessment\n",
                    done, done == 1 ? "" : "s", nset, nset == 1 ? "" : "s", v ? v->version : "?",
                    s->risks.n - before, assessed);
        }
    }
    medsec_free(f);
    for (size_t i = 0; res && i < nset; i++)
        medsec_scan_result_release(&res[i]);
    medsec_free(res);
    medsec_free(set);
    medsec_db_close(db);
    medsec_free(owned);
    return ex;
}

int cmd_risk(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"csv", no_argument, NULL, 'c'},
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int format = 't';
    const char *dbpath = NULL;
    optind = 0;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, "h", opts, NULL)) != -1;) {
        switch (c) {
        case 'j':
        case 'c':
            if (format != 't' && format != c)
                return cli_usage_error("risk", "--json and --csv exclude each other");
            format = c;
            break;
        case 'd':
            dbpath = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return EXIT_OK_;
        default:
            return cli_usage_error("risk", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error("risk", optind == argc ? "missing device folder" : "one device folder only");
    struct secload s;
    int ex = secload_risks(&s, argv[optind]);
    if (ex == EXIT_OK_ && dbpath)
        ex = add_findings(&s, dbpath);
    if (ex == EXIT_OK_) {
        ex = format == 'j' ? print_json(&s) : format == 'c' ? print_csv(&s) : print_table(&s);
        if (ex == EXIT_OK_ && medsec_risk_register_unacceptable(&s.risks))
            ex = EXIT_FINDINGS;
    }
    secload_release(&s);
    return ex;
}
