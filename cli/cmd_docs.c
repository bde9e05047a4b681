/* cmd_docs.c: `medsec docs DIR -o OUT`: the device's regulatory documents (docs/docs.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/date.h"
#include "medsec/docs.h"
#include "medsec/triage.h"

/* SOURCE_DATE_EPOCH as a date (@out has 11 bytes), when set and valid. */
static const char *source_date(char out[11])
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (!s || !*s)
        return NULL;
    char *end, ts[21];
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < 0 || v > 253402300799LL)
        return NULL;
    medsec_time_format((int64_t)v, ts);
    memcpy(out, ts, 10);
    out[10] = 0;
    return out;
}

/* The gap summary on standard error. */
static void gap_summary(const struct medsec_docs *set, const char *outdir)
{
    size_t n;
    const struct medsec_docs_gap *g = medsec_docs_gaps(set, &n);
    fprintf(stderr, "medsec docs: %zu documents in %s, %zu gap%s\n", medsec_docs_count(set),
            cli_esc(outdir), n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "  %s %s: %s (%s)\n", cli_esc(g[i].area), cli_esc(g[i].item),
                cli_esc(g[i].text), cli_esc(g[i].doc));
}

int cmd_docs(int argc, char **argv)
{
    const char *outdir = NULL, *dbpath = NULL, *version = NULL;
    bool json = false, strict = false;
    struct cli_strings triage_files = {0};
    const struct cli_option opts[] = {
        {'o', "output", CLI_OPT_STRING, &outdir, 0, "OUT", "the folder to write (required)"},
        {0, "version", CLI_OPT_STRING, &version, 0, "V",
         "the release documented (default: the current version)"},
        {0, "db", CLI_OPT_STRING, &dbpath, 0, "PATH",
         "the vulnerability database: the findings, their triage and the\nunresolved anomalies"},
        {0, "triage", CLI_OPT_STRINGS, &triage_files, 0, "FILE",
         "read this triage file too (after the device's own; repeatable; needs --db)"},
        {0, "json", CLI_OPT_FLAG, &json, 0, NULL,
         "also print the underlying data as JSON on standard output"},
        {0, "strict", CLI_OPT_FLAG, &strict, 0, NULL, "exit 1 while any gap remains"},
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "docs",
        .usage = "medsec docs DIR -o OUT [--version V] [--db PATH] [--triage FILE]... [--json]\n"
                 "           [--strict]",
        .about = "Write the device's regulatory documents under OUT (docs/docs.md) and print the\n"
                 "gap summary on standard error.\n",
        .opts = opts,
        .more = "Exit: 0 written, 1 written with gaps under --strict, 2 bad usage or input,\n"
                "3 internal error.\n",
        CLI_ONE_DEVICE_FOLDER,
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_) {
        cli_strings_release(&triage_files);
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    }
    if (!outdir) {
        cli_strings_release(&triage_files);
        return cli_usage_error("docs", "-o OUT is required");
    }
    if (triage_files.n && !dbpath) {
        cli_strings_release(&triage_files);
        return cli_usage_error("docs", "--triage needs --db: triage decisions are about findings");
    }
    struct medsec_device *d = NULL;
    struct medsec_db *db = NULL;
    char *owned_db = NULL;
    struct medsec_triage_session triage = {0};
    struct medsec_docs *set = NULL;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_error err;
    medsec_err rc = MEDSEC_OK;
    if ((ex = cli_open_device(args[0], NULL, &d)) != EXIT_OK_)
        goto out;
    if (dbpath && (ex = cli_open_vulndb("docs", dbpath, &db, &owned_db)) != EXIT_OK_)
        goto out;
    char date[11];
    struct medsec_docs_opts o = {version, source_date(date), NULL, db, NULL, NULL};
    if (db) {
        const struct medsec_triage_assess_opts ao = {o.date, NULL, true};
        rc = medsec_triage_session_open(cli_context(), args[0], triage_files.v, triage_files.n, db,
                                        &ao, &triage, NULL, &err);
        o.triage = &triage;
    }
    if (!rc)
        rc = medsec_docs_build(d, &o, &set, &err);
    if (!rc)
        rc = medsec_docs_write(set, outdir,
                               MEDSEC_DOCS_MARKDOWN | MEDSEC_DOCS_HTML | MEDSEC_DOCS_FILES, &err);
    if (!rc && json)
        rc = medsec_docs_json(set, &b, 1, &err);
    if (rc) {
        ex = rc == MEDSEC_ENOTFOUND ? cli_usage_error("docs", "%s", err.msg) : cli_fail(&err, rc);
        goto out;
    }
    if (json && fwrite(b.data, 1, b.len, stdout) != b.len)
        ex = EXIT_INTERNAL;
    gap_summary(set, outdir);
    size_t ngaps;
    medsec_docs_gaps(set, &ngaps);
    if (ex == EXIT_OK_ && strict && ngaps)
        ex = EXIT_FINDINGS;
out:
    medsec_buf_release(&b);
    medsec_docs_free(set);
    cli_strings_release(&triage_files);
    medsec_triage_session_close(&triage);
    medsec_db_close(db);
    medsec_free(owned_db);
    medsec_device_close(d);
    return ex;
}
