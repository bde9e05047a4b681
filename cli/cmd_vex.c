/* cmd_vex.c: `medsec vex DIR`: the VEX document of a device release (CycloneDX, OpenVEX or CSAF),
 * optionally signed; `medsec vex verify` checks a signature and `medsec vex keygen` makes keys. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/device_vex.h"
#include "medsec/file.h"
#include "medsec/triage.h"
#include "medsec/vex.h"
#include "medsec/vex_sign.h"

#define VEX_DOC_MAX ((size_t)1 << 30) /* a document to verify */

/* "medsec vex: N statements about DEVICE VERSION (...)" on stderr. */
static void summary(const char *path, const struct medsec_vex_doc *doc)
{
    size_t by[MEDSEC_VULN_STATUS_COUNT] = {0};
    for (size_t i = 0; i < doc->n; i++)
        by[medsec_vex_state_status(doc->v[i].state)]++;
    fprintf(stderr,
            "medsec vex: %s%s%zu statement%s about %s %s: %zu affected, %zu not affected, %zu "
            "fixed, %zu under investigation\n",
            path ? cli_esc(path) : "", path ? ": " : "", doc->n, doc->n == 1 ? "" : "s",
            cli_esc(doc->product), cli_esc(doc->product_version), by[MEDSEC_VULN_AFFECTED],
            by[MEDSEC_VULN_NOT_AFFECTED], by[MEDSEC_VULN_FIXED],
            by[MEDSEC_VULN_UNDER_INVESTIGATION]);
}

/* FILE with "-VERSION" before the first '.' of its name (at the end when it has none). */
static char *versioned_path(const char *path, const char *version)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strchr(base, '.');
    size_t head = dot && dot != base ? (size_t)(dot - path) : strlen(path);
    struct medsec_buf b = MEDSEC_BUF_INIT;
    if (medsec_buf_add(&b, path, head) || medsec_buf_addf(&b, "-%s%s", version, path + head))
        return medsec_buf_release(&b), NULL;
    return medsec_buf_detach(&b, NULL);
}

/* Sign @len bytes at @data with the key file @keypath into @path.sig. */
static int sign_to(const char *path, const char *data, size_t len, const char *keypath)
{
    struct medsec_error err;
    char *key = NULL, *sig = NULL, *sigpath = NULL;
    size_t klen = 0;
    medsec_err rc = medsec_file_read(keypath, MEDSEC_VEX_KEY_MAX, &key, &klen, &err);
    if (!rc)
        rc = medsec_vex_sign(data, len, key, klen, keypath, &sig, &err);
    if (!rc) {
        struct medsec_buf b = MEDSEC_BUF_INIT;
        if (medsec_buf_addf(&b, "%s.sig", path) || !(sigpath = medsec_buf_detach(&b, NULL)))
            rc = medsec_error_set(&err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (!rc)
        rc = medsec_file_write_atomic(sigpath, sig, strlen(sig), &err);
    if (key) {
        memset(key, 0, klen);
        medsec_free(key);
    }
    medsec_free(sig);
    medsec_free(sigpath);
    return rc ? cli_fail(&err, rc) : EXIT_OK_;
}

/* One release's document: to @path (NULL: standard output), signed when @keypath is set; the
 * triage file's decisions (@decided, may be NULL) win over the security file and the feeds. */
static int write_one(struct medsec_device *d, struct medsec_db *db, const char *version,
                     enum medsec_vex_format fmt, const char *ns, const char *path,
                     const char *keypath, struct medsec_vex_doc *decided)
{
    struct medsec_vex_doc doc;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_error err;
    int ex = EXIT_OK_;
    medsec_err rc = medsec_device_vex(d, db, version, decided ? medsec_vex_doc_decide : NULL,
                                      decided, &doc, &err);
    if (!rc) {
        doc.publisher_namespace = ns;
        rc = medsec_vex_write(&doc, fmt, &b, &err);
    }
    if (rc) {
        ex = cli_fail(&err, rc);
        goto out_release;
    }
    struct cli_output out;
    if ((ex = cli_output_open(&out, path)) != EXIT_OK_)
        goto out_release;
    if (fwrite(b.data, 1, b.len, out.f) != b.len)
        ex = EXIT_INTERNAL;
    ex = cli_output_close(&out, ex);
    if (ex == EXIT_OK_ && keypath)
        ex = sign_to(path, b.data, b.len, keypath);
    if (ex == EXIT_OK_)
        summary(path, &doc);
out_release:
    medsec_buf_release(&b);
    medsec_vex_doc_release(&doc);
    return ex;
}

static int vex_verify(int argc, char **argv)
{
    const char *pubpath = NULL, *sigpath = NULL;
    const struct cli_option opts[] = {
        {0, "key", CLI_OPT_STRING, &pubpath, 0, "PUB", "the signer's public key file (required)"},
        {0, "sig", CLI_OPT_STRING, &sigpath, 0, "SIG", "the signature file (default FILE.sig)"},
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "vex verify",
        .usage = "medsec vex verify FILE --key PUB [--sig SIG]",
        .about =
            "Check the detached Ed25519 signature of a VEX document (docs/vex.md, \"Signing\").\n",
        .opts = opts,
        .more = "Exit: 0 the signature is valid, 2 it is not (the document or the signature\n"
                "changed, or another key made it) or a file cannot be read, 3 internal error.\n",
        .min_args = 1,
        .max_args = 1,
        .missing = "missing the document to verify",
        .extra = "one document only",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    if (!pubpath)
        return cli_usage_error("vex verify", "--key PUB is required");
    char *doc = NULL, *sig = NULL, *pub = NULL, *owned = NULL;
    size_t dlen = 0, slen = 0, plen = 0;
    struct medsec_error err;
    medsec_err rc = MEDSEC_OK;
    if (!sigpath) {
        struct medsec_buf b = MEDSEC_BUF_INIT;
        if (medsec_buf_addf(&b, "%s.sig", args[0]) || !(owned = medsec_buf_detach(&b, NULL)))
            rc = medsec_error_set(&err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        sigpath = owned;
    }
    if (!rc)
        rc = medsec_file_read(args[0], VEX_DOC_MAX, &doc, &dlen, &err);
    if (!rc)
        rc = medsec_file_read(sigpath, MEDSEC_VEX_KEY_MAX, &sig, &slen, &err);
    if (!rc)
        rc = medsec_file_read(pubpath, MEDSEC_VEX_KEY_MAX, &pub, &plen, &err);
    if (!rc)
        rc = medsec_vex_verify(doc, dlen, sig, slen, sigpath, pub, plen, pubpath, &err);
    if (rc)
        ex = cli_fail(&err, rc);
    else
        fprintf(stderr, "medsec vex verify: %s: good signature by %s\n", cli_esc(args[0]),
                cli_esc(pubpath));
    medsec_free(doc);
    medsec_free(sig);
    medsec_free(pub);
    medsec_free(owned);
    return ex;
}

static int vex_keygen(int argc, char **argv)
{
    const struct cli_option opts[] = {CLI_OPT_END};
    const struct cli_spec spec = {
        .cmd = "vex keygen",
        .usage = "medsec vex keygen KEY",
        .about =
            "Make an Ed25519 key pair for signing VEX documents: the secret key into KEY\n"
            "(created with mode 0600; an existing file is not overwritten) and the public key\n"
            "into KEY.pub, each as one base64 line (docs/vex.md, \"Signing\").\n",
        .opts = opts,
        .min_args = 1,
        .max_args = 1,
        .missing = "missing the key file to create",
        .extra = "one key file only",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    char *sec = NULL, *pub = NULL, *pubpath = NULL;
    struct medsec_error err;
    medsec_err rc = medsec_vex_keygen(&sec, &pub, &err);
    if (rc)
        return cli_fail(&err, rc);
    struct medsec_buf b = MEDSEC_BUF_INIT;
    if (medsec_buf_addf(&b, "%s.pub", args[0]) || !(pubpath = medsec_buf_detach(&b, NULL))) {
        ex = EXIT_INTERNAL;
        goto out_free;
    }
    FILE *f = NULL;
    /* O_EXCL with mode 0600: the secret is never readable by others, never clobbered */
    int fd = open(args[0], O_WRONLY | O_CREAT | O_EXCL, 0600), why = errno;
    if (fd >= 0 && !(f = fdopen(fd, "w")))
        why = errno, close(fd);
    if (!f) {
        fprintf(stderr, "medsec: %s: error: cannot create the key file: %s\n", cli_esc(args[0]),
                why == EEXIST ? "it exists already (keygen never overwrites a key)"
                              : strerror(why));
        ex = EXIT_USAGE;
        goto out_free;
    }
    bool bad = fputs(sec, f) < 0;
    bad |= fclose(f) != 0;
    if (bad) {
        fprintf(stderr, "medsec: %s: error: writing the key file failed\n", cli_esc(args[0]));
        ex = EXIT_INTERNAL;
        goto out_free;
    }
    if ((rc = medsec_file_write_atomic(pubpath, pub, strlen(pub), &err))) {
        ex = cli_fail(&err, rc);
        goto out_free;
    }
    fprintf(stderr, "medsec vex keygen: secret key %s, public key %s\n", cli_esc(args[0]),
            cli_esc(pubpath));
out_free:
    if (sec)
        memset(sec, 0, strlen(sec));
    medsec_free(sec);
    medsec_free(pub);
    medsec_free(pubpath);
    return ex;
}

int cmd_vex(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "verify"))
        return vex_verify(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "keygen"))
        return vex_keygen(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "read"))
        return cmd_vex_read(argc - 1, argv + 1);
    const char *output = NULL, *dbpath = NULL, *version = NULL, *format = NULL, *key = NULL,
               *ns = NULL;
    bool all = false;
    struct cli_strings triage_files = {0};
    const struct cli_option opts[] = {
        {0, "format", CLI_OPT_STRING, &format, 0, "F",
         "cyclonedx (CycloneDX 1.6), openvex (OpenVEX 0.2.0) or csaf (CSAF 2.0\nVEX profile); "
         "required"},
        {0, "db", CLI_OPT_STRING, &dbpath, 0, "PATH",
         "also state every finding of matching the release's SBOMs against\nthis vulnerability "
         "database (as medsec scan does); unassessed ones are\nin_triage / under_investigation"},
        {0, "version", CLI_OPT_STRING, &version, 0, "V",
         "the release (default: the current version)"},
        {0, "all", CLI_OPT_FLAG, &all, 0, NULL,
         "every release in the field, one document each (needs -o FILE: each\ngoes to FILE with "
         "-VERSION before the first '.' of its name)"},
        {0, "triage", CLI_OPT_STRINGS, &triage_files, 0, "FILE",
         "read this triage file too (after the device's own; repeatable); with\n--db, decisions by "
         "hand or by rule that are not stale win"},
        {0, "namespace", CLI_OPT_STRING, &ns, 0, "URI",
         "the CSAF publisher namespace (default urn:medsec:vendor:MANUFACTURER)"},
        {0, "sign", CLI_OPT_STRING, &key, 0, "KEY",
         "sign each document with the Ed25519 secret key file KEY into FILE.sig\n(needs -o FILE)"},
        CLI_OPT_OUTPUT(&output),
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "vex",
        .usage =
            "medsec vex DIR --format cyclonedx|openvex|csaf [--db PATH] [--version V | --all]\n"
            "           [--triage FILE]... [--namespace URI] [-o FILE [--sign KEY]]\n"
            "medsec vex verify FILE --key PUB [--sig SIG]\n"
            "medsec vex keygen KEY\n"
            "medsec vex read [--json] [-o FILE] FILE...",
        .about =
            "Write what the manufacturer says about each known vulnerability of a device release\n"
            "as a VEX document (docs/vex.md): the security file's `vulnerabilities:` assessment\n"
            "and, with --db, every finding of the release's SBOMs, one statement per vulnerability\n"
            "and component, sorted. The same input gives the same bytes (times come from the\n"
            "clock, MEDSEC_NOW when set). With --db, the triage file's decisions (docs/triage.md)\n"
            "win over the security file and the feeds, except stale ones. A summary goes to\n"
            "standard error.\n"
            "\n"
            "`vex read` lists the statements of suppliers' VEX documents (docs/vex-read.md).\n",
        .opts = opts,
        .more = "Exit: 0 written, 2 bad usage or input (an unknown version, a --db that cannot be\n"
                "used, a bad key file), 3 internal error or a database failing while working.\n",
        CLI_ONE_DEVICE_FOLDER,
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_) {
        cli_strings_release(&triage_files);
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    }
    enum medsec_vex_format fmt = MEDSEC_VEX_CYCLONEDX;
    char bad[160] = "";
    if (!format)
        snprintf(bad, sizeof bad, "--format is required (cyclonedx, openvex or csaf)");
    else if (!medsec_vex_format_parse(format, &fmt))
        snprintf(bad, sizeof bad, "unknown format '%.40s' (cyclonedx, openvex or csaf)", format);
    else if (all && version)
        snprintf(bad, sizeof bad, "--version and --all exclude each other");
    else if (all && !output)
        snprintf(bad, sizeof bad, "--all writes one file per release: give -o FILE");
    else if (key && !output)
        snprintf(bad, sizeof bad, "--sign writes FILE.sig beside the document: give -o FILE");
    else if (triage_files.n && !dbpath)
        snprintf(bad, sizeof bad, "--triage needs --db: triage decisions are about findings");
    if (bad[0]) {
        cli_strings_release(&triage_files);
        return cli_usage_error("vex", "%s", bad);
    }

    struct medsec_device *d = NULL;
    struct medsec_db *db = NULL;
    char *owned_db = NULL;
    struct medsec_triage_session triage = {0};
    struct medsec_vex_doc decided;
    medsec_vex_doc_init(&decided);
    if ((ex = cli_open_device(args[0], NULL, &d)) != EXIT_OK_)
        goto out_release;
    if (dbpath && (ex = cli_open_vulndb("vex", dbpath, &db, &owned_db)) != EXIT_OK_)
        goto out_release;
    /* with findings, the triage file's decisions (docs/triage.md) are what the manufacturer says */
    if (db) {
        char today[11];
        const struct medsec_triage_assess_opts ao = {cli_today(today), NULL, true};
        struct medsec_error err;
        medsec_err rc = medsec_triage_session_open(cli_context(), args[0], triage_files.v,
                                                   triage_files.n, db, &ao, &triage, NULL, &err);
        if (!rc && triage.has_file)
            rc = medsec_triage_decided_statements(&triage.report, NULL, &decided, &err);
        if (rc) {
            ex = cli_fail(&err, rc);
            goto out_release;
        }
    }
    if (!all) {
        ex = write_one(d, db, version, fmt, ns, output, key, triage.has_file ? &decided : NULL);
        goto out_release;
    }
    const struct medsec_model *m = medsec_device_model(d);
    size_t written = 0;
    for (size_t i = 0; i < m->nversions && ex == EXIT_OK_; i++) {
        if (m->versions[i].in_field == 0)
            continue;
        char *path = versioned_path(output, m->versions[i].version);
        ex = path ? write_one(d, db, m->versions[i].version, fmt, ns, path, key,
                              triage.has_file ? &decided : NULL)
                  : EXIT_INTERNAL;
        written += ex == EXIT_OK_;
        medsec_free(path);
    }
    if (ex == EXIT_OK_ && !written)
        fprintf(stderr, "medsec vex: no release of %s is in the field: nothing written\n",
                cli_esc(medsec_device_name(d)));
out_release:
    cli_strings_release(&triage_files);
    medsec_vex_doc_release(&decided);
    medsec_triage_session_close(&triage);
    medsec_db_close(db);
    medsec_free(owned_db);
    medsec_device_close(d);
    return ex;
}
