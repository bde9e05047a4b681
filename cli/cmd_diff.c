/* cmd_diff.c: `medsec diff DIR A B`: what changed between two releases of a device (components,
 * findings with --db, risks), as a report grouped by section or as JSON. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/device.h"
#include "medsec/diff.h"
#include "medsec/json.h"
#include "medsec/triage.h"

static void counts_text(struct medsec_buf *b, const struct medsec_diff_counts *c, int shown,
                        const char *(*name)(enum medsec_diff_change))
{
    for (int i = 0; i < shown; i++)
        (void)medsec_buf_addf(b, "%s%zu %s", i ? ", " : "", c->n[i],
                              name((enum medsec_diff_change)i));
}

/* "limited until 2023-01-07", "none", or NULL when the file states nothing. */
static const char *support_text(char *buf, size_t cap, const struct medsec_diff_side *s)
{
    if (!s->c || !s->support)
        return NULL;
    snprintf(buf, cap, "%s%s%s", medsec_support_level_name(s->support->support),
             s->support->end_of_support ? " until " : "",
             s->support->end_of_support ? s->support->end_of_support : "");
    return buf;
}

static int print_components(FILE *out, const struct medsec_diff_sbom *s)
{
    static const char *const head[] = {"CHANGE", "COMPONENT", "A", "B", "SUPPORT"};
    struct medsec_buf b = MEDSEC_BUF_INIT;
    medsec_buf_init(&b, 4096);
    counts_text(&b, &s->counts, 4, medsec_diff_component_change_name);
    fprintf(out, "\nComponents, %s -> %s: %s\n", s->path_a ? cli_esc(s->path_a) : "(none)",
            s->path_b ? cli_esc(s->path_b) : "(none)", cli_esc(b.data));
    medsec_buf_release(&b);
    if (!s->ncomponents)
        return EXIT_OK_;
    struct cli_table t;
    if (cli_table_init(&t, 5, head))
        return EXIT_INTERNAL;
    int ex = EXIT_OK_;
    for (size_t i = 0; i < s->ncomponents && ex == EXIT_OK_; i++) {
        const struct medsec_diff_component *c = &s->components[i];
        char sa[96], sb[96], sup[200];
        const char *ta = support_text(sa, sizeof sa, &c->a),
                   *tb = support_text(sb, sizeof sb, &c->b);
        const char *support = NULL;
        if (c->change == MEDSEC_DIFF_UPDATED && c->support_changed) {
            snprintf(sup, sizeof sup, "%s -> %s", ta ? ta : "not stated", tb ? tb : "not stated");
            support = sup;
        } else {
            support = tb ? tb : ta;
        }
        const char *name = c->b.c ? c->b.c->name : c->a.c->name;
        char label[512];
        snprintf(label, sizeof label, "%s (%s)", name ? name : "?", c->identity);
        const char *row[] = {medsec_diff_component_change_name(c->change), label,
                             c->a.c ? c->a.c->version : NULL, c->b.c ? c->b.c->version : NULL,
                             support};
        if (cli_table_add(&t, row))
            ex = EXIT_INTERNAL;
    }
    if (ex == EXIT_OK_)
        cli_table_print(&t, out);
    cli_table_release(&t);
    return ex;
}

/* "critical 9.8, KEV, EPSS 0.97" or the file's assessment. */
static const char *finding_text(char *buf, size_t cap, const struct medsec_diff_finding_side *s)
{
    if (!s->c)
        return NULL;
    const struct medsec_scan_vuln *v = s->vuln;
    if (!v) {
        snprintf(buf, cap, "%s %s (security file)", s->c->version ? s->c->version : "?",
                 medsec_vuln_status_name(s->state));
        return buf;
    }
    char score[32] = "no score", epss[32] = "";
    if (v->cvss_score >= 0)
        snprintf(score, sizeof score, "%s %.1f", medsec_cvss_severity_name(v->severity),
                 v->cvss_score);
    if (v->has_epss)
        snprintf(epss, sizeof epss, ", EPSS %.4f", v->epss);
    snprintf(buf, cap, "%s %s%s%s", s->c->version ? s->c->version : "?", score,
             v->kev ? ", KEV" : "", epss);
    return buf;
}

static int print_findings(FILE *out, const struct medsec_diff *df)
{
    static const char *const head[] = {"CHANGE", "VULNERABILITY", "COMPONENT", "A", "B", "WHAT"};
    static const char *const what[] = {"version", "score", "KEV", "EPSS", "assessment"};
    struct medsec_buf b = MEDSEC_BUF_INIT;
    medsec_buf_init(&b, 4096);
    counts_text(&b, &df->findings, 3, medsec_diff_finding_change_name);
    if (df->databases)
        fprintf(out, "\nFindings (every SBOM of %s, first -> second database): %s, %zu unchanged\n",
                cli_esc(df->a->version), cli_esc(b.data), df->findings.n[MEDSEC_DIFF_SAME]);
    else
        fprintf(out,
                "\nFindings (every SBOM of %s and of %s, against the same database): %s, %zu "
                "unchanged\n",
                cli_esc(df->a->version), cli_esc(df->b->version), cli_esc(b.data),
                df->findings.n[MEDSEC_DIFF_SAME]);
    if (!df->nfindings) {
        medsec_buf_release(&b);
        return EXIT_OK_;
    }
    struct cli_table t;
    if (cli_table_init(&t, 6, head)) {
        medsec_buf_release(&b);
        return EXIT_INTERNAL;
    }
    int ex = EXIT_OK_;
    for (size_t i = 0; i < df->nfindings && ex == EXIT_OK_; i++) {
        const struct medsec_diff_finding *f = &df->findings_v[i];
        char fa[160], fb[160];
        medsec_buf_reset(&b);
        for (unsigned k = 0; k < sizeof what / sizeof *what; k++)
            if (f->changed & (1u << k))
                (void)medsec_buf_addf(&b, "%s%s", b.len ? ", " : "", what[k]);
        const char *row[] = {medsec_diff_finding_change_name(f->change),
                             f->id,
                             f->identity,
                             finding_text(fa, sizeof fa, &f->a),
                             finding_text(fb, sizeof fb, &f->b),
                             b.len ? b.data : NULL};
        if (cli_table_add(&t, row))
            ex = EXIT_INTERNAL;
    }
    if (ex == EXIT_OK_)
        cli_table_print(&t, out);
    cli_table_release(&t);
    medsec_buf_release(&b);
    return ex;
}

/* "probable x critical = high -> remote x critical = high (open)" for one side. */
static const char *risk_text(char *buf, size_t cap, const struct medsec_risk_config *c,
                             const struct medsec_risk_item *it)
{
    if (!it)
        return NULL;
    snprintf(buf, cap, "%s x %s = %s -> %s x %s = %s (%s)",
             medsec_risk_exploitability_name(c, it->result.initial_exploitability),
             medsec_risk_severity_name(c, it->result.initial_severity),
             medsec_risk_class_name(c, it->result.initial_class),
             medsec_risk_exploitability_name(c, it->result.residual_exploitability),
             medsec_risk_severity_name(c, it->result.residual_severity),
             medsec_risk_class_name(c, it->result.residual_class), medsec_diff_risk_acceptance(it));
    return buf;
}

static int print_risks(FILE *out, const struct medsec_diff *df)
{
    static const char *const head[] = {"CHANGE", "RISK", "A (INITIAL -> RESIDUAL)",
                                       "B (INITIAL -> RESIDUAL)", "TITLE"};
    struct medsec_buf b = MEDSEC_BUF_INIT;
    medsec_buf_init(&b, 4096);
    counts_text(&b, &df->risks, 3, medsec_diff_risk_change_name);
    if (df->databases)
        fprintf(out, "\nRisks (register of %s with each database, by risk id): %s, %zu unchanged\n",
                cli_esc(df->a->version), cli_esc(b.data), df->risks.n[MEDSEC_DIFF_SAME]);
    else
        fprintf(out, "\nRisks (registers of %s and %s, by risk id): %s, %zu unchanged\n",
                cli_esc(df->a->version), cli_esc(df->b->version), cli_esc(b.data),
                df->risks.n[MEDSEC_DIFF_SAME]);
    medsec_buf_release(&b);
    if (!df->nrisks)
        return EXIT_OK_;
    struct cli_table t;
    if (cli_table_init(&t, 5, head))
        return EXIT_INTERNAL;
    int ex = EXIT_OK_;
    for (size_t i = 0; i < df->nrisks && ex == EXIT_OK_; i++) {
        const struct medsec_diff_risk *r = &df->risks_v[i];
        char ra[320], rb[320];
        const char *row[] = {medsec_diff_risk_change_name(r->change), r->id,
                             risk_text(ra, sizeof ra, &df->reg_a.config, r->a),
                             risk_text(rb, sizeof rb, &df->reg_b.config, r->b),
                             (r->b ? r->b : r->a)->spec.title};
        if (cli_table_add(&t, row))
            ex = EXIT_INTERNAL;
    }
    if (ex == EXIT_OK_)
        cli_table_print(&t, out);
    cli_table_release(&t);
    return ex;
}

static int print_decisions(FILE *out, const struct medsec_diff *df)
{
    if (df->databases)
        fprintf(out, "\nDecisions of the triage file (%s, first -> second database):",
                cli_esc(df->a->version));
    else
        fprintf(out, "\nDecisions of the triage file, %s -> %s:", cli_esc(df->a->version),
                cli_esc(df->b->version));
    for (int c = 0; c < MEDSEC_DIFF_D_CHANGE_COUNT; c++)
        fprintf(out, "%s %zu %s", c ? "," : "", df->decisions[c],
                medsec_diff_decision_change_name((enum medsec_diff_decision_change)c));
    fputc('\n', out);
    if (!df->ndecisions)
        return EXIT_OK_;
    static const char *const head[] = {"CHANGE", "VULNERABILITY", "COMPONENT", "DECIDED",
                                       "FINGERPRINT (MADE, A, B)"};
    struct cli_table t;
    if (cli_table_init(&t, 5, head))
        return EXIT_INTERNAL;
    int ex = EXIT_OK_;
    for (size_t i = 0; i < df->ndecisions && ex == EXIT_OK_; i++) {
        const struct medsec_diff_decision *d = &df->decisions_v[i];
        char where[700], fp[80];
        snprintf(where, sizeof where, "%s:%u%s%s", d->file, d->line, d->by ? ", " : "",
                 d->by ? d->by : "");
        snprintf(fp, sizeof fp, "%s, %s, %s", d->made_against ? d->made_against : "-",
                 d->fingerprint_a ? d->fingerprint_a : "-",
                 d->fingerprint_b ? d->fingerprint_b : "-");
        const char *row[] = {medsec_diff_decision_change_name(d->change), d->vuln, d->component,
                             where, fp};
        if (cli_table_add(&t, row))
            ex = EXIT_INTERNAL;
    }
    if (ex == EXIT_OK_) {
        fputc('\n', out);
        cli_table_print(&t, out);
    }
    cli_table_release(&t);
    return ex;
}

static void print_head(FILE *out, const struct medsec_diff *df);

static int print_text(FILE *out, const struct medsec_diff *df)
{
    int ex = EXIT_OK_;
    print_head(out, df);
    for (size_t i = 0; i < df->nsboms && ex == EXIT_OK_; i++)
        ex = print_components(out, &df->sboms[i]);
    if (ex == EXIT_OK_ && df->with_db)
        ex = print_findings(out, df);
    if (ex == EXIT_OK_ && df->with_triage)
        ex = print_decisions(out, df);
    if (ex == EXIT_OK_)
        ex = print_risks(out, df);
    if (ex != EXIT_OK_)
        return ex;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    medsec_buf_init(&b, 4096);
    if (!df->databases) {
        (void)medsec_buf_addf(&b, "components (all SBOMs) ");
        counts_text(&b, &df->components, 3, medsec_diff_component_change_name);
    }
    if (df->with_db) {
        (void)medsec_buf_addf(&b, "%sfindings ", b.len ? "; " : "");
        counts_text(&b, &df->findings, 3, medsec_diff_finding_change_name);
    }
    if (df->with_triage) {
        (void)medsec_buf_addf(&b, "; decisions");
        for (int c = 0; c < MEDSEC_DIFF_D_CHANGE_COUNT; c++)
            (void)medsec_buf_addf(
                &b, "%s %zu %s", c ? "," : "", df->decisions[c],
                medsec_diff_decision_change_name((enum medsec_diff_decision_change)c));
    }
    (void)medsec_buf_addf(&b, "; risks ");
    counts_text(&b, &df->risks, 3, medsec_diff_risk_change_name);
    if (df->databases)
        fprintf(out, "\n%s, first -> second database: %s\n", cli_esc(df->a->version),
                cli_esc(b.data));
    else
        fprintf(out, "\n%s -> %s: %s%s\n", cli_esc(df->a->version), cli_esc(df->b->version),
                cli_esc(b.data), df->with_db ? "" : " (findings: give --db)");
    medsec_buf_release(&b);
    return EXIT_OK_;
}

static int print_json(struct cli_output *out, const struct medsec_diff *df)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &b, 1);
    medsec_diff_json(&w, df);
    int ex = cli_output_json(out, &w, &b);
    medsec_buf_release(&b);
    return ex;
}

/* "imported 2026-01-01T00:00:00Z" (and ", updated ..." when it was). */
static const char *db_when(char *buf, size_t cap, const struct medsec_db_status *st)
{
    snprintf(buf, cap, "imported %s%s%s", st->last_import[0] ? st->last_import : "never",
             st->last_update[0] ? ", updated " : "", st->last_update);
    return buf;
}

/* "DEVICE: A (date, support) -> B (...)", or for two databases "DEVICE, version V: OLD -> NEW". */
static void print_head(FILE *out, const struct medsec_diff *df)
{
    if (df->databases) {
        char a[96], b[96];
        fprintf(out, "%s, version %s (%s, support %s): database %s -> database %s\n",
                cli_esc(df->device), cli_esc(df->a->version), cli_esc(df->a->release_date),
                medsec_support_level_name(df->a->support), db_when(a, sizeof a, &df->db_a),
                db_when(b, sizeof b, &df->db_b));
        return;
    }
    fprintf(out, "%s: %s (%s, support %s) -> %s (%s, support %s)\n", cli_esc(df->device),
            cli_esc(df->a->version), cli_esc(df->a->release_date),
            medsec_support_level_name(df->a->support), cli_esc(df->b->version),
            cli_esc(df->b->release_date), medsec_support_level_name(df->b->support));
}

/* The device's triage file (when there is one) and the --triage files, held against both sides. */
static int diff_triage(struct medsec_diff *df, const struct medsec_device *d, const char *dir,
                       const struct cli_strings *files, struct medsec_db *db_a,
                       struct medsec_db *db_b)
{
    struct medsec_triage *t = NULL;
    struct medsec_error err;
    medsec_err rc = medsec_triage_new(&t, &err);
    char *own = rc ? NULL : medsec_triage_path(dir, medsec_device_model(d));
    struct stat st;
    bool any = false;
    if (!rc && !own)
        rc = medsec_error_set(&err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    if (!rc && stat(own, &st) == 0) {
        rc = medsec_triage_read(t, own, &err);
        any = true;
    }
    for (size_t i = 0; !rc && i < files->n; i++, any = true)
        rc = medsec_triage_read(t, files->v[i], &err);
    char today[11];
    if (!rc && any)
        rc = medsec_diff_decisions(df, t, db_a, db_b, cli_today(today), &err);
    medsec_free(own);
    medsec_triage_free(t);
    return rc ? cli_fail(&err, rc) : EXIT_OK_;
}

int cmd_diff(int argc, char **argv)
{
    int format = CLI_TEXT;
    const char *output = NULL;
    struct cli_strings dbpaths = {.max = 2}, triage_files = {0};
    const struct cli_option opts[] = {
        {0, "db", CLI_OPT_STRINGS, &dbpaths, 0, "PATH",
         "also scan both releases against this vulnerability database and\n"
         "compare their findings (new, fixed, changed); given twice (OLD, then\n"
         "NEW) with one release V: what the newer database says differently"},
        {0, "triage", CLI_OPT_STRINGS, &triage_files, 0, "FILE",
         "with --db, read this triage file too (after the device's own;\n"
         "repeatable): its decisions that became stale, current again,\n"
         "stopped or started covering a finding"},
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL,
         "print JSON (docs/schema/diff-report.schema.json)"},
        CLI_OPT_OUTPUT(&output),
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "diff",
        .usage = "medsec diff DIR A B [--db PATH [--triage FILE]...] [--json] [-o FILE]\n"
                 "medsec diff DIR [V] --db OLD --db NEW [--triage FILE]... [--json] [-o FILE]",
        .about =
            "Print what changed from release A to release B of the device in DIR (versions of its\n"
            "device.yaml, A the older; docs/diff.md): the components each SBOM added, removed or\n"
            "updated (matched by purl without version, else by name; with their level of support\n"
            "and end of support), with --db the findings that are new in B, fixed in B or changed\n"
            "(score, KEV, EPSS, the component's version, the file's assessment; both releases are\n"
            "matched against the same database), the decisions of the device's triage file\n"
            "(docs/triage.md) that became stale, current again, stopped or started covering a\n"
            "finding, and the risks of the two registers (by risk id) that are new, gone or moved\n"
            "in exploitability, severity or acceptance.\n"
            "The second form compares two databases (two dates of the feeds) on one release V\n"
            "(default: the current version): the findings and risks that differ.\n",
        .opts = opts,
        .more =
            "Exit: 0 the diff was made (a diff is information, whatever it shows), 2 bad input\n"
            "(a version the file does not have, a broken device folder, a --db that cannot be\n"
            "used), 3 a database failing while working, or an internal error.\n",
        .min_args = 1,
        .max_args = 3,
        .missing = "need a device folder and two versions (A B)",
        .extra = "one device folder and two versions only",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_) {
        cli_strings_release(&dbpaths);
        cli_strings_release(&triage_files);
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    }
    bool two_dbs = dbpaths.n == 2;
    if (!two_dbs && nargs != 3) {
        cli_strings_release(&dbpaths);
        cli_strings_release(&triage_files);
        return cli_usage_error("diff", "need a device folder and two versions (A B)");
    }
    if (two_dbs && nargs > 2) {
        cli_strings_release(&dbpaths);
        cli_strings_release(&triage_files);
        return cli_usage_error("diff", "with two databases, one device folder and at most one "
                                       "version");
    }

    struct medsec_device *d = NULL;
    struct medsec_db *db[2] = {NULL, NULL};
    char *owned_db[2] = {NULL, NULL};
    struct medsec_diff *df = NULL;
    struct medsec_error err;
    medsec_err rc;
    if ((ex = cli_open_device(args[0], NULL, &d)) != EXIT_OK_)
        goto out_release;
    for (size_t i = 0; i < dbpaths.n; i++)
        if ((ex = cli_open_vulndb("diff", dbpaths.v[i], &db[i], &owned_db[i])) != EXIT_OK_)
            goto out_release;
    rc = two_dbs ? medsec_diff_databases(cli_context(), d, db[0], db[1], nargs > 1 ? args[1] : NULL,
                                         &df, &err)
                 : medsec_diff_releases(cli_context(), d, db[0], args[1], args[2], &df, &err);
    if (rc) {
        ex = cli_fail(&err, rc);
        goto out_release;
    }
    if (dbpaths.n && (ex = diff_triage(df, d, args[0], &triage_files, db[0],
                                       two_dbs ? db[1] : db[0])) != EXIT_OK_)
        goto out_release;
    struct cli_output out;
    if ((ex = cli_output_open(&out, output)) != EXIT_OK_)
        goto out_release;
    ex = format == CLI_JSON ? print_json(&out, df) : print_text(out.f, df);
    ex = cli_output_close(&out, ex);
out_release:
    medsec_diff_free(df);
    for (size_t i = 0; i < 2; i++) {
        medsec_db_close(db[i]);
        medsec_free(owned_db[i]);
    }
    medsec_device_close(d);
    cli_strings_release(&dbpaths);
    cli_strings_release(&triage_files);
    return ex;
}
