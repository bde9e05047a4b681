/* cmd_status.c: `medsec status DIR...`: the vulnerabilities of several devices' releases in the
 * field, each with where it is, how it is triaged, the fixing release and the due date, most
 * urgent first (docs/status.md). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "medsec/buf.h"
#include "medsec/db.h"
#include "medsec/diag.h"
#include "medsec/json.h"
#include "medsec/portfolio.h"

/* "pump: 3.2.0, 3.1.4; monitor: 1.0": the devices and releases of @v's places. */
static void where_text(struct medsec_buf *b, const struct medsec_portfolio_vuln *v)
{
    for (size_t i = 0; i < v->nplaces; i++) {
        const struct medsec_portfolio_place *pl = &v->places[i],
                                            *prev = i ? &v->places[i - 1] : NULL;
        bool same_device = prev && !strcmp(prev->device, pl->device);
        bool same_release =
            same_device && (prev->version == pl->version ||
                            (prev->version && pl->version && !strcmp(prev->version, pl->version)));
        if (same_release)
            continue;
        if (!same_device)
            (void)medsec_buf_addf(b, "%s%s", i ? "; " : "", pl->device);
        if (pl->version)
            (void)medsec_buf_addf(b, "%s%s", same_device ? ", " : ": ", pl->version);
    }
}

/* "2 untriaged, 1 not_affected (J. Meier)": how @v's places stand, counted by status or state. */
static void state_text(struct medsec_buf *b, const struct medsec_portfolio_vuln *v)
{
    size_t untriaged = 0, stale = 0, by_state[MEDSEC_VEX_STATE_COUNT] = {0};
    for (size_t i = 0; i < v->nplaces; i++) {
        const struct medsec_portfolio_place *pl = &v->places[i];
        if (pl->status == MEDSEC_TRIAGE_UNTRIAGED)
            untriaged++;
        else if (pl->status == MEDSEC_TRIAGE_STALE)
            stale++;
        else if ((unsigned)pl->state < MEDSEC_VEX_STATE_COUNT)
            by_state[pl->state]++;
    }
    const char *sep = "";
    if (untriaged) {
        (void)medsec_buf_addf(b, "%zu untriaged", untriaged);
        sep = ", ";
    }
    if (stale) {
        (void)medsec_buf_addf(b, "%s%zu stale", sep, stale);
        sep = ", ";
    }
    for (int s = 0; s < MEDSEC_VEX_STATE_COUNT; s++) {
        if (!by_state[s])
            continue;
        (void)medsec_buf_addf(b, "%s%zu %s", sep, by_state[s],
                              medsec_vex_state_name((enum medsec_vex_state)s));
        sep = ", ";
    }
}

/* The fixing releases the decisions name, each once. */
static void fix_text(struct medsec_buf *b, const struct medsec_portfolio_vuln *v)
{
    for (size_t i = 0; i < v->nplaces; i++) {
        const char *f = v->places[i].fixed_in;
        bool seen = !f;
        for (size_t k = 0; k < i && !seen; k++)
            seen = v->places[k].fixed_in && !strcmp(v->places[k].fixed_in, f);
        if (!seen)
            (void)medsec_buf_addf(b, "%s%s", b->len ? ", " : "", f);
    }
}

static int print_text(FILE *out, const struct medsec_portfolio *p, bool closed)
{
    fprintf(out, "Portfolio: %zu device%s (", p->ndevices, p->ndevices == 1 ? "" : "s");
    for (size_t i = 0; i < p->ndevices; i++)
        fprintf(out, "%s%s", i ? ", " : "", cli_esc(p->devices[i]));
    fprintf(out, "), %zu release%s looked at: %zu vulnerabilit%s in %zu places, %zu open\n",
            p->releases, p->releases == 1 ? "" : "s", p->nvulns, p->nvulns == 1 ? "y" : "ies",
            p->places, p->open);
    fprintf(out, "By what to do first:");
    for (int t = 0; t < MEDSEC_PORTFOLIO_TIER_COUNT; t++)
        fprintf(out, "%s %zu %s", t ? "," : "", p->by_tier[t],
                medsec_portfolio_tier_name((enum medsec_portfolio_tier)t));
    fputc('\n', out);
    static const char *const head[] = {"#",   "VULNERABILITY", "SEVERITY", "KEV",     "DUE",
                                       "NOW", "WHERE",         "TRIAGE",   "FIXED IN"};
    struct cli_table t;
    if (cli_table_init(&t, 9, head))
        return EXIT_INTERNAL;
    struct medsec_buf where = MEDSEC_BUF_INIT, state = MEDSEC_BUF_INIT, fix = MEDSEC_BUF_INIT;
    int ex = EXIT_OK_;
    size_t shown = 0;
    for (size_t i = 0; i < p->nvulns && ex == EXIT_OK_; i++) {
        const struct medsec_portfolio_vuln *v = &p->vulns[i];
        if (v->tier == MEDSEC_PORTFOLIO_CLOSED && !closed)
            continue;
        medsec_buf_reset(&where);
        medsec_buf_reset(&state);
        medsec_buf_reset(&fix);
        where_text(&where, v);
        state_text(&state, v);
        fix_text(&fix, v);
        char rank[24], sev[32];
        snprintf(rank, sizeof rank, "%zu", i + 1);
        if (v->score >= 0)
            snprintf(sev, sizeof sev, "%s %.1f", medsec_cvss_severity_name(v->severity), v->score);
        else
            snprintf(sev, sizeof sev, "%s", medsec_cvss_severity_name(v->severity));
        const char *cells[] = {rank,
                               v->id,
                               sev,
                               v->kev ? "yes" : "",
                               v->due ? v->due : "",
                               medsec_portfolio_tier_name(v->tier),
                               where.data,
                               state.data,
                               fix.data};
        if (cli_table_add(&t, cells))
            ex = EXIT_INTERNAL;
        shown++;
    }
    if (ex == EXIT_OK_ && shown) {
        fputc('\n', out);
        cli_table_print(&t, out);
    }
    if (ex == EXIT_OK_ && !closed && p->by_tier[MEDSEC_PORTFOLIO_CLOSED])
        fprintf(out,
                "\n%zu closed everywhere (not affected, false positive or fixed) not listed: "
                "--closed lists them\n",
                p->by_tier[MEDSEC_PORTFOLIO_CLOSED]);
    medsec_buf_release(&where);
    medsec_buf_release(&state);
    medsec_buf_release(&fix);
    cli_table_release(&t);
    return ex;
}

static void json_place(struct medsec_jsonw *w, const struct medsec_portfolio_place *pl)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "device", pl->device);
    medsec_jsonw_kv_string(w, "version", pl->version);
    medsec_jsonw_kv_bool(w, "current", pl->current);
    medsec_jsonw_kv_string(w, "component", pl->component);
    medsec_jsonw_kv_string(w, "component_version", pl->component_version);
    medsec_jsonw_kv_string(w, "status", medsec_triage_status_name(pl->status));
    medsec_jsonw_kv_string(w, "state", medsec_vex_state_name(pl->state));
    medsec_jsonw_kv_string(w, "by", pl->by);
    medsec_jsonw_kv_string(w, "fixed_in", pl->fixed_in);
    medsec_jsonw_kv_string(w, "due", pl->due);
    medsec_jsonw_kv_bool(w, "past_due", pl->past_due);
    medsec_jsonw_kv_bool(w, "open", pl->open);
    medsec_jsonw_object_end(w);
}

static int print_json(struct cli_output *out, const struct medsec_portfolio *p)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &b, 1);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_int(&w, "medsec_status", 1);
    medsec_jsonw_kv_strings(&w, "devices", p->devices, p->ndevices);
    medsec_jsonw_key(&w, "summary");
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_int(&w, "releases", (long long)p->releases);
    medsec_jsonw_kv_int(&w, "vulnerabilities", (long long)p->nvulns);
    medsec_jsonw_kv_int(&w, "places", (long long)p->places);
    medsec_jsonw_kv_int(&w, "open", (long long)p->open);
    medsec_jsonw_key(&w, "by_tier");
    medsec_jsonw_object_begin(&w);
    for (int t = 0; t < MEDSEC_PORTFOLIO_TIER_COUNT; t++)
        medsec_jsonw_kv_int(&w, medsec_portfolio_tier_name((enum medsec_portfolio_tier)t),
                            (long long)p->by_tier[t]);
    medsec_jsonw_object_end(&w);
    medsec_jsonw_object_end(&w);
    medsec_jsonw_key(&w, "vulnerabilities");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < p->nvulns; i++) {
        const struct medsec_portfolio_vuln *v = &p->vulns[i];
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_int(&w, "rank", (long long)i + 1);
        medsec_jsonw_kv_string(&w, "id", v->id);
        medsec_jsonw_kv_strings(&w, "aliases", v->aliases, v->naliases);
        medsec_jsonw_kv_string(&w, "summary", v->summary);
        medsec_jsonw_kv_string(&w, "severity", medsec_cvss_severity_name(v->severity));
        medsec_jsonw_key(&w, "score");
        if (v->score >= 0)
            medsec_jsonw_fixed(&w, v->score, 1);
        else
            medsec_jsonw_null(&w);
        medsec_jsonw_kv_bool(&w, "kev", v->kev);
        medsec_jsonw_kv_string(&w, "kev_due_date", v->kev_due_date);
        medsec_jsonw_key(&w, "epss");
        if (v->has_epss)
            medsec_jsonw_double(&w, v->epss);
        else
            medsec_jsonw_null(&w);
        medsec_jsonw_kv_string(&w, "tier", medsec_portfolio_tier_name(v->tier));
        medsec_jsonw_kv_string(&w, "due", v->due);
        medsec_jsonw_kv_int(&w, "open", (long long)v->open);
        medsec_jsonw_kv_int(&w, "devices", (long long)v->devices);
        medsec_jsonw_kv_int(&w, "releases", (long long)v->releases);
        medsec_jsonw_key(&w, "places");
        medsec_jsonw_array_begin(&w);
        for (size_t k = 0; k < v->nplaces; k++)
            json_place(&w, &v->places[k]);
        medsec_jsonw_array_end(&w);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_object_end(&w);
    int ex = cli_output_json(out, &w, &b);
    medsec_buf_release(&b);
    return ex;
}

int cmd_status(int argc, char **argv)
{
    int format = CLI_TEXT;
    const char *dbpath = NULL, *output = NULL;
    bool all = false, closed = false;
    struct cli_strings files = {0};
    const struct cli_option opts[] = {
        CLI_OPT_DB(&dbpath),
        {0, "all", CLI_OPT_FLAG, &all, 0, NULL,
         "every release of each device, also those no longer in the field"},
        {0, "triage", CLI_OPT_STRINGS, &files, 0, "FILE",
         "a triage file the devices share (read after each device's own;\nrepeatable)"},
        {0, "closed", CLI_OPT_FLAG, &closed, 0, NULL,
         "also list the vulnerabilities closed everywhere"},
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL,
         "print JSON (docs/schema/status.schema.json), closed ones included"},
        CLI_OPT_OUTPUT(&output),
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "status",
        .usage = "medsec status DIR... [--db PATH] [--all] [--triage FILE]... [--closed] [--json] "
                 "[-o FILE]",
        .about =
            "Match the releases in the field of every device folder DIR against the vulnerability\n"
            "database, hold each finding against the device's triage file (docs/triage.md), and\n"
            "list the vulnerabilities across the devices, most urgent first (docs/status.md): in\n"
            "CISA KEV and not closed, past the due date, open (untriaged or stale), decided\n"
            "affected, closed. For each: its severity, the earliest due date, where it is (devices\n"
            "and releases), how the places are triaged and the releases that fix it.\n",
        .opts = opts,
        .more = "Exit: 0 nothing is untriaged, stale or past due, 1 something is, 2 bad input (a\n"
                "device folder, a triage file, the database), 3 an internal error.\n",
        .min_args = 1,
        .max_args = MEDSEC_PORTFOLIO_MAX_DEVICES,
        .missing = "need at least one device folder",
        .extra = "too many device folders",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_) {
        cli_strings_release(&files);
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    }
    struct medsec_db *db = NULL;
    char *owned_db = NULL;
    struct medsec_portfolio p = {0};
    if ((ex = cli_open_vulndb("status", dbpath, &db, &owned_db)) != EXIT_OK_)
        goto out;
    char today[11];
    const struct medsec_triage_assess_opts ao = {cli_today(today), NULL, all};
    struct medsec_diags diags = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    medsec_err rc = medsec_portfolio_build(cli_context(), (const char *const *)args, (size_t)nargs,
                                           files.v, files.n, db, &ao, &p, &diags, &err);
    cli_print_diags(stderr, &diags);
    medsec_diags_release(&diags);
    if (rc) {
        ex = cli_fail(&err, rc);
        goto out;
    }
    struct cli_output out;
    if ((ex = cli_output_open(&out, output)) != EXIT_OK_)
        goto out;
    ex = format == CLI_JSON ? print_json(&out, &p) : print_text(out.f, &p, closed);
    if (ex == EXIT_OK_ && p.open)
        ex = EXIT_FINDINGS;
    ex = cli_output_close(&out, ex);
out:
    medsec_portfolio_release(&p);
    medsec_db_close(db);
    medsec_free(owned_db);
    cli_strings_release(&files);
    return ex;
}
