/* cmd_triage.c: `medsec triage DIR`: every finding of the device's releases against the triage
 * file (untriaged, stale, past due, decided by rule or by hand), and `medsec triage set`, which
 * records a decision by rewriting the triage file. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/db.h"
#include "medsec/device.h"
#include "medsec/file.h"
#include "medsec/json.h"
#include "medsec/model.h"
#include "medsec/scan.h"
#include "medsec/triage.h"

/* What both forms share: the triage files read, the plan scanned. */
struct session {
    struct medsec_triage *t;
    struct medsec_scan_plan *p;
    struct medsec_db *db;
    char *owned_db;
    char *default_file; /* DIR/triage.yaml */
    bool explain;       /* print the reasoning of each suggestion */
};

static void session_release(struct session *s)
{
    medsec_triage_free(s->t);
    medsec_scan_plan_free(s->p);
    medsec_db_close(s->db);
    medsec_free(s->owned_db);
    medsec_free(s->default_file);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Open the device; read its triage file (the security file's `triage:`, else DIR/triage.yaml, when
 * there is one) and every --triage file, or only @only (when it exists); scan every release. */
static int session_open(struct session *s, const char *cmd, const char *dir,
                        const struct cli_strings *files, const char *only, const char *dbpath)
{
    struct medsec_error err;
    medsec_err rc;
    if ((rc = medsec_scan_plan_new(cli_context(), &s->p, &err)))
        return cli_fail(&err, rc);
    struct medsec_diags diags = MEDSEC_DIAGS_INIT;
    rc = medsec_scan_plan_add(s->p, dir, &diags, &err);
    cli_print_diags(stderr, &diags);
    medsec_diags_release(&diags);
    if (rc)
        return cli_fail(&err, rc);
    /* the security file's `triage:` names the device's triage file; else DIR/triage.yaml */
    const struct medsec_model *m =
        medsec_scan_plan_count(s->p) ? medsec_scan_plan_target(s->p, 0)->model : NULL;
    s->default_file = medsec_triage_path(dir, m);
    if (!s->default_file) {
        fprintf(stderr, "medsec %s: out of memory\n", cmd);
        return EXIT_INTERNAL;
    }
    if ((rc = medsec_triage_new(&s->t, &err)))
        return cli_fail(&err, rc);
    const char *first = only ? only : s->default_file;
    if (exists(first) && (rc = medsec_triage_read(s->t, first, &err)))
        return cli_fail(&err, rc);
    for (size_t i = 0; files && i < files->n; i++)
        if ((rc = medsec_triage_read(s->t, files->v[i], &err)))
            return cli_fail(&err, rc);
    int ex = cli_open_vulndb(cmd, dbpath, &s->db, &s->owned_db);
    if (ex != EXIT_OK_)
        return ex;
    size_t failed = 0;
    rc = medsec_scan_plan_run(s->p, s->db, NULL, NULL, NULL, &failed, &err);
    for (size_t i = 0; i < medsec_scan_plan_count(s->p) && (!rc || i <= failed); i++) {
        const struct medsec_scan_target *t = medsec_scan_plan_target(s->p, i);
        cli_print_diags(stderr, &t->notes);
    }
    return rc ? cli_fail(&err, rc) : EXIT_OK_;
}

static const char *sev_name(const struct medsec_scan_finding *f)
{
    return f ? medsec_cvss_severity_name(f->vuln->severity) : "-";
}

/* "untriaged", "stale", "rule", "hand", with ", past due" */
static const char *status_text(const struct medsec_triage_item *it, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s", medsec_triage_status_name(it->status),
             it->past_due ? ", past due" : "");
    return buf;
}

static const char *decided_by(const struct medsec_triage_item *it, char *buf, size_t cap)
{
    if (it->rule)
        snprintf(buf, cap, "rule %s", it->rule->id);
    else if (it->decision)
        snprintf(buf, cap, "%s%s%s", it->decision->by, it->decision->at ? " " : "",
                 it->decision->at ? it->decision->at : "");
    else
        snprintf(buf, cap, "-");
    return buf;
}

/* What became of the supplier's statement on the item's finding, when the manufacturer's decision
 * or the security file overrides it, or a decision could not (decided by supplier: the table). */
static void supplier_note(FILE *out, const struct medsec_triage_item *it)
{
    const struct medsec_triage_decision *sd = it->supplier;
    if (!sd)
        return;
    const struct medsec_sbom_component *c = &it->target->sbom->components[it->component];
    const char *comp = c->ref ? c->ref : c->name ? c->name : "?";
    if (it->status == MEDSEC_TRIAGE_BY_SUPPLIER) {
        if (it->refused)
            fprintf(out,
                    "  supplier %s on %s in %s: %s (%s:%u) stands: the decision at %s:%u would "
                    "lower it to %s without a detail (why)\n",
                    cli_esc(sd->supplier), cli_esc(it->vuln), cli_esc(comp),
                    medsec_vex_state_name(sd->state), cli_esc(sd->file), sd->line,
                    cli_esc(it->refused->file), it->refused->line,
                    medsec_vex_state_name(it->refused->state));
        return;
    }
    const char *who = it->decision ? it->decision->by : "the security file";
    bool lowers = medsec_triage_lowers(sd->state, it->state);
    fprintf(out, "  %s on %s in %s: %s overrides supplier %s, who states %s (%s:%u)%s\n",
            lowers ? "LOWERED" : "override", cli_esc(it->vuln), cli_esc(comp), cli_esc(who),
            cli_esc(sd->supplier), medsec_vex_state_name(sd->state), cli_esc(sd->file), sd->line,
            lowers ? ": the manufacturer says it is not exploitable here" : "");
}

static void counts_line(FILE *out, const char *indent, const struct medsec_triage_counts *c)
{
    fprintf(out,
            "%s%zu findings: decided by rule %zu, by suggestion %zu, by hand %zu, by supplier %zu, "
            "by the security file %zu; remaining %zu (untriaged %zu, stale %zu, past due %zu)\n",
            indent, c->findings, c->by_status[MEDSEC_TRIAGE_BY_RULE],
            c->by_status[MEDSEC_TRIAGE_BY_SUGGESTION], c->by_status[MEDSEC_TRIAGE_BY_HAND],
            c->by_status[MEDSEC_TRIAGE_BY_SUPPLIER], c->by_status[MEDSEC_TRIAGE_BY_FILE], c->open,
            c->by_status[MEDSEC_TRIAGE_UNTRIAGED], c->by_status[MEDSEC_TRIAGE_STALE], c->past_due);
    if (c->suggested || c->unsuggested)
        fprintf(out,
                "%ssuggestions from the architecture: %zu of %zu open findings (exploitable %zu, "
                "not affected %zu; an in-context CVSS for %zu), none for %zu\n",
                indent, c->suggested, c->suggested + c->unsuggested, c->suggested_exploitable,
                c->suggested - c->suggested_exploitable, c->suggested_scored, c->unsuggested);
}

/* "exploitable 3.1:5.3 4.0:6.9", "-" */
static const char *suggestion_text(const struct medsec_triage_item *it, char *buf, size_t cap)
{
    const struct medsec_triage_suggestion *g = it->suggestion;
    if (!g) {
        snprintf(buf, cap, "-");
        return buf;
    }
    size_t used = (size_t)snprintf(buf, cap, "%s", medsec_vex_state_name(g->state));
    if (g->v3 && used < cap)
        used += (size_t)snprintf(buf + used, cap - used, " 3.1:%.1f", g->v3_score);
    if (g->v4 && used < cap)
        snprintf(buf + used, cap - used, " 4.0:%.1f", g->v4_score);
    return buf;
}

static int print_text(FILE *out, const struct session *s, const struct medsec_triage_report *r)
{
    static const char *const hdr[] = {"STATUS",   "COMPONENT", "VERSION", "VULNERABILITY",
                                      "SEVERITY", "KEV",       "STATE",   "DECIDED BY",
                                      "DUE",      "SUGGESTED"};
    size_t n = medsec_scan_plan_count(s->p);
    bool first = true;
    for (size_t i = 0; i < n;) {
        const struct medsec_scan_target *t = medsec_scan_plan_target(s->p, i);
        size_t j = i + 1;
        while (j < n && medsec_scan_target_same_release(t, medsec_scan_plan_target(s->p, j)))
            j++;
        /* the items of this release, and what its scan could not check */
        bool any = false;
        for (size_t k = 0; k < r->nitems && !any; k++)
            any = medsec_scan_target_same_release(r->items[k].target, t);
        for (size_t k = i; k < j && !any; k++)
            any = medsec_scan_plan_target(s->p, k)->result.unchecked > 0;
        if (!any) {
            i = j;
            continue;
        }
        struct medsec_triage_counts c;
        medsec_triage_summary(r, t->version, &c);
        fprintf(out, "%s%s: version %s%s\n", first ? "" : "\n",
                cli_esc(t->device ? t->device : "-"), cli_esc(t->version ? t->version : "-"),
                t->current ? " (current)" : "");
        first = false;
        counts_line(out, "  ", &c);
        /* "0 findings" is "checked and clean" only for what was checked */
        for (size_t k = i; k < j; k++) {
            const struct medsec_scan_target *tk = medsec_scan_plan_target(s->p, k);
            char probe[1];
            size_t len = medsec_scan_coverage_text(&tk->result, 10, probe, sizeof probe);
            char *cov = medsec_malloc(len + 1);
            if (!cov)
                return EXIT_INTERNAL;
            medsec_scan_coverage_text(&tk->result, 10, cov, len + 1);
            fprintf(out, "  coverage of %s: %s\n", cli_esc(tk->path), cli_esc(cov));
            medsec_free(cov);
        }
        struct cli_table tab;
        if (cli_table_init(&tab, 10, hdr))
            return EXIT_INTERNAL;
        for (size_t k = 0; k < r->nitems; k++) {
            const struct medsec_triage_item *it = &r->items[k];
            if (!medsec_scan_target_same_release(it->target, t) ||
                it->status == MEDSEC_TRIAGE_BY_FILE)
                continue;
            const struct medsec_sbom_component *comp = &it->target->sbom->components[it->component];
            char st[48], by[300], sg[64];
            const char *row[] = {status_text(it, st, sizeof st),
                                 comp->ref ? comp->ref : comp->name,
                                 comp->version,
                                 it->vuln,
                                 sev_name(it->finding),
                                 it->finding && it->finding->vuln->kev ? "yes" : "-",
                                 medsec_vex_state_name(it->state),
                                 decided_by(it, by, sizeof by),
                                 it->due,
                                 suggestion_text(it, sg, sizeof sg)};
            if (cli_table_add(&tab, row)) {
                cli_table_release(&tab);
                return EXIT_INTERNAL;
            }
        }
        if (tab.nrows > 1)
            cli_table_print(&tab, out);
        cli_table_release(&tab);
        for (size_t k = 0; k < r->nitems; k++) {
            const struct medsec_triage_item *it = &r->items[k];
            if (!medsec_scan_target_same_release(it->target, t))
                continue;
            if (it->status == MEDSEC_TRIAGE_STALE)
                fprintf(out,
                        "  stale: %s on %s: decided against advisory fingerprint %s (%s:%u), "
                        "today's is %s\n",
                        cli_esc(it->vuln), cli_esc(it->decision->component),
                        cli_esc(it->decision->fingerprint), cli_esc(it->decision->file),
                        it->decision->line, it->fingerprint);
            else if (it->rule)
                fprintf(out, "  rule %s on %s: %s\n", cli_esc(it->rule->id), cli_esc(it->vuln),
                        cli_esc(it->rule_reason));
            supplier_note(out, it);
            if (s->explain && it->suggestion) {
                const struct medsec_sbom_component *sc =
                    &it->target->sbom->components[it->component];
                fprintf(out, "  suggestion for %s in %s %s:\n", cli_esc(it->vuln),
                        cli_esc(sc->ref    ? sc->ref
                                : sc->name ? sc->name
                                           : "?"),
                        cli_esc(sc->version ? sc->version : "-"));
                for (size_t l = 0; l < it->suggestion->nreasons; l++)
                    fprintf(out, "    %s\n", cli_esc(it->suggestion->reasons[l]));
            } else if (s->explain && it->no_suggestion)
                fprintf(out, "  no suggestion for %s: %s\n", cli_esc(it->vuln),
                        cli_esc(it->no_suggestion));
        }
        i = j;
    }
    for (size_t k = 0; k < r->nunused; k++) {
        const struct medsec_triage_decision *d = r->unused[k].decision;
        fprintf(out, "%sno longer applies: %s on %s%s%s (%s:%u): %s\n", k ? "" : "\n",
                cli_esc(d->vuln), cli_esc(d->component), d->version || d->versions ? " " : "",
                cli_esc(d->version    ? d->version
                        : d->versions ? d->versions
                                      : ""),
                cli_esc(d->file), d->line,
                r->unused[k].shipped ? "the component ships but no finding matches any more"
                                     : "no release looked at ships the component in that version");
    }
    struct medsec_triage_counts all;
    medsec_triage_summary(r, NULL, &all);
    fputs("\n", out);
    counts_line(out, "", &all);
    struct medsec_scan_totals tot = {0};
    for (size_t i = 0; i < n; i++)
        medsec_scan_totals_add(&tot, &medsec_scan_plan_target(s->p, i)->result);
    fprintf(
        out,
        "coverage: %zu of %zu components checked, %zu not checked (findings cannot show there)\n",
        tot.checked, tot.components, tot.unchecked);
    return EXIT_OK_;
}

/* The decision's justification in the words it was given (CycloneDX's, else OpenVEX's). */
static const char *justification_name(const struct medsec_triage_decision *d)
{
    if (d->state != MEDSEC_VEX_NOT_AFFECTED)
        return NULL;
    return d->cdx_justification != MEDSEC_CDX_UNSTATED
               ? medsec_vex_cdx_justification_name(d->cdx_justification)
               : medsec_vex_justification_name(d->justification);
}

static void json_score(struct medsec_jsonw *w, const char *key, const char *vector, double base,
                       double score, int translated)
{
    if (!vector)
        return;
    medsec_jsonw_key(w, key);
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "vector", vector);
    medsec_jsonw_key(w, "base");
    medsec_jsonw_fixed(w, base, 1);
    medsec_jsonw_key(w, "score");
    medsec_jsonw_fixed(w, score, 1);
    if (translated >= 0)
        medsec_jsonw_kv_bool(w, "translated_from_v3", translated);
    medsec_jsonw_object_end(w);
}

static void json_suggestion(struct medsec_jsonw *w, const struct medsec_triage_suggestion *g)
{
    medsec_jsonw_key(w, "suggestion");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "state", medsec_vex_state_name(g->state));
    medsec_jsonw_kv_string(w, "justification",
                           g->state == MEDSEC_VEX_NOT_AFFECTED
                               ? medsec_vex_cdx_justification_name(g->cdx_justification)
                               : NULL);
    medsec_jsonw_key(w, "response");
    medsec_jsonw_array_begin(w);
    for (unsigned bit = 1; bit <= MEDSEC_VEX_RESP_WORKAROUND; bit <<= 1)
        if (g->responses & bit)
            medsec_jsonw_string(w, medsec_vex_response_name(bit));
    medsec_jsonw_array_end(w);
    json_score(w, "cvss_v3", g->v3, g->v3_base, g->v3_score, -1);
    json_score(w, "cvss_v4", g->v4, g->v4_base, g->v4_score, g->v4_translated);
    medsec_jsonw_key(w, "reasons");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < g->nreasons; i++)
        medsec_jsonw_string(w, g->reasons[i]);
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
}

static void json_item(struct medsec_jsonw *w, const struct medsec_triage_item *it)
{
    const struct medsec_sbom_component *c = &it->target->sbom->components[it->component];
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "release", it->target->version);
    medsec_jsonw_kv_string(w, "sbom", it->target->path);
    medsec_jsonw_kv_string(w, "component", c->ref);
    medsec_jsonw_kv_string(w, "name", c->name);
    medsec_jsonw_kv_string(w, "version", c->version);
    medsec_jsonw_kv_string(w, "vulnerability", it->vuln);
    if (it->finding) {
        medsec_jsonw_kv_string(w, "severity", sev_name(it->finding));
        medsec_jsonw_kv_bool(w, "kev", it->finding->vuln->kev);
        medsec_jsonw_kv_string(w, "fingerprint", it->fingerprint);
    }
    medsec_jsonw_kv_string(w, "status", medsec_triage_status_name(it->status));
    medsec_jsonw_kv_string(w, "state", medsec_vex_state_name(it->state));
    /* the justification and responses of what decided it (decision or rule) */
    const struct medsec_triage_decision *dd = it->decision;
    const struct medsec_triage_rule *ru = it->rule;
    struct medsec_triage_decision as_rule = {0};
    if (!dd && ru) {
        as_rule.state = ru->state;
        as_rule.cdx_justification = ru->cdx_justification;
        as_rule.justification = ru->justification;
        as_rule.responses = ru->responses;
        dd = &as_rule;
    }
    medsec_jsonw_kv_string(w, "justification", dd ? justification_name(dd) : NULL);
    medsec_jsonw_key(w, "response");
    medsec_jsonw_array_begin(w);
    for (unsigned bit = 1; dd && bit <= MEDSEC_VEX_RESP_WORKAROUND; bit <<= 1)
        if (dd->responses & bit)
            medsec_jsonw_string(w, medsec_vex_response_name(bit));
    medsec_jsonw_array_end(w);
    if (it->decision) {
        const struct medsec_triage_decision *d = it->decision;
        medsec_jsonw_key(w, "decision");
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "file", d->file);
        medsec_jsonw_kv_int(w, "line", d->line);
        medsec_jsonw_kv_string(w, "by", d->by);
        medsec_jsonw_kv_string(w, "at", d->at);
        medsec_jsonw_kv_string(w, "fingerprint", d->fingerprint);
        medsec_jsonw_kv_string(w, "supplier", d->supplier);
        medsec_jsonw_object_end(w);
    }
    if (it->supplier) {
        const struct medsec_triage_decision *d = it->supplier;
        medsec_jsonw_key(w, "supplier_statement");
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "supplier", d->supplier);
        medsec_jsonw_kv_string(w, "file", d->file);
        medsec_jsonw_kv_int(w, "line", d->line);
        medsec_jsonw_kv_int(w, "column", d->column);
        medsec_jsonw_kv_string(w, "state", medsec_vex_state_name(d->state));
        medsec_jsonw_kv_string(w, "justification", justification_name(d));
        medsec_jsonw_kv_bool(w, "overridden", it->status != MEDSEC_TRIAGE_BY_SUPPLIER);
        medsec_jsonw_kv_bool(w, "lowered",
                             it->status != MEDSEC_TRIAGE_BY_SUPPLIER &&
                                 medsec_triage_lowers(d->state, it->state));
        if (it->refused) {
            medsec_jsonw_key(w, "refused_decision");
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "file", it->refused->file);
            medsec_jsonw_kv_int(w, "line", it->refused->line);
            medsec_jsonw_kv_string(w, "state", medsec_vex_state_name(it->refused->state));
            medsec_jsonw_object_end(w);
        }
        medsec_jsonw_object_end(w);
    }
    if (it->rule) {
        medsec_jsonw_kv_string(w, "rule", it->rule->id);
        medsec_jsonw_kv_string(w, "rule_reason", it->rule_reason);
    }
    medsec_jsonw_kv_string(w, "first_seen", it->first_seen);
    medsec_jsonw_kv_string(w, "due", it->due);
    medsec_jsonw_kv_bool(w, "past_due", it->past_due);
    if (it->decision && it->decision->suggested) {
        medsec_jsonw_kv_string(w, "cvss_v3", it->decision->cvss_v3);
        medsec_jsonw_kv_string(w, "cvss_v4", it->decision->cvss_v4);
    }
    if (it->suggestion)
        json_suggestion(w, it->suggestion);
    else if (it->no_suggestion)
        medsec_jsonw_kv_string(w, "no_suggestion", it->no_suggestion);
    medsec_jsonw_object_end(w);
}

static void json_counts(struct medsec_jsonw *w, const struct medsec_triage_counts *c)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_int(w, "findings", (long long)c->findings);
    medsec_jsonw_kv_int(w, "by_rule", (long long)c->by_status[MEDSEC_TRIAGE_BY_RULE]);
    medsec_jsonw_kv_int(w, "by_suggestion", (long long)c->by_status[MEDSEC_TRIAGE_BY_SUGGESTION]);
    medsec_jsonw_kv_int(w, "by_hand", (long long)c->by_status[MEDSEC_TRIAGE_BY_HAND]);
    medsec_jsonw_kv_int(w, "by_supplier", (long long)c->by_status[MEDSEC_TRIAGE_BY_SUPPLIER]);
    medsec_jsonw_kv_int(w, "by_security_file", (long long)c->by_status[MEDSEC_TRIAGE_BY_FILE]);
    medsec_jsonw_kv_int(w, "untriaged", (long long)c->by_status[MEDSEC_TRIAGE_UNTRIAGED]);
    medsec_jsonw_kv_int(w, "stale", (long long)c->by_status[MEDSEC_TRIAGE_STALE]);
    medsec_jsonw_kv_int(w, "past_due", (long long)c->past_due);
    medsec_jsonw_kv_int(w, "remaining", (long long)c->open);
    medsec_jsonw_kv_int(w, "suggested", (long long)c->suggested);
    medsec_jsonw_kv_int(w, "suggested_exploitable", (long long)c->suggested_exploitable);
    medsec_jsonw_kv_int(w, "suggested_scored", (long long)c->suggested_scored);
    medsec_jsonw_kv_int(w, "unsuggested", (long long)c->unsuggested);
    medsec_jsonw_object_end(w);
}

static int print_json(struct cli_output *out, const struct session *s,
                      const struct medsec_triage_report *r)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &b, 1);
    medsec_jsonw_object_begin(&w);
    struct medsec_triage_counts all;
    medsec_triage_summary(r, NULL, &all);
    medsec_jsonw_key(&w, "summary");
    json_counts(&w, &all);
    /* what each SBOM's scan checked: findings exist only for checked components */
    medsec_jsonw_key(&w, "coverage");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < medsec_scan_plan_count(s->p); i++) {
        const struct medsec_scan_target *t = medsec_scan_plan_target(s->p, i);
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "device", t->device);
        medsec_jsonw_kv_string(&w, "release", t->version);
        medsec_jsonw_kv_string(&w, "sbom", t->path);
        medsec_jsonw_key(&w, "coverage");
        medsec_scan_coverage_json(&w, &t->result);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_key(&w, "findings");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < r->nitems; i++)
        json_item(&w, &r->items[i]);
    medsec_jsonw_array_end(&w);
    medsec_jsonw_key(&w, "no_longer_applies");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < r->nunused; i++) {
        const struct medsec_triage_decision *d = r->unused[i].decision;
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "vulnerability", d->vuln);
        medsec_jsonw_kv_string(&w, "component", d->component);
        medsec_jsonw_kv_string(&w, "version", d->version);
        medsec_jsonw_kv_string(&w, "versions", d->versions);
        medsec_jsonw_kv_string(&w, "file", d->file);
        medsec_jsonw_kv_int(&w, "line", d->line);
        medsec_jsonw_kv_bool(&w, "shipped", r->unused[i].shipped);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_object_end(&w);
    int ex = cli_output_json(out, &w, &b);
    medsec_buf_release(&b);
    return ex;
}

static int triage_set(int argc, char **argv);
static int triage_sync(int argc, char **argv);
static int triage_import(int argc, char **argv);
static int triage_accept(int argc, char **argv);

int cmd_triage(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "set"))
        return triage_set(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "sync"))
        return triage_sync(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "import"))
        return triage_import(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "accept"))
        return triage_accept(argc - 1, argv + 1);
    int format = CLI_TEXT;
    const char *dbpath = NULL, *output = NULL, *version = NULL;
    bool all = false, explain = false;
    struct cli_strings files = {0};
    const struct cli_option opts[] = {
        CLI_OPT_DB(&dbpath),
        {0, "version", CLI_OPT_STRING, &version, 0, "V", "only release V"},
        {0, "all", CLI_OPT_FLAG, &all, 0, NULL,
         "every release of the file, also those no longer in the field"},
        {0, "triage", CLI_OPT_STRINGS, &files, 0, "FILE",
         "read this triage file too (after DIR/triage.yaml; repeatable):\n"
         "a portfolio may share one"},
        {0, "explain", CLI_OPT_FLAG, &explain, 0, NULL,
         "print the reasoning of each suggestion from the architecture"},
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL, "print JSON"},
        CLI_OPT_OUTPUT(&output),
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "triage",
        .usage = "medsec triage DIR [--db PATH] [--version V | --all] [--triage FILE]... [--json] "
                 "[-o FILE]\n"
                 "medsec triage set DIR VULN COMPONENT --state S --by WHO [options]\n"
                 "medsec triage sync DIR [--db PATH] [--triage FILE]\n"
                 "medsec triage import DIR VEXFILE --supplier NAME [--triage FILE]\n"
                 "medsec triage accept DIR [VULN COMPONENT | --all] --by WHO [options]",
        .about =
            "Match every release of the device in DIR that is in the field against the vulnerability\n"
            "database and hold each finding against the triage file (DIR/triage.yaml, docs/triage.md):\n"
            "decided by hand, decided by a rule, assessed in the security file, untriaged, stale (the\n"
            "advisory's ranges, score or KEV status changed since the decision) or past its due date.\n"
            "Decisions that match no finding any more are listed as no longer applying.\n"
            "Each open finding gets a suggestion from the architecture (state and in-context CVSS 3.1\n"
            "and 4.0; --explain prints the reasoning), never applied by itself.\n"
            "`medsec triage set --help` records a decision; `medsec triage accept --help` records a\n"
            "suggestion a person accepts; `medsec triage sync` records when each finding was first\n"
            "seen (due dates count from it).\n",
        .opts = opts,
        .more =
            "Exit: 0 every finding is decided and none is stale or past due, 1 some finding is\n"
            "untriaged, stale or past due, 2 bad input (device folder, triage file, database),\n"
            "3 an internal error.\n",
        CLI_ONE_DEVICE_FOLDER,
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_) {
        cli_strings_release(&files);
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    }
    if (version && all) {
        cli_strings_release(&files);
        return cli_usage_error("triage", "--version and --all exclude each other");
    }
    struct session s = {0};
    struct medsec_triage_report rep = {0};
    struct medsec_error err;
    medsec_err rc;
    char today[11];
    s.explain = explain;
    if ((ex = session_open(&s, "triage", args[0], &files, NULL, dbpath)) != EXIT_OK_)
        goto out;
    if (version) {
        bool known = false;
        for (size_t i = 0; i < medsec_scan_plan_count(s.p) && !known; i++) {
            const char *v = medsec_scan_plan_target(s.p, i)->version;
            known = v && !strcmp(v, version);
        }
        if (!known) {
            ex = cli_usage_error("triage", "%s has no release %s", args[0], cli_esc(version));
            goto out;
        }
    }
    struct medsec_triage_assess_opts ao = {cli_today(today), version, all};
    if ((rc = medsec_triage_assess(s.t, s.db, s.p, &ao, &rep, &err))) {
        ex = cli_fail(&err, rc);
        goto out;
    }
    struct cli_output out;
    if ((ex = cli_output_open(&out, output)) != EXIT_OK_)
        goto out;
    ex = format == CLI_JSON ? print_json(&out, &s, &rep) : print_text(out.f, &s, &rep);
    struct medsec_triage_counts c;
    medsec_triage_summary(&rep, NULL, &c);
    if (ex == EXIT_OK_ && c.open)
        ex = EXIT_FINDINGS;
    ex = cli_output_close(&out, ex);
out:
    medsec_triage_report_release(&rep);
    session_release(&s);
    cli_strings_release(&files);
    return ex;
}

/* Rewrite triage file @path with @t (atomically); the exit code. */
static int write_triage(const struct medsec_triage *t, const char *path, const char *cmd)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_error err;
    medsec_err rc = MEDSEC_OK;
    int ex = EXIT_OK_;
    if (medsec_triage_format(t, &b) || (rc = medsec_file_write_atomic(path, b.data, b.len, &err))) {
        if (!rc)
            fprintf(stderr, "medsec triage %s: out of memory\n", cmd);
        ex = rc ? cli_fail(&err, rc) : EXIT_INTERNAL;
    }
    medsec_buf_release(&b);
    return ex;
}

/* ---- triage set ---- */

static int triage_set(int argc, char **argv)
{
    const char *dbpath = NULL, *state = NULL, *just = NULL, *detail = NULL, *fixed_in = NULL,
               *by = NULL, *versions = NULL, *release = NULL, *due = NULL, *file = NULL;
    struct cli_strings resp = {0};
    const struct cli_option opts[] = {
        CLI_OPT_DB(&dbpath),
        {0, "state", CLI_OPT_STRING, &state, 0, "S",
         "in_triage, exploitable, not_affected, false_positive, resolved\n"
         "(or OpenVEX's affected, fixed, under_investigation)"},
        {0, "justification", CLI_OPT_STRING, &just, 0, "J",
         "why not affected: a CycloneDX or OpenVEX justification"},
        {0, "detail", CLI_OPT_STRING, &detail, 0, "TEXT", "the reasoning, in words"},
        {0, "response", CLI_OPT_STRINGS, &resp, 0, "R",
         "can_not_fix, will_not_fix, update, rollback, workaround_available\n(repeatable)"},
        {0, "fixed-in", CLI_OPT_STRING, &fixed_in, 0, "V", "the device release that fixes it"},
        {0, "by", CLI_OPT_STRING, &by, 0, "WHO", "who decides (required)"},
        {0, "due", CLI_OPT_STRING, &due, 0, "DATE", "decide or fix by DATE (YYYY-MM-DD)"},
        {0, "versions", CLI_OPT_STRING, &versions, 0, "RANGE",
         "apply to the component versions in this vers: range\n"
         "(default: the version the finding is on)"},
        {0, "version", CLI_OPT_STRING, &release, 0, "V",
         "take the finding from release V (default: the current one,\nelse the first that has it)"},
        {0, "triage", CLI_OPT_STRING, &file, 0, "FILE",
         "the triage file to write (default DIR/triage.yaml)"},
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "triage set",
        .usage = "medsec triage set DIR VULN COMPONENT --state S --by WHO [--justification J]\n"
                 "    [--detail TEXT] [--response R]... [--fixed-in V] [--due DATE]\n"
                 "    [--versions RANGE] [--version V] [--db PATH] [--triage FILE]",
        .about =
            "Record a decision on vulnerability VULN (its id or an alias) in COMPONENT (a component ref\n"
            "such as main-board/openssl, a purl or a CPE) of the device in DIR: the release's finding is\n"
            "looked up in the database, its advisory fingerprint recorded with the decision, and the\n"
            "triage file rewritten atomically with every other entry kept (comments are not kept).\n",
        .opts = opts,
        .more = "Exit: 0 recorded, 2 bad input or no such finding, 3 an internal error.\n",
        .min_args = 3,
        .max_args = 3,
        .missing = "give DIR VULN COMPONENT",
        .extra = "give DIR VULN COMPONENT only",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_) {
        cli_strings_release(&resp);
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    }
    struct medsec_triage_decision d = {0};
    struct session s = {0};
    struct medsec_error err;
    medsec_err rc;
    char today[11];
    d.vuln = args[1];
    d.component = args[2];
    d.detail = detail;
    d.fixed_in = fixed_in;
    d.by = by;
    d.due = due;
    d.versions = versions;
    d.at = cli_today(today);
    if (!state || !by) {
        ex = cli_usage_error("triage set", "--state and --by are required");
        goto out;
    }
    if (!medsec_triage_state_parse(state, &d.state)) {
        ex = cli_usage_error("triage set", "--state: \"%s\" is not a state", cli_esc(state));
        goto out;
    }
    if (just && !medsec_triage_justification_parse(just, &d.cdx_justification, &d.justification)) {
        ex = cli_usage_error("triage set", "--justification: \"%s\" is not a justification",
                             cli_esc(just));
        goto out;
    }
    if ((d.state == MEDSEC_VEX_NOT_AFFECTED) != (just != NULL)) {
        ex = cli_usage_error("triage set", "%s",
                             just ? "--justification goes with --state not_affected only"
                                  : "--state not_affected needs a --justification");
        goto out;
    }
    for (size_t i = 0; i < resp.n; i++) {
        unsigned bit;
        if (!medsec_vex_response_parse(resp.v[i], &bit)) {
            ex = cli_usage_error("triage set", "--response: \"%s\" is not a response",
                                 cli_esc(resp.v[i]));
            goto out;
        }
        d.responses |= bit;
    }
    /* only the file to write is read: its entries are what is written back */
    if ((ex = session_open(&s, "triage set", args[0], NULL, file, dbpath)) != EXIT_OK_)
        goto out;
    /* the finding: in --version, else the current release, else the first release that has it */
    const struct medsec_scan_target *ft = NULL;
    const struct medsec_scan_finding *ff = NULL;
    for (int pass = 0; pass < 2 && !ff; pass++)
        for (size_t i = 0; i < medsec_scan_plan_count(s.p) && !ff; i++) {
            const struct medsec_scan_target *t = medsec_scan_plan_target(s.p, i);
            if (release ? !t->version || strcmp(t->version, release) : pass == 0 && !t->current)
                continue;
            for (size_t k = 0; k < t->result.nfindings && !ff; k++) {
                const struct medsec_scan_finding *f = &t->result.findings[k];
                if (medsec_triage_vuln_is(d.vuln, f->vuln) &&
                    medsec_triage_component_is(d.component, &t->sbom->components[f->component])) {
                    ft = t;
                    ff = f;
                }
            }
        }
    if (!ff) {
        fprintf(stderr, "medsec triage set: no finding of %s in %s%s%s\n", cli_esc(d.vuln),
                cli_esc(d.component), release ? " in release " : "",
                release ? cli_esc(release) : "");
        ex = EXIT_USAGE;
        goto out;
    }
    const struct medsec_sbom_component *comp = &ft->sbom->components[ff->component];
    char fp[17];
    medsec_triage_fingerprint(ff, comp->version, fp);
    d.fingerprint = fp;
    if (!versions)
        d.version = comp->version;
    const char *path = file ? file : s.default_file;
    d.file = path;
    if ((rc = medsec_triage_put(s.t, &d, &err)) ||
        (rc =
             medsec_triage_mark_seen(s.t, ff->vuln->id, d.component, comp->version, today, &err))) {
        ex = cli_fail(&err, rc);
        goto out;
    }
    if ((ex = write_triage(s.t, path, "set")) != EXIT_OK_)
        goto out;
    fprintf(stderr, "medsec triage set: %s in %s %s: %s (fingerprint %s) written to %s\n",
            cli_esc(d.vuln), cli_esc(d.component), cli_esc(comp->version ? comp->version : "-"),
            medsec_vex_state_name(d.state), fp, cli_esc(path));
out:
    session_release(&s);
    cli_strings_release(&resp);
    return ex;
}

/* ---- triage sync ---- */

static int triage_sync(int argc, char **argv)
{
    const char *dbpath = NULL, *file = NULL;
    const struct cli_option opts[] = {
        CLI_OPT_DB(&dbpath),
        {0, "triage", CLI_OPT_STRING, &file, 0, "FILE",
         "the triage file to write (default DIR/triage.yaml)"},
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "triage sync",
        .usage = "medsec triage sync DIR [--db PATH] [--triage FILE]",
        .about =
            "Record today as the day each finding of the releases in the field was first seen, for\n"
            "every finding that has no `seen` record yet: due dates count from it (docs/triage.md).\n"
            "The triage file is rewritten atomically with every other entry kept.\n",
        .opts = opts,
        .more = "Exit: 0 written, 2 bad input, 3 an internal error.\n",
        CLI_ONE_DEVICE_FOLDER,
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    struct session s = {0};
    struct medsec_triage_report rep = {0};
    struct medsec_error err;
    medsec_err rc = MEDSEC_OK;
    char today[11];
    if ((ex = session_open(&s, "triage sync", args[0], NULL, file, dbpath)) != EXIT_OK_)
        goto out;
    struct medsec_triage_assess_opts ao = {cli_today(today), NULL, false};
    if ((rc = medsec_triage_assess(s.t, s.db, s.p, &ao, &rep, &err))) {
        ex = cli_fail(&err, rc);
        goto out;
    }
    size_t before = s.t->nseen;
    for (size_t i = 0; i < rep.nitems && !rc; i++) {
        const struct medsec_triage_item *it = &rep.items[i];
        if (!it->finding || it->seen_recorded)
            continue;
        const struct medsec_sbom_component *c = &it->target->sbom->components[it->component];
        const char *ref = c->ref ? c->ref : c->purl;
        if (ref)
            rc = medsec_triage_mark_seen(s.t, it->vuln, ref, c->version, today, &err);
    }
    if (rc) {
        ex = cli_fail(&err, rc);
        goto out;
    }
    const char *path = file ? file : s.default_file;
    if ((ex = write_triage(s.t, path, "sync")) != EXIT_OK_)
        goto out;
    fprintf(stderr, "medsec triage sync: %zu finding%s first seen today (%s) written to %s\n",
            s.t->nseen - before, s.t->nseen - before == 1 ? "" : "s", today, cli_esc(path));
out:
    medsec_triage_report_release(&rep);
    session_release(&s);
    return ex;
}

/* ---- triage import ---- */

static int triage_import(int argc, char **argv)
{
    const char *supplier = NULL, *file = NULL;
    const struct cli_option opts[] = {
        {0, "supplier", CLI_OPT_STRING, &supplier, 0, "NAME",
         "who made the document: its statements are decisions by \"supplier NAME\"\n(required)"},
        {0, "triage", CLI_OPT_STRING, &file, 0, "FILE",
         "the triage file to write (default: the device's, its `triage:` or\nDIR/triage.yaml)"},
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "triage import",
        .usage = "medsec triage import DIR VEXFILE --supplier NAME [--triage FILE]",
        .about =
            "Name the supplier VEX document VEXFILE (CycloneDX, OpenVEX or CSAF VEX; inside the\n"
            "triage file's folder) in the triage file's `vex:` list, so that its statements are\n"
            "decisions by that supplier (docs/triage.md, \"Supplier VEX\"); the manufacturer's own\n"
            "decisions override them. The document is read first: one it cannot use in full is\n"
            "refused, naming its line, column and field, and the triage file is left as it was.\n"
            "The triage file is rewritten atomically with every other entry kept; naming a file\n"
            "again replaces its entry.\n",
        .opts = opts,
        .more = "Exit: 0 written, 2 bad input (the document, the triage file, a VEXFILE outside\n"
                "the triage file's folder), 3 an internal error.\n",
        .min_args = 2,
        .max_args = 2,
        .missing = "need a device folder and a VEX file",
        .extra = "one device folder and one VEX file only",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    if (!supplier || !*supplier)
        return cli_usage_error("triage import",
                               "--supplier NAME is required: who made the document");
    struct medsec_device *d = NULL;
    struct medsec_triage *t = NULL, *check = NULL;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_error err;
    medsec_err rc;
    char *own = NULL, *folder = NULL, *rel = NULL, *tmp = NULL;
    if ((ex = cli_open_device(args[0], NULL, &d)) != EXIT_OK_)
        goto out;
    const char *path = file;
    if (!path && !(path = own = medsec_triage_path(args[0], medsec_device_model(d)))) {
        ex = EXIT_INTERNAL;
        goto out;
    }
    /* vex: paths are relative to the triage file's folder, and may not leave it */
    const char *slash = strrchr(path, '/');
    folder =
        slash ? medsec_strndup(path, (size_t)(slash - path + (slash == path))) : medsec_strdup(".");
    if (!folder) {
        ex = EXIT_INTERNAL;
        goto out;
    }
    if (!(rel = medsec_path_relative_in(folder, args[1]))) {
        ex = cli_usage_error("triage import",
                             "%s is not a file inside %s, the triage file's folder: copy it there "
                             "(it is part of the device's record, reviewed in git with it)",
                             cli_esc(args[1]), cli_esc(folder));
        goto out;
    }
    if ((rc = medsec_triage_new(&t, &err)) ||
        (access(path, F_OK) == 0 && (rc = medsec_triage_read(t, path, &err))) ||
        (rc = medsec_triage_put_vex(t, rel, supplier, &err))) {
        ex = cli_fail(&err, rc);
        goto out;
    }
    /* written beside the triage file, read back as medsec reads it (the new document included),
     * then renamed over it: nothing changes unless all of it loads */
    if (medsec_buf_addf(&b, "%s.import.tmp", path) || !(tmp = medsec_buf_detach(&b, NULL)) ||
        medsec_triage_format(t, &b)) {
        ex = EXIT_INTERNAL;
        goto out;
    }
    if ((rc = medsec_file_write_atomic(tmp, b.data, b.len, &err))) {
        ex = cli_fail(&err, rc);
        goto out;
    }
    if ((rc = medsec_triage_new(&check, &err)) || (rc = medsec_triage_read(check, tmp, &err))) {
        unlink(tmp);
        /* the message names the entry in the file being written: say the triage file's name */
        char *at = strstr(err.msg, tmp);
        size_t tl = strlen(tmp), pl = strlen(path);
        if (at && pl <= tl)
            memmove(at + pl, at + tl, strlen(at + tl) + 1), memcpy(at, path, pl);
        ex = cli_fail(&err, rc);
        goto out;
    }
    if (rename(tmp, path) != 0) {
        fprintf(stderr, "medsec triage import: %s: %s\n", cli_esc(path), strerror(errno));
        unlink(tmp);
        ex = EXIT_USAGE;
        goto out;
    }
    size_t n = 0;
    for (size_t i = 0; i < check->nsupplied; i++)
        n += check->supplied[i].supplier && !strcmp(check->supplied[i].supplier, supplier);
    fprintf(stderr, "medsec triage import: %s named in %s: %zu statement%s by supplier %s\n",
            cli_esc(rel), cli_esc(path), n, n == 1 ? "" : "s", cli_esc(supplier));
out:
    medsec_free(tmp);
    medsec_free(rel);
    medsec_free(folder);
    medsec_free(own);
    medsec_buf_release(&b);
    medsec_triage_free(check);
    medsec_triage_free(t);
    medsec_device_close(d);
    return ex;
}

/* ---- triage accept ---- */

static int triage_accept(int argc, char **argv)
{
    const char *dbpath = NULL, *by = NULL, *release = NULL, *file = NULL;
    bool all = false;
    const struct cli_option opts[] = {
        CLI_OPT_DB(&dbpath),
        {0, "by", CLI_OPT_STRING, &by, 0, "WHO", "who accepts the suggestions (required)"},
        {0, "all", CLI_OPT_FLAG, &all, 0, NULL,
         "accept the suggestion of every open finding\n(instead of VULN COMPONENT)"},
        {0, "version", CLI_OPT_STRING, &release, 0, "V", "only findings of release V"},
        {0, "triage", CLI_OPT_STRING, &file, 0, "FILE",
         "the triage file to write (default DIR/triage.yaml)"},
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "triage accept",
        .usage = "medsec triage accept DIR [VULN COMPONENT | --all] --by WHO [--version V]\n"
                 "    [--db PATH] [--triage FILE]",
        .about =
            "Accept the suggestion from the architecture for vulnerability VULN (its id or an alias) in\n"
            "COMPONENT (a component ref, purl or CPE), or for every open finding with --all: each is\n"
            "recorded as a decision by WHO (origin: suggestion) with its state, justification, response,\n"
            "reasoning (detail), in-context CVSS vectors and advisory fingerprint, and the reasoning is\n"
            "printed. The triage file is rewritten atomically with every other entry kept.\n",
        .opts = opts,
        .more = "Exit: 0 recorded, 2 bad input or no suggestion to accept, 3 an internal error.\n",
        .min_args = 1,
        .max_args = 3,
        .missing = "give DIR, then VULN COMPONENT or --all",
        .extra = "give DIR VULN COMPONENT only",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    if (!by)
        return cli_usage_error("triage accept", "--by is required (who accepts)");
    if (all ? nargs != 1 : nargs != 3)
        return cli_usage_error("triage accept", "%s",
                               all ? "--all takes DIR only" : "give DIR VULN COMPONENT, or --all");
    struct session s = {0};
    struct medsec_triage_report rep = {0};
    struct medsec_error err;
    medsec_err rc = MEDSEC_OK;
    char today[11];
    size_t accepted = 0;
    /* assessed against the file to write only: what it leaves open is what can be accepted */
    if ((ex = session_open(&s, "triage accept", args[0], NULL, file, dbpath)) != EXIT_OK_)
        goto out;
    struct medsec_triage_assess_opts ao = {cli_today(today), release, false};
    if ((rc = medsec_triage_assess(s.t, s.db, s.p, &ao, &rep, &err))) {
        ex = cli_fail(&err, rc);
        goto out;
    }
    const char *path = file ? file : s.default_file;
    for (size_t i = 0; i < rep.nitems && !rc; i++) {
        const struct medsec_triage_item *it = &rep.items[i];
        const struct medsec_triage_suggestion *g = it->suggestion;
        if (!g)
            continue;
        const struct medsec_sbom_component *c = &it->target->sbom->components[it->component];
        if (!all && (!medsec_triage_vuln_is(args[1], it->finding->vuln) ||
                     !medsec_triage_component_is(args[2], c)))
            continue;
        const char *ref = c->ref ? c->ref : c->purl;
        if (!ref)
            continue;
        struct medsec_triage_decision d = {0};
        d.vuln = it->vuln;
        d.component = ref;
        d.version = c->version;
        d.state = g->state;
        d.cdx_justification = g->cdx_justification;
        d.justification = g->justification;
        d.responses = g->responses;
        d.detail = g->detail;
        d.by = by;
        d.at = today;
        d.fingerprint = it->fingerprint;
        d.suggested = true;
        d.cvss_v3 = g->v3;
        d.cvss_v4 = g->v4;
        d.file = path;
        if ((rc = medsec_triage_put(s.t, &d, &err)) ||
            (rc = medsec_triage_mark_seen(s.t, it->vuln, ref, c->version, today, &err)))
            break;
        accepted++;
        fprintf(stderr, "accepted %s in %s %s (release %s): %s\n", cli_esc(it->vuln), cli_esc(ref),
                cli_esc(c->version ? c->version : "-"),
                cli_esc(it->target->version ? it->target->version : "-"),
                medsec_vex_state_name(g->state));
        for (size_t l = 0; !all && l < g->nreasons; l++)
            fprintf(stderr, "    %s\n", cli_esc(g->reasons[l]));
    }
    if (rc) {
        ex = cli_fail(&err, rc);
        goto out;
    }
    if (!accepted) {
        fprintf(stderr, "medsec triage accept: %s\n",
                all ? "no open finding has a suggestion"
                    : "no open finding of that vulnerability and component has a suggestion");
        ex = EXIT_USAGE;
        goto out;
    }
    if ((ex = write_triage(s.t, path, "accept")) != EXIT_OK_)
        goto out;
    fprintf(stderr, "medsec triage accept: %zu suggestion%s accepted by %s, written to %s\n",
            accepted, accepted == 1 ? "" : "s", cli_esc(by), cli_esc(path));
out:
    medsec_triage_report_release(&rep);
    session_release(&s);
    return ex;
}
