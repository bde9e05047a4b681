/* cmd_advisory.c: `medsec advisory`: the manufacturer's CSAF 2.0 security advisory about one
 * vulnerability of a device, and the provider folder that publishes it (docs/advisory.md). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/date.h"
#include "medsec/device.h"
#include "medsec/file.h"
#include "medsec/psirt.h"
#include "medsec/triage.h"

/* mkdir -p of @path's folder part up to (not including) its last component. */
static int make_dirs(const char *path)
{
    char b[4096];
    if (snprintf(b, sizeof b, "%s", path) >= (int)sizeof b)
        return -1;
    for (char *p = b + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(b, 0755) && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

/* SOURCE_DATE_EPOCH as a date-time, when set and valid. */
static const char *source_date(char out[21])
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (!s || !*s)
        return NULL;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < 0 || v > 253402300799LL) /* up to 9999-12-31T23:59:59Z */
        return NULL;
    medsec_time_format((int64_t)v, out);
    return out;
}

/* OUT/<tlp>/<year>/@name when an earlier run wrote it (the first year that has it), else NULL. */
static char *find_previous(const char *outdir, enum medsec_tlp tlp, const char *name)
{
    char tdir[4096];
    const char *t = medsec_tlp_name(tlp);
    size_t n = (size_t)snprintf(tdir, sizeof tdir, "%s/", outdir);
    for (; *t && n + 1 < sizeof tdir; t++)
        tdir[n++] = (char)(*t - 'A' + 'a');
    tdir[n] = 0;
    DIR *dir = opendir(tdir);
    if (!dir)
        return NULL;
    char *found = NULL, best[16] = "";
    struct dirent *de;
    while ((de = readdir(dir))) {
        struct stat st;
        char p[8192];
        if (strlen(de->d_name) != 4 || strspn(de->d_name, "0123456789") != 4 ||
            (best[0] && strcmp(de->d_name, best) > 0))
            continue;
        snprintf(p, sizeof p, "%s/%s/%s", tdir, de->d_name, name);
        if (lstat(p, &st) || !S_ISREG(st.st_mode))
            continue;
        struct medsec_buf b = MEDSEC_BUF_INIT;
        if (medsec_buf_adds(&b, p)) {
            medsec_buf_release(&b);
            continue;
        }
        medsec_free(found);
        found = medsec_buf_detach(&b, NULL);
        memcpy(best, de->d_name, 5); /* four digits and the NUL */
    }
    closedir(dir);
    return found;
}

static bool https_url(const char *u)
{
    return u && !strncmp(u, "https://", 8) && u[8];
}

static int publish(const char *outdir, const char *base_url, const char *publisher, const char *ns,
                   bool no_list)
{
    struct medsec_psirt_provider p = {base_url, publisher, ns, !no_list, 0};
    struct medsec_error err;
    medsec_err rc = medsec_psirt_publish(outdir, &p, &err);
    if (rc)
        return cli_fail(&err, rc);
    fprintf(stderr, "medsec advisory: %s: provider-metadata.json and feeds list %zu advisor%s\n",
            cli_esc(outdir), p.advisories, p.advisories == 1 ? "y" : "ies");
    return EXIT_OK_;
}

static int advisory_publish(int argc, char **argv)
{
    const char *base_url = NULL, *publisher = NULL, *ns = NULL;
    bool no_list = false;
    const struct cli_option opts[] = {
        {0, "base-url", CLI_OPT_STRING, &base_url, 0, "URL",
         "the https:// address of OUT (required)"},
        {0, "publisher", CLI_OPT_STRING, &publisher, 0, "NAME", "the publisher's name (required)"},
        {0, "namespace", CLI_OPT_STRING, &ns, 0, "URI",
         "the publisher namespace (default: the base URL's origin)"},
        {0, "no-aggregators", CLI_OPT_FLAG, &no_list, 0, NULL,
         "ask CSAF aggregators not to list or mirror the advisories"},
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "advisory publish",
        .usage = "medsec advisory publish OUT --base-url URL --publisher NAME [--namespace URI]",
        .about = "Write the .sha512 file of every advisory OUT/<tlp>/<year>/*.json, a ROLIE feed\n"
                 "per TLP (OUT/<tlp>/feed-tlp-<tlp>.json) and OUT/provider-metadata.json, so\n"
                 "that CSAF downloaders can fetch the advisories (docs/advisory.md).\n",
        .opts = opts,
        .more = "Exit: 0 written, 2 bad usage or input (no advisories, one that is not CSAF),\n"
                "3 internal error.\n",
        .min_args = 1,
        .max_args = 1,
        .missing = "missing the provider folder",
        .extra = "one provider folder only",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    if (!https_url(base_url))
        return cli_usage_error("advisory publish", "--base-url https://... is required");
    if (!publisher)
        return cli_usage_error("advisory publish", "--publisher NAME is required");
    char origin[1024];
    if (!ns) {
        size_t n = strcspn(base_url + 8, "/");
        snprintf(origin, sizeof origin, "https://%.*s", (int)n, base_url + 8);
        ns = origin;
    }
    return publish(args[0], base_url, publisher, ns, no_list);
}

int cmd_advisory(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "publish"))
        return advisory_publish(argc - 1, argv + 1);
    const char *output = NULL, *outdir = NULL, *dbpath = NULL, *tlp = NULL, *status = NULL,
               *id = NULL, *base_url = NULL, *ns = NULL, *date = NULL;
    bool no_list = false;
    struct cli_strings triage_files = {0};
    const struct cli_option opts[] = {
        {0, "db", CLI_OPT_STRING, &dbpath, 0, "PATH",
         "the vulnerability database: every release's findings, the advisory's\nsummary, CWE and "
         "KEV entry (without it only the security file speaks)"},
        {0, "triage", CLI_OPT_STRINGS, &triage_files, 0, "FILE",
         "read this triage file too (after the device's own; repeatable; needs --db)"},
        {0, "tlp", CLI_OPT_STRING, &tlp, 0, "LABEL",
         "the distribution's TLP label: white (default; clear is the same), green,\namber, red"},
        {0, "status", CLI_OPT_STRING, &status, 0, "S",
         "the document status: final (default) or interim"},
        {0, "id", CLI_OPT_STRING, &id, 0, "ID",
         "the tracking id (default: the device name, '-', the vulnerability id)"},
        {0, "date", CLI_OPT_STRING, &date, 0, "DATE",
         "the document date (default: the latest triage decision about the\nvulnerability, else "
         "SOURCE_DATE_EPOCH, else today)"},
        {0, "base-url", CLI_OPT_STRING, &base_url, 0, "URL",
         "the provider's https:// address: the document's self reference and,\nwith --out-dir, "
         "the feeds' links (required with --out-dir)"},
        {0, "namespace", CLI_OPT_STRING, &ns, 0, "URI",
         "the publisher namespace (default: the base URL's origin, else\nurn:medsec:vendor:"
         "MANUFACTURER)"},
        {0, "out-dir", CLI_OPT_STRING, &outdir, 0, "OUT",
         "write OUT/<tlp>/<year>/<id>.json and publish OUT (as advisory publish)"},
        {0, "no-aggregators", CLI_OPT_FLAG, &no_list, 0, NULL,
         "with --out-dir: ask CSAF aggregators not to list or mirror them"},
        CLI_OPT_OUTPUT(&output),
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "advisory",
        .usage = "medsec advisory DIR VULN-ID [--db PATH] [--triage FILE]... [--tlp LABEL]\n"
                 "                [--status final|interim] [--id ID] [--date DATE]\n"
                 "                [--base-url URL] [--namespace URI] [-o FILE | --out-dir OUT]\n"
                 "medsec advisory publish OUT --base-url URL --publisher NAME [--namespace URI]",
        .about =
            "Write the manufacturer's security advisory about VULN-ID (its id or an alias) as a\n"
            "CSAF 2.0 document of the security_advisory profile (docs/advisory.md): every\n"
            "release of the device a product, with its status from the security file and, with\n"
            "--db, the findings and the triage file's decisions; the fixing release, workarounds\n"
            "and releases past their end of support as remediations; the CVSS score, in the\n"
            "device's context when a suggestion was accepted. The same input gives the same\n"
            "bytes. A summary goes to standard error.\n",
        .opts = opts,
        .more = "Exit: 0 written, 2 bad usage or input (an unknown vulnerability, a bad --tlp or\n"
                "--status, a --db that cannot be used), 3 internal error.\n",
        .min_args = 2,
        .max_args = 2,
        .missing = "missing the device folder or the vulnerability id",
        .extra = "one device folder and one vulnerability id only",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_) {
        cli_strings_release(&triage_files);
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    }
    struct medsec_psirt_opts po = {0};
    char bad[160] = "";
    if (tlp && !medsec_tlp_parse(tlp, &po.tlp))
        snprintf(bad, sizeof bad, "unknown TLP label '%.40s' (white, clear, green, amber, red)",
                 tlp);
    else if (status && strcmp(status, "final") && strcmp(status, "interim"))
        snprintf(bad, sizeof bad, "unknown status '%.40s' (final or interim)", status);
    else if (output && outdir)
        snprintf(bad, sizeof bad, "-o and --out-dir exclude each other");
    else if (outdir && !base_url)
        snprintf(bad, sizeof bad, "--out-dir publishes the folder: give --base-url https://...");
    else if (base_url && !https_url(base_url))
        snprintf(bad, sizeof bad, "--base-url must be an https:// address");
    else if (triage_files.n && !dbpath)
        snprintf(bad, sizeof bad, "--triage needs --db: triage decisions are about findings");
    else if (date && !medsec_time_parse(date, NULL))
        snprintf(bad, sizeof bad, "--date takes YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
    if (bad[0]) {
        cli_strings_release(&triage_files);
        return cli_usage_error("advisory", "%s", bad);
    }
    char today[11], epoch[21];
    po.interim = status && !strcmp(status, "interim");
    po.id = id;
    po.base_url = base_url;
    po.namespace_ = ns;
    po.date = date;
    po.fallback = source_date(epoch);
    po.today = cli_today(today);

    struct medsec_device *d = NULL;
    struct medsec_db *db = NULL;
    char *owned_db = NULL, *path = NULL, *old = NULL, *prev = NULL;
    struct medsec_triage_session triage = {0};
    struct medsec_vex_doc decided;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_psirt_written wr = {0};
    struct medsec_error err;
    medsec_vex_doc_init(&decided);
    if ((ex = cli_open_device(args[0], NULL, &d)) != EXIT_OK_)
        goto out_release;
    if (dbpath && (ex = cli_open_vulndb("advisory", dbpath, &db, &owned_db)) != EXIT_OK_)
        goto out_release;
    medsec_err rc = MEDSEC_OK;
    if (db) {
        /* every release scanned and assessed once, as `medsec triage --all` does */
        const struct medsec_triage_assess_opts ao = {today, NULL, true};
        rc = medsec_triage_session_open(cli_context(), args[0], triage_files.v, triage_files.n, db,
                                        &ao, &triage, NULL, &err);
        if (!rc && triage.has_file)
            rc = medsec_triage_decided_statements(&triage.report, NULL, &decided, &err);
    }
    if (!rc)
        rc = medsec_psirt_advisory(d, db ? triage.plan : NULL, db, args[1],
                                   triage.has_file ? medsec_vex_doc_decide : NULL,
                                   triage.has_file ? &decided : NULL, &po, &b, &wr, &err);
    if (!rc && outdir && (old = find_previous(outdir, po.tlp, wr.file_name))) {
        /* the advisory is in the folder already: continue its tracking */
        size_t len = 0;
        if (!(rc = medsec_file_read(old, MEDSEC_PSIRT_MAX_DOC, &prev, &len, &err))) {
            po.previous = prev;
            po.previous_len = len;
            po.previous_name = old;
            medsec_psirt_written_release(&wr);
            medsec_buf_release(&b);
            rc = medsec_psirt_advisory(d, db ? triage.plan : NULL, db, args[1],
                                       triage.has_file ? medsec_vex_doc_decide : NULL,
                                       triage.has_file ? &decided : NULL, &po, &b, &wr, &err);
        }
    }
    if (rc) {
        ex = cli_fail(&err, rc);
        goto out_release;
    }
    if (outdir) {
        struct medsec_buf p = MEDSEC_BUF_INIT;
        const char *t = medsec_tlp_name(po.tlp);
        (void)medsec_buf_addf(&p, "%s/", outdir);
        for (; *t; t++)
            (void)medsec_buf_addc(&p, (char)(*t - 'A' + 'a'));
        (void)medsec_buf_addf(&p, "/%s/%s", wr.year, wr.file_name);
        path = medsec_buf_detach(&p, NULL);
        if (!path || make_dirs(path)) {
            fprintf(stderr, "medsec: %s: error: cannot create the folder: %s\n", cli_esc(outdir),
                    strerror(errno));
            ex = EXIT_USAGE;
            goto out_release;
        }
        output = path;
    }
    struct cli_output out;
    if ((ex = cli_output_open(&out, output)) != EXIT_OK_)
        goto out_release;
    if (fwrite(b.data, 1, b.len, out.f) != b.len)
        ex = EXIT_INTERNAL;
    if ((ex = cli_output_close(&out, ex)) != EXIT_OK_)
        goto out_release;
    if (old && strcmp(old, path)) { /* a revision in another year: the old file goes */
        struct medsec_buf h = MEDSEC_BUF_INIT;
        if (!medsec_buf_addf(&h, "%s.sha512", old))
            unlink(h.data);
        medsec_buf_release(&h);
        unlink(old);
    }
    fprintf(stderr,
            "medsec advisory: %s%s%s about %s: %zu release%s affected, %zu fixed, %zu not "
            "affected\n",
            output ? cli_esc(output) : "", output ? ": " : "", cli_esc(wr.tracking_id),
            cli_esc(medsec_device_name(d)), wr.affected, wr.affected == 1 ? "" : "s", wr.fixed,
            wr.not_affected);
    if (outdir) {
        const struct medsec_model *m = medsec_device_model(d);
        char origin[1024];
        if (!ns) {
            size_t n = strcspn(base_url + 8, "/");
            snprintf(origin, sizeof origin, "https://%.*s", (int)n, base_url + 8);
        }
        ex = publish(outdir, base_url,
                     m->device.manufacturer ? m->device.manufacturer : medsec_device_name(d),
                     ns ? ns : origin, no_list);
    }
out_release:
    medsec_free(old);
    medsec_free(prev);
    medsec_psirt_written_release(&wr);
    medsec_buf_release(&b);
    medsec_free(path);
    cli_strings_release(&triage_files);
    medsec_vex_doc_release(&decided);
    medsec_triage_session_close(&triage);
    medsec_db_close(db);
    medsec_free(owned_db);
    medsec_device_close(d);
    return ex;
}
