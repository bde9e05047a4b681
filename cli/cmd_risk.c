/* cmd_risk.c: `medsec risk DIR`: the security risk register (table, JSON or CSV). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/device.h"
#include "medsec/device_vex.h"
#include "medsec/triage.h"
#include "medsec/vex.h"
#include "medsec/json.h"

/* One cell description: "probable x critical = high". */
static void cell(char *buf, size_t cap, const struct medsec_risk_config *c, int e, int s,
                 size_t cls)
{
    snprintf(buf, cap, "%s x %s = %s", medsec_risk_exploitability_name(c, e),
             medsec_risk_severity_name(c, s), medsec_risk_class_name(c, cls));
}

static void print_sections(FILE *out, const char *device, const struct medsec_risk_register *reg,
                           const struct medsec_risk_links *links)
{
    const struct medsec_risk_config *c = &reg->config;
    bool header = false;
    for (size_t i = 0; i < reg->n; i++) {
        const struct medsec_risk_item *it = &reg->items[i];
        if (it->result.initial_acceptable)
            continue;
        if (!header)
            fprintf(out, "\nReasoning (risks above the acceptable region before controls):\n");
        header = true;
        fprintf(out, "  %s  exploitability: %s\n", cli_esc(it->spec.id),
                cli_esc(it->spec.exploitability_basis));
        fprintf(out, "  %*s  severity: %s\n", (int)strlen(it->spec.id), "",
                cli_esc(it->spec.severity_basis));
        if (it->spec.residual_severity_basis)
            fprintf(out, "  %*s  residual severity: %s\n", (int)strlen(it->spec.id), "",
                    cli_esc(it->spec.residual_severity_basis));
    }

    header = false;
    for (size_t i = 0; i < reg->n; i++) {
        const struct medsec_risk_item *it = &reg->items[i];
        for (size_t k = 0; k < it->spec.ncontrols; k++) {
            const struct medsec_risk_control *ctl = &it->spec.controls[k];
            if (!ctl->rationale)
                continue;
            if (!header)
                fprintf(out, "\nControl effects (with their rationale and evidence):\n");
            header = true;
            fprintf(out, "  %s  %s", cli_esc(it->spec.id), cli_esc(ctl->id));
            if (ctl->exploit_reduction)
                fprintf(out, " exploitability -%d", ctl->exploit_reduction);
            if (ctl->severity_reduction)
                fprintf(out, " severity -%d", ctl->severity_reduction);
            if (!ctl->exploit_reduction && !ctl->severity_reduction && !ctl->unclaimed)
                fprintf(out, " no reduction");
            if (ctl->safety_hazard)
                fprintf(out, " (safety control of %s)", cli_esc(ctl->safety_hazard));
            fprintf(out, ": %s", cli_esc(ctl->rationale));
            if (ctl->evidence)
                fprintf(out, " [evidence: %s]", cli_esc(ctl->evidence));
            fputc('\n', out);
        }
    }

    header = false;
    for (size_t i = 0; i < reg->n; i++) {
        const struct medsec_risk_item *it = &reg->items[i];
        if (!it->result.justified)
            continue;
        if (!header)
            fprintf(out, "\nBenefit-risk justifications of residual risks above the acceptable "
                         "region:\n");
        header = true;
        fprintf(out, "  %s  %s, %s: %s\n", cli_esc(it->spec.id), cli_esc(it->spec.accepted_by),
                cli_esc(it->spec.accepted_on), cli_esc(it->spec.acceptance_rationale));
    }

    struct medsec_buf b = MEDSEC_BUF_INIT;
    medsec_buf_init(&b, (size_t)1 << 20);
    header = false;
    for (size_t i = 0; i < reg->n; i++) {
        const struct medsec_risk_item *it = &reg->items[i];
        if (it->result.residual_acceptable || it->result.justified)
            continue;
        if (!header)
            fprintf(out, "\nOpen residual risks (no justification on file) and what would close "
                         "them:\n");
        header = true;
        medsec_buf_reset(&b);
        (void)medsec_risk_closing_text(&b, it);
        fprintf(out, "  %s  %s: %s\n", cli_esc(it->spec.id), cli_esc(it->spec.title),
                cli_esc(b.data));
    }
    medsec_buf_release(&b);

    header = false;
    for (size_t h = 0; h < links->n; h++) {
        const struct medsec_risk_hazard_links *l = &links->v[h];
        if (!l->nrisks && !l->ncontrols)
            continue;
        if (!header)
            fprintf(
                out,
                "\nSafety hazard links (security risk -> hazard; safety control -> security effect):\n");
        header = true;
        fprintf(out, "  %s  %s\n", cli_esc(l->id), cli_esc(l->name));
        for (size_t k = 0; k < l->nrisks; k++)
            fprintf(out, "%s%s", k ? ", " : "    caused by security risks: ", cli_esc(l->risks[k]));
        if (l->nrisks)
            fputc('\n', out);
        for (size_t k = 0; k < l->ncontrols; k++)
            fprintf(out, "%s%s on %s", k ? ", " : "    its controls lower security risks: ",
                    cli_esc(l->controls[k].control), cli_esc(l->controls[k].risk));
        if (l->ncontrols)
            fputc('\n', out);
    }
    size_t above = medsec_risk_register_unacceptable(reg),
           open = medsec_risk_register_unjustified(reg);
    fprintf(out,
            "\n%zu security risks of %s%s%s: %zu above the acceptable region before controls, %zu "
            "after (%zu justified, %zu open) (matrix %zu x %zu)\n",
            reg->n, cli_esc(device), reg->version ? ", version " : "",
            reg->version ? cli_esc(reg->version) : "",
            medsec_risk_register_unacceptable_initial(reg), above, above - open, open,
            c->nexploitability, c->nseverity);
}

/* The releases in the field, one row each, and which is worst. */
static int print_versions(FILE *out, const struct medsec_risk_version *v, size_t n)
{
    static const char *const head[] = {
        "VERSION",      "SUPPORT",     "END OF SUPPORT", "RISKS",
        "ABOVE BEFORE", "ABOVE AFTER", "OPEN",           "PAST END OF SUPPORT"};
    struct cli_table t;
    if (cli_table_init(&t, 8, head))
        return EXIT_INTERNAL;
    int ex = EXIT_OK_;
    size_t worst = 0;
    for (size_t i = 0; i < n && ex == EXIT_OK_; i++) {
        char risks[32], before[32], after[32], open[32], ver[160];
        snprintf(ver, sizeof ver, "%s%s", v[i].version, v[i].current ? " (current)" : "");
        snprintf(risks, sizeof risks, "%zu", v[i].risks);
        snprintf(before, sizeof before, "%zu", v[i].above_initial);
        snprintf(after, sizeof after, "%zu", v[i].above);
        snprintf(open, sizeof open, "%zu", v[i].unjustified);
        struct medsec_buf e = MEDSEC_BUF_INIT;
        medsec_buf_init(&e, 1 << 16);
        for (size_t k = 0; k < v[i].nended; k++)
            (void)medsec_buf_addf(&e, "%s%s", k ? "; " : "", v[i].ended[k]);
        const char *row[] = {ver,   v[i].support, v[i].end_of_support,  risks, before,
                             after, open,         e.len ? e.data : NULL};
        if (cli_table_add(&t, row))
            ex = EXIT_INTERNAL;
        medsec_buf_release(&e);
        if (v[i].unjustified > v[worst].unjustified ||
            (v[i].unjustified == v[worst].unjustified && v[i].above > v[worst].above))
            worst = i;
    }
    if (ex == EXIT_OK_) {
        fprintf(out, "\nVersions in the field:\n");
        cli_table_print(&t, out);
        fprintf(out, "worst: %s (%zu open, %zu above the acceptable region after controls)\n",
                cli_esc(v[worst].version), v[worst].unjustified, v[worst].above);
    }
    cli_table_release(&t);
    return ex;
}

static int print_table(FILE *out, const char *device, const struct medsec_risk_register *reg,
                       const struct medsec_risk_links *links)
{
    static const char *const head[] = {"RISK",     "S",  "INITIAL", "CONTROLS",
                                       "RESIDUAL", "OK", "HAZARDS", "THREAT"};
    struct cli_table t;
    if (cli_table_init(&t, 8, head))
        return EXIT_INTERNAL;
    int ex = EXIT_OK_;
    for (size_t i = 0; i < reg->n && ex == EXIT_OK_; i++) {
        const struct medsec_risk_item *it = &reg->items[i];
        char init[160], resid[160],
            stride[2] = {it->spec.stride ? medsec_stride_letter(it->spec.stride) : '-', 0};
        cell(init, sizeof init, &reg->config, it->result.initial_exploitability,
             it->result.initial_severity, it->result.initial_class);
        cell(resid, sizeof resid, &reg->config, it->result.residual_exploitability,
             it->result.residual_severity, it->result.residual_class);
        struct medsec_buf ctl = MEDSEC_BUF_INIT, haz = MEDSEC_BUF_INIT;
        medsec_buf_init(&ctl, 4096);
        medsec_buf_init(&haz, 4096);
        for (size_t k = 0; k < it->spec.ncontrols; k++)
            (void)medsec_buf_addf(&ctl, "%s%s", k ? ", " : "", it->spec.controls[k].id);
        for (size_t k = 0; k < it->spec.nsafety_hazards; k++)
            (void)medsec_buf_addf(&haz, "%s%s", k ? ", " : "", it->spec.safety_hazards[k]);
        const char *row[] = {it->spec.id,
                             stride,
                             init,
                             ctl.len ? ctl.data : NULL,
                             resid,
                             it->result.residual_acceptable ? "yes"
                             : it->result.justified         ? "justified"
                                                            : "NO",
                             haz.len ? haz.data : NULL,
                             it->spec.title};
        if (cli_table_add(&t, row))
            ex = EXIT_INTERNAL;
        medsec_buf_release(&ctl);
        medsec_buf_release(&haz);
    }
    if (ex == EXIT_OK_) {
        cli_table_print(&t, out);
        print_sections(out, device, reg, links);
    }
    cli_table_release(&t);
    return ex;
}

static int print_json(struct cli_output *out, const char *device,
                      const struct medsec_risk_register *reg, const struct medsec_risk_links *links,
                      const struct medsec_risk_version *v, size_t nv)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &b, 1);
    medsec_risk_register_json(&w, device, reg, links, v, nv);
    int ex = cli_output_json(out, &w, &b);
    medsec_buf_release(&b);
    return ex;
}

static int print_csv(struct cli_output *out, const struct medsec_risk_register *reg)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    int ex = EXIT_OK_;
    if (medsec_risk_register_csv(&b, reg))
        ex = EXIT_INTERNAL;
    else if (fwrite(b.data, 1, b.len, out->f) != b.len)
        ex = EXIT_INTERNAL;
    medsec_buf_release(&b);
    return ex;
}

int cmd_risk(int argc, char **argv)
{
    int format = CLI_TEXT;
    const char *output = NULL, *dbpath = NULL, *version = NULL;
    struct cli_strings triage_files = {0};
    const struct cli_option opts[] = {
        {0, "db", CLI_OPT_STRING, &dbpath, 0, "PATH",
         "match the release's SBOMs against this vulnerability database\n"
         "(as medsec scan does) and add a risk per finding the file does not assess\n"
         "and the triage file does not close"},
        {0, "triage", CLI_OPT_STRINGS, &triage_files, 0, "FILE",
         "with --db, read this triage file too (after the device's own;\nrepeatable)"},
        {0, "version", CLI_OPT_STRING, &version, 0, "V",
         "assess release V (default: the current version); every release in the\n"
         "field is summed up at the end either way"},
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL, "print JSON"},
        {0, "csv", CLI_OPT_FORMAT, &format, CLI_CSV, NULL,
         "print CSV (RFC 4180), one row per risk"},
        CLI_OPT_OUTPUT(&output),
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "risk",
        .usage = "medsec risk DIR [--db PATH [--triage FILE]...] [--version V] [--json | --csv] "
                 "[-o FILE]",
        .about =
            "Print the security risk register of the device in DIR (docs/risk.md): for each threat,\n"
            "each known vulnerability the file assesses and, with --db, each vulnerability matching\n"
            "finds in the release's SBOMs and the triage file does not close (docs/triage.md):\n"
            "exploitability from where an attacker must be (the ways\n"
            "in, each lowered by the controls on it), severity from the worst harm the attack can\n"
            "reach (the path is printed), the initial and residual risk in the device's acceptance\n"
            "matrix, the controls credited (with rationale and evidence) and those that are not,\n"
            "the safety hazards it links to by the property it affects, the benefit-risk\n"
            "justification of a residual risk above the acceptable region, what would close an open\n"
            "one, and a summary of every release in the field with its components past end of\n"
            "support.\n",
        .opts = opts,
        .more =
            "Exit: 0 every residual risk is acceptable or justified (risk_acceptance), 1 some\n"
            "residual risk above the acceptable region has no justification, 2 bad input or a\n"
            "--db that cannot be used (none, damaged, no import completed), 3 a database busy or\n"
            "failing while working, or an internal error.\n",
        CLI_ONE_DEVICE_FOLDER,
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_) {
        cli_strings_release(&triage_files);
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    }

    struct medsec_triage_session triage = {0};
    struct medsec_vex_doc decided;
    medsec_vex_doc_init(&decided);
    struct medsec_device *d = NULL;
    struct medsec_db *db = NULL;
    char *owned_db = NULL;
    struct medsec_risk_register reg = {0};
    struct medsec_risk_links links = {0};
    struct medsec_device_risk_stats st;
    struct medsec_diags notes = MEDSEC_DIAGS_INIT;
    struct medsec_risk_version *versions = NULL;
    size_t nversions = 0;
    char today[11];
    struct medsec_error err;
    medsec_err rc;
    if ((ex = cli_open_device(args[0], NULL, &d)) != EXIT_OK_)
        goto out_release;
    if (dbpath && (ex = cli_open_vulndb("risk", dbpath, &db, &owned_db)) != EXIT_OK_)
        goto out_release;
    /* with findings, the triage file's decisions (docs/triage.md) are the manufacturer's: what
     * they close (not affected, false positive, fixed) adds no risk */
    if (db) {
        const struct medsec_triage_assess_opts ao = {cli_today(today), NULL, true};
        rc = medsec_triage_session_open(cli_context(), args[0], triage_files.v, triage_files.n, db,
                                        &ao, &triage, NULL, &err);
        if (!rc && triage.has_file &&
            !(rc = medsec_triage_decided_statements(&triage.report, NULL, &decided, &err)))
            medsec_device_set_decide(d, medsec_vex_doc_decide, &decided);
        if (rc) {
            ex = cli_fail(&err, rc);
            goto out_release;
        }
    }
    if ((rc = medsec_device_risks(d, db, version, &reg, &st, &notes, &err)) ||
        (rc = medsec_risk_links_build(&links, &reg, medsec_device_model(d), &err)) ||
        (rc = medsec_device_versions(d, db, cli_today(today), &versions, &nversions, &err))) {
        ex = cli_fail(&err, rc);
        goto out_release;
    }
    cli_print_diags(stderr, &notes);
    if (db) {
        fprintf(stderr,
                "medsec risk: %zu finding%s in %zu SBOM%s of version %s: %zu added as risks, %zu "
                "left to the file's own assessment",
                st.findings, st.findings == 1 ? "" : "s", st.sboms, st.sboms == 1 ? "" : "s",
                st.version ? st.version : "?", st.added, st.assessed);
        if (triage.has_file)
            fprintf(stderr, ", %zu closed by the triage file", st.decided);
        fputc('\n', stderr);
    }
    struct cli_output out;
    if ((ex = cli_output_open(&out, output)) != EXIT_OK_)
        goto out_release;
    const char *name = medsec_device_name(d);
    ex = format == CLI_JSON  ? print_json(&out, name, &reg, &links, versions, nversions)
         : format == CLI_CSV ? print_csv(&out, &reg)
                             : print_table(out.f, name, &reg, &links);
    if (ex == EXIT_OK_ && format == CLI_TEXT && nversions > 1)
        ex = print_versions(out.f, versions, nversions);
    if (ex == EXIT_OK_ && medsec_risk_register_unjustified(&reg))
        ex = EXIT_FINDINGS;
    ex = cli_output_close(&out, ex);
out_release:
    cli_strings_release(&triage_files);
    medsec_vex_doc_release(&decided);
    medsec_triage_session_close(&triage);
    medsec_device_versions_free(versions, nversions);
    medsec_diags_release(&notes);
    medsec_risk_links_release(&links);
    medsec_risk_register_release(&reg);
    medsec_db_close(db);
    medsec_free(owned_db);
    medsec_device_close(d);
    return ex;
}
